import { describe, expect, it } from "vitest";
import { applyDefaults, NAMESPACE_NAME_LABEL } from "../../src/model/defaults.js";
import type { NetworkPolicy, Pod } from "../../src/model/objects.js";
import { buildSnapshot } from "../../src/sources/build.js";
import { parseDocuments } from "../../src/sources/documents.js";

/** Through the real pipeline: parse → admit (default, validate) → snapshot. */
function load(yaml: string) {
  const parsed = parseDocuments(yaml, "test.yaml");
  const result = buildSnapshot(parsed.documents, { synthesizeNamespaces: true });
  return { ...result, diagnostics: [...parsed.diagnostics, ...result.diagnostics] };
}

function policy(spec: NetworkPolicy["spec"]): NetworkPolicy {
  const p = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "p", namespace: "n" },
    spec,
  } as NetworkPolicy;
  applyDefaults(p);
  return p;
}

describe("NetworkPolicy defaulting (SetDefaults_NetworkPolicy, SetDefaults_NetworkPolicyPort)", () => {
  // [reason, spec, expected policyTypes]
  const cases: [string, NetworkPolicy["spec"], string[]][] = [
    ["no rules at all: Ingress only (a default-deny ingress)", { podSelector: {} }, ["Ingress"]],
    ["ingress rules only: Ingress", { podSelector: {}, ingress: [{}] }, ["Ingress"]],
    [
      "an egress rule adds Egress",
      { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] },
      ["Ingress", "Egress"],
    ],
    ["one empty egress rule counts as a rule", { podSelector: {}, egress: [{}] }, ["Ingress", "Egress"]],
    ["an empty egress list is no rule", { podSelector: {}, egress: [] }, ["Ingress"]],
    ["explicit policyTypes are kept", { podSelector: {}, policyTypes: ["Egress"] }, ["Egress"]],
    [
      "explicit policyTypes win over rules",
      { podSelector: {}, policyTypes: ["Egress"], ingress: [{}] },
      ["Egress"],
    ],
    [
      "an empty policyTypes list is defaulted",
      { podSelector: {}, policyTypes: [], egress: [{}] },
      ["Ingress", "Egress"],
    ],
  ];
  it.each(cases)("%s", (_reason, spec, expected) => {
    expect(policy(spec).spec?.policyTypes).toEqual(expected);
  });

  it("gives every ingress and egress port without a protocol TCP, keeps the others", () => {
    const p = policy({
      podSelector: {},
      ingress: [{ ports: [{ port: 80 }, { port: 53, protocol: "UDP" }] }],
      egress: [{ ports: [{ port: "dns" }, { protocol: "SCTP" }] }],
    });
    expect(p.spec?.ingress?.[0]?.ports?.map((x) => x.protocol)).toEqual(["TCP", "UDP"]);
    expect(p.spec?.egress?.[0]?.ports?.map((x) => x.protocol)).toEqual(["TCP", "SCTP"]);
  });

  it("a NetworkPolicy without spec selects all pods for ingress (as the API server stores it)", () => {
    const p = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "p", namespace: "n" },
    } as NetworkPolicy;
    applyDefaults(p);
    expect(p.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
  });
});

describe("Pod defaulting (pkg/apis/core/v1/defaults.go)", () => {
  it("container, init container and ephemeral container ports default to TCP; an empty protocol too", () => {
    const { snapshot, diagnostics } = load(`
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: "n"}
spec:
  initContainers: [{name: i, image: x, ports: [{containerPort: 1}]}]
  containers: [{name: c, image: x, ports: [{containerPort: 2, protocol: ""}, {containerPort: 3, protocol: UDP}]}]
`);
    expect(diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    const spec = snapshot.pods[0]!.spec!;
    expect(spec.initContainers![0]!.ports![0]!.protocol).toBe("TCP");
    expect(spec.containers[0]!.ports!.map((p) => p.protocol)).toEqual(["TCP", "UDP"]);
  });

  it("a volume with no source, or only null sources, becomes emptyDir; a volume with a source is kept", () => {
    const { snapshot } = load(`
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: "n"}
spec:
  containers: [{name: c, image: x}]
  volumes:
  - name: bare
  - name: nulled
    hostPath: null
  - name: host
    hostPath: {path: /}
`);
    expect(snapshot.pods[0]!.spec!.volumes).toEqual([
      { name: "bare", emptyDir: {} },
      { name: "nulled", emptyDir: {} },
      { name: "host", hostPath: { path: "/" } },
    ]);
  });

  it("with hostNetwork every container port is also a host port (Pods only, not templates)", () => {
    const { snapshot } = load(`
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: "n"}
spec:
  hostNetwork: true
  containers: [{name: c, image: x, ports: [{containerPort: 80}, {containerPort: 81, hostPort: 9000}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: "n"}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      hostNetwork: true
      containers: [{name: c, image: x, ports: [{containerPort: 80}]}]
`);
    expect(snapshot.pods[0]!.spec!.containers[0]!.ports!.map((p) => p.hostPort)).toEqual([80, 9000]);
    const deployment = snapshot.workloads[0]!;
    expect(
      deployment.kind === "Deployment" && deployment.spec?.template.spec?.containers[0]?.ports?.[0]?.hostPort,
    ).toBeUndefined();
  });

  it("a Pod without spec is left alone", () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "n" } } as Pod;
    applyDefaults(pod);
    expect(pod).toEqual({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "n" } });
  });
});

describe("workload pod templates are defaulted like pods", () => {
  it.each([
    [
      "Deployment",
      "apps/v1",
      "spec:\n  selector: {matchLabels: {a: b}}\n  template:\n    spec: {containers: [{name: c, image: x, ports: [{containerPort: 1}]}], volumes: [{name: v}]}",
    ],
    [
      "CronJob",
      "batch/v1",
      "spec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec: {containers: [{name: c, image: x, ports: [{containerPort: 1}]}], volumes: [{name: v}]}",
    ],
    [
      "PodTemplate",
      "v1",
      "template:\n  spec: {containers: [{name: c, image: x, ports: [{containerPort: 1}]}], volumes: [{name: v}]}",
    ],
  ])("%s", (kind, apiVersion, body) => {
    const { snapshot, diagnostics } = load(
      `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: w, namespace: "n"}\n${body}\n`,
    );
    expect(diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    const text = JSON.stringify(snapshot.workloads[0]);
    expect(text).toContain('"protocol":"TCP"');
    expect(text).toContain('{"name":"v","emptyDir":{}}');
  });

  it("a ReplicationController without selector selects its template's labels and takes them as its own", () => {
    const { snapshot } = load(`
apiVersion: v1
kind: ReplicationController
metadata: {name: rc, namespace: "n"}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
`);
    const rc = snapshot.workloads[0]!;
    expect(rc.kind).toBe("ReplicationController");
    if (rc.kind !== "ReplicationController") return;
    expect(rc.spec?.selector).toEqual({ app: "web" });
    expect(rc.metadata.labels).toEqual({ app: "web" });
  });
});

describe("Service defaulting (SetDefaults_Service)", () => {
  it("ports default to TCP and a missing targetPort to the port", () => {
    const { snapshot } = load(`
apiVersion: v1
kind: Service
metadata: {name: s, namespace: "n"}
spec:
  selector: {app: web}
  ports: [{port: 80}, {port: 53, protocol: UDP, targetPort: dns}]
`);
    expect(snapshot.services[0]!.spec!.ports).toEqual([
      { port: 80, protocol: "TCP", targetPort: 80 },
      { port: 53, protocol: "UDP", targetPort: "dns" },
    ]);
  });
});

describe("Namespace defaulting and namespaces", () => {
  it("every declared namespace carries kubernetes.io/metadata.name, overriding a wrong value", () => {
    const { snapshot } = load(`
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {team: x, kubernetes.io/metadata.name: wrong}}
`);
    expect(snapshot.namespaces.map((n) => n.metadata.labels)).toEqual([
      { [NAMESPACE_NAME_LABEL]: "a" },
      { team: "x", [NAMESPACE_NAME_LABEL]: "b" },
    ]);
  });

  it("a namespaced object without namespace lands in default, or in -n", () => {
    const yaml = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n";
    expect(load(yaml).snapshot.serviceAccounts[0]!.metadata.namespace).toBe("default");
    const parsed = parseDocuments(yaml, "t.yaml");
    const withN = buildSnapshot(parsed.documents, { defaultNamespace: "team-a" });
    expect(withN.snapshot.serviceAccounts[0]!.metadata.namespace).toBe("team-a");
  });

  it("namespaces that objects live in but nobody declared are synthesized, labelled and reported", () => {
    const { snapshot, diagnostics } = load(`
apiVersion: v1
kind: ServiceAccount
metadata: {name: a, namespace: ghost}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: b, namespace: ghost}
`);
    expect(snapshot.namespaces.map((n) => n.metadata)).toEqual([
      { name: "ghost", labels: { [NAMESPACE_NAME_LABEL]: "ghost" } },
    ]);
    expect(diagnostics).toEqual([
      {
        severity: "info",
        message:
          'namespace "ghost" is not declared but 2 objects live in it; assumed to exist with no labels other than kubernetes.io/metadata.name',
      },
    ]);
  });
});
