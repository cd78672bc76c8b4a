// Evaluates another runner's config file for `proctor init` (host/src/init/evaluate.rs):
// `node --import node-register.js init-config.js <manifest> <format> <file>`. The config is
// loaded as its runner would load it — imported (TypeScript through proctor's own transform,
// which the manifest carries), called when it is a function (Vitest's and Vite's with
// `{ command: "serve", mode: "test" }`, Jest's with none, Karma's with a `config` whose
// `set()` collects the settings) and awaited — and the resolved value is printed as one marked
// JSON line. Values JSON cannot hold come out as `{ "$regexp": ..., "flags": ... }` or
// `{ "$unmappable": "a function" }`, so the host can say why it could not map them.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { installManifest } from "./node-register.js";

const MARKER = "\u0001proctor-init ";

/**
 * The value as JSON-safe data: regexes and functions as marked objects, cycles cut.
 * @param {unknown} value
 * @param {Set<object>} [seen]
 * @param {number} [depth]
 * @returns {unknown}
 */
export function serialize(value, seen = new Set(), depth = 0) {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : { $unmappable: String(value) };
  if (typeof value === "undefined") return undefined;
  if (typeof value === "function") {
    return { $unmappable: value.name ? `a function (${value.name})` : "a function" };
  }
  if (typeof value !== "object") return { $unmappable: `a ${typeof value}` };
  if (value instanceof RegExp) return { $regexp: value.source, flags: value.flags };
  if (value instanceof URL) return value.href;
  if (seen.has(value) || depth > 12) return { $unmappable: "a circular or too deep value" };
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => serialize(item, seen, depth + 1) ?? null);
    const out = {};
    for (const key of Object.keys(value)) {
      let item;
      try {
        item = value[key];
      } catch {
        continue;
      }
      const serialized = serialize(item, seen, depth + 1);
      if (serialized !== undefined) out[key] = serialized;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * JSON with comments and trailing commas (`.mocharc.jsonc`, and mocha reads `.json` so too).
 * @param {string} text
 */
export function parseJsonc(text) {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2);
      if (i < 0) break;
      i++;
    } else {
      out += c;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

/**
 * The YAML mocha configs use: `key: value`, `key:` followed by `- item` lines, and inline
 * `[a, b]` lists; scalars are numbers, booleans or (optionally quoted) strings.
 * @param {string} text
 */
export function parseSimpleYaml(text) {
  const scalar = (raw) => {
    const s = raw.trim();
    if (/^(['"]).*\1$/.test(s)) return s.slice(1, -1);
    if (s === "true" || s === "false") return s === "true";
    if (s === "null" || s === "~" || s === "") return null;
    if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
    if (s.startsWith("[") && s.endsWith("]")) {
      return s.slice(1, -1).split(",").map((item) => scalar(item)).filter((item) => item !== null);
    }
    return s;
  };
  const out = {};
  let listKey = null;
  for (const line of text.split(/\r?\n/)) {
    const content = line.replace(/(^|\s)#.*$/, "");
    if (!content.trim() || content.trim() === "---") continue;
    const item = /^\s*-\s+(.*)$/.exec(content);
    if (item && listKey) {
      if (!Array.isArray(out[listKey])) out[listKey] = [];
      out[listKey].push(scalar(item[1]));
      continue;
    }
    const pair = /^([\w.-]+)\s*:\s*(.*)$/.exec(content);
    if (!pair) throw new Error(`cannot read this YAML line: ${line.trim()}`);
    listKey = pair[2].trim() ? null : pair[1];
    out[pair[1]] = listKey ? [] : scalar(pair[2]);
  }
  return out;
}

/**
 * A Karma `config` object: `set()` merges into what is collected; the log level constants
 * Karma configs name exist.
 */
function karmaConfig() {
  const collected = {};
  return {
    collected,
    config: {
      LOG_DISABLE: "OFF",
      LOG_ERROR: "ERROR",
      LOG_WARN: "WARN",
      LOG_INFO: "INFO",
      LOG_DEBUG: "DEBUG",
      set(settings) {
        Object.assign(collected, settings);
      },
    },
  };
}

/**
 * Loads `file` as `format` says and resolves it to the config's value.
 * @param {string} format `module` | `wtr` | `karma` | `json` | `jsonc` | `yaml`
 * @param {string} file
 */
export async function loadConfig(format, file) {
  if (format === "json" || format === "jsonc") return parseJsonc(readFileSync(file, "utf8"));
  if (format === "yaml") return parseSimpleYaml(readFileSync(file, "utf8"));
  const module = await import(pathToFileURL(file).href);
  let value = module.default ?? module;
  // A CommonJS config imported as an ES module can wrap its exports in another default.
  if (value && typeof value === "object" && "default" in value && Object.keys(value).length === 1) {
    value = value.default;
  }
  if (format === "karma") {
    if (typeof value !== "function") throw new Error("a Karma config exports a function of `config`");
    const { collected, config } = karmaConfig();
    await value(config);
    return collected;
  }
  if (typeof value === "function") {
    value = await value({ command: "serve", mode: "test", isSsrBuild: false, isPreview: false });
  }
  value = await value;
  if (format === "wtr") renderPages(value);
  return value;
}

/** What web-test-runner's `testRunnerHtml` is given for the test framework's script. */
export const FRAMEWORK_PLACEHOLDER = "__proctor_test_framework__";

/**
 * Replaces web-test-runner's `testRunnerHtml` functions (of the config and of its groups) with
 * the HTML they return, `{ $html }`, so the host can write it as a proctor page.
 * @param {any} config
 */
function renderPages(config) {
  for (const holder of [config, ...(Array.isArray(config?.groups) ? config.groups : [])]) {
    if (typeof holder?.testRunnerHtml !== "function") continue;
    try {
      holder.testRunnerHtml = { $html: String(holder.testRunnerHtml(FRAMEWORK_PLACEHOLDER, config, holder)) };
    } catch (error) {
      holder.testRunnerHtml = { $unmappable: `a function that threw ${error}` };
    }
  }
}

async function main() {
  const [manifest, format, file] = process.argv.slice(2);
  const say = (message) => process.stdout.write(`${MARKER}${JSON.stringify(message)}\n`);
  try {
    if (manifest) installManifest(manifest);
    say({ value: serialize(await loadConfig(format, file)) ?? null });
  } catch (error) {
    say({ error: error instanceof Error ? (error.stack ?? String(error)) : String(error) });
  }
  // A config may leave servers, watchers or timers behind; its value is all that was wanted.
  process.exit(0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
