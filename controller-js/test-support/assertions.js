// Assertion helpers shared by the controller's own tests.

import assert from "node:assert/strict";
import { AssertionError } from "../src/expect.js";

/** Asserts that `run` throws proctor's AssertionError (matching `message`, if given) and returns it. */
export function fails(run, message) {
  let thrown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof AssertionError, `expected an AssertionError, got ${thrown}`);
  assert.equal(thrown.name, "AssertionError");
  if (message) assert.match(thrown.message, message);
  return thrown;
}
