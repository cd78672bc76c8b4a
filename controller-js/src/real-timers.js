// The runtime's own timers, taken before any test can fake or stub them: `expect.poll` and
// `vi.waitFor` must keep polling in real time under `vi.useFakeTimers()`, as Vitest's do.
//
// Each is called with `globalThis` as `this`: browsers throw "Illegal invocation" for a timer
// function called on anything else.

const saved = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
};

/** setTimeout as it was when proctor loaded. */
export function realSetTimeout(callback, ms) {
  return saved.setTimeout.call(globalThis, callback, ms);
}

/** clearTimeout as it was when proctor loaded. */
export function realClearTimeout(id) {
  return saved.clearTimeout.call(globalThis, id);
}

/** setInterval as it was when proctor loaded. */
export function realSetInterval(callback, ms) {
  return saved.setInterval.call(globalThis, callback, ms);
}

/** clearInterval as it was when proctor loaded. */
export function realClearInterval(id) {
  return saved.clearInterval.call(globalThis, id);
}
