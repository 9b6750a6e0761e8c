/** What every namespace rule's finding shares, and the label advice they give. */
import { peerName } from "../../model/workloads.js";
import { labelCommand, type NamespaceReport, SYSTEM_NAMESPACES } from "./input.js";

export function namespaceBase(report: NamespaceReport) {
  return {
    subject: peerName({ kind: "Namespace", metadata: { name: report.name } }),
    resource: { kind: "Namespace", name: report.name },
  };
}

export const isSystemNamespace = (report: NamespaceReport): boolean =>
  SYSTEM_NAMESPACES.includes(report.name);

/** The strictest label that admits every current pod, or what blocks even baseline. */
export function labelAdvice(report: NamespaceReport): string {
  const safe = report.strictestSafeLevel;
  const first = report.blockers[0];
  return safe === "privileged"
    ? `no level stricter than privileged admits its current pods (${first?.subjects.join(", ")} ${(first?.subjects.length ?? 0) === 1 ? "violates" : "violate"} baseline): fix those, then ${labelCommand(report.name, "baseline")}`
    : `${labelCommand(report.name, safe)} (admits every current pod and workload${safe === "baseline" && first?.subjects.length ? `; restricted would reject ${first.subjects.join(", ")}` : ""})`;
}
