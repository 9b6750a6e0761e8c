import { Command, Option } from "commander";
import { SEVERITIES, type Severity, severityRank } from "../model/finding.js";
import { AUDIT_FORMATS, auditFormat } from "../report/formats/index.js";
import { summarizeLoad } from "../report/load-summary.js";
import { runAudit } from "../tenancy/audit.js";
import { terminalColors } from "./colors.js";
import { EXIT_NO, UsageError } from "./errors.js";
import { validateOutput } from "./output.js";
import { terminalProgress } from "./progress.js";
import { addSourceOptions, loadSource, manifestKubeVersion, type SourceOptions } from "./source-options.js";
import { addTenantOptions, readTenantSource, type TenantOptions, tenantsOf } from "./tenant-options.js";
import { VERSION } from "./version.js";

interface AuditOptions extends SourceOptions, TenantOptions {
  output: string;
  failOn?: Severity;
  allowIncomplete?: boolean;
  fullMatrix?: boolean;
}

export function auditCommand(): Command {
  const command = new Command("audit")
    .description("tenant-by-tenant isolation on the API, network and node planes, with evidence and fixes")
    .option("-o, --output <format>", AUDIT_FORMATS.map((f) => f.name).join(", "), AUDIT_FORMATS[0]!.name)
    .addOption(
      new Option(
        "--fail-on <severity>",
        "exit 1 when a finding is at or above this severity, or when input could not be read (a skipped document, a kind not listed)",
      ).choices(SEVERITIES),
    )
    .option("--allow-incomplete", "with --fail-on: pass although some input could not be read")
    .option(
      "--full-matrix",
      "with -o json|yaml: list every ordered tenant pair on every plane, isolated or not (default: only the breaches, a row-wide one once)",
    )
    .addHelpText(
      "after",
      `
Tenants: by default each namespace is a tenant; kube-* namespaces are the platform. Identities bound
outside every tenant (like a user with a ClusterRoleBinding) get a "(no tenant)" row.

Examples:
  # The built-in demo cluster (the classic isolation walk-through)
  kubefence audit --demo

  # Manifests (files, directories with -R, or - for stdin), as a CI gate with SARIF for code scanning
  kubefence audit -f k8s/ -R --tenants tenants.yaml -o sarif --fail-on high > kubefence.sarif

  # The live cluster of the current kubeconfig context, as a self-contained HTML report
  kubefence audit --context prod --tenant-label team -o html > isolation.html`,
    )
    .action(async (options: AuditOptions) => {
      validateOutput(
        options.output,
        AUDIT_FORMATS.map((f) => f.name),
      );
      // Every tenant is judged: -n only says where manifest objects that name no namespace land.
      if (options.namespace !== undefined && options.filename.length === 0)
        throw new UsageError(
          "audit judges every tenant of the cluster; -n/--namespace only sets where objects of -f manifests that name no namespace land",
        );
      const tenantSource = readTenantSource(options);
      const { snapshot, diagnostics } = await loadSource(options);
      // Manifests are judged as --kube-version's server would; a live cluster as one that enforces Pod Security.
      const manifests = options.demo || options.filename.length > 0;
      const kubeVersion = manifests ? manifestKubeVersion(options.kubeVersion) : undefined;
      const progress = terminalProgress();
      const report = runAudit(snapshot, tenantsOf(snapshot, tenantSource), {
        kubeVersion,
        fullMatrix: options.fullMatrix,
        onPhase: progress,
      });
      // Writing a large report takes a while: its size so far, unless stdout is the terminal itself.
      const writing = process.stdout.isTTY ? undefined : progress;
      progress?.(`writing the ${options.output} report`);
      if (!writing) progress?.("");
      let written = 0;
      auditFormat(options.output)!.write(
        report,
        {
          load: summarizeLoad(snapshot, diagnostics),
          colors: terminalColors(process.stdout),
          version: VERSION,
          baseDir: process.cwd(),
        },
        (chunk) => {
          written += chunk.length;
          writing?.(`writing the ${options.output} report: ${(written / 1e6).toFixed(0)} MB`);
          process.stdout.write(chunk);
        },
      );
      writing?.("");
      if (options.failOn) {
        const threshold = severityRank(options.failOn);
        const tripped = report.findings.filter((f) => severityRank(f.severity) >= threshold).length;
        const gate = `kubefence audit: --fail-on ${options.failOn}`;
        if (tripped > 0) {
          process.stderr.write(
            `${gate}: ${tripped} finding${tripped === 1 ? "" : "s"} at or above ${options.failOn}\n`,
          );
          process.exitCode = EXIT_NO;
        }
        // The gate cannot vouch for what it did not read: a skipped document may hold the pod, binding or
        // policy that matters, an unlisted kind leaves a plane unknown.
        const skipped = diagnostics.filter((d) => d.severity === "error").length;
        const unlisted = snapshot.missingKinds;
        if (!options.allowIncomplete && (skipped > 0 || unlisted.length > 0)) {
          const what = [
            skipped > 0 ? `${skipped} document${skipped === 1 ? " was" : "s were"} skipped` : "",
            unlisted.length > 0 ? `${unlisted.join(", ")} could not be read` : "",
          ]
            .filter(Boolean)
            .join(" and ");
          process.stderr.write(
            `${gate}: ${what} (see above), so the input was not fully judged; --allow-incomplete accepts that\n`,
          );
          process.exitCode = EXIT_NO;
        }
      }
    });
  return addSourceOptions(addTenantOptions(command));
}
