/**
 * The policy-tier seam: a connection passes admin → NetworkPolicy → baseline → default allow, per direction;
 * Allow and Deny are final, Pass and no-match go to the next tier, and NetworkPolicy decides everything for a
 * pod it selects. Tiers here are tables (the cluster-scoped kinds arrive as tiers of their own).
 */
import { describe, expect, it } from "vitest";
import { ConnSet } from "../../src/network/conns.js";
import { analyzeNetwork } from "../../src/network/model.js";
import { type PolicyTier, type TierDecision, throughTiers, verdictOf } from "../../src/network/tier.js";
import { loadDemo } from "../../src/sources/demo.js";

const tcp = (from: number, to = from) => ConnSet.of("TCP", from, to);

/** A tier that decides the same for every pair (undefined: selects no subject). */
function fixed(name: PolicyTier["name"], decision: TierDecision | undefined): PolicyTier {
  return { name, decide: () => decision };
}

const through = (...tiers: PolicyTier[]) => throughTiers(tiers, "Ingress", 0, 1);

describe("policy tiers", () => {
  it("with no tier deciding, every connection is allowed (the default)", () => {
    expect(through().isAll()).toBe(true);
    expect(through(fixed("admin", undefined), fixed("baseline", undefined)).isAll()).toBe(true);
  });

  it("an admin Deny is final: NetworkPolicy and baseline cannot allow it back", () => {
    const admin = fixed("admin", { allow: ConnSet.none, deny: tcp(22) });
    const np = fixed("networkpolicy", { allow: ConnSet.all, deny: "others" });
    const allowed = through(admin, np);
    expect(allowed.has("TCP", 22)).toBe(false);
    expect(allowed.has("TCP", 80)).toBe(true);
  });

  it("an admin Allow is final: a NetworkPolicy that selects the pod cannot deny it", () => {
    const admin = fixed("admin", { allow: tcp(53), deny: ConnSet.none });
    const np = fixed("networkpolicy", { allow: tcp(80), deny: "others" });
    const allowed = through(admin, np);
    expect(allowed.toString()).toBe("TCP 53,80");
  });

  it("Pass and no-match go to the next tier; a baseline Deny applies to what nothing before decided", () => {
    const admin = fixed("admin", { allow: ConnSet.none, deny: ConnSet.none, pass: tcp(1, 1000) });
    const baseline = fixed("baseline", { allow: tcp(443), deny: tcp(1, 1000) });
    const allowed = through(admin, fixed("networkpolicy", undefined), baseline);
    expect(allowed.has("TCP", 80)).toBe(false); // passed by admin, denied by baseline
    expect(allowed.has("TCP", 443)).toBe(true); // not decided before, allowed by baseline
    expect(allowed.has("TCP", 8080)).toBe(true); // no tier decided: the default allow
  });

  it("NetworkPolicy on a selected pod decides everything: the baseline after it is never asked", () => {
    let asked = false;
    const baseline: PolicyTier = {
      name: "baseline",
      decide: () => {
        asked = true;
        return { allow: ConnSet.all, deny: ConnSet.none };
      },
    };
    expect(through(fixed("networkpolicy", { allow: tcp(80), deny: "others" }), baseline).toString()).toBe(
      "TCP 80",
    );
    expect(asked).toBe(false);
  });

  it("names each connection's verdict: Allow, Deny, Pass or NoMatch", () => {
    const decision: TierDecision = { allow: tcp(80), deny: tcp(22), pass: tcp(443) };
    expect(verdictOf(decision, "TCP", 80)).toBe("Allow");
    expect(verdictOf(decision, "TCP", 22)).toBe("Deny");
    expect(verdictOf(decision, "TCP", 443)).toBe("Pass");
    expect(verdictOf(decision, "TCP", 8080)).toBe("NoMatch");
    expect(verdictOf(undefined, "TCP", 80)).toBe("NoMatch");
    expect(verdictOf({ allow: tcp(80), deny: "others" }, "UDP", 53)).toBe("Deny");
  });

  it("ConnSet.subtract removes exactly the other set's connections", () => {
    const a = tcp(1, 100).union(ConnSet.of("UDP", 53));
    expect(a.subtract(tcp(50, 60)).toString()).toBe("TCP 1-49,61-100;UDP 53");
    expect(ConnSet.all.subtract(ConnSet.all).isEmpty()).toBe(true);
    expect(a.subtract(ConnSet.none).equals(a)).toBe(true);
  });

  it("through the NetworkPolicy tier alone, the tier path answers as the evaluator does on the demo", () => {
    const model = analyzeNetwork(loadDemo().snapshot);
    const { evaluator } = model;
    expect(evaluator.networkPolicyOnly).toBe(true);
    expect(evaluator.tiers.map((t) => t.name)).toEqual(["networkpolicy"]);
    for (let s = 0; s < evaluator.size; s++)
      for (let d = 0; d < evaluator.size; d++) {
        expect(throughTiers(evaluator.tiers, "Egress", s, d).equals(evaluator.egress(s, d))).toBe(true);
        expect(throughTiers(evaluator.tiers, "Ingress", d, s).equals(evaluator.ingress(d, s))).toBe(true);
      }
  });

  it("once another tier decides, the matrix is worked out pair by pair, and agrees with the bitset rows", () => {
    const fast = analyzeNetwork(loadDemo().snapshot);
    const exact = analyzeNetwork(loadDemo().snapshot);
    // As if a cluster-scoped tier were present: the bitset rows (NetworkPolicy only) must not be used.
    (exact.evaluator as { networkPolicyOnly: boolean }).networkPolicyOnly = false;
    const a = fast.namespaceMatrix();
    const b = exact.namespaceMatrix();
    expect(b.namespaces).toEqual(a.namespaces);
    for (let i = 0; i < a.namespaces.length; i++)
      for (let j = 0; j < a.namespaces.length; j++) expect(b.status(i, j)).toBe(a.status(i, j));
    expect(exact.connections("pod")).toEqual(fast.connections("pod"));
  });
});
