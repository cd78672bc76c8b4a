// The shape check of controller messages, learned from protocol/vectors/controller-messages.json:
// no unknown keys, every required key, the same JSON types, and enum values the Rust side
// accepts. Shared by messages.test.js and the tests of features that add messages.

import assert from "node:assert/strict";
import { vectors } from "./fake-host.js";

// A schema learned from the vectors. Nested objects are grouped by key name ("error" is always
// an ErrorInfo, "tests" items are RegisteredTests, ...), as in protocol/src/lib.rs.
function learnShapes() {
  const byType = new Map();
  const byKey = new Map();
  const addSample = (map, key, sample) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(sample);
  };
  const walk = (object) => {
    for (const [key, value] of Object.entries(object)) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (item !== null && typeof item === "object" && !Array.isArray(item)) {
          addSample(byKey, key, item);
          walk(item);
        }
      }
    }
  };
  for (const message of vectors("controller-messages.json")) {
    addSample(byType, message.type, message);
    walk(message);
  }
  return { byType, byKey };
}

const shapes = learnShapes();

// Enumerations from protocol/src/lib.rs (TestStatus, TestMode, Stream, ConsoleLevel).
const ENUMS = {
  status: ["passed", "failed", "skipped"],
  mode: ["run", "skip", "only", "todo"],
  stream: ["stdout", "stderr"],
  level: ["log", "info", "debug", "warn", "error", "write"],
};
const INTEGERS = new Set(["run", "replyTo", "protocol", "timeout", "matched", "written", "updated", "failed", "obsolete", "removed", "retries", "repeats", "attempt", "attempts"]);

function jsonType(value) {
  return Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
}

function checkAgainst(samples, actual, path) {
  const keys = new Set(samples.flatMap((sample) => Object.keys(sample)));
  for (const key of Object.keys(actual)) {
    assert.ok(keys.has(key), `${path}: unknown key "${key}" in ${JSON.stringify(actual)}`);
  }
  for (const key of keys) {
    const required = samples.every((sample) => key in sample);
    if (!(key in actual)) {
      assert.ok(!required, `${path}: missing required key "${key}" in ${JSON.stringify(actual)}`);
      continue;
    }
    const sampleValues = samples.filter((sample) => key in sample).map((sample) => sample[key]);
    const value = actual[key];
    assert.equal(jsonType(value), jsonType(sampleValues[0]), `${path}.${key} has the wrong JSON type`);
    if (INTEGERS.has(key)) assert.ok(Number.isInteger(value) && value >= 0, `${path}.${key} must be a u64`);
    if (key in ENUMS && typeof value === "string") {
      assert.ok(ENUMS[key].includes(value), `${path}.${key} = ${value} is not a protocol value`);
    }
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item !== null && typeof item === "object") {
        checkAgainst(shapes.byKey.get(key), item, `${path}.${key}`);
      } else if (Array.isArray(value)) {
        const sampleItem = sampleValues.flat()[0];
        if (sampleItem !== undefined) assert.equal(jsonType(item), jsonType(sampleItem), `${path}.${key}[] type`);
      }
    }
  }
}

/** Asserts that `message` is a valid controller message. */
export function assertProtocolShape(message) {
  const samples = shapes.byType.get(message.type);
  assert.ok(samples, `unknown message type ${message.type}`);
  checkAgainst(samples, message, message.type);
}

