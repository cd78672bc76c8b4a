import assert from "node:assert/strict";
import { test, expect } from "proctor";

test("node:assert works too", () => {
  assert.equal("proctor".toUpperCase(), "PROCTOR");
});

test("matches patterns", () => {
  expect("proctor runs one test at a time").toMatch(/one test/);
  expect({ name: "proctor", tags: ["fast"] }).toHaveProperty("tags.0", "fast");
});
