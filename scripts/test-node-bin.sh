#!/usr/bin/env bash
# Prints two directories for the tests' node (scripts/install-test-node.sh fills them): line 1 holds the
# NetworkPolicy enforcer (kube-router) for the pins in test/dataplane/go.mod and go.sum, line 2 the image
# archives for the current pause.c, udp.c and busybox. A change of any input is a new directory, so a stale
# build is never used.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${KUBEFENCE_CACHE:-$HOME/.cache/kubefence}"
version="$(sed -n 's/^\s*github\.com\/cloudnativelabs\/kube-router\/v2 \(v[0-9.]*\).*/\1/p' "$root/test/dataplane/go.mod" | head -n 1)"
pins="$(cat "$root/test/dataplane/go.mod" "$root/test/dataplane/go.sum" | sha256sum | cut -c1-12)"
echo "$cache/kube-router-$version-$pins/bin"
pause_c="$(cd "$root/test/cluster" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
images="$(cat "$pause_c" "$root/test/e2e/image/udp.c" "$(command -v busybox)" | sha256sum | cut -c1-12)"
echo "$(dirname "$(bash "$root/scripts/test-cluster-bin.sh")")/images-$images"
