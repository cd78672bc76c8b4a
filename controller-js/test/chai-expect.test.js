// chai's BDD chain on proctor's expect (chai-expect.js): chains passing and failing, `.not` from
// either world, `.resolves`/`.rejects`, the failure's diff fields and stack, chai's `assert`,
// `chai.use` plugins, and the serialized error the host receives.

import assert from "node:assert/strict";
import { test } from "node:test";
import { assert as chaiAssert, chai, should } from "../src/chai-expect.js";
import { serializeError } from "../src/errors.js";
import { expect } from "../src/expect.js";
import api from "../src/index.js";

/** Runs `run`, which must throw chai's AssertionError matching `message`; returns the error. */
function chaiFails(run, message) {
  let thrown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof chai.AssertionError, `expected chai's AssertionError, got ${thrown}`);
  assert.match(thrown.message, message);
  return thrown;
}

// [chain that passes, chain that fails, the failure's message]
const chains = [
  [() => expect(1).to.equal(1), () => expect(1).to.equal(2), /expected 1 to equal 2/],
  [() => expect(true).to.be.true, () => expect(1).to.be.true, /expected 1 to be true/],
  [() => expect(false).to.be.false, () => expect(0).to.be.false, /expected \+0 to be false/],
  [() => expect(null).to.be.null, () => expect(0).to.be.null, /expected \+0 to be null/],
  [() => expect(undefined).to.be.undefined, () => expect(0).to.be.undefined, /to be undefined/],
  [() => expect({ a: [1] }).to.deep.equal({ a: [1] }), () => expect({ a: [1] }).to.deep.equal({ a: [2] }), /deeply equal/],
  [() => expect({ a: [1] }).to.eql({ a: [1] }), () => expect({ a: [1] }).eql({ a: 1 }), /deeply equal/],
  [() => expect({ a: 1 }).to.have.property("a", 1), () => expect({ a: 1 }).to.have.property("b"), /to have property 'b'/],
  [() => expect({ a: { b: 2 } }).to.have.nested.property("a.b", 2), () => expect({}).to.have.nested.property("a.b"), /nested property/],
  [() => expect([1, 2, 3]).to.include(2), () => expect([1, 2, 3]).to.include(4), /to include 4/],
  [() => expect("hello").to.contain("ell"), () => expect("hello").to.contain("xyz"), /to include 'xyz'/],
  [() => expect({ a: 1, b: 2 }).to.include({ a: 1 }), () => expect({ a: 1 }).to.include({ a: 2 }), /to have property 'a' of 2/],
  [() => expect([1, 2, 3]).to.have.length(3), () => expect([1, 2]).to.have.length(3), /to have a length of 3 but got 2/],
  [() => expect("abc").to.have.lengthOf(3), () => expect("ab").to.have.lengthOf(3), /length of 3/],
  [() => expect([1, 2, 3]).to.have.length.above(2), () => expect([1]).to.have.length.above(2), /length above 2/],
  [() => expect([1, 2, 3]).to.have.members([3, 1, 2]), () => expect([1, 2]).to.have.members([1, 3]), /same members/],
  [() => expect([1, 2, 3]).to.include.members([1, 2]), () => expect([1, 2]).to.include.members([4]), /superset/],
  [() => expect(5).to.be.above(3).and.below(10), () => expect(5).to.be.below(3), /expected 5 to be below 3/],
  [() => expect(5).to.be.at.least(5), () => expect(5).to.be.at.most(4), /at most 4/],
  [() => expect("x").to.be.a("string"), () => expect("x").to.be.an("array"), /to be an array/],
  [() => expect(new Map()).to.be.instanceOf(Map), () => expect({}).to.be.an.instanceof(Map), /instance of Map/],
  [() => expect(0).to.exist, () => expect(null).to.exist, /to exist/],
  [() => expect([]).to.be.empty, () => expect([1]).to.be.empty, /to be empty/],
  [() => expect(1).to.be.ok, () => expect(0).to.be.ok, /to be truthy/],
  [() => expect(1.5).to.be.closeTo(1.4, 0.2), () => expect(1.5).to.be.closeTo(1, 0.2), /close to 1/],
  [() => expect("abc").to.match(/b/), () => expect("abc").to.match(/x/), /to match \/x\//],
  [() => expect(3).to.satisfy((n) => n > 2), () => expect(1).to.satisfy((n) => n > 2), /to satisfy/],
  [() => expect({ a: 1, b: 2 }).to.have.all.keys("a", "b"), () => expect({ a: 1 }).to.have.keys("b"), /to have key 'b'/],
  [() => expect({ a: 1, b: 2 }).to.have.any.keys("a", "z"), () => expect({ a: 1 }).to.have.any.keys("z"), /to have key 'z'/],
  [() => expect(2).to.be.oneOf([1, 2]), () => expect(3).to.be.oneOf([1, 2]), /to be one of/],
  [() => expect(Object.freeze({})).to.be.frozen, () => expect({}).to.be.frozen, /to be frozen/],
  [() => expect(NaN).to.be.NaN, () => expect(1).to.be.NaN, /to be NaN/],
  [() => expect({ a: 1, b: { c: 2 } }).to.containSubset({ b: { c: 2 } }), () => expect({ a: 1 }).to.containSubset({ a: 2 }), /contain subset/],
  [
    () => expect(() => { throw new TypeError("boom"); }).to.throw(TypeError, "boom"),
    () => expect(() => {}).to.throw(),
    /to throw an error/,
  ],
  [() => expect(1).to.equal(1).and.not.equal(2), () => expect(1).to.equal(1).and.equal(2), /expected 1 to equal 2/],
];

for (const [index, [passes, failsWith, message]] of chains.entries()) {
  test(`chai chain ${index + 1}: passes, and fails with ${message}`, () => {
    passes();
    chaiFails(failsWith, message);
  });
}

test("chai: `.not` from proctor's expect and from chai's chain both negate", () => {
  expect(1).not.to.equal(2);
  expect(1).to.not.equal(2);
  expect([1]).not.to.be.empty;
  chaiFails(() => expect(1).not.to.equal(1), /expected 1 to not equal 1/);
  chaiFails(() => expect(1).to.not.equal(1), /expected 1 to not equal 1/);
  chaiFails(() => expect(() => { throw new Error("x"); }).not.to.throw(), /to not throw/);
  // chai's `not` sets its flag rather than toggling it: twice is still negated.
  chaiFails(() => expect(1).not.to.not.equal(1), /to not equal 1/);
  // Jest's matchers keep their own `.not`.
  expect(1).not.toBe(2);
  assert.throws(() => expect(1).not.toBe(1), /not\.toBe/);
});

test("chai: methods work straight off expect(x), without a chain word", () => {
  expect(1).equal(1);
  expect([1, 2]).include(2);
  expect([1, 2]).members([2, 1]);
  expect(true).true;
  chaiFails(() => expect(1).equal(2), /expected 1 to equal 2/);
  chaiFails(() => expect(false).true, /expected false to be true/);
});

test("chai: a failure carries expected/actual for the diff, and its stack starts at the caller", () => {
  function theTestLine() {
    expect({ a: 1, b: [1, 2] }).to.deep.equal({ a: 1, b: [1, 3] });
  }
  const error = chaiFails(theTestLine, /deeply equal/);
  assert.deepEqual(error.expected, { a: 1, b: [1, 3] });
  assert.equal(error.showDiff, true);
  assert.match(error.stack.split("\n")[1], /theTestLine .*chai-expect\.test\.js/);
  const wire = serializeError(error);
  assert.equal(wire.name, "AssertionError");
  assert.match(wire.expected, /3/);
  assert.match(wire.actual, /2/);
  assert.notEqual(wire.expected, wire.actual);
  assert.match(wire.stack, /theTestLine/);
  assert.doesNotMatch(wire.stack, /vendor\/chai\.js|chai-expect\.js/);

  for (const run of [() => expect(2).equal(3), () => expect(false).to.be.true, () => expect([1]).to.include(5)]) {
    const direct = chaiFails(run, /expected/);
    assert.match(direct.stack.split("\n")[1], /chai-expect\.test\.js/, direct.stack);
  }
});

test("chai: a misspelt word is chai's error with a hint, and probes such as `then` stay undefined", () => {
  assert.throws(() => expect(1).to.be.ture, /Invalid Chai property: ture\. Did you mean "true"\?/);
  assert.throws(() => expect(1).ture, /Invalid Chai property: ture\. Did you mean "true"\?/);
  assert.equal(expect(1).then, undefined);
  assert.equal(expect(1).toJSON, undefined);
  assert.equal(expect(1)[Symbol.iterator], undefined);
});

test("chai: `.resolves` and `.rejects` replay the chain on the settled value", async () => {
  await expect(Promise.resolve(3)).resolves.to.equal(3);
  await expect(Promise.resolve({ a: [1] })).resolves.to.deep.equal({ a: [1] });
  await expect(Promise.resolve(true)).resolves.to.be.true;
  await expect(Promise.resolve(3)).resolves.not.to.equal(4);
  await expect(Promise.reject(new Error("gone"))).rejects.to.have.property("message", "gone");
  await expect(Promise.reject(new RangeError("gone"))).rejects.to.be.an.instanceOf(RangeError);
  await expect(async () => 5).resolves.to.be.above(4);

  async function theAsyncTestLine() {
    await expect(Promise.resolve(3)).resolves.to.equal(4);
  }
  await assert.rejects(theAsyncTestLine(), (error) => {
    assert.match(error.message, /expected 3 to equal 4/);
    assert.equal(error.expected, 4);
    assert.match(error.stack.split("\n")[1], /theAsyncTestLine/);
    return true;
  });
  await assert.rejects(expect(Promise.resolve(false)).resolves.to.be.true, /expected false to be true/);
  await assert.rejects(expect(Promise.reject(new Error("x"))).resolves.to.equal(1), /rejected instead of resolved/);
  await assert.rejects(expect(Promise.resolve(1)).rejects.to.equal(1), /resolved instead of rejected/);
  await assert.rejects(expect(Promise.resolve(1)).resolves.to.be.whatever(), /Invalid Chai property: whatever/);
});

test("chai: assert is chai's, with diff fields", () => {
  chaiAssert.equal(1, 1);
  chaiAssert.deepEqual({ a: [1] }, { a: [1] });
  chaiAssert.isTrue(true);
  chaiAssert.include([1, 2], 2);
  chaiAssert.throws(() => {
    throw new Error("x");
  }, /x/);
  const error = chaiFails(() => chaiAssert.deepEqual({ a: 1 }, { a: 2 }), /deeply equal/);
  const wire = serializeError(error);
  assert.match(wire.expected, /"a": 2/);
  assert.match(wire.actual, /"a": 1/);
  assert.equal(chaiAssert, chai.assert);
});

test("chai: the test API exports chai, assert and should, and installs chai and assert globals", () => {
  assert.equal(api.chai, chai);
  assert.equal(api.assert, chaiAssert);
  assert.equal(api.should, should);
  assert.equal(globalThis.chai, chai);
  assert.equal(globalThis.assert, chaiAssert);
});

test("chai.use: a plugin's property, method and chainable method reach expect(x), with .not", () => {
  chai.use((lib, utils) => {
    lib.Assertion.addProperty("even", function () {
      this.assert(utils.flag(this, "object") % 2 === 0, "expected #{this} to be even", "expected #{this} not to be even");
    });
    lib.Assertion.addMethod("divisibleBy", function (n) {
      const value = this._obj;
      this.assert(value % n === 0, "expected #{this} to be divisible by #{exp}", "expected #{this} not to be divisible by #{exp}", n, value);
    });
    lib.Assertion.overwriteMethod("equal", (original) =>
      function (expected) {
        if (expected === "anything") return;
        original.apply(this, arguments);
      },
    );
  });
  expect(4).to.be.even;
  expect(4).even;
  expect(3).not.to.be.even;
  expect(3).to.not.be.even;
  expect(9).to.be.divisibleBy(3);
  expect(9).not.to.be.divisibleBy(2);
  expect(9).to.equal("anything");
  expect(9).to.equal(9);
  chaiFails(() => expect(3).to.be.even, /expected 3 to be even/);
  chaiFails(() => expect(4).not.to.be.even, /expected 4 not to be even/);
  const error = chaiFails(() => expect(10).to.be.divisibleBy(3), /expected 10 to be divisible by 3/);
  assert.equal(error.expected, 3);
  chaiFails(() => expect(9).to.equal(8), /expected 9 to equal 8/);
});

test("chai: Jest's matchers also follow chai words and work on chai's own assertions, as in Vitest", () => {
  expect(1).to.toBe(1);
  expect({ a: 1 }).to.deep.toEqual({ a: 1 });
  expect(1).to.not.toBe(2);
  assert.throws(() => expect(1).to.not.toBe(1), /not\.toBe/);
  chai.expect([1, 2]).toHaveLength(2);
  assert.throws(() => chai.expect([1, 2]).toHaveLength(3), /toHaveLength/);
  expect.extend({
    toBeSeven(received) {
      return { pass: received === 7, message: () => `expected ${received} to be seven` };
    },
  });
  expect(7).to.be.toBeSeven();
  expect(6).not.to.toBeSeven();
  assert.throws(() => expect(6).to.toBeSeven(), /expected 6 to be seven/);
  // An unknown name is chai's error, with the nearest name as a hint.
  assert.throws(() => expect(1).toBee(1), /Invalid Chai property: toBee\. Did you mean "toBe"\?/);
});

test("expect(value, message): the message opens the failure, for chai chains and Jest's matchers, as in Vitest", async () => {
  chaiFails(() => expect(1, "the count").to.equal(2), /^the count: expected 1 to equal 2$/);
  assert.throws(() => expect(1, "the count").toBe(2), /^AssertionError: the count: expect\(received\)\.toBe\(expected\)/);
  assert.throws(() => expect(1, "the count").not.toBe(1), /^AssertionError: the count: expect\(received\)\.not\.toBe/);
  assert.throws(() => expect(1, "the count").to.not.toBe(1), /^AssertionError: the count: expect\(received\)\.not\.toBe/);
  await assert.rejects(expect(Promise.resolve(1), "later").resolves.to.equal(2), /^AssertionError: later: expected 1 to equal 2$/);
  await assert.rejects(expect(Promise.resolve(1), "later").resolves.toBe(2), /^AssertionError: later: expect\(received\)\.resolves\.toBe/);
  // Without one, nothing is added.
  chaiFails(() => expect(1).to.equal(2), /^expected 1 to equal 2$/);
});

test("expect.fail is chai's, as on Vitest's expect", () => {
  chaiFails(() => expect.fail("should not get here"), /^should not get here$/);
  const error = chaiFails(() => expect.fail(1, 2, "numbers differ"), /^numbers differ$/);
  assert.equal(error.expected, 2);
  assert.equal(error.actual, 1);
});

test("chai: a chain counts as one assertion for expect.assertions(n), as each expect() does in Vitest", async () => {
  const { resetAssertions, checkAssertions } = await import("../src/expect.js");
  resetAssertions();
  expect.assertions(5);
  expect(5).to.be.above(3).and.below(10);
  expect(1).not.to.equal(2);
  expect(1).toBe(1);
  expect(1).to.not.toBe(2);
  await expect(Promise.resolve(1)).resolves.to.equal(1);
  assert.equal(checkAssertions(), undefined);
  resetAssertions();
  expect.hasAssertions();
  expect(true).to.be.true;
  assert.equal(checkAssertions(), undefined);
  resetAssertions();
  expect.assertions(2);
  expect(true).to.be.true;
  assert.match(checkAssertions().message, /Expected 2 assertions to be called but received 1 assertion/);
  resetAssertions();
});
