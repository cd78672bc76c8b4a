// Fake timers (timers.js through the jest / vi object): which globals are replaced, the order
// timers fire in, intervals, the async variants, Date, and putting the real ones back.

import assert from "node:assert/strict";
import { test } from "node:test";
import { mocker as jest } from "../src/jest-object.js";

const realSetTimeout = globalThis.setTimeout;
const realDate = globalThis.Date;
const realSetImmediate = globalThis.setImmediate;

function withFakeTimers(body, config) {
  jest.useFakeTimers(config);
  try {
    return body();
  } finally {
    jest.useRealTimers();
  }
}

test("fake timers: setTimeout, setInterval and setImmediate fire in order as the clock moves", () => {
  withFakeTimers(() => {
    assert.notEqual(globalThis.setTimeout, realSetTimeout);
    assert.ok(jest.isFakeTimers());
    const fired = [];
    setTimeout(() => fired.push("b at 20"), 20);
    setTimeout((label) => fired.push(label), 10, "a at 10");
    setTimeout(() => fired.push("c at 20, second"), 20);
    setImmediate(() => fired.push("immediate"));
    const interval = setInterval(() => fired.push(`tick ${jest.now() - start}`), 15);
    const start = jest.now();
    const cancelled = setTimeout(() => fired.push("cancelled"), 5);
    clearTimeout(cancelled);
    assert.equal(jest.getTimerCount(), 5);

    jest.advanceTimersByTime(9);
    assert.deepEqual(fired, ["immediate"]);
    jest.advanceTimersByTime(21);
    assert.deepEqual(fired, ["immediate", "a at 10", "tick 15", "b at 20", "c at 20, second", "tick 30"]);
    assert.equal(jest.now() - start, 30);
    clearInterval(interval);
    assert.equal(jest.getTimerCount(), 0);

    // A timer scheduled by a timer runs within the same advance when it is due.
    const chain = [];
    setTimeout(() => {
      chain.push(1);
      setTimeout(() => chain.push(2), 5);
    }, 5);
    jest.advanceTimersByTime(10);
    assert.deepEqual(chain, [1, 2]);

    // Node's timers are objects with ref/unref; the fakes are too.
    const handle = setTimeout(() => {}, 1);
    assert.equal(handle.unref(), handle);
    assert.equal(typeof +handle, "number");
    clearTimeout(handle);
  });
  assert.equal(globalThis.setTimeout, realSetTimeout);
  assert.ok(!jest.isFakeTimers());
});

test("fake timers: runAllTimers, runOnlyPendingTimers, advanceTimersToNextTimer, clearAllTimers", () => {
  withFakeTimers(() => {
    const fired = [];
    const reschedule = () => {
      fired.push("again");
      if (fired.length < 3) setTimeout(reschedule, 100);
    };
    setTimeout(reschedule, 100);
    jest.runOnlyPendingTimers();
    assert.deepEqual(fired, ["again"], "only the timer pending at the call ran");
    jest.runAllTimers();
    assert.deepEqual(fired, ["again", "again", "again"]);

    setInterval(() => {}, 10);
    assert.throws(() => jest.runAllTimers(), /aborting after running 100000 timers, assuming an infinite loop/);
    jest.clearAllTimers();
    assert.equal(jest.getTimerCount(), 0);

    const order = [];
    setTimeout(() => order.push("first"), 50);
    setTimeout(() => order.push("second"), 80);
    const before = jest.now();
    jest.advanceTimersToNextTimer();
    assert.deepEqual(order, ["first"]);
    assert.equal(jest.now() - before, 50);
    jest.advanceTimersToNextTimer(5);
    assert.deepEqual(order, ["first", "second"]);
  });
});

test("fake timers: Date follows the fake clock; setSystemTime moves it", () => {
  withFakeTimers(
    () => {
      assert.equal(Date.now(), Date.UTC(2024, 0, 1));
      assert.equal(new Date().toISOString(), "2024-01-01T00:00:00.000Z");
      assert.ok(new Date() instanceof realDate && new Date() instanceof Date);
      assert.equal(new Date(0).getTime(), 0, "a given time is kept");
      assert.equal(typeof Date(), "string");
      jest.advanceTimersByTime(1500);
      assert.equal(new Date().toISOString(), "2024-01-01T00:00:01.500Z");
      let fired = false;
      setTimeout(() => (fired = true), 1000);
      jest.setSystemTime(new realDate("2030-06-01T00:00:00Z"));
      assert.equal(new Date().getUTCFullYear(), 2030);
      jest.advanceTimersByTime(999);
      assert.ok(!fired, "a pending timer keeps its remaining delay");
      jest.advanceTimersByTime(1);
      assert.ok(fired);
      assert.ok(Math.abs(jest.getRealSystemTime() - realDate.now()) < 1000);
    },
    { now: new realDate("2024-01-01T00:00:00Z") },
  );
  assert.equal(globalThis.Date, realDate);

  // Without fake timers, setSystemTime fakes Date alone (as in Vitest).
  jest.setSystemTime(0);
  try {
    assert.equal(Date.now(), 0);
    assert.equal(globalThis.setTimeout, realSetTimeout);
  } finally {
    jest.useRealTimers();
  }
  assert.equal(globalThis.Date, realDate);
});

test("fake timers: toFake limits what is replaced; real timers cleared under fakes still clear", async () => {
  let realFired = false;
  const realTimer = setTimeout(() => (realFired = true), 5);
  withFakeTimers(
    () => {
      assert.equal(globalThis.Date, realDate);
      assert.notEqual(globalThis.setTimeout, realSetTimeout);
      clearTimeout(realTimer);
    },
    { toFake: ["setTimeout", "clearTimeout"] },
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(!realFired, "clearTimeout under fake timers cleared the real timer");
  assert.throws(() => jest.useFakeTimers({ toFake: ["setTimout"] }), /cannot fake setTimout/);
  withFakeTimers(
    () => {
      assert.equal(globalThis.setImmediate, realSetImmediate, "doNotFake is honoured");
      assert.notEqual(globalThis.setTimeout, realSetTimeout);
    },
    { doNotFake: ["setImmediate", "nextTick"] },
  );
  // As in Jest, moving real timers warns (once per call name) instead of throwing.
  const warnings = [];
  const warn = jest.spyOn(console, "warn").mockImplementation((text) => warnings.push(text));
  jest.advanceTimersByTime(10);
  jest.advanceTimersByTime(10);
  assert.equal(jest.getTimerCount(), 0);
  warn.mockRestore();
  assert.equal(warnings.filter((text) => text.startsWith("advanceTimersByTime() was called but the timers are not fake")).length, 1);
  withFakeTimers(() => {
    assert.ok(Object.hasOwn(setTimeout, "clock"), "Testing Library sees the fakes");
  });
});

test("fake timers: the async variants let promises settle between timers", async () => {
  jest.useFakeTimers();
  try {
    const steps = [];
    setTimeout(async () => {
      steps.push("timer 1");
      await Promise.resolve();
      steps.push("after await");
      setTimeout(() => steps.push("timer 2"), 10);
    }, 10);
    await jest.advanceTimersByTimeAsync(30);
    assert.deepEqual(steps, ["timer 1", "after await", "timer 2"]);

    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const done = (async () => {
      await sleep(100);
      await sleep(100);
      return "slept";
    })();
    await jest.runAllTimersAsync();
    assert.equal(await done, "slept");
  } finally {
    jest.useRealTimers();
  }
});

test("fake timers behave as sinon's: ties, 0 ms timers while ticking, errors, runOnlyPendingTimers", () => {
  withFakeTimers(() => {
    // An interval keeps its place among timers due at the same time; immediates go first.
    const order = [];
    setInterval(() => order.push("interval"), 10);
    setTimeout(() => order.push("timeout"), 20);
    jest.advanceTimersByTime(20);
    assert.deepEqual(order, ["interval", "interval", "timeout"]);
    jest.clearAllTimers();
    const same = [];
    setTimeout(() => same.push("timeout 0"), 0);
    setImmediate(() => same.push("immediate"));
    jest.advanceTimersByTime(0);
    assert.deepEqual(same, ["immediate", "timeout 0"]);

    // A timer that reschedules itself with 0 ms moves the clock by 1 ms each time.
    let ticks = 0;
    const tick = () => {
      ticks++;
      setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    jest.advanceTimersByTime(100);
    assert.equal(ticks, 101);
    jest.clearAllTimers();

    // A callback that throws does not stop the others; the first error comes out at the end.
    const ran = [];
    setTimeout(() => {
      throw new Error("first");
    }, 10);
    setTimeout(() => ran.push("b"), 20);
    const start = jest.now();
    assert.throws(() => jest.advanceTimersByTime(100), /first/);
    assert.deepEqual(ran, ["b"]);
    assert.equal(jest.now() - start, 100);

    // runOnlyPendingTimers runs to the last pending timer: an interval fires as often as due.
    let intervalRuns = 0;
    setInterval(() => intervalRuns++, 10);
    setTimeout(() => {}, 50);
    jest.runOnlyPendingTimers();
    assert.equal(intervalRuns, 5);
  });
});

test("fake timers: handles from an earlier clock cannot cancel the new one's timers; refresh re-arms", () => {
  jest.useFakeTimers();
  const old = setTimeout(() => {}, 10);
  jest.useFakeTimers();
  let fired = 0;
  setTimeout(() => fired++, 10);
  clearTimeout(old);
  clearTimeout(+old);
  jest.advanceTimersByTime(10);
  assert.equal(fired, 1);

  let refreshed = 0;
  const handle = setTimeout(() => refreshed++, 5);
  jest.advanceTimersByTime(5);
  handle.refresh();
  jest.advanceTimersByTime(5);
  assert.equal(refreshed, 2, "refresh after firing arms the timer again, as in node");
  assert.equal(handle.unref().hasRef(), false);
  assert.equal(handle.ref().hasRef(), true);
  jest.useRealTimers();
});

test("fake timers and spies on the same global are both undone, in either order", async () => {
  const { resetAfterFile } = await import("../src/jest-object.js");
  const { setSpyOwner } = await import("../src/mock.js");
  const file = {};
  setSpyOwner(file);
  // Fakes first, then a spy on the fake; useRealTimers in between, as in an afterEach.
  jest.useFakeTimers();
  jest.spyOn(globalThis, "setTimeout");
  jest.useRealTimers();
  resetAfterFile(file);
  await new Promise((resolve) => setTimeout(resolve, 1));
  assert.ok(!jest.isMockFunction(globalThis.setTimeout));

  // A spy first, then fakes.
  jest.spyOn(globalThis, "setTimeout");
  jest.useFakeTimers();
  resetAfterFile(file);
  assert.equal(globalThis.setTimeout, realSetTimeout);
  setSpyOwner(null);

  // A fake captured while installed keeps working after useRealTimers, on the real timers.
  jest.useFakeTimers();
  const captured = globalThis.setTimeout;
  const CapturedDate = globalThis.Date;
  jest.useRealTimers();
  await new Promise((resolve) => captured(resolve, 1));
  assert.ok(Math.abs(CapturedDate.now() - realDate.now()) < 1000);

  class Stamp extends realDate {}
  withFakeTimers(() => {
    class Later extends Date {}
    assert.ok(new Later() instanceof Later);
    assert.equal(Date.length, 7);
    assert.ok(new Stamp(0) instanceof Stamp);
  });
});

test("fake timers: the saved natives are called with the global as `this`, as a browser requires (issue 14)", async () => {
  // A browser's setTimeout/clearTimeout throw "Illegal invocation" when `this` is another
  // object; node's do not care, so the browser's rule is put in front of node's here, before a
  // fresh copy of timers.js saves them.
  const natives = {};
  for (const name of ["setTimeout", "clearTimeout", "setInterval", "clearInterval"]) {
    natives[name] = globalThis[name];
    globalThis[name] = function (...args) {
      if (this !== undefined && this !== globalThis) throw new TypeError("Illegal invocation");
      return natives[name].apply(globalThis, args);
    };
  }
  let timers;
  try {
    timers = await import("../src/timers.js?browser-natives");
  } finally {
    Object.assign(globalThis, natives);
  }
  const realId = setTimeout(() => {}, 1000);
  timers.useFakeTimers();
  try {
    const fired = [];
    setTimeout(() => fired.push("a"), 10);
    const done = setTimeout(() => fired.push("b"), 5);
    await timers.advanceTimersByTimeAsync(20);
    assert.deepEqual(fired, ["b", "a"]);
    // A fired id and a real timer's id go to the saved native clearTimeout.
    clearTimeout(done);
    clearTimeout(realId);
    setTimeout(() => fired.push("c"), 1);
    await timers.runAllTimersAsync();
    assert.deepEqual(fired, ["b", "a", "c"]);
  } finally {
    timers.useRealTimers();
    clearTimeout(realId);
  }
});

test("fake timers: shouldAdvanceTime / Jest's advanceTimers move the clock with real time until useRealTimers", async () => {
  const realWait = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));
  for (const config of [{ shouldAdvanceTime: true }, { shouldAdvanceTime: true, advanceTimeDelta: 5 }, { advanceTimers: 5 }, { advanceTimers: true }]) {
    jest.useFakeTimers(config);
    try {
      const start = jest.now();
      // A fake timer fires without the test moving the clock (user-event awaits such timers).
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(jest.now() - start >= 10, JSON.stringify(config));
    } finally {
      jest.useRealTimers();
    }
  }
  // Without the option the clock stays put; after useRealTimers nothing ticks any more.
  jest.useFakeTimers();
  const start = jest.now();
  let fired = false;
  setTimeout(() => (fired = true), 10);
  await realWait(60);
  assert.equal(jest.now(), start);
  assert.equal(fired, false);
  jest.useRealTimers();
  assert.throws(() => jest.useFakeTimers({ advanceTimers: -1 }), /advanceTimers.*positive/);
  assert.equal(jest.isFakeTimers(), false);
});
