/**
 * A Capsule tenant whose pods may run on the same nodes as another tenant's: Capsule places a tenant's pods
 * by its `spec.nodeSelector` (api/v1beta2/tenant_types.go), and a tenant without one may land anywhere. A
 * node shared by two tenants lets a node escape by one reach the other.
 */
import { stringify } from "yaml";
import type { CapsuleTenant, Node } from "../../../model/objects.js";
import { originOf } from "../../../model/origin.js";
import type { Draft, FindingRule } from "../../../model/rule.js";
import { capsuleTenants } from "../capsule.js";
import { listed, type PlatformRuleInput } from "./input.js";

const selects = (selector: Record<string, string> | undefined, node: Node): boolean =>
  Object.entries(selector ?? {}).every(([key, value]) => {
    const labels = node.metadata.labels;
    return labels !== undefined && Object.hasOwn(labels, key) && labels[key] === value;
  });

/** Two selectors some node could satisfy at once: no key asks for two values. */
const compatible = (a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean =>
  Object.entries(a ?? {}).every(([key, value]) => !b || !Object.hasOwn(b, key) || b[key] === value);

function find(input: PlatformRuleInput): Draft[] {
  const tenants = capsuleTenants(input.snapshot).filter((t) =>
    input.tenancy.tenants.some((x) => x.name === t.metadata.name && x.from?.platform === "capsule"),
  );
  const nodes = input.snapshot.nodes;
  const known = nodes.length > 0 && !input.snapshot.missingKinds.includes("Node");
  const nodesOf = (t: CapsuleTenant) =>
    nodes.filter((n) => selects(t.spec?.nodeSelector, n)).map((n) => n.metadata.name);
  const out: Draft[] = [];
  for (const tenant of tenants) {
    const selector = tenant.spec?.nodeSelector;
    const mine = known ? new Set(nodesOf(tenant)) : undefined;
    const shared = new Map<string, string[]>();
    for (const other of tenants) {
      if (other === tenant) continue;
      if (mine) {
        const both = nodesOf(other).filter((n) => mine.has(n));
        if (both.length > 0) shared.set(other.metadata.name, both);
      } else if (compatible(selector, other.spec?.nodeSelector)) shared.set(other.metadata.name, []);
    }
    if (shared.size === 0) continue;
    const name = tenant.metadata.name;
    const others = [...shared.keys()].sort();
    const sharedNodes = [...new Set([...shared.values()].flat())].sort();
    const them = `${others.length === 1 ? "tenant" : "tenants"} ${listed(others)}`;
    const on =
      sharedNodes.length > 0
        ? ` (${listed(sharedNodes)})`
        : " (nodes were not read: judged by the selectors)";
    const why =
      selector && Object.keys(selector).length > 0
        ? `its spec.nodeSelector ${Object.entries(selector)
            .map(([k, v]) => `${k}=${v}`)
            .join(",")} selects nodes that ${them} may also run on${on}`
        : `it has no spec.nodeSelector, so its pods may run on any node, those of ${them} included${on}`;
    out.push({
      subject: `Capsule tenant ${name}`,
      object: others.length === 1 ? `Capsule tenant ${others[0]}` : `${others.length} Capsule tenants`,
      message: `Capsule tenant ${name} may share nodes with ${them}: ${why}; a pod that escapes to its node reaches the other tenant's pods there`,
      evidence: [
        `Tenant ${name}: spec.nodeSelector ${selector && Object.keys(selector).length > 0 ? JSON.stringify(selector) : "is not set"}`,
        ...others.slice(0, 10).map((o) => {
          const s = tenants.find((t) => t.metadata.name === o)!.spec?.nodeSelector;
          return `Tenant ${o}: spec.nodeSelector ${s && Object.keys(s).length > 0 ? JSON.stringify(s) : "is not set"}${shared.get(o)!.length > 0 ? `; both may run on ${listed(shared.get(o)!)}` : ""}`;
        }),
      ],
      remediation: `Give each tenant a node pool of its own (label the nodes, and taint them so no other pod lands there), and select it in the Tenant:\n${stringify({ spec: { nodeSelector: { "node-pool": name } } })}`,
      resource: { kind: "Tenant", name },
      origin: originOf(tenant),
    });
  }
  return out;
}

export const capsuleTenantSharesNodes: FindingRule<PlatformRuleInput> = {
  id: "node.capsule-tenant-shares-nodes",
  plane: "node",
  severity: "medium",
  title: "Capsule tenant shares nodes with another",
  description:
    "A Capsule tenant's spec.nodeSelector is unset or selects nodes another tenant's may also select (judged on the nodes read, else on the selectors): a pod that escapes to its node reaches the other tenant's pods there.",
  help: "Give every tenant its own labelled (and tainted) node pool and set it as the Tenant's spec.nodeSelector.",
  remediation: "spec.nodeSelector: {<label>: <the tenant's pool>}",
  references: [
    "https://github.com/projectcapsule/capsule/blob/main/api/v1beta2/tenant_types.go",
    "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodeselector",
  ],
  find,
};
