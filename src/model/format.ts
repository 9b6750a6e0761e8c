/**
 * One formatter per concept, used by every output — messages, evidence, tables, JSON's string fields — so a
 * subject or a rule reads the same wherever it appears (upstream RBAC prints a rule one way, CompactString).
 * They live here, under the engines, because findings carry them in their messages; renderers use the same.
 * The other concepts have their one home with their type: a peer is `peerName` (model/workloads.ts), a port
 * set is `ConnSet.toString()` (network/conns.ts).
 */
import { goList } from "./go-format.js";
import type { PolicyRule } from "./objects.js";

/** A subject as kubefence names it: `User:alice`, `Group:devs`, `ServiceAccount:ns/name`. */
export function formatSubject(subject: { kind: string; name: string; namespace?: string }): string {
  return subject.kind === "ServiceAccount"
    ? `ServiceAccount:${subject.namespace ?? ""}/${subject.name}`
    : `${subject.kind}:${subject.name}`;
}

/** A policy rule as it reads in YAML: `verbs=[get list] apiGroups=[""] resources=[pods]`. */
export function formatPolicyRule(rule: PolicyRule): string {
  const parts = [`verbs=${goList(rule.verbs)}`];
  if (rule.apiGroups) parts.push(`apiGroups=[${rule.apiGroups.map((g) => JSON.stringify(g)).join(" ")}]`);
  if (rule.resources) parts.push(`resources=${goList(rule.resources)}`);
  if (rule.resourceNames?.length) parts.push(`resourceNames=${goList(rule.resourceNames)}`);
  if (rule.nonResourceURLs) parts.push(`nonResourceURLs=${goList(rule.nonResourceURLs)}`);
  return parts.join(" ");
}
