/** Egress-isolated pods that cannot resolve names: no rule allows UDP 53 to the cluster DNS. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { clusterPolicyRef } from "../cluster-policies.js";
import type { NetworkModel } from "../model.js";
import { ALLOW_DNS_SPEC, manifest, networkPolicy, policyRef } from "./support.js";

function find(model: NetworkModel): Draft[] {
  const dns = model.table.classes.filter(
    (c) =>
      c.kind === "pod" &&
      c.namespace === "kube-system" &&
      c.units.some((u) => u.labels["k8s-app"] === "kube-dns"),
  );
  const byNamespace = new Map<string, Set<string>>();
  const policiesOf = new Map<string, Set<string>>();
  for (const c of model.table.classes) {
    if (c.kind !== "pod") continue;
    const isolating = model.evaluator.applying(c.index, "Egress");
    const cluster = [model.evaluator.admin, model.evaluator.baseline].flatMap(
      (t) => t?.applying(c.index, "Egress") ?? [],
    );
    if (isolating.length === 0 && cluster.length === 0) continue;
    const ok =
      dns.length > 0
        ? dns.some((d) => model.evaluator.conns(c.index, d.index).has("UDP", 53))
        : model.table.classes.some((d) => model.evaluator.egress(c.index, d.index).has("UDP", 53));
    if (ok) continue;
    const set = byNamespace.get(c.namespace!) ?? new Set();
    for (const u of c.units) set.add(u.peer.name);
    byNamespace.set(c.namespace!, set);
    const ps = policiesOf.get(c.namespace!) ?? new Set();
    for (const p of isolating) ps.add(policyRef(p));
    for (const p of cluster) ps.add(clusterPolicyRef(p));
    policiesOf.set(c.namespace!, ps);
  }
  return [...byNamespace].map(([namespace, peers]) => ({
    severity: "medium",
    subject: `namespace ${namespace}`,
    object: dns.length > 0 ? dns.map((d) => d.units[0]!.peer.name).join(", ") : "cluster DNS",
    message: `${peers.size} egress-isolated workload${peers.size === 1 ? "" : "s"} in ${namespace} cannot reach the cluster DNS on UDP 53: name resolution fails`,
    evidence: [
      `isolated for egress by ${[...(policiesOf.get(namespace) ?? [])].sort().join(", ")}`,
      `no egress rule allows UDP 53 to ${dns.length > 0 ? "kube-system pods labelled k8s-app=kube-dns" : "any destination"}: ${[...peers].sort().slice(0, 10).join(", ")}`,
    ],
    remediation: `Allow DNS egress for the namespace:\n${manifest([
      networkPolicy(namespace, "allow-dns", ALLOW_DNS_SPEC),
    ])}`,
    resource: { kind: "Namespace", name: namespace },
  }));
}

export const dnsEgressBlocked: FindingRule<NetworkModel> = {
  id: "network.dns-egress-blocked",
  plane: "network",
  severity: "medium",
  title: "Egress-isolated pods cannot reach DNS",
  description:
    "Pods isolated for egress have no rule allowing UDP 53 to the cluster DNS (kube-system pods labelled k8s-app=kube-dns), so name resolution fails.",
  help: "Allow DNS egress for the namespace to the cluster DNS on UDP and TCP 53.",
  remediation: "Allow DNS egress for the namespace: <an allow-dns NetworkPolicy>",
  references: [
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
    "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/",
  ],
  find,
};
