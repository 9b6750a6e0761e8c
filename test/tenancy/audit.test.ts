import { describe, expect, it } from "vitest";
import { generateCluster, SIZES } from "../../bench/generate.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { loadDemo } from "../../src/sources/demo.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { ALL_TENANTS, NO_TENANT } from "../../src/tenancy/matrix.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";

const snapshot = withBuiltinRbac(loadDemo().snapshot);
const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
const report = runAudit(snapshot, tenancy, { fullMatrix: true });
const cell = (from: string, to: string, plane: string) =>
  report.matrix.list().find((c) => c.from === from && c.to === to && c.plane === plane);

describe("audit of the demo cluster", () => {
  it("shows bob, bound only by a ClusterRoleBinding, reaching every tenant and the platform through the API", () => {
    for (const to of ["platform", "default", "network", "test-namespace"]) {
      const c = cell(NO_TENANT, to, "api");
      expect(c?.verdict, to).toBe("breach");
      expect(c?.evidence.slice(0, 3)).toEqual([
        "User:bob",
        'ClusterRoleBinding "pod-reader-binding" of ClusterRole "pod-reader" to User "bob"',
        'rule: verbs=[get list watch] apiGroups=[""] resources=[pods]',
      ]);
    }
  });

  it("keeps alice, bound by a Role in test-namespace, inside her tenant", () => {
    const fromTestNamespace = report.matrix
      .list()
      .filter((c) => c.from === "test-namespace" && c.plane === "api");
    expect(fromTestNamespace.map((c) => c.verdict)).toEqual(["isolated", "isolated", "isolated"]);
  });

  it("shows default/busybox taking over its node and with it every tenant scheduled there", () => {
    for (const to of ["platform", "network", "test-namespace"]) {
      const c = cell("default", to, "node");
      expect(c?.verdict, to).toBe("breach");
      expect(c?.evidence[0]).toBe(
        "default/busybox[Pod] escapes to its node: privileged, hostPath /, hostNetwork, hostPID",
      );
    }
    expect(cell("network", "default", "node")?.verdict).toBe("isolated");
  });

  it("lists every ordered pair once per plane; the platform is a column, not a row", () => {
    const rows = new Set(report.matrix.list().map((c) => c.from));
    expect([...rows]).toEqual(["default", "network", "test-namespace", NO_TENANT]);
    // Three tenants × three other columns, and (no tenant) × all four columns, on three planes.
    expect(report.matrix.list()).toHaveLength((3 * 3 + 4) * 3);
  });
});

describe("API plane scope of a cluster-wide grant", () => {
  const grant = (resource: string, group: string) => {
    const rbac = "rbac.authorization.k8s.io";
    const granted = withBuiltinRbac({
      ...loadDemo().snapshot,
      clusterRoles: [
        {
          apiVersion: `${rbac}/v1`,
          kind: "ClusterRole",
          metadata: { name: "reader" },
          rules: [{ verbs: ["get", "list"], apiGroups: [group], resources: [resource] }],
        },
      ],
      clusterRoleBindings: [
        {
          apiVersion: `${rbac}/v1`,
          kind: "ClusterRoleBinding",
          metadata: { name: "reader" },
          roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "reader" },
          subjects: [{ kind: "ServiceAccount", name: "default", namespace: "test-namespace" }],
        },
      ],
    });
    const audit = runAudit(granted, resolveTenants(granted, { from: "namespace" }).tenancy, {
      fullMatrix: true,
    });
    return audit.matrix
      .list()
      .filter((c) => c.from === "test-namespace" && c.plane === "api")
      .map((c) => c.verdict);
  };

  it("reaches no tenant over a cluster-scoped resource (discovery says so)", () => {
    expect(grant("clustertrustbundles", "certificates.k8s.io")).toEqual(["isolated", "isolated", "isolated"]);
    expect(grant("nodes", "")).toEqual(["isolated", "isolated", "isolated"]);
  });

  it("reaches every tenant over a namespaced resource, and over one it does not know (conservatively)", () => {
    expect(grant("configmaps", "")).toEqual(["breach", "breach", "breach"]);
    expect(grant("widgets", "example.com")).toEqual(["breach", "breach", "breach"]);
  });
});

describe("audit of a partial snapshot", () => {
  it("marks the planes whose inputs could not be read, instead of calling them isolated", () => {
    const partial = { ...snapshot, missingKinds: ["RoleBinding", "NetworkPolicy"] };
    const planes = runAudit(partial, tenancy).summary.planes;
    expect(planes.api.unreadKinds).toEqual(["RoleBinding"]);
    expect(planes.network.unreadKinds).toEqual(["NetworkPolicy"]);
    expect(planes.node.unreadKinds).toEqual(["RoleBinding"]);
  });
});

describe("the summary counts", () => {
  it("equal what the full matrix lists, on every plane", () => {
    for (const plane of ["api", "network", "node"] as const) {
      const cells = report.matrix.list().filter((c) => c.plane === plane);
      const breaches = cells.filter((c) => c.verdict === "breach");
      expect(report.summary.planes[plane].breaches, plane).toBe(breaches.length);
      expect(report.summary.planes[plane].tenantsAffected, plane).toBe(
        new Set(breaches.map((c) => c.to)).size,
      );
    }
  });
});

describe("the first breaches of the matrix", () => {
  it("are the stored breaches' first ones, counted without being made, on every choice of planes", () => {
    const stored = [...report.matrix.stored()];
    const choices = [
      ["api", "network", "node"],
      ["api"],
      ["network"],
      ["node"],
      ["network", "node"],
    ] as const;
    for (const planes of choices)
      for (const limit of [0, 1, 3, 1000]) {
        const shown = stored.filter((c) => (planes as readonly string[]).includes(c.plane));
        const { cells, total } = report.matrix.breaches(limit, planes);
        expect(total, `${planes} ${limit}`).toBe(shown.length);
        expect(cells.map((c) => [c.from, c.to, c.plane, c.evidence])).toEqual(
          shown.slice(0, limit).map((c) => [c.from, c.to, c.plane, c.evidence]),
        );
      }
  });
});

describe("the breach counts of a generated cluster", () => {
  it("equal what each plane stores, one tenant per namespace", () => {
    const generated = generateCluster(SIZES.small);
    const audit = runAudit(generated, resolveTenants(generated, { from: "namespace" }).tenancy);
    const stored = [...audit.matrix.stored()];
    expect(stored.length).toBeGreaterThan(0);
    for (const plane of ["api", "network", "node"] as const) {
      const { cells, total } = audit.matrix.breaches(5, [plane]);
      const ofPlane = stored.filter((c) => c.plane === plane);
      expect(total, plane).toBe(ofPlane.length);
      expect(cells.map((c) => `${c.from} ${c.to}`)).toEqual(
        ofPlane.slice(0, 5).map((c) => `${c.from} ${c.to}`),
      );
    }
  });

  it("who reaches each column, as a plane answers it, is what its stored breaches say", () => {
    const generated = generateCluster(SIZES.small);
    for (const by of [{ from: "namespace" as const }, { from: "label" as const, key: "tenant" }]) {
      const audit = runAudit(generated, resolveTenants(generated, by).tenancy);
      for (const plane of ["api", "network", "node"] as const) {
        const breaches = audit.matrix.plane!(plane);
        if (!breaches.whoReaches) continue;
        const stored = [...breaches.stored()].map(([from, to]): [string, string] => [from, to]);
        expect(stored.length, `${by.from} ${plane}`).toBeGreaterThan(0);
        for (const limit of [1, 5, 1000]) {
          const who = breaches.whoReaches(limit);
          const byColumn = new Map<string, { first: string[]; count: number }>();
          for (const [from, to] of stored) {
            if (to === ALL_TENANTS) continue;
            const known = byColumn.get(to) ?? { first: [], count: 0 };
            known.count++;
            if (known.first.length < limit) known.first.push(from);
            byColumn.set(to, known);
          }
          expect(new Map([...who.byColumn].sort()), `${by.from} ${plane} ${limit}`).toEqual(
            new Map([...byColumn].sort()),
          );
          expect(who.toEveryone).toEqual(stored.filter(([, to]) => to === ALL_TENANTS).map(([from]) => from));
        }
      }
    }
  });

  it("equal what the full matrix lists, on every plane", () => {
    const generated = generateCluster(SIZES.small);
    const full = runAudit(generated, resolveTenants(generated, { from: "namespace" }).tenancy, {
      fullMatrix: true,
    });
    const cells = full.matrix.list();
    for (const plane of ["api", "network", "node"] as const) {
      const breaches = cells.filter((c) => c.plane === plane && c.verdict === "breach");
      expect(breaches.length, plane).toBeGreaterThan(0);
      expect(full.summary.planes[plane].breaches, plane).toBe(breaches.length);
      expect(full.summary.planes[plane].tenantsAffected, plane).toBe(new Set(breaches.map((c) => c.to)).size);
      expect(full.summary.planes[plane].cells, plane).toBe(cells.filter((c) => c.plane === plane).length);
    }
  });
});
