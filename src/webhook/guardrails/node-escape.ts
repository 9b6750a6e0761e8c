/**
 * Beyond the standard: even a tenant allowed Pod Security `privileged` may not mount a container runtime
 * socket or a sensitive host path (/, /etc, /var/lib/kubelet, …), nor add a capability that amounts to root
 * on the node (ALL, SYS_ADMIN, SYS_MODULE, …) — the node is shared with every other tenant. The evidence is
 * the Pod Security engine's (src/podsecurity/escape.ts). At baseline and restricted the pod-security
 * guardrail already forbids every one of these, so this one only looks at pods held to `privileged`.
 */
import type { Pod, Workload } from "../../model/objects.js";
import { podTemplateOf, WORKLOAD_KINDS } from "../../model/workloads.js";
import { canEscapeToNode, type EscapeEvidence, podSpecPath } from "../../podsecurity/escape.js";
import { ALLOW, deny, type Guardrail } from "../guardrail.js";
import { effectivePolicy } from "./pod-security.js";

/** Runtime sockets always; host paths and capabilities when the engine rates them high or critical. */
export function isForbiddenEscape(evidence: EscapeEvidence): boolean {
  if (evidence.kind === "runtime-socket") return true;
  if (evidence.kind === "host-path" || evidence.kind === "capability")
    return evidence.severity === "critical" || evidence.severity === "high";
  return false;
}

export const nodeEscape: Guardrail = {
  id: "node-escape",
  summary:
    "no runtime sockets, sensitive hostPaths or root-equivalent capabilities, even for privileged tenants",
  kinds: ["Pod", ...WORKLOAD_KINDS],
  operations: ["CREATE", "UPDATE"],
  check(request, context) {
    const object = request.object as Pod | Workload | undefined;
    if (!object || !request.tenant) return ALLOW;
    if (effectivePolicy(context, object.metadata.namespace, request.tenant).level !== "privileged")
      return ALLOW;
    const spec = object.kind === "Pod" ? object.spec : podTemplateOf(object)?.spec;
    if (!spec) return ALLOW;
    const found = canEscapeToNode(spec, { specPath: podSpecPath(object.kind) }).filter(isForbiddenEscape);
    if (found.length === 0) return ALLOW;
    return deny(
      `${object.kind} "${object.metadata.name}" could escape to the node, which every tenant shares: ${found.map((e) => `${e.field} (${e.detail})`).join("; ")}`,
      "remove these volumes and capabilities (use a CSI driver or an emptyDir instead of host paths), or ask a platform administrator to run the workload in a platform namespace",
    );
  },
};
