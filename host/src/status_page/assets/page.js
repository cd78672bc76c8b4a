// proctor's status page: builds suites → files → groups → tests from proctor's JSON events (the
// objects `--reporter json` writes), from the data embedded in the page and, when a server
// serves it, from its event websocket. Events only change the model and mark what changed; one
// requestAnimationFrame callback turns that into DOM, so thousands of results in a burst cost
// one render, and collapsed files render nothing of their tests.
"use strict";
(() => {
  const STATES = {
    failed: ["✗", "failed"],
    "timed-out": ["⏱", "timed out"],
    crashed: ["☠", "crashed"],
    interrupted: ["⊘", "interrupted"],
    flaky: ["⚠", "flaky"],
    passed: ["✓", "passed"],
    running: ["◌", "running"],
    queued: ["·", "queued"],
    skipped: ["↷", "skipped"],
    todo: ["✎", "todo"],
  };
  const FAILING = new Set(["failed", "timed-out", "crashed", "interrupted"]);
  const data = JSON.parse(document.getElementById("proctor-data").textContent || "{}");
  const meta = data.meta || {};
  const $ = (id) => document.getElementById(id);

  // The model. A test is keyed by suite, runtime and id: a suite may run in several runtimes.
  let tests, files, run, runErrors;
  const openFiles = new Map(); // file key → open (what the person chose, kept across runs)
  const openTests = new Map(); // test key → open
  const filter = { failed: false, flaky: false, text: "", tag: "", runtime: "" };
  let dirtyFiles = new Set(), dirtyTests = new Set(), full = true, frame = 0;
  // Latest recorded tries by `suite\u0000id` (where a history is recorded: fetched by a live
  // page, embedded in a static report).
  let recent = new Map();
  const fileEls = new Map(), testEls = new Map();

  function reset() {
    tests = new Map();
    files = new Map();
    run = { started: null, finished: null, stats: null, interrupted: null, seen: false };
    runErrors = [];
    full = true;
  }

  const testKey = (suite, runtime, id) => `${suite}\u0000${runtime}\u0000${id}`;
  const fileKey = (suite, file) => `${suite}\u0000${file}`;

  function fileOf(suite, path) {
    const key = fileKey(suite, path);
    let file = files.get(key);
    if (!file) {
      file = { key, suite, path, tests: [], loadError: null };
      files.set(key, file);
      full = true;
    }
    return file;
  }

  function testOf(info) {
    const key = testKey(info.suite, info.runtime, info.id);
    let test = tests.get(key);
    if (!test) {
      test = { key, id: info.id, suite: info.suite, runtime: info.runtime, file: info.file, groups: info.groups || [],
        name: info.name, tags: info.tags || [], dynamic: !info.planned, state: "queued", duration: null, error: null, console: [], attempts: [] };
      tests.set(key, test);
      fileOf(info.suite, info.file).tests.push(key);
      full = true;
    }
    return test;
  }

  function addPlan(plan) {
    for (const suite of plan.suites || []) {
      for (const file of suite.files || []) {
        fileOf(suite.id, file.path);
        const walk = (nodes, groups) => {
          for (const node of nodes || []) {
            if (node.kind === "group") walk(node.children, [...groups, node.name]);
            else if (node.id != null) {
              for (const runtime of suite.runtimes || ["node"]) {
                const name = node.name;
                testOf({ suite: suite.id, runtime, id: node.id, file: file.path, groups, name, tags: node.tags, planned: true });
              }
            }
          }
        };
        walk(file.nodes, []);
        if (file.syntax_error) {
          fileOf(suite.id, file.path).loadError = { message: file.syntax_error.message, frame: file.syntax_error.frame };
        }
      }
    }
  }

  /**
   * A new run. In watch, a rerun covers only some files (or tests): the others keep their last
   * result, as Vitest's UI, so the page always shows the latest outcome of every test. Files in
   * the new plan start over from it (tests removed from the source disappear).
   */
  function startRun(ev) {
    run = { started: ev.at, finished: null, stats: null, interrupted: null, seen: true };
    runErrors = [];
    const plan = ev.plan || {};
    // The files of the new plan, and their tests that stay; one pass over the tests then drops
    // the others (a pass per file cost O(files × tests): seconds at 10,000 tests).
    const replanned = new Set(), kept = new Set();
    for (const suite of plan.suites || []) {
      for (const planned of suite.files || []) {
        const file = files.get(fileKey(suite.id, planned.path));
        if (!file) continue;
        file.loadError = null;
        const keep = new Set();
        const walk = (nodes) => {
          for (const node of nodes || []) {
            if (node.kind === "group") walk(node.children);
            else if (node.id != null) for (const runtime of suite.runtimes || ["node"]) keep.add(testKey(suite.id, runtime, node.id));
          }
        };
        walk(planned.nodes);
        file.tests = file.tests.filter((key) => keep.has(key) || tests.get(key).dynamic);
        replanned.add(file.key);
        for (const key of file.tests) kept.add(key);
      }
    }
    for (const [key, test] of tests) {
      if (!kept.has(key) && replanned.has(fileKey(test.suite, test.file))) tests.delete(key);
    }
    addPlan(plan);
    for (const suite of plan.suites || []) {
      for (const planned of suite.files || []) {
        const walk = (nodes) => {
          for (const node of nodes || []) {
            if (node.kind === "group") walk(node.children);
            else if (node.id != null && node.state === "selected") {
              for (const runtime of suite.runtimes || ["node"]) {
                const test = tests.get(testKey(suite.id, runtime, node.id));
                if (!test) continue;
                Object.assign(test, { state: "queued", duration: null, error: null, console: [], attempts: [] });
              }
            }
          }
        };
        walk(planned.nodes);
      }
    }
    full = true;
  }

  // Skips that only say this run did not pick the test (a rerun of other tests); a test with a
  // result from an earlier run keeps it.
  const NOT_PICKED = new Set(["except", "not-selected", "skip-id", "skip-tag", "not-focused", "path-filter",
    "unchanged", "unrelated", "name-pattern", "suite-skip-tag", "suite-focus-tags"]);

  function touch(test) {
    dirtyTests.add(test.key);
    dirtyFiles.add(fileKey(test.suite, test.file));
  }

  /** Applies one event to the model. */
  function apply(ev) {
    switch (ev.event) {
      case "run-started":
        startRun(ev);
        // The run's git lookup answers within milliseconds of its start.
        if (meta.live) setTimeout(loadMeta, 250);
        break;
      case "test-started": {
        const test = testOf(ev.test);
        test.state = "running";
        touch(test);
        break;
      }
      case "test-finished": {
        const test = testOf(ev.test);
        test.attempts.push(ev.outcome);
        // A test that failed and then passed in the same run (a retry) is flaky, as Vitest.
        const flaky = ev.outcome === "flaky" || (ev.outcome === "passed" && test.attempts.some((o) => FAILING.has(o)));
        test.state = flaky ? "flaky" : ev.outcome;
        test.duration = ev.duration_ms;
        if (ev.error) test.error = ev.error;
        else if (!flaky) test.error = null;
        run.stats = ev.stats;
        touch(test);
        break;
      }
      case "test-attempt-failed": {
        // A failed try of a test that is tried again: its error stays shown if the test turns
        // out flaky.
        const test = testOf(ev.test);
        test.attempts.push(ev.outcome);
        test.error = ev.error;
        touch(test);
        break;
      }
      case "test-skipped": {
        const test = testOf(ev.test);
        const earlier = test.attempts.length > 0 && !["queued", "running", "skipped", "todo"].includes(test.state);
        if (earlier && NOT_PICKED.has(ev.cause)) break;
        test.state = ev.kind === "todo" ? "todo" : "skipped";
        test.reason = ev.reason;
        touch(test);
        break;
      }
      case "console": {
        const id = ev.test || ev.after;
        if (id == null) break;
        for (const test of tests.values()) {
          if (test.id === id && test.suite === ev.suite && (test.state === "running" || ev.after || test.console.length)) {
            test.console.push({ stream: ev.stream, text: ev.text, after: !!ev.after });
            touch(test);
            break;
          }
        }
        break;
      }
      case "load-error": {
        const file = fileOf(ev.suite, ev.file);
        file.loadError = { message: ev.message, frame: ev.frame, stack: ev.stack };
        dirtyFiles.add(file.key);
        break;
      }
      case "runtime-error":
        runErrors.push(ev);
        break;
      case "run-finished":
        if (meta.live) { setTimeout(loadRecent, 300); setTimeout(loadRecent, 1500); loadMeta(); }
        run.finished = ev.at;
        run.elapsed = ev.elapsed_ms;
        run.stats = ev.stats;
        run.interrupted = ev.interrupted || null;
        // A planned test nothing was said about was never registered (its file failed to load,
        // or the runtime's list differs from the plan, and the runtime's list wins): it is no
        // test of this run.
        for (const [key, test] of [...tests]) {
          if (test.state === "queued") {
            tests.delete(key);
            const file = files.get(fileKey(test.suite, test.file));
            if (file) file.tests = file.tests.filter((k) => k !== key);
            full = true;
          } else if (test.state === "running") {
            test.state = "interrupted";
            touch(test);
          }
        }
        break;
      default:
        break;
    }
    schedule();
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(render);
  }

  // ---- filters ----

  const filtering = () => filter.failed || filter.flaky || filter.text || filter.tag || filter.runtime;

  function matches(test) {
    if (filter.failed && !FAILING.has(test.state)) return false;
    if (filter.flaky && test.state !== "flaky") return false;
    if (filter.tag && !test.tags.includes(filter.tag)) return false;
    if (filter.runtime && test.runtime !== filter.runtime) return false;
    if (filter.text) {
      const hay = `${test.id} ${[...test.groups, test.name].join(" > ")}`.toLowerCase();
      if (!hay.includes(filter.text)) return false;
    }
    return true;
  }

  function fileMatches(file) {
    if (!filtering()) return true;
    if (file.loadError && (filter.failed || (filter.text && file.path.toLowerCase().includes(filter.text)))) return true;
    return file.tests.some((key) => matches(tests.get(key)));
  }

  // ---- rendering ----

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  function stateLabel(state) {
    const [icon, word] = STATES[state] || ["?", state];
    return el("span", { class: `st st-${state}` }, `${icon} ${word}`);
  }

  const ms = (d) => (d == null ? "" : d < 1000 ? `${Math.round(d)} ms` : `${(d / 1000).toFixed(2)} s`);

  function fileState(file) {
    const seen = new Set(file.tests.map((key) => tests.get(key).state));
    if (file.loadError) return "failed";
    for (const state of Object.keys(STATES)) if (seen.has(state)) return state;
    return "queued";
  }

  function isOpen(file) {
    if (filtering()) return true;
    if (openFiles.has(file.key)) return openFiles.get(file.key);
    // A file opens when something in it fails, and stays open once it turns green again, so
    // the row being watched does not jump away.
    const failing = !!file.loadError || file.tests.some((key) => FAILING.has(tests.get(key).state));
    if (failing) openFiles.set(file.key, true);
    return failing;
  }

  function rerunButton(label, body) {
    if (!meta.live) return null;
    return el("button", { type: "button", class: "rerun", tabindex: "-1", onclick: (e) => { e.stopPropagation(); rerun(body); } }, label);
  }

  function fileEl(file) {
    const open = isOpen(file);
    const shown = file.tests.map((key) => tests.get(key)).filter(matches);
    const li = el("li", { class: "file", role: "treeitem", "aria-expanded": String(open), "data-file": file.path, "data-state": fileState(file) }, fileRow(file, open));
    if (open) {
      const ul = el("ul", { role: "group" });
      if (file.loadError) ul.append(el("li", {}, detail({ name: "load error", message: file.loadError.message, code_frame: file.loadError.frame, stack: file.loadError.stack }, [])));
      appendTests(ul, shown);
      li.append(ul);
    }
    return li;
  }

  function fileRow(file, open) {
    const done = file.tests.filter((key) => !["queued", "running"].includes(tests.get(key).state)).length;
    return el("div", { class: "row", tabindex: "-1", "data-key": file.key },
      el("span", { class: "twisty", "aria-hidden": "true" }, open ? "▾" : "▸"),
      stateLabel(fileState(file)),
      el("span", { class: "name" }, file.path),
      el("span", { class: "sub" }, `${file.suite} · ${done}/${file.tests.length}`),
      rerunButton("Rerun file", { files: [file.path] }));
  }

  /** Tests nested under their groups, in the order they are listed. */
  function appendTests(ul, list) {
    const groups = new Map();
    for (const test of list) {
      let parent = ul, path = "";
      for (const group of test.groups) {
        path += `\u0000${group}`;
        let sub = groups.get(path);
        if (!sub) {
          sub = el("ul", { role: "group" });
          const row = el("div", { class: "row", tabindex: "-1" }, el("span", { class: "twisty", "aria-hidden": "true" }, "▾"), el("span", { class: "name" }, group));
          parent.append(el("li", { class: "group", role: "treeitem", "aria-expanded": "true" }, row, sub));
          groups.set(path, sub);
        }
        parent = sub;
      }
      const li = testEl(test);
      testEls.set(test.key, li);
      parent.append(li);
    }
  }

  function testEl(test) {
    const hasDetail = !!test.error || test.console.length > 0;
    const open = hasDetail && (openTests.has(test.key) ? openTests.get(test.key) : FAILING.has(test.state) || test.state === "flaky");
    const row = el("div", { class: "row", tabindex: "-1", "data-key": test.key },
      el("span", { class: "twisty", "aria-hidden": "true" }, hasDetail ? (open ? "▾" : "▸") : ""),
      stateLabel(test.state),
      el("span", { class: "name", title: test.id }, test.name),
      test.runtime !== "node" || filter.runtime ? el("span", { class: "sub" }, test.runtime) : null,
      test.tags.length ? el("span", { class: "sub" }, test.tags.map((t) => `#${t}`).join(" ")) : null,
      el("span", { class: "dur" }, ms(test.duration)),
      marksEl(recent.get(`${test.suite}\u0000${test.id}`)),
      rerunButton("Rerun", { tests: [{ suite: test.suite, id: test.id }] }));
    const li = el("li", { class: "test", role: "treeitem", "data-id": test.id, "data-state": test.state, "aria-expanded": hasDetail ? String(open) : null }, row);
    if (open) li.append(detail(test.error, test.console));
    return li;
  }

  /** The test's latest recorded tries (history), oldest first, and its flip rate among them. */
  function marksEl(row) {
    if (!row || row.outcomes.length === 0) return null;
    const failed = row.outcomes.filter((o) => o !== "passed").length;
    const rate = Math.round(row.flip_rate * 100);
    const label = `last ${row.outcomes.length} recorded: ${row.outcomes.length - failed} passed, ${failed} failed; flip rate ${rate}%`;
    const box = el("span", { class: "marks", title: label, "aria-label": label, role: "img" });
    for (const outcome of row.outcomes) box.append(el("span", { class: `mark st-${outcome}`, "aria-hidden": "true" }, outcome === "passed" ? "▮" : "✗"));
    if (rate > 0) box.append(el("span", { class: "flip", "aria-hidden": "true" }, ` ${rate}% flips`));
    return box;
  }

  function detail(error, lines) {
    const box = el("div", { class: "detail" });
    if (error) {
      const head = error.message ? `${error.name}: ${error.message}` : error.name;
      box.append(el("pre", { class: "msg" }, head));
      const diff = diffEl(error.expected, error.actual);
      if (diff) box.append(el("h4", {}, "diff"), diff);
      if (error.code_frame) box.append(el("h4", {}, "code"), el("pre", { class: "frame" }, error.code_frame));
      if (error.frames && error.frames.length) box.append(el("h4", {}, "stack"), el("pre", { class: "stack" }, error.frames.map((f) => `at ${f}`).join("\n")));
      else if (error.stack) box.append(el("h4", {}, "stack"), el("pre", { class: "stack" }, error.stack));
    }
    if (lines.length) {
      const pre = el("pre", { class: "console" });
      for (const line of lines) pre.append(el("span", { class: `con-${line.stream}` }, line.text.endsWith("\n") ? line.text : `${line.text}\n`));
      box.append(el("h4", {}, "console"), pre);
    }
    return box;
  }

  /** A line diff, `-` expected and `+` received, as the terminal summary prints it. */
  function diffEl(expected, actual) {
    // One-line values are in the message already (`Expected: 4`), as the terminal shows them.
    if (expected == null || actual == null || expected === actual) return null;
    if (!expected.includes("\n") && !actual.includes("\n")) return null;
    const a = expected.split("\n"), b = actual.split("\n");
    const pre = el("pre", { class: "diff" });
    const line = (cls, text) => pre.append(el("span", { class: cls }, `${text}\n`));
    line("d-exp", "- Expected");
    line("d-act", "+ Received");
    pre.append("\n");
    if (a.length * b.length > 250000) {
      a.forEach((t) => line("d-exp", `- ${t}`));
      b.forEach((t) => line("d-act", `+ ${t}`));
      return pre;
    }
    // Longest common subsequence of lines, then walk it.
    const n = a.length, m = b.length, lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i] === b[j]) { line("d-eq", `  ${a[i]}`); i++; j++; }
      else if (j < m && (i === n || lcs[i][j + 1] > lcs[i + 1][j])) { line("d-act", `+ ${b[j]}`); j++; }
      else { line("d-exp", `- ${a[i]}`); i++; }
    }
    return pre;
  }

  function renderCounts() {
    const counts = {};
    for (const state of Object.keys(STATES)) counts[state] = 0;
    for (const test of tests.values()) counts[test.state]++;
    const loadErrors = [...files.values()].filter((f) => f.loadError).length;
    const nav = $("counts");
    nav.replaceChildren(el("span", { class: "count", "data-state": "total", "data-count": String(tests.size) }, `${tests.size} tests`));
    for (const [state, [icon, word]] of Object.entries(STATES)) {
      if (!counts[state]) continue;
      nav.append(el("span", { class: `count st-${state}`, "data-state": state, "data-count": String(counts[state]) }, `${icon} ${counts[state]} ${word}`));
    }
    if (loadErrors) nav.append(el("span", { class: "count st-load-error", "data-state": "load-error", "data-count": String(loadErrors) }, `✗ ${loadErrors} load error${loadErrors > 1 ? "s" : ""}`));
    for (const err of runErrors) nav.append(el("details", { class: "st-failed" }, el("summary", {}, `✗ error in ${err.origin}`), detail(err.error, [])));
    const failing = Object.keys(counts).some((s) => FAILING.has(s) && counts[s]) || loadErrors > 0 || runErrors.length > 0;
    const badge = $("run-state");
    const word = disconnected ? "disconnected" : !run.seen ? "idle" : !run.finished ? "running" : run.interrupted ? "interrupted" : failing ? "failed" : "passed";
    badge.textContent = word;
    badge.dataset.state = word;
    badge.className = `badge st-${word === "disconnected" ? "failed" : word === "idle" ? "queued" : word}`;
    const parts = [];
    if (meta.commit) parts.push(`commit ${meta.commit.replace(/^([0-9a-f]{12})[0-9a-f]+/, "$1")}`);
    if (run.started) parts.push(`ran ${new Date(run.started).toLocaleString()}`);
    if (run.elapsed != null) parts.push(`in ${ms(run.elapsed)}`);
    if (meta.version) parts.push(`proctor ${meta.version}`);
    $("meta").textContent = parts.join(" · ");
    document.title = `${word} · proctor`;
  }

  function renderFilters() {
    const fill = (select, values) => {
      const have = new Set([...select.options].map((o) => o.value));
      for (const v of [...values].sort()) if (!have.has(v)) select.append(el("option", { value: v }, v));
    };
    const tags = new Set(), runtimes = new Set();
    for (const test of tests.values()) { test.tags.forEach((t) => tags.add(t)); runtimes.add(test.runtime); }
    fill($("f-tag"), tags);
    fill($("f-runtime"), runtimes);
  }

  // A full render (a new run, a filter) draws the files in slices of at most SLICE_MS per frame,
  // top first, so rebuilding 10,000 rows does not freeze the page for the second that takes;
  // results arriving meanwhile still show each frame. The page's first render is whole.
  const SLICE_MS = 8;
  let slice = Infinity;
  // A full render in progress: the files in order, the next to draw, the keys not drawn yet.
  let drawing = null;

  function render() {
    frame = 0;
    const started = performance.now();
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
    const tree = $("tree");
    if (full) {
      fileEls.clear();
      testEls.clear();
      tree.replaceChildren();
      const list = [...files.values()];
      drawing = { files: list, next: 0, pending: new Set(list.map((file) => file.key)) };
      full = false;
      dirtyFiles.clear();
      dirtyTests.clear();
      renderFilters();
    }
    for (const key of dirtyFiles) {
      const file = files.get(key), old = fileEls.get(key);
      // Not drawn yet: it is drawn as it is then.
      if (!old && drawing && drawing.pending.has(key)) continue;
      if (!file || !old) { full = true; continue; }
      const wasOpen = old.getAttribute("aria-expanded") === "true";
      // An open file whose tests are all rendered only needs those tests and its header.
      const inPlace = wasOpen === isOpen(file) && !filtering() && file.tests.every((k) => !dirtyTests.has(k) || testEls.has(k));
      if (inPlace && wasOpen) {
        for (const k of file.tests) if (dirtyTests.has(k)) { const li = testEl(tests.get(k)); testEls.get(k).replaceWith(li); testEls.set(k, li); }
        old.firstChild.replaceWith(fileRow(file, true));
        old.dataset.state = fileState(file);
      } else {
        for (const k of file.tests) testEls.delete(k);
        const li = fileEl(file);
        fileEls.set(key, li);
        old.replaceWith(li);
      }
    }
    if (full) { dirtyFiles.clear(); dirtyTests.clear(); return render(); }
    dirtyFiles.clear();
    dirtyTests.clear();
    if (drawing) {
      const frag = document.createDocumentFragment();
      const list = drawing.files;
      let drawn = 0;
      while (drawing.next < list.length && (drawn++ === 0 || performance.now() - started < slice)) {
        const file = list[drawing.next++];
        drawing.pending.delete(file.key);
        if (files.get(file.key) !== file || !fileMatches(file)) continue;
        const li = fileEl(file);
        fileEls.set(file.key, li);
        frag.append(li);
      }
      tree.append(frag);
      if (drawing.next < list.length) schedule();
      else drawing = null;
    }
    $("empty").hidden = tree.childElementCount > 0 || files.size === 0 || drawing !== null;
    renderCounts();
    $("rerun-bar").hidden = !meta.live;
    ensureTabStop(focused);
  }

  // ---- keyboard: one row is in the tab order; arrows move, Enter expands (WAI-ARIA tree) ----

  function rows() {
    return [...$("tree").querySelectorAll(".row")];
  }

  function ensureTabStop(focusKey) {
    const tree = $("tree");
    let target = focusKey ? tree.querySelector(`.row[data-key="${CSS.escape(focusKey)}"]`) : null;
    const current = tree.querySelector('.row[tabindex="0"]');
    if (!target) target = current || tree.querySelector(".row");
    if (!target) return;
    if (current && current !== target) current.tabIndex = -1;
    target.tabIndex = 0;
    if (focusKey && target.dataset.key === focusKey) target.focus({ preventScroll: true });
  }

  function moveTo(row) {
    if (!row) return;
    const current = $("tree").querySelector('.row[tabindex="0"]');
    if (current) current.tabIndex = -1;
    row.tabIndex = 0;
    row.focus();
  }

  function toggle(row, want) {
    const li = row.parentElement, key = row.dataset.key;
    const expanded = li.getAttribute("aria-expanded");
    if (expanded == null) return false;
    const open = want == null ? expanded !== "true" : want;
    if (open === (expanded === "true")) return false;
    if (li.classList.contains("file")) { openFiles.set(key, open); dirtyFiles.add(key); }
    else if (li.classList.contains("test")) { openTests.set(key, open); const t = tests.get(key); touch(t); }
    else { li.setAttribute("aria-expanded", String(open)); li.querySelector("ul").hidden = !open; row.querySelector(".twisty").textContent = open ? "▾" : "▸"; return true; }
    if (li.classList.contains("file")) full = full || filtering();
    render();
    return true;
  }

  $("tree").addEventListener("click", (e) => {
    const row = e.target.closest(".row");
    if (!row || e.target.closest("button")) return;
    moveTo(row);
    toggle(row);
  });

  $("tree").addEventListener("keydown", (e) => {
    const row = e.target.closest(".row");
    if (!row) return;
    const all = rows(), at = all.indexOf(row), li = row.parentElement;
    switch (e.key) {
      case "ArrowDown": moveTo(all[at + 1]); break;
      case "ArrowUp": moveTo(all[at - 1]); break;
      case "Home": moveTo(all[0]); break;
      case "End": moveTo(all[all.length - 1]); break;
      case "ArrowRight":
        if (li.getAttribute("aria-expanded") === "false") toggle(row, true);
        else moveTo(all[at + 1] && li.contains(all[at + 1]) ? all[at + 1] : null);
        break;
      case "ArrowLeft":
        if (li.getAttribute("aria-expanded") === "true") toggle(row, false);
        else { const parent = li.parentElement.closest("li"); if (parent) moveTo(parent.querySelector(".row")); }
        break;
      case "Enter": case " ": toggle(row); break;
      default: return;
    }
    e.preventDefault();
  });

  // ---- filters and buttons ----

  const refilter = () => { full = true; schedule(); };
  $("f-failed").addEventListener("change", (e) => { filter.failed = e.target.checked; refilter(); });
  $("f-flaky").addEventListener("change", (e) => { filter.flaky = e.target.checked; refilter(); });
  $("f-text").addEventListener("input", (e) => { filter.text = e.target.value.trim().toLowerCase(); refilter(); });
  $("f-tag").addEventListener("change", (e) => { filter.tag = e.target.value; refilter(); });
  $("f-runtime").addEventListener("change", (e) => { filter.runtime = e.target.value; refilter(); });
  $("expand-all").addEventListener("click", () => { for (const key of files.keys()) openFiles.set(key, true); refilter(); });
  $("collapse-all").addEventListener("click", () => { for (const key of files.keys()) openFiles.set(key, false); refilter(); });
  $("rerun-failed").addEventListener("click", () => rerun("failed"));
  $("rerun-all").addEventListener("click", () => rerun("all"));

  // ---- live: the server's event stream; a page whose server went away says so ----

  let disconnected = false;
  const banner = (text) => { $("banner").textContent = text || ""; $("banner").hidden = !text; };

  function rerun(body) {
    fetch(`rerun${location.search}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      .then((res) => { if (!res.ok) return res.text().then((t) => banner(`rerun refused: ${t || res.status}`)); })
      .catch(() => banner("disconnected — results may be stale"));
  }

  // Each test's latest recorded tries (`/history.json`), fetched when the page connects and after
  // every run (the run's own tries are recorded by then).
  function loadRecent() {
    fetch(`history.json${location.search}`)
      .then((res) => (res.ok ? res.json() : null))
      .then((body) => {
        setRecent(body);
        schedule();
      })
      .catch(() => {});
  }

  // The commit line follows the runs: the commit of the run that just ended (as `/status.json`
  // names it), not the one the page was loaded on.
  function loadMeta() {
    fetch(`meta.json${location.search}`)
      .then((res) => (res.ok ? res.json() : null))
      .then((body) => {
        if (!body) return;
        meta.commit = body.commit;
        renderCounts();
      })
      .catch(() => {});
  }

  // `/history.json`'s body, or the same embedded in a static report.
  function setRecent(body) {
    if (!body || !Array.isArray(body.tests)) return;
    recent = new Map(body.tests.map((row) => [`${row.suite}\u0000${row.test}`, row]));
    full = true;
  }

  function connect(delay) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const base = location.pathname.replace(/[^/]*$/, "");
    const ws = new WebSocket(`${scheme}//${location.host}${base}events${location.search}`);
    ws.onopen = () => { disconnected = false; banner(""); delay = 500; reset(); schedule(); loadRecent(); };
    ws.onmessage = (msg) => {
      let ev;
      try { ev = JSON.parse(msg.data); } catch { return; }
      if (Array.isArray(ev)) ev.forEach(apply); else apply(ev);
    };
    ws.onclose = () => {
      // The badge turns with the banner, not a frame later (a busy page may draw late).
      if (!disconnected) { disconnected = true; banner("disconnected — results may be stale"); renderCounts(); }
      setTimeout(() => connect(Math.min(delay * 2, 5000)), delay);
    };
  }

  reset();
  setRecent(data.history);
  for (const ev of data.events || []) apply(ev);
  if (meta.live) connect(500);
  if (meta.attach) {
    // proctor serve's page browsers attach with, with this page's token.
    const token = new URLSearchParams(location.search).get("token");
    const link = $("attach-page");
    link.href = token ? `${meta.attach}?${new URLSearchParams({ token })}` : meta.attach;
    link.hidden = false;
  }
  render();
  slice = SLICE_MS;
  // For bench/: how long the page took from navigation to its first tree.
  document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
  window.proctorPage = { apply, rendered: () => !frame };
})();
