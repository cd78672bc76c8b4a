// `jest.replaceProperty(object, key, value)`: replaces a property that exists (not a function:
// spyOn is for those) and returns a handle with `replaceValue(value)` and `restore()`. Like
// spies, replacements go back on `restoreAllMocks()` and when the file that made them is done.

const replaced = new Map();
let owner = null;

/** Makes replacements from now on belong to `fileRoot` (set as a file starts to run). */
export function setReplacementOwner(fileRoot) {
  owner = fileRoot;
}

/** Jest's replaceProperty. */
export function replaceProperty(object, key, value) {
  if (object === null || (typeof object !== "object" && typeof object !== "function")) {
    throw new Error(`replaceProperty could not find an object on which to replace ${String(key)}`);
  }
  let holder = object;
  let descriptor;
  while (holder !== null && !(descriptor = Object.getOwnPropertyDescriptor(holder, key))) holder = Object.getPrototypeOf(holder);
  if (descriptor === undefined) throw new Error(`${String(key)} property does not exist`);
  if (!descriptor.configurable) throw new Error(`${String(key)} is not declared configurable`);
  if (descriptor.get !== undefined) {
    throw new Error(`Cannot replace the ${String(key)} property because it has a getter. Use \`jest.spyOn(object, '${String(key)}', 'get').mockReturnValue(value)\` instead.`);
  }
  if (typeof descriptor.value === "function") {
    throw new Error(`Cannot replace the ${String(key)} property because it is a function. Use \`jest.spyOn(object, '${String(key)}')\` instead.`);
  }
  const existing = [...replaced.values()].find((entry) => entry.object === object && entry.key === key);
  if (existing !== undefined) {
    existing.handle.replaceValue(value);
    return existing.handle;
  }
  const own = holder === object ? descriptor : undefined;
  Object.defineProperty(object, key, { ...descriptor, value, configurable: true });
  const handle = {
    replaceValue(next) {
      Object.defineProperty(object, key, { ...descriptor, value: next, configurable: true });
      return handle;
    },
    restore() {
      if (!replaced.has(handle)) return;
      replaced.delete(handle);
      if (own === undefined) delete object[key];
      else Object.defineProperty(object, key, own);
    },
  };
  replaced.set(handle, { object, key, handle, owner });
  return handle;
}

/** Puts back every replaced property, newest first (restoreAllMocks). */
export function restoreAllReplaced() {
  for (const handle of [...replaced.keys()].reverse()) handle.restore();
}

/** Puts back the replacements `fileRoot` made, newest first. */
export function restoreReplacedOf(fileRoot) {
  for (const [handle, entry] of [...replaced].reverse()) if (entry.owner === fileRoot) handle.restore();
}
