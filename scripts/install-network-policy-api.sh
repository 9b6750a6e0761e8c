#!/usr/bin/env bash
# The CRDs of sigs.k8s.io/network-policy-api, which the live tests install into the test API server:
# ClusterNetworkPolicy (v1alpha2 and v1beta1) from the v0.3.0 release, AdminNetworkPolicy and
# BaselineAdminNetworkPolicy (v1alpha1) from the last commit that shipped them (v0.3.0 ships their Go types
# only). Both come from the Go module proxy (`go mod download`), pinned here, and are copied to
# $KUBEFENCE_CACHE (default ~/.cache/kubefence)/network-policy-api/; a second run is a no-op.
set -euo pipefail
cache="${KUBEFENCE_CACHE:-$HOME/.cache/kubefence}"
out="$cache/network-policy-api"
pins=(
  "v0.3.0 policy.networking.k8s.io_clusternetworkpolicies.yaml"
  "v0.1.6-0.20250401132235-45061d10895e policy.networking.k8s.io_adminnetworkpolicies.yaml policy.networking.k8s.io_baselineadminnetworkpolicies.yaml"
)
have_all() {
  for pin in "${pins[@]}"; do
    read -r version files <<<"$pin"
    for f in $files; do [[ -s "$out/$version/standard/$f" && -s "$out/$version/experimental/$f" ]] || return 1; done
  done
}
if have_all; then
  echo "install-network-policy-api: cached CRDs in $out" >&2
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "install-network-policy-api: needs Go (go.dev toolchain on PATH)" >&2; exit 1; }
for pin in "${pins[@]}"; do
  read -r version files <<<"$pin"
  dir="$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/network-policy-api@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || { echo "install-network-policy-api: go mod download gave no directory for $version" >&2; exit 1; }
  for channel in standard experimental; do
    mkdir -p "$out/$version/$channel"
    for f in $files; do cp "$dir/config/crd/$channel/$f" "$out/$version/$channel/$f"; done
  done
done
echo "install-network-policy-api: CRDs in $out" >&2
