import type { KubeVersion } from "./kube-version.js";
import type {
  AdmissionControl,
  ClusterRole,
  ClusterRoleBinding,
  ClusterScopedNetworkPolicy,
  KubeObject,
  Namespace,
  NetworkPolicy,
  Node,
  PlatformObject,
  Pod,
  Role,
  RoleBinding,
  Service,
  ServiceAccount,
  Workload,
} from "./objects.js";

export interface UnmodelledPolicy {
  /** `cilium.io/v2` */
  apiVersion: string;
  kind: string;
  family: "Cilium" | "Calico";
  /** Absent for cluster-wide kinds. */
  namespace?: string;
  name: string;
}

/** What the live server said when asked whether Pod Security admission runs (src/sources/pod-security-probe.ts). */
export interface PodSecurityAdmissionProbe {
  /** undefined: the server's answer did not tell (the version decides). */
  active: boolean | undefined;
  /** What was asked and answered, in words for the audit's evidence. */
  how: string;
}

/** What a source read: every object kubefence reasons about, typed and defaulted. Engines take only this. */
export interface Snapshot {
  namespaces: Namespace[];
  nodes: Node[];
  pods: Pod[];
  serviceAccounts: ServiceAccount[];
  services: Service[];
  networkPolicies: NetworkPolicy[];
  /** AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy (policy.networking.k8s.io). */
  clusterNetworkPolicies: ClusterScopedNetworkPolicy[];
  roles: Role[];
  clusterRoles: ClusterRole[];
  roleBindings: RoleBinding[];
  clusterRoleBindings: ClusterRoleBinding[];
  /** Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, PodTemplate. */
  workloads: Workload[];
  /**
   * ValidatingWebhookConfigurations, ValidatingAdmissionPolicies and their bindings: what the cluster enforces at
   * admission (a kubefence webhook or its policies count as enforcement; see tenancy/enforcement.ts).
   */
  admission: AdmissionControl[];
  /** Multi-tenancy platforms' objects: Capsule Tenants, HNC HierarchyConfigurations and SubnamespaceAnchors. */
  platformObjects: PlatformObject[];
  /** Documents of kinds kubefence does not analyse, counted by `apiVersion/kind`. */
  unknownKinds: Record<string, number>;
  /**
   * CNI-specific network policies (Cilium, Calico) read but not modelled: every network verdict they may
   * change is incomplete. Only their identity is kept.
   */
  unmodelledPolicies: UnmodelledPolicy[];
  /** Kinds a live source could not list (e.g. Forbidden): answers that depend on them are weaker. */
  missingKinds: string[];
  /** A live cluster's version (/version); manifests have none (`--kube-version` says what they are read as). */
  serverVersion?: KubeVersion;
  /** A live cluster's answer to the Pod Security admission probe, when it was asked. */
  podSecurityAdmission?: PodSecurityAdmissionProbe;
}

export function emptySnapshot(): Snapshot {
  return {
    namespaces: [],
    nodes: [],
    pods: [],
    serviceAccounts: [],
    services: [],
    networkPolicies: [],
    clusterNetworkPolicies: [],
    roles: [],
    clusterRoles: [],
    roleBindings: [],
    clusterRoleBindings: [],
    workloads: [],
    admission: [],
    platformObjects: [],
    unknownKinds: Object.create(null) as Record<string, number>,
    missingKinds: [],
    unmodelledPolicies: [],
  };
}

/** Every object of the snapshot, in a stable order (the order of the fields above, then as read). */
export function allObjects(snapshot: Snapshot): KubeObject[] {
  return [
    ...snapshot.namespaces,
    ...snapshot.nodes,
    ...snapshot.serviceAccounts,
    ...snapshot.services,
    ...snapshot.roles,
    ...snapshot.clusterRoles,
    ...snapshot.roleBindings,
    ...snapshot.clusterRoleBindings,
    ...snapshot.networkPolicies,
    ...snapshot.clusterNetworkPolicies,
    ...snapshot.workloads,
    ...snapshot.pods,
    ...snapshot.admission,
    ...snapshot.platformObjects,
  ];
}

/** `Kind/namespace/name` or `Kind/name`: the identity used for duplicate detection and messages. */
export function objectKey(object: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${object.kind}/${namespace}/${name}` : `${object.kind}/${name}`;
}
