// The live status page's update cost with 10,000 tests (issue 17: "an update per finished test
// without dropping frames"). Starts `proctor watch` on a project (bench/status_page.sh makes the
// 200 × 50 one), opens its page in headless Chromium over the DevTools protocol, presses
// "Rerun all" RUNS times and, while the 10,000 test-finished events stream in over the page's
// websocket, records in the page every requestAnimationFrame timestamp and every long task
// (PerformanceObserver "longtask", main-thread work over 50 ms). Prints one JSON line per run
// and a summary. Usage (node 20 needs the flag for its WebSocket):
//   node --experimental-websocket bench/status_page_live.mjs PROCTOR PROJECT_DIR [RUNS]

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [proctor, project, runsArg] = process.argv.slice(2);
if (!proctor || !project) {
  console.error("usage: node --experimental-websocket bench/status_page_live.mjs PROCTOR PROJECT_DIR [RUNS]");
  process.exit(2);
}
const RUNS = Number(runsArg ?? 3);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Installed before the page's own script: frame and long-task stamps, kept in the page.
const PROBE = `
window.__frames = [];
const tick = (t) => { window.__frames.push(t); requestAnimationFrame(tick); };
requestAnimationFrame(tick);
window.__long = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
} catch {}
window.__messages = 0;
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", () => { window.__messages++; });
  }
};
`;

async function waitFor(what, check, ms = 120000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function startWatch() {
  const child = spawn(proctor, ["watch", "--reporter", "dots", "--debounce", "100"], {
    cwd: project,
    stdio: ["pipe", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (chunk) => (log += chunk));
  return { child, log: () => log };
}

async function startChromium() {
  const profile = mkdtempSync(join(tmpdir(), "proctor-bench-chromium-"));
  const child = spawn(
    process.env.PROCTOR_CHROMIUM ?? "chromium",
    ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
      "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"],
    { stdio: "ignore" },
  );
  const portFile = join(profile, "DevToolsActivePort");
  const port = await waitFor("DevToolsActivePort", () => existsSync(portFile) && readFileSync(portFile, "utf8").split("\n")[0]);
  const page = await waitFor("a page target", async () => {
    const targets = await fetch(`http://127.0.0.1:${port}/json/list`).then((r) => r.json()).catch(() => []);
    return targets.find((t) => t.type === "page");
  });
  const socket = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  let next = 1;
  const pending = new Map();
  socket.onmessage = (msg) => {
    const reply = JSON.parse(msg.data);
    const waiter = pending.get(reply.id);
    if (waiter) {
      pending.delete(reply.id);
      if (reply.error) waiter.reject(new Error(JSON.stringify(reply.error)));
      else waiter.resolve(reply.result);
    }
  };
  const call = (method, params = {}) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    socket.send(JSON.stringify({ id, method, params }));
  });
  const evaluate = async (expression) =>
    (await call("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })).result.value;
  const stop = async () => {
    socket.close();
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill();
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  };
  return { call, evaluate, stop };
}

function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const watch = startWatch();
const browser = await startChromium();
try {
  const url = await waitFor("the page's URL", () => watch.log().match(/status page at (\S+)/)?.[1], 60000);
  await browser.call("Page.enable");
  await browser.call("Page.addScriptToEvaluateOnNewDocument", { source: PROBE });
  await browser.call("Page.navigate", { url });
  await waitFor("the page", () => browser.evaluate("!!window.proctorPage"));
  const results = [];
  for (let run = 1; run <= RUNS; run++) {
    const before = await browser.evaluate("({ frames: window.__frames.length, long: window.__long.length, messages: window.__messages })");
    const t0 = await browser.evaluate("performance.now()");
    await browser.evaluate("document.getElementById('rerun-all').click()");
    await waitFor("the run to start", () => browser.evaluate("document.getElementById('run-state').dataset.state === 'running'"));
    await waitFor("the run to end", () => browser.evaluate(
      "['passed', 'failed'].includes(document.getElementById('run-state').dataset.state) && window.proctorPage.rendered()"));
    const seen = await browser.evaluate(`(() => {
      const t1 = performance.now();
      const frames = window.__frames.slice(${before.frames}).filter((t) => t >= ${t0});
      const long = window.__long.slice(${before.long}).filter(([start]) => start >= ${t0});
      const counts = Object.fromEntries([...document.querySelectorAll('#counts [data-count]')].map((e) => [e.dataset.state, Number(e.dataset.count)]));
      return { t0: ${t0}, t1, frames, long, messages: window.__messages - ${before.messages}, counts };
    })()`);
    const gaps = seen.frames.slice(1).map((t, i) => t - seen.frames[i]).sort((a, b) => a - b);
    const over50 = gaps.filter((g) => g > 50).length;
    const result = {
      run,
      ms: Math.round(seen.t1 - seen.t0),
      messages: seen.messages,
      total: seen.counts.total,
      frames: seen.frames.length,
      gap_p50_ms: +quantile(gaps, 0.5).toFixed(1),
      gap_p95_ms: +quantile(gaps, 0.95).toFixed(1),
      gap_p99_ms: +quantile(gaps, 0.99).toFixed(1),
      gap_max_ms: +(gaps.at(-1) ?? 0).toFixed(1),
      gaps_over_50ms: over50,
      long_tasks: seen.long.length,
      long_task_ms: Math.round(seen.long.reduce((sum, [, d]) => sum + d, 0)),
      long_task_max_ms: Math.round(Math.max(0, ...seen.long.map(([, d]) => d))),
    };
    results.push(result);
    console.log(JSON.stringify(result));
    // The watch prints its status line after the run; let it settle before the next.
    await sleep(1000);
  }
  const range = (key) => `${Math.min(...results.map((r) => r[key]))}–${Math.max(...results.map((r) => r[key]))}`;
  console.log(`live page, ${RUNS} reruns of ${results[0].total} tests: run ${range("ms")} ms, frame gaps p95 ${range("gap_p95_ms")} ms, ` +
    `max ${range("gap_max_ms")} ms, gaps > 50 ms ${range("gaps_over_50ms")}, long tasks ${range("long_tasks")} (${range("long_task_ms")} ms)`);
} finally {
  // The watch first: a failure below must not leave it running.
  watch.child.stdin.end("q\n");
  await sleep(500);
  watch.child.kill();
  await browser.stop();
}
