#!/usr/bin/env bash
# Ingest benchmark: signed WhatsApp status webhooks posted with keep-alive at the highest rate the
# server sustains while storing them durably, then the import of a large contacts CSV through the
# REST API. Peers in the same run: a Node.js receiver (node:http + better-sqlite3, one process and
# a cluster of 2) for the webhooks, the sqlite3 CLI's .import for the CSV. Every server is pinned
# to core 0 (SERVER_CPU), wrk and the import client to core 1 (CLIENT_CPU); each case starts a
# fresh server on a fresh data directory.
#   bench/ingest/run.sh [quick|full]
# Environment: KIRIM_BIN (a binary to use instead of building build/release/kirim), SERVER_CPU,
# CLIENT_CPU, LOAD_MAX (1-minute load average to wait for before each case, default 0.8),
# LOAD_TRIES (how many 20 s waits, default 6), IMPORT_ROWS, WEBHOOK_BODIES, RESULTS_OUT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${1:-quick}
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
load_max=${LOAD_MAX:-0.8}
load_tries=${LOAD_TRIES:-6}
peer=$here/peer
secret=bench-app-secret
case "$mode" in
  quick) duration=8 warmup=2 bodies=${WEBHOOK_BODIES:-100000} rows=${IMPORT_ROWS:-100000} ;;
  full) duration=30 warmup=3 bodies=${WEBHOOK_BODIES:-500000} rows=${IMPORT_ROWS:-1000000} ;;
  *) echo "usage: $0 [quick|full]" >&2; exit 2 ;;
esac
drain_timeout=900  # seconds the webhook processor gets to empty its backlog after the load
for tool in wrk taskset node npm sqlite3 curl cmake /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done

# --- the peer: better-sqlite3 12 in bench/ingest/peer (npm ci once, reused afterwards) --------
if ! (cd "$peer" && node -e "new (require('better-sqlite3'))(':memory:')" 2>/dev/null); then
  echo "bench: installing better-sqlite3 into $peer" >&2
  (cd "$peer" && npm ci --no-audit --no-fund >&2)
fi

# --- Kirim's release binary ---------------------------------------------------------------------
wait_for_builds() {  # a release build of this tree already running: let it finish first
  while pgrep -f "cmake --build --preset release|ninja -C $root/build/release" >/dev/null; do
    echo "bench: waiting for a running release build" >&2; sleep 5
  done
}
if [ -n "${KIRIM_BIN:-}" ]; then
  bin=$KIRIM_BIN
else
  bin=$root/build/release/kirim
  wait_for_builds
  if ! (cd "$root" && cmake --preset release >&2 && cmake --build --preset release --target kirim >&2); then
    echo "bench: the release build failed; using the existing $bin if it is recent enough" >&2
  fi
fi
[ -x "$bin" ] || { echo "bench: no binary at $bin" >&2; exit 1; }
for feature in /api/v1/imports X-Hub-Signature-256; do
  grep -aqi "$feature" "$bin" ||
    { echo "bench: $bin has no $feature (built before it?); rebuild it or set KIRIM_BIN" >&2; exit 1; }
done

work=$(mktemp -d /tmp/kirim-ingest-bench.XXXXXX)
results=$work/results.jsonl
now_ms() { date +%s%3N; }
server_pid=""
exit_status=""
stop_server() {  # SIGTERM and wait; sets exit_status (the exit code, "killed" or "none")
  exit_status=none
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    exit_status=killed
  fi
  local rc=0
  wait "$server_pid" 2>/dev/null || rc=$?
  [ "$exit_status" = killed ] || exit_status=$rc
  server_pid=""
}
sandbox_pid=""
cleanup() {
  stop_server
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
wait_line() {  # FILE PATTERN PID: the first line of FILE matching PATTERN, once it appears
  for _ in $(seq 1 300); do
    local line
    line=$(sed -n "s/^$2//p" "$1" 2>/dev/null | head -n 1)
    [ -n "$line" ] && { echo "$line"; return 0; }
    kill -0 "$3" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$1" >&2
  return 1
}

# How busy the machine is before a case: the 1-minute load average (waits while it is above
# LOAD_MAX, LOAD_TRIES times at most) and the share of both cores busy over 2 s.
busy_share() {
  local a b
  read -ra a </proc/stat; sleep 2; read -ra b </proc/stat
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  awk -v i="$idle" -v t="$total" 'BEGIN { printf "%.2f", (t > 0 ? 1 - i / t : 0) }'
}
load1=0 busy=0 load_waited=0
check_load() {
  load_waited=0
  for _ in $(seq 1 "$load_tries"); do
    load1=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load1" -v m="$load_max" 'BEGIN { exit !(l > m) }' || break
    echo "bench: load average $load1 > $load_max, waiting 20 s" >&2
    sleep 20; load_waited=$((load_waited + 20))
  done
  load1=$(cut -d' ' -f1 /proc/loadavg)
  busy=$(busy_share)
}

# CPU ticks (utime + stime) of a process and its direct children (the cluster's workers).
cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] || continue
    total=$(( total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}') ))
  done
  echo "$total"
}
clk_tck=$(getconf CLK_TCK)

# CPU ticks per thread of a process and its direct children, one "TID TICKS" line each: the
# busiest thread shows whether one thread (Kirim's SQLite writer) is the limit while the process
# as a whole is not.
thread_ticks() {
  local p t
  for p in "$1" $(pgrep -P "$1" || true); do
    for t in /proc/"$p"/task/*; do
      [ -r "$t/stat" ] || continue
      echo "${t##*/} $(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')"
    done
  done
}
# The largest per-thread CPU delta between two thread_ticks snapshots, in cores over SECONDS.
busiest_thread() {  # BEFORE AFTER SECONDS
  awk -v h="$clk_tck" -v d="$3" 'NR == FNR { a[$1] = $2; next } { x = $2 - a[$1]; if (x > m) m = x }
    END { printf "%.2f", m / h / d }' <(echo "$1") <(echo "$2")
}

# Kirim's writer counters from /metrics: "COMMITS UNITS" (webhook inserts and the processor's
# batches are both units; each commit is one fsync).
db_counters() {
  { curl -sf "$url/metrics" || true; } | awk '/^kirim_db_commits / { c = $2 } /^kirim_db_units_committed / { u = $2 }
    END { printf "%d %d", c, u }'
}

# What one durable commit costs on the disk of the temporary directory right now: COUNT
# single-row transactions through the sqlite3 CLI with WAL and synchronous=FULL, like both
# servers use. Prints milliseconds per commit. The peer pays this once per webhook.
commit_probe() {
  local pdb=$work/probe.db count=200
  rm -f "$pdb" "$pdb-wal" "$pdb-shm"
  sqlite3 "$pdb" 'PRAGMA journal_mode=WAL; CREATE TABLE t (x TEXT);' >/dev/null
  local t0 t1
  t0=$(now_ms)
  for _ in $(seq 1 "$count"); do echo "INSERT INTO t VALUES ('x');"; done |
    sqlite3 -cmd 'PRAGMA synchronous=FULL' "$pdb" >/dev/null
  t1=$(now_ms)
  rm -f "$pdb" "$pdb-wal" "$pdb-shm"
  awk -v a="$t0" -v b="$t1" -v n="$count" 'BEGIN { printf "%.2f", (b - a) / n }'
}

api() {  # METHOD PATH [JSON]: an authenticated call to the running Kirim
  curl -sf -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    ${3:+-d "$3"} "$url$2"
}

# Fresh Kirim on core 0 with the app secret, an owner, an API token and the workspace's default
# region. With "account", the sandbox's WhatsApp account is connected (its numbers are fetched
# from a `kirim sandbox` run on the client core for the occasion and stopped at once), so that the
# webhooks' phone_number_id routes to the workspace and the processor does its full work. With
# "keep", Kirim restarts on the data directory of the previous case as it is.
start_kirim() {  # IO_THREADS [account|keep]
  local data=$work/kirim-data
  [ "${2:-}" = keep ] || rm -rf "$data"
  : >"$work/kirim.log"
  KIRIM_ADMIN_EMAIL=bench@example.com KIRIM_ADMIN_PASSWORD='bench password 1' \
  KIRIM_WHATSAPP_APP_SECRET=$secret \
    taskset -c "$server_cpu" "$bin" serve --listen 127.0.0.1:0 --data-dir "$data" \
      --access-log false --io-threads "$1" >>"$work/kirim.log" 2>&1 &
  server_pid=$!
  url=$(wait_line "$work/kirim.log" 'Kirim is listening on ' "$server_pid") ||
    { echo "bench: Kirim did not start" >&2; exit 1; }
  db=$data/kirim.db
  [ "${2:-}" = keep ] && return 0
  db=$data/kirim.db
  curl -sf -c "$work/cookies" -H 'Content-Type: application/json' \
    -d '{"email":"bench@example.com","password":"bench password 1"}' "$url/api/v1/auth/login" >"$work/me.json"
  local csrf
  csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$work/me.json")
  token=$(curl -sf -b "$work/cookies" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"name":"bench"}' "$url/api/v1/tokens" | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || { echo "bench: could not create an API token" >&2; exit 1; }
  api PATCH /api/v1/workspace '{"default_region":"ID"}' >/dev/null
  if [ "${2:-}" = account ]; then
    : >"$work/sandbox.log"
    taskset -c "$client_cpu" "$bin" sandbox --listen 127.0.0.1:0 >>"$work/sandbox.log" 2>&1 &
    sandbox_pid=$!
    local graph
    graph=$(wait_line "$work/sandbox.log" 'Sandbox is listening on ' "$sandbox_pid") ||
      { echo "bench: the sandbox did not start" >&2; exit 1; }
    api POST /api/v1/whatsapp/accounts "{\"name\":\"bench\",\"waba_id\":\"100000000000001\",\"access_token\":\"sandbox-token\",\"graph_url\":\"$graph/v23.0\"}" \
      >"$work/account.json"
    kill "$sandbox_pid"; wait "$sandbox_pid" 2>/dev/null || true; sandbox_pid=""
    grep -q '"pnid":"100000000000011"' "$work/account.json" ||
      { echo "bench: the account has no numbers: $(cat "$work/account.json")" >&2; exit 1; }
  fi
}

start_peer() {  # WORKERS
  db=$work/peer-data/peer.db
  rm -rf "$work/peer-data"; mkdir -p "$work/peer-data"
  : >"$work/peer.log"
  local port
  port=$(free_port)
  PORT=$port APP_SECRET=$secret DB_PATH=$db WORKERS=$1 \
    taskset -c "$server_cpu" node "$peer/webhook-receiver.mjs" >>"$work/peer.log" 2>&1 &
  server_pid=$!
  wait_line "$work/peer.log" 'listening on ' "$server_pid" >/dev/null ||
    { echo "bench: the peer did not start" >&2; exit 1; }
  url=http://127.0.0.1:$port
}

# wrk_pass SECONDS OFFSET: one wrk run over the pre-signed requests; sets the INGEST_* fields.
wrk_out=""
wrk_pass() {
  wrk_out=$(INGEST_REQUESTS=$work/webhooks.txt INGEST_OFFSET=$2 \
    /usr/bin/time -f 'WRKCPU %U %S %e' taskset -c "$client_cpu" \
    wrk -t1 -c"$conns" -d"$1s" --timeout 30s --latency -s "$here/webhooks.lua" "$url/webhooks/whatsapp" 2>&1)
  grep -q '^INGEST ' <<<"$wrk_out" || { echo "bench: wrk failed: $wrk_out" >&2; exit 1; }
}
field() { grep '^INGEST ' <<<"$wrk_out" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
wrk_cpu() { awk '/^WRKCPU/ { if ($4 > 0) printf "%.2f", ($2 + $3) / $4; else print 0 }' <<<"$wrk_out"; }


# webhook_case SERVER VARIANT CONNECTIONS: SERVER is kirim (VARIANT = I/O threads) or node
# (VARIANT = processes). Warm-up pass, measured pass, then (Kirim) the processor's drain, a clean
# stop, and the rows counted against the 200s.
webhook_case() {
  local server=$1 variant=$2
  conns=$3
  check_load
  local probe_ms
  probe_ms=$(commit_probe)
  if [ "$server" = kirim ]; then start_kirim "$variant" account; else start_peer "$variant"; fi
  local run_load1=$load1 run_busy=$busy run_waited=$load_waited
  echo "bench: webhooks -> $server ($variant), $conns connections, load $load1, busy $busy," \
    "$probe_ms ms per durable commit" >&2
  wrk_pass "$warmup" 0
  local warm_200 warm_requests
  warm_200=$(field status); warm_requests=$(field requests)
  local cpu0 cpu1 threads0 threads1 db0="0 0" db1="0 0"
  [ "$server" = kirim ] && db0=$(db_counters)
  threads0=$(thread_ticks "$server_pid")
  cpu0=$(cpu_ticks "$server_pid")
  wrk_pass "$duration" "$warm_requests"
  local t_end
  t_end=$(now_ms)
  cpu1=$(cpu_ticks "$server_pid")
  threads1=$(thread_ticks "$server_pid")
  [ "$server" = kirim ] && db1=$(db_counters)
  local main_200 requests dur_us
  main_200=$(field status); requests=$(field requests); dur_us=$(field duration_us)
  local busiest commits units c0 u0 c1 u1
  busiest=$(busiest_thread "$threads0" "$threads1" "$(awk -v d="$dur_us" 'BEGIN { print d / 1e6 }')")
  read -r c0 u0 <<<"$db0"; read -r c1 u1 <<<"$db1"
  commits=$((c1 - c0)); units=$((u1 - u0))
  local backlog=0 drain_ms=0 drained=true
  if [ "$server" = kirim ]; then
    backlog=$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT count(*) FROM webhook_events WHERE outcome = 'pending'")
    local pending=$backlog t0
    t0=$(now_ms)
    while [ "$pending" -gt 0 ]; do
      if [ $(( $(now_ms) - t0 )) -gt $((drain_timeout * 1000)) ]; then drained=false; break; fi
      sleep 0.2
      pending=$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT count(*) FROM webhook_events WHERE outcome = 'pending'")
    done
    drain_ms=$(( $(now_ms) - t0 ))
  fi
  stop_server
  local rows outcomes="" processed_during=0 first_received=0 last_processed=0
  rows=$(sqlite3 "$db" "SELECT count(*) FROM webhook_events")
  if [ "$server" = kirim ]; then
    outcomes=$(sqlite3 "$db" "SELECT group_concat(outcome || ':' || n, ',') FROM (SELECT outcome, count(*) n FROM webhook_events GROUP BY outcome)")
    processed_during=$(sqlite3 "$db" "SELECT count(*) FROM webhook_events WHERE outcome != 'pending' AND processed_at <= $t_end")
    first_received=$(sqlite3 "$db" "SELECT min(received_at) FROM webhook_events")
    last_processed=$(sqlite3 "$db" "SELECT max(processed_at) FROM webhook_events")
  fi
  # The processor alone: every stored event made pending again and the messages it created
  # removed, then Kirim restarted on that data directory applies them all with no load on it.
  local run_exit=$exit_status replay_events=0 replay_ms=0 replay_statuses=0 replay_load1=null replay_exit=none
  if [ "$server" = kirim ] && [ "$conns" = 64 ]; then
    replay_statuses=$(sqlite3 "$db" "SELECT sum((length(body) - length(replace(body, '\"status\":', ''))) / 9) FROM webhook_events")
    sqlite3 "$db" "UPDATE webhook_events SET outcome = 'pending', processed_at = 0, kinds = '', summary = ''; DELETE FROM messages;"
    check_load
    replay_load1=$load1
    echo "bench: replaying $rows stored webhooks through Kirim's processor, load $load1, busy $busy" >&2
    local t0
    t0=$(now_ms)
    start_kirim "$variant" keep
    local pending=1
    while [ "$pending" -gt 0 ] && [ $(( $(now_ms) - t0 )) -lt $((drain_timeout * 1000)) ]; do
      sleep 0.2
      pending=$(sqlite3 -cmd '.timeout 5000' "$db" "SELECT count(*) FROM webhook_events WHERE outcome = 'pending'")
    done
    stop_server
    replay_exit=$exit_status
    replay_events=$(sqlite3 "$db" "SELECT count(*) FROM webhook_events WHERE outcome != 'pending'")
    # From the first to the last processed_at: the processor's own span, without the start-up.
    replay_ms=$(sqlite3 "$db" "SELECT max(processed_at) - min(processed_at) FROM webhook_events WHERE outcome != 'pending'")
  fi
  printf '{"kind":"webhooks","server":"%s","variant":%s,"connections":%s,"load1":%s,"busy":%s,"load_waited_s":%s,' \
    "$server" "$variant" "$conns" "$run_load1" "$run_busy" "$run_waited" >>"$results"
  printf '"duration_us":%s,"requests":%s,"ok":%s,"non200":%s,"codes":"%s","p50_us":%s,"p90_us":%s,"p99_us":%s,"max_us":%s,' \
    "$dur_us" "$requests" "$main_200" "$(field non200)" "$(field codes)" "$(field p50_us)" "$(field p90_us)" \
    "$(field p99_us)" "$(field max_us)" >>"$results"
  printf '"socket_errors":{"connect":%s,"read":%s,"write":%s,"timeout":%s},"warmup_ok":%s,"warmup_requests":%s,' \
    "$(field connect)" "$(field read)" "$(field write)" "$(field timeout)" "$warm_200" "$warm_requests" >>"$results"
  printf '"bodies":%s,"server_cpu":%s,"wrk_cpu":%s,"exit":"%s","rows":%s,"backlog":%s,"drain_ms":%s,"drained":%s,' \
    "$bodies" "$(awk -v a="$cpu0" -v b="$cpu1" -v h="$clk_tck" -v d="$dur_us" 'BEGIN { printf "%.2f", (b - a) / h / (d / 1e6) }')" \
    "$(wrk_cpu)" "$run_exit" "$rows" "$backlog" "$drain_ms" "$drained" >>"$results"
  printf '"busiest_thread":%s,"commits":%s,"units":%s,"commit_probe_ms":%s,' \
    "$busiest" "$commits" "$units" "$probe_ms" >>"$results"
  printf '"replay_events":%s,"replay_ms":%s,"replay_statuses":%s,"replay_load1":%s,"replay_exit":"%s",' \
    "${replay_events:-0}" "${replay_ms:-0}" "${replay_statuses:-0}" "$replay_load1" "$replay_exit" >>"$results"
  printf '"outcomes":"%s","processed_during_load":%s,"first_received_ms":%s,"last_processed_ms":%s,"load_end_ms":%s}\n' \
    "$outcomes" "$processed_during" "${first_received:-0}" "${last_processed:-0}" "$t_end" >>"$results"
}

import_case() {  # IO_THREADS
  check_load
  start_kirim "$1"
  echo "bench: import of $rows rows -> Kirim ($1 I/O threads), load $load1, busy $busy" >&2
  local out
  out=$(taskset -c "$client_cpu" node "$here/import-client.mjs" "$url" "$token" "$work/contacts.csv" "$server_pid") ||
    { echo "bench: the import client failed" >&2; out=null; }
  stop_server
  printf '{"kind":"import","server":"kirim","variant":%s,"rows":%s,"load1":%s,"busy":%s,"load_waited_s":%s,"exit":"%s","result":%s}\n' \
    "$1" "$rows" "$load1" "$busy" "$load_waited" "$exit_status" "$out" >>"$results"
}

# The ceiling: the sqlite3 CLI loads the same file into a table with a unique index on the phone,
# no validation at all, on the server core.
import_peer_case() {
  check_load
  echo "bench: import of $rows rows -> sqlite3 .import, load $load1, busy $busy" >&2
  local pdb=$work/sqlite-import.db
  rm -f "$pdb"
  sqlite3 "$pdb" "CREATE TABLE contacts (phone TEXT NOT NULL, name TEXT, city TEXT, plan TEXT, orders TEXT, joined TEXT, tags TEXT);
                  CREATE UNIQUE INDEX contacts_phone ON contacts(phone);"
  /usr/bin/time -o "$work/sqlite-import.time" -f '%e %M' taskset -c "$server_cpu" \
    sqlite3 "$pdb" ".import --csv --skip 1 $work/contacts.csv contacts" >/dev/null 2>"$work/sqlite-import.err" || true
  local count
  count=$(sqlite3 "$pdb" "SELECT count(*) FROM contacts")
  printf '{"kind":"import","server":"sqlite3","rows":%s,"load1":%s,"busy":%s,"load_waited_s":%s,"wall_s":%s,"peak_rss_kb":%s,"imported":%s,"errors":%s}\n' \
    "$rows" "$load1" "$busy" "$load_waited" "$(awk '{print $1}' "$work/sqlite-import.time")" \
    "$(awk '{print $2}' "$work/sqlite-import.time")" "$count" "$(wc -l <"$work/sqlite-import.err")" >>"$results"
}

echo "bench: generating $bodies signed webhooks and a CSV of $rows rows" >&2
node "$here/gen-webhooks.mjs" "$bodies" "$secret" "$work/webhooks.txt" 1
node "$here/gen-contacts.mjs" "$rows" "$work/contacts.csv" 1

# Which is faster: one or two I/O threads (both on the server core)? Then the Node peer as one
# process and as a cluster of 2, all with 64 connections.
webhook_case kirim 1 64
webhook_case kirim 2 64
webhook_case node 1 64
webhook_case node 2 64
best() {  # SERVER: the variant with the most acknowledged requests/s at 64 connections
  node -e '
    const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse)
      .filter((r) => r.kind === "webhooks" && r.server === process.argv[2] && r.connections === 64);
    rows.sort((a, b) => b.ok / b.duration_us - a.ok / a.duration_us);
    console.log(rows[0].variant);' "$results" "$1"
}
kirim_io=$(best kirim)
node_workers=$(best node)
if [ "$mode" = full ]; then
  for c in 16 128; do
    webhook_case kirim "$kirim_io" "$c"
    webhook_case node "$node_workers" "$c"
  done
fi
import_case "$kirim_io"
import_peer_case

echo "# Ingest benchmark ($mode), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "$(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //'), Linux $(uname -r);" \
     "servers on core $server_cpu, wrk and the import client on core $client_cpu;" \
     "Kirim $("$bin" --version 2>/dev/null | head -n 1), Node $(node --version)," \
     "better-sqlite3 $(node -p "require('$peer/node_modules/better-sqlite3/package.json').version")" \
     "(SQLite $(cd "$peer" && node -p "new (require('better-sqlite3'))(':memory:').prepare('select sqlite_version() v').get().v")), sqlite3 CLI $(sqlite3 --version | cut -d' ' -f1)."
echo "wrk -t1 --timeout 30s --latency, ${duration}s after a ${warmup}s warm-up, $bodies distinct signed bodies; import of $rows rows."
echo
node "$here/report.mjs" "$results"
cp "$results" "${RESULTS_OUT:-/tmp/kirim-ingest-results.jsonl}"
for f in kirim.log peer.log; do
  [ -s "$work/$f" ] || continue
  n=$(grep -ciE 'error|warn|lost|refused' "$work/$f" || true)
  [ "$n" -gt 0 ] && { echo; echo "$f (last case): $n lines mention errors or warnings; first ones:"; \
    grep -iE 'error|warn|lost|refused' "$work/$f" | head -n 5 | sed 's/^/    /'; }
done
exit 0
