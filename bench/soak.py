#!/usr/bin/env python3
"""Soak: does anything grow with use? Two parts, each in a generated project under bench/work/soak/.

A. serve: a live `proctor serve` (a node suite and, when /usr/bin/chromium exists, a chromium suite
   kept in its headless tab) and --runs consecutive `proctor run`s through it. After one warm-up run,
   then every --sample-every runs and after the last, the server and all its descendants are
   sampled: RSS (VmRSS, the server alone and summed over the tree), open fds, descendant processes,
   and temp files (entries in the private TMPDIR the server and the runs get; the server's entries
   in /dev/shm, proctor-* and *org.chromium.Chromium.*). After `proctor serve --stop`: what was
   left behind. Every run must pass through the server.
B. console flood: --flood-tests tests each printing --flood-mb MB (console.log) on node, run with
   `proctor run --reporter dots --junit out.xml` and without --junit; proctor's own peak RSS
   (wait4 ru_maxrss of the proctor process: node, its child, is not in it), the peak RSS summed
   over proctor and its children (polled), the JUnit file's size, what the terminal got, and the
   temp files left.

Exit status 1 when a run failed, or when fds, processes or temp files grew from the first sample
to the last, or RSS grew by more than the tolerance (default: 20 % or 10 MiB, whichever is
larger, for the server alone and for its tree), or something was left behind. Appends its tables
to bench/RESULTS.md (section "soak: warm runs through serve and a console flood"), replacing an
earlier one; --no-write only prints them.

  python3 bench/soak.py [--proctor PATH] [--runs 100] [--flood-tests 1000] [--flood-mb 1]
  python3 bench/soak.py --runs 5 --flood-tests 20          # a quick smoke run
"""

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import bench
from results_section import replace_section

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work", "soak")
CHROMIUM = "/usr/bin/chromium"
SHM = "/dev/shm"
SECTION = "## soak: warm runs through serve and a console flood"
SUMMARY = re.compile(r"Tests:\s+(\d+) passed, (\d+) total")
THROUGH_SERVER = "kept by proctor serve"
RUN_TIMEOUT = 300  # seconds per run; a debug build on a busy box takes ~40 s for the 1 GB flood
MIB = 1 << 20


def default_proctor():
    for profile in ("release", "debug"):
        path = os.path.join(REPO, "target", profile, "proctor")
        if os.path.exists(path):
            return path
    return os.path.join(REPO, "target", "release", "proctor")


def binary_facts(path):
    """Which build the numbers are of: the profile from the path, and the commit of the git
    checkout the binary was built in (walking up from target/<profile>/), when there is one."""
    profile = next((p for p in ("release", "debug") if f"{os.sep}{p}{os.sep}" in path), "unknown profile")
    commit = "unknown commit (not inside a checkout)"
    here = os.path.dirname(os.path.abspath(path))
    while here != os.path.dirname(here):
        if os.path.exists(os.path.join(here, ".git")):
            rev = bench.try_sh(["git", "-C", here, "rev-parse", "--short", "HEAD"])
            dirty = bench.try_sh(["git", "-C", here, "status", "--porcelain", "--untracked-files=no"])
            commit = f"{rev} of {here}" + (" + uncommitted changes" if dirty else "")
            break
        here = os.path.dirname(here)
    try:
        built = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(path)))
    except OSError:
        built = "?"
    return profile, commit, built


# --- /proc ------------------------------------------------------------------------------------


def processes():
    """pid -> (ppid, state) for every process now."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # gone meanwhile
        # the command name may hold spaces and parentheses: the fields follow the last ')'
        state, ppid = stat[stat.rindex(")") + 2:].split()[:2]
        out[int(name)] = (int(ppid), state)
    return out


def descendants(root):
    children = {}
    for pid, (ppid, _state) in processes().items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def kib(pid, file, key):
    """A `key: N kB` line of /proc/PID/<file>; 0 when the process is gone or a zombie (a zombie
    has no VmRSS)."""
    try:
        with open(f"/proc/{pid}/{file}") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kib(pid):
    return kib(pid, "status", "VmRSS:")


def pss_kib(pid):
    """Proportional set size: shared pages split among their users, so a sum over Chromium's
    processes counts its shared libraries and memory once (an RSS sum counts them per process)."""
    return kib(pid, "smaps_rollup", "Pss:")


def fds(pid):
    try:
        return os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return []


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def kind(pid):
    """What a process is, for the per-kind table: Chromium's `--type=` (and a utility's
    sub-type), `chromium` for its browser process, else the command name."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            # Chromium rewrites its argv into one space-separated string
            words = re.split(r"[\0 ]", f.read().decode(errors="replace"))
    except OSError:
        return "?"
    flags = dict(w[2:].split("=", 1) for w in words if w.startswith("--") and "=" in w)
    if "type" not in flags:
        return comm(pid)
    sub = flags.get("utility-sub-type", "").split(".")[-1]
    return f"{flags['type']} ({sub})" if sub else flags["type"]


def shm_references(pids):
    """The /dev/shm entries these processes name on their command line or hold open (the
    Chromium profile proctor puts there, Chromium's shared-memory files): /dev/shm is the whole
    machine's, so only what the server's tree was seen using counts as its own."""
    found = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                words = f.read().decode(errors="replace").split("\0")
        except OSError:
            words = []
        for fd in fds(pid):
            try:
                words.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:
                pass
        for word in words:
            at = word.find(SHM + "/")
            if at != -1:
                name = word[at + len(SHM) + 1:].split("/")[0].split(" ")[0]
                if name:
                    found.add(name)
    return found


def tree_bytes(path):
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def is_chromium_temp(name):
    return "org.chromium.Chromium." in name


def kinds(pids):
    """kind -> (processes, RSS KiB)."""
    out = {}
    for pid in pids:
        k = kind(pid)
        n, rss = out.get(k, (0, 0))
        out[k] = (n + 1, rss + rss_kib(pid))
    return out


class Sampler:
    """Samples a server's process tree and the temp files it and the runs make."""

    def __init__(self, root, tmpdir):
        self.root = root
        self.tmpdir = tmpdir
        self.ours_in_shm = set()

    def note(self):
        """Remembers which /dev/shm entries the tree uses now (called after every run, so an
        entry that is later left behind was seen while in use)."""
        self.ours_in_shm |= shm_references([self.root] + descendants(self.root))

    def sample(self, label):
        tree = descendants(self.root)
        self.ours_in_shm |= shm_references([self.root] + tree)
        states = processes()
        zombies = sum(states.get(pid, (0, "Z"))[1] == "Z" for pid in tree)
        tmp = sorted(os.listdir(self.tmpdir)) if os.path.isdir(self.tmpdir) else []
        shm = sorted(name for name in self.ours_in_shm if os.path.lexists(os.path.join(SHM, name)))
        return {
            "label": label,
            "serve_rss": rss_kib(self.root),
            "tree_rss": rss_kib(self.root) + sum(rss_kib(pid) for pid in tree),
            "tree_pss": pss_kib(self.root) + sum(pss_kib(pid) for pid in tree),
            "serve_fds": len(fds(self.root)),
            "tree_fds": len(fds(self.root)) + sum(len(fds(pid)) for pid in tree),
            "procs": len(tree),
            "zombies": zombies,
            "kinds": kinds(tree),
            "tmp": len(tmp),
            "tmp_names": tmp,
            "tmp_chromium": sum(is_chromium_temp(n) for n in tmp),
            "shm_proctor": sum(n.startswith("proctor-") for n in shm),
            "shm_chromium": sum(is_chromium_temp(n) for n in shm),
            "shm_names": shm,
            "shm_bytes": sum(tree_bytes(os.path.join(SHM, n)) for n in shm),
        }


# --- part A: serve -------------------------------------------------------------------------------

NODE_TEST = """import {{ describe, it, expect, beforeEach }} from "proctor";

describe("node file {i}", () => {{
  let items;
  beforeEach(() => {{ items = Array.from({{ length: 100 }}, (_, k) => ({{ k, s: "v" + k }})); }});
  it("sums", () => {{ expect(items.reduce((a, x) => a + x.k, 0)).toBe(4950); }});
  it("awaits a timer", async () => {{
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(items.length).toBe(100);
  }});
  it("prints", () => {{
    for (let k = 0; k < 20; k++) console.log("line " + k + " of file {i}: " + "y".repeat(200));
    console.error("to stderr from file {i}");
    expect(true).toBe(true);
  }});
  it("compares objects", () => {{ expect({{ a: [1, 2, {{ b: "c" }}] }}).toEqual({{ a: [1, 2, {{ b: "c" }}] }}); }});
}});
"""

BROWSER_TEST = """import {{ describe, it, expect }} from "proctor";

describe("browser file {i}", () => {{
  it("builds DOM", () => {{
    const list = document.createElement("ul");
    for (let k = 0; k < 200; k++) list.appendChild(document.createElement("li")).textContent = "item " + k;
    document.body.appendChild(list);
    expect(document.querySelectorAll("li").length).toBeGreaterThanOrEqual(200);
  }});
  it("awaits a frame", async () => {{
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    expect(typeof performance.now()).toBe("number");
  }});
  it("starts in a fresh realm each run", () => {{
    globalThis.__soakFile{i} = (globalThis.__soakFile{i} || 0) + 1;
    expect(globalThis.__soakFile{i}).toBe(1);
  }});
  it("prints", () => {{
    for (let k = 0; k < 20; k++) console.log("line " + k + " of file {i}: " + "z".repeat(200));
    expect(new Uint8Array(1 << 20).length).toBe(1 << 20);
  }});
}});
"""

SUITE = '[[suite]]\nid = "{id}"\nruntime = "{runtime}"\ntests = ["{dir}/**/*.test.js"]\n'


def write_project(path, suites):
    """suites: (id, runtime, body template, files, tests per file). Returns the expected total."""
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    config, total = [], 0
    for suite_id, runtime, body, nfiles, per_file in suites:
        os.makedirs(os.path.join(path, suite_id))
        config.append(SUITE.format(id=suite_id, runtime=runtime, dir=suite_id))
        for i in range(nfiles):
            with open(os.path.join(path, suite_id, f"f{i:03}.test.js"), "w") as f:
                f.write(body.format(i=i))
        total += nfiles * per_file
    with open(os.path.join(path, "proctor.toml"), "w") as f:
        f.write("\n".join(config))
    return total


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def fresh_tmpdir(name):
    """A private TMPDIR outside the repo: below bench/package.json (no "type"), node would warn
    about proctor's controller files on every run."""
    return tempfile.mkdtemp(prefix=f"soak-{name}-")


def check_run(out, rc, total, log):
    """A run passed when it exited 0 and its own summary says all `total` tests passed."""
    match = SUMMARY.search(out)
    if rc != 0 or not match or int(match.group(1)) != total or int(match.group(2)) != total:
        return f"exit {rc}, summary {match.group(0) if match else 'missing'} (expected {total} passed): see {log}"
    return None


def recorded_pid(record):
    try:
        with open(record) as f:
            return json.load(f).get("pid")
    except (OSError, ValueError):
        return None  # not written yet, or half written


def start_serve(proctor, project, env, log):
    record = os.path.join(project, ".proctor", "server.json")
    with open(log, "w") as f:
        serve = subprocess.Popen([proctor, "serve"], cwd=project, env=env, stdin=subprocess.DEVNULL,
                                 stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 120
    while recorded_pid(record) != serve.pid:
        if serve.poll() is not None or time.time() > deadline:
            stop_serve(proctor, project, env, serve)
            sys.exit(f"proctor serve did not become ready (exit {serve.returncode}); its log:\n" + open(log).read())
        time.sleep(0.1)
    return serve


def stop_serve(proctor, project, env, serve):
    if serve.poll() is None:
        subprocess.run([proctor, "serve", "--stop"], cwd=project, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)
    try:
        return serve.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.kill(serve.pid, signal.SIGKILL)
        serve.wait()
        return "killed: did not stop within 30 s of `proctor serve --stop`"


def settled(sampler, label, baseline, settle, resettle):
    """A sample taken `settle` s after the run; when a strict count is above the baseline, taken
    again each second for up to `resettle` s (a frame or a helper process may still be going)."""
    time.sleep(settle)
    sample = sampler.sample(label)
    waited = 0
    while baseline and waited < resettle and any(sample[k] > baseline[k] for k in STRICT):
        time.sleep(1)
        waited += 1
        sample = sampler.sample(label)
    sample["resettled"] = waited
    return sample


STRICT = ("serve_fds", "procs", "tmp", "shm_proctor", "shm_chromium")


def soak_serve(args):
    chromium = os.path.exists(CHROMIUM) and not args.no_chromium
    project = os.path.join(WORK, "serve")
    suites = [("node", "node", NODE_TEST, args.node_files, 4)]
    if chromium:
        suites.append(("browser", "chromium", BROWSER_TEST, args.browser_files, 4))
    total = write_project(project, suites)
    tmpdir = fresh_tmpdir("serve")
    logs = fresh_dir(os.path.join(WORK, "serve-logs"))
    env = dict(os.environ, TMPDIR=tmpdir)
    serve = start_serve(args.proctor, project, env, os.path.join(logs, "serve.log"))
    sampler = Sampler(serve.pid, tmpdir)
    samples, walls, failures = [], [], []
    run = [args.proctor, "run", "--reporter", "dots"]
    try:
        for i in range(args.runs + 1):  # run 0 is the warm-up
            log = os.path.join(logs, f"run-{i:03}.log")
            start = time.perf_counter()
            try:
                done = subprocess.run(run, cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, timeout=RUN_TIMEOUT)
                out, rc = done.stdout.decode(errors="replace"), done.returncode
            except subprocess.TimeoutExpired as e:
                out, rc = (e.stdout or b"").decode(errors="replace"), f"none (killed after {RUN_TIMEOUT} s)"
            walls.append(time.perf_counter() - start)
            with open(log, "w") as f:
                f.write(out)
            problem = check_run(out, rc, total, log)
            if problem is None and chromium and THROUGH_SERVER not in out:
                problem = f"did not run through the server: see {log}"
            if problem:
                failures.append(f"run {i}: {problem}")
            if serve.poll() is not None:
                failures.append(f"proctor serve exited ({serve.returncode}) during run {i}")
                break
            sampler.note()
            if i == 0 or i % args.sample_every == 0 or i == args.runs:
                label = "after warm-up" if i == 0 else f"after run {i}"
                baseline = samples[0] if samples else None
                samples.append(settled(sampler, label, baseline, args.settle, args.resettle if i == args.runs else 0))
                samples[-1]["run"] = i
                s = samples[-1]
                print(f"  {label}: serve {s['serve_rss'] / 1024:.1f} MiB, tree {s['tree_rss'] / 1024:.1f} MiB, "
                      f"fds {s['serve_fds']}/{s['tree_fds']}, procs {s['procs']}, tmp {s['tmp']}, "
                      f"shm {s['shm_proctor']}+{s['shm_chromium']}, {walls[-1]:.2f} s", flush=True)
    finally:
        tree = descendants(serve.pid)
        stopped = stop_serve(args.proctor, project, env, serve)
    time.sleep(args.settle)
    left_procs = [f"{pid} {comm(pid)}" for pid in tree if os.path.exists(f"/proc/{pid}") and rss_kib(pid)]
    left_tmp = sorted(os.listdir(tmpdir))
    shutil.rmtree(tmpdir, ignore_errors=True)
    left_shm = sorted(n for n in sampler.ours_in_shm if os.path.lexists(os.path.join(SHM, n)))
    if stopped != 0:
        failures.append(f"proctor serve --stop: the server ended with {stopped}")
    for what, left in (("processes", left_procs), ("temp files", left_tmp), ("/dev/shm entries", left_shm)):
        if left:
            failures.append(f"left after the server stopped: {what}: {', '.join(left)}")
    return {
        "chromium": chromium, "total": total, "suites": suites, "samples": samples, "walls": walls,
        "failures": failures, "left": (left_procs, left_tmp, left_shm), "logs": logs, "stopped": stopped,
    }


def trend(points):
    """Least-squares slope of (x, y) points."""
    mx = statistics.mean(x for x, _ in points)
    my = statistics.mean(y for _, y in points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def growth(before, after, args):
    """(metric, before, after, limit text, ok) rows; RSS in MiB."""
    rows = []
    for key, name in (("serve_rss", "RSS, server alone"), ("tree_rss", "RSS, server + descendants")):
        b, a = before[key] / 1024, after[key] / 1024
        allowed = max(args.rss_tolerance_mib, b * args.rss_tolerance_pct / 100)
        rows.append((name, f"{b:.1f} MiB", f"{a:.1f} MiB", f"+{allowed:.1f} MiB", a - b <= allowed))
    b, a = before["tree_fds"], after["tree_fds"]
    rows.append(("open fds, server + descendants", str(b), str(a), f"+{args.tree_fd_slack}", a - b <= args.tree_fd_slack))
    for key, name in (("serve_fds", "open fds, server"), ("procs", "descendant processes"), ("tmp", "entries in TMPDIR"),
                      ("shm_proctor", "/dev/shm proctor-* (the server's)"),
                      ("shm_chromium", "/dev/shm *org.chromium.Chromium.* (the server's)")):
        rows.append((name, str(before[key]), str(after[key]), "no growth", after[key] <= before[key]))
    return rows


# --- part B: console flood -----------------------------------------------------------------------

FLOOD_TEST = """import {{ describe, it }} from "proctor";

const line = "x".repeat({size} - 1); // console.log adds the newline

describe("flood file {{i}}", () => {{
{tests}}});
"""


class TreePeak(threading.Thread):
    """Polls a process tree's summed RSS and a directory's size until stopped."""

    def __init__(self, root, tmpdir, every=0.2):
        super().__init__(daemon=True)
        self.root, self.tmpdir, self.every = root, tmpdir, every
        self.tree_rss = self.tmp_bytes = 0
        self.halt = threading.Event()

    def run(self):
        while not self.halt.wait(self.every):
            pids = [self.root] + descendants(self.root)
            self.tree_rss = max(self.tree_rss, sum(rss_kib(pid) for pid in pids))
            self.tmp_bytes = max(self.tmp_bytes, tree_bytes(self.tmpdir))


def flood_run(args, project, total, junit):
    name = "junit" if junit else "plain"
    tmpdir = fresh_tmpdir(f"flood-{name}")
    log = os.path.join(WORK, f"flood-{name}.log")
    xml = os.path.join(project, "out.xml")
    if os.path.exists(xml):
        os.remove(xml)
    argv = [args.proctor, "run", "--reporter", "dots"] + (["--junit", "out.xml"] if junit else [])
    start = time.perf_counter()
    with open(log, "w") as f:
        proc = subprocess.Popen(argv, cwd=project, env=dict(os.environ, TMPDIR=tmpdir), stdin=subprocess.DEVNULL,
                                stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
    peak = TreePeak(proc.pid, tmpdir)
    peak.start()
    timer = threading.Timer(RUN_TIMEOUT, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)  # ru_maxrss: proctor's own peak, not its children's
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    peak.halt.set()
    peak.join()
    time.sleep(args.settle)
    with open(log, "rb") as f:
        f.seek(max(0, os.path.getsize(log) - 4096))
        tail = f.read().decode(errors="replace")
    left = sorted(os.listdir(tmpdir))
    shutil.rmtree(tmpdir, ignore_errors=True)
    return {
        "name": name, "argv": argv, "rc": proc.returncode, "wall": wall, "maxrss": usage.ru_maxrss,
        "tree_rss": peak.tree_rss, "tmp_peak": peak.tmp_bytes, "left": left,
        "junit": os.path.getsize(xml) if os.path.exists(xml) else None, "out": os.path.getsize(log),
        "problem": check_run(tail, proc.returncode, total, log),
    }


def soak_flood(args):
    project = os.path.join(WORK, "flood")
    size = max(2, int(args.flood_mb * MIB))
    files = min(args.flood_files, args.flood_tests)
    per_file = [args.flood_tests // files + (1 if i < args.flood_tests % files else 0) for i in range(files)]
    shutil.rmtree(project, ignore_errors=True)
    os.makedirs(os.path.join(project, "test"))
    with open(os.path.join(project, "proctor.toml"), "w") as f:
        f.write(SUITE.format(id="flood", runtime="node", dir="test"))
    for i, n in enumerate(per_file):
        tests = "".join(f'  it("prints {size} bytes #{k}", () => {{ console.log(line); }});\n' for k in range(n))
        with open(os.path.join(project, "test", f"f{i:03}.test.js"), "w") as f:
            f.write(FLOOD_TEST.format(size=size, tests=tests).replace("{i}", str(i)))
    runs = [flood_run(args, project, args.flood_tests, junit) for junit in (True, False)]
    return {"size": size, "files": files, "runs": runs}


# --- report --------------------------------------------------------------------------------------


def mib(kib):
    return f"{kib / 1024:.1f}"


def render(args, facts, a, b, started, finished):
    profile, commit, built = binary_facts(args.proctor)
    lines = [
        SECTION,
        "<!-- written by bench/soak.py; running it again replaces this section -->",
        "",
        f"**Command** (from the repo root): `python3 bench/soak.py {' '.join(shlex.quote(w) for w in sys.argv[1:])}`  ",
        f"Run {started} to {finished} (UTC).  ",
        f"**Machine**: {facts['os']}, {facts['cores']} cores ({facts['cpu']}), {facts['mem_gib']} GiB RAM, kernel "
        f"{facts['kernel']}; node {facts['node']}, python {facts['python']}"
        + (f", {facts['chromium']}" if a and a["chromium"] else "") + ".  ",
        f"**proctor**: `{args.proctor}` ({facts['proctor']}, **{profile} build**) of {commit}, built {built}.",
        "",
    ]
    if a:
        s = a["samples"]
        shape = " and ".join(f"{sid} ({runtime}, {n} files × {k} tests)" for sid, runtime, _b, n, k in a["suites"])
        w = a["walls"][1:]
        lines += [
            f"### A. {len(w)} warm runs through `proctor serve`",
            "",
            f"One `proctor serve` and {len(a['walls'])} consecutive `proctor run --reporter dots` (1 warm-up + {len(w)}) "
            f"in one project: {shape}, {a['total']} tests per run; every run must exit 0 with all tests passed"
            + (" and run the chromium suite in the server's kept tab" if a["chromium"] else "")
            + f". Run wall time: first 10 median {statistics.median(w[:10]):.3f} s, last 10 median "
            f"{statistics.median(w[-10:]):.3f} s (all: {min(w):.3f}–{max(w):.3f} s). Samples of the server and all its "
            f"descendants, each {args.settle:g} s after a run: RSS = VmRSS (MiB; the tree's sum counts a "
            "shared page in every process that maps it), PSS = the tree's proportional set size from smaps_rollup (shared pages split), fds = entries of /proc/PID/fd, "
            "TMPDIR = entries in the fresh directory given to the server and the runs as TMPDIR, /dev/shm = entries "
            "the server's tree was seen using (`proctor-*` profile, `*org.chromium.Chromium.*`) still there.",
            "",
            "| sample | RSS server | RSS tree | PSS tree | fds server | fds tree | processes | TMPDIR | /dev/shm proctor-* | /dev/shm chromium | /dev/shm bytes |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for x in s:
            zombies = f" ({x['zombies']} zombie)" if x["zombies"] else ""
            lines.append(f"| {x['label']} | {mib(x['serve_rss'])} | {mib(x['tree_rss'])} | {mib(x['tree_pss'])} | {x['serve_fds']} | "
                         f"{x['tree_fds']} | {x['procs']}{zombies} | {x['tmp']} | {x['shm_proctor']} | "
                         f"{x['shm_chromium']} | {x['shm_bytes']:,} |")
        if len(s) >= 2:
            lines += [
                "",
                f"Growth from the first sample (after the warm-up) to the last (RSS tolerance: {args.rss_tolerance_pct:g} % "
                f"or {args.rss_tolerance_mib:g} MiB, whichever is larger: the allocator keeps freed pages and "
                "Chromium's caches and heap settle over the first runs, while a per-run leak of even 0.1 MiB "
                f"would add {0.1 * len(w):g} MiB over {len(w)} runs):",
                "",
                "| measure | before | after | allowed | ok |",
                "|---|---:|---:|---:|---|",
            ]
            lines += [f"| {m} | {bv} | {av} | {lim} | {'yes' if ok else '**NO**'} |" for m, bv, av, lim, ok in growth(s[0], s[-1], args)]
            half = [x for x in s if x["run"] >= s[-1]["run"] / 2]
            if len(half) >= 3:
                slope = {k: trend([(x["run"], x[k] / 1024) for x in half]) for k in ("serve_rss", "tree_rss", "tree_pss")}
                lines += ["", f"Trend over the second half (runs {half[0]['run']}–{s[-1]['run']}, least squares over "
                          f"{len(half)} samples), per run: server RSS "
                          f"{slope['serve_rss']:+.3f} MiB, tree RSS {slope['tree_rss']:+.3f} MiB, tree PSS "
                          f"{slope['tree_pss']:+.3f} MiB."]
        procs, tmp, shm = a["left"]
        lines += ["", f"After `proctor serve --stop` (the server ended with {a['stopped']}): "
                  f"{len(procs)} of its processes left, {len(tmp)} entries in TMPDIR, {len(shm)} of its /dev/shm entries."]
        if s:
            first, last = s[0]["kinds"], s[-1]["kinds"]
            lines += ["", "The server's descendants by kind (`--type` of Chromium's processes), processes and RSS (MiB), "
                      "first and last sample:", "", "| kind | first | last |", "|---|---:|---:|"]
            for k in sorted(set(first) | set(last)):
                cell = lambda d: f"{d[k][0]} × {mib(d[k][1])}" if k in d else "–"  # noqa: E731
                lines.append(f"| {k} | {cell(first)} | {cell(last)} |")
    if b:
        total_mib = args.flood_tests * b["size"] / MIB
        lines += [
            "",
            f"### B. console flood: {args.flood_tests} tests × {b['size'] / MIB:g} MiB of console.log",
            "",
            f"One node suite, {b['files']} files, {args.flood_tests} tests each printing one {b['size']:,}-byte line "
            f"({total_mib:,.0f} MiB in all). *proctor peak RSS* is wait4's `ru_maxrss` of the proctor process itself "
            "(node is its child and not in it); *tree peak* is the largest RSS summed over proctor and its children, "
            "polled every 0.2 s; *TMPDIR peak* the largest size of the run's fresh TMPDIR, polled (spooled output); "
            "*terminal* the bytes proctor wrote to stdout + stderr.",
            "",
            "| command | exit | wall | proctor peak RSS | tree peak RSS | JUnit file | terminal | TMPDIR peak | TMPDIR left |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in b["runs"]:
            cmd = " ".join(["proctor"] + r["argv"][1:])
            junit = f"{r['junit'] / MIB:,.1f} MiB" if r["junit"] is not None else "–"
            lines.append(f"| `{cmd}` | {r['rc']} | {r['wall']:.1f} s | {mib(r['maxrss'])} MiB | {mib(r['tree_rss'])} MiB | "
                         f"{junit} | {r['out'] / MIB:,.2f} MiB | {r['tmp_peak'] / MIB:,.1f} MiB | {len(r['left'])} |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--proctor", default=default_proctor(),
                    help="the binary (default: target/release/proctor of this repo if built, else target/debug/proctor)")
    ap.add_argument("--runs", type=int, default=100, help="warm runs through serve, after 1 warm-up (default 100)")
    ap.add_argument("--sample-every", type=int, default=10, help="sample every N runs (default 10)")
    ap.add_argument("--node-files", type=int, default=5, help="node test files, 4 tests each (default 5)")
    ap.add_argument("--browser-files", type=int, default=5, help="chromium test files, 4 tests each (default 5)")
    ap.add_argument("--no-chromium", action="store_true", help="serve a node suite only")
    ap.add_argument("--settle", type=float, default=1.0, help="seconds to wait after a run before sampling (default 1)")
    ap.add_argument("--resettle", type=int, default=10,
                    help="at the last sample, while a count is above the first sample's, sample again each second "
                         "for up to this many seconds (default 10)")
    ap.add_argument("--rss-tolerance-pct", type=float, default=20)
    ap.add_argument("--rss-tolerance-mib", type=float, default=10)
    ap.add_argument("--tree-fd-slack", type=int, default=25,
                    help="fds the server's tree may gain (Chromium's own count moves by ~10 from run to run; "
                         "a leak of one per run gains --runs); the server's own fds may not grow (default 25)")
    ap.add_argument("--flood-tests", type=int, default=1000, help="tests in the console flood (default 1000)")
    ap.add_argument("--flood-mb", type=float, default=1, help="MiB each flood test prints (default 1)")
    ap.add_argument("--flood-files", type=int, default=50, help="files the flood tests are spread over (default 50)")
    ap.add_argument("--flood-max-rss", type=float, metavar="MIB",
                    help="fail when proctor's own peak RSS in the flood exceeds this (default: only report it)")
    ap.add_argument("--skip-serve", action="store_true")
    ap.add_argument("--skip-flood", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="print the tables, leave RESULTS.md alone")
    args = ap.parse_args()
    args.proctor = os.path.abspath(args.proctor)
    if not os.access(args.proctor, os.X_OK):
        sys.exit(f"no proctor binary at {args.proctor} (build it, or pass --proctor PATH)")
    bench.PROCTOR = args.proctor
    facts = bench.machine_facts(["browser"] if os.path.exists(CHROMIUM) else [])
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    failures = []
    a = b = None
    if not args.skip_serve:
        print(f"A. serve: 1 warm-up + {args.runs} runs", flush=True)
        a = soak_serve(args)
        failures += a["failures"]
        if len(a["samples"]) >= 2:
            failures += [f"{m} grew: {bv} → {av} (allowed {lim})" for m, bv, av, lim, ok in growth(a["samples"][0], a["samples"][-1], args) if not ok]
            first, last = a["samples"][0], a["samples"][-1]
            if first["kinds"] != last["kinds"]:
                print(f"  processes then: {first['kinds']}\n  processes now:  {last['kinds']}")
            if first["tmp_names"] != last["tmp_names"]:
                print(f"  TMPDIR then: {first['tmp_names']}\n  TMPDIR now:  {last['tmp_names']}")
    if not args.skip_flood:
        print(f"B. console flood: {args.flood_tests} tests × {args.flood_mb:g} MiB", flush=True)
        b = soak_flood(args)
        for r in b["runs"]:
            print(f"  {' '.join(r['argv'][1:])}: exit {r['rc']}, {r['wall']:.1f} s, proctor peak {mib(r['maxrss'])} MiB",
                  flush=True)
            if r["problem"]:
                failures.append(f"flood ({r['name']}): {r['problem']}")
            if r["left"]:
                failures.append(f"flood ({r['name']}): left in TMPDIR: {', '.join(r['left'])}")
            if args.flood_max_rss is not None and r["maxrss"] / 1024 > args.flood_max_rss:
                failures.append(f"flood ({r['name']}): proctor's peak RSS {mib(r['maxrss'])} MiB > {args.flood_max_rss:g} MiB")
    finished = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    section = render(args, facts, a, b, started, finished)
    if failures:
        section += "\n**Failed:**\n\n" + "".join(f"- {f}\n" for f in failures)
    if not args.no_write:
        replace_section(SECTION, section)
    print()
    print(section)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
