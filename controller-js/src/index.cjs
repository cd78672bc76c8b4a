// The CommonJS face of the test API, for test files that `require("proctor")`.
//
// It re-exports the instance that index.js created (the controller imports index.js before
// any test file), because CommonJS cannot load the ES modules synchronously here and a
// separate copy would register tests nobody runs.
"use strict";

if (globalThis.__proctor === undefined) {
  throw new Error(
    'require("proctor") works only inside a proctor run: the controller must load before the test files. ' +
      "Run the tests with the proctor command.",
  );
}
module.exports = globalThis.__proctor;
