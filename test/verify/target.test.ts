import { describe, expect, it } from "vitest";
import type { NetworkPolicy } from "../../src/model/objects.js";
import { defaultDenyPolicy, verifyTargets } from "../../src/verify/target.js";
import { fixtureTenancy, snapshotOf } from "./helpers.js";

describe("verifyTargets", () => {
  const { snapshot, tenancy, config } = fixtureTenancy();
  const plan = verifyTargets(snapshot, tenancy, config);

  it("acts as each tenant's first owner in its first namespace, next to its neighbour", () => {
    expect(plan.targets).toEqual([
      {
        tenant: "team-a",
        namespace: "team-a",
        enforceLevel: "baseline",
        actAs: { kind: "User", name: "alice" },
        foreign: { namespace: "team-b", owner: "team-b" },
        defaultDeny: "default-deny-all",
      },
      {
        tenant: "team-b",
        namespace: "team-b",
        enforceLevel: undefined,
        actAs: { kind: "Group", name: "team-b-devs" },
        foreign: { namespace: "team-c", owner: "team-c" },
        defaultDeny: "deny-ingress",
      },
      {
        tenant: "team-d",
        namespace: "team-d",
        enforceLevel: "privileged",
        actAs: { kind: "ServiceAccount", namespace: "team-d", name: "deployer" },
        // The last tenant wraps around to the first.
        foreign: { namespace: "team-a", owner: "team-a" },
        defaultDeny: undefined,
      },
    ]);
  });

  it("says why a tenant cannot be verified: no owners, or no namespace in the cluster", () => {
    expect(plan.unverifiable).toEqual([
      {
        tenant: "team-c",
        reason: "the tenants file names no owners for it, so there is no one to act as (add owners:)",
      },
      { tenant: "team-e", reason: "none of its namespaces exists in the cluster" },
    ]);
  });

  it("verifies only the tenant asked for", () => {
    const only = verifyTargets(snapshot, tenancy, config, "team-b");
    expect(only.targets.map((t) => t.tenant)).toEqual(["team-b"]);
    expect(only.unverifiable).toEqual([]);
    expect(verifyTargets(snapshot, tenancy, config, "team-e").unverifiable.map((u) => u.tenant)).toEqual([
      "team-e",
    ]);
  });

  it("with a single tenant, reaches into the platform: kube-system", () => {
    const single = fixtureTenancy(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-public}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: solo}\n",
      "kind: TenantConfig\ntenants:\n  - name: solo\n    namespaces: [solo]\n    owners: [{kind: User, name: sam}]\n",
    );
    expect(verifyTargets(single.snapshot, single.tenancy, single.config).targets[0]!.foreign).toEqual({
      namespace: "kube-system",
      owner: "platform",
    });
  });

  it("prefers another declared tenant to a namespace no tenant declares", () => {
    const both = fixtureTenancy(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n",
      'kind: TenantConfig\ntenants:\n  - name: a\n    namespaces: [a]\n    owners: [{kind: User, name: x}]\n  - name: b\n    namespaces: [b]\n    owners: [{kind: User, name: "y"}]\n',
    );
    // In the tenancy's order "default" comes after "b"; b still reaches into a.
    expect(
      verifyTargets(both.snapshot, both.tenancy, both.config).targets.map((t) => t.foreign.namespace),
    ).toEqual(["b", "a"]);
  });

  it("counts a namespace of no declared tenant as another tenant to reach into", () => {
    const withStray = fixtureTenancy(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: solo}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: stray}\n",
      "kind: TenantConfig\ntenants:\n  - name: solo\n    namespaces: [solo]\n    owners: [{kind: User, name: sam}]\n",
    );
    expect(
      verifyTargets(withStray.snapshot, withStray.tenancy, withStray.config).targets[0]!.foreign,
    ).toEqual({ namespace: "stray", owner: "stray" });
  });
});

describe("defaultDenyPolicy", () => {
  const policies = (yaml: string) => snapshotOf(yaml).networkPolicies as NetworkPolicy[];
  const policy = (name: string, spec: string, labels = "{}") =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ns, labels: ${labels}}\nspec: ${spec}\n---\n`;

  it.each([
    [
      "an empty podSelector with no rules denies ingress (policyTypes defaults to Ingress)",
      policy("p", "{podSelector: {}}"),
      "p",
    ],
    ["egress-only deny counts", policy("p", "{podSelector: {}, policyTypes: [Egress]}"), "p"],
    [
      "a policy with an ingress rule allows something: not a default deny",
      policy("p", "{podSelector: {}, ingress: [{}]}"),
      undefined,
    ],
    [
      "a podSelector that picks some pods is not namespace-wide",
      policy("p", "{podSelector: {matchLabels: {app: web}}}"),
      undefined,
    ],
    [
      "denying both directions beats ingress only",
      policy("a", "{podSelector: {}}") + policy("b", "{podSelector: {}, policyTypes: [Ingress, Egress]}"),
      "b",
    ],
    [
      "kubefence's managed policy beats a hand-made one",
      policy("a", "{podSelector: {}, policyTypes: [Ingress, Egress]}") +
        policy("z", "{podSelector: {}, policyTypes: [Ingress]}", '{kubefence.io/managed: "true"}'),
      "z",
    ],
    ["ties go to the first name", policy("b", "{podSelector: {}}") + policy("a", "{podSelector: {}}"), "a"],
  ])("%s", (_reason, yaml, expected) => {
    expect(defaultDenyPolicy(policies(yaml))?.metadata.name).toBe(expected);
  });
});
