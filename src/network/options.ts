/**
 * Where Kubernetes leaves NetworkPolicy behaviour to the network plugin, an explicit option with a documented
 * default (the README's "Semantics (upstream, exactly)" lists each choice and which plugins make it).
 */
export interface NetworkOptions {
  /**
   * Whether an ipBlock matches pod IPs, not only addresses outside the cluster. Default true: the upstream
   * e2e suite ("should allow egress access to server in CIDR block") and Calico, kube-network-policies do;
   * false for Cilium and Terway, which classify cluster-internal traffic before applying CIDR rules.
   */
  ipBlockMatchesPods?: boolean;
  /**
   * hostNetwork pods: "node" (default; the most common implementation, per the concept page) — policy treats
   * them as their node: no policy selects them, pod and namespace selectors never match them, ipBlocks match
   * their node IP; "pod" — the plugin applies policy to them like pod-network pods.
   */
  hostNetwork?: "node" | "pod";
  /**
   * Traffic from a pod's own node is always allowed (types.go: "OR if the traffic source is the pod's local
   * node"). Default true; hostNetwork pods on the destination's node are that node.
   */
  nodeLocalAllowed?: boolean;
  /**
   * How a ClusterNetworkPolicy / AdminNetworkPolicy egress peer `domainNames` is judged, since names cannot
   * be resolved offline: "external" (default) — it may match any address outside the cluster (never a pod or
   * node), so an Accept of domain names counts as reaching outside; "nothing" — it matches nothing.
   */
  domainNames?: "external" | "nothing";
  /**
   * Policies of one tier with the same priority, which the API leaves to the implementation: "name"
   * (default; by name, as kube-network-policies orders them) or "order" (as read). Either way a finding
   * (network.cluster-policy-same-priority) says where it matters.
   */
  samePriority?: "name" | "order";
  /** The range synthetic pod IPs come from when a pod has none (manifests). Default kind's 10.244.0.0/16. */
  podCIDR?: string;
  /** The range synthetic node IPs come from when a node has no InternalIP. Default 172.18.0.0/16. */
  nodeCIDR?: string;
}

export type ResolvedNetworkOptions = Required<NetworkOptions>;

export function resolveOptions(options: NetworkOptions = {}): ResolvedNetworkOptions {
  return {
    ipBlockMatchesPods: options.ipBlockMatchesPods ?? true,
    hostNetwork: options.hostNetwork ?? "node",
    nodeLocalAllowed: options.nodeLocalAllowed ?? true,
    domainNames: options.domainNames ?? "external",
    samePriority: options.samePriority ?? "name",
    podCIDR: options.podCIDR ?? "10.244.0.0/16",
    nodeCIDR: options.nodeCIDR ?? "172.18.0.0/16",
  };
}
