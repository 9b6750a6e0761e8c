/**
 * Pod Security levels, policy versions and namespace policies, as Pod Security Admission defines them.
 * Upstream: k8s.io/pod-security-admission api/constants.go, api/helpers.go.
 */

export const LEVELS = ["privileged", "baseline", "restricted"] as const;
export type Level = (typeof LEVELS)[number];

/** A policy version: `v1.N`, or `latest` (newer than every numbered version, even future ones). */
export type Version = { latest: true } | { latest: false; major: number; minor: number };

export const LATEST: Version = { latest: true };

export function majorMinor(major: number, minor: number): Version {
  return { latest: false, major, minor };
}

export interface LevelVersion {
  level: Level;
  version: Version;
}

export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export const LABEL_PREFIX = "pod-security.kubernetes.io/";
export const ENFORCE_LEVEL_LABEL = `${LABEL_PREFIX}enforce`;
export const ENFORCE_VERSION_LABEL = `${LABEL_PREFIX}enforce-version`;
export const AUDIT_LEVEL_LABEL = `${LABEL_PREFIX}audit`;
export const AUDIT_VERSION_LABEL = `${LABEL_PREFIX}audit-version`;
export const WARN_LEVEL_LABEL = `${LABEL_PREFIX}warn`;
export const WARN_VERSION_LABEL = `${LABEL_PREFIX}warn-version`;

/** `latest` or `v1.N`. */
export function versionString(version: Version): string {
  return version.latest ? "latest" : `v${version.major}.${version.minor}`;
}

/** `baseline:latest`, `restricted:v1.30` (LevelVersion.String). */
export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${versionString(lv.version)}`;
}

/** Version.Older: is `a` older than `b`? `latest` is never older, and newer than everything. */
export function older(a: Version, b: Version): boolean {
  if (a.latest) return false;
  if (b.latest) return true;
  if (a.major !== b.major) return a.major < b.major;
  return a.minor < b.minor;
}

export function sameVersion(a: Version, b: Version): boolean {
  return !older(a, b) && !older(b, a);
}

export type Parsed<T> = { value: T; error?: string };

/** ParseLevel: an unknown level fails closed to `restricted`, with an error. */
export function parseLevel(level: string): Parsed<Level> {
  if ((LEVELS as readonly string[]).includes(level)) return { value: level as Level };
  return { value: "restricted", error: `must be one of ${LEVELS.join(", ")}` };
}

const VERSION_PATTERN = /^v1\.([0-9]|[1-9][0-9]*)$/;

/** ParseVersion: `latest` or `v1.N`; anything else is `latest`, with an error. */
export function parseVersion(version: string): Parsed<Version> {
  if (version === "latest") return { value: LATEST };
  const match = VERSION_PATTERN.exec(version);
  const minor = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(minor)) return { value: LATEST, error: 'must be "latest" or "v1.x"' };
  return { value: majorMinor(1, minor) };
}

/** CompareLevels: -1 if `a` is less strict than `b`, 0 if equal, +1 if stricter. */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}

/** admission/api/v1/defaults.go: every mode `privileged:latest` unless the configuration says otherwise. */
export const PRIVILEGED_POLICY: Policy = {
  enforce: { level: "privileged", version: LATEST },
  audit: { level: "privileged", version: LATEST },
  warn: { level: "privileged", version: LATEST },
};

/** A label that could not be parsed, with the fallback PSA used instead. */
export interface PolicyError {
  label: string;
  value: string;
  message: string;
}

/**
 * api.PolicyToEvaluate: the namespace's labels over the configured defaults. Invalid enforce levels fail
 * closed (restricted), invalid audit/warn levels fail open (privileged), invalid versions become latest.
 * An unset warn level follows an explicitly set, stricter enforce level (and its version, unless warn-version is set).
 */
export function policyToEvaluate(
  labels: Record<string, string> | undefined,
  defaults: Policy = PRIVILEGED_POLICY,
): { policy: Policy; errors: PolicyError[] } {
  const policy: Policy = {
    enforce: { ...defaults.enforce },
    audit: { ...defaults.audit },
    warn: { ...defaults.warn },
  };
  const errors: PolicyError[] = [];
  if (!labels || Object.keys(labels).length === 0) return { policy, errors };
  const note = (label: string, value: string, error: string | undefined) => {
    if (error) errors.push({ label, value, message: error });
  };
  const has = (label: string) => Object.hasOwn(labels, label);

  let hasEnforceLevel = false;
  if (has(ENFORCE_LEVEL_LABEL)) {
    const parsed = parseLevel(labels[ENFORCE_LEVEL_LABEL]!);
    policy.enforce.level = parsed.value;
    hasEnforceLevel = parsed.error === undefined; // an invalid enforce level does not default warn
    note(ENFORCE_LEVEL_LABEL, labels[ENFORCE_LEVEL_LABEL]!, parsed.error);
  }
  if (has(ENFORCE_VERSION_LABEL)) {
    const parsed = parseVersion(labels[ENFORCE_VERSION_LABEL]!);
    policy.enforce.version = parsed.value;
    note(ENFORCE_VERSION_LABEL, labels[ENFORCE_VERSION_LABEL]!, parsed.error);
  }
  if (has(AUDIT_LEVEL_LABEL)) {
    const parsed = parseLevel(labels[AUDIT_LEVEL_LABEL]!);
    policy.audit.level = parsed.error ? "privileged" : parsed.value; // fail open for audit
    note(AUDIT_LEVEL_LABEL, labels[AUDIT_LEVEL_LABEL]!, parsed.error);
  }
  if (has(AUDIT_VERSION_LABEL)) {
    const parsed = parseVersion(labels[AUDIT_VERSION_LABEL]!);
    policy.audit.version = parsed.value;
    note(AUDIT_VERSION_LABEL, labels[AUDIT_VERSION_LABEL]!, parsed.error);
  }
  const hasWarnLevel = has(WARN_LEVEL_LABEL);
  if (hasWarnLevel) {
    const parsed = parseLevel(labels[WARN_LEVEL_LABEL]!);
    policy.warn.level = parsed.error ? "privileged" : parsed.value; // fail open for warn
    note(WARN_LEVEL_LABEL, labels[WARN_LEVEL_LABEL]!, parsed.error);
  }
  const hasWarnVersion = has(WARN_VERSION_LABEL);
  if (hasWarnVersion) {
    const parsed = parseVersion(labels[WARN_VERSION_LABEL]!);
    policy.warn.version = parsed.value;
    note(WARN_VERSION_LABEL, labels[WARN_VERSION_LABEL]!, parsed.error);
  }
  if (!hasWarnLevel && hasEnforceLevel && compareLevels(policy.enforce.level, policy.warn.level) > 0) {
    policy.warn.level = policy.enforce.level;
    if (!hasWarnVersion) policy.warn.version = policy.enforce.version;
  }
  return { policy, errors };
}

/** Policy.FullyPrivileged: nothing to evaluate in any mode. */
export function fullyPrivileged(policy: Policy): boolean {
  return (
    policy.enforce.level === "privileged" &&
    policy.audit.level === "privileged" &&
    policy.warn.level === "privileged"
  );
}
