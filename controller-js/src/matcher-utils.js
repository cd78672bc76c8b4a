// `this.utils` of a matcher added with `expect.extend`: the jest-matcher-utils functions custom
// matchers call (matcherHint, printReceived, printExpected, stringify, diff, ...), with Jest's
// signatures. Colors are the identity: the host prints failures in plain text and colors them
// itself.

import { format, formatCompact } from "./format.js";

const plain = (text) => String(text);

/** Prints a value on one line, as jest-matcher-utils' `stringify`. */
export function stringify(value, maxDepth = 10) {
  const text = formatCompact(value, maxDepth);
  return text.length > 10_000 ? `${text.slice(0, 10_000)}…` : text;
}

/**
 * jest-matcher-utils' `matcherHint(matcherName, received, expected, options)`:
 * `expect(received).not.toBe(expected)`.
 */
export function matcherHint(matcherName, received = "received", expected = "expected", options = {}) {
  const { comment = "", isDirectExpectCall = false, isNot = false, promise = "", secondArgument = "" } = options ?? {};
  let hint = "";
  let close = "expect";
  if (!isDirectExpectCall && received !== "") {
    hint += `expect(${received}`;
    close = ")";
  }
  if (promise !== "") {
    hint += `${close}.${promise}`;
    close = "";
  }
  if (isNot) {
    hint += `${close}.not`;
    close = "";
  }
  if (matcherName.includes(".")) {
    hint += close + matcherName;
  } else {
    hint += `${close}.${matcherName}`;
  }
  if (expected !== "") {
    hint += `(${expected}`;
    if (secondArgument) hint += `, ${secondArgument}`;
    hint += ")";
  } else {
    hint += "()";
  }
  if (comment !== "") hint += ` // ${comment}`;
  return hint;
}

/** A received value as failure messages print it. */
export function printReceived(value) {
  return stringify(value);
}

/** An expected value as failure messages print it. */
export function printExpected(value) {
  return stringify(value);
}

/** `"name has type: number\nname has value: 1"`, as jest-matcher-utils prints a wrong value. */
export function printWithType(name, value, print = stringify) {
  const type = value === null ? "null" : typeof value;
  const printed = type === "null" || type === "undefined" ? "" : `\n${name} has value: ${print(value)}`;
  return `${name} has type:  ${type}${printed}`;
}

/**
 * A line diff of two values, `- Expected` / `+ Received`; null when they print alike (as
 * jest-diff, which returns null when there is nothing to show).
 */
export function diff(expected, received, options = {}) {
  const aLines = (typeof expected === "string" ? expected : format(expected)).split("\n");
  const bLines = (typeof received === "string" ? received : format(received)).split("\n");
  if (aLines.join("\n") === bLines.join("\n")) return null;
  const aAnnotation = options?.aAnnotation ?? "Expected";
  const bAnnotation = options?.bAnnotation ?? "Received";
  const lines = [`- ${aAnnotation}`, `+ ${bAnnotation}`, ""];
  for (const [kind, line] of lineDiff(aLines, bLines)) lines.push(`${kind} ${line}`);
  return lines.join("\n");
}

// The longest common subsequence of two line lists, as "-", "+" and " " lines.
function lineDiff(a, b) {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Array(rows * cols).fill(0);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] = a[i] === b[j] ? table[(i + 1) * cols + j + 1] + 1 : Math.max(table[(i + 1) * cols + j], table[i * cols + j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push([" ", a[i]]);
      i++;
      j++;
    } else if (table[(i + 1) * cols + j] >= table[i * cols + j + 1]) out.push(["-", a[i++]]);
    else out.push(["+", b[j++]]);
  }
  while (i < a.length) out.push(["-", a[i++]]);
  while (j < b.length) out.push(["+", b[j++]]);
  return out;
}

/** jest-matcher-utils' `printDiffOrStringify`: a diff, or both values when no diff helps. */
export function printDiffOrStringify(expected, received, expectedLabel = "Expected", receivedLabel = "Received") {
  const difference = typeof expected === typeof received && typeof expected === "object" ? diff(expected, received) : null;
  if (difference !== null) return difference;
  return `${expectedLabel}: ${printExpected(expected)}\n${receivedLabel}: ${printReceived(received)}`;
}

/** Throws when a matcher that takes no argument got one, as jest-matcher-utils. */
export function ensureNoExpected(expected, matcherName, options) {
  if (typeof expected !== "undefined") {
    throw new Error(`${matcherHint(`[.not]${matcherName ?? "This matcher"}`, undefined, "", options)}\n\nthis matcher must not have an expected argument`);
  }
}

/** Throws unless both values are numbers (or bigints), as jest-matcher-utils. */
export function ensureNumbers(actual, expected, matcherName, options) {
  for (const [label, value] of [
    ["received", actual],
    ["expected", expected],
  ]) {
    if (typeof value !== "number" && typeof value !== "bigint") {
      throw new Error(`${matcherHint(`[.not]${matcherName ?? "This matcher"}`, undefined, undefined, options)}\n\n${label} value must be a number or bigint`);
    }
  }
}

/** Pads labels to one width: `getLabelPrinter("Expected", "Received")("Expected")`. */
export function getLabelPrinter(...labels) {
  const width = Math.max(...labels.map((label) => label.length));
  return (label) => `${label}: ${" ".repeat(width - label.length)}`;
}

/** The `this.utils` object of custom matchers. */
export const matcherUtils = Object.freeze({
  EXPECTED_COLOR: plain,
  RECEIVED_COLOR: plain,
  INVERTED_COLOR: plain,
  BOLD_WEIGHT: plain,
  DIM_COLOR: plain,
  matcherHint,
  matcherErrorMessage: (hint, generic, specific) => `${hint}\n\nMatcher error: ${generic}${specific ? `\n\n${specific}` : ""}`,
  printReceived,
  printExpected,
  printWithType,
  printDiffOrStringify,
  stringify,
  diff,
  ensureNoExpected,
  ensureNumbers,
  ensureActualIsNumber: (actual, matcherName, options) => ensureNumbers(actual, 0, matcherName, options),
  ensureExpectedIsNumber: (expected, matcherName, options) => ensureNumbers(0, expected, matcherName, options),
  getLabelPrinter,
  pluralize: (word, count) => `${count === 1 ? "one" : count} ${word}${count === 1 ? "" : "s"}`,
  format,
  formatCompact,
});
