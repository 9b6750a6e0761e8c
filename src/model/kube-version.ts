/**
 * The Kubernetes version manifests are read as (`--kube-version`): what the API server of that version would
 * add and say — its built-in RBAC, the labels its defaulting sets, the wording of its validation. A live
 * cluster says its own version. Versions are compared by minor only: the behaviours that differ here change
 * between minor releases.
 */

export interface KubeVersion {
  major: 1;
  minor: number;
}

/** The versions kubefence has the built-in RBAC objects of (data/builtin-rbac/v1.MINOR.json). */
export const KNOWN_KUBE_VERSIONS: readonly KubeVersion[] = [
  { major: 1, minor: 20 },
  { major: 1, minor: 37 },
];

export const DEFAULT_KUBE_VERSION: KubeVersion = { major: 1, minor: 37 };

/** `1.37`, `v1.37` or `v1.37.2` (a patch and a pre-release or build suffix are accepted and ignored). */
export function parseKubeVersion(text: string): KubeVersion | undefined {
  const match = /^v?1\.(\d{1,3})(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]*)?$/.exec(text.trim());
  if (!match) return undefined;
  return { major: 1, minor: Number(match[1]) };
}

export function formatKubeVersion(version: KubeVersion): string {
  return `${version.major}.${version.minor}`;
}

export function isKnownKubeVersion(version: KubeVersion): boolean {
  return KNOWN_KUBE_VERSIONS.some((known) => known.minor === version.minor);
}

/** true when `version` is `1.minor` or newer. */
export function atLeast(version: KubeVersion, minor: number): boolean {
  return version.minor >= minor;
}
