/**
 * Hints that the tenants may be grouped wrongly. With one tenant per namespace (the default), a person or team
 * who owns several namespaces is bound in several tenants, and every binding outside the first reads as a
 * breach. When a namespace label those namespaces share would group them, the hint names it.
 */
import { formatSubject } from "../model/format.js";
import type { Snapshot } from "../model/snapshot.js";
import type { Tenancy } from "./tenants.js";

/** Labels that say nothing about ownership: every namespace has its own name, and Pod Security levels. */
const NOT_OWNERSHIP = (key: string) =>
  key === "kubernetes.io/metadata.name" || key.startsWith("pod-security.kubernetes.io/");

const MAX_HINTS = 3;

/** Users and groups bound by RoleBindings in more than one non-platform tenant, with a label that would group them. */
export function groupingHints(snapshot: Snapshot, tenancy: Tenancy): string[] {
  const tenantsOf = new Map<string, Set<string>>();
  const namespacesOf = new Map<string, Set<string>>();
  for (const binding of snapshot.roleBindings) {
    const ns = binding.metadata.namespace;
    const tenant = ns === undefined ? undefined : tenancy.tenantOf.get(ns);
    if (!ns || !tenant || tenancy.isPlatformNamespace(ns)) continue;
    for (const subject of binding.subjects ?? []) {
      if (subject.kind !== "User" && subject.kind !== "Group") continue;
      const key = formatSubject(subject);
      if (!tenantsOf.has(key)) {
        tenantsOf.set(key, new Set());
        namespacesOf.set(key, new Set());
      }
      tenantsOf.get(key)!.add(tenant);
      namespacesOf.get(key)!.add(ns);
    }
  }
  const labels = new Map(snapshot.namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  const spanning = [...tenantsOf].filter(([, tenants]) => tenants.size > 1).map(([subject]) => subject);
  const hints = spanning.slice(0, MAX_HINTS).map((subject) => {
    const namespaces = [...namespacesOf.get(subject)!].sort();
    const shared = sharedLabel(namespaces.map((n) => labels.get(n) ?? {}));
    const where = `${subject} is bound in ${namespaces.length} namespaces that are separate tenants (${namespaces.join(", ")})`;
    return shared
      ? `hint: ${where}; if they are one tenant, --tenant-label ${shared.key} groups namespaces by that label (these share ${shared.key}=${shared.value}).`
      : `hint: ${where}; if they are one tenant, say so with --tenants FILE (or a shared namespace label and --tenant-label).`;
  });
  if (spanning.length > MAX_HINTS)
    hints.push(`hint: ${spanning.length - MAX_HINTS} more users or groups are bound in several tenants.`);
  return hints;
}

/** A label key every namespace carries with one and the same value, if there is one. */
function sharedLabel(sets: Record<string, string>[]): { key: string; value: string } | undefined {
  const [first, ...rest] = sets;
  if (!first) return undefined;
  for (const key of Object.keys(first).sort()) {
    if (NOT_OWNERSHIP(key)) continue;
    const value = first[key]!;
    if (rest.every((labels) => Object.hasOwn(labels, key) && labels[key] === value)) return { key, value };
  }
  return undefined;
}
