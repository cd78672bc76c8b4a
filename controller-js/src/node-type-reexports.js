// TypeScript re-exports of types written without `type` (`export { PathString } from "./common"`,
// where `common.ts` has `export type PathString = string`), in node.
//
// The transform strips one file at a time and cannot know that a re-exported name is only a
// type in the other file, so it keeps the clause; node's ES module linker then rejects the
// importer ("does not provide an export named 'PathString'"). Jest (CommonJS) and Vitest (its
// module runner) tolerate such a clause, and tsc elides it with the whole program in view, so
// suites written without `isolatedModules` have them. Here, when node loads a transformed
// TypeScript module, each `export { ... } from "..."` clause of its output loses the names the
// target declares only as types (read from the target's TypeScript source, following its own
// re-exports), before node links it.

import { readFileSync } from "node:fs";
import { extname } from "node:path";

const TYPESCRIPT = new Set([".ts", ".tsx", ".mts", ".cts"]);

// `export { a, b as c } from "./x";` as the transform's code generator writes it: one per line,
// perhaps after a comment the statement carried.
const REEXPORT = /(?<=^|[\s;/])export \{([^}]*)\} from (["'])([^"'\n]+)\2;?$/gm;

/** path → { types: Set, values: Set, reexports: [{ names: [[local, exported]], specifier }] } */
const declared = new Map();

/**
 * `source` (the transformed output of the TypeScript file at `path`) without the re-exported
 * names that are only types in their target. `resolve(specifier, fromPath)` gives the target's
 * path as the manifest resolved it, or undefined.
 * @param {string} path
 * @param {string} source
 * @param {(specifier: string, from: string) => string | undefined} resolve
 */
export function withoutTypeReexports(path, source, resolve) {
  if (!TYPESCRIPT.has(extname(path)) || !source.includes("} from ")) return source;
  return source.replace(REEXPORT, (clause, list, quote, specifier) => {
    const target = resolve(specifier, path);
    if (target === undefined || !TYPESCRIPT.has(extname(target))) return clause;
    const names = parseList(list);
    const kept = names.filter(([local]) => !isTypeOnly(target, local, resolve, new Set()));
    if (kept.length === names.length) return clause;
    if (kept.length === 0) return `import ${quote}${specifier}${quote};`;
    const written = kept.map(([local, exported]) => (local === exported ? local : `${local} as ${exported}`));
    return `export { ${written.join(", ")} } from ${quote}${specifier}${quote};`;
  });
}

/** `a, b as c, type d` → the specifiers `{ local, exported, type }` of an import/export clause. */
function parseClause(list, typeOnly = false) {
  return list
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const inline = part.startsWith("type ");
      const [local, exported = local] = part.replace(/^type\s+/, "").split(/\s+as\s+/);
      return { local: local.trim(), exported: exported.trim(), type: typeOnly || inline };
    });
}

/** `a, b as c, type d` → [["a", "a"], ["b", "c"]] (type-only specifiers dropped). */
function parseList(list) {
  return parseClause(list)
    .filter((entry) => !entry.type)
    .map((entry) => [entry.local, entry.exported]);
}

/** Whether `name`, exported by the TypeScript file at `path`, is only a type there. */
function isTypeOnly(path, name, resolve, seen) {
  if (seen.has(path)) return false;
  seen.add(path);
  const file = declarations(path);
  if (file === null || file.values.has(name)) return false;
  if (file.types.has(name)) return true;
  for (const { names, specifier } of file.reexports) {
    const entry = names.find(([, exported]) => exported === name);
    if (entry === undefined) continue;
    const target = resolve(specifier, path);
    return target !== undefined && TYPESCRIPT.has(extname(target)) && isTypeOnly(target, entry[0], resolve, seen);
  }
  return false;
}

/** What a TypeScript source declares: exported type names, exported value names, re-exports. */
function declarations(path) {
  if (declared.has(path)) return declared.get(path);
  let source;
  try {
    source = readFileSync(path, "utf8");
  } catch {
    declared.set(path, null);
    return null;
  }
  const types = new Set();
  const values = new Set();
  const reexports = [];
  const locals = { types: new Set(), values: new Set() };
  for (const match of source.matchAll(/^\s*export\s+(?:declare\s+)?(type|interface)\s+([A-Za-z_$][\w$]*)/gm)) {
    types.add(match[2]);
  }
  for (const match of source.matchAll(
    /^\s*export\s+(?:default\s+)?(?:async\s+)?(?:const\s+enum|enum|const|let|var|function\*?|class|abstract\s+class|namespace)\s+([A-Za-z_$][\w$]*)/gm,
  )) {
    values.add(match[1]);
  }
  for (const match of source.matchAll(/^\s*(?:declare\s+)?(type|interface)\s+([A-Za-z_$][\w$]*)/gm)) {
    locals.types.add(match[2]);
  }
  for (const match of source.matchAll(
    /^\s*(?:async\s+)?(?:const|let|var|function\*?|class|abstract\s+class|enum|const\s+enum|namespace)\s+([A-Za-z_$][\w$]*)/gm,
  )) {
    locals.values.add(match[1]);
  }
  for (const match of source.matchAll(/^\s*import\s+(type\s+)?\{([^}]*)\}\s+from/gm)) {
    // An imported name exported again is a value unless the import says it is a type.
    for (const entry of parseClause(match[2], match[1] !== undefined)) {
      (entry.type ? locals.types : locals.values).add(entry.local);
    }
  }
  for (const match of source.matchAll(/^\s*export\s+(type\s+)?\{([^}]*)\}(?:\s+from\s+(["'])([^"']+)\3)?/gm)) {
    const entries = parseClause(match[2], match[1] !== undefined);
    if (match[4] !== undefined) {
      for (const entry of entries) if (entry.type) types.add(entry.exported);
      reexports.push({ names: entries.filter((e) => !e.type).map((e) => [e.local, e.exported]), specifier: match[4] });
      continue;
    }
    for (const entry of entries) {
      if (entry.type || (locals.types.has(entry.local) && !locals.values.has(entry.local))) types.add(entry.exported);
      else values.add(entry.exported);
    }
  }
  const file = { types, values, reexports };
  declared.set(path, file);
  return file;
}
