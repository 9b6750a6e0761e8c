import { describe, expect, it } from "vitest";
import { capsuleOwner } from "../../../src/tenancy/platforms/capsule.js";
import { resolveTenants } from "../../../src/tenancy/tenants.js";
import { example, snapshotOf } from "./support.js";

describe("--tenants-from capsule", () => {
  it("makes each Tenant a tenant of its status.namespaces and labelled namespaces, with its owners", () => {
    const { tenancy, diagnostics } = resolveTenants(example("capsule"), {
      from: "platform",
      platforms: ["capsule"],
    });
    expect(tenancy.tenants.map((t) => [t.name, t.namespaces, t.owners])).toEqual([
      ["gas", ["gas-dev"], [{ kind: "Group", name: "gas-devs" }]],
      [
        "oil",
        ["oil-dev", "oil-prod"],
        [
          { kind: "User", name: "alice" },
          { kind: "ServiceAccount", namespace: "oil-prod", name: "deployer" },
        ],
      ],
    ]);
    expect(tenancy.tenants[1]!.from).toEqual({
      platform: "capsule",
      declaredBy: { kind: "Tenant", name: "oil" },
      identities: [
        { subject: { kind: "User", name: "alice" }, role: "owner" },
        { subject: { kind: "ServiceAccount", namespace: "oil-prod", name: "deployer" }, role: "owner" },
      ],
    });
    expect(diagnostics.map((d) => d.message)).toEqual(["tenants from Capsule (2 tenants: oil, gas)"]);
  });

  it("reads ServiceAccount owners as the API server names them, and refuses other forms", () => {
    const cases: [{ kind: string; name: string }, unknown, string][] = [
      [{ kind: "User", name: "alice" }, { kind: "User", name: "alice" }, "a user by name"],
      [
        { kind: "ServiceAccount", name: "system:serviceaccount:ci:robot" },
        { kind: "ServiceAccount", namespace: "ci", name: "robot" },
        "the username form Capsule documents",
      ],
      [
        { kind: "ServiceAccount", name: "robot" },
        'ServiceAccount owner "robot" is not of the form system:serviceaccount:<namespace>:<name>',
        "a bare name authenticates as nobody",
      ],
      [
        { kind: "Bot", name: "x" },
        'owner kind "Bot" is not User, Group or ServiceAccount',
        "not a Capsule owner kind",
      ],
    ];
    for (const [owner, expected, reason] of cases) expect(capsuleOwner(owner), reason).toEqual(expected);
  });

  it("groups namespaces labelled for a Tenant that was not read, and warns about namespaces the status lists but nobody read", () => {
    const snapshot = snapshotOf(`
apiVersion: capsule.clastix.io/v1beta1
kind: Tenant
metadata: {name: solar}
spec: {owners: [{kind: User, name: sol}]}
status: {namespaces: [solar-a, solar-gone]}
---
apiVersion: v1
kind: Namespace
metadata: {name: solar-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: wind-a, labels: {capsule.clastix.io/tenant: wind}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
`);
    const { tenancy, diagnostics } = resolveTenants(snapshot, { from: "platform", platforms: ["capsule"] });
    expect(tenancy.tenants.map((t) => [t.name, t.namespaces])).toEqual([
      ["other", ["other"]],
      ["solar", ["solar-a"]],
      ["wind", ["wind-a"]],
    ]);
    expect(diagnostics.map((d) => `${d.severity} ${d.message}`)).toEqual([
      'warning Capsule Tenant "solar": status.namespaces lists namespace "solar-gone", which is not in what was read',
      'warning namespace wind-a is labelled capsule.clastix.io/tenant=wind, but no Capsule Tenant "wind" was read: grouped as tenant "wind", whose owners are unknown',
      "info tenants from Capsule (2 tenants: solar, wind)",
      "info 1 namespace belongs to no platform tenant (other); each is analysed as a tenant of its own",
    ]);
  });

  it("never lets a Tenant claim a platform namespace", () => {
    const snapshot = snapshotOf(`
apiVersion: capsule.clastix.io/v1beta2
kind: Tenant
metadata: {name: sneaky}
spec: {owners: [{kind: User, name: eve}]}
status: {namespaces: [kube-system, sneaky-a]}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: sneaky-a}
`);
    const { tenancy, diagnostics } = resolveTenants(snapshot, { from: "platform", platforms: ["capsule"] });
    expect(tenancy.tenantOf.get("kube-system")).toBe("platform");
    expect(tenancy.tenantOf.get("sneaky-a")).toBe("sneaky");
    expect(diagnostics.map((d) => d.message)).toContain(
      'namespace "kube-system" is claimed by Capsule tenant "sneaky" but already belongs to the platform; it stays with the platform',
    );
  });
});
