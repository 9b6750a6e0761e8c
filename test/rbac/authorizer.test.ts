import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nonResourceAttributes, resourceAttributes, serviceAccountUser } from "../../src/rbac/attributes.js";
import { authorizerFor, buildAuthorizer } from "../../src/rbac/authorizer.js";
import { buildPolicy } from "../../src/rbac/policy.js";
import { plainResolver } from "../../src/rbac/resolver.js";
import { whoCan } from "../../src/rbac/who-can.js";
import { policyArb, requestArb } from "./arbitrary.js";
import {
  clusterRole,
  clusterRoleBinding,
  group,
  rbacSnapshot,
  role,
  roleBinding,
  sa,
  user,
} from "./fixtures.js";

const alice = { name: "alice", groups: ["system:authenticated"] };
const bob = { name: "bob", groups: ["system:authenticated"] };
const podRead = { verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] };
const everything = { verbs: ["*"], apiGroups: ["*"], resources: ["*"] };

describe("buildAuthorizer", () => {
  const snapshot = rbacSnapshot({
    roles: [role("ns1", "reader", [podRead])],
    clusterRoles: [
      clusterRole("all", [everything]),
      clusterRole("pod-reader", [podRead]),
      clusterRole("urls", [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }]),
      clusterRole("node-reader", [{ verbs: ["get"], apiGroups: [""], resources: ["nodes"] }]),
    ],
    roleBindings: [
      roleBinding("ns1", "alice-reads", { kind: "Role", name: "reader" }, [user("alice")]),
      roleBinding("ns1", "alice-all", { kind: "ClusterRole", name: "all" }, [user("alice")]),
      roleBinding("ns1", "alice-urls", { kind: "ClusterRole", name: "urls" }, [user("alice")]),
      roleBinding("ns1", "alice-nodes", { kind: "ClusterRole", name: "node-reader" }, [user("alice")]),
      roleBinding("ns1", "robot", { kind: "Role", name: "reader" }, [sa("robot")]),
      roleBinding("ns2", "ghost", { kind: "Role", name: "nope" }, [user("alice")]),
    ],
    clusterRoleBindings: [
      clusterRoleBinding("bob-reads", "pod-reader", [user("bob")]),
      clusterRoleBinding("dangling", "missing", [user("carol")]),
    ],
  });
  const authorizer = buildAuthorizer(snapshot);
  const allows = (attrs: Parameters<typeof authorizer.authorize>[0]) => authorizer.authorize(attrs).allowed;

  it("a RoleBinding grants only inside its namespace", () => {
    expect(allows(resourceAttributes(alice, { verb: "list", resource: "pods", namespace: "ns1" }))).toBe(
      true,
    );
    expect(allows(resourceAttributes(alice, { verb: "list", resource: "pods", namespace: "ns2" }))).toBe(
      false,
    );
    expect(allows(resourceAttributes(alice, { verb: "list", resource: "pods" }))).toBe(false);
  });

  it("a RoleBinding to a ClusterRole grants its rules only in the binding's namespace", () => {
    expect(
      allows(
        resourceAttributes(alice, {
          verb: "delete",
          apiGroup: "apps",
          resource: "deployments",
          namespace: "ns1",
        }),
      ),
    ).toBe(true);
    expect(
      allows(
        resourceAttributes(alice, {
          verb: "delete",
          apiGroup: "apps",
          resource: "deployments",
          namespace: "kube-system",
        }),
      ),
    ).toBe(false);
  });

  it("cluster-scoped resources and non-resource URLs bound by a RoleBinding are inert", () => {
    expect(allows(resourceAttributes(alice, { verb: "get", resource: "nodes" }))).toBe(false);
    expect(allows(nonResourceAttributes(alice, "get", "/healthz"))).toBe(false);
  });

  it("a ClusterRoleBinding grants everywhere, kube-system included, and at cluster scope", () => {
    for (const namespace of ["ns1", "kube-system", ""])
      expect(allows(resourceAttributes(bob, { verb: "get", resource: "pods", namespace }))).toBe(true);
  });

  it("a namespace-less ServiceAccount subject in a RoleBinding is the binding namespace's account", () => {
    expect(
      allows(
        resourceAttributes(serviceAccountUser("ns1", "robot"), {
          verb: "get",
          resource: "pods",
          namespace: "ns1",
        }),
      ),
    ).toBe(true);
    expect(
      allows(
        resourceAttributes(serviceAccountUser("ns2", "robot"), {
          verb: "get",
          resource: "pods",
          namespace: "ns1",
        }),
      ),
    ).toBe(false);
  });

  it("system:masters may do anything, before RBAC, with no reason", () => {
    const decision = authorizer.authorize(
      resourceAttributes(
        { name: "x", groups: ["system:masters"] },
        { verb: "escalate", resource: "anything" },
      ),
    );
    expect(decision).toMatchObject({ allowed: true, reason: "", superuser: true });
  });

  it("gives the upstream reason for an allow: the binding, role and subject", () => {
    const decision = authorizer.authorize(
      resourceAttributes(bob, { verb: "get", resource: "pods", namespace: "x" }),
    );
    expect(decision.reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "bob-reads" of ClusterRole "pod-reader" to User "bob"',
    );
    const rb = authorizer.authorize(
      resourceAttributes(serviceAccountUser("ns1", "robot"), {
        verb: "get",
        resource: "pods",
        namespace: "ns1",
      }),
    );
    expect(rb.reason).toBe(
      'RBAC: allowed by RoleBinding "robot/ns1" of Role "reader" to ServiceAccount "robot/ns1"',
    );
  });

  it("a binding to a missing role grants nothing and is named in the denial reason", () => {
    const carol = { name: "carol", groups: [] };
    const decision = authorizer.authorize(
      resourceAttributes(carol, { verb: "get", resource: "pods", namespace: "ns1" }),
    );
    expect(decision).toMatchObject({
      allowed: false,
      reason: 'rbac: RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found',
    });
    const ghost = authorizer.authorize(
      resourceAttributes(alice, { verb: "get", resource: "secrets", namespace: "ns2" }),
    );
    expect(ghost.reason).toBe('rbac: RBAC: role.rbac.authorization.k8s.io "nope" not found');
  });

  it("v1.20's union authorizer did not prefix the denial reason with the authorizer's name", () => {
    const v120 = buildAuthorizer(snapshot, { kubeVersion: { major: 1, minor: 20 } });
    const carol = { name: "carol", groups: [] };
    expect(
      v120.authorize(resourceAttributes(carol, { verb: "get", resource: "pods", namespace: "ns1" })).reason,
    ).toBe('RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found');
  });

  it("a plain denial has no reason", () => {
    expect(
      authorizer.authorize(resourceAttributes(bob, { verb: "delete", resource: "pods", namespace: "x" }))
        .reason,
    ).toBe("");
  });

  it("rulesFor lists cluster rules, plus RoleBinding rules of the namespace", () => {
    expect(authorizer.rulesFor(bob, "").rules.map((g) => g.rule)).toEqual([podRead]);
    expect(authorizer.rulesFor(alice, "ns1").rules.length).toBe(4);
    expect(authorizer.rulesFor(alice, "ns2").errors).toEqual([
      'role.rbac.authorization.k8s.io "nope" not found',
    ]);
  });

  it("an unsupported roleRef kind is an error, as upstream words it", () => {
    const odd = buildAuthorizer(
      rbacSnapshot({ roleBindings: [roleBinding("ns1", "odd", { kind: "Thing", name: "x" }, [group("g")])] }),
    );
    expect(
      odd.authorize(
        resourceAttributes({ name: "", groups: ["g"] }, { verb: "get", resource: "pods", namespace: "ns1" }),
      ).reason,
    ).toBe('rbac: RBAC: unsupported role reference kind: "Thing"');
  });
});

describe("the indexed resolver", () => {
  it("decides exactly as the plain resolver, reason included (property)", () => {
    fc.assert(
      fc.property(policyArb, fc.array(requestArb, { minLength: 1, maxLength: 30 }), (policy, requests) => {
        const snapshot = rbacSnapshot(policy);
        const indexed = buildAuthorizer(snapshot);
        const plainPolicy = buildPolicy(snapshot);
        const plain = authorizerFor(plainPolicy, plainResolver(plainPolicy));
        for (const request of requests) {
          expect(indexed.authorize(request)).toEqual(plain.authorize(request));
          expect(indexed.rulesFor(request.user, request.namespace)).toEqual(
            plain.rulesFor(request.user, request.namespace),
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("whoCan", () => {
  it("lists exactly the subjects that make a request allowed (property)", () => {
    fc.assert(
      fc.property(policyArb, fc.array(requestArb, { minLength: 1, maxLength: 20 }), (policy, requests) => {
        const authorizer = buildAuthorizer(rbacSnapshot(policy));
        for (const request of requests) {
          const { user: _, ...attributes } = request;
          const subjects = whoCan(authorizer, attributes).subjects;
          const named = subjects.some(
            (s) =>
              (s.kind === "User" && s.name === request.user.name) ||
              (s.kind === "Group" && request.user.groups.includes(s.name)) ||
              (s.kind === "ServiceAccount" &&
                `system:serviceaccount:${s.namespace}:${s.name}` === request.user.name),
          );
          expect(named).toBe(authorizer.authorize(request).allowed);
        }
      }),
      { numRuns: 300 },
    );
  });
});
