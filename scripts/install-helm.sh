#!/usr/bin/env bash
# Builds helm from the Go module pinned in test/helm/go.mod (helm.sh/helm/v3), for the chart tests and the
# README's examples. Cached at $(scripts/helm-bin.sh): a second run with the same pins is a no-op.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
helm="$(bash "$root/scripts/helm-bin.sh")"
if [[ -x "$helm" ]]; then
  echo "install-helm: cached $helm" >&2
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "install-helm: needs Go (go.dev toolchain on PATH)" >&2; exit 1; }
version="$(sed -n 's/^\s*helm\.sh\/helm\/v[0-9]* \(v[0-9.]*\).*/\1/p' "$root/test/helm/go.mod" | head -n 1)"
started=$SECONDS
out="$(dirname "$helm").partial"
rm -rf "$out" && mkdir -p "$out"
echo "install-helm: building helm $version from Go modules (a few minutes, once)" >&2
# The version helm's Makefile stamps, so `helm version` reports the pinned release.
(
  cd "$root/test/helm"
  CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    -o "$out/helm" helm.sh/helm/v3/cmd/helm
)
[[ -x "$out/helm" ]] || { echo "install-helm: the build produced no helm" >&2; exit 1; }
rm -rf "$(dirname "$helm")" && mv "$out" "$(dirname "$helm")"
echo "install-helm: built $helm in $((SECONDS - started)) s" >&2
"$helm" version --short >&2
