/**
 * The kinds kubefence reads: their API group and versions, REST plural, scope, and where they live in a
 * Snapshot. One table, used by the manifest and live sources alike.
 */
import type { Kind, KubeObject } from "./objects.js";
import type { Snapshot } from "./snapshot.js";

export interface KindInfo {
  kind: Kind;
  group: string;
  /** The served, stable version; documents are read as this version. */
  version: string;
  /** Older versions read as `version` with a warning (they share the fields kubefence uses). */
  deprecatedVersions: string[];
  /** A custom resource: a cluster that does not serve it simply has none (nothing said when not served). */
  customResource?: boolean;
  /** Other served versions with the same fields, read as `version` without a warning. */
  equivalentVersions?: string[];
  plural: string;
  namespaced: boolean;
  field: keyof Omit<
    Snapshot,
    "unknownKinds" | "missingKinds" | "serverVersion" | "podSecurityAdmission" | "unmodelledPolicies"
  >;
  /**
   * Read only to credit enforcement (admission webhooks and policies): not reading it can only make the report
   * stricter, never call a breach isolated, so `--fail-on` does not count it as unread input.
   */
  creditsOnly?: true;
  /**
   * A custom resource of a multi-tenancy platform: a cluster without the platform does not serve it, which
   * is no news (listing it quietly reads none), and its other versions are served by the CRD, not deprecated.
   */
  platform?: "capsule" | "hnc";
}

const table: KindInfo[] = [
  {
    kind: "Namespace",
    group: "",
    version: "v1",
    deprecatedVersions: [],
    plural: "namespaces",
    namespaced: false,
    field: "namespaces",
  },
  {
    kind: "Node",
    group: "",
    version: "v1",
    deprecatedVersions: [],
    plural: "nodes",
    namespaced: false,
    field: "nodes",
  },
  {
    kind: "Pod",
    group: "",
    version: "v1",
    deprecatedVersions: [],
    plural: "pods",
    namespaced: true,
    field: "pods",
  },
  {
    kind: "ServiceAccount",
    group: "",
    version: "v1",
    deprecatedVersions: [],
    plural: "serviceaccounts",
    namespaced: true,
    field: "serviceAccounts",
  },
  {
    kind: "Service",
    group: "",
    version: "v1",
    deprecatedVersions: [],
    plural: "services",
    namespaced: true,
    field: "services",
  },
  {
    kind: "ReplicationController",
    group: "",
    version: "v1",
    deprecatedVersions: [],
    plural: "replicationcontrollers",
    namespaced: true,
    field: "workloads",
  },
  {
    kind: "PodTemplate",
    group: "",
    version: "v1",
    deprecatedVersions: [],
    plural: "podtemplates",
    namespaced: true,
    field: "workloads",
  },
  {
    kind: "Deployment",
    group: "apps",
    version: "v1",
    deprecatedVersions: ["apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"],
    plural: "deployments",
    namespaced: true,
    field: "workloads",
  },
  {
    kind: "ReplicaSet",
    group: "apps",
    version: "v1",
    deprecatedVersions: ["apps/v1beta2", "extensions/v1beta1"],
    plural: "replicasets",
    namespaced: true,
    field: "workloads",
  },
  {
    kind: "StatefulSet",
    group: "apps",
    version: "v1",
    deprecatedVersions: ["apps/v1beta1", "apps/v1beta2"],
    plural: "statefulsets",
    namespaced: true,
    field: "workloads",
  },
  {
    kind: "DaemonSet",
    group: "apps",
    version: "v1",
    deprecatedVersions: ["apps/v1beta2", "extensions/v1beta1"],
    plural: "daemonsets",
    namespaced: true,
    field: "workloads",
  },
  {
    kind: "Job",
    group: "batch",
    version: "v1",
    deprecatedVersions: [],
    plural: "jobs",
    namespaced: true,
    field: "workloads",
  },
  {
    kind: "CronJob",
    group: "batch",
    version: "v1",
    deprecatedVersions: ["batch/v1beta1"],
    plural: "cronjobs",
    namespaced: true,
    field: "workloads",
  },
  {
    kind: "NetworkPolicy",
    group: "networking.k8s.io",
    version: "v1",
    deprecatedVersions: ["extensions/v1beta1"],
    plural: "networkpolicies",
    namespaced: true,
    field: "networkPolicies",
  },
  {
    kind: "AdminNetworkPolicy",
    group: "policy.networking.k8s.io",
    version: "v1alpha1",
    deprecatedVersions: [],
    plural: "adminnetworkpolicies",
    namespaced: false,
    customResource: true,
    field: "clusterNetworkPolicies",
  },
  {
    kind: "BaselineAdminNetworkPolicy",
    group: "policy.networking.k8s.io",
    version: "v1alpha1",
    deprecatedVersions: [],
    plural: "baselineadminnetworkpolicies",
    namespaced: false,
    customResource: true,
    field: "clusterNetworkPolicies",
  },
  {
    kind: "ClusterNetworkPolicy",
    group: "policy.networking.k8s.io",
    version: "v1alpha2",
    deprecatedVersions: [],
    // network-policy-api v0.3.0 serves v1alpha2 and v1beta1 (its storage version) with identical types.
    equivalentVersions: ["policy.networking.k8s.io/v1beta1"],
    plural: "clusternetworkpolicies",
    namespaced: false,
    customResource: true,
    field: "clusterNetworkPolicies",
  },
  {
    kind: "Role",
    group: "rbac.authorization.k8s.io",
    version: "v1",
    deprecatedVersions: ["rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1"],
    plural: "roles",
    namespaced: true,
    field: "roles",
  },
  {
    kind: "ClusterRole",
    group: "rbac.authorization.k8s.io",
    version: "v1",
    deprecatedVersions: ["rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1"],
    plural: "clusterroles",
    namespaced: false,
    field: "clusterRoles",
  },
  {
    kind: "RoleBinding",
    group: "rbac.authorization.k8s.io",
    version: "v1",
    deprecatedVersions: ["rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1"],
    plural: "rolebindings",
    namespaced: true,
    field: "roleBindings",
  },
  {
    kind: "ClusterRoleBinding",
    group: "rbac.authorization.k8s.io",
    version: "v1",
    deprecatedVersions: ["rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1"],
    plural: "clusterrolebindings",
    namespaced: false,
    field: "clusterRoleBindings",
  },
  {
    kind: "ValidatingWebhookConfiguration",
    creditsOnly: true,
    group: "admissionregistration.k8s.io",
    version: "v1",
    deprecatedVersions: [],
    plural: "validatingwebhookconfigurations",
    namespaced: false,
    field: "admission",
  },
  {
    kind: "ValidatingAdmissionPolicy",
    creditsOnly: true,
    group: "admissionregistration.k8s.io",
    version: "v1",
    deprecatedVersions: ["admissionregistration.k8s.io/v1beta1"],
    plural: "validatingadmissionpolicies",
    namespaced: false,
    field: "admission",
  },
  {
    kind: "ValidatingAdmissionPolicyBinding",
    creditsOnly: true,
    group: "admissionregistration.k8s.io",
    version: "v1",
    deprecatedVersions: ["admissionregistration.k8s.io/v1beta1"],
    plural: "validatingadmissionpolicybindings",
    namespaced: false,
    field: "admission",
  },
  {
    kind: "Tenant",
    group: "capsule.clastix.io",
    version: "v1beta2",
    deprecatedVersions: ["capsule.clastix.io/v1beta1"],
    plural: "tenants",
    namespaced: false,
    field: "platformObjects",
    platform: "capsule",
  },
  {
    kind: "HierarchyConfiguration",
    group: "hnc.x-k8s.io",
    version: "v1alpha2",
    deprecatedVersions: [],
    plural: "hierarchyconfigurations",
    namespaced: true,
    field: "platformObjects",
    platform: "hnc",
  },
  {
    kind: "SubnamespaceAnchor",
    group: "hnc.x-k8s.io",
    version: "v1alpha2",
    deprecatedVersions: [],
    plural: "subnamespaceanchors",
    namespaced: true,
    field: "platformObjects",
    platform: "hnc",
  },
];

export const KINDS: readonly KindInfo[] = table;

const byKind = new Map<string, KindInfo>(table.map((k) => [k.kind, k]));

export function kindInfo(kind: string): KindInfo | undefined {
  return byKind.get(kind);
}

export function apiVersionOf(info: KindInfo): string {
  return info.group === "" ? info.version : `${info.group}/${info.version}`;
}

/** Puts an admitted object into the snapshot's list for its kind. */
export function addObject(snapshot: Snapshot, object: KubeObject): void {
  (snapshot[kindInfo(object.kind)!.field] as KubeObject[]).push(object);
}

/**
 * Network policy kinds of CNI plugins that kubefence reads but does not model: when any is present, every
 * network verdict it may change is marked incomplete instead of claimed (src/network/unmodelled.ts).
 */
export interface UnmodelledPolicyKind {
  kind: string;
  group: string;
  /** Served versions, listed in this order. */
  versions: string[];
  plural: string;
  namespaced: boolean;
  family: "Cilium" | "Calico";
}

export const UNMODELLED_POLICY_KINDS: readonly UnmodelledPolicyKind[] = [
  {
    kind: "CiliumNetworkPolicy",
    group: "cilium.io",
    versions: ["v2"],
    plural: "ciliumnetworkpolicies",
    namespaced: true,
    family: "Cilium",
  },
  {
    kind: "CiliumClusterwideNetworkPolicy",
    group: "cilium.io",
    versions: ["v2"],
    plural: "ciliumclusterwidenetworkpolicies",
    namespaced: false,
    family: "Cilium",
  },
  {
    kind: "NetworkPolicy",
    group: "crd.projectcalico.org",
    versions: ["v1"],
    plural: "networkpolicies",
    namespaced: true,
    family: "Calico",
  },
  {
    kind: "GlobalNetworkPolicy",
    group: "crd.projectcalico.org",
    versions: ["v1"],
    plural: "globalnetworkpolicies",
    namespaced: false,
    family: "Calico",
  },
  {
    kind: "NetworkPolicy",
    group: "projectcalico.org",
    versions: ["v3"],
    plural: "networkpolicies",
    namespaced: true,
    family: "Calico",
  },
  {
    kind: "GlobalNetworkPolicy",
    group: "projectcalico.org",
    versions: ["v3"],
    plural: "globalnetworkpolicies",
    namespaced: false,
    family: "Calico",
  },
];

/** The unmodelled policy kind of a document's `apiVersion` and `kind`, if it is one (any version of the group). */
export function unmodelledPolicyKind(apiVersion: string, kind: string): UnmodelledPolicyKind | undefined {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  return UNMODELLED_POLICY_KINDS.find((k) => k.kind === kind && k.group === group);
}
