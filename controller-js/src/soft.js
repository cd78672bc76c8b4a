// `expect.soft(value)`: Vitest's expectation that records its failure and lets the test go on.
// The test fails at its end with every recorded failure (run.js asks `takeSoftErrors`).
//
// The soft expectation is a Proxy over an ordinary one, so every matcher, modifier and chain
// (`.not`, `.resolves`, chai's `.to.be`) is soft without a list of names to keep up to date.

let recorded = [];

/** Wraps an expectation (or anything a chain returns) so that what its calls throw is recorded. */
export function softly(target) {
  return new Proxy(target, {
    get(object, key) {
      const value = Reflect.get(object, key, object);
      if (typeof value === "function") {
        return function softCall(...args) {
          let returned;
          try {
            returned = value.apply(object, args);
          } catch (error) {
            recorded.push(error);
            return undefined;
          }
          if (isThenable(returned)) return Promise.resolve(returned).catch((error) => void recorded.push(error));
          return wrap(returned);
        };
      }
      return wrap(value);
    },
  });
}

function wrap(value) {
  return value !== null && typeof value === "object" && !isThenable(value) ? softly(value) : value;
}

function isThenable(value) {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";
}

/**
 * The error a test fails with when soft expectations failed in it (with `thrown`, what the test
 * threw besides, if anything), or undefined when none did. Forgets them either way.
 */
export function takeSoftErrors(thrown) {
  if (recorded.length === 0) return undefined;
  const errors = recorded;
  recorded = [];
  if (thrown !== undefined && !errors.includes(thrown)) errors.push(thrown);
  if (errors.length === 1) return errors[0];
  const message =
    `${errors.length} expectations failed (expect.soft):\n\n` +
    errors.map((error, index) => `${index + 1}) ${indent(messageOf(error))}`).join("\n\n");
  const combined = new Error(message);
  combined.name = "AssertionError";
  combined.errors = errors;
  const first = errors[0];
  // No expected/actual: one diff would stand for several failures (each message has its own).
  if (first !== null && typeof first === "object") {
    if (typeof first.stack === "string") {
      const frames = first.stack.indexOf("\n    at ");
      combined.stack = `AssertionError: ${message}${frames >= 0 ? first.stack.slice(frames) : ""}`;
    }
  }
  return combined;
}

function messageOf(error) {
  return error !== null && typeof error === "object" && typeof error.message === "string" ? error.message : String(error);
}

function indent(text) {
  return text.replace(/\n(?=.)/g, "\n   ");
}
