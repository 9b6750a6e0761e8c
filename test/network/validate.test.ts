/** API-server validation of NetworkPolicies, worded as the API server words it (validation.go, field/errors.go). */
import { describe, expect, it } from "vitest";
import { validateNetworkPolicy } from "../../src/model/admission/network-policy.js";
import type { NetworkPolicy } from "../../src/model/objects.js";
import { model, namespace, pod, policy } from "./support.js";

const errors = (spec: Record<string, unknown>) =>
  validateNetworkPolicy(policy("x/p", spec) as unknown as NetworkPolicy).errors.map((e) => e.message);

describe("validateNetworkPolicy", () => {
  it.each([
    [
      "protocol must be TCP, UDP or SCTP",
      { podSelector: {}, ingress: [{ ports: [{ protocol: "ICMP", port: 80 }] }] },
      'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    ],
    [
      "a numeric port is 1-65535",
      { podSelector: {}, egress: [{ ports: [{ port: 70000 }] }] },
      "spec.egress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
    ],
    [
      "endPort is at least port",
      { podSelector: {}, ingress: [{ ports: [{ port: 8080, endPort: 80 }] }] },
      "spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`",
    ],
    [
      "endPort needs a numeric port",
      { podSelector: {}, ingress: [{ ports: [{ port: "http", endPort: 90 }] }] },
      "spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
    ],
    [
      "endPort needs a port",
      { podSelector: {}, ingress: [{ ports: [{ endPort: 90 }] }] },
      "spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is not specified",
    ],
    [
      "a named port is an IANA service name",
      { podSelector: {}, ingress: [{ ports: [{ port: "HTTP" }] }] },
      'spec.ingress[0].ports[0].port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ],
    [
      "a peer must set a field",
      { podSelector: {}, ingress: [{ from: [{}] }] },
      "spec.ingress[0].from[0]: Required value: must specify a peer",
    ],
    [
      "ipBlock is exclusive",
      { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }] }] },
      "spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer",
    ],
    [
      "cidr must parse",
      { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0" } }] }] },
      'spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
    [
      "except must be a strict subset of cidr",
      { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.0/8"] } }] }] },
      'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
    ],
    [
      "except outside cidr",
      {
        podSelector: {},
        egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["192.168.0.0/16"] } }] }],
      },
      'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`',
    ],
    [
      "policyTypes are Ingress or Egress",
      { podSelector: {}, policyTypes: ["Ingres"] },
      'spec.policyTypes[0]: Unsupported value: "Ingres": supported values: "Ingress", "Egress"',
    ],
    [
      "In needs values",
      { podSelector: { matchExpressions: [{ key: "app", operator: "In", values: [] }] } },
      "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ],
    [
      "operators are validated",
      {
        podSelector: {},
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchExpressions: [{ key: "team", operator: "Equals", values: ["a"] }] },
              },
            ],
          },
        ],
      },
      'spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
    ],
  ])("%s", (_reason, spec, message) => {
    expect(errors(spec)).toContain(message);
  });

  it("accepts a valid policy, and CIDRs with host bits (with a warning)", () => {
    const result = validateNetworkPolicy(
      policy("x/p", {
        podSelector: {},
        egress: [
          {
            to: [{ ipBlock: { cidr: "10.0.0.1/8" } }],
            ports: [{ port: 80, endPort: 90 }, { port: "serve-80-tcp" }],
          },
        ],
      }) as unknown as NetworkPolicy,
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      'spec.egress[0].to[0].ipBlock.cidr: CIDR value "10.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)',
    ]);
  });

  it("an invalid policy is reported and left out of evaluation", () => {
    const m = model([
      namespace("x"),
      pod("x/a", { ip: "10.0.0.1" }),
      pod("x/b", { ip: "10.0.0.2" }),
      policy("x/bad", { podSelector: {}, ingress: [{ from: [{}] }] }),
    ]);
    expect(m.policies).toEqual([]);
    expect(m.diagnostics.map((d) => d.message)).toEqual([
      'NetworkPolicy.networking.k8s.io "bad" is invalid: spec.ingress[0].from[0]: Required value: must specify a peer (namespace x); left out of the analysis',
    ]);
    expect(m.evaluator.conns(0, 1).isAll()).toBe(true);
  });
});
