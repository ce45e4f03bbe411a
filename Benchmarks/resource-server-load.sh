#!/usr/bin/env bash
# Requests per second of one Hummingbird route, with one load generator (wrk, from Debian) in one run:
#
#   open      the route without authentication
#   cached    the same route behind IntrospectionMiddleware, every request a cache hit
#   uncached  the same route behind IntrospectionMiddleware with the cache disabled: every request
#             introspects at the loopback authorization server (in the server's process), which signs
#             an RFC 9701 answer that the middleware verifies
#
# and the number of calls the authorization server received for each route. Target (issue 11): a cache
# hit costs at most 10 % of the open route's throughput (cached/open >= 0.90).
#
#   Benchmarks/resource-server-load.sh                 (7 rounds of 6 s per route, 64 connections)
#   ROUNDS=5 DURATION=20 CONNECTIONS=128 Benchmarks/resource-server-load.sh
#
# Rounds interleave the routes (open, cached, uncached, then again), the machine being shared; the
# ratio is taken within each round and the median of the rounds is reported with its range.
# Writes Benchmarks/RESULTS-resource-server.md.
set -euo pipefail
cd "$(dirname "$0")"
rounds=${ROUNDS:-7}
duration=${DURATION:-6}
connections=${CONNECTIONS:-64}
work=.work/resource-server
mkdir -p "$work"

if ! command -v wrk >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi

echo "== build (release)"
swift build -c release --product ResourceServerLoad 2>&1 | tail -n 1
bin=$(swift build -c release --show-bin-path)

"$bin/ResourceServerLoad" >"$work/server.out" 2>"$work/server.err" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
    grep -q '^port=' "$work/server.out" 2>/dev/null && break
    sleep 0.05
done
read -r port token < <(sed -nE 's/^port=([0-9]+) token=(.*)$/\1 \2/p' "$work/server.out")
[ -n "${port:-}" ] || { echo "the server did not start"; cat "$work/server.err"; exit 1; }

as_calls() { curl -s "http://127.0.0.1:$port/stats" | sed -E 's/.*"as_calls":([0-9]+).*/\1/'; }

# CPU time of the server process so far, in clock ticks (utime + stime, /proc/PID/stat fields 14-15).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }

# One wrk run: prints "<requests/s> <non-2xx> <requests> <as calls during the run> <server CPU ticks>".
load() {
    local route=$1 before after ticks_before ticks_after
    before=$(as_calls)
    ticks_before=$(cpu_ticks)
    wrk -t1 -c"$connections" -d"${duration}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/$route" >"$work/wrk-$route.txt"
    ticks_after=$(cpu_ticks)
    after=$(as_calls)
    local rps non2xx requests
    rps=$(sed -nE 's/^Requests\/sec: *([0-9.]+).*/\1/p' "$work/wrk-$route.txt")
    non2xx=$(sed -nE 's/^ *Non-2xx or 3xx responses: *([0-9]+).*/\1/p' "$work/wrk-$route.txt")
    requests=$(sed -nE 's/^ *([0-9]+) requests in .*/\1/p' "$work/wrk-$route.txt")
    echo "$rps ${non2xx:-0} $requests $((after - before)) $((ticks_after - ticks_before))"
}

# Warm-up: the first cached request fills the cache (one AS call), the JIT-free binary warms its pools.
curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/cached"
wrk -t1 -c"$connections" -d2s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/open" >/dev/null

: >"$work/rounds.txt"
for round in $(seq 1 "$rounds"); do
    for route in open cached uncached; do
        echo "== round $round: $route"
        echo "$round $route $(load "$route")" | tee -a "$work/rounds.txt"
    done
done

# The decision on a cache hit alone (no HTTP): the fastest of three runs of a million decisions.
for _ in 1 2 3; do "$bin/ResourceServerLoad" hit-path 1000000; done | tee "$work/hit-path.txt"

python3 - "$work/rounds.txt" "$rounds" "$duration" "$connections" <<'PY' >RESULTS-resource-server.md
import statistics, subprocess, sys, datetime, os
path, rounds, duration, connections = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = [line.split() for line in open(path) if line.strip()]
by = {}
hz = os.sysconf("SC_CLK_TCK")
for r, route, rps, non2xx, requests, calls, ticks in rows:
    by.setdefault(route, []).append((int(r), float(rps), int(non2xx), int(requests), int(calls), int(ticks) / hz * 1e6 / int(requests)))
def med(route): return statistics.median(x[1] for x in by[route])
def cpu(route): return statistics.median(x[5] for x in by[route])
ratios = {}
for route in ("cached", "uncached"):
    per_round = [dict((x[0], x[1]) for x in by[route])[r] / dict((x[0], x[1]) for x in by["open"])[r] for r in range(1, rounds + 1)]
    ratios[route] = (statistics.median(per_round), min(per_round), max(per_round))
git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
load = open("/proc/loadavg").read().split()[:3]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
print("# Resource-server benchmark results\n")
print(f"Written by `Benchmarks/resource-server-load.sh` on {now}; git {git}; {swift}; {os.cpu_count()} cores; "
      f"load average at the end: {' '.join(load)} (the machine is shared: ratios are taken within a round).\n")
print(f"One Hummingbird 2 application (release build) on 127.0.0.1, the same trivial route three ways, loaded by "
      f"`wrk -t1 -c{connections} -d{duration}s` with one valid bearer token; the local authorization server (ES256 "
      f"answers) runs in the server's process. {rounds} rounds, routes interleaved.\n")
ok = ratios["cached"][0] >= 0.90
print("| target | measured | |\n|---|---|---|")
print(f"| cache hit costs at most 10 % of the open route's throughput (cached/open >= 0.90) | "
      f"{ratios['cached'][0]:.3f} ({ratios['cached'][1]:.3f}-{ratios['cached'][2]:.3f}) | **{'met' if ok else 'not met'}** |")
print(f"| the same from the server's CPU time per request (open/cached) | {cpu('open') / cpu('cached'):.3f} | "
      f"{'met' if cpu('open') / cpu('cached') >= 0.90 else 'not met'} |\n")
print("| route | requests/s (median) | per round | server CPU µs/request (median) | non-2xx | requests (all rounds) | AS calls (all rounds) | / open |")
print("|---|---:|---|---:|---:|---:|---:|---:|")
for route in ("open", "cached", "uncached"):
    xs = by[route]
    ratio = "1" if route == "open" else f"{ratios[route][0]:.3f}"
    print(f"| {route} | {med(route):,.0f} | {', '.join(f'{x[1]:,.0f}' for x in xs)} | {cpu(route):.1f} | {sum(x[2] for x in xs)} | "
          f"{sum(x[3] for x in xs):,} | {sum(x[4] for x in xs):,} | {ratio} |")
print("\nThe server's CPU time per request (utime + stime of its process over the run, divided by the requests) "
      "does not depend on how much of the machine other work takes, unlike requests per second; the "
      "uncached route's figure includes the in-process authorization server's signing.")
hit = min(float(line.split()[1]) for line in open(os.path.join(os.path.dirname(path), "hit-path.txt")) if line.startswith("hit-path:"))
print(f"\nThe decision on a cache hit alone (`ResourceServerLoad hit-path`: parse, hash, lookup, scope check; no HTTP), "
      f"fastest of three runs of 1,000,000: **{hit:,.0f} ns** per decision.")
print("\nWhat a hit costs: parsing `Authorization`, SHA-256 of the token (pooled OpenSSL context), one lock and a "
      "dictionary lookup, the scope check. A first version kept the cache in an actor: with a hop per request, "
      "two runs measured cached/open at 0.834 and 0.853 (requests/s); behind a `Mutex` the hit path has no executor "
      "hop. The lock is the standard library's `Mutex` with an atomic acquire/release pair, so that "
      "ThreadSanitizer sees its ordering. On this shared 2-core machine single rounds swing by ±30 %: "
      "compare the medians and the CPU figure, not one round.")
PY
cat RESULTS-resource-server.md
