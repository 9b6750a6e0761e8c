/**
 * A pod on the node's network namespace: it sees every connection on the node, can reach services bound to
 * the node's loopback, and escapes every NetworkPolicy (they select pods, not hosts). Baseline forbids it.
 */
import { type Attempt, podRequest, VERIFY_PREFIX } from "../attempt.js";

export const hostNetworkPod: Attempt = {
  id: "host-network-pod",
  summary:
    "create a pod with hostNetwork, which shares the node's network and is outside every NetworkPolicy",
  plan(target) {
    return podRequest(target, `${VERIFY_PREFIX}-host-network`, { hostNetwork: true }, { name: "sniff" });
  },
};
