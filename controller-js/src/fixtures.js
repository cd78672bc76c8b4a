// Vitest's test fixtures: `test.extend({ name: value | async (context, use) => ... })`.
//
// A fixture is set up when a test (or a beforeEach/afterEach hook running for it) names it in
// its destructured first parameter, or when it is `auto`; a fixture function names the
// fixtures it depends on the same way, and they are set up first. The value given to `use` is
// what the test sees; the fixture's code after `await use(value)` is its teardown, run after
// the test's afterEach hooks, last set up first. `scope: "file"` (and `"worker"`, which is the
// same here: each file has its own realm) makes one value per test file, torn down when the
// file is done. This follows @vitest/runner's fixture.ts, including how it reads parameter
// names from the function's source text.

/** One fixture: `{ prop, value, isFn, auto, scope, deps }`. */
class Fixture {
  constructor(prop, value, options) {
    this.prop = prop;
    this.value = value;
    this.isFn = typeof value === "function";
    this.auto = options.auto === true;
    this.scope = options.scope === "worker" || options.scope === "file" ? "file" : "test";
    this.declaredScope = options.scope ?? "test";
    this.deps = null;
  }
}

const FIXTURE_OPTIONS = ["auto", "injected", "scope"];

/**
 * The fixtures of `test.extend(definitions)` on an API that already has `inherited` (null for
 * the plain `test`): an array, later definitions of a name replacing earlier ones.
 */
export function extendFixtures(inherited, definitions) {
  if (definitions === null || typeof definitions !== "object") {
    throw new TypeError("test.extend expects an object of fixtures: { name: value | async (context, use) => { ... } }");
  }
  const added = Object.entries(definitions).map(([prop, value]) => {
    if (Array.isArray(value) && value.length >= 2 && isOptions(value[1])) return new Fixture(prop, value[0], value[1]);
    return new Fixture(prop, value, {});
  });
  const names = new Set(added.map((fixture) => fixture.prop));
  const kept = (inherited ?? []).filter((fixture) => !names.has(fixture.prop));
  const all = [...kept, ...added];
  // A kept fixture that depends on a replaced one (or on one that does, and so on) now depends
  // on the replacement (through a copy: the API extended keeps its own).
  const replaced = new Map();
  for (const fixture of inherited ?? []) {
    if (names.has(fixture.prop)) replaced.set(fixture, added.find((other) => other.prop === fixture.prop));
  }
  for (let changed = replaced.size > 0; changed; ) {
    changed = false;
    for (let index = 0; index < kept.length; index++) {
      const fixture = all[index];
      if (fixture.deps === null || !fixture.deps.some((dep) => replaced.has(dep))) continue;
      const copy = Object.assign(Object.create(Fixture.prototype), fixture);
      copy.deps = fixture.deps.map((dep) => replaced.get(dep) ?? dep);
      replaced.set(fixture, copy);
      all[index] = copy;
      changed = true;
    }
  }
  for (const fixture of added) {
    if (!fixture.isFn) continue;
    const used = usedProps(fixture.value, 0);
    if (used.length === 0) continue;
    // A fixture that names itself means the one it overrides, as in Vitest.
    const earlier = new Map((inherited ?? []).map((other) => [other.prop, other]));
    fixture.deps = used
      .map((prop) => (prop === fixture.prop ? earlier.get(prop) : all.find((other) => other.prop === prop)))
      .filter((dep) => dep !== undefined);
    if (fixture.scope === "file") {
      for (const dep of fixture.deps) {
        if (dep.isFn && dep.scope === "test") {
          throw new SyntaxError(`cannot use the test fixture "${dep.prop}" inside the ${fixture.declaredScope} fixture "${fixture.prop}"`);
        }
      }
    }
  }
  return all;
}

function isOptions(value) {
  return value !== null && typeof value === "object" && Object.keys(value).some((key) => FIXTURE_OPTIONS.includes(key));
}

/**
 * Whether a test or hook function takes Vitest's context rather than Jest's `done`: its first
 * parameter is destructured (`({ task }) => ...`).
 */
export function takesContext(fn) {
  const source = fn.fixtureSource?.fn ?? fn;
  if (source.length < 1) return false;
  const first = parameters(source)[fn.fixtureSource?.index ?? 0];
  return first !== undefined && first.startsWith("{");
}

// Parameter lists by function: a test's is read for each test it runs.
const propsCache = new WeakMap();

/**
 * The names destructured from parameter `index` of `fn`, which is how Vitest knows which
 * fixtures a function uses. An error names a parameter that is not destructured.
 */
export function usedProps(fn, index) {
  let props = propsCache.get(fn);
  if (props !== undefined) return props;
  const first = parameters(fn)[index];
  if (first === undefined) props = [];
  else if (!first.startsWith("{") || !first.endsWith("}")) {
    throw new Error(
      `The first argument inside a fixture must use object destructuring pattern, e.g. ({ test } => {}). Instead, received "${first}".`,
    );
  } else {
    props = splitByComma(first.slice(1, -1).replace(/\s/g, "")).map((prop) => prop.replace(/:.*|=.*/g, ""));
    if (props.at(-1)?.startsWith("...")) throw new Error(`Rest parameters are not supported in fixtures, received "${props.at(-1)}".`);
  }
  propsCache.set(fn, props);
  return props;
}

// The parameters of `fn` as written, from its source text without comments and strings.
function parameters(fn) {
  let source = stripLiterals(Function.prototype.toString.call(fn));
  const arrow = /^\s*(?:async\s*)?([\w$]+)\s*=>/.exec(source);
  if (arrow) return [arrow[1]];
  const open = source.indexOf("(");
  if (open < 0) return [];
  // The parameter list ends at the parenthesis matching the first one.
  let depth = 0;
  let end = open;
  for (; end < source.length; end++) {
    const c = source[end];
    if (c === "(" || c === "{" || c === "[") depth++;
    else if (c === ")" || c === "}" || c === "]") {
      depth--;
      if (depth === 0) break;
    }
  }
  source = source.slice(open + 1, end);
  return splitByComma(source);
}

function stripLiterals(source) {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/[^\n]*/g, "")
    .replace(/(["'`])(?:\\[\s\S]|(?!\1)[^\\])*\1/g, '""');
}

function splitByComma(text) {
  const result = [];
  const stack = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{" || c === "[" || c === "(") stack.push(c === "{" ? "}" : c === "[" ? "]" : ")");
    else if (c === stack[stack.length - 1]) stack.pop();
    else if (stack.length === 0 && c === ",") {
      const token = text.slice(start, i).trim();
      if (token) result.push(token);
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last) result.push(last);
  return result;
}

// File-scoped values, per test file (its root group): fixture → value, and teardowns.
const fileValues = new Map();

/**
 * Sets up the fixtures `fn` needs (parameter `index` names them) plus the auto ones, on
 * `context`, then returns undefined, or a promise when any setup is asynchronous. `state`
 * holds the test's values and teardowns (`{ values: Map, teardowns: [] }`).
 */
export function prepareFixtures(fixtures, fn, index, context, state, fileRoot) {
  const source = fn.fixtureSource ?? { fn, index };
  const hasAuto = fixtures.some((fixture) => fixture.auto);
  const used = source.fn.length > source.index || hasAuto ? usedPropsOrEmpty(source, hasAuto) : [];
  const wanted = fixtures.filter((fixture) => fixture.auto || used.includes(fixture.prop));
  if (wanted.length === 0) return undefined;
  const pending = resolveOrder(wanted);
  let chain;
  for (const fixture of pending) {
    const step = () => {
      if (state.values.has(fixture)) return undefined;
      const value = setUp(fixture, context, state, fileRoot);
      if (value instanceof Promise) {
        return value.then((resolved) => {
          context[fixture.prop] = resolved;
          state.values.set(fixture, resolved);
        });
      }
      context[fixture.prop] = value;
      state.values.set(fixture, value);
      return undefined;
    };
    chain = chain === undefined ? step() : chain.then(step);
  }
  return chain;
}

// A function without a parameter still gets the auto fixtures.
function usedPropsOrEmpty(source, hasAuto) {
  if (source.fn.length <= source.index && hasAuto) return [];
  return usedProps(source.fn, source.index);
}

function resolveOrder(fixtures, seen = new Set(), order = []) {
  for (const fixture of fixtures) {
    if (order.includes(fixture)) continue;
    if (fixture.isFn && fixture.deps !== null) {
      if (seen.has(fixture)) {
        throw new Error(`Circular fixture dependency detected: ${fixture.prop} <- ${[...seen].reverse().map((dep) => dep.prop).join(" <- ")}`);
      }
      seen.add(fixture);
      resolveOrder(fixture.deps, seen, order);
      seen.delete(fixture);
    }
    order.push(fixture);
  }
  return order;
}

// The value of one fixture: plain values as they are; functions run until they call `use`.
function setUp(fixture, context, state, fileRoot) {
  if (!fixture.isFn) return fixture.value;
  if (fixture.scope === "test") return runFixture(fixture.value, context, state.teardowns);
  let file = fileValues.get(fileRoot);
  if (file === undefined) {
    file = { values: new Map(), teardowns: [], context: {} };
    fileValues.set(fileRoot, file);
  }
  if (!file.values.has(fixture)) {
    // A file fixture sees only file fixtures and plain values, on a context of its own.
    const promise = runFixture(fixture.value, file.context, file.teardowns).then((value) => {
      file.context[fixture.prop] = value;
      return value;
    });
    file.values.set(fixture, promise);
  }
  return file.values.get(fixture);
}

// Resolves with the value the fixture passes to `use`; its teardown (the rest of the fixture)
// is pushed to `teardowns`.
function runFixture(fixtureFn, context, teardowns) {
  return new Promise((resolve, reject) => {
    let used = false;
    const returned = Promise.resolve()
      .then(() =>
        fixtureFn(context, (value) => {
          used = true;
          resolve(value);
          return new Promise((release) => {
            teardowns.push(() => {
              release();
              return returned;
            });
          });
        }),
      )
      .then(
        () => {
          if (!used) reject(new Error("fixture function finished without calling use(value)"));
        },
        (error) => {
          if (!used) reject(error);
          else throw error;
        },
      );
    // A teardown failure is reported by the teardown that awaits it; this keeps it handled.
    returned.catch(() => {});
  });
}

/** Runs `teardowns` last first; resolves when done, rejecting with the first failure. */
export async function tearDown(teardowns) {
  let failure;
  for (const teardown of teardowns.splice(0).reverse()) {
    try {
      await teardown();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}

/** Tears down the file fixtures of the file `fileRoot`; undefined when it had none. */
export function tearDownFile(fileRoot) {
  const file = fileValues.get(fileRoot);
  if (file === undefined) return undefined;
  fileValues.delete(fileRoot);
  return tearDown(file.teardowns);
}
