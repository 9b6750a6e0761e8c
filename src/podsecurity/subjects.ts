/**
 * What Pod Security Admission evaluates: every pod, and the pod template of every workload (ValidatePodController
 * evaluates the template's metadata and spec; CronJob: spec.jobTemplate.spec.template).
 */
import type { ObjectRef } from "../model/finding.js";
import type { ObjectMeta, PodSpec } from "../model/objects.js";
import { type Origin, originOf } from "../model/origin.js";
import type { Snapshot } from "../model/snapshot.js";
import { peerName, podTemplateOf } from "../model/workloads.js";

type OwnerReference = NonNullable<ObjectMeta["ownerReferences"]>[number];

export interface PodSubject {
  kind: string;
  namespace: string;
  name: string;
  /** `ns/name[Kind]`. */
  display: string;
  meta: ObjectMeta;
  spec: PodSpec;
  /** Workloads are warned and audited by PSA, never enforced; their pods are. */
  isPod: boolean;
  resource: ObjectRef;
  origin?: Origin;
  /** For pods: the node they are bound to. */
  nodeName?: string;
  /** The controller that owns this object, when the snapshot holds it (`ns/name[Kind]`): it speaks for it. */
  owner?: string;
}

export function podSubjects(snapshot: Snapshot): PodSubject[] {
  const subjects: PodSubject[] = [];
  const workloadNames = new Set(snapshot.workloads.map((w) => peerName(w)));
  const ownerOf = (object: { metadata: { namespace: string; ownerReferences?: OwnerReference[] } }) => {
    const controller = object.metadata.ownerReferences?.find((ref) => ref.controller === true);
    if (!controller) return undefined;
    const name = peerName({
      kind: controller.kind,
      metadata: { name: controller.name, namespace: object.metadata.namespace },
    });
    return workloadNames.has(name) ? name : undefined;
  };
  for (const workload of snapshot.workloads) {
    const template = podTemplateOf(workload);
    if (!template) continue;
    subjects.push(subject(workload, template.metadata, template.spec, false, undefined, ownerOf(workload)));
  }
  for (const pod of snapshot.pods) {
    if (!pod.spec) continue;
    subjects.push(subject(pod, pod.metadata, pod.spec, true, pod.spec.nodeName, ownerOf(pod)));
  }
  return subjects;
}

function subject(
  object: { kind: string; metadata: { name: string; namespace: string } },
  meta: ObjectMeta,
  spec: PodSpec,
  isPod: boolean,
  nodeName: string | undefined,
  owner: string | undefined,
): PodSubject {
  const { name, namespace } = object.metadata;
  return {
    kind: object.kind,
    namespace,
    name,
    display: peerName(object),
    meta,
    spec,
    isPod,
    resource: { kind: object.kind, namespace, name },
    origin: originOf(object),
    nodeName,
    owner,
  };
}
