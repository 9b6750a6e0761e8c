/**
 * The API server's defaulting, applied where analysis depends on it and nowhere else. Each function
 * mutates an object just admitted by a source (never one an engine holds). Upstream:
 * pkg/apis/core/v1/defaults.go, pkg/apis/networking/v1/defaults.go.
 */
import type { KubeObject, NetworkPolicy, PodSpec } from "./objects.js";
import { podTemplateOf } from "./workloads.js";

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export function applyDefaults(object: KubeObject): void {
  switch (object.kind) {
    case "Namespace":
      // Set by the API server on every namespace since v1.21 (NamespaceDefaultLabelName).
      object.metadata.labels = { ...object.metadata.labels, [NAMESPACE_NAME_LABEL]: object.metadata.name };
      return;
    case "Pod":
      if (object.spec) defaultPodSpec(object.spec);
      return;
    case "NetworkPolicy":
      defaultNetworkPolicy(object);
      return;
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet":
    case "DaemonSet":
    case "Job":
    case "CronJob":
    case "ReplicationController":
    case "PodTemplate": {
      const template = podTemplateOf(object);
      if (template) defaultPodSpec(template.spec);
      return;
    }
    default:
      return;
  }
}

/** Container ports default to TCP; a volume with no source is an emptyDir (SetDefaults_Volume). */
export function defaultPodSpec(spec: PodSpec): void {
  const containers = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ];
  for (const container of containers) {
    for (const port of container.ports ?? []) port.protocol ??= "TCP";
  }
  for (const volume of spec.volumes ?? []) {
    const sources = Object.keys(volume).filter((key) => key !== "name");
    if (sources.length === 0) volume.emptyDir = {};
  }
}

/**
 * policyTypes: [Ingress], plus Egress when egress has at least one rule; every port's protocol: TCP.
 * (SetDefaults_NetworkPolicy, SetDefaults_NetworkPolicyPort.)
 */
export function defaultNetworkPolicy(policy: NetworkPolicy): void {
  policy.spec ??= { podSelector: {} };
  const spec = policy.spec;
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= "TCP";
  }
  if (!spec.policyTypes || spec.policyTypes.length === 0) {
    spec.policyTypes = (spec.egress?.length ?? 0) > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  }
}
