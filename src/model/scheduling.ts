/**
 * Where a pod can be scheduled, as the scheduler's filters decide it for the fields that separate tenants:
 * spec.nodeName, spec.nodeSelector, required node affinity, and NoSchedule/NoExecute taints vs tolerations.
 * Upstream: k8s.io/component-helpers/scheduling/corev1 (nodeaffinity, helpers.go `TolerationsTolerateTaint`),
 * k8s.io/api/core/v1 toleration.go `ToleratesTaint`.
 */
import type { Node, PodSpec } from "./objects.js";

type Taint = NonNullable<NonNullable<Node["spec"]>["taints"]>[number];
type Toleration = NonNullable<PodSpec["tolerations"]>[number];
type NodeSelectorTerm = NonNullable<
  NonNullable<
    NonNullable<
      NonNullable<PodSpec["affinity"]>["nodeAffinity"]
    >["requiredDuringSchedulingIgnoredDuringExecution"]
  >
>["nodeSelectorTerms"][number];
type NodeSelectorRequirement = NonNullable<NodeSelectorTerm["matchExpressions"]>[number];

/** Whether a pod with this spec may run on the node. */
export function canSchedule(spec: PodSpec, node: Node): boolean {
  if (spec.nodeName) return spec.nodeName === node.metadata.name;
  const labels = node.metadata.labels;
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {}))
    if (nodeLabel(labels, key) !== value) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !matchesNodeSelectorTerms(required.nodeSelectorTerms, node)) return false;
  if (node.spec?.unschedulable) return false;
  return untoleratedTaint(spec.tolerations ?? [], node) === undefined;
}

/** The first NoSchedule/NoExecute taint of the node that the tolerations do not tolerate. */
export function untoleratedTaint(tolerations: Toleration[], node: Node): Taint | undefined {
  return (node.spec?.taints ?? []).find(
    (taint) =>
      (taint.effect === "NoSchedule" || taint.effect === "NoExecute") &&
      !tolerations.some((t) => tolerates(t, taint)),
  );
}

/** core/v1 `Toleration.ToleratesTaint`. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  // An empty key with operator Exists matches every key and value.
  switch (toleration.operator ?? "Equal") {
    case "Exists":
      return true;
    case "Equal":
      return (toleration.value ?? "") === (taint.value ?? "");
    default:
      return false;
  }
}

/** Terms are ORed; a term's requirements are ANDed; an empty term matches nothing. */
export function matchesNodeSelectorTerms(terms: NodeSelectorTerm[], node: Node): boolean {
  return terms.some((term) => {
    const expressions = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (expressions.length === 0 && fields.length === 0) return false;
    return (
      expressions.every((r) => requirementMatches(r, nodeLabel(node.metadata.labels, r.key))) &&
      fields.every((r) => r.key === "metadata.name" && requirementMatches(r, node.metadata.name))
    );
  });
}

/** A node's label: own keys only, so `constructor` or `toString` is a label like any other, not a method. */
function nodeLabel(labels: Record<string, string> | undefined, key: string): string | undefined {
  return labels && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || values.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0]!))
        return false;
      const [have, want] = [BigInt(value), BigInt(values[0]!)];
      return r.operator === "Gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}
