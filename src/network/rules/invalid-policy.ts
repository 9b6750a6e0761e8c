/** A NetworkPolicy the API server would reject: reported, and left out of every answer. */

import { originOf } from "../../model/origin.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import type { NetworkModel } from "../model.js";
import { apiServerRejection } from "../policies.js";

function find(model: NetworkModel): Draft[] {
  return model.invalid.map(({ policy, errors }) => ({
    severity: "medium",
    subject: `${policy.metadata.namespace}/${policy.metadata.name}[NetworkPolicy]`,
    object: `namespace ${policy.metadata.namespace}`,
    message: `${apiServerRejection(policy.metadata.name, errors)} (namespace ${policy.metadata.namespace}); it is left out of the analysis`,
    evidence: errors,
    remediation: "Fix the fields named above (kubectl apply --dry-run=server reports the same errors).",
    resource: { kind: "NetworkPolicy", namespace: policy.metadata.namespace, name: policy.metadata.name },
    origin: originOf(policy),
  }));
}

export const invalidPolicy: FindingRule<NetworkModel> = {
  id: "network.invalid-policy",
  plane: "network",
  severity: "medium",
  title: "NetworkPolicy the API server would reject",
  description:
    "The NetworkPolicy fails the API server's validation (pkg/apis/networking/validation), so it would never be stored; kubefence leaves it out of the analysis instead of guessing what it meant.",
  help: "Fix the fields the evidence names; kubectl apply --dry-run=server reports the same errors.",
  remediation: "Fix the fields named above (kubectl apply --dry-run=server reports the same errors).",
  references: [
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
    "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/networking/validation/validation.go",
  ],
  find,
};
