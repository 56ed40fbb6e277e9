#!/usr/bin/env bash
# Starts Kirim on a free port with a fresh data directory, runs the browser tests against it,
# and stops it.   scripts/e2e.sh path/to/kirim
set -euo pipefail
bin=${1:?usage: e2e.sh path/to/kirim}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$(mktemp -d /tmp/kirim-e2e.XXXXXX)
log="$data/server.log"
export KIRIM_ADMIN_EMAIL=owner@example.com
export KIRIM_ADMIN_PASSWORD='correct horse battery'

"$bin" serve --listen 127.0.0.1:0 --data-dir "$data" --web-root "$root/web/dist" >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/^Kirim is listening on //p' "$log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "e2e: the server did not start; its log:" >&2; cat "$log" >&2; exit 1; }

export KIRIM_URL="$url"
status=0
(cd "$root/web" && npm run e2e) || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: failed; the server's log:" >&2
  tail -n 50 "$log" >&2
fi
exit "$status"
