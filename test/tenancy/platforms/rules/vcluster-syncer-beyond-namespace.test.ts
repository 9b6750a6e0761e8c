import { describe, expect, it } from "vitest";
import { example, findingsOf } from "../support.js";

const ID = "rbac.vcluster-syncer-beyond-namespace";

describe(ID, () => {
  it("reports the syncer bound cluster-wide (read-only: medium), not the one confined to its namespace", () => {
    const findings = findingsOf(example("vcluster"), "vcluster", ID);
    expect(findings.map((f) => [f.severity, f.subject, f.message])).toEqual([
      [
        "medium",
        "ServiceAccount:team-a-vc/vc-vc1",
        "the syncer of virtual cluster vc1 (ServiceAccount:team-a-vc/vc-vc1) holds host permissions beyond its namespace team-a-vc: in the whole cluster, through ClusterRoleBinding vc-vc1-v-team-a-vc; the tenant can use them through its virtual cluster",
      ],
    ]);
    expect(findings[0]!.evidence).toEqual([
      "StatefulSet team-a-vc/vc1 runs as ServiceAccount:team-a-vc/vc-vc1",
      'ClusterRoleBinding vc-vc1-v-team-a-vc of ClusterRole vc-vc1-v-team-a-vc: verbs=[get list watch] apiGroups=[""] resources=[nodes nodes/status]',
    ]);
  });

  it("is high when the grant beyond writes, and counts a RoleBinding in another namespace (also to the namespace's service-account group)", () => {
    const snapshot = structuredClone(example("vcluster"));
    const binding = structuredClone(snapshot.roleBindings.find((b) => b.metadata.name === "vc-vc1")!);
    binding.metadata = { name: "reach-b", namespace: "team-b-vc" };
    binding.roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" };
    binding.subjects = [{ kind: "Group", name: "system:serviceaccounts:team-a-vc" }];
    snapshot.roleBindings.push(binding);
    const findings = findingsOf(snapshot, "vcluster", ID);
    expect(findings.map((f) => [f.severity, f.object])).toEqual([
      ["high", "the whole cluster, namespace team-b-vc"],
    ]);
  });
});
