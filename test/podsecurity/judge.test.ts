/**
 * The judge shares verdicts between subjects Pod Security sees alike (a pod and its ReplicaSet's template, the
 * same template in many namespaces); sharing must never change an answer.
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { generateCluster, SIZES } from "../../bench/generate.js";
import type { Pod } from "../../src/model/objects.js";
import { LATEST, LEVELS } from "../../src/podsecurity/api.js";
import {
  evaluatePod,
  evaluateSubjects,
  Judge,
  namespaceReports,
  podSubjects,
} from "../../src/podsecurity/index.js";
import { loadManifests } from "../../src/sources/manifests.js";

const fromYaml = (docs: object[]) =>
  loadManifests(["-"], { readStdin: () => docs.map((d) => stringify(d)).join("---\n") }).snapshot;

const hardened = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  containers: [
    {
      name: "app",
      image: "app:1",
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    },
  ],
};
const template = { metadata: { labels: { app: "web" } }, spec: hardened };
const owner = (kind: string, name: string) => [
  { apiVersion: "apps/v1", kind, name, uid: name, controller: true },
];
const namespace = {
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name: "shop", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
};
const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop" },
  spec: { selector: { matchLabels: { app: "web" } }, template },
};
const replicaSet = {
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "web-1", namespace: "shop", ownerReferences: owner("Deployment", "web") },
  spec: { selector: { matchLabels: { app: "web" } }, template },
};
const pod = (name: string, metadata: object, spec: object) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "shop", ownerReferences: owner("ReplicaSet", "web-1"), ...metadata },
  spec,
});

describe("pods and their controllers' templates", () => {
  const snapshot = fromYaml([
    namespace,
    deployment,
    replicaSet,
    pod("web-1-same", { labels: { app: "web", "pod-template-hash": "1" } }, { ...hardened, nodeName: "n1" }),
    pod(
      "web-1-sidecar",
      {},
      { ...hardened, containers: [...hardened.containers, { name: "debug", image: "busybox" }] },
    ),
    pod(
      "web-1-annotated",
      { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } },
      hardened,
    ),
  ]);

  it("a pod that is its template plus labels and a node is judged as the template", () => {
    const subjects = podSubjects(snapshot);
    const same = subjects.find((s) => s.name === "web-1-same")!;
    expect(same.sameAsOwner?.display).toBe("shop/web-1[ReplicaSet]");
    expect(same.sameAsOwner?.sameAsOwner?.display).toBe("shop/web[Deployment]");
  });

  it("a pod changed after creation (an injected sidecar, an annotation) is judged on its own", () => {
    const subjects = podSubjects(snapshot);
    expect(subjects.find((s) => s.name === "web-1-sidecar")!.sameAsOwner).toBeUndefined();
    expect(subjects.find((s) => s.name === "web-1-annotated")!.sameAsOwner).toBeUndefined();
    expect(
      evaluateSubjects(snapshot)
        .filter((v) => !v.allowed)
        .map((v) => v.display),
    ).toEqual(["shop/web-1-sidecar[Pod]", "shop/web-1-annotated[Pod]"]);
    expect(namespaceReports(snapshot)[0]!.enforce.violations.map((v) => v.display)).toEqual([
      "shop/web-1-sidecar[Pod]",
      "shop/web-1-annotated[Pod]",
    ]);
  });

  it("an ownership cycle (invalid, but possible in a file) neither hangs nor links a subject to itself", () => {
    const cyclic = fromYaml([
      { ...replicaSet, metadata: { ...replicaSet.metadata, ownerReferences: owner("ReplicaSet", "web-2") } },
      {
        ...replicaSet,
        metadata: { ...replicaSet.metadata, name: "web-2", ownerReferences: owner("ReplicaSet", "web-1") },
      },
    ]);
    const subjects = podSubjects(cyclic);
    expect(subjects.filter((s) => s.sameAsOwner)).toHaveLength(1);
    expect(evaluateSubjects(cyclic, { level: "restricted" }).every((v) => v.allowed)).toBe(true);
  });
});

describe("on a generated cluster with some pods changed after creation", () => {
  const snapshot = generateCluster(SIZES.small);
  // Every seventh pod drifts from its template: a privileged sidecar, a host port, or an annotation.
  snapshot.pods.forEach((p: Pod, i) => {
    if (i % 7 !== 0 || !p.spec) return;
    if (i % 3 === 0)
      p.spec.containers = [...p.spec.containers, { name: "sidecar", securityContext: { privileged: true } }];
    else if (i % 3 === 1) p.spec.containers[0]!.ports = [{ containerPort: 80, hostPort: 80 }];
    else p.metadata.annotations = { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" };
  });

  it("every shared verdict is the plain evaluation of the subject's own spec", () => {
    const judge = new Judge();
    const subjects = judge.subjects(snapshot);
    expect(subjects.some((s) => s.sameAsOwner)).toBe(true);
    for (const subject of subjects)
      for (const level of LEVELS)
        expect(judge.verdictOf({ level, version: LATEST }, subject)).toEqual(
          evaluatePod(level, LATEST, subject.meta, subject.spec),
        );
  });
});
