// Vitest's `await expect(value).toMatchFileSnapshot(path)`: the file at `path` (relative to the
// test file) holds the expected text; a string is compared as it is, anything else as
// toMatchSnapshot prints it.
//
// The host reads every file a test file names this way before the run and sends the texts with
// `load` (host/src/session/file_snapshots.rs), since a browser cannot read project files. A
// missing file is written (not with --ci), a different one fails, or with -u is rewritten; the
// host writes what `file-snapshot` messages carry.

import { matcherHint, MatcherUsageError } from "./matchers.js";
import { serialize } from "./snapshot.js";
import { runningTest } from "./test-context.js";

let stored = new Map();
let update = null;
let write = null;

/**
 * Starts a run's file snapshots: `files` (root-relative path → text, or null when missing) and
 * the update mode from `load`, and how to ask the host to write one.
 */
export function setupFileSnapshots(files, mode, writeFile) {
  stored = new Map(Object.entries(files ?? {}));
  update = mode ?? "new";
  write = writeFile;
}

/** `dir/written` with `.` and `..` resolved; null when it leaves the project root. */
export function resolvePath(testFile, written) {
  const parts = testFile.split("/").slice(0, -1);
  for (const part of written.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

function fail(context, path, message) {
  return { pass: false, message: () => `${matcherHint("toMatchFileSnapshot", context, { expected: "path" })}\n\n${message}` };
}

/** The matcher, as the `expect.extend` contract has it. */
export const fileSnapshotMatchers = {
  toMatchFileSnapshot(received, path) {
    if (this.isNot) throw new MatcherUsageError("toMatchFileSnapshot cannot be used with .not");
    if (typeof path !== "string") throw new MatcherUsageError("toMatchFileSnapshot expects the path of the file as a string");
    const state = runningTest();
    if (state === null) throw new MatcherUsageError("toMatchFileSnapshot can only be used inside a test");
    const key = path.startsWith("/") ? null : resolvePath(state.test.file, path);
    if (key === null || !stored.has(key)) {
      throw new MatcherUsageError(
        `toMatchFileSnapshot(${JSON.stringify(path)}): proctor reads file snapshots before the run, from the paths test files ` +
          `pass as string literals relative to the test file (inside the project); write the path that way.`,
      );
    }
    const content = typeof received === "string" ? received : serialize(received);
    const before = stored.get(key);
    // Vitest's matcher is asynchronous; so is this one, which keeps `await` meaningful.
    if (before === content) return Promise.resolve({ pass: true, message: () => "" });
    if (before === null && update === "none") {
      return Promise.resolve(fail(this, key, `The file snapshot ${key} does not exist, and new snapshots are not written with --ci.`));
    }
    if (before !== null && update !== "all") {
      return Promise.resolve({
        ...fail(this, key, `Snapshot file ${key} mismatched (run with -u to update it)`),
        expectedText: before,
        actualText: content,
      });
    }
    stored.set(key, content);
    write?.(key, content);
    return Promise.resolve({ pass: true, message: () => "" });
  },
};
