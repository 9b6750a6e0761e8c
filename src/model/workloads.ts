import type { ObjectMeta, PodSpec, Workload } from "./objects.js";

export const WORKLOAD_KINDS = [
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "ReplicationController",
  "PodTemplate",
] as const;

export interface PodTemplate {
  metadata: ObjectMeta;
  spec: PodSpec;
}

/** The pod template a workload stamps its pods from (CronJob: `spec.jobTemplate.spec.template`). */
export function podTemplateOf(workload: Workload): PodTemplate | undefined {
  let template: { metadata?: ObjectMeta; spec?: PodSpec } | undefined;
  switch (workload.kind) {
    case "CronJob":
      template = workload.spec?.jobTemplate?.spec?.template;
      break;
    case "PodTemplate":
      template = workload.template;
      break;
    default:
      template = workload.spec?.template;
  }
  if (!template?.spec) return undefined;
  return { metadata: template.metadata ?? {}, spec: template.spec };
}

/** `ns/name[Kind]`, the name the reports give a workload or pod. */
export function peerName(object: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const { namespace, name } = object.metadata;
  return `${namespace ? `${namespace}/` : ""}${name}[${object.kind}]`;
}
