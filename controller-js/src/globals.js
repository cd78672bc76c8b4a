// Replacing a global and putting it back: fake timers (timers.js) and vi.stubGlobal
// (jest-object.js) both do it, and must leave the global as it was found.

/** Makes `globalThis[name]` `value`, as an ordinary writable, configurable property. */
export function setGlobal(name, value) {
  Object.defineProperty(globalThis, name, { configurable: true, enumerable: true, writable: true, value });
}

/** Puts back a global as `descriptor` describes it (taken before it was replaced); undefined: it did not exist. */
export function restoreGlobal(name, descriptor) {
  if (descriptor === undefined) Reflect.deleteProperty(globalThis, name);
  else Reflect.defineProperty(globalThis, name, descriptor);
}
