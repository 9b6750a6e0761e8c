/** `kubefence netmap`: every allowed connection, by workload, pod or namespace. I/O and printing only. */
import { Command } from "commander";
import { exposure } from "../network/exposure.js";
import { analyzeNetwork, type NetworkModel } from "../network/model.js";
import type { NetworkOptions } from "../network/options.js";
import {
  NETMAP_FORMATS,
  type NetmapFormat,
  renderConnections,
  renderExposure,
  renderMatrix,
} from "../report/netmap.js";
import { UsageError } from "./errors.js";
import { validateOutput, writeText } from "./output.js";
import { addSourceOptions, loadSource, reportDiagnostics, type SourceOptions } from "./source-options.js";

export interface NetworkFlags {
  ipblockMatchesPods: string;
  hostNetwork: string;
  nodeLocal: string;
  domainNames: string;
  samePriority: string;
}

/** The CNI-defined corners, as flags (defaults documented in src/network/options.ts). */
export function addNetworkOptions(command: Command): Command {
  return command
    .option(
      "--ipblock-matches-pods <bool>",
      "whether ipBlocks match pod IPs (true: upstream e2e, Calico; false: Cilium, Terway)",
      "true",
    )
    .option(
      "--host-network <mode>",
      "hostNetwork pods: node (treated as their node, outside policy) or pod",
      "node",
    )
    .option("--node-local <bool>", "traffic from a pod's own node is always allowed", "true")
    .option(
      "--domain-names <mode>",
      "cluster policies' domainNames peers, not resolvable offline: external (may match any address outside the cluster) or nothing",
      "external",
    )
    .option(
      "--same-priority <order>",
      "cluster policies of one tier with equal priority: name (by name, as kube-network-policies) or order (as read)",
      "name",
    );
}

export function networkOptions(flags: NetworkFlags): NetworkOptions {
  const bool = (name: string, value: string) => {
    if (value === "true") return true;
    if (value === "false") return false;
    throw new UsageError(`--${name} must be true or false (got "${value}")`);
  };
  if (flags.hostNetwork !== "node" && flags.hostNetwork !== "pod")
    throw new UsageError(`--host-network must be node or pod (got "${flags.hostNetwork}")`);
  const domainNames = flags.domainNames ?? "external";
  if (domainNames !== "external" && domainNames !== "nothing")
    throw new UsageError(`--domain-names must be external or nothing (got "${domainNames}")`);
  const samePriority = flags.samePriority ?? "name";
  if (samePriority !== "name" && samePriority !== "order")
    throw new UsageError(`--same-priority must be name or order (got "${samePriority}")`);
  return {
    domainNames,
    samePriority,
    ipBlockMatchesPods: bool("ipblock-matches-pods", flags.ipblockMatchesPods),
    hostNetwork: flags.hostNetwork,
    nodeLocalAllowed: bool("node-local", flags.nodeLocal),
  };
}

/** Loads the source and builds the model; invalid policies are reported on stderr and left out. */
export async function loadNetwork(options: SourceOptions & NetworkFlags): Promise<NetworkModel> {
  const network = networkOptions(options);
  const { snapshot } = await loadSource(options);
  const model = analyzeNetwork(snapshot, network);
  reportDiagnostics(model.diagnostics);
  // Cilium / Calico policies are read, not modelled: say which verdicts they may change (reach marks its own).
  const u = model.unmodelled;
  if (u)
    reportDiagnostics([
      {
        severity: "warning",
        message: `${u.note}: ${u.clusterWide ? "every connection" : `every connection from or to a pod of ${[...u.namespaces].sort().join(", ")}`} is incomplete (they may deny what is listed, or allow what is not)`,
      },
    ]);
  return model;
}

interface NetmapOptions extends SourceOptions, NetworkFlags {
  level: string;
  output: string;
  exposure?: boolean;
}

export function netmapCommand(): Command {
  const command = new Command("netmap")
    .description("list every allowed connection under the NetworkPolicies: SRC => DST : CONNS")
    .option(
      "--level <level>",
      "workload (a workload and its pods are one peer), pod, or namespace (matrix)",
      "workload",
    )
    .option("-o, --output <format>", "txt, json, csv, md or dot", "txt")
    .option("--exposure", "workloads reachable from every namespace or from outside, and those not isolated")
    .addHelpText(
      "after",
      `
Lines read SRC => DST : CONNS, where ends are ns/name[Kind] or a.b.c.d-e.f.g.h[External] and CONNS is
"All Connections" or protocols with merged port ranges, e.g. "TCP 80,8080-8090;UDP 53". Self pairs are omitted.

Examples:
  # Every allowed connection between workloads of the demo cluster
  kubefence netmap --demo

  # Connections touching one namespace, per pod, as CSV
  kubefence netmap -f k8s/ -R -n payments --level pod -o csv

  # Namespace x namespace: full, partial or none
  kubefence netmap --demo --level namespace

  # What every namespace or the internet can reach, and what no policy isolates
  kubefence netmap --demo --exposure

  # As Cilium decides it: ipBlocks never match pod IPs
  kubefence netmap -f k8s/ --ipblock-matches-pods=false`,
    )
    .action(async (options: NetmapOptions) => {
      validateOutput(options.output, [...NETMAP_FORMATS]);
      if (!["workload", "pod", "namespace"].includes(options.level))
        throw new UsageError(`--level must be workload, pod or namespace (got "${options.level}")`);
      const model = await loadNetwork(options);
      const format = options.output as NetmapFormat;
      const namespace = options.namespace;
      // JSON escapes control characters itself; every other format is text for people or tools.
      const write = (text: string) => (format === "json" ? process.stdout.write(text) : writeText(text));
      if (namespace !== undefined && !model.table.nsIndex.has(namespace))
        throw new UsageError(`namespaces "${namespace}" not found`);
      if (options.exposure) {
        const rows = exposure(model).filter((r) => namespace === undefined || r.namespace === namespace);
        write(renderExposure(rows, format));
        return;
      }
      if (options.level === "namespace") {
        write(renderMatrix(model.namespaceMatrix(), format, namespace));
        return;
      }
      write(renderConnections(model.connections(options.level as "pod" | "workload", namespace), format));
    });
  return addNetworkOptions(addSourceOptions(command));
}
