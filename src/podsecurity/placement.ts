/**
 * Whether a pod lands on a control-plane node: pinned there (nodeName, nodeSelector, required node affinity)
 * or tolerating the control-plane taint so the scheduler may put it there. A tenant pod next to etcd and the
 * API server's keys turns any node escape into a cluster takeover (kyverno `restrict-controlplane-scheduling`).
 */
import type { Node, PodSpec } from "../model/objects.js";
import { tolerates } from "../model/scheduling.js";
import { selectorFromMap } from "../model/selector.js";

export const CONTROL_PLANE_ROLE_LABELS = [
  "node-role.kubernetes.io/control-plane",
  "node-role.kubernetes.io/master",
];

/** The taints kubeadm (and kind) put on control-plane nodes when none are read. */
const DEFAULT_CONTROL_PLANE_TAINTS: Taint[] = CONTROL_PLANE_ROLE_LABELS.map((key) => ({
  key,
  effect: "NoSchedule",
}));

type Taint = NonNullable<NonNullable<Node["spec"]>["taints"]>[number];

export interface PlacementEvidence {
  field: string;
  detail: string;
  /** Pinned: it will run there. Tolerates: it may. */
  pinned: boolean;
}

export function isControlPlaneNode(node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  return (
    CONTROL_PLANE_ROLE_LABELS.some((key) => Object.hasOwn(labels, key)) ||
    (node.spec?.taints ?? []).some((t) => CONTROL_PLANE_ROLE_LABELS.includes(t.key))
  );
}

/** The nodes split once, so placement is a per-pod lookup rather than a pass over every node. */
export interface ControlPlaneIndex {
  controlPlane: readonly Node[];
  controlPlaneNames: ReadonlySet<string>;
  workers: readonly Node[];
  /** The control-plane taints that repel pods (NoSchedule/NoExecute), or kubeadm's when no node is known. */
  taints: readonly Taint[];
}

export function indexControlPlane(nodes: readonly Node[]): ControlPlaneIndex {
  const controlPlane = nodes.filter(isControlPlaneNode);
  const taints: Taint[] = controlPlane.flatMap((n) =>
    (n.spec?.taints ?? []).filter((t) => t.effect === "NoSchedule" || t.effect === "NoExecute"),
  );
  return {
    controlPlane,
    controlPlaneNames: new Set(controlPlane.map((n) => n.metadata.name)),
    workers: nodes.filter((n) => !isControlPlaneNode(n)),
    taints: taints.length > 0 ? taints : DEFAULT_CONTROL_PLANE_TAINTS,
  };
}

/** How the spec puts the pod on a control-plane node (pinned) or lets the scheduler put it there (tolerates). */
export function controlPlanePlacement(
  spec: PodSpec,
  nodes: readonly Node[] | ControlPlaneIndex,
  specPath = "spec",
): PlacementEvidence[] {
  if (!spec.nodeName && !spec.nodeSelector && !spec.affinity?.nodeAffinity && !spec.tolerations?.length)
    return [];
  const { controlPlane, controlPlaneNames, workers, taints } =
    "taints" in nodes ? nodes : indexControlPlane(nodes);
  const evidence: PlacementEvidence[] = [];

  if (spec.nodeName && controlPlaneNames.has(spec.nodeName))
    evidence.push({
      field: `${specPath}.nodeName=${spec.nodeName}`,
      detail: `bound to control-plane node ${spec.nodeName}`,
      pinned: true,
    });
  const selector = spec.nodeSelector ?? {};
  const roleKey = Object.keys(selector).find((k) => CONTROL_PLANE_ROLE_LABELS.includes(k));
  if (roleKey) {
    evidence.push({
      field: `${specPath}.nodeSelector.${roleKey}`,
      detail: "nodeSelector selects control-plane nodes",
      pinned: true,
    });
  } else if (Object.keys(selector).length > 0 && controlPlane.length > 0) {
    const compiled = selectorFromMap(selector);
    const onControlPlane = controlPlane.filter((n) => compiled.matches(n.metadata.labels));
    if (onControlPlane.length > 0 && !workers.some((n) => compiled.matches(n.metadata.labels)))
      evidence.push({
        field: `${specPath}.nodeSelector`,
        detail: `nodeSelector ${compiled.text} matches only control-plane nodes (${onControlPlane.map((n) => n.metadata.name).join(", ")})`,
        pinned: true,
      });
  }
  const terms =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  terms.forEach((term, i) => {
    const expression = (term.matchExpressions ?? []).find(
      (e) => CONTROL_PLANE_ROLE_LABELS.includes(e.key) && (e.operator === "Exists" || e.operator === "In"),
    );
    if (expression)
      evidence.push({
        field: `${specPath}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[${i}]`,
        detail: `required node affinity on ${expression.key}`,
        pinned: true,
      });
  });

  (spec.tolerations ?? []).forEach((toleration, i) => {
    const tolerated = taints.find((taint) => tolerates(toleration, taint));
    if (tolerated)
      evidence.push({
        field: `${specPath}.tolerations[${i}]`,
        detail: toleration.key
          ? `tolerates the control-plane taint ${tolerated.key}:${tolerated.effect}`
          : "tolerates every taint (operator Exists with no key), the control-plane's included",
        pinned: false,
      });
  });
  return evidence;
}
