/**
 * How the cluster-scoped attempts read an accepted change: kubefence's network engine judges the cluster
 * with the object the server answered (verify/network.ts), and the attempt held if no connection between the
 * tenant's pods and the other namespace's opens — by the cluster-scoped rule that still denies, cited.
 */
import type { Judged } from "../attempt.js";
import type { NetworkChange } from "../network.js";
import type { ClusterPolicyView, VerifyTarget } from "../target.js";

export function judgedByEngine(
  target: VerifyTarget,
  view: ClusterPolicyView,
  change: NetworkChange,
  done: string,
): Judged {
  const j = view.judge(change);
  if (j.open) return { held: false, message: `${done}: ${j.text}` };
  if (j.heldBy)
    return {
      held: true,
      blockedBy: "cluster-network-policy",
      name: `${j.heldBy.kind}/${j.heldBy.name}`,
      message: `${done}, but ${j.heldBy.rule} still denies every connection between namespaces "${target.namespace}" and "${target.foreign.namespace}"${j.heldBy.tier === "admin" ? " (the admin tier decides before any NetworkPolicy)" : ""}`,
    };
  return {
    held: true,
    blockedBy: "other",
    message: `${done}, but no connection between namespaces "${target.namespace}" and "${target.foreign.namespace}" opens: ${j.text}`,
  };
}

/** The object of an answer's body, or undefined when it is not one. */
export function answered<T>(body: unknown): T | undefined {
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as T) : undefined;
}
