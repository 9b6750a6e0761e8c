#!/usr/bin/env bash
# `npm run image`: builds the kubefence image from the Containerfile with Debian's buildah (no Docker engine,
# no registry) and writes it as an OCI archive, dist-image/kubefence.oci.tar.
#
# The Containerfile's default BASE (distroless Node 20) lives in a registry; here the base is made from this
# machine's node instead: the node binary (debug symbols stripped) at /nodejs/bin/node, the shared libraries
# it links (ldd), and /etc/passwd and /etc/group naming the nonroot user 65532. Nothing else: no shell.
# The archive names the image localhost/kubefence:VERSION, the name a node that imports it runs it by.
# BASE=IMAGE npm run image builds on a base image buildah can pull instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/dist-image"
version="$(node -p "require('$root/package.json').version")"
# A store of the build's own: nothing is written to /var/lib/containers; vfs needs no overlay support.
bh=(buildah --root "$out/storage" --runroot "$out/run" --storage-driver vfs)
command -v buildah >/dev/null || { echo "image: needs buildah (apt-get install buildah)" >&2; exit 1; }

bash "$root/scripts/image-context.sh"

base="${BASE:-}"
if [[ -z "$base" ]]; then
  node_bin="$(readlink -f "$(command -v node)")"
  [[ "$(node --version)" == v20.* ]] || { echo "image: needs node 20 on PATH (got $(node --version))" >&2; exit 1; }
  fs="$out/base-rootfs"
  rm -rf "$fs" && mkdir -p "$fs/nodejs/bin" "$fs/etc" "$fs/tmp" "$fs/home/nonroot"
  strip -o "$fs/nodejs/bin/node" "$node_bin"
  # Each library node links, at the path the dynamic loader looks it up by (symlinks resolved to the file).
  ldd "$node_bin" | awk '/=>/ { print $3 } /^[ \t]*\// { print $1 }' | while read -r lib; do
    [[ -f "$lib" ]] || continue
    mkdir -p "$fs$(dirname "$lib")"
    cp -L "$lib" "$fs$lib"
  done
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$fs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$fs/etc/group"
  chmod 1777 "$fs/tmp"
  chown 65532:65532 "$fs/home/nonroot"
  base="localhost/kubefence-base:node$(node --version | cut -c2-)"
  "${bh[@]}" rmi -f "$base" >/dev/null 2>&1 || true
  ctr="$("${bh[@]}" from scratch)"
  "${bh[@]}" copy "$ctr" "$fs/" / >/dev/null
  "${bh[@]}" config --user 65532:65532 --env PATH=/nodejs/bin --entrypoint '["/nodejs/bin/node"]' "$ctr"
  "${bh[@]}" commit --quiet --rm "$ctr" "$base" >/dev/null
  echo "image: base $base from $node_bin" >&2
fi

image="localhost/kubefence:$version"
"${bh[@]}" rmi -f "$image" >/dev/null 2>&1 || true
"${bh[@]}" build --quiet --isolation chroot --layers=false --build-arg "BASE=$base" --build-arg "VERSION=$version" \
  -f "$root/Containerfile" -t "$image" "$out/context" >/dev/null
rm -f "$out/kubefence.oci.tar"
"${bh[@]}" push --quiet "$image" "oci-archive:$out/kubefence.oci.tar:$image"
size="$("${bh[@]}" inspect --format '{{.OCIv1.Config.Labels}}' "$image" >/dev/null; "${bh[@]}" images --format '{{.Size}}' "$image")"
echo "image: $image ($size) written to dist-image/kubefence.oci.tar ($(du -h "$out/kubefence.oci.tar" | cut -f1))" >&2
