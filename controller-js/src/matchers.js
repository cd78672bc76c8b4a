// The built-in matchers of `expect(...)`, written against the same contract as
// `expect.extend`: `matcher.call(context, received, ...args)` returns `{ pass, message }`.
//
// `context` carries `isNot` and `promise` so a message can name the call exactly as the user
// wrote it. A result may also carry `expected` and `actual` values: `expect.js` pretty-prints
// them into the error so the host can show a line diff, and only for failures where a diff
// helps (comparisons of two values, not "expected a function").

import { equals } from "./equals.js";
import { isCloseTo } from "./asymmetric.js";
import { formatCompact } from "./format.js";

/** The one-line form of a value inside a message, shortened so a huge object stays readable. */
export function show(value) {
  const text = formatCompact(value);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** The first line of a failure message, e.g. `expect(received).not.toBe(expected)`. */
export function matcherHint(name, context, { expected = "expected", comment } = {}) {
  const modifiers = (context.promise ? `.${context.promise}` : "") + (context.isNot ? ".not" : "");
  const line = `expect(received)${modifiers}.${name}(${expected})`;
  return comment ? `${line} // ${comment}` : line;
}

function expectedLine(context, value) {
  return `Expected: ${context.isNot ? "not " : ""}${show(value)}`;
}

// The common shape: pass/fail on a comparison, with a diff when the values differ.
function compare(name, context, received, expected, pass, comment) {
  return {
    pass,
    expected,
    actual: received,
    message: () =>
      `${matcherHint(name, context, { comment })}\n\n${expectedLine(context, expected)}\n` +
      `Received: ${show(received)}`,
  };
}

// For matchers that take no expected argument (toBeNull, toBeTruthy, ...).
function check(name, context, received, pass) {
  return {
    pass,
    message: () => `${matcherHint(name, context, { expected: "" })}\n\nReceived: ${show(received)}`,
  };
}

/** Thrown when a matcher is used on a value it cannot judge, e.g. toHaveLength(5) on a number. */
export class MatcherUsageError extends Error {
  constructor(message) {
    super(message);
    this.name = "MatcherUsageError";
  }
}

function requireNumber(name, context, value, role) {
  if (typeof value !== "number" && typeof value !== "bigint") {
    throw new MatcherUsageError(
      `${matcherHint(name, context)}\n\n${role} value must be a number or bigint.\n${role}: ${show(value)}`,
    );
  }
}

function numeric(name, operator, test) {
  return function (received, expected) {
    requireNumber(name, this, received, "Received");
    requireNumber(name, this, expected, "Expected");
    const pass = test(received, expected);
    return {
      pass,
      message: () =>
        `${matcherHint(name, this)}\n\nExpected: ${this.isNot ? "not " : ""}${operator} ${show(expected)}\n` +
        `Received:${" ".repeat(operator.length + (this.isNot ? 5 : 1))}${show(received)}`,
    };
  };
}

/** Splits `a.b[0].c` into `["a", "b", "0", "c"]`, as Jest's toHaveProperty does. */
export function parsePropertyPath(path) {
  if (Array.isArray(path)) return path.map((part) => (typeof part === "symbol" ? part : String(part)));
  if (typeof path !== "string") throw new MatcherUsageError("toHaveProperty expects a string or an array path");
  if (path === "") return [path];
  return path.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== "");
}

function getThrown(value) {
  const hasMessage = value !== null && value !== undefined && typeof value.message === "string";
  return { value, message: hasMessage ? value.message : String(value) };
}

function throwMatcher(name) {
  return function (received, expected) {
    let thrown = null;
    if (this.promise === "rejects") {
      thrown = getThrown(received);
    } else if (typeof received !== "function") {
      throw new MatcherUsageError(
        `${matcherHint(name, this)}\n\nReceived value must be a function.\nReceived: ${show(received)}`,
      );
    } else if (this.promise === "resolves") {
      // `expect(promise).resolves.toThrow()` checks the resolved value, which is not a throw.
      thrown = null;
    } else {
      try {
        received();
      } catch (error) {
        thrown = getThrown(error);
      }
    }

    const hint = matcherHint(name, this);
    const receivedLine = thrown
      ? `Received message: ${show(thrown.message)}`
      : "Received function did not throw";
    if (expected === undefined) {
      return {
        pass: thrown !== null,
        message: () =>
          this.isNot
            ? `${hint}\n\nExpected the function not to throw.\nThrown: ${show(thrown.value)}`
            : `${hint}\n\n${receivedLine}`,
      };
    }

    let pass;
    let describeExpected;
    if (typeof expected === "string") {
      pass = thrown !== null && thrown.message.includes(expected);
      describeExpected = `Expected substring: ${this.isNot ? "not " : ""}${show(expected)}`;
    } else if (expected instanceof RegExp) {
      expected.lastIndex = 0;
      pass = thrown !== null && expected.test(thrown.message);
      describeExpected = `Expected pattern: ${this.isNot ? "not " : ""}${expected}`;
    } else if (typeof expected === "function") {
      pass = thrown !== null && thrown.value instanceof expected;
      const thrownName = thrown?.value?.constructor?.name;
      describeExpected =
        `Expected constructor: ${this.isNot ? "not " : ""}${expected.name || "anonymous"}` +
        (thrown && thrownName ? `\nReceived constructor: ${thrownName}` : "");
    } else if (expected !== null && typeof expected.asymmetricMatch === "function") {
      pass = thrown !== null && expected.asymmetricMatch(thrown.value);
      describeExpected = `Expected asymmetric matcher: ${this.isNot ? "not " : ""}${show(expected)}`;
    } else if (expected !== null && typeof expected === "object") {
      pass = thrown !== null && thrown.message === expected.message;
      describeExpected = `Expected message: ${this.isNot ? "not " : ""}${show(expected.message)}`;
    } else {
      throw new MatcherUsageError(
        `${hint}\n\nExpected value must be a string, regular expression, class, error object or asymmetric matcher.\n` +
          `Expected: ${show(expected)}`,
      );
    }
    return { pass, message: () => `${hint}\n\n${describeExpected}\n${receivedLine}` };
  };
}

/** Built-in matchers by name. */
export const matchers = {
  toBe(received, expected) {
    const result = compare("toBe", this, received, expected, Object.is(received, expected), "Object.is equality");
    if (!result.pass && !this.isNot && equals(received, expected, "strict")) {
      const message = result.message;
      result.message = () =>
        `${message()}\n\nIf it should pass with deep equality, replace "toBe" with "toStrictEqual"`;
    }
    return result;
  },

  toEqual(received, expected) {
    return compare("toEqual", this, received, expected, equals(received, expected, "loose"), "deep equality");
  },

  toStrictEqual(received, expected) {
    return compare(
      "toStrictEqual",
      this,
      received,
      expected,
      equals(received, expected, "strict"),
      "deep equality",
    );
  },

  toMatchObject(received, expected) {
    if (received === null || typeof received !== "object" || expected === null || typeof expected !== "object") {
      throw new MatcherUsageError(
        `${matcherHint("toMatchObject", this)}\n\nReceived and expected values must be non-null objects.\n` +
          `Expected: ${show(expected)}\nReceived: ${show(received)}`,
      );
    }
    return compare("toMatchObject", this, received, expected, equals(received, expected, "subset"));
  },

  toBeTruthy(received) {
    return check("toBeTruthy", this, received, Boolean(received));
  },

  toBeFalsy(received) {
    return check("toBeFalsy", this, received, !received);
  },

  toBeNull(received) {
    return check("toBeNull", this, received, received === null);
  },

  toBeUndefined(received) {
    return check("toBeUndefined", this, received, received === undefined);
  },

  toBeDefined(received) {
    return check("toBeDefined", this, received, received !== undefined);
  },

  toBeNaN(received) {
    return check("toBeNaN", this, received, Number.isNaN(received));
  },

  toContain(received, expected) {
    let pass;
    if (typeof received === "string") {
      pass = received.includes(String(expected));
    } else if (received !== null && received !== undefined && typeof received[Symbol.iterator] === "function") {
      pass = Array.from(received).includes(expected);
    } else {
      throw new MatcherUsageError(
        `${matcherHint("toContain", this)}\n\nReceived value must be a string or an iterable.\nReceived: ${show(received)}`,
      );
    }
    return {
      pass,
      message: () => `${matcherHint("toContain", this)}\n\n${expectedLine(this, expected)}\nReceived: ${show(received)}`,
    };
  },

  toContainEqual(received, expected) {
    if (received === null || received === undefined || typeof received[Symbol.iterator] !== "function") {
      throw new MatcherUsageError(
        `${matcherHint("toContainEqual", this)}\n\nReceived value must be an iterable.\nReceived: ${show(received)}`,
      );
    }
    const pass = Array.from(received).some((item) => equals(item, expected));
    return {
      pass,
      message: () =>
        `${matcherHint("toContainEqual", this)}\n\n${expectedLine(this, expected)}\nReceived: ${show(received)}`,
    };
  },

  toMatch(received, expected) {
    if (typeof received !== "string") {
      throw new MatcherUsageError(
        `${matcherHint("toMatch", this)}\n\nReceived value must be a string.\nReceived: ${show(received)}`,
      );
    }
    let pass;
    if (expected instanceof RegExp) {
      expected.lastIndex = 0;
      pass = expected.test(received);
    } else if (typeof expected === "string") {
      pass = received.includes(expected);
    } else {
      throw new MatcherUsageError(
        `${matcherHint("toMatch", this)}\n\nExpected value must be a string or a regular expression.\nExpected: ${show(expected)}`,
      );
    }
    const label = expected instanceof RegExp ? "Expected pattern" : "Expected substring";
    return {
      pass,
      message: () =>
        `${matcherHint("toMatch", this)}\n\n${label}: ${this.isNot ? "not " : ""}${expected instanceof RegExp ? expected : show(expected)}\n` +
        `Received string: ${show(received)}`,
    };
  },

  toThrow: throwMatcher("toThrow"),
  toThrowError: throwMatcher("toThrowError"),

  toHaveLength(received, expected) {
    if (received === null || received === undefined || typeof received.length !== "number") {
      throw new MatcherUsageError(
        `${matcherHint("toHaveLength", this)}\n\nReceived value must have a length property whose value is a number.\n` +
          `Received: ${show(received)}`,
      );
    }
    return {
      pass: received.length === expected,
      expected,
      actual: received.length,
      message: () =>
        `${matcherHint("toHaveLength", this)}\n\nExpected length: ${this.isNot ? "not " : ""}${show(expected)}\n` +
        `Received length: ${received.length}\nReceived value: ${show(received)}`,
    };
  },

  toHaveProperty(received, path, ...rest) {
    const hasValue = rest.length > 0;
    const expectedValue = rest[0];
    if (received === null || received === undefined) {
      throw new MatcherUsageError(
        `${matcherHint("toHaveProperty", this, { expected: "path" })}\n\nReceived value must not be null nor undefined.`,
      );
    }
    const parts = parsePropertyPath(path);
    let current = received;
    let found = true;
    let reached = 0;
    for (const part of parts) {
      if (current === null || current === undefined || !(part in Object(current))) {
        found = false;
        break;
      }
      current = current[part];
      reached++;
    }
    const pass = found && (!hasValue || equals(current, expectedValue));
    const printedPath = show(path);
    const expectedArg = hasValue ? "path, value" : "path";
    return {
      pass,
      ...(hasValue && found ? { expected: expectedValue, actual: current } : {}),
      message: () => {
        const hint = matcherHint("toHaveProperty", this, { expected: expectedArg });
        const lines = [`Expected path: ${printedPath}`];
        if (!found) {
          lines.push(`Received path: ${show(parts.slice(0, reached))}`);
        }
        if (hasValue) {
          lines.push(`Expected value: ${this.isNot ? "not " : ""}${show(expectedValue)}`);
          if (found) lines.push(`Received value: ${show(current)}`);
        } else if (this.isNot) {
          lines.push(`Received value: ${show(current)}`);
        }
        return `${hint}\n\n${lines.join("\n")}`;
      },
    };
  },

  toBeGreaterThan: numeric("toBeGreaterThan", ">", (a, b) => a > b),
  toBeGreaterThanOrEqual: numeric("toBeGreaterThanOrEqual", ">=", (a, b) => a >= b),
  toBeLessThan: numeric("toBeLessThan", "<", (a, b) => a < b),
  toBeLessThanOrEqual: numeric("toBeLessThanOrEqual", "<=", (a, b) => a <= b),

  toBeCloseTo(received, expected, digits = 2) {
    if (typeof received !== "number" || typeof expected !== "number") {
      throw new MatcherUsageError(
        `${matcherHint("toBeCloseTo", this, { expected: "expected, precision" })}\n\nReceived and expected values must be numbers.\n` +
          `Expected: ${show(expected)}\nReceived: ${show(received)}`,
      );
    }
    const pass = isCloseTo(received, expected, digits);
    return {
      pass,
      message: () =>
        `${matcherHint("toBeCloseTo", this, { expected: "expected, precision" })}\n\n` +
        `Expected: ${this.isNot ? "not " : ""}${show(expected)}\nReceived: ${show(received)}\n\n` +
        `Expected precision:    ${digits}\nExpected difference: ${this.isNot ? ">=" : "<"} ${Math.pow(10, -digits) / 2}\n` +
        `Received difference:   ${Math.abs(expected - received)}`,
    };
  },

  toBeInstanceOf(received, expected) {
    if (typeof expected !== "function") {
      throw new MatcherUsageError(
        `${matcherHint("toBeInstanceOf", this)}\n\nExpected value must be a function (a class).\nExpected: ${show(expected)}`,
      );
    }
    const receivedName =
      received !== null && received !== undefined ? Object.getPrototypeOf(Object(received))?.constructor?.name : undefined;
    return {
      pass: received instanceof expected,
      message: () =>
        `${matcherHint("toBeInstanceOf", this)}\n\nExpected constructor: ${this.isNot ? "not " : ""}${expected.name || "anonymous"}\n` +
        (receivedName ? `Received constructor: ${receivedName}` : `Received value: ${show(received)}`),
    };
  },
};
