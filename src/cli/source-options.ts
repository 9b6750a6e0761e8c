/** The flags that choose what to read (-f/-R, --demo, or the live cluster) and how, shared by every command. */
import type { Command } from "commander";
import type { ValidationMode } from "../model/admission/admit.js";
import type { Diagnostic } from "../model/diagnostic.js";
import {
  DEFAULT_KUBE_VERSION,
  formatKubeVersion,
  isKnownKubeVersion,
  KNOWN_KUBE_VERSIONS,
  type KubeVersion,
  parseKubeVersion,
} from "../model/kube-version.js";
import type { Kind } from "../model/objects.js";
import { formatOrigin } from "../model/origin.js";
import { allObjects, type Snapshot } from "../model/snapshot.js";
import { withBuiltinRbac } from "../rbac/builtin.js";
import { terminalSafe } from "../report/terminal.js";
import type { LoadResult } from "../sources/build.js";
import { loadDemo } from "../sources/demo.js";
import { loadLive } from "../sources/live.js";
import { InputError, loadManifests } from "../sources/manifests.js";
import { UsageError } from "./errors.js";
import { terminalProgress } from "./progress.js";

export interface SourceOptions {
  filename: string[];
  recursive?: boolean;
  demo?: boolean;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** --strict: --validate=strict, kept as an alias. */
  strict?: boolean;
  /** --validate, as typed. */
  validate?: string;
  /** false with --no-builtin-rbac: manifests get no built-in Roles/ClusterRoles/bindings (see src/rbac/builtin.ts). */
  builtinRbac?: boolean;
  /** --kube-version, as typed: the version manifests are read as. */
  kubeVersion?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function addSourceOptions(command: Command): Command {
  return command
    .option(
      "-f, --filename <path>",
      "manifest file, directory or - for stdin (repeatable); YAML, JSON, Lists",
      collect,
      [],
    )
    .option("-R, --recursive", "read directories given with -f recursively")
    .option("--demo", "analyse the built-in demo cluster (examples/demo)")
    .option(
      "--kubeconfig <path>",
      "kubeconfig file for the live cluster (default: $KUBECONFIG or ~/.kube/config)",
    )
    .option("--context <name>", "kubeconfig context to use (default: the current context)")
    .option(
      "--validate <mode>",
      "documents the API server would reject for a field the analysis can do without (a container without a name, an invalid label value): warn = analyse them as written and warn (default), strict (or true) = skip them and exit 2 on any input problem, ignore (or false) = analyse them silently",
    )
    .option("--strict", "same as --validate=strict")
    .option("--no-builtin-rbac", "do not add the built-in RBAC objects every cluster has to manifests")
    .option(
      "--kube-version <version>",
      `read manifests as an API server of this Kubernetes version would: its built-in RBAC, defaulting and validation messages (known: ${KNOWN_KUBE_VERSIONS.map(formatKubeVersion).join(", ")}; default ${formatKubeVersion(DEFAULT_KUBE_VERSION)}; a live cluster uses its own)`,
    )
    .option(
      "-n, --namespace <namespace>",
      "the namespace in question; also where manifest objects that name none land (default: default)",
    );
}

/**
 * What a command reads: `kinds` limits it to what the command needs (the RBAC commands: RBAC kinds and
 * Namespaces), listed live or read from files; objects of other kinds are passed over before validation.
 */
export async function loadSource(
  options: SourceOptions,
  { kinds, probePodSecurity }: { kinds?: ReadonlySet<Kind>; probePodSecurity?: boolean } = {},
): Promise<LoadResult> {
  if (options.demo && options.filename.length > 0)
    throw new UsageError("--demo and -f cannot be used together");
  if ((options.demo || options.filename.length > 0) && (options.kubeconfig || options.context))
    throw new UsageError(
      "--kubeconfig and --context select a live cluster; they cannot be used with -f or --demo",
    );
  const manifests = options.demo || options.filename.length > 0;
  if (options.kubeVersion !== undefined && !manifests)
    throw new UsageError(
      "--kube-version is for manifests (-f or --demo); a live cluster is read as the version it reports",
    );
  const kubeVersion = manifestKubeVersion(options.kubeVersion);
  const validate = validationMode(options);
  const progress = terminalProgress();
  let result: LoadResult;
  try {
    if (options.demo) result = loadDemo({ kubeVersion });
    else if (options.filename.length > 0)
      result = loadManifests(options.filename, {
        recursive: options.recursive,
        defaultNamespace: options.namespace,
        kubeVersion,
        validate,
        kinds,
        onProgress: progress,
      });
    else
      result = await loadLive({
        kubeconfig: options.kubeconfig,
        context: options.context,
        kinds,
        probePodSecurity,
        onProgress: progress,
      });
  } catch (error) {
    progress?.("");
    if (error instanceof InputError) throw new UsageError(error.message);
    throw error;
  }
  progress?.("");
  // Reading nothing is a broken pipeline or a wrong path, never an empty (and so "isolated") cluster.
  if (options.filename.length > 0 && isEmpty(result.snapshot) && !result.passedOver) {
    reportDiagnostics(result.diagnostics);
    const unread = result.diagnostics.filter((d) => d.severity === "error").length;
    throw new UsageError(
      `no Kubernetes objects read from ${options.filename.join(", ")}${unread > 0 ? ` (${unread} document${unread === 1 ? "" : "s"} could not be read, see above)` : ""}`,
    );
  }
  // Manifests are analysed as the cluster they are applied to would hold them: with its built-in RBAC.
  if (manifests && options.builtinRbac !== false)
    result = { ...result, snapshot: withBuiltinRbac(result.snapshot, kubeVersion) };
  reportDiagnostics(result.diagnostics);
  if (validate === "strict") {
    const fatal = result.diagnostics.filter((d) => d.severity !== "info").length;
    if (fatal > 0)
      throw new UsageError(
        `${options.strict ? "--strict" : "--validate=strict"}: ${fatal} input problem${fatal === 1 ? "" : "s"} (see above)`,
      );
  }
  return result;
}

/** `--validate` (kubectl's values, `true`/`false` included) and its `--strict` alias. */
export function validationMode(options: Pick<SourceOptions, "strict" | "validate">): ValidationMode {
  const typed = options.validate;
  const mode = typed === undefined ? undefined : VALIDATE_VALUES.get(typed);
  if (typed !== undefined && mode === undefined)
    throw new UsageError(
      `--validate ${JSON.stringify(typed)}: must be one of strict (or true), warn, ignore (or false)`,
    );
  if (options.strict && mode !== undefined && mode !== "strict")
    throw new UsageError(`--strict and --validate=${typed} contradict each other`);
  return options.strict ? "strict" : (mode ?? "warn");
}

const VALIDATE_VALUES = new Map<string, ValidationMode>([
  ["strict", "strict"],
  ["true", "strict"],
  ["warn", "warn"],
  ["ignore", "ignore"],
  ["false", "ignore"],
]);

/**
 * The namespace `-n` names must be in what was read: a mistyped namespace must not look like a clean one
 * ("no pods found", exit 0). Skipped when Namespaces could not be listed at all.
 */
export function requireNamespace(snapshot: Snapshot, namespace: string | undefined): void {
  if (namespace === undefined || snapshot.missingKinds.includes("Namespace")) return;
  if (snapshot.namespaces.some((ns) => ns.metadata.name === namespace)) return;
  const names = snapshot.namespaces.map((ns) => ns.metadata.name).sort();
  const shown = names.slice(0, 8).join(", ") + (names.length > 8 ? `, … (${names.length} in all)` : "");
  throw new UsageError(
    `namespace ${JSON.stringify(namespace)} not found in what was read${names.length > 0 ? ` (namespaces: ${shown})` : " (no namespaces)"}`,
  );
}

/**
 * For questions that stay valid in a namespace that does not exist (RBAC answers them as the API server would):
 * a warning, not an error, when `-n` names a namespace that was not read — most often a typo.
 */
export function warnUnknownNamespace(snapshot: Snapshot, namespace: string | undefined): void {
  if (
    namespace === undefined ||
    snapshot.missingKinds.includes("Namespace") ||
    snapshot.namespaces.length === 0
  )
    return;
  if (snapshot.namespaces.some((ns) => ns.metadata.name === namespace)) return;
  const names = snapshot.namespaces.map((ns) => ns.metadata.name).sort();
  const shown = names.slice(0, 8).join(", ") + (names.length > 8 ? `, … (${names.length} in all)` : "");
  process.stderr.write(
    `${terminalSafe(`warning: namespace ${JSON.stringify(namespace)} was not read (namespaces: ${shown}); the answers are the API server's for a namespace of that name`)}\n`,
  );
}

function isEmpty(snapshot: Snapshot): boolean {
  return allObjects(snapshot).length === 0 && Object.keys(snapshot.unknownKinds).length === 0;
}

/** `--kube-version`, checked: a version kubefence has the built-in RBAC of, or a usage error saying which are. */
export function manifestKubeVersion(text: string | undefined): KubeVersion {
  if (text === undefined) return DEFAULT_KUBE_VERSION;
  const known = KNOWN_KUBE_VERSIONS.map(formatKubeVersion).join(", ");
  const version = parseKubeVersion(text);
  if (!version)
    throw new UsageError(
      `--kube-version ${JSON.stringify(text)}: not a Kubernetes version (e.g. 1.37; known: ${known})`,
    );
  if (!isKnownKubeVersion(version))
    throw new UsageError(
      `--kube-version ${formatKubeVersion(version)}: kubefence has no data for this version (known: ${known})`,
    );
  return version;
}

export function reportDiagnostics(diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) process.stderr.write(`${terminalSafe(formatDiagnostic(d))}\n`);
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.origin ? `${formatOrigin(d.origin)}: ` : "";
  return `${d.severity}: ${where}${d.message}`;
}
