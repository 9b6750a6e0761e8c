import { describe, expect, it } from "vitest";
import { evaluatePod, LATEST } from "../../src/podsecurity/index.js";
import { impersonatedUser, resourceAttributes } from "../../src/rbac/attributes.js";
import { buildAuthorizer } from "../../src/rbac/authorizer.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { buildSnapshot } from "../../src/sources/build.js";
import { loadDemo } from "../../src/sources/demo.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { applicable, applyFixPlan, planFixes } from "../../src/tenancy/fixes.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";

const before = withBuiltinRbac(loadDemo().snapshot);
const tenancyOf = (s: typeof before) => resolveTenants(s, { from: "namespace" }).tenancy;
const plan = planFixes(before, tenancyOf(before), runAudit(before, tenancyOf(before)));
const after = applyFixPlan(before, plan);
const reaudit = runAudit(after, tenancyOf(after));

describe("fixes for the demo cluster", () => {
  it("delete bob's ClusterRoleBinding, whose only subject reaches every tenant", () => {
    const api = plan.fixes.filter((f) => f.plane === "api");
    expect(api.map((f) => f.delete)).toEqual([[{ kind: "ClusterRoleBinding", name: "pod-reader-binding" }]]);
  });

  it("rewrite busybox so that Pod Security baseline admits it", () => {
    const busybox = plan.fixes
      .flatMap((f) => f.apply)
      .find((m) => m.kind === "Pod" && m.metadata.name === "busybox") as unknown as {
      metadata: object;
      spec: Parameters<typeof evaluatePod>[3];
    };
    expect(busybox).toBeDefined();
    expect(evaluatePod("baseline", LATEST, busybox.metadata, busybox.spec).allowed).toBe(true);
  });

  it("re-audit with every tenant pair isolated on every plane", () => {
    const breaches = reaudit.matrix.list().filter((c) => c.verdict === "breach");
    expect(breaches).toEqual([]);
  });

  it("keep intended access: alice still lists pods in test-namespace", () => {
    const authorizer = buildAuthorizer(after);
    const alice = impersonatedUser("alice");
    expect(
      authorizer.authorize(
        resourceAttributes(alice, { verb: "list", resource: "pods", namespace: "test-namespace" }),
      ).allowed,
    ).toBe(true);
    expect(
      authorizer.authorize(
        resourceAttributes(impersonatedUser("bob"), {
          verb: "list",
          resource: "pods",
          namespace: "kube-system",
        }),
      ).allowed,
    ).toBe(false);
  });

  it("never touch the platform's namespaces", () => {
    const touched = plan.fixes.flatMap((f) => f.apply).map((m) => m.metadata.namespace ?? m.metadata.name);
    expect(touched).not.toContain("kube-system");
  });
});

describe("fixes for manifests that do not declare kube-system", () => {
  // An application's manifests rarely declare kube-system, but the built-in RBAC binds its ServiceAccounts
  // (the controllers): those are the platform's, not identities of no tenant to be cut off.
  const { snapshot } = buildSnapshot(
    parseDocuments(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: bank}\n",
      "app.yaml",
    ).documents,
    { synthesizeNamespaces: true },
  );
  const app = withBuiltinRbac(snapshot);
  const tenancy = tenancyOf(app);

  it("propose deleting no built-in binding: kube-system's ServiceAccounts are the platform's", () => {
    const deletes = planFixes(app, tenancy, runAudit(app, tenancy)).fixes.flatMap((f) => f.delete);
    expect(deletes).toEqual([]);
  });

  it("the audit has no (no tenant) row made of Kubernetes' own controllers", () => {
    expect(runAudit(app, tenancy).rows).toEqual(["bank", "shop"]);
  });
});

describe("fixes with --isolation=cluster-policy", () => {
  const clusterPlan = planFixes(before, tenancyOf(before), runAudit(before, tenancyOf(before)), {
    isolation: "cluster-policy",
  });
  const written = clusterPlan.fixes.flatMap((f) => f.apply);

  it("close the network breaches with one Admin ClusterNetworkPolicy per tenant, no NetworkPolicy", () => {
    expect(written.filter((m) => m.kind === "NetworkPolicy")).toEqual([]);
    expect(written.filter((m) => m.kind === "ClusterNetworkPolicy").map((m) => m.metadata.name)).toEqual(
      tenancyOf(before)
        .tenants.filter((t) => !t.platform)
        .map((t) => `tenant-${t.name}-isolation`),
    );
  });

  it("re-audit with every tenant pair isolated on the network plane, by those policies", () => {
    const fixed = applyFixPlan(before, clusterPlan);
    const report = runAudit(fixed, tenancyOf(fixed));
    expect(report.matrix.list().filter((c) => c.plane === "network" && c.verdict === "breach")).toEqual([]);
    expect(report.findings.filter((f) => f.id === "network.cluster-policy-isolation").length).toBeGreaterThan(
      0,
    );
  });

  it("are the default when the input already holds a ClusterNetworkPolicy (the cluster serves the API)", () => {
    const withCnp = {
      ...before,
      clusterNetworkPolicies: [
        {
          apiVersion: "policy.networking.k8s.io/v1alpha2",
          kind: "ClusterNetworkPolicy",
          metadata: { name: "existing" },
          spec: { tier: "Admin", priority: 1, subject: { namespaces: { matchLabels: { none: "x" } } } },
        } as never,
      ],
    };
    const defaulted = planFixes(withCnp, tenancyOf(withCnp), runAudit(withCnp, tenancyOf(withCnp)));
    expect(defaulted.fixes.flatMap((f) => f.apply).some((m) => m.kind === "ClusterNetworkPolicy")).toBe(true);
    expect(plan.fixes.flatMap((f) => f.apply).some((m) => m.kind === "ClusterNetworkPolicy")).toBe(false);
  });
});

describe("fixes of controlled pods and the controllers that make them", () => {
  const { snapshot } = buildSnapshot(
    parseDocuments(
      `apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-1
  namespace: a
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-1-x
  namespace: a
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: u2, controller: true}]
spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: bare, namespace: b}
spec:
  selector: {matchLabels: {app: bare}}
  template: {metadata: {labels: {app: bare}}, spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}}
---
apiVersion: v1
kind: Pod
metadata:
  name: bare-x
  namespace: b
  labels: {app: bare}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: bare, uid: u3, controller: true}]
spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}
`,
      "owned.yaml",
    ).documents,
  );
  const owned = withBuiltinRbac(snapshot);
  const node = planFixes(owned, tenancyOf(owned), runAudit(owned, tenancyOf(owned))).fixes.filter(
    (f) => f.plane === "node",
  );
  const rewritten = node
    .flatMap((f) => f.apply)
    .map((m) => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`);

  it("rewrite the top-most controller read, never the ReplicaSet it owns nor their pods", () => {
    expect(rewritten).toEqual(["Deployment a/web", "ReplicaSet b/bare"]);
  });

  it("remove a field in place as null (kubectl apply removes it), and recreate nothing", () => {
    const web = node.flatMap((f) => f.apply).find((m) => m.kind === "Deployment") as unknown as {
      spec: { template: { spec: Record<string, unknown> } };
    };
    expect(web.spec.template.spec).toEqual({
      containers: [{ name: "c", image: "x", securityContext: { privileged: null } }],
    });
    expect(node.flatMap((f) => f.recreate)).toEqual([]);
  });

  it("a bare ReplicaSet replaces no running pod: its pods are deleted after the apply", () => {
    expect(node.flatMap((f) => f.restart)).toEqual([{ kind: "Pod", namespace: "b", name: "bare-x" }]);
  });
});

describe("applicable", () => {
  it.each([
    ["a field removed is null", { a: 1, b: 2 }, { a: 1 }, { a: 1, b: null }],
    [
      "a field set to undefined is removed, so null",
      { a: 1, b: 2 },
      { a: 1, b: undefined },
      { a: 1, b: null },
    ],
    ["lists of one length are followed item by item", [{ n: 1, x: true }], [{ n: 1 }], [{ n: 1, x: null }]],
    ["a list that changed length is written whole", [{ n: 1 }, { n: 2 }], [{ n: 1 }], [{ n: 1 }]],
    ["a field added stays", { a: 1 }, { a: 1, c: {} }, { a: 1, c: {} }],
  ])("%s", (_reason, original, fixed, expected) => {
    expect(applicable(original, fixed)).toEqual(expected);
  });
});

describe("fixes for a live cluster without cluster DNS", () => {
  // A live read lists the whole cluster (serverVersion says it is one): no DNS pod, no kube-dns Service.
  const live: typeof before = {
    ...before,
    serverVersion: { major: 1, minor: 37 },
    pods: before.pods.filter((p) => p.metadata.namespace !== "kube-system"),
    services: before.services.filter((s) => s.metadata.namespace !== "kube-system"),
  };
  const livePlan = planFixes(live, tenancyOf(live), runAudit(live, tenancyOf(live)));
  const fixed = applyFixPlan(live, livePlan);
  const findings = runAudit(fixed, tenancyOf(fixed)).findings;

  it("write no allow-DNS policy, which would allow nothing", () => {
    const policies = livePlan.fixes.flatMap((f) => f.apply).filter((m) => m.kind === "NetworkPolicy");
    expect(policies.map((m) => m.metadata.name)).not.toContain("allow-dns");
    expect(policies.length).toBeGreaterThan(0);
  });

  it("leave no finding about a policy the fix wrote: none shadowed, none selecting nothing", () => {
    const written = new Set(
      livePlan.fixes
        .flatMap((f) => f.apply)
        .filter((m) => m.kind === "NetworkPolicy")
        .map((m) => `${m.metadata.namespace}/${m.metadata.name}`),
    );
    const about = findings.filter(
      (f) =>
        f.resource?.kind === "NetworkPolicy" && written.has(`${f.resource.namespace}/${f.resource.name}`),
    );
    expect(about).toEqual([]);
    expect(findings.filter((f) => f.id === "network.dns-egress-blocked")).toEqual([]);
  });
});

describe("fixes for the demo re-audited", () => {
  it("leave no finding about a policy the fix wrote (a deny-all beside allow-within-tenant would be shadowed)", () => {
    const written = new Set(
      plan.fixes
        .flatMap((f) => f.apply)
        .filter((m) => m.kind === "NetworkPolicy")
        .map((m) => `${m.metadata.namespace}/${m.metadata.name}`),
    );
    expect(written.size).toBe(6);
    const about = reaudit.findings.filter(
      (f) =>
        f.resource?.kind === "NetworkPolicy" && written.has(`${f.resource.namespace}/${f.resource.name}`),
    );
    expect(about).toEqual([]);
  });
});
