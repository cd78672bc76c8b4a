#!/usr/bin/env python3
"""Standalone vs warm `proctor serve`: the wall time of a small browser suite run in a new
headless Chromium each time (`proctor run --no-server`) versus through a live `proctor serve`
that keeps its tab (`proctor run`). Appends its table to bench/RESULTS.md (section
"serve: reuse of a kept tab"), replacing an earlier one.

  python3 bench/serve.py [--runs 5] [--no-build] [--shapes single-browser,browser]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

from results_section import replace_section

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PROCTOR = os.path.join(REPO, "target", "release", "proctor")
WORK = os.path.join(HERE, "work", "serve")
GEN = os.path.join(os.environ.get("PROCTOR_BENCH_SHARED", os.path.join(HERE, "vendor")), "gen.py")
CONFIG = '[[suite]]\nid = "browser"\nruntime = "chromium"\ntests = ["**/*.test.js"]\n'
SECTION = "## serve: reuse of a kept tab"


def timed(argv, cwd):
    start = time.perf_counter()
    out = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed in {cwd}:\n{out.stdout}")
    return wall, out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--shapes", default="single-browser,browser")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "proctor"], cwd=REPO, check=True)
    rows = []
    for shape in args.shapes.split(","):
        suite = os.path.join(WORK, shape)
        subprocess.run([sys.executable, GEN, "--kind", shape, "--runner", "proctor", "--out", suite],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(suite, "proctor.toml"), "w") as f:
            f.write(CONFIG)
        with open(os.path.join(suite, "expected.json")) as f:
            expected = json.load(f)
        run = [PROCTOR, "run", "--reporter", "dots"]
        standalone = [timed(run + ["--no-server"], suite)[0] for _ in range(args.runs + 1)][1:]
        serve = subprocess.Popen([PROCTOR, "serve"], cwd=suite, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        record = os.path.join(suite, ".proctor", "server.json")
        deadline = time.time() + 30
        while not os.path.exists(record):
            if time.time() > deadline or serve.poll() is not None:
                sys.exit("proctor serve did not become ready")
            time.sleep(0.05)
        try:
            warm, text = [], ""
            for _ in range(args.runs + 1):
                wall, text = timed(run, suite)
                warm.append(wall)
            warm = warm[1:]
        finally:
            subprocess.run([PROCTOR, "serve", "--stop"], cwd=suite, stdout=subprocess.DEVNULL)
            serve.wait(timeout=20)
        if "kept by proctor serve" not in text:
            sys.exit("the warm runs did not go through the server:\n" + text)
        match = re.search(r"Tests:\s+(\d+) passed", text)
        total = expected.get("total") or expected.get("tests")
        if not match or (total is not None and int(match.group(1)) != total):
            sys.exit(f"unexpected counts in the warm run (expected {total}):\n{text}")
        s, w = statistics.median(standalone), statistics.median(warm)
        rows.append((shape, int(match.group(1)), s, min(standalone), max(standalone), w, min(warm), max(warm), s / w))
    lines = [
        SECTION,
        "",
        f"`python3 bench/serve.py --runs {args.runs} --shapes {args.shapes}` on {time.strftime('%Y-%m-%d')}: wall time "
        "of `proctor run --reporter dots` from spawn to exit, median of the runs (min–max) after one warm-up; "
        "*standalone* is `--no-server` (a new headless Chromium per run), *warm* goes through a live "
        "`proctor serve` whose tab runs each run in a fresh frame. Target: warm ≥ 3× faster.",
        "",
        "| shape | tests | standalone | warm server | speed-up |",
        "|---|---:|---:|---:|---:|",
    ]
    for shape, n, s, s0, s1, w, w0, w1, x in rows:
        lines.append(f"| {shape} | {n} | {s:.3f} s ({s0:.3f}–{s1:.3f}) | {w:.3f} s ({w0:.3f}–{w1:.3f}) | {x:.1f}× |")
    section = "\n".join(lines) + "\n"
    replace_section(SECTION, section)
    print(section)


if __name__ == "__main__":
    main()
