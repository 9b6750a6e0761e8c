#!/usr/bin/env bash
# Builds what the tests' one-node cluster needs beyond the control plane (test/support/node.ts runs it):
# - kubelet and kube-proxy of the k8s.io/kubernetes release pinned in test/cluster/go.mod, into the same
#   cache directory as the control plane ($(scripts/test-cluster-bin.sh));
# - the NetworkPolicy enforcer, kube-router's network policy controller, from the Go modules pinned in
#   test/dataplane/go.mod, into $KUBEFENCE_CACHE/kube-router-VERSION-PINHASH/bin;
# - two images, built locally with buildah from scratch (there is no registry): pause from Kubernetes' own
#   build/pause/linux/pause.c compiled static, and busybox from Debian's busybox-static (plus test/e2e/image/udp.c,
#   a UDP server and client); written as OCI
#   archives next to the binaries (`ctr images import` loads them into the node's containerd).
# Each is skipped when already cached. Needs Go, gcc, buildah and busybox-static (.ci/run installs them).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(bash "$root/scripts/test-cluster-bin.sh")"
{ read -r router_bin; read -r images; } < <(bash "$root/scripts/test-node-bin.sh")
started=$SECONDS
for tool in go gcc buildah busybox containerd ctr runc iptables ipset conntrack; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "install-test-node: needs $tool (Go from go.dev; the rest: apt-get install gcc libc6-dev buildah busybox-static containerd runc containernetworking-plugins iptables ipset conntrack iproute2)" >&2
    exit 1
  }
done

version="$(sed -n 's/^\s*k8s\.io\/kubernetes \(v[0-9.]*\).*/\1/p' "$root/test/cluster/go.mod" | head -n 1)"
[[ "$version" =~ ^v1\.([0-9]+)\.[0-9]+$ ]] || { echo "install-test-node: no k8s.io/kubernetes version in test/cluster/go.mod" >&2; exit 1; }
minor="${BASH_REMATCH[1]}"

missing=()
for name in kubelet kube-proxy; do [[ -x "$bin/$name" ]] || missing+=("$name"); done
if ((${#missing[@]})); then
  command -v go >/dev/null 2>&1 || { echo "install-test-node: needs Go" >&2; exit 1; }
  stamp=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    stamp+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    stamp+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "install-test-node: building ${missing[*]} $version from Go modules (once)" >&2
  out="$bin.node-partial"
  rm -rf "$out" && mkdir -p "$out" "$bin"
  packages=()
  for name in "${missing[@]}"; do packages+=("k8s.io/kubernetes/cmd/$name"); done
  (cd "$root/test/cluster" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w$stamp" -o "$out/" "${packages[@]}")
  for name in "${missing[@]}"; do mv "$out/$name" "$bin/$name"; done
  rm -rf "$out"
fi

if [[ ! -x "$router_bin/kube-router" ]]; then
  echo "install-test-node: building kube-router (network policy controller) from Go modules (once)" >&2
  out="$router_bin.partial"
  rm -rf "$out" && mkdir -p "$out"
  (cd "$root/test/dataplane" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$out/kube-router" github.com/cloudnativelabs/kube-router/v2/cmd/kube-router)
  rm -rf "$router_bin" && mv "$out" "$router_bin"
fi

# Images (their directory is named by a hash of pause.c, udp.c and the busybox binary).
pause_c="$(cd "$root/test/cluster" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
udp_c="$root/test/e2e/image/udp.c"
busybox="$(command -v busybox)"
if [[ ! -s "$images/pause.tar" || ! -s "$images/busybox.tar" ]]; then
  echo "install-test-node: building the pause and busybox images with buildah" >&2
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  b=(buildah --storage-driver vfs --root "$work/storage" --runroot "$work/run")
  mkdir -p "$work/pause" "$work/busybox/bin" "$images.partial"
  gcc -Os -Wall -Werror -static -DVERSION="v3.10.2-kubefence" -o "$work/pause/pause" "$pause_c"
  cp "$busybox" "$work/busybox/bin/busybox"
  # busybox's nc speaks TCP only: a small static UDP server and client for the dataplane tests.
  gcc -Os -Wall -Werror -static -o "$work/busybox/bin/udp" "$udp_c"
  for applet in $("$busybox" --list); do [[ "$applet" == busybox ]] || ln -s busybox "$work/busybox/bin/$applet"; done
  image() { # NAME ENTRYPOINT-JSON DIR
    local c
    c="$("${b[@]}" from scratch)"
    "${b[@]}" copy "$c" "$3" / >/dev/null
    "${b[@]}" config --os linux --arch amd64 --entrypoint "$2" --env PATH=/bin "$c"
    "${b[@]}" commit -q "$c" "kubefence.local/$1:test" >/dev/null
    "${b[@]}" push -q "kubefence.local/$1:test" "oci-archive:$images.partial/$1.tar:kubefence.local/$1:test"
  }
  image pause '["/pause"]' "$work/pause"
  image busybox '["/bin/sh"]' "$work/busybox"
  rm -rf "$images" && mv "$images.partial" "$images"
fi
echo "install-test-node: kubelet, kube-proxy in $bin; kube-router in $router_bin; images in $images ($((SECONDS - started)) s)" >&2
