/**
 * Enforcement the cluster has at admission (issue: audit ignores it): a registered kubefence webhook, or its
 * ValidatingAdmissionPolicies, closes node escapes the node plane would otherwise report — and only where it
 * certainly applies. The webhook configuration and the policies are the ones kubefence generates.
 */

import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { buildSnapshot } from "../../src/sources/build.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";
import { validatingWebhookConfiguration } from "../../src/webhook/manifests.js";
import { defaultSettings } from "../../src/webhook/settings.js";
import { admissionPolicies } from "../../src/webhook/vap/index.js";

/** alice may create pods in team-a; team-b has a pod on the only node. */
const CLUSTER = (teamALabels: string) => `
apiVersion: v1
kind: Namespace
metadata: {name: team-a, labels: {${teamALabels}}}
---
apiVersion: v1
kind: Namespace
metadata: {name: team-b}
---
apiVersion: v1
kind: Node
metadata: {name: node-1}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: team-b}
spec: {nodeName: node-1, containers: [{name: c, image: nginx}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-edit, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
`;

const webhook = (change: (webhooks: Record<string, unknown>[]) => void = () => {}) => {
  const configuration = validatingWebhookConfiguration({
    namespace: "kubefence-system",
    clientConfig: { service: { name: "kubefence-webhook", namespace: "kubefence-system" } },
  }) as { webhooks: Record<string, unknown>[] };
  change(configuration.webhooks);
  return `---\n${stringify(configuration)}`;
};

function audit(yaml: string, modes?: Map<string, "enforce" | "warn" | "audit">) {
  const snapshot = withBuiltinRbac(
    buildSnapshot(parseDocuments(yaml, "cluster.yaml").documents, { synthesizeNamespaces: true }).snapshot,
  );
  const report = runAudit(snapshot, resolveTenants(snapshot, { from: "namespace" }).tenancy, {
    guardrailModes: modes,
  });
  const node = report.matrix.pair("team-a", "team-b").find((c) => c.plane === "node")!;
  return { report, node };
}

describe("enforcement at admission", () => {
  it("without a webhook, alice's pod in team-a (no Pod Security label) escapes to team-b's node", () => {
    expect(audit(CLUSTER("")).node.verdict).toBe("breach");
  });

  it("the registered kubefence webhook refuses that pod: team-a → team-b is isolated, and the finding says why", () => {
    const { node, report } = audit(CLUSTER("") + webhook());
    expect(node.verdict).toBe("isolated");
    const credited = report.findings.find((f) => f.id === "node.admission-enforced")!;
    expect(credited.subject).toBe(
      'webhook validate.kubefence.io (ValidatingWebhookConfiguration "kubefence")',
    );
    expect(credited.evidence).toEqual([
      "guardrail pod-security holds pods to the tenant's level (baseline): namespaces team-a",
    ]);
  });

  it("is not credited when it fails open, is steered by an objectSelector, leaves the namespace out, or only warns", () => {
    const failOpen = webhook((w) => {
      for (const h of w) h.failurePolicy = "Ignore";
    });
    const objectSelector = webhook((w) => {
      for (const h of w) h.objectSelector = { matchLabels: { reviewed: "yes" } };
    });
    const leavesOut = webhook((w) => {
      for (const h of w) h.namespaceSelector = { matchLabels: { reviewed: "yes" } };
    });
    for (const extra of [failOpen, objectSelector, leavesOut])
      expect(audit(CLUSTER("") + extra).node.verdict).toBe("breach");
    expect(audit(CLUSTER("") + webhook(), new Map([["pod-security", "warn"]])).node.verdict).toBe("breach");
  });

  it("another vendor's webhook is listed as not modelled, and credited nothing", () => {
    const foreign = webhook((w) => {
      for (const h of w) h.name = "policy.example.com";
    });
    const { node, report } = audit(CLUSTER("") + foreign);
    expect(node.verdict).toBe("breach");
    expect(report.findings.find((f) => f.id === "node.admission-not-modelled")?.evidence).toEqual([
      'webhook policy.example.com (ValidatingWebhookConfiguration "kubefence")',
      'webhook policy.example.com (ValidatingWebhookConfiguration "kubefence")',
    ]);
  });

  it("kubefence's namespace-pod-security policy, bound with Deny, keeps a baseline namespace baseline: relabelling opens nothing", () => {
    // alice may patch team-a's Namespace, so she could label it privileged and then create the pod.
    const patcher = `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: patch-team-a}
rules: [{apiGroups: [""], resources: [namespaces], resourceNames: [team-a], verbs: [patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-patches-team-a, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: patch-team-a}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
`;
    const baseline = CLUSTER("pod-security.kubernetes.io/enforce: baseline") + patcher;
    expect(audit(baseline).node.verdict).toBe("breach");
    const policies = admissionPolicies(defaultSettings())
      .objects.map((o) => `---\n${stringify(o)}`)
      .join("");
    const { node, report } = audit(baseline + policies);
    expect(node.verdict).toBe("isolated");
    expect(report.findings.find((f) => f.id === "node.admission-enforced")?.subject).toBe(
      'ValidatingAdmissionPolicy "kubefence-namespace-pod-security" (binding "kubefence-namespace-pod-security", Deny)',
    );
  });
});
