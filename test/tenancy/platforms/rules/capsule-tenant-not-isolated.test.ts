import { describe, expect, it } from "vitest";
import type { NetworkPolicy } from "../../../../src/model/objects.js";
import { example, findingsOf } from "../support.js";

const ID = "network.capsule-tenant-not-isolated";

describe(ID, () => {
  it("reports a tenant whose namespace no policy isolates, and not one whose policies Capsule copied in", () => {
    const findings = findingsOf(example("capsule"), "capsule", ID);
    expect(findings.map((f) => [f.severity, f.subject, f.object, f.message])).toEqual([
      [
        "high",
        "Capsule tenant gas",
        "namespace gas-dev",
        "Capsule tenant gas has no network isolation: namespace gas-dev has no NetworkPolicy that selects every pod for ingress, so other tenants' pods can connect to it",
      ],
    ]);
    expect(findings[0]!.evidence[0]).toBe(
      "Tenant gas: spec.networkPolicies declares no policy for Capsule to copy into its namespaces",
    );
    expect(findings[0]!.remediation).toContain("capsule.clastix.io/tenant: gas");
    expect(findings[0]!.origin).toMatchObject({
      file: expect.stringMatching(/examples\/platforms\/capsule.yaml$/),
      line: 31,
    });
  });

  it("counts only a policy that selects every pod for ingress: one for some pods, or for egress only, isolates nothing", () => {
    const cases: [Partial<NetworkPolicy["spec"]>, boolean, string][] = [
      [{ podSelector: {}, policyTypes: ["Ingress"] }, false, "default-deny ingress isolates the namespace"],
      [
        { podSelector: { matchLabels: { app: "worker" } }, policyTypes: ["Ingress"] },
        true,
        "a policy for some pods leaves others open",
      ],
      [{ podSelector: {}, policyTypes: ["Egress"] }, true, "egress isolation admits every connection in"],
    ];
    for (const [spec, reported, reason] of cases) {
      const snapshot = structuredClone(example("capsule"));
      const policy = structuredClone(snapshot.networkPolicies[0]!);
      policy.metadata = { name: "p", namespace: "gas-dev" };
      policy.spec = spec as NetworkPolicy["spec"];
      snapshot.networkPolicies.push(policy);
      expect(findingsOf(snapshot, "capsule", ID).length > 0, reason).toBe(reported);
    }
  });

  it("reports nothing for tenants a platform does not define", () => {
    expect(findingsOf(example("hnc"), "hnc", ID)).toEqual([]);
  });
});
