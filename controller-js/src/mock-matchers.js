// The matchers that judge a mock's record of calls (mock.js): toHaveBeenCalled and kin, with
// Jest's older aliases (toBeCalled, lastCalledWith, ...). Same contract as matchers.js.

import { equals } from "./equals.js";
import { givenName, isMockFunction } from "./mock.js";
import { matcherHint, MatcherUsageError, show } from "./matchers.js";

function requireMock(name, context, received, expected) {
  if (!isMockFunction(received)) {
    throw new MatcherUsageError(
      `${matcherHint(name, context, { expected })}\n\nReceived value must be a mock or spy function.\nReceived: ${show(received)}`,
    );
  }
}

function requireCount(name, context, value, expected) {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MatcherUsageError(
      `${matcherHint(name, context, { expected })}\n\nExpected value must be a non-negative integer.\nExpected: ${show(value)}`,
    );
  }
}

function requirePosition(name, context, value) {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new MatcherUsageError(
      `${matcherHint(name, context, { expected: "n, ...expected" })}\n\nn must be a positive integer.\nn: ${show(value)}`,
    );
  }
}

// "Received: 1: [1, 2]\n          2: ..." — the calls (or returns) Jest lists under a failure.
// At most the last 10, so a mock called thousands of times keeps a readable failure.
function listed(label, values, print = show) {
  if (values.length === 0) return `${label}: none`;
  const first = values.length > 10 ? values.length - 10 : 0;
  const shown = values.slice(first).map((value, index) => `${first + index + 1}: ${print(value)}`);
  return `${label}: ${shown.join(`\n${" ".repeat(label.length + 2)}`)}`;
}

// " save" for a mock named save, nothing for an unnamed one: "Expected the mock save to ...".
function mockName(received) {
  const name = givenName(received);
  return name === null ? "" : ` ${name}`;
}

const returnsOf = (received) => received.mock.results.filter((result) => result.type === "return");

function requireNoArguments(name, context, rest) {
  if (rest.length > 0) {
    throw new MatcherUsageError(
      `${matcherHint(name, context, { expected: "" })}\n\nThis matcher takes no arguments.\nGot: ${show(rest)}`,
    );
  }
}

function called(name) {
  return function (received, ...rest) {
    requireMock(name, this, received, "");
    requireNoArguments(name, this, rest);
    const calls = received.mock.calls;
    return {
      pass: calls.length > 0,
      message: () =>
        `${matcherHint(name, this, { expected: "" })}\n\n` +
        `Expected the mock${mockName(received)} ${this.isNot ? "not " : ""}to be called\n` +
        `Received number of calls: ${calls.length}` +
        (this.isNot ? `\n${listed("Calls", calls)}` : ""),
    };
  };
}

function calledExactly(name) {
  return function (received, expected) {
    requireMock(name, this, received, "expected");
    requireCount(name, this, expected, "expected");
    const count = received.mock.calls.length;
    return {
      pass: count === expected,
      message: () =>
        `${matcherHint(name, this)}\n\nExpected number of calls: ${this.isNot ? "not " : ""}${expected}\n` +
        `Received number of calls: ${count}`,
    };
  };
}

// The diff shows the expected arguments against the call nearest to them in the record: the
// one asked about, or the last call when any call would do.
function calledWith(name, pick) {
  return function (received, ...args) {
    const position = pick === "nth" ? args.shift() : undefined;
    requireMock(name, this, received, pick === "nth" ? "n, ...expected" : "...expected");
    if (pick === "nth") requirePosition(name, this, position);
    const calls = received.mock.calls;
    let pass;
    let compared;
    if (pick === "any") {
      pass = calls.some((call) => equals(call, args));
      compared = calls.at(-1);
    } else {
      compared = pick === "last" ? calls.at(-1) : calls[position - 1];
      pass = compared !== undefined && equals(compared, args);
    }
    const which = pick === "last" ? "last call" : pick === "nth" ? `call ${position}` : "a call";
    return {
      pass,
      ...(compared !== undefined ? { expected: args, actual: compared } : {}),
      message: () =>
        `${matcherHint(name, this, { expected: pick === "nth" ? "n, ...expected" : "...expected" })}\n\n` +
        `Expected ${which} of the mock${mockName(received)} ${this.isNot ? "not " : ""}to have arguments: ${show(args)}\n` +
        `${listed("Received calls", calls)}\n\nNumber of calls: ${calls.length}`,
    };
  };
}

// Vitest's toHaveReturned ignores arguments, where Jest rejects them; proctor accepts them too,
// so suites of either pass.
function returned(name) {
  return function (received) {
    requireMock(name, this, received, "");
    const returns = returnsOf(received);
    return {
      pass: returns.length > 0,
      message: () =>
        `${matcherHint(name, this, { expected: "" })}\n\n` +
        `Expected the mock${mockName(received)} ${this.isNot ? "not " : ""}to have returned\n` +
        `Received number of returns: ${returns.length}\nReceived number of calls:   ${received.mock.calls.length}`,
    };
  };
}

function returnedExactly(name) {
  return function (received, expected) {
    requireMock(name, this, received, "expected");
    requireCount(name, this, expected, "expected");
    const count = returnsOf(received).length;
    return {
      pass: count === expected,
      message: () =>
        `${matcherHint(name, this)}\n\nExpected number of returns: ${this.isNot ? "not " : ""}${expected}\n` +
        `Received number of returns: ${count}\nReceived number of calls:   ${received.mock.calls.length}`,
    };
  };
}

function describeResult(result) {
  if (result.type === "return") return show(result.value);
  if (result.type === "throw") return `threw ${show(result.value)}`;
  return "did not return yet";
}

function returnedWith(name, pick) {
  return function (received, ...args) {
    const position = pick === "nth" ? args.shift() : undefined;
    const expected = args[0];
    requireMock(name, this, received, pick === "nth" ? "n, expected" : "expected");
    if (pick === "nth") requirePosition(name, this, position);
    const results = received.mock.results;
    const matches = (result) => result !== undefined && result.type === "return" && equals(result.value, expected);
    let pass;
    let compared;
    if (pick === "any") {
      pass = results.some(matches);
      compared = results.at(-1);
    } else {
      compared = pick === "last" ? results.at(-1) : results[position - 1];
      pass = matches(compared);
    }
    const which = pick === "last" ? "last call" : pick === "nth" ? `call ${position}` : "a call";
    return {
      pass,
      ...(compared?.type === "return" ? { expected, actual: compared.value } : {}),
      message: () =>
        `${matcherHint(name, this, { expected: pick === "nth" ? "n, expected" : "expected" })}\n\n` +
        `Expected ${which} of the mock${mockName(received)} ${this.isNot ? "not " : ""}to return: ${show(expected)}\n` +
        `${listed("Received", results, describeResult)}\n\n` +
        `Number of calls: ${results.length}`,
    };
  };
}

// Vitest's toHaveBeenCalledOnce: exactly one call.
function calledOnce(received, ...rest) {
  requireMock("toHaveBeenCalledOnce", this, received, "");
  requireNoArguments("toHaveBeenCalledOnce", this, rest);
  const count = received.mock.calls.length;
  return {
    pass: count === 1,
    message: () =>
      `${matcherHint("toHaveBeenCalledOnce", this, { expected: "" })}\n\n` +
      `Expected the mock${mockName(received)} ${this.isNot ? "not " : ""}to be called once\n` +
      `Received number of calls: ${count}`,
  };
}

// Vitest's toHaveBeenCalledExactlyOnceWith: one call, and with these arguments.
function calledExactlyOnceWith(received, ...args) {
  const name = "toHaveBeenCalledExactlyOnceWith";
  requireMock(name, this, received, "...expected");
  const calls = received.mock.calls;
  const pass = calls.length === 1 && equals(calls[0], args);
  return {
    pass,
    ...(calls.length === 1 ? { expected: args, actual: calls[0] } : {}),
    message: () =>
      `${matcherHint(name, this, { expected: "...expected" })}\n\n` +
      `Expected the mock${mockName(received)} ${this.isNot ? "not " : ""}to be called once with arguments: ${show(args)}\n` +
      `${listed("Received calls", calls)}\n\nNumber of calls: ${calls.length}`,
  };
}

// Vitest's toHaveBeenCalledBefore/After: compares the first calls of two mocks. Without a
// call of the earlier one, it passes only when `failIfNoFirstInvocation` is false.
function calledInOrder(name, receivedFirst) {
  return function (received, other, failIfNoFirstInvocation = true) {
    requireMock(name, this, received, "mock");
    if (!isMockFunction(other)) {
      throw new MatcherUsageError(`${matcherHint(name, this, { expected: "mock" })}\n\n${show(other)} is not a spy or a call to a spy`);
    }
    const [before, after] = receivedFirst ? [received, other] : [other, received];
    const beforeOrder = before.mock.invocationCallOrder;
    const afterOrder = after.mock.invocationCallOrder;
    const pass =
      beforeOrder.length === 0 ? !failIfNoFirstInvocation : afterOrder.length > 0 && beforeOrder[0] < afterOrder[0];
    const word = receivedFirst ? "before" : "after";
    const label = (mock) => `"${mock.getMockName()}"`;
    return {
      pass,
      message: () =>
        `${matcherHint(name, this, { expected: "mock" })}\n\n` +
        `expected ${label(received)} ${this.isNot ? "to not" : "to"} have been called ${word} ${label(other)}\n` +
        `First call of ${label(received)}: ${received.mock.invocationCallOrder[0] ?? "none"}\n` +
        `First call of ${label(other)}: ${other.mock.invocationCallOrder[0] ?? "none"}`,
    };
  };
}

// Vitest's toHaveResolved family: the same questions as toHaveReturned's, about the values the
// returned promises fulfilled with (`mock.settledResults`).
function resolved(name, kind) {
  return function (received, ...args) {
    const position = kind === "nth" ? args.shift() : undefined;
    requireMock(name, this, received, kind === "times" ? "expected" : kind === "nth" ? "n, expected" : kind === "any" ? "" : "expected");
    if (kind === "nth") requirePosition(name, this, position);
    const settled = received.mock.settledResults;
    const fulfilled = settled.filter((result) => result.type === "fulfilled");
    const expected = args[0];
    const matches = (result) => result !== undefined && result.type === "fulfilled" && equals(result.value, expected);
    let pass;
    let wanted;
    if (kind === "any") {
      pass = fulfilled.length > 0;
      wanted = "to have resolved";
    } else if (kind === "times") {
      requireCount(name, this, expected, "expected");
      pass = fulfilled.length === expected;
      wanted = `to have resolved ${expected} times`;
    } else if (kind === "with") {
      pass = settled.some(matches);
      wanted = `to have resolved with: ${show(expected)}`;
    } else if (kind === "last") {
      pass = matches(settled.at(-1));
      wanted = `to have last resolved with: ${show(expected)}`;
    } else {
      pass = matches(settled[position - 1]);
      wanted = `to have resolved with ${show(expected)} in settled result ${position}`;
    }
    return {
      pass,
      message: () =>
        `${matcherHint(name, this, { expected: kind === "any" ? "" : kind === "nth" ? "n, expected" : "expected" })}\n\n` +
        `Expected the mock${mockName(received)} ${this.isNot ? "not " : ""}${wanted}\n` +
        `${listed("Received", settled, (result) => `${result.type} ${show(result.value)}`)}\n\n` +
        `Number of settled promises: ${settled.length}`,
    };
  };
}

/** The mock matchers by name, Jest's current names and its older aliases. */
export const mockMatchers = {
  toHaveBeenCalled: called("toHaveBeenCalled"),
  toBeCalled: called("toBeCalled"),
  toHaveBeenCalledTimes: calledExactly("toHaveBeenCalledTimes"),
  toHaveBeenCalledOnce: calledOnce,
  toHaveBeenCalledExactlyOnceWith: calledExactlyOnceWith,
  toHaveBeenCalledBefore: calledInOrder("toHaveBeenCalledBefore", true),
  toHaveBeenCalledAfter: calledInOrder("toHaveBeenCalledAfter", false),
  toBeCalledTimes: calledExactly("toBeCalledTimes"),
  toHaveBeenCalledWith: calledWith("toHaveBeenCalledWith", "any"),
  toBeCalledWith: calledWith("toBeCalledWith", "any"),
  toHaveBeenLastCalledWith: calledWith("toHaveBeenLastCalledWith", "last"),
  lastCalledWith: calledWith("lastCalledWith", "last"),
  toHaveBeenNthCalledWith: calledWith("toHaveBeenNthCalledWith", "nth"),
  nthCalledWith: calledWith("nthCalledWith", "nth"),
  toHaveReturned: returned("toHaveReturned"),
  toReturn: returned("toReturn"),
  toHaveReturnedTimes: returnedExactly("toHaveReturnedTimes"),
  toReturnTimes: returnedExactly("toReturnTimes"),
  toHaveReturnedWith: returnedWith("toHaveReturnedWith", "any"),
  toReturnWith: returnedWith("toReturnWith", "any"),
  toHaveLastReturnedWith: returnedWith("toHaveLastReturnedWith", "last"),
  lastReturnedWith: returnedWith("lastReturnedWith", "last"),
  toHaveNthReturnedWith: returnedWith("toHaveNthReturnedWith", "nth"),
  toHaveResolved: resolved("toHaveResolved", "any"),
  toHaveResolvedTimes: resolved("toHaveResolvedTimes", "times"),
  toHaveResolvedWith: resolved("toHaveResolvedWith", "with"),
  toHaveLastResolvedWith: resolved("toHaveLastResolvedWith", "last"),
  toHaveNthResolvedWith: resolved("toHaveNthResolvedWith", "nth"),
  nthReturnedWith: returnedWith("nthReturnedWith", "nth"),
};
