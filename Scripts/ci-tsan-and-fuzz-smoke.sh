#!/usr/bin/env bash
# CI's hardening pass, called from .ci/run after the plain `swift test`:
#   1. ThreadSanitizer on the suites that run concurrent code: one key set verified from many tasks
#      (pooled OpenSSL verify contexts), the key archive, and the remote key source (actor cache, single
#      flight, refresh ahead) with its in-process HTTP server, and the resource-server cache (lock,
#      single flight, the bound on concurrent calls) against the local authorization server;
#   2. a fuzz smoke of about 80 s in all: each of the four libFuzzer targets (Fuzz/) for 20 s from the committed
#      seed corpus, which replays every seed and committed crash case first (Scripts/fuzz.sh).
# Exits non-zero on a test failure, a TSan report (TSan makes the test process fail) or a fuzz crash.
# Builds go to .build-tsan and Fuzz/.build-fuzz (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

echo "== ThreadSanitizer: concurrency-relevant suites"
log=$(mktemp)
set +e
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
    swift test --sanitize=thread --scratch-path .build-tsan \
    --filter 'ConcurrencyTests|KeyArchiveTests|RemoteKeysTests|ResourceServerTests' 2>&1 | tee "$log" | grep --line-buffered -vE '^◇ |^\[[0-9]+/[0-9]+\]'
status=${PIPESTATUS[0]}
set -e
if grep -q 'WARNING: ThreadSanitizer' "$log"; then
    echo "ThreadSanitizer reported a data race (see above)"
    status=1
fi
rm -f "$log"
[ "$status" = 0 ] || exit "$status"
tsan_done=$(date +%s)

echo "== fuzz smoke: 20 s per target"
Scripts/fuzz.sh all 80
finished=$(date +%s)
echo "hardening pass: TSan $((tsan_done - started)) s, fuzz smoke $((finished - tsan_done)) s, total $((finished - started)) s"
