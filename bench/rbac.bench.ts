/**
 * The RBAC engine at scale: index time, SubjectAccessReview throughput (the `review` path: JSON line in,
 * JSON line out), who-can for every standard resource, a 1 000-subject access matrix and peak memory. For
 * `large`, the cluster is generated with 5 000 ClusterRoleBindings and one Role per namespace (10 000 Roles)
 * next to its 50 000 RoleBindings. Beside the matrix, the same matrix computed the way live tools do it (one
 * SubjectAccessReview per cell against the real kube-apiserver, `small` only, where the generated RBAC can be
 * applied to the test server): the SAR rate is measured on a sample and extrapolated to every cell.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { KubeObject } from "../src/model/objects.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { bindingSubjects, DEFAULT_MATRIX_VERBS, subjectMatrix } from "../src/rbac/access-matrix.js";
import type { RequestAttributes } from "../src/rbac/attributes.js";
import { buildAuthorizer } from "../src/rbac/authorizer.js";
import { STANDARD_RESOURCES } from "../src/rbac/resources.js";
import { answerReviewLine, type SubjectAccessReview } from "../src/rbac/subject-access-review.js";
import { whoCan } from "../src/rbac/who-can.js";
import { generateCluster } from "./generate.js";
import { benchmark } from "./harness.js";

const REVIEWS = 200_000;
const MATRIX_SUBJECTS = 1_000;
const LIVE_SAMPLE = 2_000;

/** A deterministic pseudo-random sequence (bench inputs must not change between runs). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

await benchmark("rbac", async (context) => {
  const { measure } = context;
  const snapshot: Snapshot =
    context.size === "large"
      ? generateCluster({ ...context.options, clusterRoleBindings: 5_000, roles: 1 })
      : context.snapshot;
  const counts = `${snapshot.roleBindings.length} RB / ${snapshot.clusterRoleBindings.length} CRB / ${snapshot.roles.length + snapshot.clusterRoles.length} roles`;

  const authorizer = await measure(`index (${counts})`, () => buildAuthorizer(snapshot));
  const subjects = bindingSubjects(authorizer);
  const namespaces = snapshot.namespaces.map((n) => n.metadata.name);
  const random = lcg(7);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const verbs = ["get", "list", "watch", "create", "update", "patch", "delete"];

  const lines: string[] = [];
  for (let i = 0; i < REVIEWS; i++) {
    const subject = pick(subjects);
    const resource = pick(STANDARD_RESOURCES);
    const review: SubjectAccessReview = {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user: subject.user.name,
        groups: [...subject.user.groups],
        resourceAttributes: {
          verb: pick(verbs),
          group: resource.group,
          resource: resource.resource,
          namespace: resource.namespaced ? pick(namespaces) : "",
        },
      },
    };
    lines.push(JSON.stringify(review));
  }
  await measure(
    "review: JSON line in → JSON line out",
    () => {
      let out = 0;
      for (const line of lines) {
        const answer = answerReviewLine(authorizer, line);
        if (answer.ok) out += answer.line.length;
      }
      return out;
    },
    { count: REVIEWS, unit: "answers" },
  );
  const attributes = lines.map((line) => {
    const spec = (JSON.parse(line) as SubjectAccessReview).spec!;
    const r = spec.resourceAttributes!;
    return {
      user: { name: spec.user ?? "", groups: spec.groups ?? [] },
      verb: r.verb!,
      resourceRequest: true,
      namespace: r.namespace ?? "",
      apiGroup: r.group ?? "",
      resource: r.resource!,
      subresource: "",
      name: "",
      path: "",
    } satisfies RequestAttributes;
  });
  await measure(
    "authorize (attributes, no JSON)",
    () => {
      let allowed = 0;
      for (const a of attributes) if (authorizer.authorize(a).allowed) allowed++;
      return allowed;
    },
    { count: REVIEWS, unit: "decisions" },
  );

  const whoCanNamespace = namespaces[namespaces.length - 1] ?? "default";
  await measure(
    "who-can get, every standard resource",
    () => {
      let total = 0;
      for (const r of STANDARD_RESOURCES)
        total += whoCan(authorizer, {
          verb: "get",
          resourceRequest: true,
          namespace: r.namespaced ? whoCanNamespace : "",
          apiGroup: r.group,
          resource: r.resource,
          subresource: "",
          name: "",
          path: "",
        }).subjects.length;
      return total;
    },
    { count: STANDARD_RESOURCES.length, unit: "queries" },
  );

  const matrixSubjects = subjects.slice(0, MATRIX_SUBJECTS);
  const cellsPerSubject = STANDARD_RESOURCES.length * DEFAULT_MATRIX_VERBS.length;
  const cells = matrixSubjects.length * cellsPerSubject;
  const matrixStart = performance.now();
  await measure(
    `access matrix: ${matrixSubjects.length} subjects × ${STANDARD_RESOURCES.length} resources × ${DEFAULT_MATRIX_VERBS.length} verbs`,
    () => {
      let rows = 0;
      for (const s of matrixSubjects)
        rows += subjectMatrix(authorizer, s.user, s.namespace ?? whoCanNamespace).length;
      return rows;
    },
    { count: cells, unit: "cells" },
  );

  const matrixMs = performance.now() - matrixStart;
  if (context.size === "small")
    await liveComparison(snapshot, matrixSubjects, whoCanNamespace, cells, matrixMs, measure);
});

/** The same matrix cells as SubjectAccessReviews against the real API server (what rakkess-style tools do). */
async function liveComparison(
  snapshot: Snapshot,
  subjects: ReturnType<typeof bindingSubjects>,
  namespace: string,
  cells: number,
  matrixMs: number,
  measure: Parameters<Parameters<typeof benchmark>[1]>[0]["measure"],
): Promise<void> {
  const { startTestCluster, testBinDir } = await import("../test/support/cluster.js");
  if (!existsSync(join(testBinDir(), "kube-apiserver"))) return;
  const cluster = await startTestCluster();
  try {
    const strip = (o: KubeObject) => ({
      ...o,
      metadata: {
        name: o.metadata.name,
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      },
    });
    const builtin = new Set(["admin", "edit", "view", "cluster-admin"]);
    await cluster.apply([
      ...snapshot.namespaces.map(strip),
      ...snapshot.clusterRoles
        .filter((r) => !builtin.has(r.metadata.name) && !r.metadata.name.startsWith("system:"))
        .map(strip),
      ...snapshot.roles.map(strip),
      ...snapshot.clusterRoleBindings.map(strip),
      ...snapshot.roleBindings.map(strip),
    ]);
    const sample: object[] = [];
    for (let i = 0; sample.length < LIVE_SAMPLE; i++) {
      const s = subjects[i % subjects.length]!;
      const r = STANDARD_RESOURCES[i % STANDARD_RESOURCES.length]!;
      sample.push({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: s.user.name,
          groups: s.user.groups,
          resourceAttributes: {
            verb: DEFAULT_MATRIX_VERBS[i % DEFAULT_MATRIX_VERBS.length],
            group: r.group,
            resource: r.resource,
            namespace: r.namespaced ? (s.namespace ?? namespace) : "",
          },
        },
      });
    }
    let next = 0;
    const start = performance.now();
    await measure(
      `live: ${LIVE_SAMPLE} SubjectAccessReviews (16 concurrent) against kube-apiserver`,
      () =>
        Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next < sample.length)
              await cluster.request(
                "POST",
                "/apis/authorization.k8s.io/v1/subjectaccessreviews",
                sample[next++],
              );
          }),
        ),
      { count: LIVE_SAMPLE, unit: "answers" },
    );
    const msPerCell = (performance.now() - start) / LIVE_SAMPLE;
    const liveMs = cells * msPerCell;
    // measure() times its callback; the extrapolation is reported in the row's name (its time is ~0).
    await measure(
      `live access matrix, extrapolated: ${cells} cells × ${msPerCell.toFixed(2)} ms = ${(liveMs / 1000).toFixed(0)} s, ${Math.round(liveMs / matrixMs)}× kubefence`,
      () => undefined,
    );
  } finally {
    await cluster.stop();
  }
}
