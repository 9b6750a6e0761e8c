import { kindInfo } from "./kinds.js";
import type { ObjectMeta, PodSpec, Workload } from "./objects.js";
import { virtualNameOf } from "./virtual.js";

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

/** The workload kinds that run pods (a PodTemplate only describes them). */
export const POD_CONTROLLER_KINDS = WORKLOAD_KINDS.filter((kind) => kind !== "PodTemplate");

/** `[apiGroup, resource]` of every pod controller: creating one runs pods of the creator's choosing. */
export const POD_CONTROLLER_RESOURCES: readonly (readonly [string, string])[] = POD_CONTROLLER_KINDS.map(
  (kind) => {
    const info = kindInfo(kind)!;
    return [info.group, info.plural] as const;
  },
);

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

/**
 * `ns/name[Kind]`, the name the reports give a workload or pod; for an object a vcluster syncer copied to the
 * host, both names: `vc1: default/web[Pod] (host team-a-vc/web-x-default-x-vc1)`.
 */
export function peerName(object: {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: ObjectMeta["labels"];
    annotations?: ObjectMeta["annotations"];
  };
}): string {
  const { namespace, name } = object.metadata;
  const host = `${namespace ? `${namespace}/` : ""}${name}`;
  const virtual = virtualNameOf(object.metadata);
  const inside = virtual && `${virtual.namespace ? `${virtual.namespace}/` : ""}${virtual.name}`;
  if (virtual && inside !== host) return `${virtual.cluster}: ${inside}[${object.kind}] (host ${host})`;
  return `${host}[${object.kind}]`;
}
