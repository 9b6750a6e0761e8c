/**
 * Generates src/rbac/standard-resources.ts — the resources kubectl's RESTMapper knows on a cluster with no
 * extensions — from the discovery documents of a real kube-apiserver (the test control plane, at the
 * version test/cluster/go.mod pins):
 *
 *   npx tsx scripts/generate-standard-resources.ts
 *
 * Groups in /apis order (the aggregator's priority order, which is also the RESTMapper's when a name exists
 * in two groups), each group's versions in its order, resources of a group recorded once (the first version
 * serving them names kind and short names). Resources an older known version served and this one no longer
 * does are kept from LEGACY, marked `legacy`, after the served ones.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startTestCluster } from "../test/support/cluster.js";

const OUT = fileURLToPath(new URL("../src/rbac/standard-resources.ts", import.meta.url));

interface Entry {
  resource: string;
  group: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  subresources: string[];
  legacy?: boolean;
}

/** Served by kube-apiserver v1.20.2 and no longer by v1.37 (extensions/v1beta1 and PodSecurityPolicy were removed). */
const LEGACY: Entry[] = [
  {
    resource: "ingresses",
    group: "extensions",
    kind: "Ingress",
    namespaced: true,
    shortNames: ["ing"],
    subresources: ["status"],
  },
  {
    resource: "podsecuritypolicies",
    group: "policy",
    kind: "PodSecurityPolicy",
    namespaced: false,
    shortNames: ["psp"],
    subresources: [],
  },
];
/** The versions v1.20.2 served that v1.37 does not (for `resource.version.group` arguments). */
const LEGACY_VERSIONS: Record<string, string[]> = {
  extensions: ["v1beta1"],
  "apiregistration.k8s.io": ["v1beta1"],
  "events.k8s.io": ["v1beta1"],
  "authentication.k8s.io": ["v1beta1"],
  "authorization.k8s.io": ["v1beta1"],
  autoscaling: ["v2beta1", "v2beta2"],
  batch: ["v1beta1"],
  "certificates.k8s.io": ["v1beta1"],
  "networking.k8s.io": ["v1beta1"],
  policy: ["v1beta1"],
  "rbac.authorization.k8s.io": ["v1beta1"],
  "storage.k8s.io": ["v1beta1"],
  "admissionregistration.k8s.io": ["v1beta1"],
  "apiextensions.k8s.io": ["v1beta1"],
  "scheduling.k8s.io": ["v1beta1"],
  "coordination.k8s.io": ["v1beta1"],
  "node.k8s.io": ["v1beta1"],
  "discovery.k8s.io": ["v1beta1"],
  "flowcontrol.apiserver.k8s.io": ["v1beta1"],
};

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
}

const cluster = await startTestCluster();
try {
  const get = async <T>(path: string): Promise<T> => {
    const answer = await cluster.request<T>("GET", path);
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status}`);
    return answer.body;
  };
  const version = (await get<{ gitVersion: string }>("/version")).gitVersion;
  const groups: { name: string; versions: string[] }[] = [
    { name: "", versions: (await get<{ versions: string[] }>("/api")).versions },
    ...(await get<{ groups: { name: string; versions: { version: string }[] }[] }>("/apis")).groups.map(
      (g) => ({ name: g.name, versions: g.versions.map((v) => v.version) }),
    ),
  ];
  const entries: Entry[] = [];
  const groupVersions: Record<string, string[]> = {};
  for (const group of groups) {
    groupVersions[group.name] = [...group.versions];
    const seen = new Map<string, Entry>();
    for (const v of group.versions) {
      const path = group.name === "" ? `/api/${v}` : `/apis/${group.name}/${v}`;
      const list = (await get<{ resources: ApiResource[] }>(path)).resources;
      for (const r of list) {
        const [name, subresource] = r.name.split("/") as [string, string | undefined];
        if (subresource === undefined) {
          if (seen.has(name)) continue;
          const entry: Entry = {
            resource: name,
            group: group.name,
            kind: r.kind,
            namespaced: r.namespaced,
            shortNames: r.shortNames ?? [],
            subresources: [],
          };
          seen.set(name, entry);
          entries.push(entry);
        }
      }
      for (const r of list) {
        const [name, subresource] = r.name.split("/") as [string, string | undefined];
        const entry = seen.get(name);
        if (subresource !== undefined && entry && !entry.subresources.includes(subresource))
          entry.subresources.push(subresource);
      }
    }
    for (const entry of seen.values()) entry.subresources.sort();
  }
  for (const legacy of LEGACY)
    if (!entries.some((e) => e.resource === legacy.resource && e.group === legacy.group))
      entries.push({ ...legacy, legacy: true });
  for (const [group, versions] of Object.entries(LEGACY_VERSIONS)) {
    const known = (groupVersions[group] ??= []);
    for (const v of versions) if (!known.includes(v)) known.push(v);
  }

  const q = (s: string) => JSON.stringify(s);
  const list = (values: string[]) => `[${values.map(q).join(", ")}]`;
  const text = `/**
 * GENERATED by scripts/generate-standard-resources.ts from the discovery documents of kube-apiserver
 * ${version} (the test control plane); do not edit. Discovery order (groups by priority, as the RESTMapper
 * ranks them), then the resources v1.20 served and ${version} no longer does (\`legacy\`).
 */
import type { StandardResource } from "./resources.js";

const r = (
  resource: string,
  group: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[],
  subresources: string[],
  legacy?: boolean,
): StandardResource => ({
  resource,
  group,
  kind,
  namespaced,
  shortNames,
  subresources,
  ...(legacy ? { legacy } : {}),
});

/** The Kubernetes release the table was generated from. */
export const DISCOVERY_VERSION = ${q(version)};

export const STANDARD_RESOURCES: readonly StandardResource[] = [
${entries
  .map(
    (e) =>
      `  r(${q(e.resource)}, ${q(e.group)}, ${q(e.kind)}, ${e.namespaced}, ${list(e.shortNames)}, ${list(e.subresources)}${e.legacy ? ", true" : ""}),`,
  )
  .join("\n")}
];

/** The versions each group serves, and those v1.20 served (for \`resource.version.group\` arguments). */
export const GROUP_VERSIONS: Readonly<Record<string, readonly string[]>> = {
${Object.entries(groupVersions)
  .map(([g, vs]) => `  ${q(g)}: ${list(vs)},`)
  .join("\n")}
};
`;
  writeFileSync(OUT, text);
  execFileSync("npx", ["biome", "format", "--write", OUT], { stdio: "ignore" });
  process.stdout.write(`wrote ${entries.length} resources of ${groups.length} groups from ${version} to ${OUT}\n`);
} finally {
  await cluster.stop();
}
