/** Namespaces where some pod is not isolated for egress: every destination is allowed. */
import type { Draft, FindingRule } from "../../model/rule.js";
import type { NetworkModel } from "../model.js";
import { noDefaultDeny } from "./no-default-deny.js";

const find = (model: NetworkModel): Draft[] => noDefaultDeny(model, "Egress");

export const noDefaultDenyEgress: FindingRule<NetworkModel> = {
  id: "network.no-default-deny-egress",
  plane: "network",
  severity: "low",
  title: "Namespace without default-deny egress",
  description:
    "Some pod of the namespace is selected by no NetworkPolicy with Egress in its policyTypes, so it is not isolated for egress: every destination, in any namespace, is allowed.",
  help: "Add a default-deny egress NetworkPolicy (podSelector {} with policyTypes [Egress]) to the namespace, then allow what must connect.",
  remediation:
    "Isolate every pod of the namespace for egress, then allow what is needed: <a default-deny-egress NetworkPolicy for the namespace>",
  references: ["https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies"],
  find,
};
