/**
 * Pod Security findings judged again only in the namespaces that changed (src/podsecurity/by-namespace.ts) must
 * be podSecurityFindings of the whole snapshot, in the same order, after any sequence of changes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateCluster, SIZES } from "../../bench/generate.js";
import type { Namespace, Pod } from "../../src/model/objects.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import {
  podSecurityByNamespace,
  podSecurityFindingsByNamespace,
} from "../../src/podsecurity/by-namespace.js";
import { podSecurityFindings } from "../../src/podsecurity/findings.js";
import { podSubjects, subjectObjects } from "../../src/podsecurity/subjects.js";
import { loadDemo } from "../../src/sources/demo.js";

type Change = (s: Snapshot) => Snapshot;

/** The same options object each time, as the audit passes them: what lets a namespace's findings be kept. */
const OPTIONS = {};

function replaceAt<T>(list: readonly T[], i: number, change: (item: T) => T | undefined): T[] {
  const copy = list.slice();
  if (copy.length === 0) return copy;
  const at = i % copy.length;
  const changed = change(copy[at]!);
  if (changed === undefined) copy.splice(at, 1);
  else copy[at] = changed;
  return copy;
}

const change: fc.Arbitrary<Change> = fc.oneof(
  // A pod made privileged, one deleted, one added (with no owner), one relabelled.
  fc.nat(1000).map(
    (i): Change =>
      (s) => ({
        ...s,
        pods: replaceAt(s.pods, i, (p) => ({
          ...p,
          spec: {
            ...p.spec!,
            hostPID: true,
            containers: p.spec!.containers.map((c) => ({ ...c, securityContext: { privileged: true } })),
          },
        })),
      }),
  ),
  fc.nat(1000).map(
    (i): Change =>
      (s) => ({ ...s, pods: replaceAt(s.pods, i, () => undefined) }),
  ),
  fc.tuple(fc.nat(1000), fc.nat(1000)).map(
    ([n, i]): Change =>
      (s) => ({
        ...s,
        pods: [
          ...s.pods,
          {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: `added-${i}`, namespace: s.namespaces[n % s.namespaces.length]!.metadata.name },
            spec: { containers: [{ name: "c", image: "x" }], hostNetwork: i % 2 === 0 },
          } as Pod,
        ],
      }),
  ),
  fc.nat(1000).map(
    (i): Change =>
      (s) => ({
        ...s,
        pods: replaceAt(s.pods, i, (p) => ({ ...p, metadata: { ...p.metadata, labels: { moved: "yes" } } })),
      }),
  ),
  // A namespace's enforce level changed; a workload deleted; a node tainted.
  fc.tuple(fc.nat(1000), fc.constantFrom("privileged", "baseline", "restricted")).map(
    ([i, level]): Change =>
      (s) => ({
        ...s,
        namespaces: replaceAt(s.namespaces, i, (n) => ({
          ...n,
          metadata: {
            ...n.metadata,
            labels: { ...n.metadata.labels, "pod-security.kubernetes.io/enforce": level },
          },
        })) as Namespace[],
      }),
  ),
  fc.nat(1000).map(
    (i): Change =>
      (s) => ({ ...s, workloads: replaceAt(s.workloads, i, () => undefined) }),
  ),
  fc.nat(1000).map(
    (i): Change =>
      (s) => ({
        ...s,
        nodes: replaceAt(s.nodes, i, (n) => ({
          ...n,
          metadata: {
            ...n.metadata,
            labels: { ...n.metadata.labels, "node-role.kubernetes.io/control-plane": "" },
          },
        })),
      }),
  ),
);

describe("Pod Security findings judged by namespace", () => {
  it("are the whole snapshot's, in its order, after every step of any sequence of changes", () => {
    const bases = [
      loadDemo().snapshot,
      generateCluster({ ...SIZES.small, tenants: 6, namespacesPerTenant: 2 }),
    ];
    fc.assert(
      fc.property(fc.nat(1), fc.array(change, { minLength: 1, maxLength: 5 }), (which, changes) => {
        let snapshot = bases[which]!;
        const memo = podSecurityByNamespace();
        expect(JSON.stringify(podSecurityFindingsByNamespace(snapshot, OPTIONS, memo))).toBe(
          JSON.stringify(podSecurityFindings(snapshot)),
        );
        for (const c of changes) {
          snapshot = c(snapshot);
          expect(JSON.stringify(podSecurityFindingsByNamespace(snapshot, OPTIONS, memo))).toBe(
            JSON.stringify(podSecurityFindings(snapshot)),
          );
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it("finds each subject's object where podSubjects makes the subject (the order the findings are put in)", () => {
    for (const snapshot of [loadDemo().snapshot, generateCluster(SIZES.small)]) {
      const name = (o: { kind: string; metadata: { namespace: string; name: string } }) =>
        `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
      expect(subjectObjects(snapshot).map(name)).toEqual(
        podSubjects(snapshot).map((s) => `${s.kind} ${s.namespace}/${s.name}`),
      );
    }
  });

  it("keeps the findings of the namespaces that did not change, the very objects", () => {
    const snapshot = generateCluster({ ...SIZES.small, tenants: 6, namespacesPerTenant: 2 });
    const memo = podSecurityByNamespace();
    const before = podSecurityFindingsByNamespace(snapshot, OPTIONS, memo);
    const changed = { ...snapshot, pods: snapshot.pods.slice(1) };
    const gone = snapshot.pods[0]!.metadata.namespace;
    const after = podSecurityFindingsByNamespace(changed, OPTIONS, memo);
    const kept = after.filter((f) => before.includes(f));
    const elsewhere = after.filter((f) => (f.resource?.namespace ?? f.resource?.name) !== gone);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(elsewhere);
  });
});
