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

test("a hook's timers are the hook's until it settles, and a rejection right after one is too", async () => {
  const scope = { setTimeout, clearTimeout, setInterval };
  const hook = { name: "beforeAll hook" };
  const seen = [];
  const timers = trackTimers(scope, () => {});
  timers.within("first", () => {});
  let release;
  const settled = timers.withinHook(hook, () =>
    new Promise((resolve) => {
      release = resolve;
    }).then(() => scope.setTimeout(() => seen.push(["late", timers.scheduledBy()]), 1)),
  );
  scope.setTimeout(() => seen.push(["sync", timers.scheduledBy()]), 1);
  release();
  await settled;
  scope.setTimeout(() => seen.push(["test", timers.scheduledBy()]), 1);
  await timers.settle();
  assert.deepEqual(seen, [
    ["sync", hook],
    ["late", hook],
    ["test", "first"],
  ]);
  assert.equal(timers.rejectedBy(), undefined, "the test's callback ran last");
  await new Promise((resolve) => timers.withinHook(hook, () => scope.setTimeout(resolve, 1)));
  assert.equal(timers.rejectedBy(), hook, "the hook's callback ran last");
  assert.equal(timers.scheduledBy(), undefined);
  timers.within("second", () => {});
  assert.equal(timers.rejectedBy(), undefined, "a test started since");
});
