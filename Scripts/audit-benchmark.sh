#!/usr/bin/env bash
# Audit throughput and peak memory on N generated records (default 1,000,000).
#
#   Scripts/audit-benchmark.sh [records] [jobs...]
#
# Builds the release CLI, generates N records from the Examples/ responses (valid, inactive and tampered
# ones, received at varied times), runs `introspection-jwt audit` once per --jobs value, and prints the
# wall time, records per second and peak resident memory (GNU time's maximum RSS) of each run.
set -euo pipefail
cd "$(dirname "$0")/.."

records=${1:-1000000}
shift || true
jobs=("$@")
if [ ${#jobs[@]} -eq 0 ]; then jobs=(1 "$(nproc)"); fi

swift build -c release --product introspection-jwt >/dev/null
cli=$(swift build -c release --show-bin-path)/introspection-jwt

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 Scripts/make-audit-records.py "$records" "$work/records.jsonl"
size=$(du -h "$work/records.jsonl" | cut -f1)
echo "records: $records ($size), machine: $(nproc) cores, $(uname -m)"
printf '%-6s %10s %14s %14s\n' jobs seconds records/s "peak RSS MiB"
for j in "${jobs[@]}"; do
    /usr/bin/time -f '%e %M' -o "$work/time" "$cli" audit --issuer https://as.example.com \
        --audience https://rs.example.com --keys Examples/jwks.json --jobs "$j" --output json \
        "$work/records.jsonl" >"$work/out.jsonl" || true
    read -r seconds kilobytes < <(tail -n 1 "$work/time")  # GNU time notes a non-zero exit first
    lines=$(($(wc -l <"$work/out.jsonl") - 1))
    [ "$lines" -eq "$records" ] || { echo "expected $records result lines, got $lines" >&2; exit 1; }
    printf '%-6s %10s %14.0f %14.1f\n' "$j" "$seconds" "$(echo "$records / $seconds" | bc -l)" "$(echo "$kilobytes / 1024" | bc -l)"
done
tail -n 1 "$work/out.jsonl"
