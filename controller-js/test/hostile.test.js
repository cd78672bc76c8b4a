// Hostile values (issue 11): whatever a test throws, returns or rejects with, the controller
// describes it safely and answers with a result at once, never leaving the host to time out.

import assert from "node:assert/strict";
import { test } from "node:test";
import * as proctor from "../src/index.js";
import { serializeError } from "../src/errors.js";
import { oneFile, runAll, startController } from "../test-support/fake-host.js";

const { it } = proctor;

const throwingProxy = () =>
  new Proxy(
    {},
    {
      get() {
        throw new Error("trap: get");
      },
      getPrototypeOf() {
        throw new Error("trap: getPrototypeOf");
      },
      has() {
        throw new Error("trap: has");
      },
      ownKeys() {
        throw new Error("trap: ownKeys");
      },
      getOwnPropertyDescriptor() {
        throw new Error("trap: getOwnPropertyDescriptor");
      },
    },
  );

class GetterError extends Error {
  get message() {
    throw new Error("message getter");
  }
  get stack() {
    throw new Error("stack getter");
  }
}

test("serializeError never throws, and says what it could not read", () => {
  const proxy = serializeError(throwingProxy());
  assert.equal(typeof proxy.name, "string");
  assert.equal(typeof proxy.message, "string");
  const getters = serializeError(new GetterError());
  assert.equal(getters.name, "Error");
  assert.match(getters.message, /message getter/);
  assert.equal(getters.stack, undefined);
  const symbol = serializeError({ [Symbol.toPrimitive]: () => { throw new Error("no"); }, message: "m", stack: "s" });
  assert.equal(symbol.message, "m");
});

test("hostile throws, rejections and thenables each fail their own test at once", async () => {
  const host = startController(
    oneFile(() => {
      it("throws a proxy", () => {
        throw throwingProxy();
      });
      it("rejects with a proxy", () => Promise.reject(throwingProxy()));
      it("throws an error whose getters throw", () => {
        throw new GetterError();
      });
      it("returns a thenable whose then getter throws", () => ({
        get then() {
          throw new Error("then getter");
        },
      }));
      it("returns a thenable whose then throws", () => ({
        then() {
          throw new Error("then itself");
        },
      }));
      it("returns a proxy", () => throwingProxy());
      it("done with a proxy", (done) => done(throwingProxy()));
      it("passes", () => {});
    }),
  );
  const { results } = await runAll(host);
  const byName = Object.fromEntries(Object.entries(results).map(([id, r]) => [id.split("::").pop(), r]));
  for (const [name, result] of Object.entries(byName)) {
    const want = name === "passes" ? "passed" : "failed";
    assert.equal(result.status, want, `${name}: ${JSON.stringify(result)}`);
    if (want === "failed") assert.equal(typeof result.error.message, "string", name);
  }
  assert.match(byName["returns a thenable whose then getter throws"].error.message, /then getter/);
  assert.match(byName["returns a thenable whose then throws"].error.message, /then itself/);
});
