#!/usr/bin/env bash
# Provides a real kube-apiserver, kube-controller-manager and etcd for the tests, from Debian's packages:
# Debian's `kubernetes` source package (v1.20.2, with vendor/) built with Debian's Go, and `etcd-server`.
# Binaries are cached in $KUBEFENCE_CACHE (default ~/.cache/kubefence) so later runs skip the ~7 minute build.
set -euo pipefail

cache="${KUBEFENCE_CACHE:-$HOME/.cache/kubefence}"
bin="$cache/k8s-v1.20.2/bin"
need_apt=()

command -v etcd >/dev/null 2>&1 || need_apt+=(etcd-server)
# kubectl for test/support/cluster.ts's kubectl(); Debian's kubernetes-client is the same v1.20.2.
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
if [[ ! -x "$bin/kube-apiserver" || ! -x "$bin/kube-controller-manager" ]]; then
  command -v go >/dev/null 2>&1 || need_apt+=(golang-go)
  command -v rsync >/dev/null 2>&1 || need_apt+=(rsync)
  command -v dpkg-source >/dev/null 2>&1 || need_apt+=(dpkg-dev)
fi

sudo_() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

if [[ ${#need_apt[@]} -gt 0 || ! -x "$bin/kube-apiserver" ]]; then
  # apt-get source needs deb-src lines for bookworm main.
  if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "install-test-apiserver: enabling deb-src for bookworm main" >&2
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      sudo_ tee /etc/apt/sources.list.d/kubefence-deb-src.sources >/dev/null
  fi
  sudo_ apt-get update -qq
fi
if [[ ${#need_apt[@]} -gt 0 ]]; then
  echo "install-test-apiserver: apt-get install ${need_apt[*]}" >&2
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [[ -x "$bin/kube-apiserver" && -x "$bin/kube-controller-manager" ]]; then
  echo "install-test-apiserver: cached binaries in $bin" >&2
  exit 0
fi

work="$cache/build"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
echo "install-test-apiserver: fetching Debian's kubernetes source package" >&2
apt-get source --download-only kubernetes >/dev/null
dsc=$(ls kubernetes_*.dsc | head -n 1)
dpkg-source --no-check -x "$dsc" src >/dev/null
cd src
mkdir -p .go/src/k8s.io && ln -sfn ../../.. .go/src/k8s.io/kubernetes
echo "install-test-apiserver: building kube-apiserver and kube-controller-manager (several minutes)" >&2
mkdir -p "$work/home"
GOPATH=$PWD/.go CGO_ENABLED=0 HOME="$work/home" GOFLAGS=-mod=vendor \
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >"$work/build.log" 2>&1 || {
    tail -n 40 "$work/build.log" >&2; exit 1; }
mkdir -p "$bin"
# One copy of each binary, wherever under _output make put it (a single find | head -n 2 could pick two
# copies of one binary and none of the other).
for name in kube-apiserver kube-controller-manager; do
  f=$(find _output -type f -name "$name" -perm -u+x | head -n 1)
  if [[ -n "$f" ]]; then cp "$f" "$bin/$name"; fi
done
[[ -x "$bin/kube-apiserver" && -x "$bin/kube-controller-manager" ]] || { echo "install-test-apiserver: build produced no binaries" >&2; exit 1; }
cd / && rm -rf "$work"
echo "install-test-apiserver: built into $bin" >&2
