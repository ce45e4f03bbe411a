#!/usr/bin/env python3
"""Writes COUNT audit records (JSON lines) to PATH from the Examples/ responses: 80 % valid RS256,
10 % inactive, 10 % tampered, received within 300 s of issue. Used by Scripts/audit-benchmark.sh and
Benchmarks/run.sh, so that both measure the same input.

    Scripts/make-audit-records.py COUNT PATH
"""
import pathlib
import sys

count, path = int(sys.argv[1]), sys.argv[2]
examples = pathlib.Path(__file__).resolve().parent.parent / "Examples"
tokens = [(examples / f"{name}.jwt").read_text().strip() for name in ("response", "inactive", "tampered")]
with open(path, "w") as out:
    for i in range(count):
        token = tokens[0] if i % 10 < 8 else tokens[1 + i % 2]
        out.write('{"id":"r%d","received_at":%d,"response":"%s"}\n' % (i, 1763740800 + i % 300, token))
