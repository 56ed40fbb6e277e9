#!/usr/bin/env bash
# Starts Kirim on a free port with a fresh data directory, runs the browser tests against it,
# and stops it.   scripts/e2e.sh path/to/kirim
set -euo pipefail
bin=${1:?usage: e2e.sh path/to/kirim}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$(mktemp -d /tmp/kirim-e2e.XXXXXX)
log="$data/server.log"
sandbox_log="$data/sandbox.log"
export KIRIM_ADMIN_EMAIL=owner@example.com
export KIRIM_ADMIN_PASSWORD='correct horse battery'
# Webhooks from the sandbox arrive at /webhooks/whatsapp signed with this secret.
export KIRIM_WHATSAPP_APP_SECRET=sandbox-secret

"$bin" serve --listen 127.0.0.1:0 --data-dir "$data" --web-root "$root/web/dist" >"$log" 2>&1 &
pid=$!
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill -TERM "$sandbox_pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

# wait_for LOG PATTERN PID: the URL a process prints once it listens.
wait_for() {
  local found=""
  for _ in $(seq 1 300); do
    found=$(sed -n "s/^$2 //p" "$1" | head -n 1)
    [ -n "$found" ] && { echo "$found"; return 0; }
    kill -0 "$3" 2>/dev/null || break
    sleep 0.1
  done
  echo "e2e: $2 did not appear; the log:" >&2
  cat "$1" >&2
  return 1
}

url=$(wait_for "$log" "Kirim is listening on" "$pid")
# The Cloud API sandbox, Meta's stand-in, posting its webhooks to this server.
"$bin" sandbox --listen 127.0.0.1:0 --webhook-url "$url/webhooks/whatsapp" \
  --app-secret sandbox-secret >"$sandbox_log" 2>&1 &
sandbox_pid=$!
sandbox_url=$(wait_for "$sandbox_log" "Sandbox is listening on" "$sandbox_pid")

export KIRIM_URL="$url"
export KIRIM_SANDBOX_URL="$sandbox_url"
status=0
(cd "$root/web" && npm run e2e) || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: failed; the server's log:" >&2
  tail -n 50 "$log" >&2
fi
exit "$status"
