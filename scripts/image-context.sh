#!/usr/bin/env bash
# Writes dist-image/context, the build context of the Containerfile: dist/ (built now), package.json and the
# production dependencies exactly as package-lock.json pins them (no dev dependencies, no install scripts).
# CONTEXT=DIR writes it elsewhere; SKIP_BUILD=1 uses dist/ as it is (the test suite, which built it already).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ctx="${CONTEXT:-$root/dist-image/context}"
cd "$root"
[ "${SKIP_BUILD:-}" = 1 ] || npm run build >/dev/null
rm -rf "$ctx" && mkdir -p "$ctx"
cp -r dist data examples package.json package-lock.json "$ctx/"
find "$ctx/dist" -name '*.map' -delete
(cd "$ctx" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
rm "$ctx/package-lock.json"
# Nothing a running node reads: type declarations, source maps, TypeScript sources, docs.
find "$ctx/node_modules" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \
  -o -name '*.ts' -o -name '*.md' \) -delete
# kubernetes-models ship every file twice, CommonJS (.js) and ES module (.mjs); kubefence is an ES module
# and their package.json exports send `import` to the .mjs.
find "$ctx/node_modules/kubernetes-models" "$ctx/node_modules/@kubernetes-models" -type f -name '*.mjs' |
  while read -r mjs; do rm -f "${mjs%.mjs}.js"; done
echo "image-context: $ctx ($(du -sh "$ctx" | cut -f1))" >&2
