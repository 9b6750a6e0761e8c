import { describe, expect, it } from "vitest";
import { decide } from "../../../src/webhook/decide.js";
import { fixtureContext, request } from "../helpers.js";

const rbac = "rbac.authorization.k8s.io/v1";
const binding = (
  namespace: string,
  subjects: unknown[],
  roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "pod-reader" },
) => ({
  apiVersion: rbac,
  kind: "RoleBinding",
  metadata: { name: "grant", namespace },
  roleRef,
  subjects,
});

describe("rbac-cluster-bindings guardrail", () => {
  it("denies a tenant's ClusterRoleBinding and says to use a RoleBinding", () => {
    const crb = {
      apiVersion: rbac,
      kind: "ClusterRoleBinding",
      metadata: { name: "mine" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "User", name: "alice" }],
    };
    const decision = decide(request({ object: crb }), fixtureContext());
    expect(decision.status?.message).toContain(
      '[kubefence:rbac-cluster-bindings] ClusterRoleBinding "mine" would grant its role in every namespace',
    );
    expect(decision.status?.message).toContain(
      "to comply: bind the role with a RoleBinding in your own namespace",
    );
  });

  it("lets a platform administrator create one", () => {
    const crb = {
      apiVersion: rbac,
      kind: "ClusterRoleBinding",
      metadata: { name: "mine" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "User", name: "alice" }],
    };
    expect(decide(request({ object: crb, user: "ops-admin" }), fixtureContext()).allowed).toBe(true);
  });
});

describe("rbac-aggregation guardrail", () => {
  it("denies aggregate-to-* labels on a ClusterRole", () => {
    const role = {
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: { name: "sneaky", labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } },
      rules: [],
    };
    expect(decide(request({ object: role }), fixtureContext()).status?.message).toContain(
      'carries aggregation label "rbac.authorization.k8s.io/aggregate-to-edit"',
    );
  });

  it("allows a ClusterRole without them", () => {
    const role = {
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: { name: "plain", labels: { team: "a" } },
      rules: [],
    };
    expect(decide(request({ object: role }), fixtureContext()).allowed).toBe(true);
  });
});

describe("rbac-cross-tenant guardrail (RBAC engine on the after-state)", () => {
  it("allows a RoleBinding to identities of the namespace's own tenant", () => {
    const own = binding("team-a", [
      { kind: "User", name: "alice" },
      { kind: "ServiceAccount", name: "ci", namespace: "team-a-dev" },
    ]);
    expect(decide(request({ object: own }), fixtureContext()).allowed).toBe(true);
  });

  it("denies a RoleBinding that gives another tenant's service account access, naming the grant", () => {
    const foreign = binding("team-a", [{ kind: "ServiceAccount", name: "builder", namespace: "team-b" }]);
    const message = decide(request({ object: foreign }), fixtureContext()).status?.message ?? "";
    expect(message).toContain(
      '[kubefence:rbac-cross-tenant] RoleBinding "grant" would give identities of one tenant access into another tenant or the platform',
    );
    expect(message).toContain(
      'ServiceAccount:team-b/builder of tenant "team-b" would gain verbs=[get list watch] apiGroups=[""] resources=[pods]',
    );
    expect(message).toContain(
      'in namespace "team-a" (tenant "team-a") via RoleBinding "grant/team-a" of ClusterRole "pod-reader"',
    );
  });

  it("denies a RoleBinding to another tenant's owner (by the tenants file) and to its service-account group", () => {
    expect(
      decide(request({ object: binding("team-a", [{ kind: "User", name: "bob" }]) }), fixtureContext())
        .allowed,
    ).toBe(false);
    expect(
      decide(
        request({ object: binding("team-a", [{ kind: "Group", name: "system:serviceaccounts:team-c" }]) }),
        fixtureContext(),
      ).allowed,
    ).toBe(false);
  });

  it("denies bindings to groups holding every tenant's identities", () => {
    const message = decide(
      request({ object: binding("team-a", [{ kind: "Group", name: "system:authenticated" }]) }),
      fixtureContext(),
    ).status?.message;
    expect(message).toContain(
      'binds Group "system:authenticated", which includes the identities of every tenant',
    );
  });

  it("allows subjects that belong to no tenant (they are RBAC's business, not isolation's)", () => {
    expect(
      decide(request({ object: binding("team-a", [{ kind: "User", name: "stranger" }]) }), fixtureContext())
        .allowed,
    ).toBe(true);
  });

  it("denies widening a ClusterRole that a ClusterRoleBinding gives to a tenant's identities", () => {
    // ops-readers binds pod-reader to Group ops; make ops a team-a owner group via a tenant service account subject instead:
    const context = fixtureContext();
    context.snapshot.clusterRoleBindings[0]!.subjects!.push({
      kind: "ServiceAccount",
      name: "ci",
      namespace: "team-a",
    });
    const widened = {
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: { name: "pod-reader" },
      rules: [{ apiGroups: [""], resources: ["pods", "secrets"], verbs: ["get", "list", "watch"] }],
    };
    const old = {
      ...widened,
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
    };
    const decision = decide(request({ operation: "UPDATE", object: widened, oldObject: old }), context);
    expect(decision.status?.message).toContain('ServiceAccount:team-a/ci of tenant "team-a" would gain');
    expect(decision.status?.message).toContain("at cluster scope (every namespace)");
  });
});
