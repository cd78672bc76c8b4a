// Vitest's own matchers beyond Jest's: `toSatisfy(predicate, message?)` and
// `toBeOneOf(array)`. Same contract as matchers.js.

import { equals } from "./equals.js";
import { matcherHint, MatcherUsageError, show } from "./matchers.js";

/** The matchers by name. */
export const vitestMatchers = {
  toSatisfy(received, predicate, message) {
    if (typeof predicate !== "function") {
      throw new MatcherUsageError(`${matcherHint("toSatisfy", this)}\n\nExpected value must be a function.\nExpected: ${show(predicate)}`);
    }
    const pass = Boolean(predicate(received));
    return {
      pass,
      message: () =>
        `${matcherHint("toSatisfy", this, { expected: "" })}\n\n` +
        `Expected value ${this.isNot ? "to not" : "to"} satisfy:\n${message || show(predicate)}\n\nReceived:\n${show(received)}`,
    };
  },

  toBeTypeOf(received, expected) {
    const types = ["bigint", "boolean", "function", "number", "object", "string", "symbol", "undefined"];
    if (!types.includes(expected)) {
      throw new MatcherUsageError(`${matcherHint("toBeTypeOf", this)}\n\nExpected value must be one of ${types.join(", ")}.\nExpected: ${show(expected)}`);
    }
    const actual = typeof received;
    return {
      pass: actual === expected,
      message: () =>
        `${matcherHint("toBeTypeOf", this)}\n\nExpected type: ${this.isNot ? "not " : ""}${expected}\nReceived type: ${actual}\nReceived: ${show(received)}`,
    };
  },

  // An empty list passes, as in Vitest.
  toBeOneOf(received, expected) {
    if (!Array.isArray(expected)) {
      throw new MatcherUsageError(`${matcherHint("toBeOneOf", this)}\n\nYou must provide an array to toBeOneOf, not '${typeof expected}'.`);
    }
    const pass = expected.length === 0 || expected.some((item) => equals(item, received));
    return {
      pass,
      message: () =>
        `${matcherHint("toBeOneOf", this, { expected: "" })}\n\n` +
        `Expected value ${this.isNot ? "to not" : "to"} be one of:\n${show(expected)}\n\nReceived:\n${show(received)}`,
    };
  },
};
