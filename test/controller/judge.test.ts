/**
 * The controller's incremental judgment (src/controller/judge.ts) must be what a full judgment of the same
 * snapshot says: after any sequence of changes, the report of the Judge that reused what it could equals, field
 * for field, the report of a fresh Judge that reused nothing (the periodic full resync).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateCluster, SIZES } from "../../bench/generate.js";
import { Judge } from "../../src/controller/judge.js";
import { PolicyReportCache, policyReports } from "../../src/controller/policy-reports.js";
import type {
  ClusterRole,
  ClusterRoleBinding,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  Role,
  RoleBinding,
} from "../../src/model/objects.js";
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

/** Replaces the element `i` (mod length) of a snapshot's list, or leaves the snapshot as it is when the list is empty. */
function replaceAt<K extends keyof Snapshot, T>(
  s: Snapshot,
  field: K,
  i: number,
  change: (item: T) => T | undefined,
): Snapshot {
  const list = s[field] as unknown as T[];
  if (list.length === 0) return s;
  const copy = list.slice();
  const at = i % copy.length;
  const changed = change(copy[at]!);
  if (changed === undefined) copy.splice(at, 1);
  else copy[at] = changed;
  return { ...s, [field]: copy };
}

/** Changes of every kind a watch reports, each as the watch cache applies it: the changed object replaced. */
function anyChange(namespaces: readonly string[]): fc.Arbitrary<Change> {
  const ns = fc.nat(namespaces.length - 1).map((n) => namespaces[n]!);
  const pod = (i: number, fn: (p: Pod) => Pod | undefined): Change => ({
    kind: "Pod",
    apply: (s) => replaceAt(s, "pods", i, fn),
  });
  return fc.oneof(
    // Pods: relabelled, made privileged, deleted, added.
    fc.tuple(fc.nat(1000), fc.constantFrom("api", "db", "edge")).map(([i, v]) => relabelPod(i, v)),
    fc.nat(1000).map((i) =>
      pod(i, (p) => ({
        ...p,
        spec: {
          ...p.spec!,
          hostPID: true,
          containers: p.spec!.containers.map((c) => ({ ...c, securityContext: { privileged: true } })),
        },
      })),
    ),
    fc.nat(1000).map((i) => pod(i, () => undefined)),
    fc.tuple(ns, fc.nat(1000)).map(
      ([namespace, i]): Change => ({
        kind: "Pod",
        apply: (s) => ({
          ...s,
          pods: [
            ...s.pods,
            {
              apiVersion: "v1",
              kind: "Pod",
              metadata: { name: `added-${i}`, namespace, labels: { app: "added" } },
              spec: { containers: [{ name: "c", image: "x", ports: [{ containerPort: 80 }] }] },
            } as Pod,
          ],
        }),
      }),
    ),
    // RBAC: a subject bound, a binding dropped, a role's rules widened, a ClusterRole's narrowed.
    fc.tuple(ns, fc.nat(1000)).map(([n, i]) => grantPods(n, i)),
    fc.nat(1000).map(dropBinding),
    fc.tuple(fc.nat(1000), ns).map(
      ([i, namespace]): Change => ({
        kind: "RoleBinding",
        apply: (s) =>
          replaceAt(s, "roleBindings", i, (b: RoleBinding) => ({
            ...b,
            subjects: [...(b.subjects ?? []), { kind: "ServiceAccount", name: "default", namespace }],
          })),
      }),
    ),
    fc.nat(1000).map(
      (i): Change => ({
        kind: "RoleBinding",
        apply: (s) => replaceAt(s, "roleBindings", i, () => undefined),
      }),
    ),
    fc.nat(1000).map(
      (i): Change => ({
        kind: "Role",
        // A bound role (an unbound one changes nothing).
        apply: (s) => {
          const bound = new Set(s.roleBindings.map((b) => `${b.metadata.namespace}/${b.roleRef.name}`));
          const roles = s.roles.filter((r) => bound.has(`${r.metadata.namespace}/${r.metadata.name}`));
          if (roles.length === 0) return s;
          const role = roles[i % roles.length]!;
          const widened: Role = {
            ...role,
            rules: [...(role.rules ?? []), { apiGroups: [""], resources: ["pods", "secrets"], verbs: ["*"] }],
          };
          return { ...s, roles: s.roles.map((r) => (r === role ? widened : r)) };
        },
      }),
    ),
    fc.nat(1000).map(
      (i): Change => ({
        kind: "ClusterRole",
        apply: (s) =>
          replaceAt(s, "clusterRoles", i, (r: ClusterRole) =>
            r.aggregationRule ? r : { ...r, rules: (r.rules ?? []).slice(1) },
          ),
      }),
    ),
    // NetworkPolicies: one that admits every namespace, one deleted.
    fc.tuple(ns, fc.nat(1000)).map(
      ([namespace, i]): Change => ({
        kind: "NetworkPolicy",
        apply: (s) => ({
          ...s,
          networkPolicies: [
            ...s.networkPolicies,
            {
              apiVersion: "networking.k8s.io/v1",
              kind: "NetworkPolicy",
              metadata: { name: `open-${i}`, namespace },
              spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] },
            } as NetworkPolicy,
          ],
        }),
      }),
    ),
    fc.nat(1000).map(
      (i): Change => ({
        kind: "NetworkPolicy",
        apply: (s) => replaceAt(s, "networkPolicies", i, () => undefined),
      }),
    ),
    // Namespaces: Pod Security labels lifted or tightened.
    fc.tuple(fc.nat(1000), fc.constantFrom("privileged", "baseline", "restricted")).map(
      ([i, level]): Change => ({
        kind: "Namespace",
        apply: (s) =>
          replaceAt(s, "namespaces", i, (n: Namespace) => ({
            ...n,
            metadata: {
              ...n.metadata,
              labels: { ...n.metadata.labels, "pod-security.kubernetes.io/enforce": level },
            },
          })),
      }),
    ),
    // ServiceAccounts: one deleted (a binding may now name a missing one).
    fc.nat(1000).map(
      (i): Change => ({
        kind: "ServiceAccount",
        // A bound one (its bindings now name a missing ServiceAccount).
        apply: (s) => {
          const bound = new Set(
            [...s.roleBindings, ...s.clusterRoleBindings].flatMap((b) =>
              (b.subjects ?? [])
                .filter((x) => x.kind === "ServiceAccount")
                .map((x) => `${x.namespace ?? b.metadata.namespace}/${x.name}`),
            ),
          );
          const accounts = s.serviceAccounts.filter((a) =>
            bound.has(`${a.metadata.namespace}/${a.metadata.name}`),
          );
          if (accounts.length === 0) return s;
          const gone = accounts[i % accounts.length]!;
          return { ...s, serviceAccounts: s.serviceAccounts.filter((a) => a !== gone) };
        },
      }),
    ),
    // Nodes: tainted, or gone.
    fc.nat(1000).map(
      (i): Change => ({
        kind: "Node",
        apply: (s) =>
          replaceAt(
            s,
            "nodes",
            i,
            (n: Node): Node => ({
              ...n,
              spec: { ...n.spec, taints: [{ key: "dedicated", value: "x", effect: "NoSchedule" }] },
            }),
          ),
      }),
    ),
    fc
      .nat(1000)
      .map((i): Change => ({ kind: "Node", apply: (s) => replaceAt(s, "nodes", i, () => undefined) })),
  );
}

describe("incremental judgment and reports equal a full judgment after every step", () => {
  it("random changes of pods, bindings, roles, ServiceAccounts, NetworkPolicies, namespaces and nodes", () => {
    const generated = withBuiltinRbac(
      generateCluster({ ...SIZES.small, tenants: 4, namespacesPerTenant: 2 }),
    );
    const namespaces = generated.namespaces.map((n) => n.metadata.name).filter((n) => !n.startsWith("kube-"));
    // Each namespace's default ServiceAccount bound, so that deleting one leaves a binding naming a missing one.
    const base = namespaces.reduce((s, n, i) => grantPods(n, 1000 + i).apply(s), generated);
    const change = anyChange(namespaces);
    fc.assert(
      fc.property(
        fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        (batches) => {
          const judge = new Judge(SOURCE);
          const cache = new PolicyReportCache();
          let snapshot = base;
          policyReports(judge.judge(snapshot, "all", AT).report, { cache });
          for (const batch of batches) {
            for (const c of batch) snapshot = c.apply(snapshot);
            const incremental = judge.judge(snapshot, new Set(batch.map((c) => c.kind)), AT).report;
            const fresh = new Judge(SOURCE).judge(snapshot, "all", AT).report;
            expect(JSON.stringify(incremental)).toBe(JSON.stringify(fresh));
            expect(policyReports(incremental, { cache })).toEqual(policyReports(fresh));
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 300_000);
});
