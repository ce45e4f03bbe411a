#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (debug, with AddressSanitizer) and runs one of them.
#
#   Scripts/fuzz.sh <FuzzJWS|FuzzJWKS|FuzzClaims|FuzzJWE|all> <seconds> [extra libFuzzer flags...]
#   Scripts/fuzz.sh <target> regress        # replay the committed corpus and crash cases only
#
# The run starts from the committed seeds (Fuzz/Corpus/<target>/, made by Scripts/make-fuzz-corpus.py)
# and keeps what it finds in a scratch corpus (Fuzz/.work/<target>/, not committed). A crash leaves its
# input in Fuzz/.work/artifacts/; copy it to Fuzz/Crashes/<target>/ and add a regression test.
# The last lines of the run (execs, execs/s, cov, ft) are printed and kept in Fuzz/.work/<target>.log.
# With `all`, <seconds> is split evenly between the four targets.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"

targets=(FuzzJWS FuzzJWKS FuzzClaims FuzzJWE)
target=${1:?usage: fuzz.sh <FuzzJWS|FuzzJWKS|FuzzClaims|FuzzJWE|all> <seconds|regress> [libFuzzer flags...]}
seconds=${2:?usage: fuzz.sh <target> <seconds|regress>}
shift 2

build() {
    # Debug keeps assertions and bounds checks; ASan catches memory errors in the OpenSSL boundary.
    # swiftc keeps only the last of several -sanitize= flags, so the pair SwiftPM passes for
    # --sanitize=fuzzer --sanitize=address would leave the Swift code without coverage counters: the
    # combined flag, passed last, restores them (checked: `nm` shows __sancov symbols in our objects).
    swift build -c debug --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address \
        --scratch-path .build-fuzz 2>&1 | tail -n 3
}

run() {
    local name=$1 time=$2
    shift 2
    local binary=.build-fuzz/debug/$name
    mkdir -p ".work/$name" .work/artifacts "Crashes/$name"
    if [ "$time" = regress ]; then
        # Replays every committed seed and crash case once (libFuzzer exits non-zero on a crash).
        local inputs=(Corpus/"$name"/*)
        if compgen -G "Crashes/$name/*" >/dev/null; then inputs+=(Crashes/"$name"/*); fi
        "$binary" -runs=0 "${inputs[@]}" >".work/$name.log" 2>&1 || { tail -n 40 ".work/$name.log"; return 1; }
        echo "$name: replayed ${#inputs[@]} inputs, no crash"
        return 0
    fi
    # -rss_limit_mb: a fuzz input that makes the library hold much memory is a finding too.
    # -timeout: one input taking over 10 s is a hang.
    local status=0
    # The scratch corpus first (libFuzzer writes new inputs there), then the committed seeds and crash
    # cases, which are thus replayed at the start of every run.
    "$binary" ".work/$name" "Corpus/$name" "Crashes/$name" \
        -max_total_time="$time" -max_len=70000 -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix=".work/artifacts/$name-" -print_final_stats=1 "$@" >".work/$name.log" 2>&1 || status=$?
    grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)' ".work/$name.log" | tail -n 2 || true
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' ".work/$name.log" || true
    if [ "$status" != 0 ]; then
        echo "$name: libFuzzer exited with status $status; the end of its log:"
        tail -n 60 ".work/$name.log"
        return "$status"
    fi
}

build
if [ "$target" = all ]; then
    share=$seconds
    [ "$seconds" = regress ] || share=$(( (seconds + ${#targets[@]} - 1) / ${#targets[@]} ))
    for name in "${targets[@]}"; do run "$name" "$share" "$@"; done
else
    run "$target" "$seconds" "$@"
fi
