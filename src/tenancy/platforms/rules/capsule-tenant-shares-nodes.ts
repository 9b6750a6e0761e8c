/**
 * A Capsule tenant whose pods may run on the same nodes as another tenant's: Capsule places a tenant's pods
 * by its `spec.nodeSelector` (api/v1beta2/tenant_types.go), and a tenant without one may land anywhere. A
 * node shared by two tenants lets a node escape by one reach the other.
 */

import type { CapsuleTenant, Node } from "../../../model/objects.js";
import { originOf } from "../../../model/origin.js";
import type { Draft, FindingRule } from "../../../model/rule.js";
import { toYaml } from "../../../model/yaml-text.js";
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

/** Tenants with one selector: they share its nodes, and are judged once (a cluster has few pools, many tenants). */
interface SelectorClass {
  selector: Record<string, string> | undefined;
  tenants: CapsuleTenant[];
  /** The nodes it selects, when nodes were read. */
  nodes?: Set<string>;
  /** Every tenant whose pods may share a node with this class's, by name, sorted; and the nodes they share. */
  sharing: { name: string; selector: Record<string, string> | undefined; nodes: string[] }[];
  /** The nodes its tenants share with others: `all` when the class has several tenants, else `withOthers`. */
  sharedNodes: { all: string[]; withOthers: string[] };
}

const selectorText = (s: Record<string, string> | undefined) =>
  s && Object.keys(s).length > 0 ? JSON.stringify(s) : "is not set";

function find(input: PlatformRuleInput): Draft[] {
  const capsule = new Set(
    input.tenancy.tenants.filter((t) => t.from?.platform === "capsule").map((t) => t.name),
  );
  const tenants = capsuleTenants(input.snapshot).filter((t) => capsule.has(t.metadata.name));
  const nodes = input.snapshot.nodes;
  const known = nodes.length > 0 && !input.snapshot.missingKinds.includes("Node");
  const classes = new Map<string, SelectorClass>();
  for (const tenant of tenants) {
    const selector = tenant.spec?.nodeSelector;
    const key = JSON.stringify(Object.entries(selector ?? {}).sort(([a], [b]) => a.localeCompare(b)));
    let c = classes.get(key);
    if (!c) {
      c = { selector, tenants: [], sharing: [], sharedNodes: { all: [], withOthers: [] } };
      if (known) c.nodes = new Set(nodes.filter((n) => selects(selector, n)).map((n) => n.metadata.name));
      classes.set(key, c);
    }
    c.tenants.push(tenant);
  }
  for (const a of classes.values()) {
    for (const b of classes.values()) {
      const both = a.nodes && b.nodes ? [...a.nodes].filter((n) => b.nodes!.has(n)).sort() : [];
      if (a.nodes ? both.length === 0 : !compatible(a.selector, b.selector)) continue;
      for (const t of b.tenants) a.sharing.push({ name: t.metadata.name, selector: b.selector, nodes: both });
    }
    a.sharing.sort((x, y) => x.name.localeCompare(y.name));
    // The nodes shared with some other class (each node list of a class pair is listed once, not per tenant).
    const withOthers = new Set<string>();
    const all = new Set<string>();
    const seen = new Set<string[]>();
    for (const x of a.sharing) {
      if (seen.has(x.nodes)) continue;
      seen.add(x.nodes);
      for (const n of x.nodes) {
        all.add(n);
        if (x.selector !== a.selector) withOthers.add(n);
      }
    }
    a.sharedNodes = { all: [...all].sort(), withOthers: [...withOthers].sort() };
  }
  const out: Draft[] = [];
  for (const c of classes.values())
    for (const tenant of c.tenants) {
      const name = tenant.metadata.name;
      // The first few others are all a message shows: never a list of every other tenant per tenant.
      const count = c.sharing.length - 1;
      if (count <= 0) continue;
      const shown = c.sharing.filter((x) => x.name !== name).slice(0, 10);
      const others = shown.map((x) => x.name);
      const sharedNodes = c.tenants.length > 1 ? c.sharedNodes.all : c.sharedNodes.withOthers;
      const them = `${count === 1 ? "tenant" : "tenants"} ${count > 8 ? `${others.slice(0, 8).join(", ")} and ${count - 8} more` : others.join(", ")}`;
      const on =
        sharedNodes.length > 0
          ? ` (${listed(sharedNodes)})`
          : " (nodes were not read: judged by the selectors)";
      const selector = c.selector;
      const why =
        selector && Object.keys(selector).length > 0
          ? `its spec.nodeSelector ${Object.entries(selector)
              .map(([k, v]) => `${k}=${v}`)
              .join(",")} selects nodes ${count === 1 ? "it" : "they"} may also run on${on}`
          : `it has no spec.nodeSelector, so its pods may run on any node, ${count === 1 ? "that tenant's" : "theirs"} included${on}`;
      out.push({
        subject: `Capsule tenant ${name}`,
        object: count === 1 ? `Capsule tenant ${others[0]}` : `${count} Capsule tenants`,
        message: `Capsule tenant ${name} may share nodes with ${them}: ${why}; a pod that escapes to its node reaches the other tenant's pods there`,
        evidence: [
          `Tenant ${name}: spec.nodeSelector ${selectorText(selector)}`,
          ...shown.map(
            (o) =>
              `Tenant ${o.name}: spec.nodeSelector ${selectorText(o.selector)}${o.nodes.length > 0 ? `; both may run on ${listed(o.nodes)}` : ""}`,
          ),
        ],
        remediation: `Give each tenant a node pool of its own (label the nodes, and taint them so no other pod lands there), and select it in the Tenant:\n${toYaml({ spec: { nodeSelector: { "node-pool": name } } })}`,
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
