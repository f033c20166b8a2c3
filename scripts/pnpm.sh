#!/usr/bin/env bash
# Runs the pnpm pinned in package.json's "packageManager" without corepack or a global install:
# npx fetches that exact version from the npm registry once and caches it. Runs in the caller's
# directory, so `cd packages/x && bash ../../scripts/pnpm.sh exec tsc` works.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=$(node -p "require('$root/package.json').packageManager.split('@')[1]")
exec npx --yes "pnpm@${version}" "$@" 2> >(grep -v '^npm warn' >&2)
