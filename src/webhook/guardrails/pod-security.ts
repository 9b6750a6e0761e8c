/**
 * Pods, and the pod template of every pod controller, must meet the Pod Security level of their tenant —
 * or of their namespace's `pod-security.kubernetes.io/enforce` label when that is stricter — judged by the
 * Pod Security engine (src/podsecurity, upstream pod-security-admission), with its exact messages. Unlike
 * upstream PSA, which only warns on controllers, templates are enforced too: a Deployment that could never
 * create its pods is refused when it is written, not silently stuck later. Pod updates are judged only
 * when significant, as upstream (admission/admission.go isSignificantPodUpdate).
 */
import { isDeepStrictEqual } from "node:util";
import { goQuote } from "../../model/go-format.js";
import type { Container, ObjectMeta, Pod, PodSpec, Workload } from "../../model/objects.js";
import { podTemplateOf, WORKLOAD_KINDS } from "../../model/workloads.js";
import {
  compareLevels,
  LATEST,
  type LevelVersion,
  levelVersionString,
  policyToEvaluate,
} from "../../podsecurity/api.js";
import { evaluatePod } from "../../podsecurity/evaluate.js";
import type { AdmissionContext } from "../context.js";
import { ALLOW, deny, type Guardrail } from "../guardrail.js";

export const podSecurity: Guardrail = {
  id: "pod-security",
  summary: "pods and pod templates meet the tenant's Pod Security level (or the namespace's, if stricter)",
  kinds: ["Pod", ...WORKLOAD_KINDS],
  operations: ["CREATE", "UPDATE"],
  check(request, context) {
    const object = request.object;
    if (!object || !request.tenant) return ALLOW;
    const target = podOf(object as Pod | Workload);
    if (!target) return ALLOW;
    if (
      object.kind === "Pod" &&
      request.oldObject &&
      !isSignificantPodUpdate(object as Pod, request.oldObject as Pod)
    )
      return ALLOW;
    if (
      object.kind !== "Pod" &&
      request.oldObject &&
      templateUnchanged(object as Workload, request.oldObject as Workload)
    )
      return ALLOW;
    const lv = effectivePolicy(context, object.metadata.namespace!, request.tenant);
    const verdict = evaluatePod(lv.level, lv.version, target.metadata, target.spec);
    if (verdict.allowed) return ALLOW;
    const subject =
      object.kind === "Pod"
        ? `pods ${goQuote(object.metadata.name)} is forbidden`
        : `the pod template of ${object.kind} ${goQuote(object.metadata.name)}`;
    return deny(
      `${subject}: ${verdict.message}`,
      `change the pod spec to meet Pod Security "${levelVersionString(lv)}" (https://kubernetes.io/docs/concepts/security/pod-security-standards/), or ask a platform administrator to change tenant "${request.tenant}"'s podSecurity level`,
    );
  },
};

/** The tenant's level at `latest`, unless the namespace's enforce label asks for a stricter level (or pins a version). */
export function effectivePolicy(context: AdmissionContext, namespace: string, tenant: string): LevelVersion {
  const tenantLevel: LevelVersion = { level: context.tenantSpec(tenant).podSecurity, version: LATEST };
  const labels = context.namespaceNamed(namespace)?.metadata.labels;
  const enforce = policyToEvaluate(labels).policy.enforce;
  return compareLevels(enforce.level, tenantLevel.level) >= 0 ? enforce : tenantLevel;
}

function podOf(object: Pod | Workload): { metadata: ObjectMeta; spec: PodSpec } | undefined {
  if (object.kind === "Pod")
    return object.spec ? { metadata: object.metadata, spec: object.spec } : undefined;
  return podTemplateOf(object);
}

/**
 * A controller update that leaves the pod template alone (scaling, labels, the controllers' own
 * bookkeeping) changes no pod: judging it would only block controllers working on objects that predate
 * the webhook.
 */
export function templateUnchanged(workload: Workload, old: Workload): boolean {
  return isDeepStrictEqual(podTemplateOf(workload), podTemplateOf(old));
}

/** admission/admission.go isSignificantPodUpdate: only image (and seccomp annotation) changes can alter the verdict. */
export function isSignificantPodUpdate(pod: Pod, old: Pod): boolean {
  const spec = pod.spec ?? { containers: [] };
  const oldSpec = old.spec ?? { containers: [] };
  const annotations = pod.metadata.annotations ?? {};
  const oldAnnotations = old.metadata.annotations ?? {};
  const containers = spec.containers ?? [];
  const oldContainers = oldSpec.containers ?? [];
  const inits = spec.initContainers ?? [];
  const oldInits = oldSpec.initContainers ?? [];
  if (containers.length !== oldContainers.length || inits.length !== oldInits.length) return true;
  const changed = (c: Pick<Container, "name" | "image">, o: Pick<Container, "name" | "image">) => {
    if (c.image !== o.image) return true;
    const key = `container.seccomp.security.alpha.kubernetes.io/${c.name}`;
    // prototype-safe: the key has the constant prefix container.seccomp.security.alpha.kubernetes.io/
    return annotations[key] !== oldAnnotations[key];
  };
  if (containers.some((c, i) => changed(c, oldContainers[i]!))) return true;
  if (inits.some((c, i) => changed(c, oldInits[i]!))) return true;
  for (const c of spec.ephemeralContainers ?? []) {
    const o = (oldSpec.ephemeralContainers ?? []).find((e) => e.name === c.name);
    if (!o || changed(c, o)) return true;
  }
  return false;
}
