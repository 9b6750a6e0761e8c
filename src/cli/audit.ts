import { Command, Option } from "commander";
import { type Plane, SEVERITIES, type Severity, severityRank } from "../model/finding.js";
import { kindInfo } from "../model/kinds.js";
import { AUDIT_FORMATS, auditFormat } from "../report/formats/index.js";
import { summarizeLoad } from "../report/load-summary.js";
import { parseInstant } from "../tenancy/acceptance.js";
import { type AuditReport, runAudit } from "../tenancy/audit.js";
import { groupingHints } from "../tenancy/hints.js";
import { PLANES } from "../tenancy/matrix.js";
import { terminalColors } from "./colors.js";
import { EXIT_NO, UsageError } from "./errors.js";
import { validateOutput } from "./output.js";
import { terminalProgress } from "./progress.js";
import { addSourceOptions, loadSource, manifestKubeVersion, type SourceOptions } from "./source-options.js";
import {
  addTenantOptions,
  guardrailModesOf,
  readTenantSource,
  type TenantOptions,
  tenantsOf,
} from "./tenant-options.js";
import { shellWords, terminalWidth } from "./terminal-width.js";
import { VERSION } from "./version.js";

interface AuditOptions extends SourceOptions, TenantOptions {
  output: string;
  failOn?: Severity;
  allowIncomplete?: boolean;
  showAccepted?: boolean;
  now?: string;
  metricsPairs?: boolean;
  /** false with --no-pod-security-probe. */
  podSecurityProbe?: boolean;
  details?: boolean;
  fullMatrix?: boolean;
  severity?: Severity[];
  plane?: Plane[];
}

/** A comma-separated list of `choices` (repeatable), as `--severity critical,high`. */
function listOf<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string, previous: T[] | undefined): T[] => {
    const items = value.split(",").map((v) => v.trim().toLowerCase());
    for (const item of items)
      if (!(choices as readonly string[]).includes(item))
        throw new UsageError(`${flag} ${item}: must be one of ${choices.join(", ")}`);
    return [...(previous ?? []), ...(items as T[])];
  };
}

export function auditCommand(): Command {
  const command = new Command("audit")
    .description("tenant-by-tenant isolation on the API, network and node planes, with evidence and fixes")
    .option("-o, --output <format>", AUDIT_FORMATS.map((f) => f.name).join(", "), AUDIT_FORMATS[0]!.name)
    .addOption(
      new Option(
        "--fail-on <severity>",
        "exit 1 when a finding not accepted (or whose acceptance expired) is at or above this severity, or when input could not be read (a skipped document, a kind not listed)",
      ).choices(SEVERITIES),
    )
    .option("--allow-incomplete", "with --fail-on: pass although some input could not be read")
    .option(
      "--no-pod-security-probe",
      "live: do not ask the server whether Pod Security admission runs (a dry-run Namespace create, nothing stored); judge by its version alone",
    )
    .option(
      "--show-accepted",
      "list every accepted risk (tenants file accepted:, kubefence.io/accept annotations) with its status",
    )
    .option(
      "--now <time>",
      "judge acceptance expiries as of this RFC 3339 date or date-time instead of the current time",
    )
    .option(
      "--metrics-pairs",
      "with -o prometheus: a series per breaching tenant pair and plane (as many as there are breaches)",
    )
    .option(
      "--details",
      "the table shows every finding with its evidence, fix and where it was found (by default: the first 5 of each severity, two lines each)",
    )
    .option(
      "--severity <levels>",
      `only findings of these severities, comma-separated (${SEVERITIES.join(", ")}); in every format, and --fail-on counts only these`,
      listOf("--severity", SEVERITIES),
    )
    .option(
      "--plane <planes>",
      `only these planes, comma-separated (${PLANES.join(", ")}): their findings in every format (and for --fail-on), their rows and matrix letters in the table`,
      listOf("--plane", PLANES),
    )
    .option(
      "--full-matrix",
      "with -o json|yaml: list every ordered tenant pair on every plane, isolated or not (default: only the breaches, a row-wide one once)",
    )
    .addHelpText(
      "after",
      `
Tenants: by default each namespace is a tenant; kube-* namespaces are the platform. --tenants-from reads
them as Capsule, HNC or vcluster defines them (auto: each platform found). Identities bound outside every
tenant (like a user with a ClusterRoleBinding) get a "(no tenant)" row.

Examples:
  # The built-in demo cluster (the classic isolation walk-through)
  kubefence audit --demo

  # Manifests (files, directories with -R, or - for stdin), as a CI gate with SARIF for code scanning
  kubefence audit -f k8s/ -R --tenants tenants.yaml -o sarif --fail-on high > kubefence.sarif

  # The live cluster of the current kubeconfig context, as a self-contained HTML report
  kubefence audit --context prod --tenant-label team -o html > isolation.html

  # Every network finding at high or above, with evidence and fixes
  kubefence audit --demo --plane network --severity critical,high --details

  # Tenants as the cluster's multi-tenancy platform (Capsule, HNC, vcluster) defines them
  kubefence audit --tenants-from auto
  # Accepted risks and their status; which acceptances will have expired by the end of June
  kubefence audit -f k8s/ --tenants tenants.yaml --show-accepted --now 2027-06-30T23:59:59Z

The table fits the terminal: lines are wrapped to its width ($COLUMNS, else the terminal's, else 100).`,
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
      // The one clock read: the engines judge expiries at the time they are given. A date is its first instant.
      const at = options.now === undefined ? new Date() : parseInstant(options.now)?.instant;
      if (!at)
        throw new UsageError(
          `--now ${JSON.stringify(options.now)} is not an RFC 3339 date (2027-06-30) or date-time (2027-06-30T12:00:00Z)`,
        );
      const tenantSource = readTenantSource(options);
      const { snapshot, diagnostics } = await loadSource(options, {
        probePodSecurity: options.podSecurityProbe !== false,
      });
      const read = new Date();
      // Manifests are judged as --kube-version's server would; a live cluster as one that enforces Pod Security.
      const manifests = options.demo || options.filename.length > 0;
      // A live cluster is judged as its own version (/version); manifests as --kube-version says.
      const kubeVersion = manifests ? manifestKubeVersion(options.kubeVersion) : snapshot.serverVersion;
      const tenancy = tenantsOf(snapshot, tenantSource);
      const progress = terminalProgress();
      const full = runAudit(snapshot, tenancy, {
        kubeVersion,
        fullMatrix: options.fullMatrix,
        onPhase: progress,
        guardrailModes: guardrailModesOf(options.tenants),
        accepted: tenantSource.from === "file" ? tenantSource.config.accepted : [],
        now: at,
      });
      const report = filterFindings(full, options);
      const filtered = [
        options.severity ? `--severity ${options.severity.join(",")}` : "",
        options.plane ? `--plane ${options.plane.join(",")}` : "",
      ]
        .filter(Boolean)
        .join(" ");
      const notes =
        options.output === "table"
          ? [
              ...(tenantSource.from === "namespace" ? groupingHints(snapshot, tenancy) : []),
              ...nextSteps(full, options),
            ]
          : [];
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
          text: {
            width: terminalWidth(process.stdout),
            details: options.details,
            planes: options.plane ? PLANES.filter((p) => options.plane!.includes(p)) : undefined,
            filtered: filtered || undefined,
            notes,
            showAccepted: options.showAccepted === true,
          },
          metrics: { pairs: options.metricsPairs === true, lastFullSync: read, now: new Date() },
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
        // An accepted finding passes the gate; one whose acceptance has expired fails it again.
        const tripped = report.findings.filter(
          (f) => severityRank(f.severity) >= threshold && f.acceptance?.status !== "accepted",
        ).length;
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
        // Admission webhooks and policies only credit enforcement: unread, the report is stricter, not weaker.
        // A platform's kinds (Capsule, HNC) matter only when tenants are taken from that platform.
        const platforms = (options.tenantsFrom ?? "").split(",").map((p) => p.trim());
        const unlisted = snapshot.missingKinds.filter((kind) => {
          const info = kindInfo(kind);
          if (info?.creditsOnly) return false;
          return !info?.platform || platforms.includes(info.platform) || platforms.includes("auto");
        });
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

/** The report with only the findings --severity and --plane keep (the summary still counts every finding). */
function filterFindings(report: AuditReport, options: AuditOptions): AuditReport {
  if (!options.severity && !options.plane) return report;
  const findings = report.findings.filter(
    (f) =>
      (!options.severity || options.severity.includes(f.severity)) &&
      (!options.plane || options.plane.includes(f.plane)),
  );
  return { ...report, findings };
}

/** What to do next, with the flags this audit was run with (so the commands work as shown). */
function nextSteps(report: AuditReport, options: AuditOptions): string[] {
  const source = shellWords([
    ...(options.demo ? ["--demo"] : []),
    ...options.filename.flatMap((f) => ["-f", f]),
    ...(options.recursive ? ["-R"] : []),
    ...(options.kubeconfig ? ["--kubeconfig", options.kubeconfig] : []),
    ...(options.context ? ["--context", options.context] : []),
    ...(options.tenants ? ["--tenants", options.tenants] : []),
    ...(options.tenantLabel ? ["--tenant-label", options.tenantLabel] : []),
  ]);
  const breaches = PLANES.reduce((n, p) => n + report.summary.planes[p].breaches, 0);
  if (breaches === 0 && report.findings.length === 0) return [];
  return [
    `Next: kubefence fix ${source} > fixes.yaml writes the changes that close these breaches (review, then run what its header says); --fail-on high makes this audit a CI gate.`,
  ];
}
