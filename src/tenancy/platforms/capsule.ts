/**
 * Capsule (projectcapsule/capsule): a cluster-scoped `Tenant` (capsule.clastix.io) owns namespaces, listed in
 * its `status.namespaces` (api/v1beta2/tenant_status.go) and labelled `capsule.clastix.io/tenant: <tenant>`
 * on each namespace; `spec.owners` (api/v1beta2/owner.go) are User, Group or ServiceAccount owners, a
 * ServiceAccount named as the API server names it (`system:serviceaccount:<namespace>:<name>`).
 */
import type { Diagnostic } from "../../model/diagnostic.js";
import type { CapsuleTenant } from "../../model/objects.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SubjectRef } from "../config.js";
import type { PlatformReader, PlatformTenant } from "./types.js";

export const CAPSULE_TENANT_LABEL = "capsule.clastix.io/tenant";

export function capsuleTenants(snapshot: Snapshot): CapsuleTenant[] {
  return snapshot.platformObjects.filter((o): o is CapsuleTenant => o.kind === "Tenant");
}

const SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

/** A Capsule owner as a subject; undefined (with why) for one the API server would never authenticate as. */
export function capsuleOwner(owner: { kind: string; name: string }): SubjectRef | string {
  if (owner.kind === "User" || owner.kind === "Group") return { kind: owner.kind, name: owner.name };
  if (owner.kind !== "ServiceAccount")
    return `owner kind ${JSON.stringify(owner.kind)} is not User, Group or ServiceAccount`;
  const [namespace, name, extra] = owner.name.startsWith(SERVICE_ACCOUNT_PREFIX)
    ? owner.name.slice(SERVICE_ACCOUNT_PREFIX.length).split(":")
    : [];
  if (!namespace || !name || extra !== undefined)
    return `ServiceAccount owner ${JSON.stringify(owner.name)} is not of the form system:serviceaccount:<namespace>:<name>`;
  return { kind: "ServiceAccount", namespace, name };
}

export const capsule: PlatformReader = {
  id: "capsule",
  title: "Capsule",
  read(snapshot) {
    const diagnostics: Diagnostic[] = [];
    const known = new Set(snapshot.namespaces.map((ns) => ns.metadata.name));
    const labelled = new Map<string, string[]>();
    for (const ns of snapshot.namespaces) {
      const labels = ns.metadata.labels;
      const tenant =
        labels && Object.hasOwn(labels, CAPSULE_TENANT_LABEL) ? labels[CAPSULE_TENANT_LABEL] : undefined;
      if (tenant) labelled.set(tenant, [...(labelled.get(tenant) ?? []), ns.metadata.name]);
    }
    const tenants: PlatformTenant[] = [];
    for (const tenant of capsuleTenants(snapshot)) {
      const name = tenant.metadata.name;
      const namespaces = new Set(labelled.get(name) ?? []);
      for (const ns of tenant.status?.namespaces ?? []) {
        if (known.has(ns)) namespaces.add(ns);
        else
          diagnostics.push({
            severity: "warning",
            message: `Capsule Tenant "${name}": status.namespaces lists namespace "${ns}", which is not in what was read`,
          });
      }
      const owners: SubjectRef[] = [];
      for (const owner of tenant.spec?.owners ?? []) {
        const subject = capsuleOwner(owner);
        if (typeof subject === "string")
          diagnostics.push({ severity: "warning", message: `Capsule Tenant "${name}": ${subject}; ignored` });
        else owners.push(subject);
      }
      tenants.push({
        name,
        namespaces: [...namespaces].sort(),
        owners,
        identities: owners.map((subject) => ({ subject, role: "owner" })),
        declaredBy: { kind: "Tenant", name },
      });
    }
    // The label alone still says which tenant a namespace is in (the Tenant may not be readable): its owners are unknown.
    const declared = new Set(tenants.map((t) => t.name));
    for (const [name, namespaces] of labelled) {
      if (declared.has(name)) continue;
      diagnostics.push({
        severity: "warning",
        message: `namespace${namespaces.length === 1 ? "" : "s"} ${namespaces.join(", ")} ${namespaces.length === 1 ? "is" : "are"} labelled ${CAPSULE_TENANT_LABEL}=${name}, but no Capsule Tenant "${name}" was read: grouped as tenant "${name}", whose owners are unknown`,
      });
      tenants.push({
        name,
        namespaces: namespaces.sort(),
        owners: [],
        identities: [],
        declaredBy: { kind: "Namespace", name: namespaces[0]! },
      });
    }
    return { tenants, diagnostics };
  },
};
