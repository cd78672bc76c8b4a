#!/usr/bin/env python3
# Vendored verbatim (apart from this line) from /work/shared/bench/counts.py, the shared peer baseline's count parser, 2026-11-23.
"""Extract each run's own pass/fail/total counts from a runner's captured output.

usage: counts.py RUNNER LOGFILE
  RUNNER: node | vitest | jest | mocha | karma | wtr | vitest-browser
A log may hold several runs appended one after another; one line per run is printed
as  total pass fail. Use it to check that a timed run executed every generated test.
"""
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def runs(runner, text):
    text = ANSI.sub("", text)
    out = []
    if runner == "node":  # TAP summary from node --test
        for m in re.finditer(r"^# tests (\d+)\n# suites \d+\n# pass (\d+)\n# fail (\d+)", text, re.M):
            out.append((int(m[1]), int(m[2]), int(m[3])))
    elif runner in ("vitest", "vitest-browser"):
        for m in re.finditer(r"^\s+Tests\s+(.*)\((\d+)\)\s*$", text, re.M):
            f = re.search(r"(\d+) failed", m[1])
            p = re.search(r"(\d+) passed", m[1])
            out.append((int(m[2]), int(p[1]) if p else 0, int(f[1]) if f else 0))
    elif runner == "jest":
        for m in re.finditer(r"^Tests:\s+(.*?)(\d+) total", text, re.M):
            f = re.search(r"(\d+) failed", m[1])
            p = re.search(r"(\d+) passed", m[1])
            out.append((int(m[2]), int(p[1]) if p else 0, int(f[1]) if f else 0))
    elif runner == "mocha":
        for m in re.finditer(r"^\s+(\d+) passing \(.*\)\n(?:\s+\d+ pending\n)?(?:\s+(\d+) failing)?", text, re.M):
            p, f = int(m[1]), int(m[2] or 0)
            out.append((p + f, p, f))
    elif runner == "karma":
        # each run ends with "Executed N of M [(K FAILED)] [SUCCESS] (x secs / y secs)"
        for m in re.finditer(r"Executed (\d+) of (\d+)(?: \((\d+) FAILED\))?.*?\([\d.]+ secs / [\d.]+ secs\)", text):
            n, f = int(m[1]), int(m[3] or 0)
            out.append((n, n - f, f))
    elif runner == "wtr":
        # progress lines "x/y test files | P passed, F failed"; the last one before "Finished running tests" counts
        for chunk in re.split(r"Finished running tests", text)[:-1]:
            ms = re.findall(r"(\d+) passed, (\d+) failed", chunk)
            if ms:
                p, f = map(int, ms[-1])
                out.append((p + f, p, f))
    return out


if __name__ == "__main__":
    r, path = sys.argv[1], sys.argv[2]
    for t in runs(r, open(path, errors="replace").read()):
        print(*t)
