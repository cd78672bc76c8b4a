#!/usr/bin/env python3
"""Benchmark `proctor run` against peer test runners on the same generated suites.

Node shapes: proctor vs mocha, `node --test` and Vitest. Browser shapes (headless Chromium):
proctor in esm mode and in minified esbuild mode vs @web/test-runner and Karma. TypeScript
(`--shapes trivial-ts`): the trivial shape as `.test.ts` vs `.test.js`, proctor with an empty and with a
kept transform cache, Vitest on both. Isolation (`--family isolation`): proctor with a fresh realm per
test file (its default) and with one shared realm (`--no-isolate`), in node and in Chromium, beside
mocha and Vitest with and without its isolation; the issue's targets are computed and stated.

Usage (from anywhere; python3 stdlib only):
  python3 bench/bench.py                      # install peers, build proctor, all shapes x runners, 3 runs
  python3 bench/bench.py --shapes single --runners proctor,mocha --runs 5 --skip-install --no-build
  python3 bench/bench.py --shapes browser,single-browser --wait-quiet 120
  python3 bench/bench.py --family isolation --runs 3 --wait-quiet 30 --skip-install

For every shape the suites are generated with gen.py (vendored in bench/vendor/) into
bench/work/suites/<shape>/<runner>/, the peers (bench/package.json, installed into
bench/work/peers/) are reached through the symlink bench/work/suites/node_modules, and each
runner x shape gets 1 unmeasured warm-up + --runs measured runs. A shape is run by the runners of its
family (node, browser, typescript, isolation) that run its runtime (browser runners on browser shapes
only). Runs are interleaved: a round runs every runner once, so slow drifts in
machine load hit all runners alike. Per run: wall time (spawn to exit), cpu = user+sys of the
waited-for process tree (getrusage(RUSAGE_CHILDREN) delta), peak RSS = largest single process in that
tree (wait4 ru_maxrss), the runner's own pass/fail counts parsed from its output (counts.py, plus
proctor's summary line), exit code, and how busy the rest of the machine was (system-wide busy cpu
from /proc/stat minus the run's own cpu).

Then proctor's split: one `proctor run --reporter json` per proctor shape (and browser mode), split by
the events' elapsed_ms into start-up / load / test phase / teardown; for browser shapes also a bare
Chromium start-to-exit floor (`--dump-dom about:blank`).

Writes bench/RESULTS.md: one section per family run (a run rewrites the sections of the families it
ran and keeps the others; the hand-written part after NOTES_MARKER is kept), bench/work/results.json
(every run, per family, merged the same way) and bench/work/logs/ (every run's output).
`--render-only` rewrites RESULTS.md from bench/work/results.json without running anything.
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
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
PEERS = os.path.join(WORK, "peers")
SUITES = os.path.join(WORK, "suites")
LOGS = os.path.join(WORK, "logs")
VENDOR = os.path.join(HERE, "vendor")
DEFAULT_PROCTOR = os.path.join(REPO, "target", "release", "proctor")
PROCTOR = DEFAULT_PROCTOR  # --proctor replaces it (use_proctor)
BIN = os.path.join(PEERS, "node_modules", ".bin")
REPO_BIN = os.path.join(REPO, "node_modules", ".bin")  # esbuild for proctor's `build = "esbuild"` (root package.json)
CHROMIUM = "/usr/bin/chromium"
# gen.py's flags, minus --disable-dev-shm-usage: as the shared floor measured it
CHROMIUM_FLOOR_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PROCTOR_TRANSFORM_CACHE = os.path.join(".proctor", "cache", "transform")  # in the suite dir (host/src/build/modules.rs)
NOTES_MARKER = "<!-- everything below this line is hand-written and kept when bench.py rewrites the file -->"

FAMILY_SHAPES = {
    "node": ["trivial", "async", "single", "mixed-fail", "graph"],
    "browser": ["browser", "single-browser"],
    "typescript": ["trivial-ts"],
    "isolation": ["iso-trivial", "iso-single", "iso-browser"],
}
SHAPE_FAMILY = {s: fam for fam, ss in FAMILY_SHAPES.items() for s in ss}
SHAPES = ["trivial", "async", "single", "browser", "single-browser"]  # default
# shapes generated from another gen.py kind (and then rewritten, see RUNNER_CMDS' `ts`)
GEN_KIND = {"trivial-ts": "trivial", "iso-trivial": "trivial", "iso-single": "single", "iso-browser": "browser"}
# shapes run in headless Chromium: only runners with `browser=True` run them, and those run nothing else
BROWSER_SHAPES = {"browser", "single-browser", "iso-browser"}
# the isolation family's targets (issue 13): (shape, runner, reference runner, at most, what it says)
ISOLATION_TARGETS = [
    ("iso-trivial", "proctor-isolate", "mocha", 1.30,
     "isolation on, 10,000 trivial tests: proctor (fresh realm per file) within 1.3x of mocha"),
    ("iso-single", "proctor-isolate", "proctor-shared", 1.10,
     "isolation on, 1 file: proctor within 1.1x of today's (`--no-isolate`, the one-realm path)"),
    ("iso-trivial", "proctor-shared", "mocha", 1.00,
     "isolation off, 10,000 trivial tests: proctor `--no-isolate` at or below mocha"),
    ("iso-single", "proctor-shared", "mocha", 1.00,
     "isolation off, 1 file: proctor `--no-isolate` at or below mocha"),
]
# isolate vs shared pairs whose difference is the cost of isolation: (label, isolated runner, shared runner)
ISOLATION_PAIRS = [("proctor (node)", "proctor-isolate", "proctor-shared"),
                   ("vitest", "vitest-isolate", "vitest-no-isolate"),
                   ("proctor (Chromium, esm)", "proctor-esm-isolate", "proctor-esm-shared")]

ESBUILD_MIN_TOML = '[[suite]]\nruntime = "chromium"\ntests = ["test/**/*.test.js"]\nbuild = "esbuild"\nminify = true\n'


def clear_transform_cache(suite):
    """The cold TypeScript case: proctor's transform cache is gone before every run (not timed)."""
    shutil.rmtree(os.path.join(suite, PROCTOR_TRANSFORM_CACHE), ignore_errors=True)


# runner -> family, gen.py dialect, argv, how its counts are parsed, files written into the suite,
# dirs prepended to PATH, `lang`: the test files rewritten by rewrite_tests ("ts": as `.test.ts`), `before`: called
# with the suite dir before every run and outside its timing (`before_display`: what it does, for RESULTS.md),
# `browser`: runs the browser shapes (and only those), `also`: more families it runs in
RUNNER_CMDS = {
    "proctor": dict(family="node", dialect="proctor", argv=[PROCTOR, "run", "--reporter", "dots"]),
    "mocha": dict(family="node", also=("isolation",), dialect="mocha", argv=[os.path.join(BIN, "mocha")]),
    "node": dict(family="node", dialect="node", argv=["node", "--test"]),
    "vitest": dict(family="node", dialect="vitest", argv=[os.path.join(BIN, "vitest"), "run"]),
    "proctor-esm": dict(family="browser", browser=True, dialect="proctor",
                        argv=[PROCTOR, "run", "--runtime", "chromium", "--reporter", "dots"]),
    "proctor-esbuild-min": dict(family="browser", browser=True, dialect="proctor", argv=[PROCTOR, "run", "--reporter", "dots"],
                                files={"proctor.toml": ESBUILD_MIN_TOML}, path=[REPO_BIN]),
    "wtr": dict(family="browser", browser=True, dialect="wtr", argv=[os.path.join(BIN, "web-test-runner")]),
    "karma": dict(family="browser", browser=True, dialect="karma", argv=[os.path.join(BIN, "karma"), "start", "karma.conf.cjs"]),
    "proctor-js": dict(family="typescript", dialect="proctor", argv=[PROCTOR, "run", "--reporter", "dots"], lang="js"),
    "proctor-ts-cold": dict(family="typescript", dialect="proctor", argv=[PROCTOR, "run", "--reporter", "dots"],
                            lang="ts", before=clear_transform_cache,
                            before_display=f"rm -rf {PROCTOR_TRANSFORM_CACHE}"),
    "proctor-ts-warm": dict(family="typescript", dialect="proctor", argv=[PROCTOR, "run", "--reporter", "dots"],
                            lang="ts"),
    "vitest-ts": dict(family="typescript", dialect="vitest", argv=[os.path.join(BIN, "vitest"), "run"], lang="ts"),
    "vitest-js": dict(family="typescript", dialect="vitest", argv=[os.path.join(BIN, "vitest"), "run"], lang="js"),
    # isolation: proctor's default (a fresh realm per test file) against its one-realm path (today's behaviour)
    "proctor-isolate": dict(family="isolation", dialect="proctor", argv=[PROCTOR, "run", "--reporter", "dots"]),
    "proctor-shared": dict(family="isolation", dialect="proctor",
                           argv=[PROCTOR, "run", "--no-isolate", "--reporter", "dots"]),
    "vitest-isolate": dict(family="isolation", dialect="vitest", argv=[os.path.join(BIN, "vitest"), "run"]),
    "vitest-no-isolate": dict(family="isolation", dialect="vitest",
                              argv=[os.path.join(BIN, "vitest"), "run", "--no-isolate"]),
    "proctor-esm-isolate": dict(family="isolation", browser=True, dialect="proctor",
                                argv=[PROCTOR, "run", "--runtime", "chromium", "--reporter", "dots"]),
    "proctor-esm-shared": dict(family="isolation", browser=True, dialect="proctor",
                               argv=[PROCTOR, "run", "--runtime", "chromium", "--no-isolate", "--reporter", "dots"]),
}
RUNNERS = list(RUNNER_CMDS)
PEER_RUNNERS = {"mocha", "vitest", "wtr", "karma", "vitest-ts", "vitest-js", "vitest-isolate", "vitest-no-isolate"}
FAMILIES = {
    "node": dict(
        title="Node: proctor vs mocha, node:test and Vitest",
        ratio_ref="proctor",
        ratio_text="Ratio of each runner's median wall to proctor's (>1 = proctor faster):"),
    "browser": dict(
        title="Browser (headless Chromium): proctor vs @web/test-runner and Karma",
        ratio_ref="karma",
        ratio_text="Ratio of each runner's median wall to Karma's (<1 = faster than Karma; the target is a cold "
                   "proctor run at or below Karma, i.e. <= 1.00, in both proctor modes):"),
    "typescript": dict(
        title="TypeScript: the trivial shape as `.test.ts` vs `.test.js` (proctor cold and warm, Vitest)",
        ratio_ref="proctor-js",
        ratio_text="Ratio of each runner's median wall to proctor's on the `.js` suite (the targets: "
                   "`proctor-ts-cold` <= 1.15x, `proctor-ts-warm` <= 1.05x):"),
    "isolation": dict(
        title="Isolation: a fresh realm per test file vs one shared realm (proctor in node and Chromium, mocha, "
              "Vitest)",
        ratio_ref="mocha",
        ratio_text="Ratio of each runner's median wall to mocha's (mocha runs every file in one realm; "
                   "`iso-browser` has no mocha):",
        order=["proctor-isolate", "proctor-shared", "mocha", "vitest-isolate", "vitest-no-isolate",
               "proctor-esm-isolate", "proctor-esm-shared"]),
}
SHAPE_TITLES = {
    "trivial": "trivial: 200 files x 50 sync tests = 10,000 tests",
    "async": "async: 50 files x 20 async tests (await resolved promise + setTimeout 0) = 1,000 tests",
    "single": "single: 1 file x 50 sync tests (single-file latency)",
    "mixed-fail": "mixed-fail: 20 files x 20 tests, 20 failing, 2 slow (100 ms)",
    "graph": "graph: 100 src modules + 100 test files x 10 = 1,000 tests",
    "browser": "browser: 50 files x 20 sync tests = 1,000 tests, headless Chromium",
    "single-browser": "single-browser: 1 file x 20 sync tests, headless Chromium (single-file latency)",
    "trivial-ts": "trivial-ts: the trivial shape (200 files x 50 sync tests = 10,000 tests) in `.test.ts` and `.test.js`",
    "iso-trivial": "iso-trivial: gen.py's trivial, 200 files x 50 sync tests = 10,000 tests",
    "iso-single": "iso-single: gen.py's single, 1 file x 50 sync tests (single-file latency)",
    "iso-browser": "iso-browser: gen.py's browser, 50 files x 20 sync tests = 1,000 tests, headless Chromium",
}
RUN_TIMEOUT = 900  # seconds per run; vitest on `trivial` takes ~60 s


def family_begin(fam):
    return f"<!-- bench.py section: {fam} -->"


def family_end(fam):
    return f"<!-- end of bench.py section: {fam} -->"


# ---------------------------------------------------------------- helpers
def sh(argv, **kw):
    return subprocess.run(argv, check=True, text=True, capture_output=True, **kw).stdout.strip()


def try_sh(argv, **kw):
    try:
        return sh(argv, **kw)
    except (OSError, subprocess.CalledProcessError) as e:
        return f"? ({e.__class__.__name__})"


def display(argv, path=()):
    """The command as a user types it in the suite dir."""
    out = []
    for a in argv:
        if a == PROCTOR:
            a = "proctor"
        elif a.startswith(BIN + os.sep):  # from the suite dir, through bench/work/suites/node_modules
            a = "../../node_modules/.bin/" + os.path.basename(a)
        out.append(shlex.quote(a))
    pre = ""
    if path:
        dirs = [("<repo>/" + os.path.relpath(p, REPO)) if p.startswith(REPO + os.sep) else p for p in path]
        pre = "PATH=" + ":".join(dirs) + ":$PATH "
    return pre + " ".join(out)


def runner_display(r):
    c = RUNNER_CMDS[r]
    return display(c["argv"], c.get("path", ()))


def runner_command_md(r):
    """The runner's command for RESULTS.md, with its untimed preparation when it has one."""
    c = RUNNER_CMDS[r]
    pre = f"`{c['before_display']}` (not timed), then " if c.get("before_display") else ""
    return f"{pre}`{runner_display(r)}`"


def runner_env(r):
    path = RUNNER_CMDS[r].get("path")
    if not path:
        return None
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join(list(path) + [env.get("PATH", "")])
    return env


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
    if RUNNER_CMDS[runner]["dialect"] == "proctor":
        return proctor_counts(text)
    return counts_mod.runs(RUNNER_CMDS[runner]["dialect"], text)  # counts.py knows gen.py's dialects


def cpu_busy():
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    total = sum(v[:8])
    return total - idle, total


PF_EXITING = 0x4  # the kernel's "exit under way" task flag


def proc_stat(pid):
    """(state, ppid, pgid, sid, utime+stime, cutime+cstime, starttime) of a process, in clock ticks.
    State "Z" also for a process whose exit is under way (PF_EXITING: e.g. "D" while its memory is freed)."""
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    x = s[s.rindex(")") + 2:].split()
    state = "Z" if int(x[6]) & PF_EXITING else x[0]
    return state, int(x[1]), int(x[2]), int(x[3]), int(x[11]) + int(x[12]), int(x[13]) + int(x[14]), x[19]


class Descendants:
    """The processes a run starts, found by polling /proc for new pids (every ~0.1 s: cheap, only new
    pids are read) whose parent is already one of them or whose session is the run's. Chromium's helpers
    are orphaned when the browser exits (pid 1 reaps them a second or two later), so their cpu never
    reaches getrusage(RUSAGE_CHILDREN): at exit the ones still there (as zombies or alive) are read here.
    @web/test-runner's Chromium even runs in its own session (puppeteer starts it detached)."""

    def __init__(self):
        self.known = {d for d in os.listdir("/proc") if d.isdigit()}
        self.pids = {}  # pid -> starttime (None until read)
        self.root = None

    def start(self, pid):
        self.root = pid
        self.pids[pid] = None

    def scan(self):
        for d in os.listdir("/proc"):
            if not d.isdigit() or d in self.known:
                continue
            self.known.add(d)
            try:
                _, ppid, _, sid, _, _, start = proc_stat(d)
            except (OSError, ValueError, IndexError):
                continue
            pid = int(d)
            if pid == self.root or ppid in self.pids or sid == self.root:
                self.pids[pid] = start

    def remaining(self):
        """(live, zombies, cpu seconds of both) among the run's processes other than the root, now."""
        hz = os.sysconf("SC_CLK_TCK")
        live, zombies, ticks = [], [], 0
        for pid, start in self.pids.items():
            if pid == self.root:
                continue
            try:
                state, _, _, _, cpu, ccpu, st = proc_stat(pid)
            except (OSError, ValueError, IndexError):
                continue
            if start is not None and st != start:
                continue  # pid reused
            # a process's own cpu plus its reaped children's; children it has not reaped are in the list
            ticks += cpu + ccpu
            (zombies if state == "Z" else live).append(pid)
        return live, zombies, ticks / hz


def group_members(pgid):
    """Live processes other than pgid still in process group pgid (zombies excluded: they have exited
    and only wait to be reaped)."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            state, _, pg, _, _, _, _ = proc_stat(d)
            if pg == pgid and int(d) != pgid and state != "Z":
                pids.append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    return pids


def timed_run(argv, cwd, log_path, env=None):
    """Run argv in cwd (own process group, output to log_path); measure it from outside."""
    hz = os.sysconf("SC_CLK_TCK")
    ncpu = os.cpu_count() or 1
    tracker = Descendants()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    b0, _ = cpu_busy()
    with open(log_path, "wb") as log:
        spawn_unix = time.time()
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, start_new_session=True)
        tracker.start(p.pid)
        timed_out = False
        deadline = t0 + RUN_TIMEOUT
        next_scan = t0 + 0.02
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if now > deadline:
                timed_out = True
                os.killpg(p.pid, signal.SIGKILL)
                pid, status, ru = os.wait4(p.pid, 0)
                break
            if now >= next_scan:
                tracker.scan()
                next_scan = now + 0.1
            time.sleep(0.002)
        wall = time.perf_counter() - t0
        exit_unix = time.time()
    p.returncode = os.waitstatus_to_exitcode(status)
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    b1, _ = cpu_busy()
    tracker.scan()
    live, zombies, orphan_cpu = tracker.remaining()
    in_group = group_members(p.pid)
    leftovers = sorted(set(live) | set(in_group))
    if in_group:  # processes the runner left behind in its group: end them
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for pid in set(live) - set(in_group):  # ones it started in another group: end them by pid
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    cpu_waited = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    cpu = cpu_waited + orphan_cpu
    machine_busy = (b1 - b0) / hz
    return {
        "wall": wall,
        "cpu": cpu,                    # waited-for processes + orphans still there at exit
        "cpu_waited": cpu_waited,      # getrusage(RUSAGE_CHILDREN) delta alone
        "cpu_orphans": orphan_cpu,     # the run's processes not yet reaped at exit (zombies, leftovers)
        "cpu_wait4": ru.ru_utime + ru.ru_stime,
        "maxrss_kb": ru.ru_maxrss,
        "exit": p.returncode,
        "timed_out": timed_out,
        "leftover_procs": len(leftovers),
        "zombies": len(zombies),  # exited, orphaned, not yet reaped by pid 1 (not counted as leftovers)
        "descendants_seen": len(tracker.pids),
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
    print("+ cargo build --release -p proctor", flush=True)
    subprocess.run(["cargo", "build", "--release", "-p", "proctor"], cwd=REPO, check=True)


def use_proctor(path):
    """Measure the proctor binary at `path` (absolute) instead of target/release/proctor."""
    global PROCTOR
    path = os.path.abspath(path)
    for c in RUNNER_CMDS.values():
        c["argv"] = [path if x == PROCTOR else x for x in c["argv"]]
    PROCTOR = path


def peer_version(name):
    try:
        with open(os.path.join(PEERS, "node_modules", name, "package.json")) as f:
            return json.load(f)["version"]
    except OSError:
        return None


def in_family(r, fam):
    c = RUNNER_CMDS[r]
    return c["family"] == fam or fam in c.get("also", ())


def is_browser(r):
    return bool(RUNNER_CMDS.get(r, {}).get("browser"))


def shape_runners(shape, runners):
    """The selected runners that run this shape (those of its family, for its runtime)."""
    return [r for r in runners
            if in_family(r, SHAPE_FAMILY[shape]) and is_browser(r) == (shape in BROWSER_SHAPES)]


# The helpers every rewritten test file gets, in TypeScript and as the same code without the types
# (the enum as the object it stands for), so the .ts and .js suites run the same tests.
HELPERS = {
    "ts": """
enum Op {
  Add = "add",
  Sub = "sub",
}

interface Calculator {
  compute(op: Op, a: number, b: number): number;
}

const calc: Calculator = {
  compute(op: Op, a: number, b: number): number {
    return op === Op.Add ? add(a, b) : a - b;
  },
};
""",
    "js": """
const Op = {
  Add: "add",
  Sub: "sub",
};

const calc = {
  compute(op, a, b) {
    return op === Op.Add ? add(a, b) : a - b;
  },
};
""",
}
DESCRIBE_LINE = re.compile(r"^(describe\('file \d+ group \d+', )\(\) => \{$", re.M)
EXPECT_ADD = re.compile(r"expect\(add\((\d+), (\d+)\)\)")


def rewrite_tests(suite, lang):
    """Rewrite gen.py's `trivial` test files for the TypeScript shape: every test calls
    `calc.compute(Op.Add, a, b)` for `add(a, b)`; as `.test.ts` (lang "ts") with an enum, an interface,
    the typed helper and `(): void` on each describe's callback, or as `.test.js` (lang "js") with the
    same code minus the types. Same describe and test names (literals), counts and outcomes. Raises if
    gen.py's output is not the shape expected."""
    tdir = os.path.join(suite, "test")
    for name in sorted(os.listdir(tdir)):
        if not name.endswith(".test.js"):
            continue
        path = os.path.join(tdir, name)
        with open(path) as f:
            js = f.read()
        head, sep, body = js.partition("\n\n")
        if not sep or "from '../src/math.js';" not in head:
            raise ValueError(f"{path}: not gen.py's trivial shape (no header)")
        callback = "(): void =>" if lang == "ts" else "() =>"
        body, ngroups = DESCRIBE_LINE.subn(lambda m: f"{m[1]}{callback} {{", body)
        body, nexpect = EXPECT_ADD.subn(lambda m: f"expect(calc.compute(Op.Add, {m[1]}, {m[2]}))", body)
        ntests = body.count("\n  it(")
        if ngroups != body.count("describe(") or nexpect != ntests or not ntests:
            raise ValueError(f"{path}: {ngroups} describes, {nexpect} of {ntests} tests rewritten")
        with open(path[:-len(".js")] + f".{lang}", "w") as f:
            f.write(head + "\n" + HELPERS[lang] + "\n" + body)
        if lang != "js":
            os.remove(path)


def generate(shared, shapes, runners):
    os.makedirs(SUITES, exist_ok=True)
    link = os.path.join(SUITES, "node_modules")
    if os.path.islink(link) or os.path.exists(link):
        os.remove(link)
    os.symlink(os.path.join("..", "peers", "node_modules"), link)  # suites resolve the peers from here
    expected = {}
    for shape in shapes:
        for r in shape_runners(shape, runners):
            out = os.path.join(SUITES, shape, r)
            subprocess.run([sys.executable, os.path.join(shared, "gen.py"), "--kind", GEN_KIND.get(shape, shape),
                            "--runner", RUNNER_CMDS[r]["dialect"], "--out", out], check=True, stdout=subprocess.DEVNULL)
            for name, text in RUNNER_CMDS[r].get("files", {}).items():
                with open(os.path.join(out, name), "w") as f:
                    f.write(text)
            if RUNNER_CMDS[r].get("lang"):
                rewrite_tests(out, RUNNER_CMDS[r]["lang"])
            with open(os.path.join(out, "expected.json")) as f:
                expected[(shape, r)] = json.load(f)
    return expected


def machine_facts(browser):
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
    if PROCTOR != DEFAULT_PROCTOR:  # --proctor: a binary from elsewhere, not necessarily this tree's
        facts["proctor_git"] = f"binary {PROCTOR}, tree at {facts['proctor_git']}"
    try:
        facts["proctor_built"] = dt.datetime.fromtimestamp(os.path.getmtime(PROCTOR), dt.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC")
    except OSError:
        facts["proctor_built"] = "?"
    for name in ("mocha", "vitest", "vite", "@web/test-runner", "@web/test-runner-chrome", "puppeteer-core",
                 "karma", "karma-chrome-launcher", "karma-mocha"):
        facts[name] = peer_version(name)
    if browser:
        # the Debian wrapper prints a harmless shell error on stderr; the version is on stdout
        facts["chromium"] = try_sh([CHROMIUM, "--version"])
        facts["esbuild"] = try_sh([os.path.join(REPO_BIN, "esbuild"), "--version"])
    return facts


def binary_stamp():
    try:
        st = os.stat(PROCTOR)
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return None


def validate(run, exp, nums, runner):
    """A run is valid when it reported exactly one summary with the generated counts and the exit
    code matches (0 unless failures were generated). @web/test-runner sometimes prints its final
    summary twice when not on a TTY: identical repeats count as one there."""
    if runner == "wtr":
        nums = sorted(set(nums))
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


def clear_logs(shapes, runners, floor):
    """Remove the logs this run will write again (the other shapes' and runners' logs are kept)."""
    if not os.path.isdir(LOGS):
        return
    prefixes = tuple(f"{s}-{r}-" for s in shapes for r in shape_runners(s, runners))
    prefixes += ("chromium-floor-",) if floor else ()
    for name in os.listdir(LOGS):
        if name.startswith(prefixes):
            os.remove(os.path.join(LOGS, name))


def bench(shapes, runners, nruns, counts_mod, expected, quiet=0):
    results = {}
    os.makedirs(LOGS, exist_ok=True)
    for shape in shapes:
        rs = shape_runners(shape, runners)
        for r in rs:
            results[(shape, r)] = {"runs": [], "warmup": None}
        for rnd in range(nruns + 1):  # round 0 is the warm-up
            wait_quiet(quiet)
            for r in rs:
                argv = RUNNER_CMDS[r]["argv"]
                cwd = os.path.join(SUITES, shape, r)
                log = os.path.join(LOGS, f"{shape}-{r}-{rnd}.log")
                before(r, cwd)
                run = timed_run(argv, cwd, log, runner_env(r))
                with open(log, errors="replace") as f:
                    nums = runner_counts(counts_mod, r, f.read())
                run["counts"] = nums
                run["valid"] = validate(run, expected[(shape, r)], nums, r)
                run["log"] = os.path.relpath(log, HERE)
                tag = "warm-up" if rnd == 0 else f"run {rnd}/{nruns}"
                print(f"  {shape:14} {r:19} {tag:9} {run['wall']:8.3f} s wall {run['cpu']:7.3f} s cpu "
                      f"{run['maxrss_kb'] / 1024:6.0f} MiB  counts {nums} exit {run['exit']}"
                      f"{'' if run['valid'] else '  INVALID'}"
                      f"{'  leftover ' + str(run['leftover_procs']) if run['leftover_procs'] else ''}"
                      f"{'  zombies ' + str(run['zombies']) if run['zombies'] else ''}"
                      f"  other load {run['other_load']:.2f}", flush=True)
                if rnd == 0:
                    results[(shape, r)]["warmup"] = run
                else:
                    results[(shape, r)]["runs"].append(run)
    return results


def read_events(log):
    ev = []
    with open(log, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    ev.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return ev


def before(r, cwd):
    """The runner's untimed preparation of its suite dir before a run (e.g. an emptied cache)."""
    hook = RUNNER_CMDS[r].get("before")
    if hook:
        hook(cwd)


def json_argv(r):
    return [("json" if a == "dots" else a) for a in RUNNER_CMDS[r]["argv"]]


def overhead(shape, expected, r="proctor"):
    """One `proctor run --reporter json` on a suite, split into phases by the events' timestamps."""
    cwd = os.path.join(SUITES, shape, r)
    log = os.path.join(LOGS, f"{shape}-{r}-json.jsonl")
    argv = json_argv(r)
    before(r, cwd)
    run = timed_run(argv, cwd, log, runner_env(r))
    ev = read_events(log)

    def first(name):
        return next((e for e in ev if e["event"] == name), None)

    started = [e for e in ev if e["event"] == "test-started"]
    finished = [e for e in ev if e["event"] == "test-finished"]
    rs, rt, rf = first("run-started"), first("runtime-started"), first("run-finished")
    built = first("built")
    if not (rs and rt and rf and started and finished) or (is_browser(r) and not built):
        return {"shape": shape, "runner": r, "error": f"missing events in {os.path.relpath(log, HERE)}", "run": run}
    n = len(finished)
    t_first, t_last = started[0]["elapsed_ms"], finished[-1]["elapsed_ms"]
    in_tests = sum(e["duration_ms"] for e in finished)
    # host-side start->finish per test, and the gaps between one test's finish and the next start
    pairs = sum(f["elapsed_ms"] - s["elapsed_ms"] for s, f in zip(started, finished))
    steps = [b["elapsed_ms"] - a["elapsed_ms"] for a, b in zip(started, started[1:])]
    o = {
        "shape": shape,
        "runner": r,
        "command": display(argv, RUNNER_CMDS[r].get("path", ())),
        "tests": n,
        "expected_tests": expected[(shape, r)]["tests"],
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
    o.update(file_split(started, finished))
    if built:
        # the build runs alongside the browser launch; `built` is emitted when both are done
        o["built_ms"] = built["elapsed_ms"] - rs["elapsed_ms"]      # run-started -> built = max(launch, build)
        o["build_ms"] = built["duration_ms"]                         # the build alone
        o["build_tool"] = built.get("tool", "?")
        o["hello_ms"] = rt["elapsed_ms"] - built["elapsed_ms"]       # built -> runtime-started (page said hello)
    return o


def file_split(started, finished):
    """The test phase split at file boundaries (the events name each test's file): the time spent inside
    files (a file's first `test-started` to its last `test-finished`) and between them (one file's last
    `test-finished` to the next file's first `test-started`). With isolation the step between files is
    where the realm work happens: the file's groups close (`finish`), the next `load` resets the realm
    and imports the next file alone; without it the files were all imported before the first test, and
    the step is one ordinary test step."""
    spans = {}  # file -> [first test-started, last test-finished], in the order files started
    for e in started:
        spans.setdefault(e["test"]["file"], [e["elapsed_ms"], e["elapsed_ms"]])
    for e in finished:
        span = spans.get(e["test"]["file"])
        if span:
            span[1] = max(span[1], e["elapsed_ms"])
    order = list(spans.values())
    gaps = [b[0] - a[1] for a, b in zip(order, order[1:])]
    return {
        "files": len(order),
        "in_files_ms": sum(b - a for a, b in order),
        "between_ms": sum(gaps),
        "boundaries": len(gaps),
        "boundary_mean_ms": statistics.mean(gaps) if gaps else float("nan"),
        "boundary_median_ms": statistics.median(gaps) if gaps else float("nan"),
        "boundary_max_ms": max(gaps) if gaps else float("nan"),
    }


def chromium_floor(nruns):
    """Chromium alone: headless start, dump about:blank, exit (fresh profile each time); 1 warm-up + nruns."""
    runs = []
    for rnd in range(nruns + 1):
        profile = tempfile.mkdtemp(prefix="proctor-bench-chromium-")
        argv = [CHROMIUM] + CHROMIUM_FLOOR_FLAGS + [f"--user-data-dir={profile}", "--dump-dom", "about:blank"]
        run = timed_run(argv, WORK, os.path.join(LOGS, f"chromium-floor-{rnd}.log"))
        shutil.rmtree(profile, ignore_errors=True)
        if rnd:
            runs.append(run)
        print(f"  chromium floor {'warm-up' if rnd == 0 else f'run {rnd}/{nruns}'} {run['wall']:.3f} s wall "
              f"{run['cpu']:.3f} s cpu exit {run['exit']}  other load {run['other_load']:.2f}", flush=True)
    flags = " ".join(CHROMIUM_FLOOR_FLAGS)
    return {"command": f"{CHROMIUM} {flags} --user-data-dir=$(mktemp -d) --dump-dom about:blank", "runs": runs}


# ---------------------------------------------------------------- report
def med(xs):
    return statistics.median(xs) if xs else float("nan")


def summarize(res, exp):
    runs = res["runs"]
    walls = [r["wall"] for r in runs]
    all_runs = ([res["warmup"]] if res["warmup"] else []) + runs
    triples = sorted({tuple(t) for r in all_runs for t in r["counts"]})
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
        "leftover_runs": sum(1 for r in all_runs if r["leftover_procs"]),
        "runs_all": len(all_runs),
        "load_med": med([r["other_load"] for r in runs]),
        "load_max": max((r["other_load"] for r in runs), default=float("nan")),
        "expected": f"{exp['tests']}/{exp['pass']}/{exp['fail']}",
    }


# what follows "proctor 0.1.0 (rev)" in a proctor runner's label
PROCTOR_LABELS = {
    "proctor": "",
    "proctor-esm": ", esm",
    "proctor-js": ", `.test.js`",
    "proctor-ts-cold": ", `.test.ts`, cold: transform cache emptied before each run",
    "proctor-ts-warm": ", `.test.ts`, warm: transform cache kept",
    "proctor-isolate": ", node, fresh realm per file (default)",
    "proctor-shared": ", node, one realm (`--no-isolate`)",
    "proctor-esm-isolate": ", Chromium esm, fresh realm per file (default)",
    "proctor-esm-shared": ", Chromium esm, one realm (`--no-isolate`)",
}


def label(r, facts):
    g = facts.get
    if r in PROCTOR_LABELS:
        return f"{g('proctor')} ({g('proctor_git')}){PROCTOR_LABELS[r]}"
    if r == "proctor-esbuild-min":
        return f"{g('proctor')} ({g('proctor_git')}), esbuild {g('esbuild')} --minify"
    if r == "node":
        return f"node:test (node {g('node')})"
    if r in ("vitest", "vitest-ts", "vitest-js"):
        suffix = f", `.test.{r[-2:]}`" if r != "vitest" else ""
        return f"vitest {g('vitest')} (vite {g('vite')}){suffix}"
    if r in ("vitest-isolate", "vitest-no-isolate"):
        how = "isolate (default)" if r == "vitest-isolate" else "`--no-isolate`"
        return f"vitest {g('vitest')} (vite {g('vite')}), pool forks, {how}"
    if r == "wtr":
        return (f"@web/test-runner {g('@web/test-runner')} (test-runner-chrome {g('@web/test-runner-chrome')}, "
                f"puppeteer-core {g('puppeteer-core')})")
    if r == "karma":
        return (f"karma {g('karma')} (karma-mocha {g('karma-mocha')}, mocha {g('mocha')}, "
                f"karma-chrome-launcher {g('karma-chrome-launcher')})")
    return f"mocha {g('mocha')}"


def label_short(r):
    return {"node": "node:test", "wtr": "@web/test-runner"}.get(r, r)


def runners_line(fam, facts):
    if fam == "isolation":
        g = facts.get
        browser = (f"**Browser**: {g('chromium')} (Debian package, `{CHROMIUM}`, headless, fresh profile).  \n"
                   if g("chromium") else "")
        return (browser +
                f"**Runners**: {label('proctor', facts)} built {facts['proctor_built']}: `proctor-isolate` / "
                "`proctor-esm-isolate` = its default, a fresh realm per test file (the host loads and runs one file "
                "at a time in the same runtime; globals, built-ins, timers, the DOM, `process.env` and project "
                "module instances are reset between files), `proctor-shared` / `proctor-esm-shared` = "
                "`--no-isolate`, every file loaded into one realm before the first test (the one-realm path: "
                "today's behaviour, the reference of the 1-file target); `-esm-` = `--runtime chromium` with the "
                "default `build = \"esm\"`. "
                f"mocha {g('mocha')} (one process, one realm, gen.py's `.mocharc.json`). "
                f"vitest {g('vitest')} + vite {g('vite')} without a config (pool `forks`): `vitest-isolate` = its "
                "default isolation (a fresh module graph and globals per file), `vitest-no-isolate` = "
                "`vitest run --no-isolate`.\n")
    if fam == "node":
        return (f"**Runners**: {label('proctor', facts)} built {facts['proctor_built']}; mocha {facts['mocha']}; "
                f"vitest {facts['vitest']} + vite {facts['vite']} (default config as gen.py writes it: pool `forks`, "
                f"isolate); node:test of node {facts['node']}.\n")
    if fam == "typescript":
        return (f"**Runners**: {label('proctor', facts)} built {facts['proctor_built']}, on the `.js` suite "
                f"(`proctor-js`) and on the `.ts` suite with an empty transform cache "
                f"(`{PROCTOR_TRANSFORM_CACHE}` in the suite dir, deleted before every run, untimed: `proctor-ts-cold`) "
                f"and with the cache the previous run (the warm-up, at first) left (`proctor-ts-warm`); vitest "
                f"{facts['vitest']} + vite {facts['vite']} (no config: its default include, pool `forks`, isolate; "
                f"`.ts` through vite's esbuild transform) on both suites.  \n"
                "**Suites**: gen.py's `trivial` (200 files x 50 sync tests = 10,000) for proctor and for Vitest, each "
                "test file rewritten twice: as `test/tNNN.test.ts` with an `enum Op { Add = \"add\", Sub = \"sub\" }`, "
                "an `interface Calculator { compute(op: Op, a: number, b: number): number }` and `const calc: "
                "Calculator` whose `compute` has typed parameters and return, which every test calls "
                "(`expect(calc.compute(Op.Add, 3, 1)).toBe(4)` for gen.py's `expect(add(3, 1)).toBe(4)`), and "
                "`(): void` on each describe's callback; and as `test/tNNN.test.js` with the same code minus the "
                "types (`Op` a plain object): the same tests, names, counts and outcomes in both; `src/math.js` "
                "is JavaScript in both.\n")
    g = facts.get
    return (f"**Browser**: {g('chromium')} (Debian package, `{CHROMIUM}`; every runner launches it headless with "
            f"a fresh profile).  \n"
            f"**Runners**: {label('proctor', facts)} built {facts['proctor_built']}, in two modes: `proctor-esm` "
            f"(`--runtime chromium`, default `build = \"esm\"`: the page imports the test files as native ES "
            f"modules) and `proctor-esbuild-min` (a `proctor.toml` with `build = \"esbuild\"`, `minify = true`: one "
            f"bundle by esbuild {g('esbuild')} from `<repo>/node_modules/.bin`); @web/test-runner "
            f"{g('@web/test-runner')} + @web/test-runner-chrome {g('@web/test-runner-chrome')} + puppeteer-core "
            f"{g('puppeteer-core')} (gen.py's `web-test-runner.config.mjs`: `nodeResolve`, default concurrency = "
            f"1 page at a time on 2 cores); karma {g('karma')} + karma-mocha {g('karma-mocha')} + mocha "
            f"{g('mocha')} + karma-chrome-launcher {g('karma-chrome-launcher')} (gen.py's `karma.conf.cjs`: "
            f"ChromeHeadless + `--no-sandbox` etc., `CHROME_BIN={CHROMIUM}`, all files as modules in one page, "
            f"`dots` reporter).\n")


def isolation_targets_md(results, expected):
    """The isolation family's targets, each computed from the medians (and, as a check on the noise,
    from the fastest runs) with its verdict."""
    L = ["### Targets (issue 13), computed\n",
         "Each target is a ratio of median walls (in brackets: the same ratio of the fastest runs, a check on "
         "the noise of a shared machine); **met** = the median ratio is within the limit and both cases' counts "
         "were valid.\n",
         "| target | runner / reference (median wall s) | ratio of medians (of fastest) | limit | met |",
         "|---|---|---|---|---|"]
    verdicts = []
    for shape, r, ref, limit, text in ISOLATION_TARGETS:
        if (shape, r) not in results or (shape, ref) not in results:
            L.append(f"| {text} | `{r}` / `{ref}` on {shape} | not measured | <= {limit:.2f}x | - |")
            continue
        a = summarize(results[(shape, r)], expected[(shape, r)])
        b = summarize(results[(shape, ref)], expected[(shape, ref)])
        ratio, ratio_min = a["wall_med"] / b["wall_med"], a["wall_min"] / b["wall_min"]
        valid = a["valid"] and b["valid"]
        met = valid and ratio <= limit
        verdict = ("**yes**" if met else "**no**") + ("" if valid else " (invalid counts)")
        if valid and met != (ratio_min <= limit):
            verdict += " (borderline: the fastest runs say the opposite)"
        verdicts.append((text, met))
        L.append(f"| {text} | `{r}` {a['wall_med']:.3f} / `{ref}` {b['wall_med']:.3f} | **{ratio:.2f}x** "
                 f"({ratio_min:.2f}x) | <= {limit:.2f}x | {verdict} |")
    L.append("")
    if verdicts:
        missed = [t for t, ok in verdicts if not ok]
        L.append(f"**{len(verdicts) - len(missed)} of {len(verdicts)} measured targets met.**"
                 + (" Not met: " + "; ".join(missed) + "." if missed else "") + "\n")
    return L


def isolation_cost_md(results, expected, ovh):
    """What isolation costs per file (isolate minus shared, from the measured medians) and where proctor
    spends it (from the `--reporter json` runs, split at file boundaries)."""
    shapes = [s for s in FAMILY_SHAPES["isolation"] if any(k[0] == s for k in results)]
    L = ["### The cost of isolation per file\n",
         "From the medians above: **per file** = (isolated median - shared median) / files, the price of a fresh "
         "realm per test file amortized over the files (for the 1-file shape: the whole difference).\n",
         "| shape | runner | files | isolated s | shared s | isolated - shared s | **per file ms** | isolated / shared |",
         "|---|---|---|---|---|---|---|---|"]
    for shape in shapes:
        for what, iso, shared in ISOLATION_PAIRS:
            if (shape, iso) not in results or (shape, shared) not in results:
                continue
            a = summarize(results[(shape, iso)], expected[(shape, iso)])["wall_med"]
            b = summarize(results[(shape, shared)], expected[(shape, shared)])["wall_med"]
            files = expected[(shape, iso)]["files"]
            L.append(f"| {shape} | {what}: `{iso}` vs `{shared}` | {files} | {a:.3f} | {b:.3f} | {a - b:+.3f} | "
                     f"**{(a - b) * 1000 / files:+.1f}** | {a / b:.2f}x |")
    L.append("")
    ovh = [o for o in ovh if o.get("shape") in shapes]
    if not ovh:
        return L
    L.append("### proctor: where the time goes, isolated and shared\n")
    L.append("One extra run per shape and proctor runner with `--reporter json` instead of `dots` (after the "
             "measured runs, so warm), split by the events' timestamps (`elapsed_ms`, host clock, 0 = "
             "`run-started`). `pre-run` = process spawn to `run-started` (CLI, discovery, parsing; ±1 ms); "
             "`start-up` = `run-started` to `runtime-started` (node: spawned and connected; Chromium: launch and "
             "build side by side, then the page loads the controller and says hello); `first load` = to the first "
             "`test-started` (shared: importing every file; isolated: the first file alone); `in files` = the sum "
             "over files of a file's first `test-started` to its last `test-finished` (running the tests); "
             "`between files` = the sum over consecutive files of one file's last `test-finished` to the next "
             "file's first `test-started` — isolated, that is the realm work: the file's groups close "
             "(`finish`), the next `load` resets the realm (globals, timers, DOM, module generation, mocks) and "
             "imports the next file alone; shared, it is one ordinary step between two tests; **per boundary** "
             "= between files / (files - 1), mean (median, max); `teardown` = last `test-finished` to "
             "`run-finished`; `exit` = `run-finished` to process exit.\n")
    L.append("| shape | runner | tests (passed) | files | process wall ms | pre-run ms | start-up ms | first load ms | "
             "in files ms | between files ms | **per boundary ms** mean (median, max) | teardown ms | exit ms | "
             "other load |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    by = {}
    for o in ovh:
        if "error" in o:
            L.append(f"| {o['shape']} | {o['runner']} | {o['error']} |" + " |" * 11)
            continue
        by[(o["shape"], o["runner"])] = o
        per = (f"**{o['boundary_mean_ms']:.2f}** ({o['boundary_median_ms']:.2f}, {o['boundary_max_ms']:.2f})"
               if o["boundaries"] else "- (1 file)")
        L.append(f"| {o['shape']} | {o['runner']} | {o['tests']} ({o['passed']}) | {o['files']} | {o['wall_ms']:.0f} | "
                 f"{o['pre_run_ms']:.0f} | {o['startup_ms']:.0f} | {o['load_ms']:.0f} | {o['in_files_ms']:.0f} | "
                 f"{o['between_ms']:.0f} | {per} | {o['teardown_ms']:.0f} | {o['exit_ms']:.0f} | "
                 f"{o['run']['other_load']:.2f} |")
    L.append("")
    lines = []
    for shape in shapes:
        for what, iso, shared in ISOLATION_PAIRS:
            a, b = by.get((shape, iso)), by.get((shape, shared))
            if not (a and b):
                continue
            d = {k: a[k] - b[k] for k in ("wall_ms", "pre_run_ms", "startup_ms", "load_ms", "in_files_ms",
                                          "between_ms", "teardown_ms", "exit_ms")}
            top = max((k for k in d if k != "wall_ms"), key=lambda k: abs(d[k]))
            names = {"wall_ms": "wall", "pre_run_ms": "pre-run", "startup_ms": "start-up", "load_ms": "first load",
                     "in_files_ms": "in files", "between_ms": "between files", "teardown_ms": "teardown",
                     "exit_ms": "exit"}
            parts = ", ".join(f"{names[k]} {d[k]:+.0f}" for k in d if k != "wall_ms")
            line = (f"- {shape}, {what}: isolated - shared = {d['wall_ms']:+.0f} ms wall in these runs ({parts} ms); "
                    f"the largest part is **{names[top]}**.")
            if a["boundaries"]:
                per_file = (d["between_ms"] + d["load_ms"]) / a["files"]
                # the shared run imports the same files up front: its first load / files is what importing one
                # file costs; the rest of an isolated boundary is the realm work and the host round trips
                imp = b["load_ms"] / b["files"]
                line += (f" First load plus between files: {per_file:+.2f} ms per file ({a['between_ms']:.0f} ms over "
                         f"{a['boundaries']} boundaries isolated vs {b['between_ms']:.0f} ms shared; first load "
                         f"{a['load_ms']:.0f} vs {b['load_ms']:.0f} ms). Of an isolated boundary's "
                         f"{a['boundary_mean_ms']:.2f} ms, importing the file is about {imp:.2f} ms (the shared run's "
                         f"first load / files: the same imports, up front); the other "
                         f"**{a['boundary_mean_ms'] - imp:.2f} ms** is closing the file's groups (`finish`), the realm "
                         f"reset and the two host round trips (`finish`, `load`).")
            lines.append(line)
    if lines:
        L.append("Isolated minus shared, phase by phase (from the json runs above, one run each, so noisier than "
                 "the medians):\n")
        L.extend(lines)
        L.append("")
    cmds = sorted({(o["runner"], o.get("command", "")) for o in ovh if "command" in o})
    L.append("Commands (in `bench/work/suites/<shape>/<runner>/`): " + "; ".join(f"{r}: `{c}`" for r, c in cmds)
             + "; events kept in `bench/work/logs/<shape>-<runner>-json.jsonl`.\n")
    return L


def render_family(fam, data):
    """One family's section of RESULTS.md (between its markers) from its results.json payload."""
    shapes, runners = data["shapes"], list(data["runners"])
    order = FAMILIES[fam].get("order")
    if order:  # the family's own column order (the runs were interleaved in RUNNERS order)
        runners.sort(key=lambda r: order.index(r) if r in order else len(order))
    results = {tuple(k.split("/", 1)): v for k, v in data["results"].items()}
    expected = {tuple(k.split("/", 1)): v for k, v in data["expected"].items()}
    facts, ovh, nruns = data["facts"], data.get("overhead", []), data["nruns"]
    F = FAMILIES[fam]
    L = []
    L.append(family_begin(fam))
    L.append(f"## {F['title']}\n")
    L.append(f"**Command** (from the repo root): `{data['command']}`  ")
    L.append(f"Run {data['started']} to {data['finished']} (UTC).\n")
    L.append("**Machine**: " + f"{facts['os']}, {facts['cores']} cores ({facts['cpu']}), {facts['mem_gib']} GiB RAM, "
             f"kernel {facts['kernel']}; node {facts['node']}, npm {facts['npm']}, python {facts['python']}.  ")
    L.append(runners_line(fam, facts))
    if facts.get("binary_changed"):
        L.append("**Warning**: `target/release/proctor` was rebuilt by someone else while this bench ran; "
                 "proctor's rows may mix two builds.\n")
    has_orphans = any("cpu_orphans" in r for v in results.values() for r in v["runs"])
    cpu_extra = (", plus the run's own processes still unreaped at its exit (orphaned Chromium helpers, "
                 "found by polling /proc for the run's descendants)") if has_orphans else ""
    L.append("**Method.** Suites from the generator `gen.py` (vendored in `bench/vendor/` from the shared peer "
             "baseline; same test bodies in every dialect), one dir per shape and runner under "
             "`bench/work/suites/<shape>/<runner>/`; each command runs in its suite dir. "
             f"1 unmeasured warm-up + {nruns} measured runs per case, interleaved (each round runs every runner once "
             "before the next round). Whole-process measurement from outside: `wall` = spawn to exit, median "
             "(min-max); `cpu` = user+sys of the process tree that was waited for" + cpu_extra + "; `peak RSS` = largest single "
             "process (wait4 `ru_maxrss`), not the sum over workers. `tests run` = distinct total/pass/fail triples "
             "the runner itself printed (all runs incl. warm-up; in brackets how many summaries were parsed); "
             "`valid` = every run printed exactly the generated numbers and exited as expected. `other load` = cpu "
             f"used by the rest of the machine during the runs, in cores (of {facts['cores']}), median / max: "
             "non-zero means a shared, noisy box; treat differences under ~20 % as noise then.\n")
    if fam == "browser":
        L.append("Chromium orphans its helper processes when it exits (pid 1 reaps them a second or two "
                 "later; they show as zombies in the meantime), and @web/test-runner's Chromium runs in a session "
                 "of its own: the harness polls /proc every ~0.1 s for the run's descendants and at exit adds the "
                 "cpu of the ones not yet reaped to `cpu` (and so keeps it out of `other load`). Helpers that "
                 "were reaped before the run's own exit, or lived less than ~0.1 s, are missed: `cpu` may still "
                 "understate a little. Zombies (and helpers whose exit is under way) are not counted as left running; any descendant still alive at exit "
                 "would be killed and reported under `valid`.\n")
    L.append("### Summary: median wall seconds\n")
    L.append("| shape (tests) | " + " | ".join(label_short(r) for r in runners) + " |")
    L.append("|---|" + "---|" * len(runners))
    for shape in shapes:
        e = next(expected[(shape, r)] for r in runners if (shape, r) in expected)
        cells = []
        for r in runners:
            if (shape, r) not in results:
                cells.append("-")
                continue
            s = summarize(results[(shape, r)], expected[(shape, r)])
            cells.append(f"{s['wall_med']:.3f}" + ("" if s["valid"] else " (INVALID counts)"))
        L.append(f"| {shape} ({e['files']} file{'s' if e['files'] != 1 else ''}, {e['tests']:,} tests) | "
                 + " | ".join(cells) + " |")
    L.append("")
    ref = F["ratio_ref"]
    ref_shapes = [s for s in shapes if (s, ref) in results]  # shapes the reference runner ran
    others = [r for r in runners if r != ref and any((s, r) in results for s in ref_shapes)]
    if ref_shapes and others:
        L.append(F["ratio_text"] + "\n")
        L.append("| shape | " + " | ".join(label_short(r) for r in others) + " |")
        L.append("|---|" + "---|" * len(others))
        for shape in ref_shapes:
            p = summarize(results[(shape, ref)], expected[(shape, ref)])["wall_med"]
            cells = [f"{summarize(results[(shape, r)], expected[(shape, r)])['wall_med'] / p:.2f}x"
                     if (shape, r) in results else "-" for r in others]
            L.append(f"| {shape} | " + " | ".join(cells) + " |")
        L.append("")
    if fam == "isolation":
        L.extend(isolation_targets_md(results, expected))
        L.extend(isolation_cost_md(results, expected, ovh))

    L.append("### Per shape\n")
    for shape in shapes:
        L.append(f"#### {SHAPE_TITLES.get(shape, shape)}\n")
        L.append("| runner | command | runs | wall s median (min-max) | cpu s median | peak RSS MiB | "
                 "tests run: total/pass/fail (summaries parsed) | valid | other load (cores) |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        for r in runners:
            if (shape, r) not in results:
                continue
            s = summarize(results[(shape, r)], expected[(shape, r)])
            valid = "yes" if s["valid"] else f"**no** (expected {s['expected']})"
            if s["leftovers"]:
                valid += (f"; left {s['leftovers']} process(es) running at exit in {s['leftover_runs']} of "
                          f"{s['runs_all']} runs, killed")
            L.append(f"| {label(r, facts)} | {runner_command_md(r)} | {s['n']} | "
                     f"{s['wall_med']:.3f} ({s['wall_min']:.3f}-{s['wall_max']:.3f}) | {s['cpu_med']:.3f} | "
                     f"{s['rss_med']:.0f} | {s['counts']} ({s['parsed']}) | {valid} | "
                     f"{s['load_med']:.2f} / {s['load_max']:.2f} |")
        L.append("")

    if fam == "isolation":  # its own split (isolation_cost_md), by file boundaries
        ovh = []
    node_ovh = [o for o in ovh if "built_ms" not in o and not is_browser(o.get("runner", "proctor"))]
    browser_ovh = [o for o in ovh if is_browser(o.get("runner", "proctor"))]
    if node_ovh:
        L.append("### proctor: where the time goes (per-test overhead)\n")
        L.append("One extra `proctor run --reporter json` per shape (after the measured runs, so warm), split by "
                 "the events' timestamps (`elapsed_ms`, host clock, 0 = `run-started`). `pre-run` = process spawn "
                 "to `run-started` (CLI, discovery, parsing the files into the plan; from the events' `at` unix ms, "
                 "so ±1 ms); `start-up` = `run-started` to `runtime-started` (node spawned, controller connected); "
                 "`load` = to the first `test-started` (importing the test files); `test phase` = first "
                 "`test-started` to last `test-finished`; **per test** = test phase / tests, the amortized cost of "
                 "one test including the host-runtime round trip; `in test` = the mean of the runtime's own "
                 "`duration_ms` (time inside the test function); `median step` = median time from one `test-started` "
                 "to the next (steady state: no file boundaries, no first-call JIT); `teardown` = last `test-finished` to "
                 "`run-finished`; `exit` = `run-finished` to process exit; `other load` as above, for this one run."
                 + (" `proctor-ts-cold` empties its transform cache first, as before its measured runs."
                    if any(o.get("runner") == "proctor-ts-cold" for o in node_ovh) else "") + "\n")
        L.append("| shape | tests (passed) | process wall ms | pre-run ms | start-up ms | load ms | test phase ms | "
                 "**per test µs** | median step µs | in test µs | teardown ms | exit ms | other load |")
        L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for o in node_ovh:
            case = o["shape"] if o.get("runner", "proctor") == "proctor" else f"{o['shape']} {o['runner']}"
            if "error" in o:
                L.append(f"| {case} | {o['error']} |" + " |" * 11)
                continue
            L.append(f"| {case} | {o['tests']} ({o['passed']}) | {o['wall_ms']:.0f} | {o['pre_run_ms']:.0f} | "
                     f"{o['startup_ms']:.0f} | {o['load_ms']:.0f} | {o['test_phase_ms']:.0f} | "
                     f"**{o['per_test_us']:.1f}** | {o['steady_us']:.1f} | {o['in_test_us']:.1f} | "
                     f"{o['teardown_ms']:.0f} | {o['exit_ms']:.0f} | {o['run']['other_load']:.2f} |")
        L.append("")
        L.append(f"Command: `{node_ovh[0].get('command', 'proctor run --reporter json')}` in "
                 "`bench/work/suites/<shape>/<runner>/`; events kept in `bench/work/logs/<shape>-<runner>-json.jsonl`.\n")
    if browser_ovh:
        L.append("### proctor in Chromium: where the time goes\n")
        L.append("One extra run per shape and proctor mode with `--reporter json` instead of `dots` (after the "
                 "measured runs, so warm), split by the events' timestamps (`elapsed_ms`, host clock, 0 = "
                 "`run-started`). `pre-run` = process spawn to `run-started` (CLI, discovery, parsing the files; from "
                 "the events' `at` unix ms, so ±1 ms); **launch** = `run-started` to `built`: proctor builds the page "
                 "(and the bundle) *while* Chromium launches and emits `built` when both are done, so this is "
                 "max(Chromium launch, build); `build` = the build alone (`built`'s `duration_ms`); `to hello` = "
                 "`built` to `runtime-started` (the page loads the controller, connects and says hello); `load` = to "
                 "the first `test-started` (importing the test files, or evaluating the bundle); `test phase` = "
                 "first `test-started` to last `test-finished`; **per test** = test phase / tests; `median step` = "
                 "median time from one `test-started` to the next; `in test` = mean of the runtime's own "
                 "`duration_ms`; `teardown` = last `test-finished` to `run-finished` (closing the page and the "
                 "browser); `exit` = `run-finished` to process exit.\n")
        L.append("| shape | mode | tests (passed) | process wall ms | pre-run ms | **launch ms** (max(launch, build)) | "
                 "build ms | to hello ms | load ms | test phase ms | **per test µs** | median step µs | in test µs | "
                 "teardown ms | exit ms | other load |")
        L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for o in browser_ovh:
            if "error" in o:
                L.append(f"| {o['shape']} | {o['runner']} | {o['error']} |" + " |" * 13)
                continue
            L.append(f"| {o['shape']} | {o['runner']} | {o['tests']} ({o['passed']}) | {o['wall_ms']:.0f} | "
                     f"{o['pre_run_ms']:.0f} | **{o['built_ms']:.0f}** | {o['build_ms']:.0f} | {o['hello_ms']:.0f} | "
                     f"{o['load_ms']:.0f} | {o['test_phase_ms']:.0f} | **{o['per_test_us']:.1f}** | "
                     f"{o['steady_us']:.1f} | {o['in_test_us']:.1f} | {o['teardown_ms']:.0f} | {o['exit_ms']:.0f} | "
                     f"{o['run']['other_load']:.2f} |")
        L.append("")
        cmds = sorted({(o["runner"], o.get("command", "")) for o in browser_ovh if "command" in o})
        L.append("Commands (in `bench/work/suites/<shape>/<mode>/`): " + "; ".join(f"{r}: `{c}`" for r, c in cmds)
                 + "; events kept in `bench/work/logs/<shape>-<mode>-json.jsonl`.\n")
    floor = data.get("chromium_floor")
    if floor and floor["runs"]:
        runs = floor["runs"]
        walls = [r["wall"] for r in runs]
        left = sum(r["leftover_procs"] for r in runs)
        L.append("### Floor: Chromium alone\n")
        L.append(f"Headless start, dump `about:blank`, exit; fresh profile each run; 1 warm-up + {len(runs)} runs, "
                 "same measurement as above (`cpu` includes the helpers Chromium orphans).\n")
        L.append("| command | runs | wall s median (min-max) | cpu s median | peak RSS MiB | exit codes | other load |")
        L.append("|---|---|---|---|---|---|---|")
        L.append(f"| `{floor['command']}` | {len(runs)} | {med(walls):.3f} ({min(walls):.3f}-{max(walls):.3f}) | "
                 f"{med([r['cpu'] for r in runs]):.3f} | {med([r['maxrss_kb'] / 1024 for r in runs]):.0f} | "
                 f"{','.join(sorted({str(r['exit']) for r in runs}))} | "
                 f"{med([r['other_load'] for r in runs]):.2f} / {max(r['other_load'] for r in runs):.2f} |")
        L.append("")
        if left:
            L.append(f"Chromium left {left} helper process(es) running in its group after exiting; killed.\n")

    L.append("### Reproduce\n")
    L.append("```sh")
    L.append(data["command"])
    L.append("```\n")
    L.append("Per-case commands (run in `bench/work/suites/<shape>/<runner>/`; `../../node_modules` is the "
             "symlink `bench/work/suites/node_modules` -> `bench/work/peers/node_modules`, through which the suites "
             "also resolve the peers their configs import; `proctor` is `target/release/proctor`, which needs no "
             "install; `<repo>` is the repo root):\n")
    L.append("| runner | command |")
    L.append("|---|---|")
    for r in runners:
        L.append(f"| {r} | {runner_command_md(r)} |")
    L.append("")
    if any(RUNNER_CMDS[r].get("files") for r in runners):
        for r in runners:
            for name, text in RUNNER_CMDS[r].get("files", {}).items():
                L.append(f"`{r}` also writes `{name}` into its suite dir:\n")
                L.append("```toml" if name.endswith(".toml") else "```")
                L.append(text.rstrip("\n"))
                L.append("```\n")
    L.append("Every run's output: `bench/work/logs/<shape>-<runner>-<round>.log` (round 0 = warm-up); every "
             "number: `bench/work/results.json`.")
    L.append(family_end(fam))
    return "\n".join(L)


HEADER = """# proctor benchmarks: node and browser

Generated by `bench/bench.py` (how to run and what it measures: [README.md](README.md)). Each `##`
section below is one family of shapes from one run of bench.py, with its own command, time, machine
and builds; a run rewrites the sections of the families it ran and keeps the others.
"""


def write_results_md(path, sections):
    """Replace the given families' sections in RESULTS.md, keep the others and the hand-written notes."""
    old = ""
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
    notes = ""
    body = old
    if NOTES_MARKER in old:
        body, notes = old[:old.index(NOTES_MARKER)], old[old.index(NOTES_MARKER) + len(NOTES_MARKER):]
    kept = {}
    for fam in FAMILIES:
        b, e = family_begin(fam), family_end(fam)
        if b in body and e in body:
            kept[fam] = body[body.index(b):body.index(e) + len(e)]
    kept.update(sections)
    md = HEADER + "\n" + "\n\n".join(kept[f] for f in FAMILIES if f in kept) + "\n\n"
    with open(path, "w") as f:
        f.write(md + NOTES_MARKER + (notes if notes else "\n"))
    return md


def load_results_json():
    path = os.path.join(WORK, "results.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        d = json.load(f)
    if "families" in d:
        return d["families"]
    # the format before families: one node run
    keys = list(d["results"])
    d["shapes"] = list(dict.fromkeys(k.split("/", 1)[0] for k in keys))
    d["runners"] = list(dict.fromkeys(k.split("/", 1)[1] for k in keys))
    d["nruns"] = len(next(iter(d["results"].values()))["runs"])
    return {"node": d}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shapes", default=None,
                    help=f"comma-separated (default {','.join(SHAPES)}; also {','.join(s for s in SHAPE_TITLES if s not in SHAPES)})")
    ap.add_argument("--family", choices=list(FAMILY_SHAPES), action="append", default=[],
                    help="add every shape of this family to --shapes (repeatable; with no --shapes: just these; "
                         "`--family isolation` = iso-trivial,iso-single,iso-browser)")
    ap.add_argument("--proctor", default=PROCTOR, metavar="PATH",
                    help="the proctor binary to measure (default target/release/proctor, which is rebuilt unless "
                         "--no-build; another path is never built)")
    ap.add_argument("--runners", default=",".join(RUNNERS),
                    help=f"comma-separated (default all: {','.join(RUNNERS)}); each shape runs those of its family")
    ap.add_argument("--runs", type=int, default=3, help="measured runs per case, after 1 warm-up (default 3)")
    ap.add_argument("--skip-install", action="store_true", help="reuse bench/work/peers as it is")
    ap.add_argument("--no-build", action="store_true", help="do not run `cargo build --release -p proctor` first")
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                    help="before each round, wait up to this long for the rest of the machine to use < 0.3 cores "
                         "(default 0: don't wait)")
    ap.add_argument("--no-overhead", action="store_true",
                    help="skip the proctor --reporter json phase split (and the Chromium floor)")
    ap.add_argument("--shared", default=os.environ.get("PROCTOR_BENCH_SHARED") or VENDOR,
                    help="dir holding gen.py and counts.py (default $PROCTOR_BENCH_SHARED, else bench/vendor)")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"), help="markdown file to write")
    ap.add_argument("--render-only", action="store_true",
                    help="rewrite --out from bench/work/results.json; run nothing")
    a = ap.parse_args()

    if a.render_only:
        fams = load_results_json()
        if not fams:
            ap.error("no bench/work/results.json to render")
        write_results_md(a.out, {f: render_family(f, d) for f, d in fams.items()})
        print(f"wrote {os.path.relpath(a.out)} ({', '.join(fams)})")
        return

    shapes = [s for s in (a.shapes if a.shapes is not None else ("" if a.family else ",".join(SHAPES))).split(",") if s]
    shapes += [s for f in a.family for s in FAMILY_SHAPES[f] if s not in shapes]
    runners = [r for r in a.runners.split(",") if r]
    use_proctor(a.proctor)
    for r in runners:
        if r not in RUNNER_CMDS:
            ap.error(f"unknown runner {r!r} (known: {', '.join(RUNNER_CMDS)})")
    for s in shapes:
        if s not in SHAPE_TITLES:
            ap.error(f"unknown shape {s!r} (known: {', '.join(SHAPE_TITLES)})")
    shapes = [s for s in shapes if shape_runners(s, runners)]  # shapes no selected runner runs: dropped
    if not shapes:
        ap.error("no selected runner runs any selected shape (node shapes: proctor,mocha,node,vitest; "
                 "browser shapes: proctor-esm,proctor-esbuild-min,wtr,karma; trivial-ts: "
                 "proctor-js,proctor-ts-cold,proctor-ts-warm,vitest-ts,vitest-js; iso-trivial, iso-single: "
                 "proctor-isolate,proctor-shared,mocha,vitest-isolate,vitest-no-isolate; iso-browser: "
                 "proctor-esm-isolate,proctor-esm-shared)")
    runners = [r for r in runners if any(r in shape_runners(s, runners) for s in shapes)]
    families = [f for f in FAMILIES if any(SHAPE_FAMILY[s] == f for s in shapes)]
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    for f in ("gen.py", "counts.py"):
        if not os.path.exists(os.path.join(a.shared, f)):
            ap.error(f"{f} not found in {a.shared} (set --shared)")

    argv_line = "python3 bench/bench.py" + "".join(" " + shlex.quote(x) for x in sys.argv[1:])
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")

    if not a.skip_install and any(r in PEER_RUNNERS for r in runners):
        install_peers()
    uses_proctor = any(RUNNER_CMDS[r]["argv"][0] == PROCTOR for r in runners)
    if not a.no_build and uses_proctor:
        if PROCTOR == DEFAULT_PROCTOR:
            build_proctor()
        else:
            print(f"(--proctor {PROCTOR}: not built)", flush=True)
    missing = [RUNNER_CMDS[r]["argv"][0] for r in runners if r != "node" and not os.path.exists(RUNNER_CMDS[r]["argv"][0])]
    if "proctor-esbuild-min" in runners and not os.path.exists(os.path.join(REPO_BIN, "esbuild")):
        missing.append(os.path.join(REPO_BIN, "esbuild") + " (run `npm install` in the repo root)")
    browser_shapes = any(s in BROWSER_SHAPES for s in shapes)
    if browser_shapes and not os.path.exists(CHROMIUM):
        missing.append(CHROMIUM + " (apt-get install chromium)")
    if missing:
        sys.exit(f"missing: {', '.join(missing)} (drop --skip-install / --no-build?)")
    if any("--no-isolate" in RUNNER_CMDS[r]["argv"] for r in runners) and uses_proctor:
        if "--no-isolate" not in try_sh([PROCTOR, "run", "--help"]):
            sys.exit(f"{PROCTOR} has no `run --no-isolate` (build the isolation work, or pick another --proctor)")

    counts_mod = load_counts(a.shared)
    facts = machine_facts(browser_shapes)
    stamp0 = binary_stamp()
    print(f"generating suites under {os.path.relpath(SUITES, REPO)} ...", flush=True)
    expected = generate(a.shared, shapes, runners)
    clear_logs(shapes, runners, "browser" in families)
    results = bench(shapes, runners, a.runs, counts_mod, expected, a.wait_quiet)

    ovh = []
    floor = None
    if not a.no_overhead:
        for shape in shapes:
            for r in shape_runners(shape, runners):
                if RUNNER_CMDS[r]["dialect"] != "proctor":
                    continue
                wait_quiet(a.wait_quiet)
                o = overhead(shape, expected, r)
                ovh.append(o)
                if "error" in o:
                    print(f"  overhead {shape} {r}: {o['error']}")
                else:
                    extra = (f"launch/build {o['built_ms']:.0f}/{o['build_ms']:.0f} ms, to hello {o['hello_ms']:.0f} ms, "
                             if "built_ms" in o else "")
                    print(f"  overhead {shape} {r}: {o['tests']} tests, start-up {o['startup_ms']:.0f} ms, {extra}load "
                          f"{o['load_ms']:.0f} ms, test phase {o['test_phase_ms']:.0f} ms = {o['per_test_us']:.1f} us/test, "
                          f"teardown {o['teardown_ms']:.0f} ms", flush=True)
        if "browser" in families:
            wait_quiet(a.wait_quiet)
            floor = chromium_floor(a.runs)
    finished = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if uses_proctor and binary_stamp() != stamp0:
        facts["binary_changed"] = True
        print("WARNING: target/release/proctor changed while the bench ran (someone rebuilt it)", file=sys.stderr)

    payloads = {}
    for fam in families:
        fshapes = [s for s in shapes if SHAPE_FAMILY[s] == fam]
        frunners = [r for r in runners if in_family(r, fam) and any(r in shape_runners(s, runners) for s in fshapes)]
        payloads[fam] = {
            "command": argv_line, "started": started, "finished": finished, "facts": facts, "nruns": a.runs,
            "shapes": fshapes, "runners": frunners,
            "expected": {f"{s}/{r}": e for (s, r), e in expected.items() if s in fshapes},
            "results": {f"{s}/{r}": v for (s, r), v in results.items() if s in fshapes},
            "overhead": [o for o in ovh if o["shape"] in fshapes],
            "chromium_floor": floor if fam == "browser" else None,
        }
    md = write_results_md(a.out, {f: render_family(f, p) for f, p in payloads.items()})
    os.makedirs(WORK, exist_ok=True)
    all_fams = load_results_json()
    all_fams.update(payloads)
    with open(os.path.join(WORK, "results.json"), "w") as f:
        json.dump({"families": all_fams}, f, indent=1)
    print()
    print(md)
    print(f"wrote {os.path.relpath(a.out)} and {os.path.relpath(os.path.join(WORK, 'results.json'))}")
    bad = [f"{s}/{r}" for (s, r), v in results.items() if not summarize(v, expected[(s, r)])["valid"]]
    if bad:
        print(f"INVALID counts in: {', '.join(bad)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
