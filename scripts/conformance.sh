#!/usr/bin/env bash
# Runs the official MCP conformance referee (@modelcontextprotocol/conformance) against Plugboard,
# in three runs ("legs"), one after the other against one everything-server over Streamable HTTP:
#   1. referee 0.1.16 (devDependency @modelcontextprotocol/conformance), default leg;
#   2. referee 0.2.0-alpha.12 (devDependency alias conformance-next), default leg: no
#      --spec-version, so each scenario runs at its own default wire — 2025-11-25 for the dated
#      scenarios, 2026-07-28 for those introduced in 2026-07-28 and for the server extensions;
#   3. referee 0.2.0-alpha.12, leg 2026-07-28 (--spec-version 2026-07-28): only the scenarios the
#      referee holds applicable at 2026-07-28 (no extensions, none removed in 2026-07-28), all at
#      the stateless 2026-07-28 wire; the rest are counted as not applicable.
# Each leg runs every server scenario (`--suite all`, one referee run) against the everything-server
# and every client scenario, auth/* included (one referee run each), against the everything-client. Prints PASS/FAIL per scenario and the totals per referee and leg, then
# compares the failures with test/conformance/baseline.txt (`<referee> <leg> server|client
# <scenario> — <reason>`): exits non-zero on a failure missing from it, or on a baselined scenario
# that now passes. CONFORMANCE_WRITE_BASELINE=1 also prints the current failures as a new baseline
# (=<file> writes it there); CONFORMANCE_KEEP=<dir> keeps every checks.json and log.
# The referees need Node 22 (scripts/node.sh); our processes run on the project's Node. Every run
# is bounded in time, and every process the script starts is ended when it exits.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

baseline=test/conformance/baseline.txt
referees=(node_modules/@modelcontextprotocol/conformance node_modules/conformance-next)
for dir in "${referees[@]}"; do
  [[ -f "$dir/dist/index.js" ]] || { echo "conformance: $dir/dist/index.js is missing; run: bash scripts/pnpm.sh install" >&2; exit 2; }
done
node22=$(bash scripts/node.sh 22.23.3)
started=$SECONDS

# Time limits, in seconds: a whole server suite run, one client scenario run, and what the referee
# gives our client (the referee's own --timeout) and, where it takes one, each server scenario.
server_limit=180
client_limit=30
scenario_timeout=10

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

# run_referee <limit-seconds> <result-dir> <referee.js> <referee args…>: one referee run, bounded
# in time; its output goes to <result-dir>/log and its exit code to <result-dir>/exit-code.
run_referee() {
  local limit=$1 dir=$2 referee=$3
  shift 3
  mkdir -p "$dir"
  setsid timeout --kill-after=5 "$limit" "$node22" "$referee" "$@" -o "$dir" >"$dir/log" 2>&1 &
  group_pid=$!
  local code=0
  wait "$group_pid" || code=$?
  group_pid=
  printf '%s\n' "$code" >"$dir/exit-code"
}

# section <Server|Client> <`list` output>: the scenario names listed under that heading.
section() { sed -n "/^$1 scenarios/,/^\$/p" <<<"$2" | sed -n 's/^  - \([^ ]*\).*/\1/p'; }
# minus <file-a> <file-b>: the lines of a that are not in b, in a's order.
minus() { grep -vxF -f "$2" "$1" || true; }

echo "conformance: building"
bash scripts/pnpm.sh exec turbo run build --output-logs=errors-only >/dev/null
timings=("build $((SECONDS - started)) s")

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
client_cmd="node $root/apps/everything-client/dist/bin.js"
echo "conformance: everything-server at $url; everything-client: $client_cmd; referees on Node $("$node22" --version)"

# run_leg <referee-dir> <leg>: one leg — `default` (no --spec-version) or a spec version — of one
# referee into $work/results/<version>/<leg>/ (laid out as report.mjs describes).
run_leg() {
  local dir=$1 leg=$2 leg_started=$SECONDS
  local referee="$dir/dist/index.js" version spec=() list full
  version=$(node -p "require('./$dir/package.json').version")
  [[ "$leg" != default ]] && spec=(--spec-version "$leg")
  local out="$work/results/$version/$leg"
  mkdir -p "$out/server" "$out/client"
  printf '%s %s\n' "$version" "$leg" >>"$work/results/runs"

  # The unfiltered list and the leg's: the referee runs, at a spec version, only the scenarios it
  # holds applicable there (`--suite all` filters the same way `list --spec-version` does).
  full=$("$node22" "$referee" list)
  list=$("$node22" "$referee" list "${spec[@]}")
  sed -n 's/^  - \([^ ]*\) \[extension\]$/\1/p' <<<"$full" >"$out/extensions"
  section Server "$full" >"$work/all-server"
  section Server "$list" >"$out/server/scenarios"
  minus "$work/all-server" "$out/server/scenarios" >"$out/server/not-applicable"
  section Client "$full" >"$work/all-client" || true
  section Client "$list" >"$work/client-run" || true
  minus "$work/all-client" "$work/client-run" >"$out/client/not-applicable"

  local label="conformance $version @$leg"
  local server_args=(server --url "$url" --suite all "${spec[@]}")
  # 0.1.16 has no per-scenario server timeout; later referees do (default 30 s).
  if "$node22" "$referee" server --help | grep -q -- '--timeout'; then server_args+=(--timeout "$((scenario_timeout * 1000))"); fi
  echo "$label: $(wc -l <"$out/server/scenarios") server scenarios (suite all; $(wc -l <"$out/server/not-applicable") not applicable)"
  # One run of the whole suite: the referee takes a second to start, and a scenario that crashes
  # is recorded as failed and the suite goes on.
  run_referee "$server_limit" "$out/server" "$referee" "${server_args[@]}"

  local i=0 scenario
  echo "$label: $(wc -l <"$work/client-run") client scenarios, $(grep -c '^auth/' "$work/client-run" || true) of them auth/* ($(wc -l <"$out/client/not-applicable") not applicable)"
  while IFS= read -r scenario; do
    i=$((i + 1))
    mkdir -p "$out/client/$i"
    printf '%s\n' "$scenario" >"$out/client/$i/scenario"
    run_referee "$client_limit" "$out/client/$i" "$referee" client --command "$client_cmd" --scenario "$scenario" \
      --timeout "$((scenario_timeout * 1000))" "${spec[@]}"
  done <"$work/client-run"
  timings+=("$version @$leg $((SECONDS - leg_started)) s")
}

mkdir -p "$work/results"
run_leg "${referees[0]}" default
run_leg "${referees[1]}" default
run_leg "${referees[1]}" 2026-07-28

status=0
node test/conformance/report.mjs "$work/results" "$baseline" || status=$?
if [[ -n "${CONFORMANCE_KEEP:-}" ]]; then
  mkdir -p "$CONFORMANCE_KEEP" && cp -r "$work/results" "$work/server.log" "$CONFORMANCE_KEEP"/
  echo "conformance: results kept in $CONFORMANCE_KEEP"
fi
printf -v spent '%s, ' "${timings[@]}"
echo "conformance: finished in $((SECONDS - started)) s (${spent%, })"
exit "$status"
