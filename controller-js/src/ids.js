// Test and group ids: `path/to/file.test.js::group::nested::test name`.
//
// The host computes ids for its static plan and the controller computes them for what the
// runtime registers, so this file mirrors `protocol/src/id.rs` rule for rule; both are checked
// against `protocol/vectors/ids.json`. Groups and tests share one namespace per parent, and a
// repeated name gets ` #2`, ` #3`, ... while the first occurrence keeps its plain name. Each
// name is escaped by `escapeName` so that a `::` inside a name never reads as a separator.

/** Joins the file and the names of an id. */
export const ID_SEPARATOR = "::";

/** Builds an id from a file and the (already de-duplicated, unescaped) names below it. */
export function testId(file, names) {
  let id = file;
  for (const name of names) id += ID_SEPARATOR + escapeName(name);
  return id;
}

/**
 * Escapes one name for an id, as `escape_name` in protocol/src/id.rs: a `:` next to another
 * `:` or at either end of the name, and a `\` before a `\`, a `:` or the end, get a `\` in
 * front; every other name is its own id segment.
 */
export function escapeName(name) {
  if (!name.includes(":") && !name.includes("\\")) return name;
  const chars = Array.from(name);
  let out = "";
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const previous = chars[i - 1];
    const next = chars[i + 1];
    const escaped =
      (c === ":" && (previous === undefined || previous === ":" || next === undefined || next === ":")) ||
      (c === "\\" && (next === undefined || next === "\\" || next === ":"));
    out += escaped ? "\\" + c : c;
  }
  return out;
}

/** Walks one file's declarations in order and hands out unique names and ids. */
export class IdAllocator {
  constructor(file) {
    this.file = file;
    // The open groups, outermost first, each with its id and the names already used inside it.
    this.stack = [];
    this.topLevel = new Map();
  }

  unique(name) {
    const used = this.stack.length ? this.stack[this.stack.length - 1].used : this.topLevel;
    const count = (used.get(name) ?? 0) + 1;
    used.set(name, count);
    return count === 1 ? name : `${name} #${count}`;
  }

  /** The unique names of the open groups, outermost first. */
  groups() {
    return this.stack.map((group) => group.name);
  }

  // The same string as testId(file, [...groups(), last]), built from the innermost group's id
  // so that declaring a test does not rebuild the whole path.
  idWith(last) {
    const parentId = this.stack.length ? this.stack[this.stack.length - 1].id : this.file;
    return parentId + ID_SEPARATOR + escapeName(last);
  }

  /** Opens a `describe` group; returns its unique name and id. */
  enterGroup(name) {
    const unique = this.unique(name);
    const id = this.idWith(unique);
    this.stack.push({ name: unique, id, used: new Map() });
    return { name: unique, id };
  }

  /** Closes the innermost group. */
  leaveGroup() {
    this.stack.pop();
  }

  /** Declares a test in the innermost open group; returns its unique name and id. */
  test(name) {
    const unique = this.unique(name);
    return { name: unique, id: this.idWith(unique) };
  }
}
