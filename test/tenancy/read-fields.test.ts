/**
 * What the controller does not judge again (src/tenancy/read-fields.ts): an update that changes only fields
 * the audit does not read. The audit's report must be the same whatever those fields hold, and a change to a
 * field it reads must count as a change.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateCluster, SIZES } from "../../bench/generate.js";
import { Judge } from "../../src/controller/judge.js";
import type { KubeObject, Pod } from "../../src/model/objects.js";
import { originOf, setOrigin } from "../../src/model/origin.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { loadDemo } from "../../src/sources/demo.js";
import { READ_STATUS, sameToTheAudit } from "../../src/tenancy/read-fields.js";

const AT = new Date("2027-03-01T12:00:00Z");
const judged = (snapshot: Snapshot) =>
  JSON.stringify(new Judge({ from: "namespace" }).judge(snapshot, "all", AT).report);

/** Every object list of a snapshot that holds Kubernetes objects, by field. */
const OBJECT_FIELDS = [
  "namespaces",
  "nodes",
  "pods",
  "workloads",
  "services",
  "serviceAccounts",
  "networkPolicies",
  "roles",
  "clusterRoles",
  "roleBindings",
  "clusterRoleBindings",
] as const;

const json = fc.jsonValue({ maxDepth: 2 });

/** The object with its unread fields rewritten: the status (but for the fields the audit reads), the resourceVersion, the generation. */
function rewriteUnread(object: KubeObject, status: Record<string, unknown>, version: string): KubeObject {
  const old = (object as { status?: Record<string, unknown> }).status ?? {};
  const kept: Record<string, unknown> = { ...status };
  for (const field of READ_STATUS.get(object.kind) ?? []) {
    delete kept[field];
    if (Object.hasOwn(old, field)) kept[field] = old[field];
  }
  const rewritten = {
    ...object,
    metadata: { ...object.metadata, resourceVersion: version, generation: version.length },
    status: kept,
  } as KubeObject;
  // Where it was read from is the document's, kept beside the object (as the watch cache sets it).
  const origin = originOf(object);
  return origin ? setOrigin(rewritten, origin) : rewritten;
}

describe("updates of fields the audit does not read", () => {
  it("leave the report as it was, on the demo and on a generated cluster", () => {
    const bases = [
      withBuiltinRbac(loadDemo().snapshot),
      withBuiltinRbac(generateCluster({ ...SIZES.small, tenants: 4, namespacesPerTenant: 2 })),
    ];
    const reports = bases.map(judged);
    fc.assert(
      fc.property(
        fc.nat(1),
        fc.array(
          fc.tuple(
            fc.constantFrom(...OBJECT_FIELDS),
            fc.nat(10_000),
            fc.dictionary(fc.constantFrom("phase", "conditions", "replicas", "hostIP", "podIP", "x"), json),
            fc.stringMatching(/^[0-9]{1,6}$/),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        (which, rewrites) => {
          let snapshot = bases[which]!;
          for (const [field, i, status, version] of rewrites) {
            const list = snapshot[field] as KubeObject[];
            if (list.length === 0) continue;
            const copy = list.slice();
            const before = copy[i % copy.length]!;
            const after = rewriteUnread(before, status, version);
            expect(sameToTheAudit(before, after)).toBe(true);
            copy[i % copy.length] = after;
            snapshot = { ...snapshot, [field]: copy };
          }
          expect(judged(snapshot)).toBe(reports[which]);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);

  it("a field the audit reads is a change: labels, the spec, annotations, a pod's address, a node's", () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "a", labels: { app: "x" }, resourceVersion: "1" },
      spec: { containers: [{ name: "c", image: "i" }] },
      status: { phase: "Running", podIP: "10.0.0.1" },
    } as Pod;
    const cases: [string, KubeObject, boolean][] = [
      ["only the resourceVersion", { ...pod, metadata: { ...pod.metadata, resourceVersion: "2" } }, true],
      ["only the phase", { ...pod, status: { ...pod.status, phase: "Failed" } } as Pod, true],
      ["a label", { ...pod, metadata: { ...pod.metadata, labels: { app: "y" } } }, false],
      ["an annotation", { ...pod, metadata: { ...pod.metadata, annotations: { a: "b" } } }, false],
      ["the spec", { ...pod, spec: { ...pod.spec!, hostPID: true } }, false],
      ["the pod's address", { ...pod, status: { podIP: "10.0.0.2" } } as Pod, false],
      ["the pod's address removed", { ...pod, status: { phase: "Running" } } as Pod, false],
    ];
    for (const [why, changed, same] of cases) expect(sameToTheAudit(pod, changed), why).toBe(same);
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n" },
      status: { addresses: [{ type: "InternalIP", address: "10.1.0.1" }], conditions: [] },
    } as unknown as KubeObject;
    const heartbeat = {
      ...node,
      status: { ...(node as { status: object }).status, conditions: [{ type: "Ready" }] },
    };
    expect(sameToTheAudit(node, heartbeat as KubeObject)).toBe(true);
    const moved = { ...node, status: { addresses: [{ type: "InternalIP", address: "10.1.0.2" }] } };
    expect(sameToTheAudit(node, moved as KubeObject)).toBe(false);
  });

  it("no engine reads a status field READ_STATUS does not list", () => {
    // The engines' directories; `.status.x` / `.status?.x` reads of cluster objects. The RBAC engine's
    // review answers (SubjectAccessReview, SelfSubjectRulesReview) have a status of their own.
    const REVIEW_STATUS = new Set(["reason", "resourceRules", "nonResourceRules"]);
    const read = new Set([...READ_STATUS.values()].flat());
    const found: string[] = [];
    for (const dir of ["model", "network", "podsecurity", "rbac", "tenancy"])
      for (const file of sourceFiles(join("src", dir)))
        for (const [n, line] of readFileSync(file, "utf8").split("\n").entries()) {
          if (/^\s*(\*|\/\/)/.test(line)) continue;
          for (const m of line.matchAll(/\bstatus\??\.([A-Za-z_]+)/g))
            if (!read.has(m[1]!) && !(dir === "rbac" && REVIEW_STATUS.has(m[1]!)))
              found.push(`${file}:${n + 1}: status.${m[1]}`);
        }
    expect(found).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}
