#!/usr/bin/env bash
# Prints the directory that holds (or will hold) the test cluster's binaries for the pins in
# test/cluster/go.mod and go.sum: a change of pins is a new directory, so a stale build is never used.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${KUBEFENCE_CACHE:-$HOME/.cache/kubefence}"
version="$(sed -n 's/^\s*k8s\.io\/kubernetes \(v[0-9.]*\).*/\1/p' "$root/test/cluster/go.mod" | head -n 1)"
pins="$(cat "$root/test/cluster/go.mod" "$root/test/cluster/go.sum" | sha256sum | cut -c1-12)"
echo "$cache/k8s-$version-$pins/bin"
