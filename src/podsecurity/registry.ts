/**
 * The evaluator: which check implementations run for a level and version, in which order. It alone decides
 * ordering, version inflation and overrides; checks know nothing about each other. Upstream: policy/registry.go.
 */
import { type LevelVersion, majorMinor, older, sameVersion, type Version, versionString } from "./api.js";
import type { Check, CheckPodFn, CheckResult, ObjectMeta, PodSpec, VersionedCheck } from "./check.js";

export interface Evaluator {
  /** The newest policy version any check registers; `latest` and newer versions evaluate as this one. */
  readonly maxVersion: Version;
  /** Results of every applicable check, baseline IDs (sorted) first, then restricted IDs (sorted). */
  evaluatePod(lv: LevelVersion, meta: ObjectMeta, spec: PodSpec): CheckResult[];
  /** The check IDs that run for a level and version, in result order. */
  checkIds(lv: LevelVersion): string[];
}

interface Registered {
  id: string;
  checkPod: CheckPodFn;
}

/**
 * NewEvaluator. Checks must have unique IDs, a baseline or restricted level, and strictly increasing numbered
 * versions; only restricted checks may override, and only baseline checks. An emulation version older than the
 * newest check lowers what `latest` means.
 */
export function newEvaluator(checks: readonly Check[], emulationVersion?: Version): Evaluator {
  validateChecks(checks);
  let maxMinor = 0;
  for (const check of checks) {
    const last = check.versions[check.versions.length - 1]!.minimumVersion;
    if (!last.latest) maxMinor = Math.max(maxMinor, last.minor);
  }

  const baselineIds = checks.filter((c) => c.level === "baseline").map((c) => c.id);
  const restrictedIds = checks.filter((c) => c.level === "restricted").map((c) => c.id);
  const orderedIds = [...goSorted(baselineIds), ...goSorted(restrictedIds)];

  // Per minor version (index), the implementation of each check that applies there.
  const baselineAt: Map<string, VersionedCheck>[] = [];
  const restrictedAt: Map<string, VersionedCheck>[] = [];
  for (let minor = 0; minor <= maxMinor; minor++) {
    baselineAt.push(new Map());
    restrictedAt.push(new Map());
  }
  for (const check of checks) {
    const table = check.level === "baseline" ? baselineAt : restrictedAt;
    check.versions.forEach((versioned, i) => {
      const from = minorOf(versioned.minimumVersion);
      const next = check.versions[i + 1];
      const until = next ? minorOf(next.minimumVersion) : maxMinor + 1;
      for (let minor = from; minor < until && minor <= maxMinor; minor++)
        table[minor]!.set(check.id, versioned);
    });
  }

  const baselineFns: Registered[][] = [];
  const restrictedFns: Registered[][] = [];
  for (let minor = 0; minor <= maxMinor; minor++) {
    const overridden = new Set<string>();
    for (const versioned of restrictedAt[minor]!.values())
      for (const id of versioned.overrideCheckIds ?? []) overridden.add(id);
    const restricted = new Map(restrictedAt[minor]);
    for (const [id, versioned] of baselineAt[minor]!) if (!overridden.has(id)) restricted.set(id, versioned);
    baselineFns.push(inOrder(baselineAt[minor]!, orderedIds));
    restrictedFns.push(inOrder(restricted, orderedIds));
  }

  let maxVersion = majorMinor(1, maxMinor);
  if (emulationVersion && older(emulationVersion, maxVersion)) maxVersion = emulationVersion;
  const effectiveMax = minorOf(maxVersion);

  const select = (lv: LevelVersion): Registered[] => {
    if (lv.level === "privileged") return [];
    const minor = older(maxVersion, lv.version) ? effectiveMax : minorOf(lv.version);
    return (lv.level === "baseline" ? baselineFns : restrictedFns)[minor] ?? [];
  };

  return {
    maxVersion,
    evaluatePod: (lv, meta, spec) => select(lv).map((r) => r.checkPod(meta, spec)),
    checkIds: (lv) => select(lv).map((r) => r.id),
  };
}

function minorOf(version: Version): number {
  if (version.latest) throw new Error("a check version cannot be 'latest'");
  return version.minor;
}

function inOrder(checks: Map<string, VersionedCheck>, orderedIds: readonly string[]): Registered[] {
  const out: Registered[] = [];
  for (const id of orderedIds) {
    const versioned = checks.get(id);
    if (versioned) out.push({ id, checkPod: versioned.checkPod });
  }
  return out;
}

/** sort.Slice on Go strings: byte order. */
function goSorted(ids: readonly string[]): string[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function validateChecks(checks: readonly Check[]): void {
  const levels = new Map<string, string>();
  for (const check of checks) {
    if (levels.has(check.id)) throw new Error(`multiple checks registered for ID ${check.id}`);
    levels.set(check.id, check.level);
    if (check.level !== "baseline" && check.level !== "restricted")
      throw new Error(`check ${check.id}: invalid level ${check.level}`);
    if (check.versions.length === 0) throw new Error(`check ${check.id}: empty`);
    let previous: Version | undefined;
    for (const versioned of check.versions) {
      if (versioned.minimumVersion.latest) throw new Error(`check ${check.id}: version cannot be 'latest'`);
      if (versioned.minimumVersion.major !== 1)
        throw new Error(`check ${check.id}: only major version 1 is supported`);
      if (previous && sameVersion(previous, versioned.minimumVersion))
        throw new Error(`check ${check.id}: duplicate version ${versionString(versioned.minimumVersion)}`);
      if (previous && !older(previous, versioned.minimumVersion))
        throw new Error(`check ${check.id}: versions must be strictly increasing`);
      previous = versioned.minimumVersion;
    }
  }
  for (const check of checks) {
    for (const versioned of check.versions) {
      if (!versioned.overrideCheckIds?.length) continue;
      if (check.level !== "restricted")
        throw new Error(`check ${check.id}: only restricted checks may set overrides`);
      for (const id of versioned.overrideCheckIds) {
        const level = levels.get(id);
        if (level !== undefined && level !== "baseline")
          throw new Error(`check ${check.id}: overrides ${level} check ${id}`);
      }
    }
  }
}
