/**
 * A pod and every pod-template owner wrapping the same pod spec get the same verdict (PSA evaluates the
 * template's metadata and spec; CronJob: spec.jobTemplate.spec.template), and each is named with its file:line.
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { formatOrigin } from "../../src/model/origin.js";
import { evaluateSubjects, podSecurityFindings } from "../../src/podsecurity/index.js";
import { loadManifests } from "../../src/sources/manifests.js";

const template = {
  metadata: {
    labels: { app: "x" },
    annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" },
  },
  spec: {
    hostPID: true,
    initContainers: [
      { name: "setup", image: "busybox", securityContext: { capabilities: { add: ["SYS_ADMIN"] } } },
    ],
    // The field matches the annotation, so the API server's copy of the annotation to a Pod's field (which a
    // template does not get) changes nothing: see "API defaulting that differs" below.
    containers: [
      {
        name: "app",
        image: "busybox",
        ports: [{ containerPort: 80, hostPort: 8080 }],
        securityContext: { appArmorProfile: { type: "Unconfined" } },
      },
    ],
    volumes: [{ name: "sock", hostPath: { path: "/var/run/docker.sock" } }, { name: "scratch" }],
  },
};
const selector = { matchLabels: { app: "x" } };
const manifests = [
  { apiVersion: "v1", kind: "Pod", metadata: { name: "x", ...template.metadata }, spec: template.spec },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { selector, template } },
  { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "x" }, spec: { selector, template } },
  {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "x" },
    spec: { selector, serviceName: "x", template },
  },
  { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "x" }, spec: { selector, template } },
  { apiVersion: "batch/v1", kind: "Job", metadata: { name: "x" }, spec: { template } },
  {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "x" },
    spec: { schedule: "* * * * *", jobTemplate: { spec: { template } } },
  },
  {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name: "x" },
    spec: { selector: { app: "x" }, template },
  },
  { apiVersion: "v1", kind: "PodTemplate", metadata: { name: "x" }, template },
];
const yaml = manifests.map((m) => stringify(m)).join("---\n");
const load = () => loadManifests(["-"], { readStdin: () => yaml, defaultNamespace: "team-a" });

describe("every kind wrapping the same pod spec (without hostNetwork ports; see below)", () => {
  it("loads all nine kinds without diagnostics", () => {
    const { snapshot, diagnostics } = load();
    expect(diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(
      evaluateSubjects(snapshot)
        .map((v) => v.kind)
        .sort(),
    ).toEqual([
      "CronJob",
      "DaemonSet",
      "Deployment",
      "Job",
      "Pod",
      "PodTemplate",
      "ReplicaSet",
      "ReplicationController",
      "StatefulSet",
    ]);
  });

  for (const level of ["baseline", "restricted"] as const) {
    it(`gets the same ${level} verdict and message for each`, () => {
      const verdicts = evaluateSubjects(load().snapshot, { level });
      const messages = new Set(verdicts.map((v) => v.message));
      expect(messages.size).toBe(1);
      expect(verdicts.every((v) => !v.allowed)).toBe(true);
    });
  }

  it("the baseline message covers annotations and fields, init containers, host ports and host paths (a source-less volume is an emptyDir)", () => {
    const [verdict] = evaluateSubjects(load().snapshot, { level: "baseline" });
    expect(verdict!.message).toBe(
      'violates PodSecurity "baseline:latest": forbidden AppArmor profiles (container "app" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined""), non-default capabilities (container "setup" must not include "SYS_ADMIN" in securityContext.capabilities.add), host namespaces (hostPID=true), hostPath volumes (volume "sock"), hostPort (container "app" uses hostPort 8080)',
    );
  });

  it("restricted names only the hostPath volume: the defaulted emptyDir is allowed", () => {
    const [verdict] = evaluateSubjects(load().snapshot, { level: "restricted" });
    expect(verdict!.reasons.find((r) => r.reason === "restricted volume types")?.detail).toBe(
      'volume "sock" uses restricted volume type "hostPath"',
    );
  });

  it("findings name each workload and the line its document starts on", () => {
    // Document i starts after the lines of the documents before it and their "---" separators.
    let line = 1;
    const starts = new Map<string, number>();
    for (const m of manifests) {
      starts.set(m.kind, line);
      line += stringify(m).split("\n").length; // its lines (the last is empty) stand for the separator
    }
    const takeovers = podSecurityFindings(load().snapshot).filter((f) => f.id === "node.takeover");
    expect(takeovers.map((f) => `${f.subject} ${formatOrigin(f.origin)}`).sort()).toEqual(
      manifests.map((m) => `team-a/x[${m.kind}] <stdin>:${starts.get(m.kind)}:1`).sort(),
    );
  });
});

describe("API defaulting that differs between pods and templates", () => {
  // And its AppArmor annotation sync (PrepareForCreate) to Pods only: a template is stored as written.
  it("a Pod's AppArmor annotation is judged as the field it is copied to too; a Deployment template's is not", () => {
    const metadata = { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } };
    const spec = { containers: [{ name: "app", image: "busybox" }] };
    const yaml = [
      { apiVersion: "v1", kind: "Pod", metadata: { name: "x", namespace: "ops", ...metadata }, spec },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "x", namespace: "ops" },
        spec: {
          selector: { matchLabels: { a: "b" } },
          template: { metadata: { labels: { a: "b" }, ...metadata }, spec },
        },
      },
    ]
      .map((d) => stringify(d))
      .join("---\n");
    const { snapshot } = loadManifests(["-"], { readStdin: () => yaml });
    const messages = Object.fromEntries(
      evaluateSubjects(snapshot, { level: "baseline" }).map((v) => [v.kind, v.message]),
    );
    expect(messages).toEqual({
      Pod: 'violates PodSecurity "baseline:latest": forbidden AppArmor profiles (container "app" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
      Deployment:
        'violates PodSecurity "baseline:latest": forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
    });
  });

  // src/model/defaults.ts applies SetDefaults_Pod's hostNetwork port defaulting to Pods only, as upstream does.
  it("a hostNetwork pod's container ports become host ports; a Deployment template's do not (since v1.28)", () => {
    const spec = {
      hostNetwork: true,
      containers: [{ name: "dns", image: "coredns", ports: [{ containerPort: 53 }] }],
    };
    const yaml = [
      { apiVersion: "v1", kind: "Pod", metadata: { name: "dns", namespace: "ops" }, spec },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "dns", namespace: "ops" },
        spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec } },
      },
    ]
      .map((d) => stringify(d))
      .join("---\n");
    const { snapshot } = loadManifests(["-"], { readStdin: () => yaml });
    const messages = Object.fromEntries(
      evaluateSubjects(snapshot, { level: "baseline" }).map((v) => [v.kind, v.message]),
    );
    expect(messages).toEqual({
      Pod: 'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPort (container "dns" uses hostPort 53)',
      Deployment: 'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)',
    });
  });
});
