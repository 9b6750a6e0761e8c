import { Command } from "commander";
import { stringify } from "yaml";
import { parseVersion } from "../podsecurity/api.js";
import { terminalSafe } from "../report/terminal.js";
import { runAudit } from "../tenancy/audit.js";
import { planFixes } from "../tenancy/fixes.js";
import { manifestErrors, TENANT_LABEL } from "../tenancy/guardrails.js";
import { UsageError } from "./errors.js";
import { printStructured, validateOutput, writeText } from "./output.js";
import { addSourceOptions, loadSource, type SourceOptions } from "./source-options.js";
import { addTenantOptions, readTenantSource, type TenantOptions, tenantsOf } from "./tenant-options.js";

interface FixOptions extends SourceOptions, TenantOptions {
  output: string;
  podSecurityVersion: string;
  isolation?: string;
}

export function fixCommand(): Command {
  const command = new Command("fix")
    .description("write the manifest changes that close the breaches audit finds (inputs are never modified)")
    .option("-o, --output <format>", "yaml (to review and kubectl apply) or json", "yaml")
    .option(
      "--pod-security-version <version>",
      "Pod Security version for the labels written: latest or v1.NN",
      "latest",
    )
    .option(
      "--isolation <kind>",
      "close network breaches with network-policy (NetworkPolicies per namespace) or cluster-policy (one Admin ClusterNetworkPolicy per tenant); default cluster-policy when the input holds a ClusterNetworkPolicy, else network-policy",
    )
    .addHelpText(
      "after",
      `
What it writes, per breach:
  network  every tenant namespace: deny-all, allow-within-tenant and allow-DNS NetworkPolicies, tenant label
           (--isolation=cluster-policy: one Admin ClusterNetworkPolicy per tenant instead)
  node     every tenant namespace enforces Pod Security baseline (or the tenant's level in --tenants);
           pods and workloads that escape to their node, rewritten to pass baseline
  api      the subject that reaches across tenants, removed from its binding (or the binding deleted)
Deletions are listed as kubectl commands in comments at the top.

Examples:
  kubefence fix --demo
  kubefence fix -f k8s/ -R --tenants tenants.yaml > fixes.yaml && kubectl apply -f fixes.yaml`,
    )
    .action(async (options: FixOptions) => {
      validateOutput(options.output, ["yaml", "json"]);
      // Pod Security admission's own words for a version label it cannot parse.
      const version = parseVersion(options.podSecurityVersion).error;
      if (version)
        throw new UsageError(
          `--pod-security-version ${JSON.stringify(options.podSecurityVersion)}: ${version}`,
        );
      if (
        options.isolation !== undefined &&
        options.isolation !== "network-policy" &&
        options.isolation !== "cluster-policy"
      )
        throw new UsageError(
          `--isolation must be network-policy or cluster-policy (got "${options.isolation}")`,
        );
      const tenantSource = readTenantSource(options);
      const { snapshot } = await loadSource(options);
      const tenancy = tenantsOf(snapshot, tenantSource);
      const plan = planFixes(snapshot, tenancy, runAudit(snapshot, tenancy), {
        tenantLabel: options.tenantLabel ?? TENANT_LABEL,
        podSecurityVersion: options.podSecurityVersion,
        isolation: options.isolation as "network-policy" | "cluster-policy" | undefined,
      });
      // Nothing is written unless the API server would take every object (the Namespaces are updates).
      const rejected = manifestErrors(
        plan.fixes.flatMap((f) => f.apply),
        {
          existingNamespaceLabels: new Map(
            snapshot.namespaces.map((ns) => [ns.metadata.name, ns.metadata.labels]),
          ),
        },
      );
      if (rejected.length > 0) throw new UsageError(rejected.map(terminalSafe).join("\nerror: "));
      if (options.output === "json") return printStructured(plan, "json");
      if (plan.fixes.length === 0) {
        writeText("# kubefence fix: nothing to fix, every tenant pair is isolated\n");
        return;
      }
      const deletes = plan.fixes.flatMap((f) => f.delete);
      const header = [
        `# kubefence fix: ${plan.fixes.length} change${plan.fixes.length === 1 ? "" : "s"}. Review, then: kubectl apply -f <this file>`,
        ...deletes.map(
          (r) =>
            `# and delete: kubectl delete ${r.kind.toLowerCase()} ${terminalSafe(r.name)}${r.namespace ? ` -n ${terminalSafe(r.namespace)}` : ""}`,
        ),
      ];
      // A comment is one line: a subject's name with a newline must not add lines (or objects) to the file.
      const documents = plan.fixes.flatMap((fix) =>
        fix.apply.map(
          (m, i) => `${i === 0 ? `# ${fix.plane}: ${terminalSafe(fix.reason)}\n` : ""}${stringify(m)}`,
        ),
      );
      const deleteOnly = plan.fixes
        .filter((f) => f.apply.length === 0)
        .map((f) => `# ${f.plane}: ${terminalSafe(f.reason)}`);
      writeText(
        `${[...header, ...deleteOnly].join("\n")}\n${documents.length > 0 ? `---\n${documents.join("---\n")}` : ""}`,
      );
    });
  return addSourceOptions(addTenantOptions(command));
}
