#!/usr/bin/env bash
# Runs the pnpm pinned in package.json's "packageManager" without corepack or a global install:
# npx fetches that exact version from the npm registry once and caches it. Runs in the caller's
# directory, so `cd packages/x && bash ../../scripts/pnpm.sh exec tsc` works.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# Our commands print what they did and nothing else: Turborepo's first run prints a telemetry notice
# (and it and npm an update notice) unless told not to. A caller's own setting wins.
# https://turborepo.dev/docs/telemetry
export TURBO_TELEMETRY_DISABLED="${TURBO_TELEMETRY_DISABLED:-1}" TURBO_NO_UPDATE_NOTIFIER="${TURBO_NO_UPDATE_NOTIFIER:-1}"
export NPM_CONFIG_UPDATE_NOTIFIER="${NPM_CONFIG_UPDATE_NOTIFIER:-false}"
version=$(node -p "require('$root/package.json').packageManager.split('@')[1]")
exec npx --yes "pnpm@${version}" "$@" 2> >(grep -v '^npm warn' >&2)
