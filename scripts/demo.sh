#!/usr/bin/env bash
# The README's run command: install, build, then the reference host's offline demo — the
# everything-server over stdio and the notes server over HTTP, a scripted model and a scripted
# user answering consent, sampling and elicitation dialogs.
# `bash scripts/demo.sh client` runs the everything-client's protocol walk-through instead;
# `bash scripts/demo.sh web` serves the host's demo in a browser (it prints the URL to open) and
# you answer its dialogs in the page.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm=scripts/pnpm.sh
bash $pnpm install --frozen-lockfile --reporter=silent
bash $pnpm exec turbo run build --output-logs=errors-only >/dev/null
if [ "${1:-}" = client ]; then
  shift
  exec node apps/everything-client/dist/demo.js "$@"
fi
if [ "${1:-}" = web ]; then
  shift
  exec node apps/host/dist/bin.js --demo --web "$@"
fi
exec node apps/host/dist/bin.js --demo "$@"
