/**
 * What Pod Security Admission evaluates: every pod, and the pod template of every workload (ValidatePodController
 * evaluates the template's metadata and spec; CronJob: spec.jobTemplate.spec.template).
 */
import type { ObjectRef } from "../model/finding.js";
import type { ObjectMeta, PodSpec, Workload } from "../model/objects.js";
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
  /**
   * The owner's template, when Pod Security sees the very same pod in both (as for most pods and ReplicaSets):
   * a verdict on one is a verdict on the other.
   */
  sameAsOwner?: PodSubject;
}

/** A workload by name: what an owner reference resolves to. */
interface Controller {
  kind: string;
  display: string;
  subject?: PodSubject;
}

/** The objects podSubjects makes a subject of, in its order: workloads with a pod template, then pods with a spec. */
export function subjectObjects(snapshot: Snapshot): (Workload | Snapshot["pods"][number])[] {
  return [
    ...snapshot.workloads.filter((w) => podTemplateOf(w) !== undefined),
    ...snapshot.pods.filter((p) => p.spec),
  ];
}

export function podSubjects(snapshot: Snapshot): PodSubject[] {
  const subjects: PodSubject[] = [];
  // Workloads by namespace, then name: owner references resolve without building names to look up.
  const controllers = new Map<string, Map<string, Controller[]>>();
  const templated: [PodSubject, Workload][] = [];
  for (const workload of snapshot.workloads) {
    const { name, namespace } = workload.metadata;
    const display = peerName(workload);
    const template = podTemplateOf(workload);
    const controller: Controller = { kind: workload.kind, display };
    if (template) {
      controller.subject = subject(workload, display, template.metadata, template.spec, false, undefined);
      subjects.push(controller.subject);
      templated.push([controller.subject, workload]);
    }
    let byName = controllers.get(namespace);
    if (!byName) {
      byName = new Map();
      controllers.set(namespace, byName);
    }
    const sameName = byName.get(name);
    if (sameName) sameName.push(controller);
    else byName.set(name, [controller]);
  }
  const setOwner = (subject: PodSubject, owners: readonly OwnerReference[] | undefined) => {
    const ref = owners?.find((r) => r.controller === true);
    if (!ref) return;
    const controller = controllers
      .get(subject.namespace)
      ?.get(ref.name)
      ?.find((c) => c.kind === ref.kind);
    subject.owner = controller?.display;
    const template = controller?.subject;
    // An ownership cycle is invalid, but a snapshot may hold one: never link one.
    if (template && sameChecksInput(subject, template) && judgedAs(template) !== subject)
      subject.sameAsOwner = template;
  };
  for (const [workloadSubject, workload] of templated)
    setOwner(workloadSubject, workload.metadata.ownerReferences);
  for (const pod of snapshot.pods) {
    if (!pod.spec) continue;
    const podSubject = subject(pod, peerName(pod), pod.metadata, pod.spec, true, pod.spec.nodeName);
    setOwner(podSubject, pod.metadata.ownerReferences);
    subjects.push(podSubject);
  }
  return subjects;
}

function subject(
  object: { kind: string; metadata: { name: string; namespace: string } },
  display: string,
  meta: ObjectMeta,
  spec: PodSpec,
  isPod: boolean,
  nodeName: string | undefined,
): PodSubject {
  const { name, namespace } = object.metadata;
  return {
    kind: object.kind,
    namespace,
    name,
    display,
    meta,
    spec,
    isPod,
    resource: { kind: object.kind, namespace, name },
    origin: originOf(object),
    nodeName,
    owner: undefined,
    sameAsOwner: undefined,
  };
}

/** The subject whose verdicts are this one's: the owner template it is the same pod as, or itself. */
export function judgedAs(subject: PodSubject): PodSubject {
  let judged = subject;
  while (judged.sameAsOwner) judged = judged.sameAsOwner;
  return judged;
}

/**
 * Whether the checks see the same pod in both. They read the annotations and the pod spec, never names, labels
 * or the node a pod is bound to: a pod is its template plus a nodeName.
 */
function sameChecksInput(a: PodSubject, b: PodSubject): boolean {
  return sameJson(a.meta.annotations, b.meta.annotations) && sameJson(a.spec, b.spec, "nodeName");
}

/** Deep equality of plain data (objects, arrays, primitives); `ignore` names a key skipped at the top level. */
function sameJson(a: unknown, b: unknown, ignore?: string): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // A loop, not every(): the callback made this allocate a kilobyte per pod.
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const key in x) {
    if (key === ignore) continue;
    if (!Object.hasOwn(y, key) || !sameJson(x[key], y[key])) return false;
    keys++;
  }
  for (const key in y) if (key !== ignore) keys--;
  return keys === 0;
}
