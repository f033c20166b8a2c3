#!/usr/bin/env bash
# The README's run command: install, build, then our client drives the everything-server over stdio.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm=scripts/pnpm.sh
bash $pnpm install --frozen-lockfile --reporter=silent
bash $pnpm exec turbo run build --output-logs=errors-only >/dev/null
exec node apps/everything-client/dist/demo.js "$@"
