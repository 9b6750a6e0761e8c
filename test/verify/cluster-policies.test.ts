/**
 * The attempts against cluster-scoped network policies, judged by kubefence's network engine on what the
 * API server would answer (here: the request's own object, as a dry run returns it). The live proof, with
 * the real API server and the CRDs, is test/sources/live-cluster-policies.test.ts.
 */
import { describe, expect, it } from "vitest";
import { classifyAnswer } from "../../src/verify/classify.js";
import { planAttempts } from "../../src/verify/report.js";
import { type ServedClusterKind, verifyTargets } from "../../src/verify/target.js";
import { fixtureTenancy } from "./helpers.js";

const SERVED: ServedClusterKind[] = [
  {
    kind: "ClusterNetworkPolicy",
    apiVersion: "policy.networking.k8s.io/v1alpha2",
    plural: "clusternetworkpolicies",
  },
];

const TENANTS = `apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
tenants:
  - name: a
    namespaces: [a]
    owners: [{kind: User, name: alice}]
  - name: b
    namespaces: [b]
    owners: [{kind: User, name: bob}]
`;

const namespaces = `
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {tenant: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {tenant: b}}
`;

/** Per tenant, as `tenant init --isolation=cluster-policy` writes it: pass within, deny every other namespace. */
const perTenant = ["a", "b"]
  .map(
    (t) => `---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: isolate-${t}}
spec:
  tier: Admin
  priority: 100
  subject: {namespaces: {matchLabels: {tenant: ${t}}}}
  ingress:
    - {name: within, action: Pass, from: [{namespaces: {matchLabels: {tenant: ${t}}}}]}
    - {name: others, action: Deny, from: [{namespaces: {}}]}
  egress:
    - {name: within, action: Pass, to: [{namespaces: {matchLabels: {tenant: ${t}}}}]}
    - {name: others, action: Deny, to: [{namespaces: {}}]}
`,
  )
  .join("");

const baseline = `---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: baseline-isolation}
spec:
  tier: Baseline
  priority: 10
  subject: {namespaces: {matchExpressions: [{key: tenant, operator: Exists}]}}
  ingress: [{name: deny-pods, action: Deny, from: [{namespaces: {}}]}]
`;

/** Each cluster-scoped attempt of tenant a, answered 2xx with its own object: what it comes to. */
function outcomes(cluster: string): Record<string, string> {
  const { snapshot, tenancy, config } = fixtureTenancy(cluster, TENANTS);
  const target = verifyTargets(snapshot, tenancy, config, "a", SERVED).targets[0]!;
  return Object.fromEntries(
    planAttempts(target)
      .filter((p) => p.attempt.id.startsWith("cluster-policy-") || p.attempt.id === "delete-default-deny")
      .map((p) => {
        if (!("request" in p.planned)) return [p.attempt.id, p.planned.notApplicable];
        const r = p.planned.request;
        const c = classifyAnswer(r, { status: 200, body: r.body ?? {} });
        return [
          p.attempt.id,
          c.verdict === "blocked"
            ? `held by ${c.blockedBy}${c.name ? ` ${c.name}` : ""}: ${c.message}`
            : `ACCEPTED: ${c.message}`,
        ];
      }),
  );
}

describe("verify against cluster-scoped network policies", () => {
  it("Admin tier: a NetworkPolicy allowing everything, an unlabelled pod or a deleted default deny open nothing; relabelling the namespace as the other tenant's does", () => {
    const defaultDeny = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: a}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`;
    const got = outcomes(namespaces + perTenant + defaultDeny);
    const heldBy =
      'held by cluster-network-policy ClusterNetworkPolicy/isolate-a: %s, but ClusterNetworkPolicy "isolate-a" ingress rule 1 "others" (Deny) still denies every connection between namespaces "a" and "b" (the admin tier decides before any NetworkPolicy)';
    expect(got["cluster-policy-override"]).toBe(
      heldBy.replace(
        "%s",
        "networkpolicy.networking.k8s.io/kubefence-verify-allow-all created (server dry run)",
      ),
    );
    expect(got["cluster-policy-pod-relabel"]).toBe(
      heldBy.replace("%s", "pod/kubefence-verify-unlabelled created (server dry run)"),
    );
    expect(got["delete-default-deny"]).toBe(
      heldBy.replace("%s", "networkpolicy.networking.k8s.io/deny-all deleted (server dry run)"),
    );
    // The relabel is judged with a's own deny-all NetworkPolicy still there: it holds (a tenant's own policy).
    expect(got["cluster-policy-namespace-relabel"]).toMatch(
      /^held by other: namespace\/a labeled \(server dry run\): tenant=b, but no connection between namespaces "a" and "b" opens: .*a\/deny-all/,
    );
    // Without it, were the relabel accepted, namespace a would be tenant b's: isolate-b passes it on.
    expect(outcomes(namespaces + perTenant)["cluster-policy-namespace-relabel"]).toMatch(
      /^ACCEPTED: namespace\/a labeled \(server dry run\): tenant=b: b\/kubefence-verify-probe\[Pod\] can reach a\/kubefence-verify-probe\[Pod\] \(All Connections\)/,
    );
    expect(got["cluster-policy-create"]).toMatch(
      /^ACCEPTED: clusternetworkpolicy\.policy\.networking\.k8s\.io\/kubefence-verify-a-accept-all created/,
    );
    expect(got["cluster-policy-edit"]).toBe(
      "ACCEPTED: clusternetworkpolicy.policy.networking.k8s.io/isolate-a patched (server dry run): its rules removed, it isolates no tenant",
    );
  });

  it("Baseline tier denying ingress: a NetworkPolicy allowing everything opens the namespace to the other tenant (NetworkPolicy decides first)", () => {
    const got = outcomes(namespaces + baseline);
    expect(got["cluster-policy-override"]).toMatch(
      /^ACCEPTED: networkpolicy\.networking\.k8s\.io\/kubefence-verify-allow-all created \(server dry run\): b\/kubefence-verify-probe\[Pod\] can reach a\/kubefence-verify-probe\[Pod\] \(All Connections\): .*kubefence-verify-allow-all/,
    );
  });

  it("not isolated by a cluster-scoped policy: only the creation of one is tried", () => {
    const got = outcomes(namespaces);
    expect(Object.keys(got)).toEqual(["delete-default-deny", "cluster-policy-create"]);
    expect(got["delete-default-deny"]).toBe(
      'n/a: no default-deny policy to delete: no NetworkPolicy in namespace "a" selects every pod and allows nothing, so the namespace is open on the network plane',
    );
  });
});
