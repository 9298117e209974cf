#!/usr/bin/env bash
# Installs the other JavaScript runtimes the tests run on from the npm registry into .runtimes/
# (gitignored): Bun and Deno (core's and the SDK's smoke tests), and Node 22 and 24, the LTS
# lines after 20, as .runtimes/node_modules/node22/bin/node and node24/bin/node (.ci/run runs the
# test suite on them). Idempotent: a rerun with everything present does nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=.runtimes
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "scripts/runtimes/install.sh: no Node package for $(uname -m)" >&2; exit 1 ;;
esac
have() { [ -x "$dir/node_modules/$1" ]; }
if have .bin/bun && have .bin/deno && have node22/bin/node && have node24/bin/node; then exit 0; fi
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{ "private": true }' > "$dir/package.json"
# node-linux-<arch> is the Node binary itself (bin/node), published by the Node project's npm
# packaging; the aliases keep two majors side by side.
npm install --prefix "$dir" --no-audit --no-fund bun@1 deno@2 \
  "node22@npm:node-linux-$arch@22" "node24@npm:node-linux-$arch@24"
