/** Said once per enforcer: where a kubefence webhook or its policies keep escaping pods out, and the audit credits it. */
import type { Draft, FindingRule } from "../../model/rule.js";

export interface AdmissionInput {
  /** Enforcer → the tenant namespaces where it refuses what the audit credits it with, and what that is. */
  credited: ReadonlyMap<string, { namespaces: string[]; what: string }[]>;
  /** Webhooks and policies that are not kubefence's. */
  unmodelled: readonly string[];
}

export const VAP_DOCS =
  "https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/";
export const WEBHOOK_DOCS =
  "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/";

function find({ credited }: AdmissionInput): Draft[] {
  return [...credited].map(([by, items]) => {
    const namespaces = [...new Set(items.flatMap((i) => i.namespaces))].sort();
    return {
      subject: by,
      object: `${namespaces.length} tenant namespace${namespaces.length === 1 ? "" : "s"}`,
      message: `${by} is credited as enforcement: ${[...new Set(items.map((i) => i.what))].join("; ")}`,
      evidence: items.map((i) => `${i.what}: namespaces ${i.namespaces.join(", ")}`),
      remediation:
        "nothing to do: keep it registered with failurePolicy Fail, and its guardrails in enforce mode",
    };
  });
}

export const admissionEnforced: FindingRule<AdmissionInput> = {
  id: "node.admission-enforced",
  plane: "node",
  severity: "info",
  title: "A kubefence webhook or policy enforces isolation at admission",
  description:
    "A registered kubefence webhook (failurePolicy Fail, no objectSelector) or a kubefence ValidatingAdmissionPolicy bound with Deny refuses escaping pods, or the weakening of Pod Security labels, in these tenant namespaces; the node plane counts that as enforcement.",
  help: "Nothing to do; the finding says what the audit credited, so the isolation it shows can be traced to its cause.",
  remediation:
    "nothing to do: keep it registered with failurePolicy Fail, and its guardrails in enforce mode",
  references: [WEBHOOK_DOCS, VAP_DOCS],
  find,
};
