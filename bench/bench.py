#!/usr/bin/env python3
"""Benchmark `proctor run` against mocha, `node --test` and Vitest on the same generated suites.

Usage (from anywhere; python3 stdlib only):
  python3 bench/bench.py                      # install peers, build proctor, all shapes x runners, 3 runs
  python3 bench/bench.py --shapes single --runners proctor,mocha --runs 5 --skip-install --no-build

For every shape the suites are generated with the shared generator (gen.py) into
bench/work/suites/<shape>/<runner>/, the peers (bench/package.json, installed into
bench/work/peers/) are reached through the symlink bench/work/suites/node_modules, and each
runner x shape gets 1 unmeasured warm-up + --runs measured runs. Runs are interleaved: a round runs
every runner once, so slow drifts in machine load hit all runners alike. Per run: wall time (spawn to
exit), cpu = user+sys of the waited-for process tree (getrusage(RUSAGE_CHILDREN) delta), peak RSS =
largest single process in that tree (wait4 ru_maxrss), the runner's own pass/fail counts parsed from
its output (counts.py, plus proctor's summary line), exit code, and how busy the rest of the machine
was (system-wide busy cpu from /proc/stat minus the run's own cpu).

Then proctor's per-test overhead: one `proctor run --reporter json` per proctor shape, split by the
events' elapsed_ms into start-up / load / test phase / teardown.

Writes bench/RESULTS.md (a hand-written part after NOTES_MARKER is kept), bench/work/results.json
(every run) and bench/work/logs/ (every run's output).
"""
import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
PEERS = os.path.join(WORK, "peers")
SUITES = os.path.join(WORK, "suites")
LOGS = os.path.join(WORK, "logs")
PROCTOR = os.path.join(REPO, "target", "release", "proctor")
BIN = os.path.join(PEERS, "node_modules", ".bin")
NOTES_MARKER = "<!-- everything below this line is hand-written and kept when bench.py rewrites the file -->"

SHAPES = ["trivial", "async", "single"]
RUNNERS = ["proctor", "mocha", "node", "vitest"]
# runner -> (gen.py dialect, argv, label)
RUNNER_CMDS = {
    "proctor": ("proctor", [PROCTOR, "run", "--reporter", "dots"], "proctor"),
    "mocha": ("mocha", [os.path.join(BIN, "mocha")], "mocha"),
    "node": ("node", ["node", "--test"], "node:test"),
    "vitest": ("vitest", [os.path.join(BIN, "vitest"), "run"], "vitest"),
}
SHAPE_TITLES = {
    "trivial": "trivial: 200 files x 50 sync tests = 10,000 tests",
    "async": "async: 50 files x 20 async tests (await resolved promise + setTimeout 0) = 1,000 tests",
    "single": "single: 1 file x 50 sync tests (single-file latency)",
    "mixed-fail": "mixed-fail: 20 files x 20 tests, 20 failing, 2 slow (100 ms)",
    "graph": "graph: 100 src modules + 100 test files x 10 = 1,000 tests",
}
RUN_TIMEOUT = 900  # seconds per run; vitest on `trivial` takes ~60 s


# ---------------------------------------------------------------- helpers
def sh(argv, **kw):
    return subprocess.run(argv, check=True, text=True, capture_output=True, **kw).stdout.strip()


def try_sh(argv, **kw):
    try:
        return sh(argv, **kw)
    except (OSError, subprocess.CalledProcessError) as e:
        return f"? ({e.__class__.__name__})"


def display(argv):
    """The command as a user types it in the suite dir."""
    out = []
    for a in argv:
        if a == PROCTOR:
            a = "proctor"
        elif a.startswith(BIN + os.sep):  # from the suite dir, through bench/work/suites/node_modules
            a = "../../node_modules/.bin/" + os.path.basename(a)
        out.append(shlex.quote(a))
    return " ".join(out)


def load_counts(shared):
    spec = importlib.util.spec_from_file_location("counts", os.path.join(shared, "counts.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def proctor_counts(text):
    """proctor's summary: `Tests:  [N failed, N timed out, N crashed, ]N passed, ... N total`."""
    out = []
    for m in re.finditer(r"^Tests:\s+(.*?)(\d+) total\s*$", ANSI.sub("", text), re.M):
        n = lambda label: int(x[1]) if (x := re.search(rf"(\d+) {label}", m[1])) else 0  # noqa: E731
        out.append((int(m[2]), n("passed"), n("failed") + n("timed out") + n("crashed")))
    return out


def runner_counts(counts_mod, runner, text):
    if runner == "proctor":
        return proctor_counts(text)
    return counts_mod.runs(runner, text)


def cpu_busy():
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    total = sum(v[:8])
    return total - idle, total


def group_members(pgid):
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
            fields = s[s.rindex(")") + 2:].split()
            if int(fields[2]) == pgid and int(d) != pgid:
                pids.append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    return pids


def timed_run(argv, cwd, log_path, env=None):
    """Run argv in cwd (own process group, output to log_path); measure it from outside."""
    hz = os.sysconf("SC_CLK_TCK")
    ncpu = os.cpu_count() or 1
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    b0, _ = cpu_busy()
    with open(log_path, "wb") as log:
        spawn_unix = time.time()
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, start_new_session=True)
        timed_out = False
        deadline = t0 + RUN_TIMEOUT
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                timed_out = True
                os.killpg(p.pid, signal.SIGKILL)
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - t0
        exit_unix = time.time()
    p.returncode = os.waitstatus_to_exitcode(status)
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    b1, _ = cpu_busy()
    leftovers = group_members(p.pid)
    if leftovers:  # processes the runner left behind in its group: not measured; end them
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    machine_busy = (b1 - b0) / hz
    return {
        "wall": wall,
        "cpu": cpu,
        "cpu_wait4": ru.ru_utime + ru.ru_stime,
        "maxrss_kb": ru.ru_maxrss,
        "exit": p.returncode,
        "timed_out": timed_out,
        "leftover_procs": len(leftovers),
        # cores' worth of cpu used by everything else on the machine during the run
        "other_load": max(0.0, (machine_busy - cpu) / wall) if wall > 0 else 0.0,
        "other_load_max": ncpu,
        "spawn_unix": spawn_unix,
        "exit_unix": exit_unix,
    }


# ---------------------------------------------------------------- steps
def install_peers():
    os.makedirs(PEERS, exist_ok=True)
    shutil.copyfile(os.path.join(HERE, "package.json"), os.path.join(PEERS, "package.json"))
    print(f"+ (cd {os.path.relpath(PEERS, REPO)} && npm install --no-audit --no-fund)", flush=True)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=PEERS, check=True)


def build_proctor():
    print("+ cargo build --release", flush=True)
    subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)


def peer_version(name):
    try:
        with open(os.path.join(PEERS, "node_modules", name, "package.json")) as f:
            return json.load(f)["version"]
    except OSError:
        return None


def generate(shared, shapes, runners):
    os.makedirs(SUITES, exist_ok=True)
    link = os.path.join(SUITES, "node_modules")
    if os.path.islink(link) or os.path.exists(link):
        os.remove(link)
    os.symlink(os.path.join("..", "peers", "node_modules"), link)  # suites resolve the peers from here
    expected = {}
    for shape in shapes:
        for r in runners:
            out = os.path.join(SUITES, shape, r)
            subprocess.run([sys.executable, os.path.join(shared, "gen.py"), "--kind", shape,
                            "--runner", RUNNER_CMDS[r][0], "--out", out], check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(out, "expected.json")) as f:
                expected[(shape, r)] = json.load(f)
    return expected


def machine_facts():
    facts = {}
    try:
        with open("/etc/os-release") as f:
            osr = dict(l.rstrip("\n").split("=", 1) for l in f if "=" in l)
        facts["os"] = osr.get("PRETTY_NAME", "").strip('"')
    except OSError:
        facts["os"] = platform.platform()
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    facts["cpu"] = model
    facts["cores"] = os.cpu_count()
    with open("/proc/meminfo") as f:
        kb = int(f.readline().split()[1])
    facts["mem_gib"] = round(kb / 1024 / 1024)
    facts["kernel"] = platform.release()
    facts["node"] = try_sh(["node", "--version"])
    facts["npm"] = try_sh(["npm", "--version"])
    facts["python"] = platform.python_version()
    facts["proctor"] = try_sh([PROCTOR, "--version"])
    rev = try_sh(["git", "-C", REPO, "rev-parse", "--short", "HEAD"])
    dirty = try_sh(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"])
    facts["proctor_git"] = rev + (" + uncommitted changes" if dirty and not dirty.startswith("?") else "")
    try:
        facts["proctor_built"] = dt.datetime.fromtimestamp(os.path.getmtime(PROCTOR), dt.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC")
    except OSError:
        facts["proctor_built"] = "?"
    facts["mocha"] = peer_version("mocha")
    facts["vitest"] = peer_version("vitest")
    facts["vite"] = peer_version("vite")
    return facts


def binary_stamp():
    try:
        st = os.stat(PROCTOR)
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return None


def validate(run, exp, nums):
    """A run is valid when it reported exactly one summary with the generated counts and the exit
    code matches (0 unless failures were generated)."""
    if len(nums) != 1:
        return False
    total, _, fail = nums[0]
    ok_exit = (run["exit"] == 0) if exp["fail"] == 0 else (run["exit"] != 0)
    return total == exp["tests"] and fail == exp["fail"] and ok_exit and not run["timed_out"]


def wait_quiet(max_wait, threshold=0.3, window=2.0):
    """Wait (at most max_wait s) until the rest of the machine uses under `threshold` cores over `window` s."""
    if max_wait <= 0:
        return 0.0
    hz = os.sysconf("SC_CLK_TCK")
    t0 = time.perf_counter()
    while True:
        b0, _ = cpu_busy()
        time.sleep(window)
        b1, _ = cpu_busy()
        load = (b1 - b0) / hz / window
        waited = time.perf_counter() - t0
        if load < threshold or waited >= max_wait:
            if waited > window + 0.5:
                print(f"  (waited {waited:.0f} s for a quiet machine; other load now {load:.2f} cores)", flush=True)
            return waited


def bench(shapes, runners, nruns, counts_mod, expected, quiet=0):
    results = {}
    os.makedirs(LOGS, exist_ok=True)
    for shape in shapes:
        for r in runners:
            results[(shape, r)] = {"runs": [], "warmup": None}
        for rnd in range(nruns + 1):  # round 0 is the warm-up
            wait_quiet(quiet)
            for r in runners:
                argv = RUNNER_CMDS[r][1]
                cwd = os.path.join(SUITES, shape, r)
                log = os.path.join(LOGS, f"{shape}-{r}-{rnd}.log")
                run = timed_run(argv, cwd, log)
                with open(log, errors="replace") as f:
                    nums = runner_counts(counts_mod, r, f.read())
                run["counts"] = nums
                run["valid"] = validate(run, expected[(shape, r)], nums)
                run["log"] = os.path.relpath(log, HERE)
                tag = "warm-up" if rnd == 0 else f"run {rnd}/{nruns}"
                print(f"  {shape:8} {r:8} {tag:9} {run['wall']:8.3f} s wall {run['cpu']:7.3f} s cpu "
                      f"{run['maxrss_kb'] / 1024:6.0f} MiB  counts {nums} exit {run['exit']}"
                      f"{'' if run['valid'] else '  INVALID'}"
                      f"{'  leftover ' + str(run['leftover_procs']) if run['leftover_procs'] else ''}"
                      f"  other load {run['other_load']:.2f}", flush=True)
                if rnd == 0:
                    results[(shape, r)]["warmup"] = run
                else:
                    results[(shape, r)]["runs"].append(run)
    return results


def overhead(shape, expected):
    """One `proctor run --reporter json` on a suite, split into phases by the events' timestamps."""
    cwd = os.path.join(SUITES, shape, "proctor")
    log = os.path.join(LOGS, f"{shape}-proctor-json.jsonl")
    argv = [PROCTOR, "run", "--reporter", "json"]
    run = timed_run(argv, cwd, log)
    ev = []
    with open(log, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    ev.append(json.loads(line))
                except json.JSONDecodeError:
                    pass

    def first(name):
        return next((e for e in ev if e["event"] == name), None)

    started = [e for e in ev if e["event"] == "test-started"]
    finished = [e for e in ev if e["event"] == "test-finished"]
    rs, rt, rf = first("run-started"), first("runtime-started"), first("run-finished")
    if not (rs and rt and rf and started and finished):
        return {"shape": shape, "error": f"missing events in {os.path.relpath(log, HERE)}", "run": run}
    n = len(finished)
    t_first, t_last = started[0]["elapsed_ms"], finished[-1]["elapsed_ms"]
    in_tests = sum(e["duration_ms"] for e in finished)
    # host-side start->finish per test, and the gaps between one test's finish and the next start
    pairs = sum(f["elapsed_ms"] - s["elapsed_ms"] for s, f in zip(started, finished))
    steps = [b["elapsed_ms"] - a["elapsed_ms"] for a, b in zip(started, started[1:])]
    return {
        "shape": shape,
        "command": display(argv),
        "tests": n,
        "expected_tests": expected[(shape, "proctor")]["tests"],
        "passed": sum(1 for e in finished if e["outcome"] == "passed"),
        "restarts": sum(1 for e in ev if e["event"] == "runtime-restarted"),
        "wall_ms": run["wall"] * 1000,
        "pre_run_ms": rs["at"] - run["spawn_unix"] * 1000,          # process spawn -> run-started (ms clock)
        "startup_ms": rt["elapsed_ms"] - rs["elapsed_ms"],          # run-started -> runtime-started
        "load_ms": t_first - rt["elapsed_ms"],                       # runtime-started -> first test-started
        "test_phase_ms": t_last - t_first,                           # first test-started -> last test-finished
        "per_test_us": (t_last - t_first) * 1000 / n,
        "steady_us": statistics.median(steps) * 1000 if steps else float("nan"),  # median test-started step
        "in_test_us": in_tests * 1000 / n,                           # the runtime's own duration_ms per test
        "host_pair_us": pairs * 1000 / n,                            # host test-started -> test-finished
        "teardown_ms": rf["elapsed_ms"] - t_last,                    # last test-finished -> run-finished
        "exit_ms": run["exit_unix"] * 1000 - rf["at"],               # run-finished -> process exit (ms clock)
        "run": run,
    }


# ---------------------------------------------------------------- report
def med(xs):
    return statistics.median(xs) if xs else float("nan")


def summarize(res, exp):
    runs = res["runs"]
    walls = [r["wall"] for r in runs]
    all_runs = ([res["warmup"]] if res["warmup"] else []) + runs
    triples = sorted({t for r in all_runs for t in r["counts"]})
    return {
        "n": len(runs),
        "wall_med": med(walls),
        "wall_min": min(walls) if walls else float("nan"),
        "wall_max": max(walls) if walls else float("nan"),
        "cpu_med": med([r["cpu"] for r in runs]),
        "rss_med": med([r["maxrss_kb"] / 1024 for r in runs]),
        "counts": ", ".join("/".join(map(str, t)) for t in triples) or "none parsed",
        "parsed": sum(len(r["counts"]) for r in all_runs),
        "valid": all(r["valid"] for r in all_runs),
        "leftovers": sum(r["leftover_procs"] for r in all_runs),
        "load_med": med([r["other_load"] for r in runs]),
        "load_max": max((r["other_load"] for r in runs), default=float("nan")),
        "expected": f"{exp['tests']}/{exp['pass']}/{exp['fail']}",
    }


def label(r, facts):
    if r == "proctor":
        return f"{facts['proctor']} ({facts['proctor_git']})"
    if r == "node":
        return f"node:test (node {facts['node']})"
    if r == "vitest":
        return f"vitest {facts['vitest']} (vite {facts['vite']})"
    return f"mocha {facts['mocha']}"


def render(shapes, runners, results, expected, facts, ovh, argv_line, started, finished, nruns):
    L = []
    L.append("# proctor vs mocha, node:test and Vitest\n")
    L.append("Generated by `bench/bench.py` (how to run and what it measures: [README.md](README.md)).\n")
    L.append(f"**Command** (from the repo root): `{argv_line}`  ")
    L.append(f"Run {started} to {finished} (UTC).\n")
    L.append("**Machine**: " + f"{facts['os']}, {facts['cores']} cores ({facts['cpu']}), {facts['mem_gib']} GiB RAM, "
             f"kernel {facts['kernel']}; node {facts['node']}, npm {facts['npm']}, python {facts['python']}.  ")
    L.append(f"**Runners**: {label('proctor', facts)} built {facts['proctor_built']}; mocha {facts['mocha']}; "
             f"vitest {facts['vitest']} + vite {facts['vite']} (default config as gen.py writes it: pool `forks`, "
             f"isolate); node:test of node {facts['node']}.\n")
    if facts.get("binary_changed"):
        L.append("**Warning**: `target/release/proctor` was rebuilt by someone else while this bench ran; "
                 "proctor's rows may mix two builds.\n")
    L.append("**Method.** Suites from the shared generator `gen.py` (same test bodies in every dialect), one dir per "
             "shape and runner under `bench/work/suites/<shape>/<runner>/`; each command runs in its suite dir. "
             f"1 unmeasured warm-up + {nruns} measured runs per case, interleaved (each round runs every runner once "
             "before the next round). Whole-process measurement from outside: `wall` = spawn to exit, median "
             "(min-max); `cpu` = user+sys of the process tree that was waited for; `peak RSS` = largest single "
             "process (wait4 `ru_maxrss`), not the sum over workers. `tests run` = distinct total/pass/fail triples "
             "the runner itself printed (all runs incl. warm-up; in brackets how many summaries were parsed); "
             "`valid` = every run printed exactly the generated numbers and exited as expected. `other load` = cpu "
             f"used by the rest of the machine during the runs, in cores (of {facts['cores']}), median / max: "
             "non-zero means a shared, noisy box; treat differences under ~20 % as noise then.\n")

    # side-by-side summary
    L.append("## Summary: median wall seconds\n")
    L.append("| shape (tests) | " + " | ".join(label_short(r) for r in runners) + " |")
    L.append("|---|" + "---|" * len(runners))
    for shape in shapes:
        e = expected[(shape, runners[0])]
        cells = []
        for r in runners:
            s = summarize(results[(shape, r)], expected[(shape, r)])
            cells.append(f"{s['wall_med']:.3f}" + ("" if s["valid"] else " (INVALID counts)"))
        L.append(f"| {shape} ({e['files']} file{'s' if e['files'] != 1 else ''}, {e['tests']:,} tests) | " + " | ".join(cells) + " |")
    L.append("")
    if "proctor" in runners:
        L.append("Ratio of each runner's median wall to proctor's (>1 = proctor faster):\n")
        others = [r for r in runners if r != "proctor"]
        L.append("| shape | " + " | ".join(label_short(r) for r in others) + " |")
        L.append("|---|" + "---|" * len(others))
        for shape in shapes:
            p = summarize(results[(shape, "proctor")], expected[(shape, "proctor")])["wall_med"]
            cells = [f"{summarize(results[(shape, r)], expected[(shape, r)])['wall_med'] / p:.2f}x" for r in others]
            L.append(f"| {shape} | " + " | ".join(cells) + " |")
        L.append("")

    L.append("## Per shape\n")
    for shape in shapes:
        L.append(f"### {SHAPE_TITLES.get(shape, shape)}\n")
        L.append("| runner | command | runs | wall s median (min-max) | cpu s median | peak RSS MiB | "
                 "tests run: total/pass/fail (summaries parsed) | valid | other load (cores) |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        for r in runners:
            s = summarize(results[(shape, r)], expected[(shape, r)])
            valid = "yes" if s["valid"] else f"**no** (expected {s['expected']})"
            if s["leftovers"]:
                valid += f"; {s['leftovers']} process(es) left running at exit, killed"
            L.append(f"| {label(r, facts)} | `{display(RUNNER_CMDS[r][1])}` | {s['n']} | "
                     f"{s['wall_med']:.3f} ({s['wall_min']:.3f}-{s['wall_max']:.3f}) | {s['cpu_med']:.3f} | "
                     f"{s['rss_med']:.0f} | {s['counts']} ({s['parsed']}) | {valid} | "
                     f"{s['load_med']:.2f} / {s['load_max']:.2f} |")
        L.append("")

    if ovh:
        L.append("## proctor: where the time goes (per-test overhead)\n")
        L.append("One extra `proctor run --reporter json` per shape (after the measured runs, so warm), split by "
                 "the events' timestamps (`elapsed_ms`, host clock, 0 = `run-started`). `pre-run` = process spawn "
                 "to `run-started` (CLI, discovery, parsing the files into the plan; from the events' `at` unix ms, "
                 "so ±1 ms); `start-up` = `run-started` to `runtime-started` (node spawned, controller connected); "
                 "`load` = to the first `test-started` (importing the test files); `test phase` = first "
                 "`test-started` to last `test-finished`; **per test** = test phase / tests, the amortized cost of "
                 "one test including the host-runtime round trip; `in test` = the mean of the runtime's own "
                 "`duration_ms` (time inside the test function); `median step` = median time from one `test-started` "
                 "to the next (steady state: no file boundaries, no first-call JIT); `teardown` = last `test-finished` to "
                 "`run-finished`; `exit` = `run-finished` to process exit; `other load` as above, for this one run.\n")
        L.append("| shape | tests (passed) | process wall ms | pre-run ms | start-up ms | load ms | test phase ms | "
                 "**per test µs** | median step µs | in test µs | teardown ms | exit ms | other load |")
        L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for o in ovh:
            if "error" in o:
                L.append(f"| {o['shape']} | {o['error']} |" + " |" * 11)
                continue
            L.append(f"| {o['shape']} | {o['tests']} ({o['passed']}) | {o['wall_ms']:.0f} | {o['pre_run_ms']:.0f} | "
                     f"{o['startup_ms']:.0f} | {o['load_ms']:.0f} | {o['test_phase_ms']:.0f} | "
                     f"**{o['per_test_us']:.1f}** | {o['steady_us']:.1f} | {o['in_test_us']:.1f} | "
                     f"{o['teardown_ms']:.0f} | {o['exit_ms']:.0f} | {o['run']['other_load']:.2f} |")
        L.append("")
        L.append(f"Command: `{ovh[0].get('command', 'proctor run --reporter json')}` in `bench/work/suites/<shape>/proctor/`; "
                 "events kept in `bench/work/logs/<shape>-proctor-json.jsonl`.\n")

    L.append("## Reproduce\n")
    L.append("```sh")
    L.append(argv_line)
    L.append("```\n")
    L.append("Per-case commands (run in `bench/work/suites/<shape>/<runner>/`; `../../node_modules` is the "
             "symlink `bench/work/suites/node_modules` -> `bench/work/peers/node_modules`, through which the suites "
             "also resolve `vitest`; `proctor` is `target/release/proctor`, which needs no install):\n")
    L.append("| runner | command |")
    L.append("|---|---|")
    for r in runners:
        L.append(f"| {label_short(r)} | `{display(RUNNER_CMDS[r][1])}` |")
    L.append("")
    L.append("Every run's output: `bench/work/logs/<shape>-<runner>-<round>.log` (round 0 = warm-up); every "
             "number: `bench/work/results.json`.\n")
    return "\n".join(L)


def label_short(r):
    return {"node": "node:test", "vitest": "vitest"}.get(r, r)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated (default {','.join(SHAPES)})")
    ap.add_argument("--runners", default=",".join(RUNNERS), help=f"comma-separated (default {','.join(RUNNERS)})")
    ap.add_argument("--runs", type=int, default=3, help="measured runs per case, after 1 warm-up (default 3)")
    ap.add_argument("--skip-install", action="store_true", help="reuse bench/work/peers as it is")
    ap.add_argument("--no-build", action="store_true", help="do not run `cargo build --release` first")
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                    help="before each round, wait up to this long for the rest of the machine to use < 0.3 cores "
                         "(default 0: don't wait)")
    ap.add_argument("--no-overhead", action="store_true", help="skip the proctor --reporter json phase split")
    ap.add_argument("--shared", default=os.environ.get("PROCTOR_BENCH_SHARED", "/work/shared/bench"),
                    help="dir holding gen.py and counts.py (default $PROCTOR_BENCH_SHARED or /work/shared/bench)")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"), help="markdown file to write")
    a = ap.parse_args()

    shapes = [s for s in a.shapes.split(",") if s]
    runners = [r for r in a.runners.split(",") if r]
    for r in runners:
        if r not in RUNNER_CMDS:
            ap.error(f"unknown runner {r!r} (known: {', '.join(RUNNER_CMDS)})")
    for s in shapes:
        if s not in SHAPE_TITLES:
            ap.error(f"unknown shape {s!r} (known: {', '.join(SHAPE_TITLES)})")
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    for f in ("gen.py", "counts.py"):
        if not os.path.exists(os.path.join(a.shared, f)):
            ap.error(f"{f} not found in {a.shared} (set --shared)")

    argv_line = "python3 bench/bench.py" + "".join(" " + shlex.quote(x) for x in sys.argv[1:])
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")

    if not a.skip_install and any(r in ("mocha", "vitest") for r in runners):
        install_peers()
    if not a.no_build and "proctor" in runners:
        build_proctor()
    missing = [RUNNER_CMDS[r][1][0] for r in runners if r != "node" and not os.path.exists(RUNNER_CMDS[r][1][0])]
    if missing:
        sys.exit(f"missing: {', '.join(missing)} (drop --skip-install / --no-build?)")

    counts_mod = load_counts(a.shared)
    facts = machine_facts()
    stamp0 = binary_stamp()
    print(f"generating suites under {os.path.relpath(SUITES, REPO)} ...", flush=True)
    expected = generate(a.shared, shapes, runners)
    if os.path.isdir(LOGS):
        shutil.rmtree(LOGS)
    results = bench(shapes, runners, a.runs, counts_mod, expected, a.wait_quiet)

    ovh = []
    if "proctor" in runners and not a.no_overhead:
        for shape in shapes:
            wait_quiet(a.wait_quiet)
            o = overhead(shape, expected)
            ovh.append(o)
            if "error" in o:
                print(f"  overhead {shape}: {o['error']}")
            else:
                print(f"  overhead {shape}: {o['tests']} tests, start-up {o['startup_ms']:.0f} ms, load "
                      f"{o['load_ms']:.0f} ms, test phase {o['test_phase_ms']:.0f} ms = {o['per_test_us']:.1f} us/test")
    finished = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if "proctor" in runners and binary_stamp() != stamp0:
        facts["binary_changed"] = True
        print("WARNING: target/release/proctor changed while the bench ran (someone rebuilt it)", file=sys.stderr)

    md = render(shapes, runners, results, expected, facts, ovh, argv_line, started, finished, a.runs)
    notes = ""
    if os.path.exists(a.out):
        with open(a.out) as f:
            old = f.read()
        if NOTES_MARKER in old:
            notes = old[old.index(NOTES_MARKER) + len(NOTES_MARKER):]
    with open(a.out, "w") as f:
        f.write(md + "\n" + NOTES_MARKER + (notes if notes else "\n"))
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, "results.json"), "w") as f:
        json.dump({"command": argv_line, "started": started, "finished": finished, "facts": facts,
                   "expected": {f"{s}/{r}": e for (s, r), e in expected.items()},
                   "results": {f"{s}/{r}": v for (s, r), v in results.items()},
                   "overhead": ovh}, f, indent=1)
    print()
    print(md)
    print(f"wrote {os.path.relpath(a.out)} and {os.path.relpath(os.path.join(WORK, 'results.json'))}")
    bad = [f"{s}/{r}" for (s, r), v in results.items() if not summarize(v, expected[(s, r)])["valid"]]
    if bad:
        print(f"INVALID counts in: {', '.join(bad)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
