#!/usr/bin/env bash
# Queue benchmark: Kirim's durable queue (kirim-bench queue) on SQLite and on PostgreSQL against
# BullMQ on Redis with the AOF fsynced on every write (appendfsync always, the equivalent of
# SQLite's synchronous=FULL) and once a second (appendfsync everysec), in the same run, with the
# same phases: N jobs enqueued into a stopped queue, completed by C workers, then pickup latency
# at a steady rate. No-op jobs and 1 ms jobs, concurrency 1 and 16.
#   bench/queue/run.sh [quick|full]
# Servers (PostgreSQL, redis-server) are pinned to core 0 (SERVER_CPU), their clients (kirim-bench
# on PostgreSQL, the BullMQ process) to core 1 (CLIENT_CPU). Kirim on SQLite has no server: the
# database runs inside its process, so it runs on both cores, the two cores the others use
# together. Each case gets a fresh database (a new SQLite file, a new PostgreSQL database, a new
# redis-server on an empty directory).
# Environment: KIRIM_BENCH (a kirim-bench binary to use instead of building build/bench),
# SERVER_CPU, CLIENT_CPU, LOAD_MAX (1-minute load average to wait for before each case, default
# 1.0), LOAD_TRIES (20 s waits at most per case, default 3), JOBS, LATENCY_JOBS, LATENCY_RATE,
# BATCH, CONCURRENCY ("1 16"), WORK ("0 1"), SYSTEMS ("kirim-sqlite kirim-postgres bullmq-always
# bullmq-everysec"), RESULTS_OUT (keep the JSON lines there).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${1:-quick}
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
load_max=${LOAD_MAX:-1.0}
load_tries=${LOAD_TRIES:-3}
case "$mode" in
  quick) jobs=${JOBS:-20000} latency_jobs=${LATENCY_JOBS:-500} ;;
  full) jobs=${JOBS:-200000} latency_jobs=${LATENCY_JOBS:-2000} ;;
  *) echo "usage: $0 [quick|full]" >&2; exit 2 ;;
esac
latency_rate=${LATENCY_RATE:-200}
batch=${BATCH:-1000}
concurrencies=${CONCURRENCY:-1 16}
works=${WORK:-0 1}
systems=${SYSTEMS:-kirim-sqlite kirim-postgres bullmq-always bullmq-everysec}
peer=$here/peer
for tool in taskset node npm redis-server redis-cli cmake runuser psql; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || { echo "bench: PostgreSQL is not installed" >&2; exit 1; }

# --- the peer: bullmq + ioredis in bench/queue/peer (npm ci once, reused afterwards) -----------
if ! (cd "$peer" && node --input-type=module -e "await import('bullmq'); await import('ioredis')" 2>/dev/null); then
  echo "bench: installing bullmq into $peer" >&2
  (cd "$peer" && npm ci --no-audit --no-fund >&2)
fi

# --- kirim-bench, release -----------------------------------------------------------------------
if [ -n "${KIRIM_BENCH:-}" ]; then
  bin=$KIRIM_BENCH
else
  bin=$root/build/bench/kirim-bench
  (cd "$root" && cmake -S bench -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release >&2 &&
    cmake --build build/bench --target kirim-bench -j2 >&2)
fi
[ -x "$bin" ] || { echo "bench: no kirim-bench at $bin" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kirim-queue-bench.XXXXXX")
chmod 755 "$work"
results=$work/results.jsonl
redis_pid=""
pg_started=0
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)  # initdb and pg_ctl refuse root
cleanup() {
  stop_redis
  if [ "$pg_started" = 1 ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true
  fi
  if [ -n "${RESULTS_OUT:-}" ] && [ -f "$results" ]; then cp "$results" "$RESULTS_OUT"; fi
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

# How busy the machine is before a case: the 1-minute load average (waits while it is above
# LOAD_MAX, LOAD_TRIES times at most) and the share of both cores busy over 2 s.
busy_share() {
  local a b
  a=($(head -n 1 /proc/stat)); sleep 2; b=($(head -n 1 /proc/stat))
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  awk -v i="$idle" -v t="$total" 'BEGIN { printf "%.2f", (t > 0 ? 1 - i / t : 0) }'
}
load1=0 busy=0
check_load() {
  for _ in $(seq 1 "$load_tries"); do
    load1=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load1" -v m="$load_max" 'BEGIN { exit !(l > m) }' || break
    echo "bench: load average $load1 > $load_max, waiting 20 s" >&2
    sleep 20
  done
  load1=$(cut -d' ' -f1 /proc/loadavg)
  busy=$(busy_share)
}

# --- PostgreSQL: one throwaway cluster for the run, durable (fsync and synchronous_commit on, the
# defaults), pinned to the server core; a fresh database per case --------------------------------
pg_port=""
start_postgres() {
  mkdir -p "$work/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$work/pg"
  "${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  pg_port=$(free_port)
  taskset -c "$server_cpu" "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" \
    -w -t 60 -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=100" \
    start >/dev/null
  pg_started=1
}
pg_pid() { head -n 1 "$work/pg/data/postmaster.pid"; }
pg_settings() {
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -Atc \
    "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN
     ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'shared_buffers')"
}

# --- Redis: a new server per case, AOF on, fsync "always" or "everysec", no RDB snapshots --------
redis_port=""
start_redis() {  # FSYNC
  local dir=$work/redis-$1-$RANDOM
  mkdir -p "$dir"
  redis_port=$(free_port)
  taskset -c "$server_cpu" redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir" \
    --appendonly yes --appendfsync "$1" --save "" --maxmemory-policy noeviction \
    --logfile "$dir/redis.log" --daemonize no &
  redis_pid=$!
  for _ in $(seq 1 100); do
    redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.1
  done
  echo "bench: redis-server did not start" >&2; cat "$dir/redis.log" >&2; exit 1
}
stop_redis() {
  [ -n "$redis_pid" ] || return 0
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
  redis_pid=""
}

# What one durable commit costs on the temporary directory's disk right now (fdatasync of a
# small write, as a WAL commit does): milliseconds, median of 200.
commit_probe() {
  node -e "
    const fs = require('fs'); const f = '$work/probe.bin'; const fd = fs.openSync(f, 'w');
    const b = Buffer.alloc(4096, 1); const t = [];
    for (let i = 0; i < 200; i++) { fs.writeSync(fd, b, 0, b.length, (i % 16) * 4096);
      const s = process.hrtime.bigint(); fs.fdatasyncSync(fd);
      t.push(Number(process.hrtime.bigint() - s) / 1e6); }
    fs.closeSync(fd); fs.unlinkSync(f); t.sort((a, b) => a - b);
    process.stdout.write(t[100].toFixed(3) + ' ' + t[198].toFixed(3));"
}

case_no=0
run_case() {  # SYSTEM WORK_MS CONCURRENCY
  local system=$1 work_ms=$2 c=$3 line label cmd=()
  local flags=(--jobs "$jobs" --concurrency "$c" --work-ms "$work_ms" --batch "$batch"
               --latency-jobs "$latency_jobs" --latency-rate "$latency_rate")
  case_no=$((case_no + 1))
  check_load
  case "$system" in
    kirim-sqlite)
      label="Kirim, SQLite"
      cmd=(taskset -c "$server_cpu,$client_cpu" "$bin" queue --database "sqlite:$work/case$case_no/queue.db" "${flags[@]}") ;;
    kirim-postgres)
      label="Kirim, PostgreSQL"
      psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE case$case_no" >/dev/null
      cmd=(taskset -c "$client_cpu" "$bin" queue --database "postgres://postgres@127.0.0.1:$pg_port/case$case_no"
           --server-pid "$(pg_pid)" "${flags[@]}") ;;
    bullmq-always|bullmq-everysec)
      local fsync=${system#bullmq-}
      label="BullMQ, Redis AOF $fsync"
      start_redis "$fsync"
      cmd=(taskset -c "$client_cpu" node "$peer/bullmq-bench.mjs" --database "redis://127.0.0.1:$redis_port"
           --server-pid "$redis_pid" "${flags[@]}") ;;
    *) echo "bench: unknown system $system" >&2; exit 2 ;;
  esac
  echo "bench: [$case_no] $label, work ${work_ms} ms, concurrency $c, load $load1, busy $busy" >&2
  if line=$("${cmd[@]}"); then :; else
    echo "bench: $label failed (work $work_ms ms, concurrency $c)" >&2
  fi
  case "$system" in
    kirim-sqlite) rm -rf "$work/case$case_no" ;;
    kirim-postgres) psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "DROP DATABASE case$case_no" >/dev/null ;;
    bullmq-*) stop_redis ;;
  esac
  [ -n "$line" ] || return 0
  echo "$line" >&2
  jq -c --arg lbl "$label" --arg sys "$system" --arg load "$load1" --arg busy "$busy" \
    '. + {"label": $lbl, "case": $sys, "load1": ($load | tonumber), "busy": ($busy | tonumber)}' \
    <<<"$line" >>"$results"
}

case " $systems " in *" kirim-postgres "*) start_postgres ;; esac
probe_before=$(commit_probe)
echo "bench: $mode, $jobs jobs per case, pickup latency over $latency_jobs jobs at $latency_rate/s; fdatasync p50/p99 ms: $probe_before" >&2
for w in $works; do
  for c in $concurrencies; do
    for s in $systems; do
      run_case "$s" "$w" "$c"
    done
  done
done
probe_after=$(commit_probe)

{
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r)."
  echo "Commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- src bench 2>/dev/null || echo ' (with uncommitted changes)')."
  echo "Run: bench/queue/run.sh $mode: $jobs jobs per case, enqueue batches of $batch; pickup latency over $latency_jobs jobs at $latency_rate/s."
  echo "Servers on core $server_cpu, clients on core $client_cpu; Kirim on SQLite on both."
  [ "$pg_started" = 1 ] && echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'): $(pg_settings)."
  echo "$(redis-server --version | awk '{print $1, $2, $3}'); BullMQ $(node -p "require('$peer/node_modules/bullmq/package.json').version"), Node $(node --version)."
  echo "Data in $work ($(stat -f -c %T "$work")); disk, fdatasync of 4 KiB, ms p50 / p99: $probe_before before, $probe_after after."
  echo
  node "$here/report.mjs" "$results"
}
