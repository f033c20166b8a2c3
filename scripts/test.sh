#!/usr/bin/env bash
# The README's test command: install exactly what the lockfile pins, build, type-check, test.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm=scripts/pnpm.sh
bash $pnpm install --frozen-lockfile --reporter=append-only
bash $pnpm run build
bash $pnpm run typecheck
bash scripts/vitest.sh
# The browser tests' screenshots are CI artifacts: say where they are.
if compgen -G 'test-artifacts/*.png' >/dev/null; then
  echo "Screenshots (CI artifacts) in $(pwd)/test-artifacts/:"
  ls -l test-artifacts/*.png
fi
