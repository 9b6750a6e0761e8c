/**
 * Said once: nothing enforces Pod Security labels (before Kubernetes 1.23, or a live server that said so when
 * probed), so every namespace is privileged.
 */
import type { Draft, FindingRule } from "../../model/rule.js";
import type { Snapshot } from "../../model/snapshot.js";
import { ENFORCE_LEVEL_LABEL } from "../api.js";
import { PSA } from "./input.js";

export interface UnenforcedInput {
  snapshot: Snapshot;
  /** Why nothing enforces the labels: `Kubernetes v1.22 has no Pod Security admission`. */
  reason: string;
  /** The live server itself said the plugin does not run (its version would have it on). */
  probed?: boolean;
}

const ENABLE_PLUGIN =
  "enable the PodSecurity admission plugin on the API server (on by default from 1.23: take it out of --disable-admission-plugins), or guard pod creation with an admission webhook";

function find({ snapshot, reason, probed }: UnenforcedInput): Draft[] {
  const ignored = snapshot.namespaces.flatMap((ns) => {
    const labels = ns.metadata.labels;
    if (!labels || !Object.hasOwn(labels, ENFORCE_LEVEL_LABEL)) return [];
    const level = labels[ENFORCE_LEVEL_LABEL];
    return level === "privileged"
      ? []
      : [`namespace ${ns.metadata.name}: ${ENFORCE_LEVEL_LABEL}=${level} is a plain label here`];
  });
  return [
    {
      subject: "Pod Security admission",
      object: "every namespace",
      message: `${reason}: namespace labels are not enforced, every namespace is judged at privileged`,
      evidence: [reason, ...ignored],
      remediation: probed
        ? ENABLE_PLUGIN
        : "run Kubernetes 1.23 or later, where Pod Security admission enforces the labels, or guard pod creation with an admission webhook",
    },
  ];
}

export const podSecurityNotEnforced: FindingRule<UnenforcedInput> = {
  id: "node.pod-security-not-enforced",
  plane: "node",
  severity: "info",
  title: "Pod Security admission does not run",
  description:
    "The Kubernetes version judged (--kube-version) has no Pod Security admission enabled by default (before 1.23), or the live server, asked with a dry-run create, showed that its PodSecurity admission plugin does not run: namespace labels are plain labels, and every namespace is judged at privileged.",
  help: "Run Kubernetes 1.23 or later with the PodSecurity admission plugin enabled, or guard pod creation with an admission webhook.",
  remediation:
    "run Kubernetes 1.23 or later, where Pod Security admission enforces the labels, or guard pod creation with an admission webhook",
  references: [PSA],
  find,
};
