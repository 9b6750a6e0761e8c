/**
 * The typed objects kubefence reasons about. Field types are Kubernetes' own (kubernetes-models, generated
 * from the upstream OpenAPI); after loading, every object has a name, and every namespaced object a namespace.
 */
import type { IIoK8sApimachineryPkgApisMetaV1LabelSelector as ILabelSelector } from "@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector";
import type { IIoK8sApimachineryPkgApisMetaV1ObjectMeta as IObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import type { IValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy";
import type { IValidatingAdmissionPolicyBinding } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding";
import type { IValidatingWebhookConfiguration } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration";
import type { IDaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IReplicaSet } from "kubernetes-models/apps/v1/ReplicaSet";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import type { IClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import type { IRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { INode } from "kubernetes-models/v1/Node";
import type { IPod } from "kubernetes-models/v1/Pod";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IPodTemplate } from "kubernetes-models/v1/PodTemplate";
import type { IReplicationController } from "kubernetes-models/v1/ReplicationController";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { Located } from "./origin.js";

export type { INetworkPolicyPeer as NetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";
export type { INetworkPolicyPort as NetworkPolicyPort } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort";
export type { IPolicyRule as PolicyRule } from "kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule";
export type { ISubject as Subject } from "kubernetes-models/rbac.authorization.k8s.io/v1/Subject";
export type { IContainer as Container } from "kubernetes-models/v1/Container";
export type { ILabelSelector as LabelSelector, IObjectMeta as ObjectMeta, IPodSpec as PodSpec };

/** Metadata after loading: a name always; a namespace on namespaced kinds. */
export type NamedMeta = IObjectMeta & { name: string };
export type NamespacedMeta = NamedMeta & { namespace: string };

type Cluster<T extends { metadata?: IObjectMeta }> = Located<Omit<T, "metadata"> & { metadata: NamedMeta }>;
type Namespaced<T extends { metadata?: IObjectMeta }> = Located<
  Omit<T, "metadata"> & { metadata: NamespacedMeta }
>;

export type Namespace = Cluster<INamespace>;
export type Node = Cluster<INode>;
export type ClusterRole = Cluster<IClusterRole>;
export type ClusterRoleBinding = Cluster<IClusterRoleBinding>;
export type ValidatingWebhookConfiguration = Cluster<IValidatingWebhookConfiguration>;
export type ValidatingAdmissionPolicy = Cluster<IValidatingAdmissionPolicy>;
export type ValidatingAdmissionPolicyBinding = Cluster<IValidatingAdmissionPolicyBinding>;
/** What the API server runs at admission besides its built-in plugins: webhooks and policies. */
export type AdmissionControl =
  | ValidatingWebhookConfiguration
  | ValidatingAdmissionPolicy
  | ValidatingAdmissionPolicyBinding;

export type Pod = Namespaced<IPod>;
export type ServiceAccount = Namespaced<IServiceAccount>;
export type Service = Namespaced<IService>;
export type NetworkPolicy = Namespaced<INetworkPolicy>;
export type Role = Namespaced<IRole>;
export type RoleBinding = Namespaced<IRoleBinding>;

export type Deployment = Namespaced<IDeployment>;
export type ReplicaSet = Namespaced<IReplicaSet>;
export type StatefulSet = Namespaced<IStatefulSet>;
export type DaemonSet = Namespaced<IDaemonSet>;
export type Job = Namespaced<IJob>;
export type CronJob = Namespaced<ICronJob>;
export type ReplicationController = Namespaced<IReplicationController>;
export type PodTemplate = Namespaced<IPodTemplate>;

/** Every kind that owns a pod template. */
export type Workload =
  | Deployment
  | ReplicaSet
  | StatefulSet
  | DaemonSet
  | Job
  | CronJob
  | ReplicationController
  | PodTemplate;

export type WorkloadKind = Workload["kind"];

/**
 * Multi-tenancy platforms' own objects (custom resources), typed as far as kubefence reads them; their
 * fields follow the upstream Go types named on each.
 */
/** Capsule `Tenant` (capsule.clastix.io/v1beta2, projectcapsule/capsule api/v1beta2/tenant_types.go, owner.go). */
export type CapsuleTenant = Cluster<{
  apiVersion?: string;
  kind: "Tenant";
  metadata?: IObjectMeta;
  spec?: {
    owners?: { kind: string; name: string; clusterRoles?: string[] }[];
    nodeSelector?: Record<string, string>;
    networkPolicies?: { items?: INetworkPolicy["spec"][] };
  };
  status?: { state?: string; size?: number; namespaces?: string[] };
}>;

/** HNC `HierarchyConfiguration` (hnc.x-k8s.io/v1alpha2, singleton `hierarchy` per namespace; api/v1alpha2/hierarchy_types.go). */
export type HierarchyConfiguration = Namespaced<{
  apiVersion?: string;
  kind: "HierarchyConfiguration";
  metadata?: IObjectMeta;
  spec?: { parent?: string };
  status?: { children?: string[] };
}>;

/** HNC `SubnamespaceAnchor` (hnc.x-k8s.io/v1alpha2): lives in the parent; its name is the child namespace. */
export type SubnamespaceAnchor = Namespaced<{
  apiVersion?: string;
  kind: "SubnamespaceAnchor";
  metadata?: IObjectMeta;
  status?: { status?: string };
}>;

export type PlatformObject = CapsuleTenant | HierarchyConfiguration | SubnamespaceAnchor;

export type KubeObject =
  | PlatformObject
  | Namespace
  | Node
  | ClusterRole
  | ClusterRoleBinding
  | Pod
  | ServiceAccount
  | Service
  | NetworkPolicy
  | Role
  | RoleBinding
  | Workload
  | AdmissionControl
  | ClusterScopedNetworkPolicy;

export type Kind = KubeObject["kind"];

/**
 * The cluster-scoped network policies of sigs.k8s.io/network-policy-api (policy.networking.k8s.io):
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1), ClusterNetworkPolicy (v1alpha2, and v1beta1
 * with the same fields). Custom resources: no generated model, so every field is optional here and
 * src/network/cluster-policies.ts validates them as the CRD's schema and CEL rules do.
 */
export interface NamespacedPodSelector {
  namespaceSelector?: ILabelSelector;
  podSelector?: ILabelSelector;
}

export interface ClusterPolicyPeer {
  namespaces?: ILabelSelector;
  pods?: NamespacedPodSelector;
  nodes?: ILabelSelector;
  networks?: string[];
  domainNames?: string[];
}

/** v1alpha2 `protocols[]` entry. */
export interface ClusterPolicyProtocol {
  tcp?: { destinationPort?: { number?: number; range?: { start?: number; end?: number } } };
  udp?: { destinationPort?: { number?: number; range?: { start?: number; end?: number } } };
  sctp?: { destinationPort?: { number?: number; range?: { start?: number; end?: number } } };
  destinationNamedPort?: string;
}

/** v1alpha1 `ports[]` entry. */
export interface AdminPolicyPort {
  portNumber?: { protocol?: string; port?: number };
  namedPort?: string;
  portRange?: { protocol?: string; start?: number; end?: number };
}

export interface ClusterPolicyRule {
  name?: string;
  action?: string;
  from?: ClusterPolicyPeer[];
  to?: ClusterPolicyPeer[];
  protocols?: ClusterPolicyProtocol[];
  ports?: AdminPolicyPort[];
}

export interface ClusterPolicySpec {
  /** ClusterNetworkPolicy only: Admin or Baseline. */
  tier?: string;
  /** AdminNetworkPolicy and ClusterNetworkPolicy. */
  priority?: number;
  subject?: { namespaces?: ILabelSelector; pods?: NamespacedPodSelector };
  ingress?: ClusterPolicyRule[];
  egress?: ClusterPolicyRule[];
}

type ClusterPolicyObject<K extends string> = Cluster<{
  apiVersion: string;
  kind: K;
  metadata?: IObjectMeta;
  spec?: ClusterPolicySpec;
}>;

export type AdminNetworkPolicy = ClusterPolicyObject<"AdminNetworkPolicy">;
export type BaselineAdminNetworkPolicy = ClusterPolicyObject<"BaselineAdminNetworkPolicy">;
export type ClusterNetworkPolicy = ClusterPolicyObject<"ClusterNetworkPolicy">;
export type ClusterScopedNetworkPolicy =
  | AdminNetworkPolicy
  | BaselineAdminNetworkPolicy
  | ClusterNetworkPolicy;
