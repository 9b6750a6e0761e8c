#!/usr/bin/env bash
# Writes dist-krew/: kubectl-fence-vVERSION.tar.gz (dist/, data/, examples/ and the production dependencies,
# with a `kubectl-fence` entry point; it needs Node.js 20+ on PATH) and fence.yaml, the krew plugin
# manifest for it, its sha256 filled in. URI_BASE (default: the GitHub release of this version) is where the
# archive will be published; OUT=DIR writes elsewhere; SKIP_BUILD=1 uses dist/ as it is.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version="$(node -p 'require("./package.json").version')"
uri_base="${URI_BASE:-https://github.com/kubefence/kubefence/releases/download/v$version}"
out="${OUT:-$root/dist-krew}"
rm -rf "$out" && mkdir -p "$out"
CONTEXT="$out/pkg" bash scripts/image-context.sh
cp LICENSE "$out/pkg/"
# Named kubectl-fence so that kubefence prints its usage as `kubectl fence`.
printf '#!/usr/bin/env node\nimport "./dist/cli/main.js";\n' >"$out/pkg/kubectl-fence"
chmod +x "$out/pkg/kubectl-fence"
archive="kubectl-fence-v$version.tar.gz"
tar -C "$out/pkg" --owner=0 --group=0 --numeric-owner --sort=name -czf "$out/$archive" .
sha="$(sha256sum "$out/$archive" | cut -d' ' -f1)"
platform() {
  cat <<YAML
  - selector:
      matchLabels:
        os: $1
        arch: $2
    uri: $uri_base/$archive
    sha256: $sha
    bin: kubectl-fence
    files:
      - from: "*"
        to: "."
YAML
}
{
  cat <<YAML
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: fence
spec:
  version: v$version
  homepage: https://github.com/kubefence/kubefence
  shortDescription: Multi-tenant isolation on the API, network and node planes
  description: |
    kubectl fence reads the cluster (or manifests) and answers, tenant by tenant, who can reach whom through
    RBAC, NetworkPolicies and Pod Security, exactly as Kubernetes decides them, with evidence and fixes.
    It needs Node.js 20 or later on PATH.
  caveats: |
    kubectl fence runs on Node.js: install Node.js 20 or later first (node --version).
  platforms:
YAML
  platform linux amd64
  platform linux arm64
  platform darwin amd64
  platform darwin arm64
} >"$out/fence.yaml"
rm -rf "$out/pkg"
echo "krew-package: $out/$archive ($(du -h "$out/$archive" | cut -f1)), $out/fence.yaml" >&2
