#!/usr/bin/env bash
# Runs the whole vitest suite with the given node binary (default: the one on PATH) and ends with one
# plain closing line, `vitest: N passed, N failed`, whatever the reporter printed above it.
set -euo pipefail
cd "$(dirname "$0")/.."
node="${1:-node}"
results=$(mktemp)
status=0
"$node" node_modules/vitest/vitest.mjs run --reporter=default --reporter=json --outputFile="$results" || status=$?
"$node" -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""))
' "$results" || true
rm -f "$results"
exit $status
