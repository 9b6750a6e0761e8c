/** What the network rules share: how a policy is named, and the NetworkPolicy manifests remediations propose. */
import { toYaml } from "../../model/yaml-text.js";
import type { CompiledPolicy } from "../policies.js";

export const policyRef = (p: CompiledPolicy): string => `${p.namespace}/${p.name}`;
export const manifest = (texts: string[]): string => texts.join("---\n");

/** Source lines shown in a cross-namespace finding's evidence. */
export const MAX_EXAMPLES = 20;

/** A NetworkPolicy manifest as YAML; rendered once per shape, then only the namespace changes (thousands of findings). */
const rendered = new Map<string, string>();
const NAMESPACE_SLOT = "kubefence-namespace-slot";
/** Egress from every pod of a namespace to the cluster DNS (kube-system's kube-dns pods) on port 53. */
export const ALLOW_DNS_SPEC = {
  podSelector: {},
  policyTypes: ["Egress"],
  egress: [
    {
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
          podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        },
      ],
      ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ],
    },
  ],
};

export function networkPolicy(namespace: string, name: string, spec: object): string {
  const key = `${name}\u0000${JSON.stringify(spec)}`;
  let text = rendered.get(key);
  if (text === undefined) {
    text = toYaml({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace: NAMESPACE_SLOT },
      spec,
    });
    rendered.set(key, text);
  }
  return text.replace(NAMESPACE_SLOT, namespace);
}
