#!/usr/bin/env python3
"""A 10,000-test browser run through `proctor serve`, before and after serve's status page
(issue 17: the run forwards its events to serve in `run-events` batches, serve feeds its page).

Generates a project of 200 files x 50 tests in a Chromium suite, copies it, starts one
`proctor serve` per binary (each in its own copy), then times `proctor run --reporter dots`
through each, alternating A, B, A, B... after one warm-up each. Prints per run the wall time,
the run client's CPU time (user+sys) and the serve process's CPU time during the run (CPU is
steadier than wall time on a shared machine), then the medians.

  python3 bench/serve_page.py BEFORE AFTER [--runs 5] [--after-serve BINARY]

--after-serve serves B with another binary (BEFORE: AFTER's runs then forward nothing, which
isolates what forwarding costs the run).
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time


def serve_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime, stime (and those of waited-for children) in clock ticks.
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def timed_run(binary, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([binary, "run", "--reporter", "dots"], cwd=cwd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"the run failed in {cwd}:\n{out.stderr}")
    if "kept by proctor serve" not in out.stderr:
        raise SystemExit(f"the run did not go through serve in {cwd}:\n{out.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--after-serve")
    args = ap.parse_args()
    work = tempfile.mkdtemp()
    serves = []
    try:
        a = os.path.join(work, "a")
        os.makedirs(a)
        with open(os.path.join(a, "proctor.toml"), "w") as f:
            f.write('[[suite]]\nid = "web"\nruntime = "chromium"\ntests = ["*.test.js"]\n')
        for n in range(1, 201):
            body = "".join(f'  it("test {t}", () => {{ expect({t}).toBe({t}); }});\n' for t in range(1, 51))
            with open(os.path.join(a, f"f{n}.test.js"), "w") as f:
                f.write(f'import {{ describe, it, expect }} from "proctor";\ndescribe("group {n}", () => {{\n{body}}});\n')
        b = os.path.join(work, "b")
        shutil.copytree(a, b)
        sides = [("before", args.before, args.before, a), ("after", args.after, args.after_serve or args.after, b)]
        for _, _, serve_binary, cwd in sides:
            log = open(os.path.join(work, os.path.basename(cwd) + ".log"), "w")
            serves.append((subprocess.Popen([serve_binary, "serve"], cwd=cwd, stdout=log, stderr=log), serve_binary, cwd))
        for _, _, cwd in serves:
            deadline = time.time() + 60
            while not os.path.exists(os.path.join(cwd, ".proctor", "server.json")):
                if time.time() > deadline:
                    raise SystemExit(f"serve never became ready in {cwd}")
                time.sleep(0.1)
        results = {"before": [], "after": []}
        for i in range(args.runs + 1):
            for (name, binary, _, cwd), (serve, _, _) in zip(sides, serves):
                served = serve_cpu(serve.pid)
                wall, cpu = timed_run(binary, cwd)
                served = serve_cpu(serve.pid) - served
                if i > 0:
                    results[name].append((wall, cpu, served))
                    print(f"run {i} {name}: wall {wall:.3f} s, run CPU {cpu:.3f} s, serve CPU {served:.3f} s", flush=True)
        for name, rows in results.items():
            med = [statistics.median(r[k] for r in rows) for k in range(3)]
            print(f"median {name}: wall {med[0]:.3f} s, run CPU {med[1]:.3f} s, serve CPU {med[2]:.3f} s")
    finally:
        for serve, binary, cwd in serves:
            subprocess.run([binary, "serve", "--stop"], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            serve.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
