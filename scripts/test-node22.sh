#!/usr/bin/env bash
# Run the whole test suite on Node 22 (binary from the npm registry's `node` package): there the
# uWebSockets.js build has no binary, so `auto` must pick the node engine and everything must pass.
# Extra arguments go to vitest (e.g. --project http --project websocket for a part).
#   scripts/test-node22.sh            # every project
#   NODE_VERSION=24 scripts/test-node22.sh
set -euo pipefail
cd "$(dirname "$0")/.."
version="${NODE_VERSION:-22}"
start=$(date +%s)
# dist of the workspace packages: child-process fixtures import @ody/* through package exports.
npm run build --silent >/dev/null
echo "node-${version}: $(npx -y -p "node@${version}" node -v)"
npx -y -p "node@${version}" node ./node_modules/vitest/vitest.mjs run "$@"
echo "node-${version}: finished in $(( $(date +%s) - start ))s"
