// Test and group ids: `path/to/file.test.js::group::nested::test name`.
//
// The host computes ids for its static plan and the controller computes them for what the
// runtime registers, so this file mirrors `protocol/src/id.rs` rule for rule; both are checked
// against `protocol/vectors/ids.json`. Groups and tests share one namespace per parent, and a
// repeated name gets ` #2`, ` #3`, ... while the first occurrence keeps its plain name.

/** Joins the file and the names of an id. */
export const ID_SEPARATOR = "::";

/** Builds an id from a file and the (already de-duplicated) names below it. */
export function testId(file, names) {
  let id = file;
  for (const name of names) id += ID_SEPARATOR + name;
  return id;
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
    return parentId + ID_SEPARATOR + last;
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
