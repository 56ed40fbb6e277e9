#!/usr/bin/env bash
# Realtime benchmark: Kirim's Pusher-protocol hub against soketi 1.6.1, same run, same load
# generator (bench/realtime/loadgen.cpp, C++). Each server is pinned to core 0 (SERVER_CPU), the
# load generator to core 1 (CLIENT_CPU). Every case starts a fresh server, so memory figures start
# from the same state.
#   bench/realtime/run.sh [quick|full]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${1:-quick}
bin=${KIRIM_BIN:-$root/build/release/kirim}
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
peer=$here/peer
app_id=bench-app key=bench-key secret=bench-secret
case "$mode" in quick|full) ;; *) echo "usage: $0 [quick|full]" >&2; exit 2 ;; esac
for tool in taskset node npm cmake ss; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done

# --- soketi 1.6.1 in bench/realtime/peer (npm install once, reused afterwards) ----------------
if ! (cd "$peer" 2>/dev/null && node -e "require('uWebSockets.js').App || process.exit(1)" 2>/dev/null &&
      [ -f node_modules/@soketi/soketi/bin/server.js ]); then
  mkdir -p "$peer"
  # The uWebSockets.js tag soketi names has no binary for Node 20: override it with a build that has one.
  cat >"$peer/package.json" <<'JSON'
{
  "private": true,
  "dependencies": { "@soketi/soketi": "1.6.1", "pusher": "5.3.4", "pusher-js": "8.6.0", "ws": "8.18.3" },
  "overrides": { "uWebSockets.js": "npm:@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0" }
}
JSON
  echo "bench: installing soketi into $peer" >&2
  (cd "$peer" && npm install --no-audit --no-fund >&2)
  (cd "$peer" && node -e "require('uWebSockets.js').App || process.exit(1)") ||
    { echo "bench: uWebSockets.js has no native binary" >&2; exit 1; }
fi

# --- Kirim release binary and the load generator ------------------------------------------------
wait_for_builds() {  # a release build of this tree already running: let it finish first
  while pgrep -f "cmake --build --preset release|ninja -C $root/build/release" >/dev/null; do
    echo "bench: waiting for a running release build" >&2; sleep 5
  done
}
if [ ! -x "$bin" ]; then
  wait_for_builds
  (cd "$root" && cmake --preset release >&2 && cmake --build --preset release --target kirim >&2)
fi
grep -aq 'pusher:connection_established' "$bin" ||
  { echo "bench: $bin has no realtime hub (built before it?); rebuild it or set KIRIM_BIN" >&2; exit 1; }
if [ -f "$root/build/release/build.ninja" ] && grep -q kirim_loadgen "$root/build/release/build.ninja"; then
  wait_for_builds
  (cd "$root" && cmake --build --preset release --target kirim_loadgen >&2)
  loadgen=$root/build/release/bench/kirim_loadgen
else  # a build tree without the bench targets: build the load generator on its own
  cmake -S "$root/bench" -B "$root/build/bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
  cmake --build "$root/build/bench" --target kirim_loadgen >&2
  loadgen=$root/build/bench/kirim_loadgen
fi

ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 12000 ] || echo "bench: ulimit -n is $(ulimit -n); the 10,000-connection case needs more" >&2

work=$(mktemp -d /tmp/kirim-rt-bench.XXXXXX)
server_pid=""
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
wait_port() {
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
# Every socket of the server must be bound to loopback.
check_loopback() {
  local bad
  bad=$(ss -lntupH | grep "pid=$server_pid," | awk '{print $5}' | grep -v '^127\.0\.0\.1:' || true)
  [ -z "$bad" ] || { echo "bench: server $server_pid listens beyond loopback: $bad" >&2; exit 1; }
}

start_kirim() {
  port=$(free_port)
  rm -rf "$work/kirim-data"
  KIRIM_REALTIME_APP_ID=$app_id KIRIM_REALTIME_APP_KEY=$key KIRIM_REALTIME_APP_SECRET=$secret \
  KIRIM_ADMIN_EMAIL=bench@example.com KIRIM_ADMIN_PASSWORD='bench password 1' \
    taskset -c "$server_cpu" "$bin" serve --listen "127.0.0.1:$port" --data-dir "$work/kirim-data" \
      --io-threads 1 --access-log false >>"$work/kirim.log" 2>&1 &
  server_pid=$!
  wait_port "$port" || { tail -n 20 "$work/kirim.log" >&2; exit 1; }
}

start_soketi() {
  port=$(free_port)
  local metrics cluster
  metrics=$(free_port); cluster=$(free_port)
  # Loopback only: soketi's defaults listen on 0.0.0.0 and broadcast UDP discovery.
  cat >"$work/soketi.json" <<JSON
{
  "host": "127.0.0.1", "port": $port,
  "metrics.host": "127.0.0.1", "metrics.port": $metrics,
  "cluster.address": "127.0.0.1", "cluster.hostname": "127.0.0.1",
  "cluster.unicast": "127.0.0.1:$cluster", "cluster.port": $cluster,
  "appManager.array.apps": [{
    "id": "$app_id", "key": "$key", "secret": "$secret", "enabled": true,
    "maxConnections": -1, "enableClientMessages": true, "enableUserAuthentication": false,
    "maxBackendEventsPerSecond": -1, "maxClientEventsPerSecond": -1, "maxReadRequestsPerSecond": -1
  }]
}
JSON
  mkdir -p "$work/soketi-cwd"  # no .env here
  (cd "$work/soketi-cwd" && exec taskset -c "$server_cpu" node "$peer/node_modules/@soketi/soketi/bin/server.js" \
     start --config="$work/soketi.json" >>"$work/soketi.log" 2>&1) &
  server_pid=$!
  wait_port "$port" || { tail -n 20 "$work/soketi.log" >&2; exit 1; }
  sleep 1
}

results=$work/results.jsonl
# run_case CASE_LABEL LOADGEN_ARGS...: both servers, one after the other.
run_case() {
  local label=$1; shift
  for server in kirim soketi; do
    "start_$server"
    check_loopback
    echo "bench: $label on $server (port $port, pid $server_pid)" >&2
    local out
    out=$(taskset -c "$client_cpu" "$loadgen" --port "$port" --app-id "$app_id" --key "$key" \
            --secret "$secret" --server-pid "$server_pid" "$@" 2>>"$work/loadgen-$server.log") ||
      echo "bench: loadgen exited with an error ($label, $server)" >&2
    kill -0 "$server_pid" 2>/dev/null || echo "bench: $server died during $label" >&2
    printf '{"case":"%s","server":"%s","result":%s}\n' "$label" "$server" "${out:-null}" >>"$results"
    stop_server
  done
}

if [ "$mode" = quick ]; then
  run_case "fanout 1x500, 100 ev/s" --scenario fanout --connections 500 --rate 100 --duration 5 --payload 100
  run_case "idle 2,000" --scenario idle --connections 2000 --duration 3
  run_case "private 1,000 (100 x 10), 100 req/s x 10 ch" --scenario private --connections 1000 \
    --channel-size 10 --rate 100 --channels-per-event 10 --duration 5
  run_case "churn, 50 workers" --scenario churn --connections 50 --duration 5
else
  run_case "fanout 1x1000, 100 ev/s" --scenario fanout --connections 1000 --rate 100 --duration 15
  run_case "fanout 1x1000, 200 ev/s" --scenario fanout --connections 1000 --rate 200 --duration 15
  run_case "fanout 1x1000, 400 ev/s (overload)" --scenario fanout --connections 1000 --rate 400 --duration 10
  run_case "fanout 1x5000, 10 ev/s" --scenario fanout --connections 5000 --rate 10 --duration 15
  run_case "fanout 1x5000, 30 ev/s" --scenario fanout --connections 5000 --rate 30 --duration 15
  run_case "idle 10,000" --scenario idle --connections 10000 --duration 10
  run_case "private 5,000 (500 x 10), 200 req/s x 10 ch" --scenario private --connections 5000 \
    --channel-size 10 --rate 200 --channels-per-event 10 --duration 15
  run_case "private 5,000 (500 x 10), 500 req/s x 10 ch" --scenario private --connections 5000 \
    --channel-size 10 --rate 500 --channels-per-event 10 --duration 15
  run_case "churn, 100 workers" --scenario churn --connections 100 --duration 15
fi

echo "# Realtime benchmark ($mode), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "$(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //');" \
     "servers on core $server_cpu, kirim_loadgen on core $client_cpu; Kirim $("$bin" --version 2>/dev/null | head -n 1)," \
     "soketi $(node -p "require('$peer/node_modules/@soketi/soketi/package.json').version") on Node $(node --version)."
echo
node "$here/report.mjs" "$results"
cp "$results" "${RESULTS_OUT:-/tmp/kirim-realtime-results.jsonl}"
for f in kirim.log soketi.log loadgen-kirim.log loadgen-soketi.log; do
  [ -s "$work/$f" ] || continue
  n=$(grep -ciE 'error|warn|lost|refused' "$work/$f" || true)
  [ "$n" -gt 0 ] && { echo; echo "$f: $n lines mention errors or warnings; first ones:"; \
    grep -iE 'error|warn|lost|refused' "$work/$f" | head -n 5 | sed 's/^/    /'; }
done
exit 0
