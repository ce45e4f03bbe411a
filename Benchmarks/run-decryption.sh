#!/usr/bin/env bash
# Runs the encrypted-response benchmark (Sources/DecryptionBenchmark) and writes its section of
# Benchmarks/RESULTS.md (between the decryption markers; run.sh keeps that section when it rewrites the file).
#
#   Benchmarks/run-decryption.sh [seconds-per-pair]     (default 1.5)
#   REPORT_ONLY=1 Benchmarks/run-decryption.sh          (only rewrite the section from the last run's figures)
#
# For each alg/enc pair: decrypt+verify of the generated vector valid-<alg>-<enc> (ours) against OpenSSL's
# own cost of the private-key operation (RSA-OAEP decryption or ECDH derivation, inputs prepared) plus the
# signature check of the inner JWS (limit). Fastest of 9 alternating rounds per side, one core.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-1.5}
mkdir -p .work
if [ -z "${REPORT_ONLY:-}" ]; then
    swift build -c release --product DecryptionBenchmark 2>&1 | tail -n 1
    bin=$(swift build -c release --show-bin-path)
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >.work/decryption-load.txt
    "$bin/DecryptionBenchmark" "$seconds" | tee .work/decryption.tsv
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>.work/decryption-load.txt
fi
git_rev=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
python3 - "$git_rev" <<'PY'
import datetime, os, statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(".work/decryption.tsv") if line.strip()]
load = open(".work/decryption-load.txt").read().strip().replace("\n", "; ")
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
out = ["<!-- decryption:begin -->", "## Encrypted responses: decrypt + verify per alg/enc pair (issue 13)", "",
       f"Written by `Benchmarks/run-decryption.sh` on {now}, git {sys.argv[1]}; {load}.",
       "Token: the generated vector `valid-<alg>-<enc>` (an RS256 response, 2048-bit RSA signing key) per pair; RSA-OAEP with",
       "a 2048-bit key, ECDH-ES on P-256, P-384, P-521 and X25519 in turn, symmetric keys for A*KW, A*GCMKW and dir.",
       "**ours**: `IntrospectionResponseVerifier.verify(_:using:at:)` of the encrypted token (parse, header checks, key",
       "selection, CEK recovery, content decryption, then the whole JWS pipeline). **limit**: OpenSSL's private-key operation",
       "with prepared inputs (`EVP_PKEY_decrypt` OAEP of the encrypted key, or `EVP_PKEY_derive` with the parsed `epk`) plus",
       "one prepared signature check (`verifyPrehashed`). Fastest of 9 alternating rounds per side (the machine is shared;",
       "other work only slows a round down); target limit/ours ≥ 0.90.", "",
       "| alg | enc | key | ours (µs) | limit (µs) | limit/ours | target |", "|---|---|---|---:|---:|---:|---|"]
asymmetric, symmetric = [], []
for alg, enc, key, ours, limit, ratio, note in rows:
    if alg == "signed-only":
        out.insert(11, f"Signed-only {enc} through the same verifier (the hot path, no JWE): ours {ours} µs, limit {limit} µs, "
                       f"limit/ours {ratio}.\n")
        continue
    ratio_value = float(ratio)
    (symmetric if note else asymmetric).append(ratio_value)
    verdict = "met" if ratio_value >= 0.9 else "**not met**"
    if note:
        verdict += " (no private-key operation: the limit is the signature check alone)"
    out.append(f"| {alg} | {enc} | {key} | {ours} | {limit} | {ratio} | {verdict} |")
if asymmetric:
    out.append("")
    out.append(f"Pairs with a private-key operation (RSA-OAEP*, ECDH-ES*): {sum(r >= 0.9 for r in asymmetric)} of {len(asymmetric)} "
               f"meet 0.90; median limit/ours {statistics.median(asymmetric):.3f}, lowest {min(asymmetric):.3f}.")
if symmetric:
    out.append(f"Pairs without one (A*KW, A*GCMKW, dir): {sum(r >= 0.9 for r in symmetric)} of {len(symmetric)} meet 0.90; "
               f"median {statistics.median(symmetric):.3f}, lowest {min(symmetric):.3f}.")
out.append("")
out.append("""Where the target is not met, and why:
- **No private-key operation** (A*KW, A*GCMKW, `dir`): the limit is the RS256 check alone (about 16 µs), so 0.90 would
  leave under 2 µs for everything a JWE adds: decoding about 3 KB of base64url, the strict JSON header, the AES
  unwrap or GCM key decryption, the content decryption and the inner parse. We spend 10-40 µs on that (the lowest
  ratios are CBC-HMAC pairs, with an HMAC context per response). The target is not reachable for these pairs by
  construction; they are listed for completeness.
- **ECDH-ES on P-256 and X25519**: the agreement itself is cheap (about 50 µs on P-256, 35 µs on X25519), so the
  fixed per-response costs weigh 20-40 %: importing and checking the `epk` (a duplicated template key, the point
  decoded and checked on the curve, `EVP_PKEY_public_check_quick`), the Concat KDF (OpenSSL's SSKDF context is
  configured with its digest per derivation: duplicating a configured context gave wrong keys with OpenSSL 3.0.19,
  caught by the Wycheproof and RFC 7520 tests), the AES contexts. Already done: the `epk` is checked once (not the
  full order check plus a second validation at derivation, which cost another scalar multiplication) and made
  from a template key instead of a lookup by name. P-384 and P-521, whose agreement costs 0.5-1.5 ms, meet or come
  within a few percent of 0.90; RSA-OAEP (about 260 µs for the 2048-bit decryption) meets it.
- The machine was shared with other builds during the run (load average above); single pairs move by ±10 % from
  run to run, the fastest-round figures are the stable ones.""")
out.append("<!-- decryption:end -->")
section = "\n".join(out)
text = open("RESULTS.md").read() if os.path.exists("RESULTS.md") else "# Benchmark results\n"
begin, end = "<!-- decryption:begin -->", "<!-- decryption:end -->"
if begin in text and end in text:
    text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
else:
    # Before the history (RESULTS-history.md, appended last by run.sh), as run.sh places it.
    history_head = open("RESULTS-history.md").readline().strip() if os.path.exists("RESULTS-history.md") else None
    at = text.find("\n" + history_head) if history_head else -1
    text = (text[:at] + "\n" + section + "\n" + text[at:]) if at >= 0 else text.rstrip() + "\n\n" + section + "\n"
open("RESULTS.md", "w").write(text)
print(section)
PY
