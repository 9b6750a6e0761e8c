#!/usr/bin/env bash
# Builds the real Kubernetes control plane the tests run against, from the Go modules pinned in
# test/cluster/go.mod (scripts/pin-test-cluster.sh writes it): kube-apiserver, kube-controller-manager,
# kube-scheduler and kubectl of k8s.io/kubernetes, and etcd (go.etcd.io/etcd/server/v3, at the version that
# Kubernetes release itself requires).
#
# Binaries are cached in $KUBEFENCE_CACHE (default ~/.cache/kubefence)/k8s-VERSION-PINHASH/bin: a second
# run with the same pins is a no-op. Needs Go (the version test/cluster/go.mod names) and the Go module proxy.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
mod_dir="$root/test/cluster"
cache="${KUBEFENCE_CACHE:-$HOME/.cache/kubefence}"
bin="$(bash "$root/scripts/test-cluster-bin.sh")"
commands=(kube-apiserver kube-controller-manager kube-scheduler kubectl)

have_all() {
  for name in "${commands[@]}" etcd; do [[ -x "$bin/$name" ]] || return 1; done
}
if have_all; then
  echo "install-test-cluster: cached binaries in $bin" >&2
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "install-test-cluster: needs Go (go.dev toolchain on PATH)" >&2; exit 1; }

version="$(sed -n 's/^\s*k8s\.io\/kubernetes \(v[0-9.]*\).*/\1/p' "$mod_dir/go.mod" | head -n 1)"
[[ "$version" =~ ^v1\.([0-9]+)\.[0-9]+$ ]] || { echo "install-test-cluster: no k8s.io/kubernetes version in $mod_dir/go.mod" >&2; exit 1; }
minor="${BASH_REMATCH[1]}"
# What hack/lib/version.sh stamps into a release build: servers report it in /version, kubectl compares it.
stamp=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  stamp+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  stamp+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

started=$SECONDS
out="$bin.partial"
rm -rf "$out" && mkdir -p "$out"
echo "install-test-cluster: building ${commands[*]} $version and etcd from Go modules (about 10-25 minutes on 2 cores, once)" >&2
packages=()
for name in "${commands[@]}"; do packages+=("k8s.io/kubernetes/cmd/$name"); done
(
  cd "$mod_dir"
  CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w$stamp" -o "$out/" "${packages[@]}"
  CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
)
for name in "${commands[@]}" etcd; do
  [[ -x "$out/$name" ]] || { echo "install-test-cluster: the build produced no $name" >&2; exit 1; }
done
rm -rf "$bin" && mv "$out" "$bin"
echo "install-test-cluster: built into $bin in $(( (SECONDS - started) / 60 ))m$(( (SECONDS - started) % 60 ))s" >&2
"$bin/kube-apiserver" --version >&2
# sed reads to the end (head would exit early and, with pipefail, etcd's SIGPIPE would fail the install).
"$bin/etcd" --version | sed -n 1p >&2
