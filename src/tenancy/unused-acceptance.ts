/**
 * An acceptance that accepts nothing: it names no finding the audit reports (the risk was fixed, or the id or
 * scope is wrong), or it cannot be read (an annotation without reason or owner, a date that is not RFC 3339).
 * Left in place it would silently accept the next finding that happens to match, so it is itself a finding.
 * One rule per plane (the plane of the finding id it names), so every finding keeps a plane; the three share
 * everything else.
 */
import type { ObjectRef, Plane } from "../model/finding.js";
import type { Origin } from "../model/origin.js";
import type { Draft, FindingRule } from "../model/rule.js";

/** An acceptance that matched no finding, or could not be read; `where` names it for people. */
export interface UnusedAcceptance {
  plane: Plane;
  /** The finding id it names, as written. */
  id: string;
  /** Where it was declared: `tenants file t.yaml:12:5`, `annotation on ClusterRoleBinding x`. */
  where: string;
  /** What it would have matched: `ClusterRoleBinding x`, `tenant team-a`, `every finding`. */
  scope: string;
  /** Why it accepts nothing. */
  problem: string;
  evidence: string[];
  resource?: ObjectRef;
  origin?: Origin;
}

const PREFIX: Record<Plane, string> = { api: "rbac", network: "network", node: "node" };

function rule(plane: Plane): FindingRule<readonly UnusedAcceptance[]> {
  return {
    id: `${PREFIX[plane]}.unused-acceptance`,
    plane,
    severity: "low",
    title: "Acceptance accepts nothing",
    description:
      "An accepted risk (the tenants file's accepted: section, or kubefence.io/accept annotations) matches no finding the audit reports, or cannot be read; left in place it would accept the next finding that happens to match.",
    help: "Remove the acceptance once its risk is fixed; otherwise correct its finding id, tenant, namespace or resource (kubefence rules lists the ids), or its reason, owner and expiry.",
    remediation: "Remove or correct the acceptance of <id> at <where>.",
    references: ["https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/"],
    find: (unused) =>
      unused
        .filter((u) => u.plane === plane)
        .map(
          (u): Draft => ({
            subject: `acceptance of ${u.id}`,
            object: u.scope,
            message: `the acceptance of ${u.id} (${u.where}) ${u.problem}`,
            evidence: u.evidence,
            remediation: `Remove or correct the acceptance of ${u.id} at ${u.where}.`,
            ...(u.resource ? { resource: u.resource } : {}),
            ...(u.origin ? { origin: u.origin } : {}),
          }),
        ),
  };
}

export const UNUSED_ACCEPTANCE_RULES: Record<Plane, FindingRule<readonly UnusedAcceptance[]>> = {
  api: rule("api"),
  network: rule("network"),
  node: rule("node"),
};

/** The plane a finding id names by its prefix (`rbac.` API, `network.`, `node.`); undefined for another. */
export function planeOfId(id: string): Plane | undefined {
  const prefix = id.split(".")[0];
  return (Object.keys(PREFIX) as Plane[]).find((plane) => PREFIX[plane] === prefix);
}
