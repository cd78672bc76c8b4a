#!/usr/bin/env python3
# Vendored verbatim (apart from this line) from /work/shared/bench/gen.py, the shared peer baseline's suite generator, 2026-11-23.
"""Generate synthetic JavaScript test suites for benchmarking test runners.

One generator, per-runner dialect templates. Every dialect gets the *same*
test bodies (same names, same arithmetic, same pass/fail outcome); only the
import / assertion / registration syntax differs.

Usage:
  gen.py --kind trivial --runner vitest --out $TMP/suites/trivial/vitest
  gen.py --all --root $TMP/suites          # every shape x runner used by the bench

Kinds (defaults; override with --files/--tests):
  trivial     200 files x 50 tests, 2 describe blocks/file, sync add(a,b)===a+b
  async       50 files x 20 tests, each awaits a resolved promise + setTimeout 0
  graph       100 src modules (import DAG, each imports 0-3 lower-numbered
              modules) + 100 test files each importing 1-2 src modules, 10 tests
  mixed-fail  20 files x 20 tests, 5% fail (1 per file) with an assertion error,
              1 test per 10 files tagged "@slow" (sleeps 100 ms)
  browser     50 files x 20 trivial tests (for browser runners)
  single      1 file x 50 trivial tests (single-file / watch re-run latency)
  single-browser  1 file x 20 trivial tests (browser single-file latency)

Runners (dialects):
  node            import {describe,it} from 'node:test' + node:assert/strict (ESM)
  vitest          import {describe,it,expect} from 'vitest' (ESM)
  jest            CommonJS + jest globals/expect (what most plain-JS jest users run:
                  jest's ESM support still needs NODE_OPTIONS=--experimental-vm-modules)
  jest-esm        ESM + jest globals/expect (run with --experimental-vm-modules)
  mocha           mocha globals + node:assert/strict (ESM)
  wtr             @web/test-runner (mocha globals in the browser) + local assert.js
  karma           karma-mocha (mocha globals) + local assert.js, files served as modules
  vitest-browser  vitest browser mode (playwright provider, system chromium)
  proctor         import {describe,it,expect} from 'proctor' (ESM; run it on node or in Chromium)
"""
import argparse
import json
import os
import random
import shutil

KINDS = {
    "trivial": dict(files=200, tests=50),
    "async": dict(files=50, tests=20),
    "graph": dict(files=100, tests=10, modules=100),
    "mixed-fail": dict(files=20, tests=20),
    "browser": dict(files=50, tests=20),
    "single": dict(files=1, tests=50),
    "single-browser": dict(files=1, tests=20),
}
RUNNERS = ["node", "vitest", "jest", "jest-esm", "mocha", "wtr", "karma", "vitest-browser", "proctor"]

CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


# ---------------------------------------------------------------- dialects
class Dialect:
    esm = True          # module syntax of generated files
    header = ""         # imports at top of each test file
    options_arg = False  # supports it(name, {opts}, fn)

    def import_(self, names, path):
        if self.esm:
            return f"import {{ {', '.join(names)} }} from '{path}';"
        return f"const {{ {', '.join(names)} }} = require('{path}');"

    def export_fn(self, name, body_expr, params="x"):
        if self.esm:
            return f"export function {name}({params}) {{ return {body_expr}; }}\n"
        return f"function {name}({params}) {{ return {body_expr}; }}\nmodule.exports.{name} = {name};\n"

    def eq(self, actual, expected):
        raise NotImplementedError

    def it(self, name, body, is_async=False, slow=False):
        a = "async " if is_async else ""
        if slow and self.options_arg:
            return f"  it({json.dumps(name)}, {{ timeout: 5000 }}, {a}() => {{\n{body}  }});\n"
        if slow and self.timeout_third_arg:
            return f"  it({json.dumps(name)}, {a}() => {{\n{body}  }}, 5000);\n"
        return f"  it({json.dumps(name)}, {a}() => {{\n{body}  }});\n"

    timeout_third_arg = False

    def extra_header(self):
        return ""


class NodeTest(Dialect):
    options_arg = True  # node:test it(name, { timeout }, fn)

    def extra_header(self):
        return "import { describe, it } from 'node:test';\nimport assert from 'node:assert/strict';\n"

    def eq(self, a, e):
        return f"assert.equal({a}, {e});"


class Vitest(Dialect):
    options_arg = True  # vitest 3 it(name, { timeout }, fn)

    def extra_header(self):
        return "import { describe, it, expect } from 'vitest';\n"

    def eq(self, a, e):
        return f"expect({a}).toBe({e});"


class Jest(Dialect):
    esm = False
    timeout_third_arg = True  # jest: it(name, fn, timeout)

    def eq(self, a, e):
        return f"expect({a}).toBe({e});"


class JestEsm(Jest):
    esm = True


class Mocha(Dialect):
    # mocha has no per-test options object; timeout would be this.timeout() inside a function()
    def extra_header(self):
        return "import assert from 'node:assert/strict';\n"

    def eq(self, a, e):
        return f"assert.equal({a}, {e});"


class BrowserMocha(Dialect):
    """wtr and karma: mocha globals in the browser, tiny local assertion module."""

    def extra_header(self):
        return "import { equal } from './assert.js';\n"

    def eq(self, a, e):
        return f"equal({a}, {e});"


class VitestBrowser(Vitest):
    pass


class Proctor(Dialect):
    """proctor's own API: Vitest/Jest-shaped, imported from 'proctor', options object second."""
    options_arg = True

    def extra_header(self):
        return "import { describe, it, expect } from 'proctor';\n"

    def eq(self, a, e):
        return f"expect({a}).toBe({e});"


DIALECTS = {
    "node": NodeTest(), "vitest": Vitest(), "jest": Jest(), "jest-esm": JestEsm(),
    "mocha": Mocha(), "wtr": BrowserMocha(), "karma": BrowserMocha(),
    "vitest-browser": VitestBrowser(), "proctor": Proctor(),
}


# ---------------------------------------------------------------- bodies
def body_trivial(d, i, j):
    return f"    {d.eq(f'add({j}, {i % 7})', j + i % 7)}\n"


def body_async(d, i, j):
    return (f"    const v = await Promise.resolve({j});\n"
            f"    await new Promise((r) => setTimeout(r, 0));\n"
            f"    {d.eq('add(v, 1)', j + 1)}\n")


def body_fail(d, i, j):
    # fails: add(2, 3) is 5, the assertion expects 6
    return f"    {d.eq('add(2, 3)', 6)}\n"


def body_slow(d, i, j):
    return (f"    await new Promise((r) => setTimeout(r, 100));\n"
            f"    {d.eq(f'add({j}, 1)', j + 1)}\n")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def graph_modules(n, seed=12345):
    rnd = random.Random(seed)
    deps, val = [], []
    for k in range(n):
        ds = sorted(rnd.sample(range(k), min(k, rnd.randint(0, 3)))) if k else []
        deps.append(ds)
        val.append((1 + sum(val[x] for x in ds)) % 1000003)
    return deps, val


def gen(kind, runner, out, files=None, tests=None, modules=None):
    d = DIALECTS[runner]
    cfg = dict(KINDS[kind])
    if files is not None:
        cfg["files"] = files
    if tests is not None:
        cfg["tests"] = tests
    if modules is not None:
        cfg["modules"] = modules
    nf, nt = cfg["files"], cfg["tests"]
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    ext = ".js"
    testdir = "test"
    browser = runner in ("wtr", "karma", "vitest-browser")

    # package.json: ESM everywhere except the CJS jest dialect
    pkg = {"name": f"bench-{kind}-{runner}", "private": True}
    if d.esm:
        pkg["type"] = "module"
    write(os.path.join(out, "package.json"), json.dumps(pkg, indent=2) + "\n")

    # shared source
    write(os.path.join(out, "src", "math.js"), d.export_fn("add", "a + b", "a, b"))
    if runner in ("wtr", "karma"):
        write(os.path.join(out, testdir, "assert.js"),
              "export function equal(a, e) {\n"
              "  if (a !== e) { const err = new Error(`expected ${a} to equal ${e}`); "
              "err.name = 'AssertionError'; throw err; }\n}\n")

    expected = {"files": nf, "tests": 0, "fail": 0, "slow": 0}
    gdeps = gval = None
    if kind == "graph":
        nm = cfg["modules"]
        gdeps, gval = graph_modules(nm)
        for k in range(nm):
            lines = [d.import_([f"f{x:03d}"], f"./m{x:03d}.js") for x in gdeps[k]]
            expr = " + ".join(["1"] + [f"f{x:03d}(0)" for x in gdeps[k]])
            src = "\n".join(lines) + ("\n" if lines else "")
            src += d.export_fn(f"f{k:03d}", f"(x + {expr}) % 1000003")
            write(os.path.join(out, "src", f"m{k:03d}.js"), src)
        expected["modules"] = nm
        expected["graph_deps"] = gdeps

    rnd = random.Random(777)
    tested_by = {}
    for i in range(nf):
        parts = []
        hdr = d.extra_header()
        parts.append(hdr)
        parts.append(d.import_(["add"], "../src/math.js") + "\n")
        gimports = []
        if kind == "graph":
            gimports = sorted(rnd.sample(range(cfg["modules"]), rnd.randint(1, 2)))
            for m in gimports:
                parts.append(d.import_([f"f{m:03d}"], f"../src/m{m:03d}.js") + "\n")
                tested_by.setdefault(m, []).append(i)
        parts.append("\n")
        groups = 2 if nt >= 2 else 1
        per = [nt // groups + (1 if g < nt % groups else 0) for g in range(groups)]
        j = 0
        for g in range(groups):
            parts.append(f"describe('file {i} group {g}', () => {{\n")
            for _ in range(per[g]):
                name = f"test {i}.{j}"
                is_async, slow = False, False
                if kind == "async":
                    body, is_async = body_async(d, i, j), True
                elif kind == "mixed-fail" and j == 7:  # 1 of 20 per file = 5%
                    body = body_fail(d, i, j)
                    name += " fails"
                    expected["fail"] += 1
                elif kind == "mixed-fail" and j == 0 and i % 10 == 0:
                    body, is_async, slow = body_slow(d, i, j), True, True
                    name += " @slow"
                    expected["slow"] += 1
                elif kind == "graph" and gimports:
                    m = gimports[j % len(gimports)]
                    body = f"    {d.eq(f'f{m:03d}({j})', (j + gval[m]) % 1000003)}\n"
                else:
                    body = body_trivial(d, i, j)
                parts.append(d.it(name, body, is_async, slow))
                j += 1
                expected["tests"] += 1
            parts.append("});\n\n")
        write(os.path.join(out, testdir, f"t{i:03d}.test{ext}"), "".join(parts))
    expected["pass"] = expected["tests"] - expected["fail"]
    if kind == "graph":
        expected["tested_by"] = {f"m{k:03d}": v for k, v in sorted(tested_by.items())}
    write(os.path.join(out, "expected.json"), json.dumps(expected) + "\n")
    write_configs(runner, out)
    return expected


def write_configs(runner, out):
    args = json.dumps(CHROME_ARGS)
    if runner == "jest" or runner == "jest-esm":
        # defaults, but be explicit: node env, no coverage, no cache surprises
        cfg = "module.exports = { testEnvironment: 'node' };\n"
        if runner == "jest-esm":
            cfg = "export default { testEnvironment: 'node', transform: {} };\n"
        write(os.path.join(out, "jest.config.js"), cfg)
    elif runner == "mocha":
        write(os.path.join(out, ".mocharc.json"), json.dumps({"spec": "test/**/*.test.js"}) + "\n")
    elif runner == "wtr":
        write(os.path.join(out, "web-test-runner.config.mjs"), f"""\
import {{ chromeLauncher }} from '@web/test-runner-chrome';

// concurrency: default is max(1, cpus/2) browser pages; override with WTR_CONCURRENCY
const concurrency = process.env.WTR_CONCURRENCY ? Number(process.env.WTR_CONCURRENCY) : undefined;

export default {{
  files: 'test/**/*.test.js',
  nodeResolve: true,
  ...(concurrency ? {{ concurrency }} : {{}}),
  browsers: [
    chromeLauncher({{
      launchOptions: {{
        executablePath: '{CHROMIUM}',
        headless: true,
        args: {args},
      }},
    }}),
  ],
}};
""")
    elif runner == "karma":
        write(os.path.join(out, "karma.conf.cjs"), f"""\
process.env.CHROME_BIN = process.env.CHROME_BIN || '{CHROMIUM}';
module.exports = function (config) {{
  config.set({{
    frameworks: ['mocha'],
    files: [
      {{ pattern: 'src/**/*.js', type: 'module', included: false }},
      {{ pattern: 'test/assert.js', type: 'module', included: false }},
      {{ pattern: 'test/**/*.test.js', type: 'module' }},
    ],
    browsers: ['ChromeHeadlessBench'],
    customLaunchers: {{
      ChromeHeadlessBench: {{ base: 'ChromeHeadless', flags: {args} }},
    }},
    reporters: ['dots'],
    singleRun: true,
    autoWatch: false,
    logLevel: config.LOG_WARN,
    browserNoActivityTimeout: 120000,
  }});
}};
""")
    elif runner == "vitest-browser":
        write(os.path.join(out, "vitest.config.js"), f"""\
import {{ defineConfig }} from 'vitest/config';

export default defineConfig({{
  test: {{
    include: ['test/**/*.test.js'],
    browser: {{
      enabled: true,
      provider: 'playwright',
      headless: true,
      screenshotFailures: false,
      instances: [
        {{
          browser: 'chromium',
          launch: {{ executablePath: '{CHROMIUM}', args: {args} }},
        }},
      ],
    }},
  }},
}});
""")


# which runner dialects the bench generates for each shape
BENCH = {
    "trivial": ["node", "vitest", "jest", "jest-esm", "mocha", "proctor"],
    "async": ["node", "vitest", "jest", "mocha", "proctor"],
    "mixed-fail": ["node", "vitest", "jest", "mocha", "proctor"],
    "graph": ["node", "vitest", "jest", "mocha", "proctor"],
    "single": ["node", "vitest", "jest", "mocha", "proctor"],
    "single-browser": ["wtr", "karma", "vitest-browser", "proctor"],
    "browser": ["wtr", "karma", "vitest-browser", "proctor"],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kind", choices=list(KINDS))
    ap.add_argument("--runner", choices=RUNNERS)
    ap.add_argument("--out")
    ap.add_argument("--files", type=int)
    ap.add_argument("--tests", type=int)
    ap.add_argument("--modules", type=int)
    ap.add_argument("--all", action="store_true", help="generate every bench shape x runner under --root")
    ap.add_argument("--root", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "suites"))
    a = ap.parse_args()
    if a.all:
        for kind, runners in BENCH.items():
            for r in runners:
                out = os.path.join(a.root, kind, r)
                e = gen(kind, r, out)
                print(f"{out}: {e['files']} files, {e['tests']} tests ({e['fail']} failing, {e['slow']} slow)")
        return
    if not (a.kind and a.runner and a.out):
        ap.error("--kind, --runner and --out are required (or --all)")
    e = gen(a.kind, a.runner, a.out, a.files, a.tests, a.modules)
    print(f"{a.out}: {e['files']} files, {e['tests']} tests ({e['fail']} failing, {e['slow']} slow)")


if __name__ == "__main__":
    main()
