/** Namespaces where some pod is not isolated for ingress: every source is allowed. */
import type { Draft, FindingRule } from "../../model/rule.js";
import type { NetworkModel } from "../model.js";
import { noDefaultDeny } from "./no-default-deny.js";

const find = (model: NetworkModel): Draft[] => noDefaultDeny(model, "Ingress");

export const noDefaultDenyIngress: FindingRule<NetworkModel> = {
  id: "network.no-default-deny-ingress",
  plane: "network",
  severity: "medium",
  title: "Namespace without default-deny ingress",
  description:
    "Some pod of the namespace is selected by no NetworkPolicy with Ingress in its policyTypes, so it is not isolated for ingress: every source, in any namespace, is allowed.",
  help: "Add a default-deny ingress NetworkPolicy (podSelector {} with policyTypes [Ingress]) to the namespace, then allow what must connect.",
  remediation:
    "Isolate every pod of the namespace for ingress, then allow what is needed: <a default-deny-ingress NetworkPolicy for the namespace>",
  references: ["https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies"],
  find,
};
