#!/usr/bin/env python3
"""Benchmarks of proctor's history database (issue 16 points 3 and 4).

  python3 bench/history.py overhead [--runs 7] [--proctor PATH]
      The trivial node shape (200 files x 50 tests = 10,000 tests, from bench/vendor/gen.py) in a
      git repository, run with history on and with `[history] enabled = false`, interleaved
      (off, on, off, on, ...) after one unmeasured warm-up of each. Prints median wall seconds of
      each, the median cpu (user+sys of the run's process tree) of each, and the overhead of
      recording. Every measured "on" run writes 10,000 attempts (the
      database grows as it would over a day of runs).

  python3 bench/history.py query [--attempts 1000000] [--tests 2000] [--commits 50] [--proctor PATH]
      Fills a history database with N attempts (tests x runs over commits, 2 % of the tests flaky,
      failing about 1 run in 5), through proctor's own schema (proctor creates the empty database
      with `history import /dev/null`; Python's sqlite3 inserts the rows), then times
      `proctor flaky --json` (by tree and by commit), `proctor history ID --json` and
      `proctor slow --json`, 5 times each, median wall seconds.

Python 3 stdlib only. PATH defaults to target/release/proctor, else target/debug/proctor.
"""
import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def default_proctor():
    for profile in ("release", "debug"):
        path = os.path.join(REPO, "target", profile, "proctor")
        if os.path.exists(path):
            return path
    sys.exit("build proctor first: cargo build --release -p proctor")


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@b", "-c", "commit.gpgsign=false", *args],
                   cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def cpu_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv, cwd, cpu=None):
    start, cpu_start = time.perf_counter(), cpu_of_children()
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if cpu is not None:
        cpu.append(cpu_of_children() - cpu_start)
    return wall, done.returncode, done.stderr


def overhead(args):
    work = tempfile.mkdtemp(prefix="proctor-history-bench-")
    suite = os.path.join(work, "suite")
    subprocess.run([sys.executable, os.path.join(HERE, "vendor", "gen.py"), "--kind", "trivial", "--runner", "proctor",
                    "--out", suite], check=True, stdout=subprocess.DEVNULL)
    git(suite, "init", "-q", "-b", "main")
    with open(os.path.join(suite, ".gitignore"), "w") as f:
        f.write("node_modules\n")
    git(suite, "add", "-A")
    git(suite, "commit", "-q", "-m", "suite")
    toml = os.path.join(suite, "proctor.toml")
    argv = [args.proctor, "run", "--reporter", "dots"]
    walls = {"off": [], "on": []}
    cpus = {"off": [], "on": []}
    for i in range(args.runs + 1):
        for mode in ("off", "on"):
            with open(toml, "w") as f:
                f.write("[history]\nenabled = false\n" if mode == "off" else "[history]\nenabled = true\n")
            cpu = []
            wall, code, err = timed(argv, suite, cpu)
            if code != 0 or "history" in err:
                sys.exit(f"run failed ({mode}, exit {code}): {err}")
            if i > 0:
                walls[mode].append(wall)
                cpus[mode].extend(cpu)
    db = os.path.join(suite, ".proctor", "history.db")
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM attempts").fetchone()[0]
    off, on = statistics.median(walls["off"]), statistics.median(walls["on"])
    print(f"proctor: {args.proctor}")
    print(f"runs per mode: {args.runs} (+1 warm-up), interleaved")
    print(f"history off: median {off:.3f}s  (min {min(walls['off']):.3f}, max {max(walls['off']):.3f})")
    print(f"history on:  median {on:.3f}s  (min {min(walls['on']):.3f}, max {max(walls['on']):.3f})")
    cpu_off, cpu_on = statistics.median(cpus["off"]), statistics.median(cpus["on"])
    print(f"cpu (user+sys of proctor, node and git): off {cpu_off:.3f}s, on {cpu_on:.3f}s, "
          f"{100 * (cpu_on - cpu_off) / cpu_off:+.1f}%")
    with open("/proc/loadavg") as f:
        print(f"load average at the end: {f.read().split()[0]} (2 cores)")
    print(f"overhead: {100 * (on - off) / off:+.1f}%  ({rows} attempts recorded, database {os.path.getsize(db) / 1e6:.1f} MB)")


def query(args):
    work = tempfile.mkdtemp(prefix="proctor-history-query-")
    subprocess.run([args.proctor, "history", "import", "/dev/null", "--root", work], check=True,
                   stdout=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(work, ".proctor", "history.db"))
    rng = random.Random(16)
    runs = args.attempts // args.tests
    flaky = set(rng.sample(range(args.tests), max(1, args.tests // 50)))
    start = time.perf_counter()
    db.executemany("INSERT INTO tests(id, suite, test_id) VALUES(?, 'unit', ?)",
                   [(t + 1, f"test/f{t // 50}.test.js::group::test {t}") for t in range(args.tests)])
    db.executemany("INSERT INTO revs(id, sha) VALUES(?, ?)", [(c + 1, f"{c:040x}") for c in range(2 * args.commits)])
    t0 = 1_700_000_000_000
    for r in range(runs):
        commit = r * args.commits // runs
        db.execute("INSERT INTO runs(id, run_id, started_at, finished_at, commit_sha, tree_sha, branch, dirty, host)"
                   " VALUES(?, ?, ?, ?, ?, ?, 'main', 0, 'bench')",
                   (r + 1, f"run{r:08d}", t0 + r * 60_000, t0 + r * 60_000 + 5_000, f"{commit:040x}",
                    f"{args.commits + commit:040x}"))
        rows = []
        for t in range(args.tests):
            failed = t in flaky and rng.random() < 0.2
            rows.append((r + 1, t + 1, args.commits + commit + 1, commit + 1, "node", 1 if failed else 0,
                         rng.lognormvariate(0, 1), 1, "Error: boom" if failed else None, t0 + r * 60_000))
        db.executemany("INSERT INTO attempts(run, test, tree, commit_rev, runtime, outcome, duration_ms, attempt,"
                       " message, at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.execute("ANALYZE")
    db.close()
    fill = time.perf_counter() - start
    size = os.path.getsize(os.path.join(work, ".proctor", "history.db")) / 1e6
    print(f"proctor: {args.proctor}")
    print(f"filled {runs * args.tests} attempts ({args.tests} tests x {runs} runs over {args.commits} commits, "
          f"{len(flaky)} flaky tests) in {fill:.1f}s; database {size:.0f} MB")
    some = f"test/f0.test.js::group::test 0"
    for label, argv in [("flaky --json", ["flaky", "--json"]),
                        ("flaky --by commit --json", ["flaky", "--by", "commit", "--json"]),
                        (f"history ID --json", ["history", some, "--json"]),
                        ("slow --json", ["slow", "--json"])]:
        walls = []
        for _ in range(5):
            wall, code, err = timed([args.proctor, *argv, "--root", work], work)
            if code != 0:
                sys.exit(f"{label} failed: {err}")
            walls.append(wall)
        print(f"proctor {label}: median {statistics.median(walls):.3f}s (min {min(walls):.3f}, max {max(walls):.3f})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    o = sub.add_parser("overhead")
    o.add_argument("--runs", type=int, default=7)
    o.add_argument("--proctor", default=None)
    q = sub.add_parser("query")
    q.add_argument("--attempts", type=int, default=1_000_000)
    q.add_argument("--tests", type=int, default=2000)
    q.add_argument("--commits", type=int, default=50)
    q.add_argument("--proctor", default=None)
    args = ap.parse_args()
    args.proctor = os.path.abspath(args.proctor or default_proctor())
    overhead(args) if args.what == "overhead" else query(args)


if __name__ == "__main__":
    main()
