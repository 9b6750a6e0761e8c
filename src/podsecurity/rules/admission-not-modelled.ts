/** Said once: admission webhooks and policies kubefence does not model, which may refuse more than it knows. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { type AdmissionInput, VAP_DOCS, WEBHOOK_DOCS } from "./admission-enforced.js";

function find({ unmodelled }: AdmissionInput): Draft[] {
  if (unmodelled.length === 0) return [];
  return [
    {
      subject: "admission control",
      object: "every namespace",
      message: `${unmodelled.length} admission webhook${unmodelled.length === 1 ? " or policy is" : "s or policies are"} not modelled: they may refuse requests the audit reports as possible, and no isolation is credited to them`,
      evidence: [...unmodelled],
      remediation:
        "check what each one refuses; where it enforces isolation, prefer kubefence's webhook or policies, which the audit can credit",
    },
  ];
}

export const admissionNotModelled: FindingRule<AdmissionInput> = {
  id: "node.admission-not-modelled",
  plane: "node",
  severity: "info",
  title: "Admission webhooks or policies the audit does not model",
  description:
    "ValidatingWebhookConfigurations and ValidatingAdmissionPolicies that are not kubefence's may refuse pods or changes the audit reports as possible. They are listed, never trusted: no isolation is credited to them.",
  help: "Check what each one enforces; the audit's breaches may be refused by them in practice.",
  remediation:
    "check what each one refuses; where it enforces isolation, prefer kubefence's webhook or policies, which the audit can credit",
  references: [WEBHOOK_DOCS, VAP_DOCS],
  find,
};
