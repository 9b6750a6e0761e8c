/** `kubefence podsec`: every pod and workload judged as Pod Security Admission would, or per namespace. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { parse } from "yaml";
import {
  DEFAULT_CONFIG,
  evaluateSubjects,
  type Level,
  namespaceEntry,
  namespaceReports,
  type PodSecurityConfig,
  type PodSecurityOptions,
  parseLevel,
  parsePodSecurityConfiguration,
  parseVersion,
  subjectEntry,
  type Version,
} from "../podsecurity/index.js";
import { renderNamespaces, renderSubjects } from "../report/podsec.js";
import { EXIT_NO, UsageError } from "./errors.js";
import { printStructured, validateOutput, writeText } from "./output.js";
import { addSourceOptions, loadSource, requireNamespace, type SourceOptions } from "./source-options.js";

interface PodsecOptions extends SourceOptions {
  allNamespaces?: boolean;
  level?: string;
  version?: string;
  namespaces?: boolean;
  admissionConfig?: string;
  output: string;
}

export function podsecCommand(): Command {
  const command = new Command("podsec")
    .description(
      "judge every pod and workload as Pod Security Admission would (exact messages); exit 1 on any violation",
    )
    .option("-A, --all-namespaces", "every namespace (the default unless -n is given)")
    .option(
      "--level <level>",
      "judge at this level (privileged, baseline, restricted) instead of each namespace's enforce label",
    )
    .option("--version <version>", "policy version for --level: latest or v1.NN", "latest")
    .option(
      "--namespaces",
      "per namespace: enforce/audit/warn policy, what violates it, strictest safe level",
    )
    .option(
      "--admission-config <file>",
      "PodSecurityConfiguration (or AdmissionConfiguration) with the cluster's defaults and exemptions",
    )
    .option("-o, --output <format>", "table, json or yaml", "table")
    .addHelpText(
      "after",
      `
Examples:
  # Every pod and workload against its namespace's enforce label
  kubefence podsec --demo

  # CI gate: fail (exit 1) if anything in the manifests would be rejected by baseline
  kubefence podsec -f k8s/ -R --level baseline

  # Restricted as of policy v1.30, one namespace, machine-readable
  kubefence podsec --context prod -n shop --level restricted --version v1.30 -o json

  # Per namespace: enforce/audit/warn, violations, and the strictest level it could enforce today
  kubefence podsec --demo --namespaces

  # With the cluster's PodSecurity defaults and exemptions
  kubefence podsec -f k8s/ --admission-config /etc/kubernetes/admission.yaml`,
    )
    .action(async (options: PodsecOptions) => {
      validateOutput(options.output, ["table", "json", "yaml"]);
      if (options.allNamespaces && options.namespace)
        throw new UsageError("-n/--namespace and -A/--all-namespaces cannot be used together");
      const level = options.level === undefined ? undefined : flagLevel(options.level);
      const version = flagVersion(options.version ?? "latest");
      if (options.level === undefined && options.version !== "latest")
        throw new UsageError("--version needs --level (without it each namespace's enforce-version applies)");
      const config = options.admissionConfig ? readAdmissionConfig(options.admissionConfig) : DEFAULT_CONFIG;
      const { snapshot } = await loadSource(options);
      if (!options.allNamespaces) requireNamespace(snapshot, options.namespace);
      const engineOptions: PodSecurityOptions = {
        config,
        level,
        version,
        namespaces: options.namespace && !options.allNamespaces ? [options.namespace] : undefined,
      };
      const failed = options.namespaces
        ? printNamespaces(snapshot, engineOptions, options.output)
        : printSubjects(snapshot, engineOptions, options.output);
      if (failed) process.exitCode = EXIT_NO;
    });
  return addSourceOptions(command);
}

function flagLevel(value: string): Level {
  const parsed = parseLevel(value);
  if (parsed.error) throw new UsageError(`invalid --level "${value}": ${parsed.error}`);
  return parsed.value;
}

function flagVersion(value: string): Version {
  const parsed = parseVersion(value);
  if (parsed.error) throw new UsageError(`invalid --version "${value}": ${parsed.error}`);
  return parsed.value;
}

function readAdmissionConfig(file: string, depth = 0): PodSecurityConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`--admission-config: cannot read "${file}"`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new UsageError(
      `--admission-config ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const result = parsePodSecurityConfiguration(document);
  if (!result.ok) throw new UsageError(`--admission-config ${file}: ${result.error}`);
  if ("path" in result) {
    if (depth > 0)
      throw new UsageError(`--admission-config ${file}: the configuration file points at another file`);
    return readAdmissionConfig(resolve(dirname(file), result.path), depth + 1);
  }
  return result.config;
}

type Snapshot = Awaited<ReturnType<typeof loadSource>>["snapshot"];

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Prints every subject's verdict; true when any is not allowed. */
function printSubjects(snapshot: Snapshot, options: PodSecurityOptions, output: string): boolean {
  // kubectl's order: namespace, then kind, then name.
  const verdicts = evaluateSubjects(snapshot, options).sort(
    (a, b) => compare(a.namespace, b.namespace) || compare(a.kind, b.kind) || compare(a.name, b.name),
  );
  const failed = verdicts.some((v) => !v.allowed);
  if (output !== "table") {
    printStructured(verdicts.map(subjectEntry), output);
    return failed;
  }
  writeText(renderSubjects(verdicts));
  return failed;
}

/** Prints the namespace reports; true when any pod/workload violates the requested level (or its enforce level). */
function printNamespaces(snapshot: Snapshot, options: PodSecurityOptions, output: string): boolean {
  const reports = namespaceReports(snapshot, options);
  const atLevel = options.level ? evaluateSubjects(snapshot, options).filter((v) => !v.allowed) : [];
  const failed = options.level ? atLevel.length > 0 : reports.some((r) => r.enforce.violations.length > 0);
  if (output !== "table") {
    printStructured(reports.map(namespaceEntry), output);
    return failed;
  }
  writeText(renderNamespaces(reports, atLevel, options.level, options.version));
  return failed;
}
