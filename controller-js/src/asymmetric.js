// Asymmetric matchers: `expect.any(Number)`, `expect.objectContaining({...})` and friends.
//
// Each is an object with `asymmetricMatch(other)`, the duck type `equals` and Jest's own
// matchers recognise, so they nest inside `toEqual`, `toHaveBeenCalledWith`-style arguments and
// each other. `toAsymmetricMatcher(printInner)` lets the pretty printer show them as Jest does
// (`Any<Number>`, `ObjectContaining {...}`).

import { equals } from "./equals.js";

class AsymmetricMatcher {
  constructor(sample, inverse = false) {
    this.sample = sample;
    this.inverse = inverse;
    this.$$typeof = Symbol.for("jest.asymmetricMatcher");
  }

  asymmetricMatch(other) {
    const matched = this.matches(other);
    return this.inverse ? !matched : matched;
  }

  // Jest's names: ObjectContaining / ObjectNotContaining, StringMatching / StringNotMatching, ...
  get label() {
    return this.inverse ? this.kind.replace(/(Containing|Matching|CloseTo)$/, "Not$1") : this.kind;
  }
}

class Any extends AsymmetricMatcher {
  constructor(sample) {
    if (typeof sample !== "function") {
      throw new TypeError("expect.any() expects a constructor such as Number, String or a class");
    }
    super(sample);
    this.kind = "Any";
  }

  matches(other) {
    switch (this.sample) {
      case String:
        return typeof other === "string" || other instanceof String;
      case Number:
        return typeof other === "number" || other instanceof Number;
      case Boolean:
        return typeof other === "boolean" || other instanceof Boolean;
      case BigInt:
        return typeof other === "bigint";
      case Symbol:
        return typeof other === "symbol";
      case Function:
        return typeof other === "function";
      case Object:
        return other !== null && typeof other === "object";
      default:
        return other instanceof this.sample;
    }
  }

  toAsymmetricMatcher() {
    return `Any<${this.sample.name || "anonymous"}>`;
  }
}

class Anything extends AsymmetricMatcher {
  constructor() {
    super(undefined);
    this.kind = "Anything";
  }

  matches(other) {
    return other !== null && other !== undefined;
  }

  toAsymmetricMatcher() {
    return "Anything";
  }
}

class ObjectContaining extends AsymmetricMatcher {
  constructor(sample, inverse) {
    if (sample === null || typeof sample !== "object") {
      throw new TypeError("expect.objectContaining() expects an object");
    }
    super(sample, inverse);
    this.kind = "ObjectContaining";
  }

  matches(other) {
    if (other === null || other === undefined) return false;
    const target = Object(other);
    for (const key of Reflect.ownKeys(this.sample)) {
      if (!Object.prototype.propertyIsEnumerable.call(this.sample, key)) continue;
      if (!(key in target) || !equals(target[key], this.sample[key])) return false;
    }
    return true;
  }

  toAsymmetricMatcher(printInner) {
    return `${this.label} ${stripName(printInner(this.sample), "Object")}`;
  }
}

class ArrayContaining extends AsymmetricMatcher {
  constructor(sample, inverse) {
    if (!Array.isArray(sample)) throw new TypeError("expect.arrayContaining() expects an array");
    super(sample, inverse);
    this.kind = "ArrayContaining";
  }

  matches(other) {
    if (!Array.isArray(other)) return false;
    return this.sample.every((wanted) => other.some((item) => equals(item, wanted)));
  }

  toAsymmetricMatcher(printInner) {
    return `${this.label} ${stripName(printInner(this.sample), "Array")}`;
  }
}

class StringContaining extends AsymmetricMatcher {
  constructor(sample, inverse) {
    if (typeof sample !== "string") throw new TypeError("expect.stringContaining() expects a string");
    super(sample, inverse);
    this.kind = "StringContaining";
  }

  matches(other) {
    return typeof other === "string" && other.includes(this.sample);
  }

  toAsymmetricMatcher(printInner) {
    return `${this.label} ${printInner(this.sample)}`;
  }
}

class StringMatching extends AsymmetricMatcher {
  constructor(sample, inverse) {
    if (typeof sample !== "string" && !(sample instanceof RegExp)) {
      throw new TypeError("expect.stringMatching() expects a string or a regular expression");
    }
    super(typeof sample === "string" ? new RegExp(sample) : sample, inverse);
    this.kind = "StringMatching";
  }

  matches(other) {
    if (typeof other !== "string") return false;
    // A global or sticky regex keeps lastIndex between calls; reset it so matching is repeatable.
    this.sample.lastIndex = 0;
    return this.sample.test(other);
  }

  toAsymmetricMatcher(printInner) {
    return `${this.label} ${printInner(this.sample)}`;
  }
}

class CloseTo extends AsymmetricMatcher {
  constructor(sample, digits = 2, inverse) {
    if (typeof sample !== "number") throw new TypeError("expect.closeTo() expects a number");
    super(sample, inverse);
    this.digits = digits;
    this.kind = "NumberCloseTo";
  }

  matches(other) {
    return typeof other === "number" && isCloseTo(other, this.sample, this.digits);
  }

  toAsymmetricMatcher() {
    return `${this.label} ${this.sample} (${this.digits} ${this.digits === 1 ? "digit" : "digits"})`;
  }
}

/** Jest's toBeCloseTo rule: the difference is below half a unit in the last checked digit. */
export function isCloseTo(received, expected, digits) {
  if (received === Infinity && expected === Infinity) return true;
  if (received === -Infinity && expected === -Infinity) return true;
  return Math.abs(expected - received) < Math.pow(10, -digits) / 2;
}

function stripName(printed, name) {
  return printed.startsWith(`${name} `) ? printed.slice(name.length + 1) : printed;
}

/** The matchers hung on `expect`: `expect.any(...)`, `expect.anything()`, ... */
export const asymmetricMatchers = {
  any: (ctor) => new Any(ctor),
  anything: () => new Anything(),
  objectContaining: (object) => new ObjectContaining(object),
  arrayContaining: (array) => new ArrayContaining(array),
  stringContaining: (string) => new StringContaining(string),
  stringMatching: (pattern) => new StringMatching(pattern),
  closeTo: (number, digits) => new CloseTo(number, digits),
};

/** The inverted forms hung on `expect.not`. */
export const invertedAsymmetricMatchers = {
  objectContaining: (object) => new ObjectContaining(object, true),
  arrayContaining: (array) => new ArrayContaining(array, true),
  stringContaining: (string) => new StringContaining(string, true),
  stringMatching: (pattern) => new StringMatching(pattern, true),
  closeTo: (number, digits) => new CloseTo(number, digits, true),
};
