#!/usr/bin/env bash
# Prints the helm binary the chart tests use, for the pins in test/helm/go.mod and go.sum (the cache scheme of
# scripts/test-cluster-bin.sh: a change of pins is a new directory, so a stale build is never used).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${KUBEFENCE_CACHE:-$HOME/.cache/kubefence}"
version="$(sed -n 's/^\s*helm\.sh\/helm\/v[0-9]* \(v[0-9.]*\).*/\1/p' "$root/test/helm/go.mod" | head -n 1)"
pins="$(cat "$root/test/helm/go.mod" "$root/test/helm/go.sum" | sha256sum | cut -c1-12)"
echo "$cache/helm-$version-$pins/bin/helm"
