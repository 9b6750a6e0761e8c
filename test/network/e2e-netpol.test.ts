/**
 * The upstream conformance cases, transcribed as static fixtures: kubernetes/kubernetes
 * test/e2e/network/netpol/network_policy.go. Same model (model.go): namespaces x, y, z; pods a, b, c labelled
 * pod=<name>; one container per (port, protocol) with port name serve-<port>-<proto>. Same truth tables
 * (reachability.go: default true, then ExpectPeer / ExpectAllIngress / ExpectAllEgress / Expect), and
 * loopback ignored (ignoreLoopback = true). The probes go to each pod's Service, which is judged at its pod.
 * Policies are built as policies.go builds them: SetSpecIngressRules/SetSpecEgressRules set policyTypes.
 */
import { describe, expect, it } from "vitest";
import type { Protocol } from "../../src/network/conns.js";
import { analyzeNetwork } from "../../src/network/model.js";
import { reach, resolveEnd } from "../../src/network/resolve.js";
import { snapshotOf } from "./support.js";

const NS_INDEX: Record<string, number> = { x: 1, y: 2, z: 3 };
const POD_INDEX: Record<string, number> = { a: 1, b: 2, c: 3 };
const ipOf = (pod: string) => {
  const [ns, name] = pod.split("/") as [string, string];
  return `10.244.${NS_INDEX[ns]}.${POD_INDEX[name]}`;
};

type Rule = Record<string, unknown>;
type Policy = { ns: string; name: string; spec: Record<string, unknown> };

/** GenNetworkPolicyWithNameAndPodSelector / …PodMatchLabel with SetSpecIngressRules / SetSpecEgressRules. */
function gen(
  ns: string,
  name: string,
  podSelector: object,
  rules: { ingress?: Rule[]; egress?: Rule[] },
): Policy {
  const spec: Record<string, unknown> = { podSelector };
  const types: string[] = [];
  if (rules.ingress) {
    spec.ingress = rules.ingress;
    types.push("Ingress");
  }
  if (rules.egress) {
    spec.egress = rules.egress;
    types.push("Egress");
  }
  spec.policyTypes = types;
  return { ns, name, spec };
}
const match = (labels: Record<string, string>) => ({ matchLabels: labels });
const NSKEY = "kubernetes.io/metadata.name";

interface Peer {
  ns?: string;
  pod?: string;
}

/** reachability.go: a truth table over the pods, everything true by default. */
class Reachability {
  readonly expected = new Map<string, boolean>();
  constructor(readonly pods: string[]) {
    for (const a of pods) for (const b of pods) this.expected.set(`${a}>${b}`, true);
  }
  private matches(peer: Peer, pod: string) {
    const [ns, name] = pod.split("/");
    return (peer.ns === undefined || peer.ns === ns) && (peer.pod === undefined || peer.pod === name);
  }
  expectPeer(from: Peer, to: Peer, value: boolean): this {
    for (const a of this.pods)
      for (const b of this.pods)
        if (this.matches(from, a) && this.matches(to, b)) this.expected.set(`${a}>${b}`, value);
    return this;
  }
  expectAllIngress(pod: string, value: boolean): this {
    const [ns, name] = pod.split("/");
    return this.expectPeer({}, { ns, pod: name }, value);
  }
  expectAllEgress(pod: string, value: boolean): this {
    const [ns, name] = pod.split("/");
    return this.expectPeer({ ns, pod: name }, {}, value);
  }
  expect(from: string, to: string, value: boolean): this {
    this.expected.set(`${from}>${to}`, value);
    return this;
  }
}

interface Step {
  policies: Policy[];
  port: number;
  protocol: Protocol;
  reachability: (r: Reachability) => Reachability;
  /** Labels added to pods (AddPodLabels) or namespaces (AddNamespaceLabel) before this step. */
  podLabels?: Record<string, Record<string, string>>;
  nsLabels?: Record<string, Record<string, string>>;
}

interface Case {
  name: string;
  protocols: Protocol[];
  ports: number[];
  pods: string[];
  steps: Step[];
}

function cluster(c: Case, step: Step): unknown[] {
  const objects: unknown[] = ["x", "y", "z"].map((ns) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: ns, labels: { ns, ...(step.nsLabels?.[ns] ?? {}) } },
  }));
  for (const pod of c.pods) {
    const [ns, name] = pod.split("/") as [string, string];
    const containers = c.ports.flatMap((port) =>
      c.protocols.map((protocol) => ({
        name: `cont-${port}-${protocol.toLowerCase()}`,
        image: "agnhost",
        ports: [{ containerPort: port, name: `serve-${port}-${protocol.toLowerCase()}`, protocol }],
      })),
    );
    objects.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: ns, labels: { pod: name, ...(step.podLabels?.[pod] ?? {}) } },
      spec: { containers },
      status: { podIP: ipOf(pod) },
    });
    objects.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: `s-${ns}-${name}`, namespace: ns },
      spec: {
        selector: { pod: name },
        ports: c.ports.flatMap((port) =>
          c.protocols.map((protocol) => ({
            name: `service-port-${protocol.toLowerCase()}-${port}`,
            protocol,
            port,
          })),
        ),
      },
    });
  }
  for (const p of step.policies)
    objects.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: p.name, namespace: p.ns },
      spec: p.spec,
    });
  return objects;
}

function run(c: Case) {
  for (const [i, step] of c.steps.entries()) {
    const model = analyzeNetwork(snapshotOf(cluster(c, step)));
    expect(
      model.diagnostics.filter((d) => d.severity === "error"),
      `step ${i + 1}`,
    ).toEqual([]);
    const want = step.reachability(new Reachability(c.pods));
    const wrong: string[] = [];
    for (const from of c.pods) {
      for (const to of c.pods) {
        if (from === to) continue; // ignoreLoopback
        const [ns, name] = to.split("/") as [string, string];
        const answer = reach(
          model,
          resolveEnd(model, from),
          resolveEnd(model, `${ns}/svc/s-${ns}-${name}`),
          step.port,
          step.protocol,
        );
        const expected = want.expected.get(`${from}>${to}`)!;
        if (answer.allowed !== expected)
          wrong.push(`${from} -> ${to}: expected ${expected}, got ${answer.allowed}`);
      }
    }
    expect(wrong, `step ${i + 1} (${step.protocol}/${step.port})`).toEqual([]);
  }
}

const TCP: Protocol = "TCP";
const r = (f: (r: Reachability) => Reachability = (x) => x) => f;

const cases: Case[] = [
  {
    name: "should support a 'default-deny-ingress' policy",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a", "y/b"],
    steps: [
      {
        policies: [gen("x", "deny-ingress", {}, { ingress: [] })],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectPeer({}, { ns: "x" }, false)),
      },
    ],
  },
  {
    name: "should support a 'default-deny-all' policy",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a"],
    steps: [
      {
        policies: [gen("x", "deny-all", {}, { ingress: [], egress: [] })],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectPeer({}, { ns: "x" }, false).expectPeer({ ns: "x" }, {}, false)),
      },
    ],
  },
  {
    name: "should enforce policy to allow traffic from pods within server namespace based on PodSelector",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "x/c", "y/a"],
    steps: [
      {
        policies: [
          gen("x", "x-a-allows-x-b", match({ pod: "a" }), {
            ingress: [{ from: [{ podSelector: match({ pod: "b" }) }] }],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectAllIngress("x/a", false).expect("x/b", "x/a", true)),
      },
    ],
  },
  {
    name: "should enforce policy to allow ingress traffic for a target",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a"],
    steps: [
      {
        policies: [
          gen("x", "deny-all", {}, { ingress: [] }),
          gen("x", "allow-all-to-a", match({ pod: "a" }), {
            ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectAllIngress("x/a", true).expectAllIngress("x/b", false)),
      },
    ],
  },
  {
    name: "should enforce policy to allow ingress traffic from pods in all namespaces",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a", "z/a"],
    steps: [
      {
        policies: [
          gen("x", "allow-from-another-ns", match({ pod: "a" }), {
            ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r(),
      },
    ],
  },
  {
    name: "should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a", "z/a"],
    steps: [
      {
        policies: [
          gen("x", "allow-client-a-via-ns-selector", match({ pod: "a" }), {
            ingress: [{ from: [{ namespaceSelector: match({ [NSKEY]: "y" }) }] }],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) =>
          x
            .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
            .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
        ),
      },
    ],
  },
  {
    name: "should enforce policy based on PodSelector with MatchExpressions",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a"],
    steps: [
      {
        policies: [
          gen("x", "x-a-allows-x-b", match({ pod: "a" }), {
            ingress: [
              {
                from: [
                  { podSelector: { matchExpressions: [{ key: "pod", operator: "In", values: ["b"] }] } },
                ],
              },
            ],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectAllIngress("x/a", false).expect("x/b", "x/a", true)),
      },
    ],
  },
  {
    name: "should enforce policy based on NamespaceSelector with MatchExpressions",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a", "z/a"],
    steps: [
      {
        policies: [
          gen("x", "allow-ns-y-match-selector", match({ pod: "a" }), {
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: { matchExpressions: [{ key: NSKEY, operator: "In", values: ["y"] }] },
                  },
                ],
              },
            ],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) =>
          x
            .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
            .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
        ),
      },
    ],
  },
  {
    name: "should enforce policy based on PodSelector or NamespaceSelector",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "x/c", "y/a"],
    steps: [
      {
        policies: [
          gen("x", "allow-ns-y-match-selector", match({ pod: "a" }), {
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: {
                      matchExpressions: [{ key: NSKEY, operator: "NotIn", values: ["x"] }],
                    },
                  },
                  { podSelector: match({ pod: "b" }) },
                ],
              },
            ],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expect("x/a", "x/a", false).expect("x/c", "x/a", false)),
      },
    ],
  },
  {
    name: "should enforce policy based on PodSelector and NamespaceSelector",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a", "y/b", "z/b"],
    steps: [
      {
        policies: [
          gen("x", "allow-ns-y-podselector-and-nsselector", match({ pod: "a" }), {
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: {
                      matchExpressions: [{ key: NSKEY, operator: "NotIn", values: ["x"] }],
                    },
                    podSelector: match({ pod: "b" }),
                  },
                ],
              },
            ],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) =>
          x.expectAllIngress("x/a", false).expect("y/b", "x/a", true).expect("z/b", "x/a", true),
        ),
      },
    ],
  },
  {
    name: "should enforce policy based on Multiple PodSelectors and NamespaceSelectors",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a", "y/b", "y/c"],
    steps: [
      {
        policies: [
          gen("x", "allow-ns-y-z-pod-b-c", match({ pod: "a" }), {
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: {
                      matchExpressions: [{ key: NSKEY, operator: "NotIn", values: ["x"] }],
                    },
                    podSelector: { matchExpressions: [{ key: "pod", operator: "In", values: ["b", "c"] }] },
                  },
                ],
              },
            ],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) =>
          x.expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false).expect("y/a", "x/a", false),
        ),
      },
    ],
  },
  {
    name: "should enforce policy based on any PodSelectors",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "x/c"],
    steps: [
      {
        policies: [
          gen("x", "allow-ns-x-pod-b-c", match({ pod: "a" }), {
            ingress: [{ from: [{ podSelector: match({ pod: "b" }) }, { podSelector: match({ pod: "c" }) }] }],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) =>
          x.expectAllIngress("x/a", false).expect("x/b", "x/a", true).expect("x/c", "x/a", true),
        ),
      },
    ],
  },
  {
    name: "should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a", "y/b", "z/a"],
    steps: [
      {
        policies: [
          gen("x", "allow-ns-y-pod-a-via-namespace-pod-selector", match({ pod: "a" }), {
            ingress: [
              { from: [{ namespaceSelector: match({ [NSKEY]: "y" }), podSelector: match({ pod: "a" }) }] },
            ],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectAllIngress("x/a", false).expect("y/a", "x/a", true)),
      },
    ],
  },
  {
    name: "should enforce policy based on Ports",
    protocols: [TCP],
    ports: [81],
    pods: ["x/a", "x/b", "y/a", "y/b", "z/a"],
    steps: [
      {
        policies: [
          gen("x", "allow-client-a-via-ns-selector", match({ pod: "a" }), {
            ingress: [
              {
                from: [{ namespaceSelector: match({ [NSKEY]: "y" }) }],
                ports: [{ port: 81, protocol: "TCP" }],
              },
            ],
          }),
        ],
        port: 81,
        protocol: TCP,
        reachability: r((x) =>
          x
            .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
            .expectPeer({ ns: "y" }, { ns: "x", pod: "a" }, true)
            .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
        ),
      },
    ],
  },
  (() => {
    const allow81 = gen("x", "allow-client-a-via-ns-selector", match({ pod: "a" }), {
      ingress: [
        { from: [{ namespaceSelector: match({ [NSKEY]: "y" }) }], ports: [{ port: 81, protocol: "TCP" }] },
      ],
    });
    const allow80 = gen("x", "allow-client-a-via-ns-selector-80", match({ pod: "a" }), {
      ingress: [
        { from: [{ namespaceSelector: match({ [NSKEY]: "y" }) }], ports: [{ port: 80, protocol: "TCP" }] },
      ],
    });
    const allow = r((x) =>
      x
        .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
        .expectPeer({ ns: "y" }, { ns: "x", pod: "a" }, true)
        .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
    );
    return {
      name: "should enforce multiple, stacked policies with overlapping podSelectors",
      protocols: [TCP],
      ports: [80, 81],
      pods: ["x/a", "x/b", "y/a", "y/b", "z/a"],
      steps: [
        { policies: [allow81], port: 81, protocol: TCP, reachability: allow },
        {
          policies: [allow81],
          port: 80,
          protocol: TCP,
          reachability: r((x) => x.expectAllIngress("x/a", false)),
        },
        { policies: [allow81, allow80], port: 80, protocol: TCP, reachability: allow },
      ],
    };
  })(),
  {
    name: "should support allow-all policy",
    protocols: [TCP],
    ports: [80, 81],
    pods: ["x/a", "x/b", "y/a"],
    steps: [80, 81].map((port) => ({
      policies: [gen("x", "allow-all", match({}), { ingress: [{}] })],
      port,
      protocol: TCP,
      reachability: r(),
    })),
  },
  {
    name: "should allow ingress access on one named port",
    protocols: [TCP],
    ports: [80, 81],
    pods: ["x/a", "x/b", "y/a"],
    steps: [
      {
        policies: [gen("x", "allow-all", match({}), { ingress: [{ ports: [{ port: "serve-81-tcp" }] }] })],
        port: 81,
        protocol: TCP,
        reachability: r(),
      },
      {
        policies: [gen("x", "allow-all", match({}), { ingress: [{ ports: [{ port: "serve-81-tcp" }] }] })],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectPeer({}, { ns: "x" }, false)),
      },
    ],
  },
  (() => {
    const policy = gen("x", "allow-client-a-via-ns-selector-80", match({ pod: "a" }), {
      ingress: [
        {
          from: [{ namespaceSelector: match({ [NSKEY]: "y" }) }],
          ports: [{ port: "serve-80-tcp", protocol: "TCP" }],
        },
      ],
    });
    return {
      name: "should allow ingress access from namespace on one named port",
      protocols: [TCP],
      ports: [80, 81],
      pods: ["x/a", "x/b", "y/a", "z/a"],
      steps: [
        {
          policies: [policy],
          port: 80,
          protocol: TCP,
          reachability: r((x) =>
            x
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          ),
        },
        {
          policies: [policy],
          port: 81,
          protocol: TCP,
          reachability: r((x) => x.expectAllIngress("x/a", false)),
        },
      ],
    };
  })(),
  (() => {
    const policy = gen("x", "allow-egress", match({}), { egress: [{ ports: [{ port: "serve-80-tcp" }] }] });
    return {
      name: "should allow egress access on one named port",
      protocols: [TCP],
      ports: [80, 81],
      pods: ["x/a", "y/a"],
      steps: [
        { policies: [policy], port: 80, protocol: TCP, reachability: r() },
        {
          policies: [policy],
          port: 81,
          protocol: TCP,
          reachability: r((x) => x.expectPeer({ ns: "x" }, {}, false)),
        },
      ],
    };
  })(),
  {
    name: "should enforce updated policy",
    protocols: [TCP],
    ports: [81],
    pods: ["x/a", "y/a"],
    steps: [
      {
        policies: [gen("x", "allow-all-mutate-to-deny-all", match({}), { ingress: [{}] })],
        port: 81,
        protocol: TCP,
        reachability: r(),
      },
      {
        // policy.Spec.Ingress = []: policyTypes stays [Ingress]
        policies: [gen("x", "allow-all-mutate-to-deny-all", match({}), { ingress: [] })],
        port: 81,
        protocol: TCP,
        reachability: r((x) => x.expectPeer({}, { ns: "x" }, false)),
      },
    ],
  },
  (() => {
    const policy = gen("x", "allow-client-a-via-ns-selector", match({ pod: "a" }), {
      ingress: [{ from: [{ namespaceSelector: match({ ns2: "updated" }) }] }],
    });
    return {
      name: "should allow ingress access from updated namespace",
      protocols: [TCP],
      ports: [80],
      pods: ["x/a", "y/a"],
      steps: [
        {
          policies: [policy],
          port: 80,
          protocol: TCP,
          reachability: r((x) => x.expectAllIngress("x/a", false)),
        },
        {
          policies: [policy],
          nsLabels: { y: { ns2: "updated" } },
          port: 80,
          protocol: TCP,
          reachability: r((x) => x.expectAllIngress("x/a", false).expectPeer({ ns: "y" }, {}, true)),
        },
      ],
    };
  })(),
  (() => {
    const policy = gen("x", "allow-client-a-via-pod-selector", match({ pod: "a" }), {
      ingress: [{ from: [{ podSelector: match({ pod: "b", pod2: "updated" }) }] }],
    });
    return {
      name: "should allow ingress access from updated pod",
      protocols: [TCP],
      ports: [80],
      pods: ["x/a", "x/b"],
      steps: [
        {
          policies: [policy],
          port: 80,
          protocol: TCP,
          reachability: r((x) => x.expectAllIngress("x/a", false)),
        },
        {
          policies: [policy],
          podLabels: { "x/b": { pod: "b", pod2: "updated" } },
          port: 80,
          protocol: TCP,
          reachability: r((x) => x.expectAllIngress("x/a", false).expect("x/b", "x/a", true)),
        },
      ],
    };
  })(),
  {
    name: "should deny ingress from pods on other namespaces",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a", "z/a"],
    steps: [
      {
        policies: [
          gen("x", "deny-empty-policy", {}, { ingress: [{ from: [{ podSelector: { matchLabels: {} } }] }] }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) =>
          x.expectPeer({ ns: "y" }, { ns: "x" }, false).expectPeer({ ns: "z" }, { ns: "x" }, false),
        ),
      },
    ],
  },
  (() => {
    const policy = gen("x", "deny-ingress-via-label-selector", match({ target: "isolated" }), {
      ingress: [],
    });
    return {
      name: "should deny ingress access to updated pod",
      protocols: [TCP],
      ports: [80],
      pods: ["x/a", "y/a"],
      steps: [
        { policies: [policy], port: 80, protocol: TCP, reachability: r() },
        {
          policies: [policy],
          podLabels: { "x/a": { target: "isolated" } },
          port: 80,
          protocol: TCP,
          reachability: r((x) => x.expectAllIngress("x/a", false)),
        },
      ],
    };
  })(),
  {
    name: "should deny egress from pods based on PodSelector",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a"],
    steps: [
      {
        policies: [gen("x", "deny-egress-pod-a", match({ pod: "a" }), { egress: [] })],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectAllEgress("x/a", false)),
      },
    ],
  },
  {
    name: "should deny egress from all pods in a namespace",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a"],
    steps: [
      {
        policies: [gen("x", "deny-egress-ns-x", {}, { egress: [] })],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectPeer({ ns: "x" }, {}, false)),
      },
    ],
  },
  (() => {
    const policy: Policy = {
      ns: "x",
      name: "allow-client-a-via-pod-selector",
      spec: {
        podSelector: match({ pod: "a" }),
        ingress: [{ from: [{ podSelector: match({ pod: "b" }) }] }],
        egress: [{ ports: [{ port: 80 }] }],
        policyTypes: ["Egress", "Ingress"],
      },
    };
    return {
      name: "should work with Ingress, Egress specified together",
      protocols: [TCP],
      ports: [80, 81],
      pods: ["x/a", "x/b", "x/c", "y/a"],
      steps: [
        {
          policies: [policy],
          port: 80,
          protocol: TCP,
          reachability: r((x) => x.expectAllIngress("x/a", false).expect("x/b", "x/a", true)),
        },
        {
          policies: [policy],
          port: 81,
          protocol: TCP,
          reachability: r((x) =>
            x.expectAllIngress("x/a", false).expectAllEgress("x/a", false).expect("x/b", "x/a", true),
          ),
        },
      ],
    };
  })(),
  (() => {
    const ingressRule = {
      from: [{ namespaceSelector: match({ [NSKEY]: "x" }), podSelector: match({ pod: "a" }) }],
    };
    return {
      name: "should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)",
      protocols: [TCP],
      ports: [80],
      pods: ["x/a", "y/a", "y/b"],
      steps: [
        {
          policies: [
            gen("x", "allow-to-ns-y-pod-a", match({ pod: "a" }), {
              egress: [
                { to: [{ namespaceSelector: match({ [NSKEY]: "y" }), podSelector: match({ pod: "a" }) }] },
              ],
            }),
            gen("y", "allow-from-xa-on-ya-match-selector", match({ pod: "a" }), { ingress: [ingressRule] }),
            gen("y", "allow-from-xa-on-yb-match-selector", match({ pod: "b" }), { ingress: [ingressRule] }),
          ],
          port: 80,
          protocol: TCP,
          reachability: r((x) =>
            x
              .expectPeer({ ns: "x", pod: "a" }, {}, false)
              .expectPeer({}, { ns: "y", pod: "a" }, false)
              .expectPeer({ ns: "x", pod: "a" }, { ns: "y", pod: "a" }, true)
              .expectPeer({}, { ns: "y", pod: "b" }, false),
          ),
        },
      ],
    };
  })(),
  {
    name: "should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "y/a", "y/b"],
    steps: [
      {
        policies: [
          gen("x", "allow-to-ns-y-pod-a", match({ pod: "a" }), {
            egress: [
              { to: [{ namespaceSelector: match({ [NSKEY]: "y" }), podSelector: match({ pod: "a" }) }] },
            ],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectAllEgress("x/a", false).expect("x/a", "y/a", true)),
      },
    ],
  },
  (() => {
    const policy = gen("x", "allow-ingress-by-proto", match({ pod: "a" }), {
      ingress: [{ ports: [{ protocol: "TCP" }] }],
    });
    return {
      name: "should enforce ingress policy allowing any port traffic to a server on a specific protocol",
      protocols: [TCP, "UDP"],
      ports: [80],
      pods: ["x/a", "y/a"],
      steps: [
        { policies: [policy], port: 80, protocol: TCP, reachability: r() },
        {
          policies: [policy],
          port: 80,
          protocol: "UDP",
          reachability: r((x) => x.expectPeer({}, { ns: "x", pod: "a" }, false)),
        },
      ],
    };
  })(),
  (() => {
    const only80 = gen("x", "allow-ingress-port-80", match({}), { ingress: [{ ports: [{ port: 80 }] }] });
    return {
      name: "should enforce multiple ingress policies with ingress allow-all policy taking precedence",
      protocols: [TCP],
      ports: [81],
      pods: ["x/a", "y/a"],
      steps: [
        {
          policies: [only80],
          port: 81,
          protocol: TCP,
          reachability: r((x) => x.expectPeer({}, { ns: "x" }, false)),
        },
        {
          policies: [only80, gen("x", "allow-ingress", match({}), { ingress: [{}] })],
          port: 81,
          protocol: TCP,
          reachability: r(),
        },
      ],
    };
  })(),
  (() => {
    const only80 = gen("x", "allow-egress-port-80", match({}), { egress: [{ ports: [{ port: 80 }] }] });
    return {
      name: "should enforce multiple egress policies with egress allow-all policy taking precedence",
      protocols: [TCP],
      ports: [81],
      pods: ["x/a", "y/a"],
      steps: [
        {
          policies: [only80],
          port: 81,
          protocol: TCP,
          reachability: r((x) => x.expectPeer({ ns: "x" }, {}, false)),
        },
        {
          policies: [only80, gen("x", "allow-egress", match({}), { egress: [{}] })],
          port: 81,
          protocol: TCP,
          reachability: r(),
        },
      ],
    };
  })(),
  {
    name: "should stop enforcing policies after they are deleted",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "y/a"],
    steps: [
      {
        policies: [gen("x", "deny-all", {}, { ingress: [], egress: [] })],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectPeer({ ns: "x" }, {}, false).expectPeer({}, { ns: "x" }, false)),
      },
      { policies: [], port: 80, protocol: TCP, reachability: r() },
    ],
  },
  {
    name: "should allow egress access to server in CIDR block",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "y/a", "y/b"],
    steps: [
      {
        policies: [
          gen("x", "allow-client-a-via-cidr-egress-rule", match({ pod: "a" }), {
            egress: [{ to: [{ ipBlock: { cidr: `${ipOf("y/b")}/32` } }] }],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectAllEgress("x/a", false).expect("x/a", "y/b", true)),
      },
    ],
  },
  {
    name: "should enforce except clause while egress access to server in CIDR block",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "x/c"],
    steps: [
      {
        // makeLargeCIDRForIP: the /4 holding x/b's IP.
        policies: [
          gen("x", "allow-client-a-via-cidr-egress-rule", match({ pod: "a" }), {
            egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/4", except: [`${ipOf("x/b")}/32`] } }] }],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expect("x/a", "x/b", false)),
      },
    ],
  },
  (() => {
    const first = gen("x", "allow-client-a-via-cidr-egress-rule", match({ pod: "a" }), {
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/4", except: [`${ipOf("x/b")}/32`] } }] }],
    });
    // UpdatePolicy with the same name: the second policy replaces the first.
    const second = gen("x", "allow-client-a-via-cidr-egress-rule", match({ pod: "a" }), {
      egress: [{ to: [{ ipBlock: { cidr: `${ipOf("x/b")}/32` } }] }],
    });
    return {
      name: "should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed",
      protocols: [TCP],
      ports: [80],
      pods: ["x/a", "x/b", "x/c"],
      steps: [
        { policies: [first], port: 80, protocol: TCP, reachability: r((x) => x.expect("x/a", "x/b", false)) },
        {
          policies: [second],
          port: 80,
          protocol: TCP,
          reachability: r((x) => x.expectAllEgress("x/a", false).expect("x/a", "x/b", true)),
        },
      ],
    };
  })(),
  (() => {
    const egress = gen("x", "allow-egress-for-target", match({ pod: "a" }), { egress: [{}] });
    return {
      name: "should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector",
      protocols: [TCP],
      ports: [80],
      pods: ["x/a", "x/b", "y/a"],
      steps: [
        { policies: [egress], port: 80, protocol: TCP, reachability: r() },
        {
          policies: [
            egress,
            gen("x", "deny-ingress-via-label-selector", match({ pod: "a" }), { ingress: [] }),
          ],
          port: 80,
          protocol: TCP,
          reachability: r((x) => x.expectAllIngress("x/a", false)),
        },
      ],
    };
  })(),
  {
    name: "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
    protocols: [TCP],
    ports: [81],
    pods: ["x/a", "y/a"],
    steps: [
      {
        policies: [
          gen("x", "deny-ingress", {}, { ingress: [] }),
          gen("x", "allow-only-sctp-ingress-on-port-81", match({ pod: "a" }), {
            ingress: [{ ports: [{ port: 81, protocol: "SCTP" }] }],
          }),
        ],
        port: 81,
        protocol: TCP,
        reachability: r((x) => x.expectPeer({}, { ns: "x" }, false)),
      },
    ],
  },
  {
    name: "should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP",
    protocols: [TCP],
    ports: [81],
    pods: ["x/a", "y/a"],
    steps: [
      {
        policies: [
          gen("x", "allow-only-sctp-ingress-on-port-80", match({ pod: "a" }), {
            ingress: [{ ports: [{ port: 80, protocol: "SCTP" }] }],
          }),
        ],
        port: 81,
        protocol: TCP,
        reachability: r((x) => x.expectAllIngress("x/a", false)),
      },
    ],
  },
  {
    name: "should not allow access by TCP when a policy specifies only UDP",
    protocols: [TCP],
    ports: [81],
    pods: ["x/a", "y/a"],
    steps: [
      {
        policies: [
          gen("x", "allow-only-udp-ingress-on-port-81", match({ pod: "a" }), {
            ingress: [{ ports: [{ port: 81, protocol: "UDP" }] }],
          }),
        ],
        port: 81,
        protocol: TCP,
        reachability: r((x) => x.expectAllIngress("x/a", false)),
      },
    ],
  },
  {
    name: "should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a", "z/a"],
    steps: [
      {
        policies: [
          gen("x", "allow-client-a-via-ns-selector-for-immutable-ns-label", match({ pod: "a" }), {
            ingress: [{ from: [{ namespaceSelector: match({ [NSKEY]: "y" }) }] }],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) =>
          x
            .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
            .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
        ),
      },
    ],
  },
  {
    name: "should enforce policy based on NamespaceSelector with MatchExpressions using default ns label",
    protocols: [TCP],
    ports: [80],
    pods: ["x/a", "x/b", "y/a", "z/a"],
    steps: [
      {
        policies: [
          gen("x", "allow-ns-y-match-selector-for-immutable-ns-label", match({ pod: "a" }), {
            egress: [
              {
                to: [
                  {
                    namespaceSelector: {
                      matchExpressions: [{ key: NSKEY, operator: "NotIn", values: ["y"] }],
                    },
                  },
                ],
              },
            ],
          }),
        ],
        port: 80,
        protocol: TCP,
        reachability: r((x) => x.expectPeer({ ns: "x", pod: "a" }, { ns: "y" }, false)),
      },
    ],
  },
];

/** The UDP and SCTP contexts repeat three cases with another protocol. */
function protocolCases(protocol: Protocol): Case[] {
  return [
    {
      name: "should support a 'default-deny-ingress' policy",
      protocols: [protocol],
      ports: [80],
      pods: ["x/a", "x/b", "y/a", "y/b"],
      steps: [
        {
          policies: [gen("x", "deny-all", {}, { ingress: [] })],
          port: 80,
          protocol,
          reachability: r((x) => x.expectPeer({}, { ns: "x" }, false)),
        },
      ],
    },
    {
      name: "should enforce policy based on Ports",
      protocols: [protocol],
      ports: [81],
      pods: ["x/a", "x/b", "y/a", "z/a"],
      steps: [
        {
          policies: [
            gen("x", "allow-ingress-on-port-81-ns-x", match({ pod: "a" }), {
              ingress: [
                { from: [{ namespaceSelector: match({ [NSKEY]: "y" }) }], ports: [{ port: 81, protocol }] },
              ],
            }),
          ],
          port: 81,
          protocol,
          reachability: r((x) =>
            x
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          ),
        },
      ],
    },
    {
      name: "should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
      protocols: [protocol],
      ports: [80],
      pods: ["x/a", "x/b", "y/a"],
      steps: [
        {
          policies: [
            gen("x", "allow-ns-y-pod-a-via-namespace-pod-selector", match({ pod: "a" }), {
              ingress: [
                { from: [{ namespaceSelector: match({ [NSKEY]: "y" }), podSelector: match({ pod: "a" }) }] },
              ],
            }),
          ],
          port: 80,
          protocol,
          reachability: r((x) => x.expectAllIngress("x/a", false).expect("y/a", "x/a", true)),
        },
      ],
    },
  ];
}

describe("Netpol NetworkPolicy between server and client", () => {
  for (const c of cases) it(c.name, () => run(c));
});

describe("Netpol [LinuxOnly] NetworkPolicy between server and client using UDP", () => {
  for (const c of protocolCases("UDP")) it(c.name, () => run(c));
});

describe("Netpol [Feature:SCTPConnectivity] [LinuxOnly] NetworkPolicy between server and client using SCTP", () => {
  for (const c of protocolCases("SCTP")) it(c.name, () => run(c));
});

it("transcribes all 48 upstream cases of network_policy.go", () => {
  expect(cases.length + 2 * protocolCases("UDP").length).toBe(48); // 42 TCP, 3 UDP, 3 SCTP
});
