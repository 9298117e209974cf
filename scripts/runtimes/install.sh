#!/usr/bin/env bash
# Installs the other JavaScript runtimes the tests run core on (Bun, Deno) from the npm registry
# into .runtimes/ (gitignored). Idempotent: a rerun with both present does nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=.runtimes
if [ -x "$dir/node_modules/.bin/bun" ] && [ -x "$dir/node_modules/.bin/deno" ]; then exit 0; fi
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{ "private": true }' > "$dir/package.json"
npm install --prefix "$dir" --no-audit --no-fund bun@1 deno@2
