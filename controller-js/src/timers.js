// Fake timers: `jest.useFakeTimers()` / `vi.useFakeTimers()` and the calls that move the fake
// clock (advanceTimersByTime, runAllTimers, runOnlyPendingTimers, setSystemTime, ...).
//
// While installed, the globals setTimeout, setInterval, setImmediate (and their clear
// functions) and Date are replaced by ones driven by a clock that moves only when a test says
// so; Vitest's default set, which leaves promises, queueMicrotask and process.nextTick real so
// `await` keeps working. run.js puts the real timers back when a test file is done, as Jest's
// environment per file would. proctor's own timeouts are measured by the host, so fake timers
// cannot stop a hung test from timing out.

const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
  Date: globalThis.Date,
};
const RealDate = real.Date;
const realNow = RealDate.now;
const FAKEABLE = ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate", "Date"];
// Node's timers return objects with ref/unref; browsers return numbers. Fakes do the same, so
// code that calls `.unref()` on a timer keeps working under fake timers.
const inNode = typeof process !== "undefined" && typeof process.versions?.node === "string";
const LOOP_LIMIT = 100_000;

/** @type {null | { now: number, timers: Map<number, Timer>, nextId: number, faked: string[], saved: Map<string, PropertyDescriptor | undefined> }} */
let clock = null;

/**
 * @typedef {{ id: number, callback: Function, args: unknown[], at: number, interval: number | null, order: number }} Timer
 */

function requireClock(name) {
  if (clock === null) {
    throw new Error(`${name}() needs fake timers: call jest.useFakeTimers() / vi.useFakeTimers() first`);
  }
  return clock;
}

// What a fake setTimeout returns: a number in browsers, a Timeout-like object in node.
function handle(id) {
  if (!inNode) return id;
  const fake = {
    id,
    ref() {
      return this;
    },
    unref() {
      return this;
    },
    hasRef: () => true,
    refresh() {
      const timer = clock?.timers.get(id);
      if (timer) timer.at = clock.now + (timer.interval ?? timer.delay);
      return this;
    },
    [Symbol.toPrimitive]: () => id,
  };
  fakeHandles.add(fake);
  return fake;
}

// Fake handles, so clearing a real timer under fake timers reaches the real clear function
// instead of a fake timer that happens to share its number.
const fakeHandles = new WeakSet();
// Far from the small numbers browsers hand out for real timers.
const FIRST_ID = 1_000_000_000;

function clearer(realName) {
  return (value) => {
    if (value === null || value === undefined) return;
    if (typeof value === "object" && fakeHandles.has(value)) {
      clock?.timers.delete(value.id);
    } else if (typeof value === "number" && clock?.timers.has(value)) {
      clock.timers.delete(value);
    } else if (typeof real[realName] === "function") {
      real[realName](value);
    }
  };
}

function schedule(callback, delay, args, repeat) {
  if (typeof callback !== "function") {
    // Browsers accept a string to evaluate; nobody should rely on that in a test.
    throw new TypeError(`The "callback" argument must be a function. Received ${typeof callback}`);
  }
  const state = clock;
  const ms = Math.max(0, Number(delay) || 0);
  const id = state.nextId++;
  state.timers.set(id, { id, callback, args, at: state.now + ms, delay: ms, interval: repeat ? Math.max(ms, 1) : null, order: id });
  return handle(id);
}

function makeFakes() {
  function FakeDate(...args) {
    if (new.target === undefined) return new RealDate(clock.now).toString();
    return args.length === 0 ? new RealDate(clock.now) : new RealDate(...args);
  }
  FakeDate.prototype = RealDate.prototype;
  FakeDate.now = () => clock.now;
  FakeDate.parse = RealDate.parse;
  FakeDate.UTC = RealDate.UTC;
  return {
    setTimeout: (callback, delay, ...args) => schedule(callback, delay, args, false),
    setInterval: (callback, delay, ...args) => schedule(callback, delay, args, true),
    setImmediate: (callback, ...args) => schedule(callback, 0, args, false),
    clearTimeout: clearer("clearTimeout"),
    clearInterval: clearer("clearInterval"),
    clearImmediate: clearer("clearImmediate"),
    Date: FakeDate,
  };
}

function toMillis(value, name) {
  const ms = value instanceof RealDate ? value.getTime() : Number(value);
  if (!Number.isFinite(ms)) throw new TypeError(`${name}: expected a Date or a number of milliseconds, got ${String(value)}`);
  return ms;
}

/**
 * Installs fake timers. `now` sets the fake clock's start (default: the real time); `toFake`
 * limits which globals are replaced (default: all of setTimeout, setInterval, setImmediate,
 * their clear functions, and Date).
 */
export function useFakeTimers(config = {}) {
  const faked = config.toFake ?? FAKEABLE;
  for (const name of faked) {
    if (!FAKEABLE.includes(name)) {
      throw new TypeError(`useFakeTimers: cannot fake ${name}; proctor fakes ${FAKEABLE.join(", ")}`);
    }
  }
  if (clock !== null) useRealTimers();
  clock = {
    now: config.now === undefined ? realNow() : toMillis(config.now, "useFakeTimers({ now })"),
    timers: new Map(),
    nextId: FIRST_ID,
    faked: faked.filter((name) => name in globalThis),
    saved: new Map(),
  };
  const fakes = makeFakes();
  for (const name of clock.faked) {
    clock.saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, { configurable: true, enumerable: true, writable: true, value: fakes[name] });
  }
}

/** Puts the real timers back; pending fake timers are dropped. */
export function useRealTimers() {
  if (clock === null) return;
  for (const [name, descriptor] of clock.saved) {
    if (descriptor === undefined) delete globalThis[name];
    else Object.defineProperty(globalThis, name, descriptor);
  }
  clock = null;
}

/** True while fake timers are installed (Vitest's vi.isFakeTimers()). */
export function isFakeTimers() {
  return clock !== null;
}

// The timer due first (ties by creation order), or undefined.
function nextTimer(state, until = Infinity) {
  let next;
  for (const timer of state.timers.values()) {
    if (timer.at > until) continue;
    if (next === undefined || timer.at < next.at || (timer.at === next.at && timer.order < next.order)) next = timer;
  }
  return next;
}

// Moves the clock to the timer and runs it; an interval is scheduled again first, as in node.
function fire(state, timer) {
  state.now = Math.max(state.now, timer.at);
  if (timer.interval === null) state.timers.delete(timer.id);
  else {
    timer.at += timer.interval;
    timer.order = state.nextId++;
  }
  timer.callback(...timer.args);
}

function loopLimit(name) {
  return new Error(`${name}: aborting after running ${LOOP_LIMIT} timers, assuming an infinite loop`);
}

/** Runs every timer due within the next `ms` milliseconds, in order, and moves the clock by `ms`. */
export function advanceTimersByTime(ms) {
  const state = requireClock("advanceTimersByTime");
  const until = state.now + toMillis(ms, "advanceTimersByTime");
  for (let ran = 0; ; ran++) {
    if (ran >= LOOP_LIMIT) throw loopLimit("advanceTimersByTime");
    const timer = nextTimer(state, until);
    if (timer === undefined) break;
    fire(state, timer);
  }
  state.now = Math.max(state.now, until);
}

/** Runs timers until none are left, including ones they schedule. */
export function runAllTimers() {
  const state = requireClock("runAllTimers");
  for (let ran = 0; ; ran++) {
    if (ran >= LOOP_LIMIT) throw loopLimit("runAllTimers");
    const timer = nextTimer(state);
    if (timer === undefined) return;
    fire(state, timer);
  }
}

/** Runs the timers pending now, but not ones they schedule. */
export function runOnlyPendingTimers() {
  const state = requireClock("runOnlyPendingTimers");
  const pending = new Set(state.timers.keys());
  const lastOrder = state.nextId;
  for (;;) {
    let timer;
    for (const candidate of state.timers.values()) {
      if (!pending.has(candidate.id) || candidate.order >= lastOrder) continue;
      if (timer === undefined || candidate.at < timer.at || (candidate.at === timer.at && candidate.order < timer.order)) {
        timer = candidate;
      }
    }
    if (timer === undefined) return;
    pending.delete(timer.id);
    fire(state, timer);
  }
}

/** Moves the clock to the next timer and runs it, `steps` times. */
export function advanceTimersToNextTimer(steps = 1) {
  const state = requireClock("advanceTimersToNextTimer");
  for (let step = 0; step < steps; step++) {
    const timer = nextTimer(state);
    if (timer === undefined) return;
    fire(state, timer);
  }
}

// The async variants let promise callbacks run between timers, as Jest's and Vitest's do. They
// yield with a real timer so microtasks queued by a callback settle before the next one.
const realTick = () => new Promise((resolve) => real.setTimeout(resolve, 0));

async function stepAsync(name, until) {
  const state = requireClock(name);
  for (let ran = 0; ; ran++) {
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
  const until = state.now + toMillis(ms, "advanceTimersByTimeAsync");
  await stepAsync("advanceTimersByTimeAsync", until);
  state.now = Math.max(state.now, until);
}

/** runAllTimers, letting promises settle between timers. */
export function runAllTimersAsync() {
  return stepAsync("runAllTimersAsync", Infinity);
}

/** runOnlyPendingTimers, letting promises settle first. */
export async function runOnlyPendingTimersAsync() {
  requireClock("runOnlyPendingTimersAsync");
  await realTick();
  runOnlyPendingTimers();
  await realTick();
}

/** advanceTimersToNextTimer, letting promises settle between timers. */
export async function advanceTimersToNextTimerAsync(steps = 1) {
  for (let step = 0; step < steps; step++) {
    await realTick();
    advanceTimersToNextTimer(1);
  }
  await realTick();
}

/** Drops every pending fake timer. */
export function clearAllTimers() {
  requireClock("clearAllTimers").timers.clear();
}

/** How many fake timers are pending. */
export function getTimerCount() {
  return requireClock("getTimerCount").timers.size;
}

/** Sets the fake clock's current time (timers keep their delays from the old time). */
export function setSystemTime(time) {
  const ms = time === undefined ? realNow() : toMillis(time, "setSystemTime");
  if (clock === null) {
    // Jest requires fake timers here; Vitest fakes Date alone. Follow Vitest: fake only Date.
    useFakeTimers({ toFake: ["Date"], now: ms });
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
