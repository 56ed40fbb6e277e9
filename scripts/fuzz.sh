#!/usr/bin/env bash
# Builds the webhook parser's libFuzzer target with clang (ASan + UBSan) into build/fuzz/ and
# runs it for the given seconds over a copy of tests/fuzz/webhook/. Fails on any crash, leak,
# timeout or sanitizer report; the input that caused it is kept in build/fuzz/.
#   scripts/fuzz.sh [seconds]     (default 30)
set -euo pipefail

seconds=${1:-30}
case "$seconds" in
  '' | *[!0-9]* | 0) echo "usage: scripts/fuzz.sh [seconds]  (a positive whole number)" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/fuzz"
cxx=""
for c in clang++-14 clang++; do
  if command -v "$c" >/dev/null 2>&1; then cxx=$c; break; fi
done
[ -n "$cxx" ] || { echo "fuzz: clang++ is not installed (run scripts/install-deps.sh)" >&2; exit 1; }

mkdir -p "$out"
echo "fuzz: building $out/webhook_parser_fuzz with $cxx"
"$cxx" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -fno-omit-frame-pointer -Wall -Wextra -Werror -I"$root/src" \
  "$root/src/whatsapp/webhook_parser_fuzz.cpp" "$root/src/whatsapp/webhook_parser.cpp" \
  -lboost_json -o "$out/webhook_parser_fuzz"

# libFuzzer adds what it finds to the corpus directory: work on a copy so the seeds stay as they are.
corpus=$(mktemp -d "${TMPDIR:-/tmp}/kirim-fuzz.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
cp "$root"/tests/fuzz/webhook/* "$corpus"/

# Readable stack traces in a report, when llvm-14 is there.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi

echo "fuzz: running for ${seconds}s over $(ls "$corpus" | wc -l) seeds"
if ! "$out/webhook_parser_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -dict="$root/tests/fuzz/webhook.dict" \
    -artifact_prefix="$out/" "$corpus"; then
  echo "fuzz: FAILED; reproduce with: $out/webhook_parser_fuzz $out/<crash-file>" >&2
  exit 1
fi
echo "fuzz: ok, no crash in ${seconds}s"
