/** A tenant pod that runs on, or may be scheduled onto, a control-plane node. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { isSystem } from "./escape.js";
import type { SubjectInput } from "./input.js";

function find(input: SubjectInput): Draft[] {
  const { subject, placement } = input;
  if (placement.length === 0) return [];
  const system = isSystem(input);
  const pinned = placement.some((p) => p.pinned);
  return [
    {
      severity: system ? "info" : pinned ? "high" : "medium",
      subject: subject.display,
      object: "control-plane nodes",
      message: `${subject.display} ${pinned ? "runs on" : "may be scheduled onto"} a control-plane node, next to etcd and the API server's credentials`,
      evidence: placement.map((p) => `${p.field}: ${p.detail}`),
      remediation: system
        ? "expected for platform components"
        : "remove the control-plane nodeName/nodeSelector/affinity and tolerations; keep tenant workloads on worker nodes",
      resource: subject.resource,
      origin: subject.origin,
    },
  ];
}

export const controlPlane: FindingRule<SubjectInput> = {
  id: "node.control-plane",
  plane: "node",
  severity: "high",
  title: "Pod on a control-plane node",
  description:
    "The pod is pinned to (high) or may be scheduled onto (medium) a control-plane node by nodeName, nodeSelector, affinity and tolerations of the control-plane taint: next to etcd and the API server's credentials.",
  help: "Remove the control-plane nodeName, nodeSelector, affinity and tolerations; keep tenant workloads on worker nodes.",
  remediation:
    "remove the control-plane nodeName/nodeSelector/affinity and tolerations; keep tenant workloads on worker nodes",
  references: [
    "https://kubernetes.io/docs/reference/labels-annotations-taints/#node-role-kubernetes-io-control-plane-taint",
  ],
  find,
};
