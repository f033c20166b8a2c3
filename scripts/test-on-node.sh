#!/usr/bin/env bash
# Runs the whole vitest suite again under another Node.js version (the packages are already built by
# scripts/test.sh). Child processes the tests spawn use process.execPath, so they run on it too.
set -euo pipefail
cd "$(dirname "$0")/.."
node=$(bash scripts/node.sh "$1")
echo "== vitest on Node $("$node" --version)"
PATH="$(dirname "$node"):$PATH" bash scripts/vitest.sh "$node"
