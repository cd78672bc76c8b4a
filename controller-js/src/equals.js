// Deep equality for `toEqual`, `toStrictEqual`, `toMatchObject` and the asymmetric matchers.
//
// The three modes follow Jest: `loose` (toEqual) ignores properties whose value is undefined and
// the objects' classes; `strict` (toStrictEqual) also compares classes, undefined properties and
// array holes; `subset` (toMatchObject) only checks the properties the expected side names.
// Asymmetric matchers (anything with `asymmetricMatch`) can sit anywhere on either side.

/** @typedef {"loose" | "strict" | "subset"} EqualityMode */

// Testers from expect.addEqualityTesters: `tester(a, b, customTesters)` says true or false for
// the pairs it knows and undefined for the rest. Asked at every level, before the default rules.
const customTesters = [];

/** Adds equality testers for every deep comparison from now on (Jest's and Vitest's addEqualityTesters). */
export function addEqualityTesters(testers) {
  if (!Array.isArray(testers)) {
    throw new TypeError(`expect.addEqualityTesters: expected an array of functions, got ${typeof testers}`);
  }
  for (const tester of testers) {
    if (typeof tester !== "function") throw new TypeError(`expect.addEqualityTesters: a tester must be a function, got ${typeof tester}`);
    customTesters.push(tester);
  }
}

/** The testers added so far (the `customTesters` matchers see). */
export function equalityTesters() {
  return customTesters;
}

function runTesters(a, b, mode) {
  const context = { equals: (x, y) => equals(x, y, mode) };
  for (const tester of customTesters) {
    const verdict = tester.call(context, a, b, customTesters);
    if (verdict !== undefined) return Boolean(verdict);
  }
  return undefined;
}

/**
 * Whether `received` equals `expected` under `mode`.
 * @param {unknown} received
 * @param {unknown} expected
 * @param {EqualityMode} [mode]
 */
export function equals(received, expected, mode = "loose") {
  return eq(received, expected, mode, [], []);
}

/** Whether `value` is an asymmetric matcher such as `expect.any(Number)`. */
export function isAsymmetric(value) {
  return value !== null && typeof value === "object" && typeof value.asymmetricMatch === "function";
}

function eq(a, b, mode, aStack, bStack) {
  const aAsymmetric = isAsymmetric(a);
  const bAsymmetric = isAsymmetric(b);
  if (bAsymmetric && !aAsymmetric) return Boolean(b.asymmetricMatch(a));
  if (aAsymmetric && !bAsymmetric) return Boolean(a.asymmetricMatch(b));
  if (customTesters.length > 0) {
    const verdict = runTesters(a, b, mode);
    if (verdict !== undefined) return verdict;
  }

  if (Object.is(a, b)) return true;
  if (mode === "subset" && isPattern(b) && a !== null && (typeof a === "object" || typeof a === "function")) {
    // As Jest's and Vitest's subsetEquality: a pattern object names properties that the received
    // value must have (own or inherited, enumerable or not), whatever its class, so an Error
    // matches `{ message, name, code }`.
    return withCycles(a, b, aStack, bStack, () => propertiesEqual(a, b, mode, aStack, bStack));
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    // Only boxed primitives and objects get past here; 0 vs -0 stays unequal as in Jest.
    return false;
  }

  const tag = Object.prototype.toString.call(a);
  if (tag !== Object.prototype.toString.call(b)) return false;
  if (mode === "strict" && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;

  switch (tag) {
    case "[object Boolean]":
    case "[object String]":
    case "[object Number]":
      return Object.is(a.valueOf(), b.valueOf());
    case "[object Date]": {
      const aTime = a.getTime();
      const bTime = b.getTime();
      return aTime === bTime || (Number.isNaN(aTime) && Number.isNaN(bTime));
    }
    case "[object RegExp]":
      return a.source === b.source && a.flags === b.flags;
  }
  if (a instanceof Error && b instanceof Error) {
    return a.message === b.message && (mode !== "strict" || a.name === b.name);
  }

  return withCycles(a, b, aStack, bStack, () => compareContainers(a, b, tag, mode, aStack, bStack));
}

// Cycles: two structures are equal at a revisited pair if they revisit together.
function withCycles(a, b, aStack, bStack, compare) {
  for (let i = aStack.length - 1; i >= 0; i--) {
    if (aStack[i] === a) return bStack[i] === b;
    if (bStack[i] === b) return false;
  }
  aStack.push(a);
  bStack.push(b);
  try {
    return compare();
  } finally {
    aStack.pop();
    bStack.pop();
  }
}

// What toMatchObject reads as a list of properties to check (Jest's `isObjectWithKeys`): a plain
// object or class instance, not an Error, array, date or other built-in with its own equality.
function isPattern(value) {
  return (
    value !== null &&
    typeof value === "object" &&
    !(value instanceof Error) &&
    Object.prototype.toString.call(value) === "[object Object]"
  );
}

function compareContainers(a, b, tag, mode, aStack, bStack) {
  if (a instanceof Map || b instanceof Map) {
    return a instanceof Map && b instanceof Map && mapsEqual(a, b, mode, aStack, bStack);
  }
  if (a instanceof Set || b instanceof Set) {
    return a instanceof Set && b instanceof Set && setsEqual(a, b, mode, aStack, bStack);
  }
  if (a instanceof ArrayBuffer || ArrayBuffer.isView(a)) {
    return bytesEqual(a, b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    if (mode === "subset") {
      for (let i = 0; i < a.length; i++) {
        if (!eq(a[i], b[i], mode, aStack, bStack)) return false;
      }
      return true;
    }
  } else if (typeof a[Symbol.iterator] === "function" && typeof b[Symbol.iterator] === "function") {
    if (!iterablesEqual(a, b, mode, aStack, bStack)) return false;
  }
  return propertiesEqual(a, b, mode, aStack, bStack);
}

function propertiesEqual(a, b, mode, aStack, bStack) {
  if (mode === "subset") {
    for (const key of ownKeys(b, true)) {
      if (!(key in a) || !eq(a[key], b[key], mode, aStack, bStack)) return false;
    }
    return true;
  }
  const includeUndefined = mode === "strict";
  const aKeys = ownKeys(a, includeUndefined);
  const bKeys = ownKeys(b, includeUndefined);
  if (aKeys.length !== bKeys.length) return false;
  for (const key of aKeys) {
    if (!hasOwn(b, key, includeUndefined)) return false;
    if (!eq(a[key], b[key], mode, aStack, bStack)) return false;
  }
  return true;
}

function ownKeys(object, includeUndefined) {
  const keys = [];
  for (const key of Object.keys(object)) {
    if (includeUndefined || object[key] !== undefined) keys.push(key);
  }
  for (const symbol of Object.getOwnPropertySymbols(object)) {
    const descriptor = Object.getOwnPropertyDescriptor(object, symbol);
    if (descriptor.enumerable && (includeUndefined || object[symbol] !== undefined)) keys.push(symbol);
  }
  return keys;
}

function hasOwn(object, key, includeUndefined) {
  return Object.prototype.hasOwnProperty.call(object, key) && (includeUndefined || object[key] !== undefined);
}

function mapsEqual(a, b, mode, aStack, bStack) {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) {
    if (b.has(key) && eq(value, b.get(key), mode, aStack, bStack)) continue;
    let found = false;
    for (const [otherKey, otherValue] of b) {
      if (eq(key, otherKey, mode, aStack, bStack) && eq(value, otherValue, mode, aStack, bStack)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function setsEqual(a, b, mode, aStack, bStack) {
  if (a.size !== b.size) return false;
  for (const value of a) {
    if (b.has(value)) continue;
    let found = false;
    for (const other of b) {
      if (eq(value, other, mode, aStack, bStack)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function bytesEqual(a, b) {
  if (!(b instanceof ArrayBuffer || ArrayBuffer.isView(b))) return false;
  if (ArrayBuffer.isView(a) && !(a instanceof DataView) && a.length !== b.length) return false;
  const aBytes = a instanceof ArrayBuffer ? new Uint8Array(a) : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const bBytes = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (aBytes.length !== bBytes.length) return false;
  for (let i = 0; i < aBytes.length; i++) {
    if (aBytes[i] !== bBytes[i]) return false;
  }
  return true;
}

function iterablesEqual(a, b, mode, aStack, bStack) {
  const aItems = [...a];
  const bItems = [...b];
  if (aItems.length !== bItems.length) return false;
  for (let i = 0; i < aItems.length; i++) {
    if (!eq(aItems[i], bItems[i], mode, aStack, bStack)) return false;
  }
  return true;
}
