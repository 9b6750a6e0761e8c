import { describe, expect, it } from "vitest";
import type { PolicyRule } from "../../src/model/objects.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { rbacFindings } from "../../src/rbac/findings/index.js";
import { loadDemo } from "../../src/sources/demo.js";
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

const ids = (snapshot: Snapshot) =>
  rbacFindings(withBuiltinRbac(snapshot)).map((f) => `${f.id} ${f.severity} ${f.subject}`);

function clusterWide(rules: PolicyRule[]): string[] {
  return ids(
    rbacSnapshot({
      clusterRoles: [clusterRole("r", rules)],
      clusterRoleBindings: [clusterRoleBinding("b", "r", [user("eve")])],
    }),
  );
}

function inNamespace(rules: PolicyRule[]): string[] {
  return ids(
    rbacSnapshot({
      roles: [role("t1", "r", rules)],
      roleBindings: [roleBinding("t1", "b", { kind: "Role", name: "r" }, [user("eve")])],
    }),
  );
}

describe("rbacFindings", () => {
  it("on the demo cluster reports bob's cluster-wide pod read and nothing for alice", () => {
    const findings = rbacFindings(withBuiltinRbac(loadDemo().snapshot));
    expect(findings.map((f) => [f.id, f.subject])).toEqual([
      ["rbac.cluster-wide-namespaced-access", "User:bob"],
    ]);
    expect(findings[0]!.message).toContain("kube-system");
    expect(findings[0]!.evidence).toEqual([
      "ClusterRoleBinding pod-reader-binding (examples/demo/10-rbac.yaml:36:1)",
      "ClusterRole pod-reader (examples/demo/10-rbac.yaml:27:1)",
      'rule: verbs=[get list watch] apiGroups=[""] resources=[pods]',
    ]);
    expect(findings[0]!.plane).toBe("api");
  });

  it("does not report the built-in bootstrap bindings", () => {
    expect(ids(rbacSnapshot({}))).toEqual([]);
  });

  it.each([
    [
      [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
      "rbac.cluster-admin critical User:eve",
      "cluster-admin equivalent",
    ],
    [
      [{ verbs: ["impersonate"], apiGroups: [""], resources: ["groups"] }],
      "rbac.impersonate critical User:eve",
      "impersonation",
    ],
    [
      [{ verbs: ["bind"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"] }],
      "rbac.escalate-or-bind critical User:eve",
      "bind",
    ],
    [
      [{ verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"] }],
      "rbac.nodes-proxy critical User:eve",
      "kubelet API",
    ],
    [
      [
        {
          verbs: ["patch"],
          apiGroups: ["admissionregistration.k8s.io"],
          resources: ["mutatingwebhookconfigurations"],
        },
      ],
      "rbac.admission-webhooks critical User:eve",
      "webhooks",
    ],
    [
      [{ verbs: ["list"], apiGroups: [""], resources: ["secrets"] }],
      "rbac.read-secrets critical User:eve",
      "secrets everywhere",
    ],
    [
      [{ verbs: ["patch"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"] }],
      "rbac.clusterrole-labels medium User:eve",
      "relabel a ClusterRole into admin",
    ],
    [
      [{ verbs: ["create"], apiGroups: [""], resources: ["serviceaccounts/token"] }],
      "rbac.serviceaccount-token critical User:eve",
      "tokens",
    ],
    [
      [{ verbs: ["create"], apiGroups: ["*"], resources: ["*/exec"] }],
      "rbac.pod-exec critical User:eve",
      "*/exec covers pods/exec",
    ],
  ])("flags %j cluster-wide as %s (%s)", (rules, expected) => {
    expect(clusterWide(rules)).toContain(expected);
  });

  it("CSR approval needs both approval updates and approve on signers", () => {
    const approval = {
      verbs: ["update"],
      apiGroups: ["certificates.k8s.io"],
      resources: ["certificatesigningrequests/approval"],
    };
    expect(clusterWide([approval]).some((f) => f.startsWith("rbac.csr-approval"))).toBe(false);
    expect(
      clusterWide([
        approval,
        {
          verbs: ["approve"],
          apiGroups: ["certificates.k8s.io"],
          resources: ["signers"],
          resourceNames: ["kubernetes.io/legacy-unknown"],
        },
      ]),
    ).toContain("rbac.csr-approval high User:eve");
  });

  it.each([
    [[{ verbs: ["get"], apiGroups: [""], resources: ["pods/*"] }], "pods/* is not a wildcard: no exec"],
    [
      [{ verbs: ["create"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"] }],
      "create rolebindings alone cannot escalate",
    ],
    [
      [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods", "configmaps"] }],
      "reading pods in one's own namespace",
    ],
    [
      [{ verbs: ["create"], apiGroups: [""], resources: ["pods"], resourceNames: ["web"] }],
      "create restricted by resourceNames never allows a create",
    ],
  ] as [PolicyRule[], string][])("does not flag %j in a namespace (%s)", (rules) => {
    expect(inNamespace(rules)).toEqual([]);
  });

  it("flags tenant-scope risks with namespace severities", () => {
    expect(inNamespace([{ verbs: ["get"], apiGroups: [""], resources: ["secrets"] }])).toEqual([
      "rbac.read-secrets medium User:eve",
    ]);
    expect(inNamespace([{ verbs: ["create"], apiGroups: ["apps"], resources: ["deployments"] }])).toEqual([
      "rbac.create-workloads low User:eve",
    ]);
  });

  it("a RoleBinding granting patch on namespaces lets the tenant relabel its own Namespace", () => {
    expect(
      inNamespace([{ verbs: ["patch"], apiGroups: [""], resources: ["namespaces"], resourceNames: ["t1"] }]),
    ).toEqual(["rbac.patch-namespace high User:eve"]);
  });

  it("one ClusterRole bound in two namespaces: a risk that names the namespace is judged in each", () => {
    const snapshot = rbacSnapshot({
      clusterRoles: [
        clusterRole("relabel-t1", [
          { verbs: ["patch"], apiGroups: [""], resources: ["namespaces"], resourceNames: ["t1"] },
          { verbs: ["get"], apiGroups: [""], resources: ["secrets"] },
        ]),
      ],
      roleBindings: [
        roleBinding("t1", "b", { kind: "ClusterRole", name: "relabel-t1" }, [user("eve")]),
        roleBinding("t2", "b", { kind: "ClusterRole", name: "relabel-t1" }, [user("mallory")]),
      ],
    });
    expect(ids(snapshot)).toEqual([
      "rbac.read-secrets medium User:eve",
      "rbac.patch-namespace high User:eve",
      "rbac.read-secrets medium User:mallory",
    ]);
  });

  it("cluster-scoped risks bound by a RoleBinding are inert and not reported", () => {
    const snapshot = rbacSnapshot({
      clusterRoles: [clusterRole("proxy", [{ verbs: ["get"], apiGroups: [""], resources: ["nodes/proxy"] }])],
      roleBindings: [roleBinding("t1", "b", { kind: "ClusterRole", name: "proxy" }, [user("eve")])],
    });
    expect(ids(snapshot)).toEqual([]);
  });

  it("reports bindings to missing roles, missing service accounts and broad groups", () => {
    const snapshot: Snapshot = {
      ...rbacSnapshot({
        clusterRoles: [
          clusterRole("reader", [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"] }]),
        ],
        roleBindings: [
          roleBinding("t1", "ghost", { kind: "Role", name: "nope" }, [user("eve")]),
          roleBinding("t1", "robot", { kind: "ClusterRole", name: "reader" }, [sa("robot")]),
          roleBinding("t1", "all", { kind: "ClusterRole", name: "reader" }, [group("system:authenticated")]),
        ],
      }),
      serviceAccounts: [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "other", namespace: "t1" } },
      ],
    };
    expect(ids(snapshot)).toEqual([
      "rbac.missing-role medium User:eve",
      "rbac.missing-service-account low ServiceAccount:t1/robot",
      "rbac.broad-group high Group:system:authenticated",
    ]);
  });
});
