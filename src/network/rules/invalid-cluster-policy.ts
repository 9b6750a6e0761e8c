/** An AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy the API server would reject. */

import { originOf } from "../../model/origin.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import type { NetworkModel } from "../model.js";

function find(model: NetworkModel): Draft[] {
  return model.invalidClusterPolicies.map(({ policy, errors }) => ({
    severity: "medium",
    subject: `${policy.metadata.name}[${policy.kind}]`,
    object: "the cluster",
    message: `${policy.kind}.policy.networking.k8s.io ${JSON.stringify(policy.metadata.name)} is invalid: ${errors.length === 1 ? errors[0]! : `[${errors.join(", ")}]`}; it is left out of the analysis`,
    evidence: errors,
    remediation: "Fix the fields named above (kubectl apply --dry-run=server reports the same errors).",
    resource: { kind: policy.kind, name: policy.metadata.name },
    origin: originOf(policy),
  }));
}

export const invalidClusterPolicy: FindingRule<NetworkModel> = {
  id: "network.invalid-cluster-policy",
  plane: "network",
  severity: "medium",
  title: "Cluster network policy the API server would reject",
  description:
    "The AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy fails its CRD's schema or CEL validation (sigs.k8s.io/network-policy-api), so it would never be stored; kubefence leaves it out of the analysis instead of guessing what it meant.",
  help: "Fix the fields the evidence names; kubectl apply --dry-run=server reports the same errors.",
  remediation: "Fix the fields named above (kubectl apply --dry-run=server reports the same errors).",
  references: ["https://network-policy-api.sigs.k8s.io/reference/spec/"],
  find,
};
