// The browser adapter's timer tracking: a timer callback runs as the test that scheduled it, so
// late output and errors name that test; settle waits for pending timeouts, briefly.

import assert from "node:assert/strict";
import { test } from "node:test";
import { trackTimers } from "../src/browser.js";

test("timer callbacks run as the test that scheduled them, and their errors are reported", async () => {
  const scope = { setTimeout, clearTimeout, setInterval };
  const reported = [];
  const seen = [];
  const timers = trackTimers(scope, (error) => reported.push([timers.scheduledBy(), error.message]));
  timers.within("a", () => {
    scope.setTimeout(() => seen.push(timers.scheduledBy()), 1);
    scope.setTimeout(() => {
      throw new Error("late");
    }, 2);
    const cleared = scope.setTimeout(() => seen.push("never"), 1);
    scope.clearTimeout(cleared);
  });
  timers.within("b", () => {});
  assert.equal(timers.scheduledBy(), undefined, "outside a callback no test is firing");
  await timers.settle();
  assert.deepEqual(seen, ["a"]);
  assert.deepEqual(reported, [["a", "late"]]);
  assert.equal(timers.settle(), undefined, "nothing pending: no wait");
});
