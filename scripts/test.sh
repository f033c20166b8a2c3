#!/usr/bin/env bash
# The README's test command: install exactly what the lockfile pins, build, type-check, test.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm=scripts/pnpm.sh
bash $pnpm install --frozen-lockfile --reporter=append-only
bash $pnpm run build
bash $pnpm run typecheck
results=$(mktemp)
status=0
bash $pnpm exec vitest run --reporter=default --reporter=json --outputFile="$results" || status=$?
# One plain closing line, whatever the reporter printed above it.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""))
' "$results" || true
rm -f "$results"
exit $status
