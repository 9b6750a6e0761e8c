/**
 * Risky permissions, one small entry each: the requests that prove the permission, the severity when a
 * ClusterRoleBinding (everywhere) or a RoleBinding (one namespace) grants it, and what to do. Each is
 * checked with the exact matcher (`ruleAllows`), never by string membership — `pods/*` grants no exec.
 */

import type { Severity } from "../../model/finding.js";
import { POD_CONTROLLER_RESOURCES } from "../../model/workloads.js";

export interface RiskRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** "own": the binding's namespace (for namespaces); "some": any name, incl. names a rule lists; "": none. */
  name?: "" | "some" | "own";
}

export interface Risk {
  id: string;
  /** Namespaced requests count in RoleBindings too; cluster-scoped ones only in ClusterRoleBindings. */
  namespaced: boolean;
  /** Any one of these allowed is the risk. */
  anyOf: RiskRequest[];
  /** Additionally required (all): e.g. CSR approval needs both update approval and approve signers. */
  allOf?: RiskRequest[];
  severity: { cluster: Severity; namespace?: Severity };
  what: string;
  remediation: string;
}

const core = (
  verb: string,
  resource: string,
  subresource?: string,
  name: RiskRequest["name"] = "some",
): RiskRequest => ({
  verb,
  group: "",
  resource,
  ...(subresource ? { subresource } : {}),
  name,
});
const rbac = (verb: string, resource: string): RiskRequest => ({
  verb,
  group: "rbac.authorization.k8s.io",
  resource,
  name: "some",
});

const WORKLOADS = POD_CONTROLLER_RESOURCES;

export const RISKS: readonly Risk[] = [
  {
    id: "rbac.cluster-admin",
    namespaced: true,
    anyOf: [{ verb: "*", group: "*", resource: "*", name: "" }],
    severity: { cluster: "critical", namespace: "high" },
    what: "every verb on every resource (cluster-admin equivalent)",
    remediation:
      "Bind a role with only the verbs and resources this subject needs; keep cluster-admin to break-glass identities.",
  },
  {
    id: "rbac.impersonate",
    namespaced: false,
    anyOf: [
      core("impersonate", "users"),
      core("impersonate", "groups"),
      core("impersonate", "serviceaccounts"),
      { verb: "impersonate", group: "authentication.k8s.io", resource: "userextras", name: "some" },
    ],
    severity: { cluster: "critical" },
    what: "impersonate users, groups or service accounts (impersonating group system:masters bypasses RBAC)",
    remediation:
      "Remove the impersonate verb, or restrict it with resourceNames to the exact identities needed.",
  },
  {
    id: "rbac.escalate-or-bind",
    namespaced: true,
    anyOf: [
      rbac("escalate", "roles"),
      rbac("escalate", "clusterroles"),
      rbac("bind", "roles"),
      rbac("bind", "clusterroles"),
    ],
    severity: { cluster: "critical", namespace: "high" },
    what: "escalate or bind roles: grant permissions it does not hold (the API server's escalation check is waived)",
    remediation:
      "Remove the escalate and bind verbs; creating RoleBindings is safe without them (one can only grant what one holds).",
  },
  {
    id: "rbac.clusterrole-labels",
    namespaced: false,
    anyOf: [rbac("update", "clusterroles"), rbac("patch", "clusterroles"), rbac("create", "clusterroles")],
    severity: { cluster: "medium" },
    what: "create or update ClusterRoles: a rbac.authorization.k8s.io/aggregate-to-admin (-edit, -view) label spreads the role's rules — any it holds, as the escalation check requires — to everyone bound to admin/edit/view in any namespace",
    remediation:
      "Keep create/update/patch on clusterroles to cluster administrators, or restrict update with resourceNames to roles without aggregation labels.",
  },
  {
    id: "rbac.nodes-proxy",
    namespaced: false,
    anyOf: [core("create", "nodes", "proxy"), core("get", "nodes", "proxy")],
    severity: { cluster: "critical" },
    what: "nodes/proxy: the kubelet API, i.e. exec into every pod on every node",
    remediation: "Remove nodes/proxy; monitoring agents need only nodes/metrics and nodes/stats.",
  },
  {
    id: "rbac.admission-webhooks",
    namespaced: false,
    anyOf: [
      "mutatingwebhookconfigurations",
      "validatingwebhookconfigurations",
      "validatingadmissionpolicies",
      "validatingadmissionpolicybindings",
    ].flatMap((resource) =>
      ["create", "update", "patch"].map((verb) => ({
        verb,
        group: "admissionregistration.k8s.io",
        resource,
        name: "some" as const,
      })),
    ),
    severity: { cluster: "critical" },
    what: "write admission webhook or policy configuration: see or change every object admitted, or disable guard-rails",
    remediation: "Keep admission configuration writable by cluster administrators only.",
  },
  {
    id: "rbac.csr-approval",
    namespaced: false,
    anyOf: [
      {
        verb: "update",
        group: "certificates.k8s.io",
        resource: "certificatesigningrequests",
        subresource: "approval",
        name: "some",
      },
    ],
    allOf: [{ verb: "approve", group: "certificates.k8s.io", resource: "signers", name: "some" }],
    severity: { cluster: "high" },
    what: "approve certificate signing requests: mint client certificates for other users and groups",
    remediation:
      "Restrict approve on signers to the one signerName needed, and only for the CSR controller's identity.",
  },
  {
    id: "rbac.read-secrets",
    namespaced: true,
    anyOf: [
      core("list", "secrets", undefined, ""),
      core("watch", "secrets", undefined, ""),
      core("get", "secrets"),
    ],
    severity: { cluster: "critical", namespace: "medium" },
    what: "read secrets (list/watch return their contents; service account tokens among them)",
    remediation:
      "Grant get on secrets only with resourceNames for the specific secrets needed; avoid list and watch.",
  },
  {
    id: "rbac.pod-exec",
    namespaced: true,
    anyOf: [
      core("create", "pods", "exec"),
      core("get", "pods", "exec"),
      core("create", "pods", "attach"),
      core("get", "pods", "attach"),
      core("create", "pods", "portforward"),
      core("get", "pods", "portforward"),
    ],
    severity: { cluster: "critical", namespace: "medium" },
    what: "exec, attach or port-forward into pods: run code as their service accounts",
    remediation:
      "Remove pods/exec, pods/attach and pods/portforward, or bind them only in namespaces where this subject owns every pod.",
  },
  {
    id: "rbac.create-workloads",
    namespaced: true,
    anyOf: [
      core("create", "pods", undefined, ""),
      ...WORKLOADS.flatMap(([group, resource]) => [
        { verb: "create", group, resource, name: "" as const },
        { verb: "update", group, resource, name: "some" as const },
        { verb: "patch", group, resource, name: "some" as const },
      ]),
    ],
    severity: { cluster: "high", namespace: "low" },
    what: "create pods or pod controllers: run as any service account of the namespace and mount its secrets",
    remediation:
      "Pair workload creation with Pod Security 'restricted' and dedicated namespaces; do not grant it cluster-wide.",
  },
  {
    id: "rbac.serviceaccount-token",
    namespaced: true,
    anyOf: [core("create", "serviceaccounts", "token")],
    severity: { cluster: "critical", namespace: "medium" },
    what: "create service account tokens: authenticate as any service account",
    remediation: "Remove create on serviceaccounts/token, or restrict it with resourceNames.",
  },
  {
    id: "rbac.patch-namespace",
    namespaced: true,
    anyOf: [core("patch", "namespaces", undefined, "own"), core("update", "namespaces", undefined, "own")],
    severity: { cluster: "high", namespace: "high" },
    what: "patch or update its Namespace object: relabel pod-security.kubernetes.io/enforce and lift Pod Security",
    remediation:
      "Remove patch/update on namespaces; a RoleBinding in a namespace grants them on that Namespace object itself.",
  },
];
