/** The node plane's findings on the demo cluster and on small fixtures. */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { namespaceReports, podSecurityFindings } from "../../src/podsecurity/index.js";
import { loadDemo } from "../../src/sources/demo.js";
import { loadManifests } from "../../src/sources/manifests.js";

const fromYaml = (docs: object[]) =>
  loadManifests(["-"], { readStdin: () => docs.map((d) => stringify(d)).join("---\n") }).snapshot;

describe("on the demo cluster", () => {
  const findings = podSecurityFindings(loadDemo().snapshot);

  it("default/busybox is a node takeover: privileged, hostPath /, hostNetwork, hostPID", () => {
    const takeover = findings.find((f) => f.id === "node.takeover" && f.subject === "default/busybox[Pod]")!;
    expect(takeover.plane).toBe("node");
    expect(takeover.severity).toBe("critical");
    expect(takeover.message).toBe(
      "default/busybox[Pod] can take over node kind-worker and every tenant on it: privileged, hostPath /, hostNetwork, hostPID",
    );
    expect(takeover.evidence).toHaveLength(4);
    expect(takeover.remediation).toContain(
      "kubectl label namespace default pod-security.kubernetes.io/enforce=baseline",
    );
    expect(takeover.origin).toMatchObject({ line: 76, column: 1 });
    expect(takeover.resource).toEqual({ kind: "Pod", namespace: "default", name: "busybox" });
  });

  it("default enforces nothing, and cannot enforce baseline until busybox is fixed", () => {
    const finding = findings.find((f) => f.id === "node.no-enforce" && f.subject === "default[Namespace]")!;
    expect(finding.severity).toBe("high");
    expect(finding.message).toBe(
      "namespace default enforces nothing (no pod-security.kubernetes.io/enforce label): any pod is admitted, privileged and host-mounting ones included",
    );
    expect(finding.remediation).toBe(
      "no level stricter than privileged admits its current pods (default/busybox[Pod] violates baseline): fix those, then kubectl label namespace default pod-security.kubernetes.io/enforce=baseline",
    );
  });

  it("a namespace whose pods all meet baseline is told the exact label to set", () => {
    const finding = findings.find((f) => f.id === "node.no-enforce" && f.subject === "network[Namespace]")!;
    expect(finding.remediation).toBe(
      "kubectl label namespace network pod-security.kubernetes.io/enforce=baseline (admits every current pod and workload; restricted would reject network/nginx[Pod])",
    );
  });

  it("platform namespaces and their pods are reported at low or info severity", () => {
    const system = findings.filter((f) => f.subject.startsWith("kube-system"));
    expect(system.length).toBeGreaterThan(0);
    expect(system.every((f) => f.severity === "low" || f.severity === "info")).toBe(true);
  });

  it("tenant pods that keep to their containers have no escape findings", () => {
    expect(findings.filter((f) => f.subject === "default/nginx-default[Pod]")).toEqual([]);
  });
});

describe("namespace policies", () => {
  const ns = (name: string, labels: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels },
  });
  const pod = (namespace: string, name: string, spec: object) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec,
  });
  const restrictedSpec = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      { name: "a", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } },
    ],
  };

  it("an existing pod that violates its namespace's enforce level is reported with the exact message", () => {
    const snapshot = fromYaml([
      ns("shop", { "pod-security.kubernetes.io/enforce": "baseline" }),
      pod("shop", "old", { hostIPC: true, containers: [{ name: "a" }] }),
    ]);
    const finding = podSecurityFindings(snapshot).find((f) => f.id === "node.enforce-violation")!;
    expect(finding.message).toBe(
      'shop/old[Pod] violates PodSecurity "baseline:latest": host namespaces (hostIPC=true) (it predates the label or was admitted by an exemption)',
    );
  });

  it("a namespace enforcing less than its pods allow is told it can tighten", () => {
    const snapshot = fromYaml([
      ns("shop", { "pod-security.kubernetes.io/enforce": "baseline" }),
      pod("shop", "good", restrictedSpec),
    ]);
    const finding = podSecurityFindings(snapshot).find((f) => f.id === "node.enforce-can-tighten")!;
    expect(finding.remediation).toBe(
      "kubectl label namespace shop pod-security.kubernetes.io/enforce=restricted",
    );
  });

  it("an invalid enforce label is reported with PSA's fail-closed fallback", () => {
    const snapshot = fromYaml([ns("shop", { "pod-security.kubernetes.io/enforce": "Restricted" })]);
    const finding = podSecurityFindings(snapshot).find((f) => f.id === "node.invalid-policy-label")!;
    expect(finding.message).toContain("falls back to restricted (fail closed)");
    expect(namespaceReports(snapshot)[0]!.policy.enforce.level).toBe("restricted");
  });

  it("enforce=privileged is reported as such", () => {
    const snapshot = fromYaml([ns("ops", { "pod-security.kubernetes.io/enforce": "privileged" })]);
    expect(podSecurityFindings(snapshot).map((f) => f.id)).toEqual(["node.enforce-privileged"]);
  });

  it("exempt namespaces and runtime classes are not evaluated", () => {
    const snapshot = fromYaml([
      ns("ops", { "pod-security.kubernetes.io/enforce": "restricted" }),
      ns("shop", { "pod-security.kubernetes.io/enforce": "restricted" }),
      pod("ops", "tool", { containers: [{ name: "a" }] }),
      pod("shop", "vm", { runtimeClassName: "kata", containers: [{ name: "a" }] }),
      pod("shop", "plain", { containers: [{ name: "a" }] }),
    ]);
    const config = {
      defaults: namespaceReports(snapshot)[0]!.policy,
      exemptions: { usernames: [], namespaces: ["ops"], runtimeClasses: ["kata"] },
    };
    const reports = namespaceReports(snapshot, { config });
    expect(reports.map((r) => [r.name, r.exempt, r.enforce.violations.map((v) => v.display)])).toEqual([
      ["ops", ["ops/tool[Pod]"], []],
      ["shop", ["shop/vm[Pod]"], ["shop/plain[Pod]"]],
    ]);
    expect(
      podSecurityFindings(snapshot, { config }).find((f) => f.id === "node.namespace-exempt")?.subject,
    ).toBe("ops[Namespace]");
  });

  it("a ReplicaSet and pods owned by a Deployment in the snapshot are reported once, through the Deployment", () => {
    const template = {
      metadata: { labels: { a: "b" } },
      spec: { hostPID: true, containers: [{ name: "a", securityContext: { privileged: true } }] },
    };
    const owner = (kind: string, name: string) => [
      { apiVersion: "apps/v1", kind, name, uid: name, controller: true },
    ];
    const snapshot = fromYaml([
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "shop" },
        spec: { selector: { matchLabels: { a: "b" } }, template },
      },
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { name: "web-1", namespace: "shop", ownerReferences: owner("Deployment", "web") },
        spec: { selector: { matchLabels: { a: "b" } }, template },
      },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web-1-x", namespace: "shop", ownerReferences: owner("ReplicaSet", "web-1") },
        spec: template.spec,
      },
    ]);
    expect(
      podSecurityFindings(snapshot)
        .filter((f) => f.id === "node.takeover")
        .map((f) => f.subject),
    ).toEqual(["shop/web[Deployment]"]);
  });
});
