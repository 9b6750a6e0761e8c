import { describe, expect, it } from "vitest";
import { reach, resolveEnd } from "../../src/network/resolve.js";
import { allowed, model, namespace, pod, policy } from "./support.js";

const service = (ref: string, clusterIP: string, selector: Record<string, string>) => {
  const [ns, name] = ref.split("/") as [string, string];
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: ns },
    spec: { clusterIP, clusterIPs: [clusterIP], selector, ports: [{ port: 80, targetPort: "http" }] },
  };
};

describe("resolving a destination", () => {
  const objects = [
    namespace("a"),
    namespace("b"),
    pod("a/client", { ip: "10.244.0.5" }),
    pod("b/web", {
      labels: { app: "web" },
      ip: "10.244.0.6",
      ports: [{ name: "http", containerPort: 8080 }],
    }),
    service("b/web", "10.96.0.10", { app: "web" }),
    policy("b/deny-all", { podSelector: {} }),
  ];

  it("a Service's cluster IP is the Service (kube-proxy rewrites it to an endpoint), not an outside address", () => {
    const m = model(objects);
    const byIP = resolveEnd(m, "10.96.0.10");
    expect(byIP.name).toBe("b/web[Service]");
    // Under b's deny-all the Service's pods are isolated, by name or by cluster IP alike.
    expect(allowed(m, "a/client", "b/svc/web")).toBe(false);
    expect(allowed(m, "a/client", "10.96.0.10")).toBe(false);
    expect(allowed(model(objects.slice(0, -1)), "a/client", "10.96.0.10")).toBe(true);
  });

  it("an address that is neither a pod's nor a Service's stays outside the cluster", () => {
    expect(resolveEnd(model(objects), "10.96.0.11").name).toBe("10.96.0.11[External]");
  });

  it("a hostNetwork pod on no known node says its address was not read, instead of naming an invented one", () => {
    const m = model([namespace("a"), pod("a/h", { hostNetwork: true }), ...objects.slice(1)]);
    const answer = reach(m, resolveEnd(m, "a/h"), resolveEnd(m, "b/web"), 8080, "TCP");
    expect(answer.egress.reason).toMatch(
      /^a\/h\[Pod\] uses hostNetwork: NetworkPolicy treats it as its node \(its address was not read; [0-9.]+ stands for it here\), which no policy selects$/,
    );
  });
});
