#!/usr/bin/env bash
# Runs the official MCP conformance referee (@modelcontextprotocol/conformance, pinned in
# package.json) against Plugboard: every server scenario against the everything-server over
# Streamable HTTP, and every client scenario that needs no OAuth against the everything-client.
# Prints PASS/FAIL per scenario and the totals, then compares the failures with
# test/conformance/baseline.txt: exits non-zero on a failure missing from it, or on a baselined
# scenario that now passes. The referee needs Node 22 (scripts/node.sh); our processes run on
# the project's Node. Every process it starts is ended when it exits.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

referee_dir=node_modules/@modelcontextprotocol/conformance
referee="$referee_dir/dist/index.js"
baseline=test/conformance/baseline.txt
[[ -f "$referee" ]] || { echo "conformance: $referee is missing; run: bash scripts/pnpm.sh install" >&2; exit 2; }
version=$(node -p "require('./$referee_dir/package.json').version")
node22=$(bash scripts/node.sh 22.23.3)
started=$SECONDS

work=$(mktemp -d)
server_pid=
# Each referee run gets its own process group (setsid): on a timeout or an interrupt the whole
# group goes, including the client process the referee spawned through a shell.
group_pid=
cleanup() {
  local status=$?
  if [[ -n "$group_pid" ]]; then kill -TERM -- "-$group_pid" 2>/dev/null || true; fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_referee <limit-seconds> <result-dir> <referee args…>: one referee run, bounded in time; its
# exit code goes to <result-dir>/exit-code.
run_referee() {
  local limit=$1 dir=$2
  shift 2
  mkdir -p "$dir"
  setsid timeout --kill-after=5 "$limit" "$node22" "$referee" "$@" -o "$dir" >"$dir/log" 2>&1 &
  group_pid=$!
  local code=0
  wait "$group_pid" || code=$?
  group_pid=
  printf '%s\n' "$code" >"$dir/exit-code"
}

echo "conformance: building"
bash scripts/pnpm.sh exec turbo run build --output-logs=errors-only >/dev/null

# --port 0: the server binds a free port and logs its URL, so two runs never collide.
node apps/everything-server/dist/bin.js --transport http --port 0 --conformance 2>"$work/server.log" &
server_pid=$!
url=
for _ in $(seq 1 100); do
  url=$(grep -oE 'http://[^ ]+/mcp' "$work/server.log" | head -n 1 || true)
  [[ -n "$url" ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$url" ]]; then
  echo "conformance: the everything-server did not start over HTTP:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

list=$("$node22" "$referee" list)
mapfile -t server_scenarios < <(sed -n '/^Server scenarios/,/^$/p' <<<"$list" | sed -n 's/^  - \([^ ]*\).*/\1/p')
mapfile -t client_scenarios < <(sed -n '/^Client scenarios/,$p' <<<"$list" | sed -n 's/^  - \([^ ]*\).*/\1/p')

echo "conformance: @modelcontextprotocol/conformance $version on Node $("$node22" --version)"
echo "conformance: ${#server_scenarios[@]} server scenarios against $url"
# One run of the whole suite (`--suite all` includes the pending scenarios): the referee takes
# seconds to start, and a scenario that crashes is recorded as failed and the suite goes on.
mkdir -p "$work/results/server"
printf '%s\n' "${server_scenarios[@]}" >"$work/results/server/scenarios"
run_referee 300 "$work/results/server" server --url "$url" --suite all

client_cmd="node $root/apps/everything-client/dist/bin.js"
# The auth/* scenarios need an OAuth client, which Plugboard does not have yet.
client_run=()
oauth=0
for scenario in "${client_scenarios[@]}"; do
  if [[ "$scenario" == auth/* ]]; then oauth=$((oauth + 1)); else client_run+=("$scenario"); fi
done
echo "conformance: ${#client_run[@]} client scenarios against $client_cmd ($oauth auth/* scenarios not run: no OAuth client yet)"
i=0
for scenario in "${client_run[@]}"; do
  i=$((i + 1))
  mkdir -p "$work/results/client/$i"
  printf '%s\n' "$scenario" >"$work/results/client/$i/scenario"
  run_referee 60 "$work/results/client/$i" client --command "$client_cmd" --scenario "$scenario" --timeout 30000
done

status=0
node test/conformance/report.mjs "$work/results" "$baseline" "$version" || status=$?
if [[ -n "${CONFORMANCE_KEEP:-}" ]]; then
  mkdir -p "$CONFORMANCE_KEEP" && cp -r "$work/results" "$work/server.log" "$CONFORMANCE_KEEP"/
  echo "conformance: results kept in $CONFORMANCE_KEEP"
fi
echo "conformance: finished in $((SECONDS - started)) s"
exit "$status"
