/** `kubefence reach SRC DST`: is the connection allowed, and why. Exit 0 allowed, 1 denied (like `can-i`). */
import { Command } from "commander";
import { isProtocol } from "../network/conns.js";
import type { DirectionVerdict, ReachVerdict } from "../network/reach.js";
import { type ReachAnswer, ResolveError, reach, resolveEnd } from "../network/resolve.js";
import { EXIT_NO, UsageError } from "./errors.js";
import { addNetworkOptions, loadNetwork, type NetworkFlags } from "./netmap.js";
import { printStructured, validateOutput, writeText } from "./output.js";
import { addSourceOptions, type SourceOptions } from "./source-options.js";

interface ReachOptions extends SourceOptions, NetworkFlags {
  port: string;
  protocol: string;
  output: string;
  explain?: boolean;
}

export function reachCommand(): Command {
  const command = new Command("reach")
    .description("can SRC open a connection to DST? per direction, with the policy and rule that decide")
    .argument("<src>", "NAMESPACE/POD, NAMESPACE/KIND/NAME (deploy, sts, ds, job, svc, …) or an IP")
    .argument(
      "<dst>",
      "NAMESPACE/POD, NAMESPACE/KIND/NAME (a Service is judged by its endpoint pods) or an IP",
    )
    .option("--port <port>", "destination port (for a Service: the Service's port)", "80")
    .option("--protocol <protocol>", "TCP, UDP or SCTP", "TCP")
    .option("-o, --output <format>", "text, json or yaml", "text")
    .option("--explain", "show the tier walk: admin → NetworkPolicy → baseline → default, per direction")
    .addHelpText(
      "after",
      `
Exit status: 0 when allowed, 1 when denied, 2 on bad input.

Examples:
  # Can busybox reach the nginx Service on port 80 in the demo cluster?
  kubefence reach default/busybox network/svc/nginx --demo

  # A Deployment to a StatefulSet on TCP 5432, from manifests
  kubefence reach -f k8s/ shop/deploy/web data/sts/db --port 5432

  # From the internet, machine-readable
  kubefence reach 203.0.113.7 shop/deploy/web --port 443 -f k8s/ -o json`,
    )
    .action(async (src: string, dst: string, options: ReachOptions) => {
      validateOutput(options.output, ["text", "json", "yaml"]);
      const port = Number(options.port);
      if (!/^[0-9]+$/.test(options.port) || port < 1 || port > 65535)
        throw new UsageError(`--port must be a number between 1 and 65535 (got "${options.port}")`);
      const protocol = options.protocol.toUpperCase();
      if (!isProtocol(protocol))
        throw new UsageError(`--protocol must be TCP, UDP or SCTP (got "${options.protocol}")`);
      const model = await loadNetwork(options);
      let answer: ReachAnswer;
      try {
        const namespace = options.namespace ?? "default";
        answer = reach(
          model,
          resolveEnd(model, src, namespace),
          resolveEnd(model, dst, namespace),
          port,
          protocol,
        );
      } catch (error) {
        if (error instanceof ResolveError) throw new UsageError(error.message);
        throw error;
      }
      if (options.output === "text") writeText(renderReach(answer, options.explain === true));
      else printStructured(answer, options.output);
      if (!answer.allowed) process.exitCode = EXIT_NO;
    });
  return addNetworkOptions(addSourceOptions(command));
}

export function renderReach(answer: ReachAnswer, explain = false): string {
  const lines = [
    `${answer.allowed ? "yes" : "no"}: ${answer.source} => ${answer.destination} ${answer.protocol}/${answer.port}`,
    ...sideLines("egress", answer.egress, explain),
    ...sideLines("ingress", answer.ingress, explain),
    ...(answer.incomplete ? [`  incomplete: ${answer.incomplete}, which may change this verdict`] : []),
  ];
  const others = (answer.pairs ?? []).filter((p) => p !== (answer as ReachVerdict));
  if (others.length > 1) {
    lines.push(`judged ${others.length} pod pairs:`);
    for (const p of others)
      lines.push(`  ${p.allowed ? "yes" : "no "} ${p.source} => ${p.destination} ${p.protocol}/${p.port}`);
  }
  return `${lines.join("\n")}\n`;
}

const TIER_WORDS = {
  admin: "admin",
  networkpolicy: "NetworkPolicy",
  baseline: "baseline",
  default: "default",
};

function sideLines(label: string, verdict: DirectionVerdict, explain: boolean): string[] {
  const out = [`  ${`${label}:`.padEnd(9)}${verdict.allowed ? "allowed" : "denied"} — ${verdict.reason}`];
  if (explain)
    for (const step of verdict.tiers ?? [
      { tier: "networkpolicy" as const, verdict: verdict.allowed ? "Allow" : "Deny", text: verdict.reason },
    ])
      out.push(`           ${`${TIER_WORDS[step.tier]}:`.padEnd(15)}${step.verdict.padEnd(12)}${step.text}`);
  for (const miss of verdict.rejectedBy)
    out.push(`           ${miss.policy} ${label} rule ${miss.rule}: ${miss.why}`);
  return out;
}
