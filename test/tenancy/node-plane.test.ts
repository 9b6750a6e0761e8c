import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateCluster, SIZES } from "../../bench/generate.js";
import type { KubeVersion } from "../../src/model/kube-version.js";
import { canEscapeToNode } from "../../src/podsecurity/escape.js";
import { ENFORCE_LEVEL_LABEL } from "../../src/podsecurity/index.js";
import { buildAuthorizer } from "../../src/rbac/authorizer.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { buildSnapshot } from "../../src/sources/build.js";
import { loadDemo } from "../../src/sources/demo.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { apiPlane, podCreators } from "../../src/tenancy/api-plane.js";
import { type AuditReport, runAudit } from "../../src/tenancy/audit.js";
import { ALL_TENANTS, evidenceChain, LazyEvidence, lookup, NO_TENANT } from "../../src/tenancy/matrix.js";
import { nodePlane, type PodCreators } from "../../src/tenancy/node-plane.js";
import { resolveTenants, type Tenancy } from "../../src/tenancy/tenants.js";

const ONE_TENANT = `
apiVersion: v1
kind: Namespace
metadata: {name: solo}
---
apiVersion: v1
kind: Pod
metadata: {name: escape, namespace: solo}
spec:
  hostPID: true
  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
`;

describe("the node plane", () => {
  it("a lone tenant with a privileged pod (the most common CI input) is audited, not a crash: nobody else to reach", () => {
    const { snapshot } = buildSnapshot(parseDocuments(ONE_TENANT, "one.yaml").documents, {
      synthesizeNamespaces: true,
    });
    const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
    const report = runAudit(snapshot, tenancy, { fullMatrix: true });
    expect(report.matrix.list().filter((c) => c.plane === "node" && c.verdict === "breach")).toEqual([]);
    // The escape itself is still a finding.
    expect(report.findings.some((f) => f.plane === "node" && f.severity === "critical")).toBe(true);
  });
});

/** The resident a node breach's chain ends on: `ns/name[Kind] runs…` or `any pod of tenant X (it has none yet) …`. */
function residentTenant(report: AuditReport, evidence: string[]): string | undefined {
  const last = evidence.at(-1) ?? "";
  const none = /^any pod of tenant (\S+) \(it has none yet\)/.exec(last);
  if (none) return none[1];
  const namespace = last.split("/")[0];
  return report.tenants.find((t) => t.namespaces.includes(namespace ?? ""))?.name;
}

function nodeBreaches(report: AuditReport) {
  return report.matrix.list().filter((c) => c.plane === "node" && c.verdict === "breach");
}

// Four tenants: `a` runs an escaping pod (every node is reachable), alice of `b` may create pods in the
// unlabelled (so privileged) namespace b, `c` has a pod, `d` none yet.
const FOUR_TENANTS = `
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: v1
kind: Namespace
metadata: {name: c}
---
apiVersion: v1
kind: Namespace
metadata: {name: d}
---
apiVersion: v1
kind: Pod
metadata: {name: escape, namespace: a}
spec:
  hostPID: true
  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-b, namespace: b}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-c, namespace: c}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pods, namespace: b}
rules: [{apiGroups: [""], resources: [pods], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice, namespace: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
`;

describe("node-plane evidence names the column's tenant", () => {
  it("in the demo, every node breach cell cites a pod of the column (default → network cites a pod of network, not kube-proxy)", () => {
    const { snapshot } = loadDemo();
    const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
    const report = runAudit(snapshot, tenancy, { fullMatrix: true });
    const breaches = nodeBreaches(report);
    expect(breaches.length).toBeGreaterThanOrEqual(3);
    for (const cell of breaches)
      expect([cell.to, residentTenant(report, cell.evidence)]).toEqual([cell.to, cell.to]);
    const toNetwork = breaches.find((c) => c.from === "default" && c.to === "network")!;
    expect(toNetwork.evidence.at(-1)).toMatch(/^network\//);
  });

  it("with an escaping pod and with a pod creator reaching every other tenant, each cell names its own column's resident (or says it has none yet)", () => {
    const { snapshot } = buildSnapshot(parseDocuments(FOUR_TENANTS, "four.yaml").documents, {
      synthesizeNamespaces: true,
    });
    const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
    const report = runAudit(snapshot, tenancy, { fullMatrix: true });
    const breaches = nodeBreaches(report);
    const rows = new Set(breaches.map((c) => c.from));
    expect(rows).toEqual(new Set(["a", "b"]));
    for (const cell of breaches)
      expect([cell.to, residentTenant(report, cell.evidence)]).toEqual([cell.to, cell.to]);
    const aToD = breaches.find((c) => c.from === "a" && c.to === "d")!;
    expect(aToD.evidence.at(-1)).toMatch(/^any pod of tenant d \(it has none yet\)/);
    const bToC = breaches.find((c) => c.from === "b" && c.to === "c")!;
    expect(bToC.evidence.at(-1)).toMatch(/^c\/web-c\[Pod\]/);
  });
});

describe("Pod Security labels guard the node only where Pod Security admission runs", () => {
  /** The demo with alice allowed to create pods in test-namespace, which enforces baseline. */
  function guardedDemo(kubeVersion: KubeVersion, level = "baseline") {
    const { snapshot } = loadDemo({ kubeVersion });
    const namespace = snapshot.namespaces.find((ns) => ns.metadata.name === "test-namespace")!;
    namespace.metadata.labels = { ...namespace.metadata.labels, [ENFORCE_LEVEL_LABEL]: level };
    const role = snapshot.roles.find((r) => r.metadata.name === "test-master-role")!;
    role.rules = [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create"] }];
    const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
    return runAudit(snapshot, tenancy, { kubeVersion, fullMatrix: true });
  }
  const fromTestNamespace = (report: AuditReport) =>
    nodeBreaches(report).filter((c) => c.from === "test-namespace");

  it("on 1.37 enforce: baseline keeps alice's privileged pod out: test-namespace reaches no node", () => {
    const report = guardedDemo({ major: 1, minor: 37 });
    expect(fromTestNamespace(report)).toEqual([]);
    // The label is what keeps it out: enforcing privileged, the same grant reaches every other tenant.
    expect(fromTestNamespace(guardedDemo({ major: 1, minor: 37 }, "privileged"))).toHaveLength(3);
    expect(report.findings.some((f) => f.id === "node.pod-security-not-enforced")).toBe(false);
  });

  it("on 1.20 the same label is a plain label: alice's privileged pod reaches every tenant's node, and the audit says why once", () => {
    const report = guardedDemo({ major: 1, minor: 20 });
    const cells = fromTestNamespace(report);
    expect(cells.map((c) => c.to).sort()).toEqual(["default", "network", "platform"]);
    for (const cell of cells)
      expect(cell.evidence).toContain(
        "nothing enforces namespace test-namespace's Pod Security labels: Pod Security admission is not part of Kubernetes 1.20 (on by default from 1.23)",
      );
    const notes = report.findings.filter((f) => f.id === "node.pod-security-not-enforced");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toBe(
      "Pod Security admission is not part of Kubernetes 1.20 (on by default from 1.23): namespace labels are not enforced, every namespace is judged at privileged",
    );
    expect(notes[0]!.evidence).toContain(
      "namespace test-namespace: pod-security.kubernetes.io/enforce=baseline is a plain label here",
    );
  });
});

const TAINT = "{taints: [{key: node.kubernetes.io/not-ready, effect: NoSchedule}]}";

/** A cluster for the node plane: nodes n0… (tainted or not), tenants t0… with at most one pod each. */
interface NodeCluster {
  nodes: boolean[]; // tainted?
  tenants: {
    pod: "none" | "plain" | "escape" | "tolerating-escape" | "pending";
    pin?: number;
    creator: boolean;
  }[];
}

function nodeClusterYaml({ nodes, tenants }: NodeCluster): string {
  const docs: string[] = nodes.map(
    (tainted, i) => `apiVersion: v1\nkind: Node\nmetadata: {name: n${i}}\nspec: ${tainted ? TAINT : "{}"}`,
  );
  tenants.forEach(({ pod, pin, creator }, i) => {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: t${i}}`);
    const escapes = pod === "escape" || pod === "tolerating-escape";
    const spec = [
      pin !== undefined ? `nodeName: n${pin % nodes.length}` : "",
      pod === "tolerating-escape" ? "tolerations: [{operator: Exists}]" : "",
      pod === "pending" ? "nodeSelector: {nowhere: 'true'}" : "",
      escapes ? "hostPID: true" : "",
      `containers: [{name: c, image: busybox${escapes ? ", securityContext: {privileged: true}" : ""}}]`,
    ].filter(Boolean);
    if (pod !== "none")
      docs.push(
        `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: t${i}}\nspec: {${spec.join(", ")}}`,
      );
    if (creator)
      docs.push(
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: pods, namespace: t${i}}\nrules: [{apiGroups: [""], resources: [pods], verbs: [create]}]`,
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: u, namespace: t${i}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods}\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: u${i}}]`,
      );
  });
  return docs.join("\n---\n");
}

function auditNodeCluster(cluster: NodeCluster) {
  const { snapshot } = buildSnapshot(parseDocuments(nodeClusterYaml(cluster), "nodes.yaml").documents, {});
  const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
  const node = nodePlane(snapshot, tenancy, {
    escapes: (spec) => (spec.hostPID ? ["hostPID"] : []),
    admitsEscapes: (ns) => ({ admits: true, why: `namespace ${ns.metadata.name} has no label` }),
    podCreators: {
      byRow: new Map(
        cluster.tenants.flatMap((t, i) =>
          t.creator
            ? [
                [
                  `t${i}`,
                  [
                    {
                      namespace: `t${i}`,
                      order: i,
                      evidence: new LazyEvidence(1, () => [`u${i} creates pods`]),
                    },
                  ],
                ],
              ]
            : [],
        ),
      ),
      everyone: [],
    },
    namespacePatchers: new Map(),
  });
  return { node, names: tenancy.tenants.map((t) => t.name) };
}

describe("the node plane when no node takes an unconstrained pod", () => {
  // Both nodes tainted (as new or not-ready nodes are): t0 escapes on n0, t1 runs on n1, t2's pod is pending,
  // t3 has none, and t1 may create pods.
  const cluster: NodeCluster = {
    nodes: [true, true],
    tenants: [
      { pod: "escape", pin: 0, creator: false },
      { pod: "plain", pin: 1, creator: true },
      { pod: "pending", creator: false },
      { pod: "none", creator: false },
    ],
  };

  it("never names an undefined node, and a tenant without a running pod may still get its next pod anywhere", () => {
    const { node, names } = auditNodeCluster(cluster);
    for (const from of names)
      for (const to of names) {
        const evidence = lookup(node, from, to);
        if (evidence) expect(evidence.join(" ")).not.toMatch(/undefined/);
      }
    expect(lookup(node, "t0", "t3")).toEqual([
      "t0/p[Pod] escapes to its node: hostPID",
      "it runs or can be scheduled on n0",
      "any pod of tenant t3 (it has none yet; no node takes a pod without tolerations, and its author picks them) runs or can be scheduled on n0",
    ]);
    expect(lookup(node, "t0", "t2")?.at(-1)).toMatch(
      /^any pod of tenant t2 \(none of its pods is scheduled yet;/,
    );
    // t1 runs only on n1, where t0's escape is not.
    expect(lookup(node, "t0", "t1")).toBeUndefined();
    // t1 may create an escaping pod anywhere: every other tenant, stored once for the row.
    expect([...node.stored()].filter(([from]) => from === "t1").map(([, to]) => to)).toEqual([ALL_TENANTS]);
    expect(lookup(node, "t1", "t0")?.at(-1)).toBe("t0/p[Pod] runs or can be scheduled on n0");
  });

  const tenant = (pinned: boolean) =>
    fc.record({
      pod: fc.constantFrom("none", "plain", "escape", "tolerating-escape", "pending"),
      pin: pinned ? fc.option(fc.nat(3), { nil: undefined }) : fc.constant(undefined),
      creator: fc.boolean(),
    });
  const clusterOf = (pinned: boolean) =>
    fc.record({
      nodes: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
      tenants: fc.array(tenant(pinned), { minLength: 2, maxLength: 7 }),
    }) as fc.Arbitrary<NodeCluster>;

  it("stores no more entries than breaches, and evidence never says undefined", () => {
    fc.assert(
      fc.property(clusterOf(true), (cluster) => {
        const { node, names } = auditNodeCluster(cluster);
        const { breaches } = node.count(names, names);
        expect([...node.stored()].length).toBeLessThanOrEqual(breaches);
        for (const from of names)
          for (const to of names) expect(lookup(node, from, to)?.join(" ") ?? "").not.toMatch(/undefined/);
      }),
      { numRuns: 150 },
    );
  });

  it("grows with breaching rows, not tenant pairs: with nothing pinned to a node, one entry per row at most", () => {
    fc.assert(
      fc.property(clusterOf(false), (cluster) => {
        const { node, names } = auditNodeCluster(cluster);
        const rows = new Set([...node.stored()].map(([from]) => from));
        expect([...node.stored()].length).toBe(rows.size);
        // Each stored row reaches every other tenant.
        for (const from of rows)
          for (const to of names) if (to !== from) expect(lookup(node, from, to)).toBeDefined();
      }),
      { numRuns: 150 },
    );
  });
});

describe("pod creators every row holds", () => {
  // Grants to system:authenticated and the like are kept once, not copied into every row: the node plane must
  // find the same ways (the shortest, the first in grant order of equally short ones) as with every row's
  // full list in grant order.
  for (const seed of [1, 2, 3]) {
    it(`give the same breaches and evidence as each row's full list (generated cluster, seed ${seed})`, () => {
      const snapshot = withBuiltinRbac(
        generateCluster({ ...SIZES.small, tenants: 8, namespacesPerTenant: 3, seed }),
      );
      const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
      const api = apiPlane(buildAuthorizer(snapshot).policy, tenancy);
      const shared = podCreators(api, tenancy);
      // Every binding of this size to system:authenticated is one rule set away: make sure there is one.
      const broad = shared.everyone.length > 0 ? shared : withEveryone(shared, api, tenancy);
      expect(broad.everyone.length).toBeGreaterThan(0);
      const flat: PodCreators = {
        byRow: new Map(
          [...broad.byRow].map(([row, own]) => [
            row,
            [...own, ...broad.everyone].sort((a, b) => a.order - b.order),
          ]),
        ),
        everyone: [],
      };
      // Some rows may relabel a namespace of their own (those take the per-row path for shared creators too).
      const patchers = new Map(
        tenancy.tenants
          .filter((_, i) => i % 3 === 0)
          .map((t) => [
            t.name,
            new Map([[t.namespaces[0]!, new LazyEvidence(1, () => [`${t.name} relabels`])]]),
          ]),
      );
      const judge = (podCreators: PodCreators) =>
        nodePlane(snapshot, tenancy, {
          escapes: (spec) => canEscapeToNode(spec).map((e) => e.summary),
          // Only the first namespace of each tenant admits escaping pods, so the namespace of a creator matters.
          admitsEscapes: (ns) => ({
            admits: ns.metadata.name.endsWith("-dev"),
            why: `${ns.metadata.name} admits`,
          }),
          podCreators,
          namespacePatchers: patchers,
        });
      const cells = (breaches: ReturnType<typeof judge>) =>
        [...breaches.stored()].map(([from, to, evidence]) => [from, to, evidenceChain(evidence)]);
      const expected = cells(judge(flat));
      expect(expected.length).toBeGreaterThan(0);
      expect(cells(judge(broad))).toEqual(expected);
    });
  }
});

/** The same creators with one more every row holds, placed among the others by grant order. */
function withEveryone(
  creators: PodCreators,
  api: ReturnType<typeof apiPlane>,
  tenancy: Tenancy,
): PodCreators {
  const rows = [...tenancy.tenants.map((t) => t.name), NO_TENANT];
  const byRow = new Map(creators.byRow);
  for (const row of rows) if (!byRow.has(row)) byRow.set(row, []);
  const middle = Math.floor(api.grants.length / 2);
  const evidence = new LazyEvidence(2, () => [
    "system:authenticated can create pods",
    "in the dev namespace",
  ]);
  return {
    byRow,
    everyone: [{ namespace: tenancy.tenants[1]!.namespaces[0]!, order: middle - 0.5, evidence }],
  };
}
