#!/usr/bin/env bash
# Tears down what test/support/node.ts set up for the node whose state directory is $1: the node's processes
# (PIDs in $1/node.pids), every container and pod sandbox of its containerd (their shims included), the
# iptables rules and ipsets kube-proxy, kube-router and node.ts added, the links node.ts and the CNI bridge
# created, the mounts under $1, the pod cgroups, and $1 itself. node.ts's stop() runs it, and so does its watchdog when the test process dies.
# Idempotent; never touches what another directory's node owns.
set -uo pipefail
dir="${1:?usage: test-node-cleanup.sh STATE-DIR}"
[[ -f "$dir/node.env" ]] || exit 0
# shellcheck source=/dev/null
source "$dir/node.env" # KUBELET_PID.. via node.pids; CONTAINERD_SOCK, KUBE_PROXY, KUBE_ROUTER, BRIDGE, VETH, CHAIN

for pid in $(cat "$dir/node.pids" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done

shims=()
for file in "$dir"/containerd/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
  [[ -f "$file" ]] && shims+=("$(cat "$file")")
done
if [[ -S "$CONTAINERD_SOCK" ]] && [[ -n "${CONTAINERD_PID:-}" ]] && kill -0 "$CONTAINERD_PID" 2>/dev/null; then
  ctr=(ctr --address "$CONTAINERD_SOCK" --namespace k8s.io)
  for task in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks kill -s SIGKILL "$task" >/dev/null 2>&1; done
  sleep 0.5
  for task in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks delete -f "$task" >/dev/null 2>&1; done
fi
# Shims outlive containerd; so do the pods' processes once their shim is gone: every process of the kubelet's
# pod cgroups (kubepods, which only this node creates) goes too.
for proc in /proc/[0-9]*; do
  tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -qF -- "-address $CONTAINERD_SOCK " && shims+=("${proc#/proc/}")
done
for pid in "${shims[@]}"; do kill -9 "$pid" 2>/dev/null; done
for pid in $(find /sys/fs/cgroup/*/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u); do kill -9 "$pid" 2>/dev/null; done
[[ -n "${CONTAINERD_PID:-}" ]] && kill -9 "$CONTAINERD_PID" 2>/dev/null

# Rules. kube-router v2.1's --cleanup-config leaves the firewall's rules (it cleans up a controller it never
# configured) and would remove routing state too, so its chains and sets go by their prefixes here.
for chain in INPUT FORWARD OUTPUT; do
  iptables -S "$chain" 2>/dev/null | grep -E -- '-j KUBE-ROUTER-(INPUT|FORWARD|OUTPUT)( |$)' | sed 's/^-A //' |
    while read -r rule; do eval "iptables -D $rule" 2>/dev/null; done
done
router_chains="$(iptables -S 2>/dev/null | sed -n 's/^-N \(KUBE-ROUTER-[A-Z]*\|KUBE-NWPLCY-[A-Z0-9]*\|KUBE-POD-FW-[A-Z0-9]*\)$/\1/p')"
for chain in $router_chains; do iptables -F "$chain" 2>/dev/null; done
for chain in $router_chains; do iptables -X "$chain" 2>/dev/null; done
for set in $(ipset list -n 2>/dev/null | grep -E '^(inet6:)?KUBE-(SRC|DST)-'); do ipset destroy "$set" 2>/dev/null; done
[[ -x "${KUBE_PROXY:-}" ]] && "$KUBE_PROXY" --cleanup >/dev/null 2>&1
# The kubelet's own chains (its canaries and the localnet firewall).
for ipt in iptables ip6tables; do
  for chain in INPUT OUTPUT; do while "$ipt" -D "$chain" -j KUBE-FIREWALL 2>/dev/null; do :; done; done
  for table in filter nat mangle; do
    for chain in KUBE-FIREWALL KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT; do
      "$ipt" -t "$table" -F "$chain" 2>/dev/null && "$ipt" -t "$table" -X "$chain" 2>/dev/null
    done
  done
done
if [[ -n "${CHAIN:-}" ]]; then
  while iptables -t mangle -D FORWARD -j "$CHAIN" 2>/dev/null; do :; done
  iptables -t mangle -F "$CHAIN" 2>/dev/null
  iptables -t mangle -X "$CHAIN" 2>/dev/null
fi

# Mounts under the state directory (pod network namespaces, rootfs, volumes), deepest first.
awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r mount; do
  umount -l "$mount" 2>/dev/null
done
[[ -n "${BRIDGE:-}" ]] && ip link del "$BRIDGE" 2>/dev/null
[[ -n "${VETH:-}" ]] && ip link del "$VETH" 2>/dev/null
[[ -n "${IP_FORWARD:-}" ]] && echo "$IP_FORWARD" >/proc/sys/net/ipv4/ip_forward
sleep 0.2
find /sys/fs/cgroup/*/kubepods -depth -type d -exec rmdir {} + 2>/dev/null
rm -rf "$dir"
exit 0
