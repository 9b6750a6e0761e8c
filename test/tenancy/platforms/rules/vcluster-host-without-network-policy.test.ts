import { describe, expect, it } from "vitest";
import { example, findingsOf } from "../support.js";

const ID = "network.vcluster-host-without-network-policy";

describe(ID, () => {
  it("reports the host namespace without a NetworkPolicy, and not the one with its own", () => {
    const findings = findingsOf(example("vcluster"), "vcluster", ID);
    expect(findings.map((f) => [f.severity, f.subject, f.object, f.message])).toEqual([
      [
        "high",
        "virtual cluster vc1",
        "namespace team-a-vc",
        "virtual cluster vc1's host namespace team-a-vc has no NetworkPolicy: the pods the syncer runs there (1 read) accept connections from every pod of the host, other virtual clusters' included",
      ],
    ]);
    expect(findings[0]!.remediation).toContain("namespace: team-a-vc");
  });

  it("is silent once the namespace has a policy", () => {
    const snapshot = structuredClone(example("vcluster"));
    const policy = structuredClone(snapshot.networkPolicies[0]!);
    policy.metadata = { name: "vc-work-vc1", namespace: "team-a-vc" };
    snapshot.networkPolicies.push(policy);
    expect(findingsOf(snapshot, "vcluster", ID)).toEqual([]);
  });
});
