/**
 * The controller's incremental judgment (src/controller/judge.ts) must be what a full judgment of the same
 * snapshot says: after any sequence of changes, the report of the Judge that reused what it could equals, field
 * for field, the report of a fresh Judge that reused nothing (the periodic full resync).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateCluster, SIZES } from "../../bench/generate.js";
import { Judge } from "../../src/controller/judge.js";
import type { ClusterRoleBinding, Pod } from "../../src/model/objects.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { loadDemo } from "../../src/sources/demo.js";

const AT = new Date("2027-03-01T12:00:00Z");
const SOURCE = { from: "namespace" as const };
const full = (snapshot: Snapshot) => JSON.stringify(new Judge(SOURCE).judge(snapshot, "all", AT).report);

type Change = { kind: string; apply: (s: Snapshot) => Snapshot };

const grantPods = (tenantNamespace: string, i: number): Change => ({
  kind: "ClusterRoleBinding",
  apply: (s) => ({
    ...s,
    clusterRoleBindings: [
      ...s.clusterRoleBindings,
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: `grant-${i}` },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ kind: "ServiceAccount", name: "default", namespace: tenantNamespace }],
      } as ClusterRoleBinding,
    ],
  }),
});
const dropBinding = (i: number): Change => ({
  kind: "ClusterRoleBinding",
  apply: (s) => ({
    ...s,
    clusterRoleBindings: s.clusterRoleBindings.filter(
      (_, j) => j !== i % Math.max(1, s.clusterRoleBindings.length),
    ),
  }),
});
const relabelPod = (i: number, value: string): Change => ({
  kind: "Pod",
  apply: (s) => {
    if (s.pods.length === 0) return s;
    const pods = s.pods.slice();
    const p = pods[i % pods.length]!;
    pods[i % pods.length] = {
      ...p,
      metadata: { ...p.metadata, labels: { ...p.metadata.labels, tier: value } },
    } as Pod;
    return { ...s, pods };
  },
});

describe("incremental judgment equals a full resync", () => {
  it("an RBAC change reuses the network analysis and gives the full judgment's report", () => {
    let snapshot = withBuiltinRbac(loadDemo().snapshot);
    const judge = new Judge(SOURCE);
    judge.judge(snapshot, "all", AT);
    const namespace = snapshot.namespaces.find((n) => !n.metadata.name.startsWith("kube-"))!.metadata.name;
    snapshot = grantPods(namespace, 0).apply(snapshot);
    const judged = judge.judge(snapshot, new Set(["ClusterRoleBinding"]), AT);
    expect(judged.reusedNetwork).toBe(true);
    expect(JSON.stringify(judged.report)).toBe(full(snapshot));
    // …and the change did change the report (else equality would prove nothing).
    expect(JSON.stringify(judged.report)).not.toBe(full(withBuiltinRbac(loadDemo().snapshot)));
  });

  it("a Pod change judges the network again", () => {
    let snapshot = withBuiltinRbac(loadDemo().snapshot);
    const judge = new Judge(SOURCE);
    judge.judge(snapshot, "all", AT);
    snapshot = relabelPod(0, "moved").apply(snapshot);
    const judged = judge.judge(snapshot, new Set(["Pod"]), AT);
    expect(judged.reusedNetwork).toBe(false);
    expect(JSON.stringify(judged.report)).toBe(full(snapshot));
  });

  it("any sequence of RBAC and Pod changes on a generated cluster ends where a full judgment is", () => {
    const base = withBuiltinRbac(generateCluster({ ...SIZES.small, tenants: 4, namespacesPerTenant: 2 }));
    const namespaces = base.namespaces.map((n) => n.metadata.name).filter((n) => !n.startsWith("kube-"));
    const change = fc.oneof(
      fc.tuple(fc.nat(namespaces.length - 1), fc.nat(1000)).map(([n, i]) => grantPods(namespaces[n]!, i)),
      fc.nat(1000).map(dropBinding),
      fc.tuple(fc.nat(1000), fc.constantFrom("api", "db", "edge")).map(([i, v]) => relabelPod(i, v)),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        (batches) => {
          const judge = new Judge(SOURCE);
          let snapshot = base;
          judge.judge(snapshot, "all", AT);
          let last = "";
          for (const batch of batches) {
            for (const c of batch) snapshot = c.apply(snapshot);
            last = JSON.stringify(judge.judge(snapshot, new Set(batch.map((c) => c.kind)), AT).report);
          }
          expect(last).toBe(full(snapshot));
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);
});
