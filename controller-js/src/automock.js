// Automock: the mocked copy of a module's exports that `jest.mock(path)` / `vi.mock(path)` with
// no factory (and no `__mocks__` file) gives, as Jest's moduleMocker.generateFromMetadata builds
// it and Vitest's automocker agrees: functions become mock functions with the same name and
// length that return undefined, classes become mock constructors whose prototype methods (and
// static methods) are mock functions, objects are mocked member by member (a cycle stays a
// cycle), arrays become empty arrays, primitives are kept, and a getter becomes a mock getter
// that returns undefined. Vitest's `{ spy: true }` keeps the implementations instead: every
// function is a mock that calls the original (a class constructs real instances). Pure: it reads
// the actual value and never changes it.

import { fn } from "./mock.js";

const { defineProperty, getOwnPropertyDescriptor, getOwnPropertyNames, getPrototypeOf, hasOwn } = Object;

// Members a function has by virtue of being one; Jest leaves them alone too.
const FUNCTION_OWN = new Set(["length", "name", "arguments", "caller", "prototype", Symbol.toStringTag]);
const OBJECT_OWN = new Set(["constructor", Symbol.toStringTag]);

/**
 * The automocked copy of `value`.
 * @template T
 * @param {T} value the actual export (or the whole module namespace / module.exports)
 * @param {{ spy?: boolean }} [options] `spy`: mocks call the originals (Vitest's `{ spy: true }`)
 * @returns {T}
 */
export function automock(value, { spy = false } = {}) {
  const seen = new Map();
  seen.spy = spy;
  return mockValue(value, seen);
}

function mockValue(value, seen) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const empty = [];
    seen.set(value, empty);
    return empty;
  }
  if (value instanceof RegExp) return new RegExp("");
  if (typeof value === "function") return mockFunction(value, seen);
  // A plain object, as Jest's: a module namespace cannot be extended, and an instance's methods
  // live on its prototype chain, which is flattened into the copy (nearest definition wins).
  const copy = {};
  seen.set(value, copy);
  for (let level = value; level !== null && !isPlainPrototype(level); level = getPrototypeOf(level)) {
    mockMembers(level, copy, seen, OBJECT_OWN, level !== value);
  }
  return copy;
}

function mockFunction(actual, seen) {
  const mock = seen.spy ? fn(actual) : fn();
  seen.set(actual, mock);
  defineProperty(mock, "name", { value: actual.name, configurable: true });
  defineProperty(mock, "length", { value: actual.length, configurable: true });
  if (typeof mock.mockName === "function" && actual.name) mock.mockName(actual.name);
  // Static members (a class's static methods, a function's attached helpers).
  mockMembers(actual, mock, seen, FUNCTION_OWN);
  // A class (or constructor function): its instances get mocked methods from the prototype
  // chain, nearest definition first, up to (not including) Object.prototype.
  const prototype = actual.prototype;
  // A spy constructs real instances, which have the real methods.
  if (!seen.spy && prototype !== null && typeof prototype === "object" && mock.prototype !== undefined) {
    for (let level = prototype; level !== null && !isPlainPrototype(level); level = getPrototypeOf(level)) {
      mockMembers(level, mock.prototype, seen, OBJECT_OWN, true);
    }
  }
  return mock;
}

/** Copies each own member of `from` onto `to`, mocked; `skip` lists keys to leave out; `onlyMissing` keeps what a nearer level gave. */
function mockMembers(from, to, seen, skip, onlyMissing = false) {
  for (const key of ownKeys(from)) {
    if (skip.has(key) || (onlyMissing && hasOwn(to, key))) continue;
    const descriptor = getOwnPropertyDescriptor(from, key);
    if (descriptor === undefined) continue;
    if (typeof to === "function" && typeof key === "string" && key.startsWith("mock") && hasOwn(to, key)) continue;
    try {
      if (descriptor.get !== undefined || descriptor.set !== undefined) {
        defineProperty(to, key, {
          configurable: true,
          enumerable: descriptor.enumerable,
          get: descriptor.get === undefined ? undefined : fn(),
          set: descriptor.set === undefined ? undefined : fn(),
        });
      } else {
        defineProperty(to, key, {
          configurable: true,
          enumerable: descriptor.enumerable,
          writable: true,
          value: mockValue(descriptor.value, seen),
        });
      }
    } catch {
      // A member the target cannot take (a read-only one of a function): left out, as Jest does.
    }
  }
}

function ownKeys(value) {
  try {
    return [...getOwnPropertyNames(value), ...Object.getOwnPropertySymbols(value)];
  } catch {
    return [];
  }
}

function isPlainPrototype(prototype) {
  return prototype === null || prototype === Object.prototype || prototype === Function.prototype;
}
