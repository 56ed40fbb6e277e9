#!/usr/bin/env bash
# HTTP benchmark: keep-alive load from wrk on GET /healthz and on an authenticated GET /api/v1/me,
# with nginx serving a small static file in the same run as the ceiling. Each server gets core 0,
# wrk gets core 1. Access logs are off on both sides.
#   bench/http/run.sh [duration_seconds] [connections]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${KIRIM_BIN:-$root/build/release/kirim}
duration=${1:-10}
conns=${2:-64}
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
for tool in wrk nginx taskset curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "bench: build the release binary first (make build)" >&2; exit 1; }

work=$(mktemp -d /tmp/kirim-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
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

# nginx: one worker on the server core, a 15-byte file like /healthz's answer.
nginx_port=$(free_port)
mkdir -p "$work/www" "$work/nginx-tmp"
chmod 755 "$work"  # nginx workers run unprivileged
printf '{"status":"ok"}' >"$work/www/healthz"
printf '<!doctype html><title>bench</title>' >"$work/www/index.html"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp; proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp; uwsgi_temp_path $work/nginx-tmp; scgi_temp_path $work/nginx-tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { root $work/www; default_type application/json; }
  }
}
CONF
taskset -c "$server_cpu" nginx -c "$work/nginx.conf" -p "$work"

# Kirim: one I/O thread on the server core (its blocking pool shares that core).
export KIRIM_ADMIN_EMAIL=bench@example.com KIRIM_ADMIN_PASSWORD='bench password 1'
taskset -c "$server_cpu" "$bin" serve --listen 127.0.0.1:0 --data-dir "$work/data" \
  --io-threads 1 --access-log false --web-root "$work/www" >"$work/kirim.log" 2>&1 &
pids+=($!)
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^Kirim is listening on //p' "$work/kirim.log" | head -n 1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/kirim.log" >&2; exit 1; }

curl -sf -c "$work/cookies" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"bench password 1"}' "$url/api/v1/auth/login" >"$work/me.json"
csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$work/me.json")
token=$(curl -sf -b "$work/cookies" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "$url/api/v1/tokens" | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "bench: could not create an API token" >&2; exit 1; }

# run NAME URL [HEADER]: prints "NAME req/s p50 p99" from wrk's latency distribution.
run() {
  local name=$1 target=$2 header=${3:-}
  local args=(-t1 -c"$conns" -d"${duration}s" --latency)
  [ -n "$header" ] && args+=(-H "$header")
  taskset -c "$client_cpu" wrk "${args[@]}" "$target" >/dev/null 2>&1  # warm-up pass, discarded
  local out
  out=$(taskset -c "$client_cpu" wrk "${args[@]}" "$target")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  printf '| %-36s | %12s | %8s | %8s | %s\n' "$name" "$rps" "$p50" "$p99" "${errors:-none} |"
}

echo "# HTTP benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "$(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ //'); server on core $server_cpu, wrk on core $client_cpu;"
echo "wrk -t1 -c$conns -d${duration}s after a discarded warm-up; keep-alive; access logs off."
echo
echo "| target                               |   requests/s |      p50 |      p99 | errors |"
echo "|--------------------------------------|--------------:|---------:|---------:|--------|"
run "nginx static 15 B file" "http://127.0.0.1:$nginx_port/healthz"
run "kirim GET /healthz" "$url/healthz"
run "kirim GET /api/v1/me (token)" "$url/api/v1/me" "Authorization: Bearer $token"
run "kirim GET /api/v1/workspace (token)" "$url/api/v1/workspace" "Authorization: Bearer $token"
