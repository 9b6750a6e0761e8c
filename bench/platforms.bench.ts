/**
 * Tenants from the multi-tenancy platforms and their findings, on the generated clusters turned into each
 * platform's shape: every group of namespaces of one `tenant` label a Capsule Tenant (every third pinned to a
 * node pool of its own, the rest sharing nodes), the same groups as HNC hierarchies (the first namespace the
 * root, the others its children), and every namespace a vcluster host (a control-plane StatefulSet each).
 */
import type { CapsuleTenant, HierarchyConfiguration, Namespace, StatefulSet } from "../src/model/objects.js";
import { runRules } from "../src/model/rule.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { buildAuthorizer } from "../src/rbac/authorizer.js";
import { withBuiltinRbac } from "../src/rbac/builtin.js";
import { apiPlane } from "../src/tenancy/api-plane.js";
import type { PlatformId } from "../src/tenancy/platforms/index.js";
import { PLATFORM_RULES } from "../src/tenancy/platforms/rules/index.js";
import { resolveTenants } from "../src/tenancy/tenants.js";
import { benchmark } from "./harness.js";

await benchmark("platforms", async (context) => {
  const { measure } = context;
  const base = withBuiltinRbac(context.snapshot);
  const groups = new Map<string, Namespace[]>();
  for (const ns of base.namespaces) {
    const tenant = ns.metadata.labels?.tenant;
    if (tenant && !ns.metadata.name.startsWith("kube-"))
      groups.set(tenant, [...(groups.get(tenant) ?? []), ns]);
  }
  const shapes: [PlatformId, Snapshot][] = [
    ["capsule", capsuleShape(base, groups)],
    ["hnc", hncShape(base, groups)],
    ["vcluster", vclusterShape(base)],
  ];
  for (const [platform, snapshot] of shapes) {
    const { tenancy } = await measure(`resolve tenants (--tenants-from ${platform})`, () =>
      resolveTenants(snapshot, { from: "platform", platforms: [platform] }),
    );
    const authorizer = buildAuthorizer(snapshot);
    const api = apiPlane(authorizer.policy, tenancy);
    await measure(
      `platform rules, ${tenancy.tenants.length} tenants (${platform})`,
      () => runRules(PLATFORM_RULES, { snapshot, tenancy, api, policy: authorizer.policy }),
      { count: tenancy.tenants.length, unit: "tenants" },
    );
  }
});

function capsuleShape(snapshot: Snapshot, groups: Map<string, Namespace[]>): Snapshot {
  let i = 0;
  const tenants = [...groups].map(
    ([name, namespaces]) =>
      ({
        apiVersion: "capsule.clastix.io/v1beta2",
        kind: "Tenant",
        metadata: { name },
        spec: {
          owners: [{ kind: "User", name: `${name}-owner` }],
          ...(i++ % 3 === 0 ? { nodeSelector: { pool: name } } : {}),
        },
        status: { namespaces: namespaces.map((ns) => ns.metadata.name) },
      }) as CapsuleTenant,
  );
  return { ...snapshot, platformObjects: tenants };
}

function hncShape(snapshot: Snapshot, groups: Map<string, Namespace[]>): Snapshot {
  const configs: HierarchyConfiguration[] = [];
  for (const namespaces of groups.values())
    for (const child of namespaces.slice(1))
      configs.push({
        apiVersion: "hnc.x-k8s.io/v1alpha2",
        kind: "HierarchyConfiguration",
        metadata: { name: "hierarchy", namespace: child.metadata.name },
        spec: { parent: namespaces[0]!.metadata.name },
      } as HierarchyConfiguration);
  return { ...snapshot, platformObjects: configs };
}

function vclusterShape(snapshot: Snapshot): Snapshot {
  const controlPlanes = snapshot.namespaces
    .filter((ns) => !ns.metadata.name.startsWith("kube-"))
    .map(
      (ns) =>
        ({
          apiVersion: "apps/v1",
          kind: "StatefulSet",
          metadata: { name: "vc", namespace: ns.metadata.name },
          spec: {
            serviceName: "vc",
            selector: { matchLabels: { app: "vcluster", release: `vc-${ns.metadata.name}` } },
            template: {
              metadata: { labels: { app: "vcluster", release: `vc-${ns.metadata.name}` } },
              spec: { serviceAccountName: "vc", containers: [{ name: "syncer", image: "vcluster" }] },
            },
          },
        }) as StatefulSet,
    );
  return { ...snapshot, workloads: [...snapshot.workloads, ...controlPlanes] };
}
