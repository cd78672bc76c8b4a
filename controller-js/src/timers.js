// Fake timers: `jest.useFakeTimers()` / `vi.useFakeTimers()` and the calls that move the fake
// clock (advanceTimersByTime, runAllTimers, runOnlyPendingTimers, setSystemTime, ...), with the
// semantics of @sinonjs/fake-timers, which Jest uses.
//
// While installed, the globals setTimeout, setInterval, setImmediate (and their clear
// functions) and Date are replaced by ones driven by a clock that moves only when a test says
// so; Vitest's default set, which leaves promises, queueMicrotask and process.nextTick real so
// `await` keeps working. All test files are imported before the first test runs, so a call at a
// file's top level is kept for that file and applied when its tests start (applyFileTimers);
// run.js puts the real timers back when a file is done, as Jest's environment per file would.
// proctor's own timeouts are measured by the host, so fake timers cannot stop a hung test from
// timing out.

import { restoreGlobal, setGlobal } from "./globals.js";
import { registry } from "./registry.js";

const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
  Date: globalThis.Date,
};
// The saved natives are called with the global as `this`: a browser's setTimeout and
// clearTimeout throw "Illegal invocation" when called as methods of any other object.
const callReal = (name, ...args) => Reflect.apply(real[name], globalThis, args);
const RealDate = real.Date;
const realNow = RealDate.now;
const FAKEABLE = ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate", "Date"];
// Names Jest or Vitest can fake that proctor leaves real (promises and ticks must keep working,
// and the rest is rare in tests); asking for them is not an error.
const LEFT_REAL = [
  "nextTick",
  "queueMicrotask",
  "hrtime",
  "performance",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "requestIdleCallback",
  "cancelIdleCallback",
];
// Node's timers return objects with ref/unref; browsers return numbers. Fakes do the same, so
// code that calls `.unref()` on a timer keeps working under fake timers.
const inNode = typeof process !== "undefined" && typeof process.versions?.node === "string";
const LOOP_LIMIT = 100_000;
// One counter for every clock, far from the small numbers browsers hand out for real timers, so
// a handle from an earlier clock (or a real timer) never names a timer of the current one.
let nextId = 1_000_000_000;
// Sinon's order for timers due at the same time: immediates first, then by creation.
let nextOrder = 0;

/**
 * @typedef {{ id: number, callback: Function, args: unknown[], at: number, delay: number,
 *   interval: number | null, immediate: boolean, order: number }} Timer
 * @type {null | { now: number, timers: Map<number, Timer>, ticking: boolean, dateOnly: boolean,
 *   saved: Map<string, PropertyDescriptor | undefined>, fakes: Record<string, Function> }}
 */
let clock = null;
// Timer calls made while a file was being imported, applied when its tests start.
const deferredByFile = new Map();

// The clock, or null after a warning when timers are real: Jest warns, it does not throw,
// and libraries such as Testing Library call these whenever they think timers are fake.
const warned = new Set();
function requireClock(name) {
  if (clock !== null && !clock.dateOnly) return clock;
  if (!warned.has(name)) {
    warned.add(name);
    console.warn(
      `${name}() was called but the timers are not fake: call jest.useFakeTimers() / vi.useFakeTimers() first`,
    );
  }
  return null;
}

// A fake handle remembers its timer, so refresh() re-arms it after it fired, as node's does.
const fakeHandles = new WeakMap();

function handle(timer) {
  if (!inNode) return timer.id;
  const owner = clock;
  let referenced = true;
  const fake = {
    ref() {
      referenced = true;
      return this;
    },
    unref() {
      referenced = false;
      return this;
    },
    hasRef: () => referenced,
    refresh() {
      if (clock === owner) {
        timer.at = owner.now + (timer.interval ?? timer.delay);
        owner.timers.set(timer.id, timer);
      }
      return this;
    },
    [Symbol.toPrimitive]: () => timer.id,
  };
  fakeHandles.set(fake, timer.id);
  return fake;
}

function clearer(realName) {
  return (value) => {
    if (value === null || value === undefined) return;
    const id = typeof value === "object" ? fakeHandles.get(value) : Number(value);
    if (clock?.timers.has(id)) clock.timers.delete(id);
    else if (!(typeof value === "object" && fakeHandles.has(value)) && typeof real[realName] === "function") {
      // Not a pending fake timer: a real one (made before the fakes), or an id already done.
      callReal(realName, value);
    }
  };
}

function schedule(realName, callback, delay, args, repeat, immediate) {
  // A fake captured before useRealTimers() and called later falls back to the real function.
  if (clock === null || clock.dateOnly) return callReal(realName, callback, delay, ...args);
  if (typeof callback !== "function") {
    // Browsers accept a string to evaluate; nobody should rely on that in a test.
    throw new TypeError(`The "callback" argument must be a function. Received ${typeof callback}`);
  }
  let ms = Math.max(0, Math.floor(Number(delay) || 0));
  // As in sinon: a 0 ms timer made while timers run waits 1 ms, so a timer that keeps
  // rescheduling itself moves the clock instead of spinning in one instant.
  if (ms === 0 && clock.ticking) ms = 1;
  const timer = {
    id: nextId++,
    callback,
    args,
    at: clock.now + ms,
    delay: ms,
    interval: repeat ? Math.max(ms, 1) : null,
    immediate,
    order: nextOrder++,
  };
  clock.timers.set(timer.id, timer);
  return handle(timer);
}

// Every fake ever installed, so one a spy put back after useRealTimers() can be found.
const allFakes = new WeakSet();

function makeFakes() {
  const now = () => (clock === null ? realNow() : clock.now);
  function Date(...args) {
    if (new.target === undefined) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  Object.defineProperty(Date, "length", { value: 7 });
  Date.prototype = RealDate.prototype;
  Date.now = now;
  Date.parse = RealDate.parse;
  Date.UTC = RealDate.UTC;
  Date.toString = () => RealDate.toString();
  const fakes = {
    setTimeout: (callback, delay, ...args) => schedule("setTimeout", callback, delay, args, false, false),
    setInterval: (callback, delay, ...args) => schedule("setInterval", callback, delay, args, true, false),
    setImmediate: (callback, ...args) =>
      clock === null ? callReal("setImmediate", callback, ...args) : schedule("setImmediate", callback, 0, args, false, true),
    clearTimeout: clearer("clearTimeout"),
    clearInterval: clearer("clearInterval"),
    clearImmediate: clearer("clearImmediate"),
    Date,
  };
  for (const fake of Object.values(fakes)) allFakes.add(fake);
  // Testing Library's jestFakeTimersAreEnabled() looks for an own `clock` on setTimeout (as
  // @sinonjs/fake-timers sets it) and then advances with jest.advanceTimersByTime.
  Object.defineProperty(fakes.setTimeout, "clock", { value: { now, advanceTimersByTime }, enumerable: false });
  return fakes;
}

function toMillis(value, name) {
  const ms = value instanceof RealDate ? value.getTime() : Number(value);
  if (!Number.isFinite(ms)) throw new TypeError(`${name}: expected a Date or a number of milliseconds, got ${String(value)}`);
  return ms;
}

function chooseFaked(config) {
  const asked = config.toFake ?? FAKEABLE;
  for (const name of [...asked, ...(config.doNotFake ?? [])]) {
    if (!FAKEABLE.includes(name) && !LEFT_REAL.includes(name)) {
      throw new TypeError(`useFakeTimers: cannot fake ${name}; proctor fakes ${FAKEABLE.join(", ")}`);
    }
  }
  const faked = asked.filter((name) => FAKEABLE.includes(name) && !(config.doNotFake ?? []).includes(name));
  // A fake setTimeout without its clear function would make fake timers impossible to clear.
  for (const [set, clear] of [
    ["setTimeout", "clearTimeout"],
    ["setInterval", "clearInterval"],
    ["setImmediate", "clearImmediate"],
  ]) {
    if (faked.includes(set) && !faked.includes(clear)) faked.push(clear);
  }
  return faked.filter((name) => name in globalThis);
}

function install(config, dateOnly) {
  const faked = dateOnly ? ["Date"] : chooseFaked(config);
  const delta = dateOnly ? null : advanceDelta(config);
  // A time set with setSystemTime before fake timers were asked for is kept.
  const start = config.now !== undefined ? toMillis(config.now, "useFakeTimers({ now })") : clock?.dateOnly ? clock.now : realNow();
  if (clock !== null) useRealTimers();
  const fakes = makeFakes();
  clock = { now: start, timers: new Map(), ticking: false, dateOnly, saved: new Map(), fakes, ticker: null };
  for (const name of faked) {
    clock.saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    setGlobal(name, fakes[name]);
  }
  if (delta !== null) {
    // Sinon's `shouldAdvanceTime`: a real interval moves the fake clock by `delta` every `delta`
    // ms, so code awaiting a fake timer (Testing Library's user-event between keys) still
    // resolves. What a fired timer throws is uncaught, as with sinon.
    const state = clock;
    state.ticker = callReal("setInterval", () => {
      if (clock === state) advanceTimersByTime(delta);
    }, delta);
  }
}

// The step of a clock that follows real time, or null: Vitest's (sinon's) `shouldAdvanceTime`
// with `advanceTimeDelta` (default 20 ms), Jest's `advanceTimers: true | ms`.
function advanceDelta(config) {
  const jest = config.advanceTimers;
  if (typeof jest === "number") return positiveMillis(jest, "useFakeTimers({ advanceTimers })");
  if (jest !== true && config.shouldAdvanceTime !== true) return null;
  return config.advanceTimeDelta === undefined ? 20 : positiveMillis(config.advanceTimeDelta, "useFakeTimers({ advanceTimeDelta })");
}

function positiveMillis(value, name) {
  const ms = toMillis(value, name);
  if (ms <= 0) throw new TypeError(`${name}: expected a positive number of milliseconds, got ${String(value)}`);
  return ms;
}

/**
 * Installs fake timers. `now` sets the fake clock's start (default: the real time); `toFake`
 * limits which globals are replaced and `doNotFake` leaves some real (default: all of
 * setTimeout, setInterval, setImmediate, their clear functions, and Date);
 * `shouldAdvanceTime` (`advanceTimeDelta`) or Jest's `advanceTimers` make the clock follow
 * real time.
 */
export function useFakeTimers(config = {}) {
  const options = config !== null && typeof config === "object" ? config : {};
  const loading = registry.loadingFileRoot();
  if (loading !== null) {
    chooseFaked(options); // Bad names fail the file's load, where the user wrote them.
    advanceDelta(options);
    deferredByFile.set(loading, options);
    return;
  }
  install(options, false);
}

/** Puts the real timers back; pending fake timers are dropped. */
export function useRealTimers() {
  const loading = registry.loadingFileRoot();
  if (loading !== null) {
    deferredByFile.delete(loading);
    return;
  }
  if (clock === null) return;
  if (clock.ticker !== null) callReal("clearInterval", clock.ticker);
  for (const [name, descriptor] of clock.saved) {
    // Only a global that is still the fake goes back. One replaced since (a spy wrapping the
    // fake) is its owner's to restore; the fake it puts back then forwards to the real timer.
    if (globalThis[name] === clock.fakes[name]) restoreGlobal(name, descriptor);
  }
  clock = null;
}

/**
 * With real timers on, puts the real function back wherever a fake is still global (a spy on a
 * fake, restored after useRealTimers(), leaves one there).
 */
export function removeLeftoverFakes() {
  if (clock !== null) return;
  for (const name of FAKEABLE) {
    if (allFakes.has(globalThis[name])) setGlobal(name, real[name]);
  }
}

/** Applies the timer calls `root`'s file made at its top level; run.js calls it as the file starts. */
export function applyFileTimers(root) {
  const deferred = deferredByFile.get(root);
  if (deferred !== undefined) install(deferred, false);
}

/** True while fake timers are installed (Vitest's vi.isFakeTimers()). */
export function isFakeTimers() {
  return clock !== null && !clock.dateOnly;
}

function before(a, b) {
  if (a.at !== b.at) return a.at < b.at;
  if (a.immediate !== b.immediate) return a.immediate;
  return a.order < b.order;
}

// The timer due first, or undefined; only timers due by `until`.
function nextTimer(state, until = Infinity) {
  let next;
  for (const timer of state.timers.values()) {
    if (timer.at > until) continue;
    if (next === undefined || before(timer, next)) next = timer;
  }
  return next;
}

// Moves the clock to the timer and runs it; an interval is scheduled again first, as in node.
function fire(state, timer) {
  state.now = Math.max(state.now, timer.at);
  if (timer.interval === null) state.timers.delete(timer.id);
  else timer.at += timer.interval;
  state.ticking = true;
  try {
    timer.callback(...timer.args);
  } finally {
    state.ticking = false;
  }
}

function loopLimit(name) {
  return new Error(`${name}: aborting after running ${LOOP_LIMIT} timers, assuming an infinite loop`);
}

/**
 * Runs every timer due within the next `ms` milliseconds, in order, and moves the clock by
 * `ms`. A callback that throws does not stop the others: the first error is thrown at the end,
 * as sinon's tick does.
 */
export function advanceTimersByTime(ms) {
  const state = requireClock("advanceTimersByTime");
  if (state === null) return;
  const until = state.now + toMillis(ms, "advanceTimersByTime");
  let firstError;
  let failed = false;
  for (let ran = 0; ; ran++) {
    if (ran >= LOOP_LIMIT) throw loopLimit("advanceTimersByTime");
    const timer = nextTimer(state, until);
    if (timer === undefined) break;
    try {
      fire(state, timer);
    } catch (error) {
      if (!failed) [failed, firstError] = [true, error];
    }
  }
  state.now = Math.max(state.now, until);
  if (failed) throw firstError;
}

/** Runs timers until none are left, including ones they schedule. */
export function runAllTimers() {
  const state = requireClock("runAllTimers");
  if (state === null) return;
  for (let ran = 0; ; ran++) {
    if (ran >= LOOP_LIMIT) throw loopLimit("runAllTimers");
    const timer = nextTimer(state);
    if (timer === undefined) return;
    fire(state, timer);
  }
}

/**
 * Moves the clock to the last timer pending now, running everything due on the way (an
 * interval as often as it comes due), as Jest's runOnlyPendingTimers (sinon's runToLast) does.
 */
export function runOnlyPendingTimers() {
  const state = requireClock("runOnlyPendingTimers");
  if (state === null) return;
  advanceTimersByTime(untilLastPending(state));
}

// How far the clock must move for the last timer pending now to come due.
function untilLastPending(state) {
  let last = state.now;
  for (const timer of state.timers.values()) last = Math.max(last, timer.at);
  return last - state.now;
}

/** Moves the clock to the next timer and runs it, `steps` times. */
export function advanceTimersToNextTimer(steps = 1) {
  const state = requireClock("advanceTimersToNextTimer");
  if (state === null) return;
  for (let step = 0; step < steps; step++) {
    const timer = nextTimer(state);
    if (timer === undefined) return;
    fire(state, timer);
  }
}

// The async variants let promise callbacks run between timers, as Jest's and Vitest's do. They
// yield with a real timer so microtasks queued by a callback settle before the next one.
const realTick = () => new Promise((resolve) => callReal("setTimeout", resolve, 0));

async function stepAsync(name, until, steps = Infinity) {
  const state = requireClock(name);
  if (state === null) return;
  for (let ran = 0; ran < steps; ran++) {
    if (ran >= LOOP_LIMIT) throw loopLimit(name);
    await realTick();
    if (clock !== state) return;
    const timer = nextTimer(state, until);
    if (timer === undefined) break;
    fire(state, timer);
  }
  await realTick();
}

/** advanceTimersByTime, letting promises settle between timers. */
export async function advanceTimersByTimeAsync(ms) {
  const state = requireClock("advanceTimersByTimeAsync");
  if (state === null) return;
  const until = state.now + toMillis(ms, "advanceTimersByTimeAsync");
  await stepAsync("advanceTimersByTimeAsync", until);
  if (clock === state) state.now = Math.max(state.now, until);
}

/** runAllTimers, letting promises settle between timers. */
export function runAllTimersAsync() {
  return stepAsync("runAllTimersAsync", Infinity);
}

/** runOnlyPendingTimers, letting promises settle between timers. */
export function runOnlyPendingTimersAsync() {
  const state = requireClock("runOnlyPendingTimersAsync");
  if (state === null) return Promise.resolve();
  return advanceTimersByTimeAsync(untilLastPending(state));
}

/** advanceTimersToNextTimer, letting promises settle between timers. */
export function advanceTimersToNextTimerAsync(steps = 1) {
  return stepAsync("advanceTimersToNextTimerAsync", Infinity, steps);
}

/** Drops every pending fake timer. */
export function clearAllTimers() {
  requireClock("clearAllTimers")?.timers.clear();
}

/** How many fake timers are pending. */
export function getTimerCount() {
  return requireClock("getTimerCount")?.timers.size ?? 0;
}

/**
 * Sets the fake clock's current time; pending timers keep their remaining delays (as in sinon).
 * Without fake timers it fakes Date alone, as Vitest does.
 */
export function setSystemTime(time) {
  const ms = time === undefined ? realNow() : toMillis(time, "setSystemTime");
  if (clock === null) {
    install({ now: ms }, true);
    return;
  }
  const shift = ms - clock.now;
  clock.now = ms;
  for (const timer of clock.timers.values()) timer.at += shift;
}

/** The fake clock's time in milliseconds (real time when timers are real). */
export function now() {
  return clock === null ? realNow() : clock.now;
}

/** The real time, even under fake timers. */
export function getRealSystemTime() {
  return realNow();
}

/** The timer functions, as members of the `jest` / `vi` object. */
export const timerApi = {
  useFakeTimers,
  useRealTimers,
  isFakeTimers,
  advanceTimersByTime,
  advanceTimersByTimeAsync,
  runAllTimers,
  runAllTimersAsync,
  runOnlyPendingTimers,
  runOnlyPendingTimersAsync,
  advanceTimersToNextTimer,
  advanceTimersToNextTimerAsync,
  clearAllTimers,
  getTimerCount,
  setSystemTime,
  now,
  getRealSystemTime,
  // process.nextTick and microtasks stay real, so there is nothing to run.
  runAllTicks() {},
};
