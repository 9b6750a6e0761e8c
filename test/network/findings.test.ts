/** Network findings: what `audit` reports, with evidence and the policy that closes each gap. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { allObjects } from "../../src/model/snapshot.js";
import {
  crossNamespaceByNamespace,
  networkFindings,
  PER_WORKLOAD_CLASS_LIMIT,
} from "../../src/network/findings.js";
import { analyzeNetwork } from "../../src/network/model.js";
import { reach, resolveEnd } from "../../src/network/resolve.js";
import { PER_WORKLOAD_PEER_LIMIT } from "../../src/network/rules/cross-namespace.js";
import { loadDemo } from "../../src/sources/demo.js";
import { namespace, node, pod, policy, snapshotOf } from "./support.js";

describe("networkFindings", () => {
  it("on the demo: every pod reaches network/nginx on TCP 80, and the policy that closes it", () => {
    const findings = networkFindings(loadDemo().snapshot);
    const nginx = findings.find(
      (f) => f.id === "network.cross-namespace" && f.object === "network/nginx[Pod]",
    )!;
    expect(nginx.plane).toBe("network");
    expect(nginx.severity).toBe("high");
    expect(nginx.message).toContain("can reach network/nginx[Pod] on TCP 80");
    expect(nginx.evidence).toContain("default/busybox[Pod] => network/nginx[Pod] : All Connections");
    expect(nginx.evidence).toContain("default/alpine[Pod] => network/nginx[Pod] : All Connections");
    expect(nginx.evidence[0]).toBe(
      "no NetworkPolicy in namespace network selects network/nginx[Pod] for Ingress: all ingress is allowed",
    );
    expect(nginx.remediation).toContain(
      "name: allow-same-namespace\n  namespace: network\nspec:\n  podSelector: {}",
    );
    // busybox is hostNetwork on nginx's node: the one source no NetworkPolicy can stop.
    expect(
      nginx.evidence.some((e) => e.startsWith("default/busybox[Pod] uses hostNetwork on kind-worker")),
    ).toBe(true);
    expect(nginx.resource).toEqual({ kind: "Pod", namespace: "network", name: "nginx" });
    expect(nginx.origin).toMatchObject({ line: expect.any(Number) });
    expect(findings.filter((f) => f.id === "network.no-default-deny-ingress").map((f) => f.subject)).toEqual([
      "namespace default",
      "namespace kube-system",
      "namespace network",
      "namespace test-namespace",
    ]);
  });

  it("the proposed policy closes the gap on the demo, except for the hostNetwork pod on nginx's node", () => {
    const demo = loadDemo().snapshot;
    const nginx = networkFindings(demo).find(
      (f) => f.id === "network.cross-namespace" && f.object === "network/nginx[Pod]",
    )!;
    const yaml = nginx.remediation.slice(
      nginx.remediation.indexOf("apiVersion:"),
      nginx.remediation.indexOf("\nIt closes"),
    );
    const fixed = analyzeNetwork(
      snapshotOf([...allObjects(demo).map((o) => JSON.parse(JSON.stringify(o))), parse(yaml)]),
    );
    const can = (src: string) =>
      reach(fixed, resolveEnd(fixed, src), resolveEnd(fixed, "network/nginx"), 80, "TCP").allowed;
    expect(can("default/alpine")).toBe(false);
    expect(can("test-namespace/nginx-test")).toBe(false);
    expect(can("kube-system/etcd-kind-control-plane")).toBe(false); // hostNetwork, but on another node
    expect(can("default/busybox")).toBe(true); // hostNetwork on kind-worker, nginx's node
  });

  it("above the per-workload limit, cross-namespace reachability is reported per destination namespace", () => {
    const findings = crossNamespaceByNamespace(analyzeNetwork(loadDemo().snapshot));
    const network = findings.find((f) => f.object === "namespace network")!;
    expect(network).toMatchObject({ severity: "high", subject: "every other namespace" });
    expect(network.evidence).toEqual([
      "namespaces reaching network: default (full), kube-system (full), test-namespace (full)",
      "for example default/nginx-default[Pod] => network/nginx[Pod] : All Connections",
      "not isolated for ingress (every source allowed): network/nginx[Pod]",
    ]);
    expect(network.remediation).toContain("name: allow-same-namespace");
  });

  it("many bare pods that no policy tells apart: reported per namespace, not per pod pair (which would be 10^10 at 110 000 pods)", () => {
    const pods = Array.from({ length: 2 * (PER_WORKLOAD_PEER_LIMIT + 1) }, (_, i) =>
      pod(`ns-${i % 2}/p${i}`),
    );
    const model = analyzeNetwork(snapshotOf([namespace("ns-0"), namespace("ns-1"), ...pods]));
    // One class per namespace: the class limit alone would take the per-workload path.
    expect(model.table.externalStart).toBeLessThan(PER_WORKLOAD_CLASS_LIMIT);
    const cross = networkFindings(model.snapshot).filter((f) => f.id === "network.cross-namespace");
    expect(cross.map((f) => f.object).sort()).toEqual(["namespace ns-0", "namespace ns-1"]);
  });

  it("policies that select nothing, peers that match nothing, shadowed policies, blocked DNS", () => {
    const snapshot = snapshotOf([
      namespace("x"),
      namespace("kube-system"),
      node("n1", "192.168.0.1"),
      pod("x/a", { ip: "10.0.0.1", labels: { app: "a" } }),
      pod("kube-system/dns", {
        ip: "10.0.9.9",
        labels: { "k8s-app": "kube-dns" },
        ports: [{ name: "dns", containerPort: 53, protocol: "UDP" }],
      }),
      policy("x/typo", { podSelector: { matchLabels: { app: "aa" } }, policyTypes: ["Ingress"] }),
      policy("x/from-nowhere", {
        podSelector: {},
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "ghost" } } }] }],
      }),
      policy("x/deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      policy("x/deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] }),
    ]);
    const findings = networkFindings(snapshot);
    const ids = (id: string) => findings.filter((f) => f.id === id).map((f) => f.subject);
    expect(ids("network.policy-selects-nothing")).toEqual(["x/typo[NetworkPolicy]"]);
    expect(ids("network.peer-matches-nothing")).toEqual(["x/from-nowhere[NetworkPolicy]"]);
    // deny-ingress adds nothing: deny-all already isolates every pod for ingress.
    expect(ids("network.policy-shadowed")).toContain("x/deny-ingress[NetworkPolicy]");
    expect(ids("network.policy-shadowed")).not.toContain("x/deny-all[NetworkPolicy]");
    const dns = findings.find((f) => f.id === "network.dns-egress-blocked")!;
    expect(dns.subject).toBe("namespace x");
    expect(dns.remediation).toContain("k8s-app: kube-dns");
  });

  it("an empty podSelector in a namespace with no pod yet is no policy that selects nothing: it selects every pod to come", () => {
    const snapshot = snapshotOf([
      namespace("empty"),
      namespace("x"),
      pod("x/a", { ip: "10.0.0.1", labels: { app: "a" } }),
      policy("empty/deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      policy("empty/typo", { podSelector: { matchLabels: { app: "aa" } }, policyTypes: ["Ingress"] }),
    ]);
    const ids = networkFindings(snapshot)
      .filter((f) => f.id === "network.policy-selects-nothing")
      .map((f) => f.subject);
    expect(ids).toEqual(["empty/typo[NetworkPolicy]"]);
  });

  it("an invalid policy is a finding with the API server's message", () => {
    const findings = networkFindings(
      snapshotOf([
        namespace("x"),
        policy("x/bad", {
          podSelector: {},
          egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.0/7"] } }] }],
        }),
      ]),
    );
    expect(findings.find((f) => f.id === "network.invalid-policy")?.evidence).toEqual([
      'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.0.0.0/7": must be a strict subset of `cidr`',
    ]);
  });
});
