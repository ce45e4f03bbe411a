#!/usr/bin/env bash
# Throughput of `introspection-jwt forward-auth` (issue 12), with wrk from Debian, in one run:
#
#   healthz      forward-auth's GET /healthz: a trivial 200 route of the same HTTP server
#   decision     forward-auth's GET /auth with an active token: every request a cache hit
#   nginx-open   nginx (the snippet of docs/forward-auth.md) with `auth_request off`, in front of a
#                trivial upstream (a `return 200` server block of the same nginx)
#   nginx-auth   the same snippet as documented: every request asks forward-auth first (a cache hit)
#
# Targets: decision/healthz >= 0.8 (a decision on a cache hit costs at most a fifth of a trivial route);
# nginx-auth/nginx-open is reported (an auth_request is a second HTTP exchange per request).
#
#   Benchmarks/forward-auth.sh                        (5 rounds of 6 s per load, 64 connections)
#   ROUNDS=7 DURATION=10 CONNECTIONS=128 Benchmarks/forward-auth.sh
#
# Rounds interleave the loads, the machine being shared; ratios are taken within each round and the
# median of the rounds is reported with its range. Writes Benchmarks/RESULTS-forward-auth.md. Not a test:
# nothing here fails on a figure.
set -euo pipefail
cd "$(dirname "$0")"
rounds=${ROUNDS:-5}
duration=${DURATION:-6}
connections=${CONNECTIONS:-64}
work=$PWD/.work/forward-auth
rm -rf "$work"
mkdir -p "$work"

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[ -x /usr/sbin/nginx ] || need+=(nginx)
[ -e /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so ] || need+=(libnginx-mod-http-headers-more-filter)
if [ "${#need[@]}" -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

echo "== build (release)"
(cd .. && swift build -c release --product introspection-jwt 2>&1 | tail -n 1)
swift build -c release --product LoopbackAuthorizationServer 2>&1 | tail -n 1
cli="$(cd .. && swift build -c release --show-bin-path)/introspection-jwt"
as_bin="$(swift build -c release --show-bin-path)/LoopbackAuthorizationServer"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

# Waits until file $1 has a line matching $2 (at most 30 s).
wait_for() {
    for _ in $(seq 1 600); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "timed out waiting for $2 in $1" >&2
    return 1
}

"$as_bin" >"$work/as.out" 2>"$work/as.err" &
pids+=($!)
wait_for "$work/as.out" '^issuer='
read -r issuer token < <(sed -nE 's/^issuer=([^ ]+) token=(.*)$/\1 \2/p' "$work/as.out")

INTROSPECTION_CLIENT_SECRET=bench-secret "$cli" forward-auth --issuer "$issuer" --client-id rs-bench \
    --listen 127.0.0.1:0 --require-scope orders:read >"$work/forward-auth.out" 2>"$work/forward-auth.err" &
fa=$!
pids+=("$fa")
wait_for "$work/forward-auth.out" '^listening on '
fa_url=$(sed -nE 's/^listening on (http:\/\/[^ ]+)$/\1/p' "$work/forward-auth.out")

# Free ports for nginx: the documented snippet twice (as written, and with auth_request off) and the
# trivial upstream.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
auth_port=$(free_port); open_port=$(free_port); upstream_port=$(free_port)
snippet=$(python3 - ../docs/forward-auth.md <<'PY'
import re, sys
blocks = re.findall(r"\n```nginx\n(.*?)\n```", open(sys.argv[1]).read(), re.S)
assert len(blocks) == 1, "one nginx block expected"
print(blocks[0])
PY
)
fill() { sed -e "s/127\.0\.0\.1:8000/127.0.0.1:$1/; s/127\.0\.0\.1:8080/127.0.0.1:$upstream_port/; s|127\.0\.0\.1:9090|${fa_url#http://}|"; }
{
    echo "$snippet" | fill "$auth_port"
    # The same server without the decision; the upstream block is declared once.
    echo "$snippet" | fill "$open_port" | sed -e '/^upstream introspection_jwt_forward_auth {/,/^}/d' \
        -e 's|auth_request /_introspection_jwt_auth;|auth_request off;|'
    echo "server { listen 127.0.0.1:$upstream_port; location / { return 200 \"ok\\n\"; } }"
} >"$work/site.conf"
cat >"$work/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so;
daemon on;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/body; proxy_temp_path $work/proxy; fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
    include $work/site.conf;
}
EOF
/usr/sbin/nginx -c "$work/nginx.conf" -p "$work/" -e "$work/nginx-error.log"
sleep 0.5

as_calls() { curl -s "$fa_url/metrics" | sed -nE 's/^introspection_jwt_introspection_calls_total ([0-9.]+)$/\1/p'; }

# One wrk run: prints "<requests/s> <non-2xx> <requests>".
load() {
    local name=$1 url=$2
    wrk -t1 -c"$connections" -d"${duration}s" -H "Authorization: Bearer $token" "$url" >"$work/wrk-$name.txt"
    local rps non2xx requests
    rps=$(sed -nE 's/^Requests\/sec: *([0-9.]+).*/\1/p' "$work/wrk-$name.txt")
    non2xx=$(sed -nE 's/^ *Non-2xx or 3xx responses: *([0-9]+).*/\1/p' "$work/wrk-$name.txt")
    requests=$(sed -nE 's/^ *([0-9]+) requests in .*/\1/p' "$work/wrk-$name.txt")
    echo "$rps ${non2xx:-0} $requests"
}

declare -A urls=(
    [healthz]="$fa_url/healthz"
    [decision]="$fa_url/auth"
    [nginx-open]="http://127.0.0.1:$open_port/orders"
    [nginx-auth]="http://127.0.0.1:$auth_port/orders"
)
# Warm-up: the first decision fills the cache (one AS call).
curl -s -o /dev/null -H "Authorization: Bearer $token" "$fa_url/auth"
for name in healthz decision nginx-open nginx-auth; do
    wrk -t1 -c"$connections" -d2s -H "Authorization: Bearer $token" "${urls[$name]}" >/dev/null
done
calls_before=$(as_calls)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

: >"$work/rounds.txt"
for round in $(seq 1 "$rounds"); do
    for name in healthz decision nginx-open nginx-auth; do
        echo "== round $round: $name"
        echo "$round $name $(load "$name" "${urls[$name]}")" | tee -a "$work/rounds.txt"
    done
done
calls_after=$(as_calls)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$work/rounds.txt" "$rounds" "$duration" "$connections" "$calls_before" "$calls_after" \
    "$(/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\///')" "$(wrk --version 2>&1 | head -n 1 | awk '{print $2}')" \
    "$load_before" "$load_after" "$(nproc)" <<'PY' >RESULTS-forward-auth.md
import statistics, sys
path, rounds, duration, connections, before, after, nginx, wrk, load_before, load_after, cores = sys.argv[1:12]
runs = {}
for line in open(path):
    r, name, rps, non2xx, requests = line.split()
    runs.setdefault(int(r), {})[name] = (float(rps), int(non2xx), int(requests))
def ratio(a, b):
    values = [runs[r][a][0] / runs[r][b][0] for r in sorted(runs)]
    return statistics.median(values), min(values), max(values)
def median(name):
    return statistics.median(runs[r][name][0] for r in runs)
non2xx = {name: sum(runs[r][name][1] for r in runs) for name in ("healthz", "decision", "nginx-open", "nginx-auth")}
requests = sum(runs[r][name][2] for r in runs for name in ("decision", "nginx-auth"))
d, dlo, dhi = ratio("decision", "healthz")
n, nlo, nhi = ratio("nginx-auth", "nginx-open")
print("# forward-auth throughput (Benchmarks/forward-auth.sh)")
print()
print(f"{rounds} interleaved rounds of {duration} s per load, wrk {wrk}, 1 thread, {connections} connections, on a")
print(f"{cores}-core machine shared with other work (load average {load_before} before the measured rounds,")
print(f"{load_after} after); nginx {nginx}, 1 worker; forward-auth and the local authorization server release")
print("builds, each in a process of its own, all on 127.0.0.1.")
print()
print("| load | median requests/s | non-2xx |")
print("| --- | ---: | ---: |")
for name, what in (("healthz", "forward-auth `GET /healthz` (trivial 200 route, same server)"),
                   ("decision", "forward-auth `GET /auth`, cache hit (200 with X-Auth-* and the JWT)"),
                   ("nginx-open", "nginx, the snippet with `auth_request off`"),
                   ("nginx-auth", "nginx, the snippet as documented (auth_request to forward-auth)")):
    print(f"| {what} | {median(name):,.0f} | {non2xx[name]} |")
print()
print("| ratio (median of the rounds, range) | value | target |")
print("| --- | ---: | --- |")
print(f"| decision / healthz | {d:.3f} ({dlo:.3f}-{dhi:.3f}) | >= 0.8: {'met' if d >= 0.8 else 'not met'} |")
print(f"| nginx-auth / nginx-open | {n:.3f} ({nlo:.3f}-{nhi:.3f}) | reported |")
print()
print(f"Calls to the authorization server during the measured rounds: {float(after) - float(before):.0f} "
      f"(for {requests:,} decisions and requests through nginx with auth_request: every one a cache hit).")
PY
cat RESULTS-forward-auth.md
