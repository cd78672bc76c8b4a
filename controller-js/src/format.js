// The pretty printer behind failure messages, `expected`/`actual` diffs and `%p`/`%o` formatting.
//
// It follows Jest's pretty-format closely because users compare our output with what they know:
// `Object {\n  "a": 1,\n}`, `Array [\n  1,\n]`, quoted strings, sorted keys. The output must be
// deterministic (sorted keys, no addresses) because the host diffs `expected` against `actual`
// line by line. `min: true` gives the one-line form used inside messages and test names, and the
// printf helpers at the end serve `.each` names and console output on runtimes without node's
// `util.format`.

import { isDomCollection, isDomNode, printDomCollection, printDomNode } from "./format-dom.js";
import { givenName } from "./mock.js";

const INDENT = "  ";

/**
 * Formats any value. `snapshot: true` gives the form Jest 29 and Vitest write to snapshot files
 * (`printBasicPrototype: false, escapeString: false, printFunctionName: false`): `{` and `[`
 * without `Object`/`Array`, strings unescaped, functions as `[Function]`, mocks with their calls.
 * `escapeString` and `printBasicPrototype` turn on what Jest 28 and older wrote (their
 * `snapshotFormat` option): `\"` and `\\` in strings, `Object {` and `Array [`.
 * `plugins` are pretty-format plugins (expect.addSnapshotSerializer) tried before anything else.
 * @param {unknown} value
 * @param {{ min?: boolean, maxDepth?: number, snapshot?: boolean, escapeString?: boolean,
 *   printBasicPrototype?: boolean, plugins?: object[] }} [options]
 */
export function format(value, options = {}) {
  const snapshot = options.snapshot === true;
  const config = {
    min: options.min === true,
    maxDepth: options.maxDepth ?? Infinity,
    snapshot,
    escapeString: !snapshot || options.escapeString === true,
    // Failure messages name `Object`/`Array` unless one-line; snapshots only when asked to.
    basicPrototype: snapshot ? options.printBasicPrototype === true : options.min !== true,
    plugins: options.plugins ?? [],
    // Set while printing what a toJSON() returned, so its own toJSON is not called again.
    fromJson: false,
  };
  return print(value, config, "", 0, []);
}

/** The one-line form, e.g. `{"a": 1, "b": [1, 2]}`. */
export function formatCompact(value, maxDepth = 10) {
  return format(value, { min: true, maxDepth });
}

// What a plugin's serialize() gets as pretty-format's config, for the snapshot settings (with
// the format's escapeString and printBasicPrototype, see pluginConfig).
const PLUGIN_CONFIG = Object.freeze({
  callToJSON: true,
  compareKeys: undefined,
  escapeRegex: true,
  escapeString: false,
  indent: INDENT,
  maxDepth: Infinity,
  maxWidth: Infinity,
  min: false,
  plugins: [],
  printBasicPrototype: false,
  printFunctionName: false,
  spacingInner: "\n",
  spacingOuter: "\n",
  colors: Object.freeze(
    Object.fromEntries(["comment", "content", "prop", "tag", "value"].map((key) => [key, { open: "", close: "" }])),
  ),
});

const OLD_PLUGIN_CONFIG = Object.freeze({ ...PLUGIN_CONFIG, escapeString: true, printBasicPrototype: true });

function pluginConfig(config) {
  if (config.escapeString === config.basicPrototype) return config.escapeString ? OLD_PLUGIN_CONFIG : PLUGIN_CONFIG;
  return Object.freeze({ ...PLUGIN_CONFIG, escapeString: config.escapeString, printBasicPrototype: config.basicPrototype });
}

function printWithPlugin(serializer, value, config, indentation, depth, seen) {
  const printer = (inner, _config, innerIndentation = indentation, innerDepth = depth, refs = seen) =>
    print(inner, config, innerIndentation, innerDepth, refs);
  if (typeof serializer.serialize === "function") {
    return serializer.serialize(value, pluginConfig(config), indentation, depth, seen, printer);
  }
  const indent = (text) => text.replace(/^(?!$)/gm, INDENT);
  return serializer.print(value, (inner) => printer(inner), indent, { edgeSpacing: "\n", min: false, spacing: "\n" }, PLUGIN_CONFIG.colors);
}

function print(value, config, indentation, depth, seen) {
  if (config.plugins.length > 0) {
    const serializer = config.plugins.find((candidate) => {
      try {
        return candidate.test(value);
      } catch {
        return false;
      }
    });
    if (serializer !== undefined) return printWithPlugin(serializer, value, config, indentation, depth, seen);
  }
  if (config.snapshot && typeof value === "function") return printSnapshotFunction(value, config, indentation, depth, seen);
  const primitive = printPrimitive(value, config);
  if (primitive !== null) return primitive;
  if (typeof value.asymmetricMatch === "function" && typeof value.toAsymmetricMatcher === "function") {
    return value.toAsymmetricMatcher((inner) => print(inner, config, indentation, depth, seen));
  }
  if (isDomNode(value)) {
    return printDomNode(value, config, indentation, depth, (inner, at) => print(inner, config, at, depth + 1, seen));
  }
  if (isDomCollection(value)) {
    return printDomCollection(value, config, indentation, depth, (item, at) => print(item, config, at, depth + 1, seen));
  }
  if (seen.includes(value)) return "[Circular]";
  // In snapshots, as pretty-format's callToJSON: a URL is its string, a Buffer its JSON form.
  // Not in failure messages, where two values that differ could then print alike, and not on
  // what a toJSON() returned (it may copy its own toJSON along, as pretty-format guards too).
  if (config.snapshot && !config.fromJson && typeof value.toJSON === "function" && depth < config.maxDepth) {
    let json;
    try {
      json = value.toJSON();
    } catch {
      json = value;
    }
    if (json !== value) return print(json, { ...config, fromJson: true }, indentation, depth, [...seen, value]);
  }
  return printObject(value, config, indentation, depth, [...seen, value]);
}

// `[MockFunction]`, or `[MockFunction save]` for a mock named save.
function mockLabel(mock) {
  const name = givenName(mock);
  return name === null ? "[MockFunction]" : `[MockFunction ${name}]`;
}

// Jest's snapshot serializer: `[Function]`, and a mock with its calls and results once called.
function printSnapshotFunction(value, config, indentation, depth, seen) {
  if (value._isMockFunction !== true) return "[Function]";
  const { calls, results } = value.mock;
  if (calls.length === 0) return mockLabel(value);
  // A bare `{` whatever printBasicPrototype says: jest-snapshot's mock serializer writes it.
  const inner = indentation + INDENT;
  const entries = [
    `"calls": ${print(calls, config, inner, depth + 1, seen)}`,
    `"results": ${print(results, config, inner, depth + 1, seen)}`,
  ];
  return `${mockLabel(value)} ${block("{", "}", entries, config, indentation)}`;
}

// Returns null for values that need the recursive printer (objects and arrays).
function printPrimitive(value, config) {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "boolean":
      return String(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "string":
      return quote(value, config);
    case "symbol":
      return value.toString();
    case "function":
      if (value._isMockFunction === true) return mockLabel(value);
      return `[Function ${value.name || "anonymous"}]`;
  }
  if (value === null) return "null";
  const tag = Object.prototype.toString.call(value);
  if (tag === "[object Date]") {
    return Number.isNaN(value.getTime()) ? "Date { NaN }" : value.toISOString();
  }
  if (tag === "[object RegExp]") {
    // Jest's snapshots escape a regex's special characters (pretty-format's escapeRegex).
    return config?.snapshot ? String(value).replace(/[\\^$*+?.()|[\]{}]/g, "\\$&") : String(value);
  }
  if (tag === "[object Error]" || value instanceof Error) return `[${Error.prototype.toString.call(value)}]`;
  // Jest prints boxed primitives as plain objects in snapshots (`Number {}`).
  if (!config?.snapshot && (tag === "[object Boolean]" || tag === "[object Number]" || tag === "[object String]")) {
    return `[${tag.slice(8, -1)}: ${printPrimitive(value.valueOf(), config)}]`;
  }
  if (tag === "[object Promise]" || tag === "[object WeakMap]" || tag === "[object WeakSet]") {
    return `${tag.slice(8, -1)} {}`;
  }
  return null;
}

function quote(string, config) {
  if (config?.escapeString === false) return `"${string}"`;
  return `"${string.replace(/["\\]/g, "\\$&")}"`;
}

function constructorName(value) {
  const proto = Object.getPrototypeOf(value);
  if (proto === null) return "Object";
  const ctor = proto.constructor;
  return (typeof ctor === "function" && ctor.name) || "Object";
}

function printObject(value, config, indentation, depth, seen) {
  const tag = Object.prototype.toString.call(value);
  const name = tag === "[object Arguments]" ? "Arguments" : constructorName(value);
  const tooDeep = depth >= config.maxDepth;
  const inner = indentation + INDENT;
  const recurse = (item) => print(item, config, inner, depth + 1, seen);

  // In snapshots subclasses print as `Map {` and `Set {` (pretty-format names them by their
  // tag); in failure messages by their class, so a subclass and a Map do not print alike.
  if (value instanceof Map) {
    const label = config.snapshot ? "Map" : name;
    if (tooDeep) return `[${label}]`;
    const entries = [...value].map(([key, item]) => `${recurse(key)} => ${recurse(item)}`);
    return `${label} ${block("{", "}", entries, config, indentation)}`;
  }
  if (value instanceof Set) {
    const label = config.snapshot ? "Set" : name;
    if (tooDeep) return `[${label}]`;
    return `${label} ${block("{", "}", [...value].map(recurse), config, indentation)}`;
  }
  if (value instanceof ArrayBuffer && config.snapshot) return "ArrayBuffer []";
  if (value instanceof ArrayBuffer) {
    if (tooDeep) return `[${name}]`;
    return `${name} ${block("[", "]", [...new Uint8Array(value)].map(String), config, indentation)}`;
  }
  if (Array.isArray(value) || ArrayBuffer.isView(value) || name === "Arguments") {
    if (tooDeep) return `[${name}]`;
    const items = [];
    const isArray = Array.isArray(value);
    for (let i = 0; i < value.length; i++) {
      // Holes are shown, not printed as `undefined`, so toStrictEqual diffs explain themselves.
      // (In snapshots, as Jest writes them, a hole is an empty item.)
      items.push(isArray && !(i in value) ? (config.snapshot ? "" : "<empty>") : recurse(value[i]));
    }
    const prefix = !config.basicPrototype && name === "Array" ? "" : `${name} `;
    return prefix + block("[", "]", items, config, indentation);
  }

  if (tooDeep) return `[${name}]`;
  const keys = Object.keys(value).sort();
  const symbols = Object.getOwnPropertySymbols(value).filter(
    (symbol) => Object.getOwnPropertyDescriptor(value, symbol).enumerable,
  );
  const entries = [...keys, ...symbols].map((key) => {
    const label = typeof key === "symbol" ? key.toString() : quote(key, config);
    return `${label}: ${recurse(readProperty(value, key))}`;
  });
  const prefix = !config.basicPrototype && name === "Object" ? "" : `${name} `;
  return prefix + block("{", "}", entries, config, indentation);
}

// A throwing getter must not turn a failure message into a crash of the printer.
function readProperty(object, key) {
  try {
    return object[key];
  } catch (error) {
    return `[Getter threw: ${error && error.message}]`;
  }
}

function block(open, close, items, config, indentation) {
  if (items.length === 0) return open + close;
  if (config.min) return `${open}${items.join(", ")}${close}`;
  const inner = indentation + INDENT;
  return `${open}\n${items.map((item) => `${inner}${item},\n`).join("")}${indentation}${close}`;
}

/** Formats one printf argument the way node's util.format does, without node. */
export function formatPlaceholder(placeholder, value) {
  switch (placeholder) {
    case "%s":
      if (typeof value === "string") return value;
      if (typeof value === "bigint") return `${value}n`;
      if (Object.is(value, -0)) return "-0";
      return value === null || (typeof value !== "object" && typeof value !== "function") ? String(value) : formatCompact(value, 1);
    case "%d":
      if (typeof value === "bigint") return `${value}n`;
      if (typeof value === "symbol") return "NaN";
      return formatNumber(Number(value));
    case "%i":
      if (typeof value === "bigint") return `${value}n`;
      if (typeof value === "symbol") return "NaN";
      return formatNumber(parseInt(value, 10));
    case "%f":
      return typeof value === "symbol" ? "NaN" : formatNumber(parseFloat(value));
    case "%j":
      try {
        return JSON.stringify(value) ?? "undefined";
      } catch {
        return "[Circular]";
      }
    default:
      return formatCompact(value, placeholder === "%p" ? 1 : 4);
  }
}

function formatNumber(number) {
  return Object.is(number, -0) ? "-0" : String(number);
}

/**
 * `util.format` without node, for runtimes that lack it: printf placeholders in a leading string
 * (`%c` styles are dropped), then the remaining arguments, space-separated.
 */
export function formatArgs(args) {
  const parts = [];
  let next = 0;
  if (typeof args[0] === "string") {
    next = 1;
    parts.push(
      args[0].replace(/%[sdifjoOpc%]/g, (placeholder) => {
        if (placeholder === "%%") return "%";
        if (next >= args.length) return placeholder;
        const value = args[next++];
        return placeholder === "%c" ? "" : formatPlaceholder(placeholder, value);
      }),
    );
  }
  for (; next < args.length; next++) {
    const value = args[next];
    parts.push(typeof value === "string" ? value : formatCompact(value, 4));
  }
  return parts.join(" ");
}
