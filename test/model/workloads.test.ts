import { describe, expect, it } from "vitest";
import type { PodSpec, Workload } from "../../src/model/objects.js";
import { peerName, podTemplateOf, WORKLOAD_KINDS } from "../../src/model/workloads.js";

const spec: PodSpec = { containers: [{ name: "c", image: "x" }] };
const template = { metadata: { labels: { app: "web" } }, spec };
const meta = { name: "w", namespace: "n" };
const selector = { matchLabels: { app: "web" } };

/** One workload of every kind, its pod template where that kind keeps it. */
const workloads: Record<(typeof WORKLOAD_KINDS)[number], Workload> = {
  Deployment: { apiVersion: "apps/v1", kind: "Deployment", metadata: meta, spec: { selector, template } },
  ReplicaSet: { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: meta, spec: { selector, template } },
  StatefulSet: {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: meta,
    spec: { selector, template, serviceName: "s" },
  },
  DaemonSet: { apiVersion: "apps/v1", kind: "DaemonSet", metadata: meta, spec: { selector, template } },
  Job: { apiVersion: "batch/v1", kind: "Job", metadata: meta, spec: { template } },
  CronJob: {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: meta,
    spec: { schedule: "* * * * *", jobTemplate: { spec: { template } } },
  },
  ReplicationController: {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: meta,
    spec: { template },
  },
  PodTemplate: { apiVersion: "v1", kind: "PodTemplate", metadata: meta, template },
};

describe("podTemplateOf", () => {
  it.each(WORKLOAD_KINDS)("finds the pod template of a %s", (kind) => {
    expect(podTemplateOf(workloads[kind])).toEqual(template);
  });

  it("returns the template itself, so defaulting it defaults the workload", () => {
    const deployment = structuredClone(workloads.Deployment);
    podTemplateOf(deployment)!.spec.hostNetwork = true;
    expect(deployment.kind === "Deployment" && deployment.spec?.template.spec?.hostNetwork).toBe(true);
  });

  it("gives a template without metadata empty metadata", () => {
    const job: Workload = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: meta,
      spec: { template: { spec } },
    };
    expect(podTemplateOf(job)).toEqual({ metadata: {}, spec });
  });

  it.each([
    ["a Deployment without spec", { apiVersion: "apps/v1", kind: "Deployment", metadata: meta }],
    [
      "a template without spec",
      { apiVersion: "apps/v1", kind: "DaemonSet", metadata: meta, spec: { selector, template: {} } },
    ],
    [
      "a CronJob without jobTemplate spec",
      { apiVersion: "batch/v1", kind: "CronJob", metadata: meta, spec: { schedule: "x", jobTemplate: {} } },
    ],
    ["a PodTemplate without template", { apiVersion: "v1", kind: "PodTemplate", metadata: meta }],
  ] as [string, Workload][])("has none for %s", (_reason, workload) => {
    expect(podTemplateOf(workload)).toBeUndefined();
  });
});

describe("peerName", () => {
  it("names namespaced objects ns/name[Kind] and cluster-scoped ones name[Kind]", () => {
    expect(peerName(workloads.CronJob)).toBe("n/w[CronJob]");
    expect(peerName({ kind: "Node", metadata: { name: "node-1" } })).toBe("node-1[Node]");
  });
});
