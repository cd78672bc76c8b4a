// The suite's setup files (`setup-files` in proctor.toml; Vitest's `setupFiles`, Jest's
// `setupFiles` and `setupFilesAfterEnv`): imported before each test file, inside that file's
// realm, in the order listed.
//
// The controller calls `runSetupFiles(file)` after `registry.beginFile(file)` and before it
// imports the test file, so what a setup file declares at its top level (beforeEach, afterAll,
// ...) belongs to that test file's root group, and what it does (expect.extend, a serializer, a
// global) is in place when the test file runs. Each call imports every setup file afresh: the
// entry's `load(generation)` adds the generation to the URL (`?proctor-setup=<n>`), so the
// runtime evaluates the module once more instead of answering from its module cache. What a
// setup file imports (packages, helpers) is cached as usual and evaluates once.

import { addSnapshotSerializer } from "./snapshot.js";

/**
 * Setup files, and the suite's snapshot serializers (`serializer: true`, `snapshot-serializers`
 * in proctor.toml, Jest's `snapshotSerializers`): modules whose export is added with
 * `expect.addSnapshotSerializer` for the test file about to load, before its setup files run.
 * @type {{ file: string, url?: string, serializer?: boolean, load(generation: number, url?: string): Promise<unknown> }[]}
 */
let setupFiles = [];
let generation = 0;
/**
 * Called with the test file and `locate` before its setup files run (the browser registers
 * Jest's automatic root `__mocks__` packages there, so a setup file's imports get them too).
 * @type {(file: string, locate: (url: string | undefined) => string | undefined) => void}
 */
let beforeSetup = () => {};

/** Sets what runs before each test file's setup files (browser.js). */
export function beforeSetupFiles(callback) {
  beforeSetup = callback;
}

/** Sets the setup files (from the generated entry), in the order they run. */
export function useSetupFiles(files) {
  setupFiles = files ?? [];
}

/** Whether there are setup files: files then load one at a time (see controller.js). */
export function hasSetupFiles() {
  return setupFiles.length > 0;
}

/**
 * Imports every setup file afresh for `file`, one after another. A setup file that throws (or
 * rejects) rejects with its own error, whose stack names the setup file: that is `file`'s load
 * error, and the next test file runs the setup files again.
 * @param {string} file the test file about to load (the registry already attributes to it)
 * @param {(url: string | undefined) => string | undefined} [locate] the URL to import a setup
 *   file's `url` from in the current realm (the browser's `/@realm/<n>` prefix), so the setup
 *   file and the test file share module instances
 */
export async function runSetupFiles(file, locate = (url) => url) {
  beforeSetup(file, locate);
  generation += 1;
  const plugins = [];
  for (const { file, url, load, serializer } of setupFiles) {
    const module = await load(generation, locate(url));
    if (serializer) plugins.push(serializerOf(module, file));
  }
  // The first one listed wins over the later ones, as in Jest (each added one goes first).
  for (const plugin of plugins.reverse()) addSnapshotSerializer(plugin);
}

// A serializer module's plugin: its default export (CommonJS `module.exports`), else the module
// itself (named `test` and `serialize` exports).
function serializerOf(module, file) {
  const candidate = module?.default;
  if (candidate !== null && typeof candidate === "object" && typeof candidate.test === "function") return candidate;
  if (module !== null && typeof module?.test === "function") return module;
  throw new TypeError(`snapshot-serializers: ${file} exports no serializer (an object with test() and serialize() or print())`);
}
