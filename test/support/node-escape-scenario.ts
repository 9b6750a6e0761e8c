/**
 * The live node-escape scenario the enforcement tests share: alice administers team-a (with `teamALabels`), and
 * team-b runs a pod on node-1, so a pod alice gets admitted in team-a escaping to its node reaches team-b.
 */
import { loadLive } from "../../src/sources/live.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";

export function nodeEscapeScenario(teamALabels?: Record<string, string>): object[] {
  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "team-a", ...(teamALabels ? { labels: teamALabels } : {}) },
    },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-b" } },
    { apiVersion: "v1", kind: "Node", metadata: { name: "node-1" } },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web", namespace: "team-b" },
      spec: { nodeName: "node-1", containers: [{ name: "c", image: "nginx" }] },
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "alice-admin", namespace: "team-a" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "alice" }],
    },
  ];
}

/** The live cluster read and audited one tenant per namespace: team-a → team-b's node cell. */
export async function nodeCell(kubeconfig: string, probePodSecurity = false) {
  const { snapshot, diagnostics } = await loadLive({ kubeconfig, probePodSecurity });
  const report = runAudit(snapshot, resolveTenants(snapshot, { from: "namespace" }).tenancy, {
    kubeVersion: snapshot.serverVersion,
  });
  const cell = report.matrix.pair("team-a", "team-b").find((c) => c.plane === "node")!;
  return { snapshot, diagnostics, report, cell };
}
