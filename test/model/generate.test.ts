import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type GenerateOptions,
  generateCluster,
  optionsFromArgs,
  SIZES,
  writeList,
} from "../../bench/generate.js";
import { originOf } from "../../src/model/origin.js";
import { compileSelector, selectorFromMap, selectorOrNothing } from "../../src/model/selector.js";
import { allObjects, objectKey, type Snapshot } from "../../src/model/snapshot.js";
import { loadManifests } from "../../src/sources/manifests.js";

const tiny: GenerateOptions = {
  seed: 42,
  tenants: 3,
  namespacesPerTenant: 6,
  deploymentsPerNamespace: 4,
  replicas: 3,
  policiesPerNamespace: 9,
  bindingsPerNamespace: 7,
  clusterRoleBindings: 11,
  roles: 6,
};

const dir = mkdtempSync(join(tmpdir(), "kubefence-generate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeTo(snapshot: Snapshot, format: "yaml" | "json"): Promise<string> {
  const file = join(dir, `cluster-${format}.${format}`);
  const out = createWriteStream(file);
  await writeList(snapshot, format, out);
  await new Promise<void>((resolve) => out.end(resolve));
  return file;
}

describe("generateCluster", () => {
  it("is deterministic: the same options give the same objects, another seed different ones", () => {
    const a = JSON.stringify(allObjects(generateCluster(tiny)));
    expect(JSON.stringify(allObjects(generateCluster(tiny)))).toBe(a);
    expect(JSON.stringify(allObjects(generateCluster({ ...tiny, seed: 43 })))).not.toBe(a);
  });

  it("sizes the cluster exactly by its options", () => {
    const s = generateCluster(tiny);
    const tenantNamespaces = tiny.tenants * tiny.namespacesPerTenant;
    // + kube-system and monitoring
    expect(s.namespaces).toHaveLength(tenantNamespaces + 2);
    expect(s.networkPolicies).toHaveLength(tenantNamespaces * tiny.policiesPerNamespace);
    expect(s.roleBindings).toHaveLength(tenantNamespaces * tiny.bindingsPerNamespace);
    expect(s.roles).toHaveLength(tenantNamespaces * tiny.roles!);
    // + kube-proxy and prometheus bindings
    expect(s.clusterRoleBindings).toHaveLength(tiny.clusterRoleBindings + 2);
    const tenantPods = s.pods.filter((p) => p.metadata.namespace.startsWith("tenant-"));
    expect(tenantPods).toHaveLength(tenantNamespaces * tiny.deploymentsPerNamespace * tiny.replicas);
    // one kube-proxy pod per node
    expect(s.pods.filter((p) => p.metadata.labels?.["k8s-app"] === "kube-proxy")).toHaveLength(
      s.nodes.length,
    );
  });

  it("the presets reach the issue's scale: large has 10 000 namespaces, 100 000 pods, 20 000 policies, 50 000 bindings", () => {
    const { large } = SIZES;
    const namespaces = large.tenants * large.namespacesPerTenant;
    expect(namespaces).toBe(10_000);
    expect(namespaces * large.deploymentsPerNamespace * large.replicas).toBe(100_000);
    expect(namespaces * large.policiesPerNamespace).toBe(20_000);
    expect(namespaces * large.bindingsPerNamespace).toBe(50_000);
  });

  it("gives every object a unique identity and the generated origin", () => {
    const objects = allObjects(generateCluster(tiny));
    expect(new Set(objects.map(objectKey)).size).toBe(objects.length);
    for (const o of objects) expect(originOf(o)).toEqual({ cluster: "generated" });
  });

  it("wires pods to their ReplicaSet and Deployment as controllers do", () => {
    const s = generateCluster(tiny);
    const byKey = new Map(
      s.workloads.map((w) => [`${w.kind}/${w.metadata.namespace}/${w.metadata.name}`, w]),
    );
    for (const pod of s.pods) {
      const ref = pod.metadata.ownerReferences?.[0];
      expect(ref?.controller).toBe(true);
      const owner = byKey.get(`${ref!.kind}/${pod.metadata.namespace}/${ref!.name}`);
      expect(owner?.metadata.uid).toBe(ref!.uid);
      if (owner?.kind !== "ReplicaSet") continue;
      expect(pod.metadata.labels?.["pod-template-hash"]).toBe(owner.metadata.labels?.["pod-template-hash"]);
      expect(selectorOrNothing(owner.spec!.selector).matches(pod.metadata.labels)).toBe(true);
      const deploymentRef = owner.metadata.ownerReferences?.[0];
      expect(byKey.get(`Deployment/${pod.metadata.namespace}/${deploymentRef?.name}`)?.kind).toBe(
        "Deployment",
      );
    }
  });

  it("gives Services endpoints: every selector matches pods of its namespace, named target ports exist", () => {
    const s = generateCluster(tiny);
    for (const service of s.services) {
      const selector = selectorFromMap(service.spec?.selector);
      const pods = s.pods.filter(
        (p) => p.metadata.namespace === service.metadata.namespace && selector.matches(p.metadata.labels),
      );
      expect(pods.length, service.metadata.name).toBeGreaterThan(0);
      for (const port of service.spec?.ports ?? []) {
        if (typeof port.targetPort !== "string") continue;
        const names = pods[0]!.spec!.containers.flatMap((c) => c.ports ?? []).map((p) => p.name);
        expect(names).toContain(port.targetPort);
      }
    }
  });

  it("refers only to roles that exist and writes only valid selectors", () => {
    const s = generateCluster(tiny);
    const roles = new Set(s.roles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`));
    const clusterRoles = new Set(s.clusterRoles.map((r) => r.metadata.name));
    for (const b of s.roleBindings) {
      if (b.roleRef.kind === "Role") expect(roles).toContain(`${b.metadata.namespace}/${b.roleRef.name}`);
      else expect(clusterRoles).toContain(b.roleRef.name);
    }
    for (const b of s.clusterRoleBindings) expect(clusterRoles).toContain(b.roleRef.name);
    for (const policy of s.networkPolicies) {
      const peers = [
        ...(policy.spec?.ingress ?? []).flatMap((r) => r.from ?? []),
        ...(policy.spec?.egress ?? []).flatMap((r) => r.to ?? []),
      ];
      for (const selector of [
        policy.spec!.podSelector,
        ...peers.flatMap((p) => [p.podSelector, p.namespaceSelector]),
      ])
        if (selector) expect(compileSelector(selector).ok).toBe(true);
    }
  });

  it("contains the shapes audits look for: every policy kind, privileged and hostPath pods, admin/edit/view bindings", () => {
    const s = generateCluster({ ...SIZES.small });
    const names = new Set(s.networkPolicies.map((p) => p.metadata.name.replace(/-\d+$/, "")));
    for (const name of [
      "default-deny-ingress",
      "allow-same-namespace",
      "allow-dns",
      "default-deny-egress",
      "allow-from-tenant",
      "allow-egress-internet",
      "allow-monitoring",
    ])
      expect(names).toContain(name);
    const tenantPods = s.pods.filter((p) => p.metadata.namespace.startsWith("tenant-"));
    expect(tenantPods.some((p) => p.spec?.containers.some((c) => c.securityContext?.privileged))).toBe(true);
    expect(tenantPods.some((p) => p.spec?.volumes?.some((v) => v.hostPath))).toBe(true);
    expect(new Set(s.roleBindings.map((b) => b.roleRef.name))).toEqual(expect.objectContaining({}));
    for (const role of ["admin", "edit", "view"])
      expect(s.roleBindings.some((b) => b.roleRef.name === role)).toBe(true);
    const ipBlock = s.networkPolicies.find((p) => p.metadata.name === "allow-egress-internet");
    expect(ipBlock?.spec?.egress?.[0]?.to?.[0]?.ipBlock).toEqual({
      cidr: "0.0.0.0/0",
      except: ["10.0.0.0/8", "169.254.169.254/32"],
    });
  });

  it("is already defaulted: volumes without a source are emptyDir, policies have policyTypes, namespaces their name label", () => {
    const s = generateCluster(tiny);
    for (const ns of s.namespaces)
      expect(ns.metadata.labels?.["kubernetes.io/metadata.name"]).toBe(ns.metadata.name);
    for (const p of s.networkPolicies) expect(p.spec?.policyTypes?.length).toBeGreaterThan(0);
    const volumes = s.pods.flatMap((p) => p.spec?.volumes ?? []);
    expect(volumes.some((v) => v.name === "cache" && v.emptyDir)).toBe(true);
    for (const v of volumes) expect(Object.keys(v).length).toBeGreaterThan(1);
  });
});

describe("writeList", () => {
  it.each(["yaml", "json"] as const)(
    "writes a %s List that loads back through the manifest source unchanged",
    async (format) => {
      const generated = generateCluster(tiny);
      const file = await writeTo(generated, format);
      const loaded = loadManifests([file]);
      expect(loaded.diagnostics).toEqual([]);
      expect(JSON.parse(JSON.stringify(allObjects(loaded.snapshot)))).toEqual(
        JSON.parse(JSON.stringify(allObjects(generated))),
      );
    },
  );

  it("writes a List as kubectl prints it: apiVersion v1, kind List, items", async () => {
    const file = await writeTo(generateCluster({ ...tiny, tenants: 1 }), "yaml");
    const text = readFileSync(file, "utf8");
    expect(text.startsWith("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n")).toBe(
      true,
    );
  });
});

describe("optionsFromArgs", () => {
  it("starts from the --size preset and applies explicit flags on top", () => {
    const { options, format } = optionsFromArgs([
      "--size",
      "medium",
      "--tenants",
      "7",
      "--seed",
      "9",
      "-o",
      "json",
    ]);
    expect(options).toEqual({ ...SIZES.medium, tenants: 7, seed: 9 });
    expect(format).toBe("json");
  });

  it.each([
    [["--size", "huge"], '--size must be one of small, medium, large, not "huge"'],
    [["--replicas=-1"], '--replicas must be a non-negative integer, not "-1"'],
    [["-o", "xml"], '-o must be yaml or json, not "xml"'],
  ])("rejects %j", (args, message) => {
    expect(() => optionsFromArgs(args)).toThrow(message);
  });
});
