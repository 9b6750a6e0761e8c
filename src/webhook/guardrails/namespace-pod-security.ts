/**
 * A namespace's Pod Security labels (`pod-security.kubernetes.io/{enforce,audit,warn}[-version]`) may be
 * tightened but not loosened: a lower level, or the same level pinned to an older policy version, lets
 * through pods that could escape to the node — and the node is shared with every other tenant. Levels and
 * versions are read as Pod Security Admission reads them (src/podsecurity/api.ts, upstream api/helpers.go).
 */
import {
  compareLevels,
  levelVersionString,
  older,
  policyToEvaluate,
  sameVersion,
} from "../../podsecurity/api.js";
import { PLATFORM } from "../../tenancy/tenants.js";
import { ALLOW, deny, type Guardrail } from "../guardrail.js";

const MODES = ["enforce", "audit", "warn"] as const;

export const namespacePodSecurity: Guardrail = {
  id: "namespace-pod-security",
  summary: "Pod Security labels of a tenant namespace may be tightened, not weakened",
  kinds: ["Namespace"],
  operations: ["UPDATE"],
  check(request, context) {
    if (!request.object || !request.oldObject) return ALLOW;
    const name = request.object.metadata.name;
    if (context.tenantOfNamespace(name, request.oldObject.metadata.labels ?? {}) === PLATFORM) return ALLOW;
    const before = policyToEvaluate(request.oldObject.metadata.labels).policy;
    const after = policyToEvaluate(request.object.metadata.labels).policy;
    const weakened: string[] = [];
    for (const mode of MODES) {
      const b = before[mode];
      const a = after[mode];
      const order = compareLevels(a.level, b.level);
      if (
        order < 0 ||
        (order === 0 &&
          a.level !== "privileged" &&
          older(a.version, b.version) &&
          !sameVersion(a.version, b.version))
      )
        weakened.push(`${mode} from "${levelVersionString(b)}" to "${levelVersionString(a)}"`);
    }
    if (weakened.length === 0) return ALLOW;
    return deny(
      `this change would weaken the Pod Security policy of namespace "${name}": ${weakened.join(", ")}`,
      "keep the pod-security.kubernetes.io labels at their level and version or stricter; a platform administrator can relax them",
    );
  },
};
