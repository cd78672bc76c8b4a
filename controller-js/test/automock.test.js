// Unit tests of automock.js: Jest's automock rules on functions, classes, objects, arrays,
// primitives, getters and cycles.

import assert from "node:assert/strict";
import { test } from "node:test";
import { automock } from "../src/automock.js";
import { isMockFunction } from "../src/mock.js";

test("automock: functions become mock functions with the same name and length, returning undefined", () => {
  function greet(first, last) {
    return `hi ${first} ${last}`;
  }
  greet.helper = () => "help";
  const mocked = automock(greet);
  assert.ok(isMockFunction(mocked));
  assert.equal(mocked.name, "greet");
  assert.equal(mocked.length, 2);
  assert.equal(mocked("a", "b"), undefined);
  assert.deepEqual(mocked.mock.calls, [["a", "b"]]);
  assert.ok(isMockFunction(mocked.helper));
  assert.equal(greet("a", "b"), "hi a b", "the actual is untouched");
});

test("automock: classes get mocked prototype methods (inherited ones too) and static methods", () => {
  class Base {
    base() {
      return "base";
    }
  }
  class Counter extends Base {
    constructor() {
      super();
      this.n = 0;
    }
    inc() {
      return ++this.n;
    }
    static make() {
      return new Counter();
    }
  }
  const Mocked = automock(Counter);
  const instance = new Mocked();
  assert.ok(instance instanceof Mocked);
  assert.equal(instance.n, undefined, "the constructor does not run");
  assert.ok(isMockFunction(instance.inc));
  assert.equal(instance.inc(), undefined);
  assert.ok(isMockFunction(instance.base));
  assert.ok(isMockFunction(Mocked.make));
  assert.equal(Mocked.mock.instances.length, 1);
});

test("automock: objects are mocked recursively, arrays emptied, primitives kept, cycles kept", () => {
  const config = { nested: { run: () => 1, level: 3, label: "x", on: true, none: null }, list: [1, 2], pattern: /a/ };
  config.self = config;
  const mocked = automock(config);
  assert.ok(isMockFunction(mocked.nested.run));
  assert.equal(mocked.nested.level, 3);
  assert.equal(mocked.nested.label, "x");
  assert.equal(mocked.nested.on, true);
  assert.equal(mocked.nested.none, null);
  assert.deepEqual(mocked.list, []);
  assert.ok(mocked.pattern instanceof RegExp);
  assert.equal(mocked.self, mocked);
  assert.notEqual(mocked, config);
});

test("automock: getters become mock getters; an instance's prototype methods are mocked in place", () => {
  let reads = 0;
  const object = {
    get value() {
      reads += 1;
      return 5;
    },
  };
  const mocked = automock(object);
  assert.equal(mocked.value, undefined);
  assert.ok(isMockFunction(Object.getOwnPropertyDescriptor(mocked, "value").get));
  assert.equal(reads, 0, "the actual getter is never called");

  class Service {
    fetch() {
      return "real";
    }
  }
  const service = automock(new Service());
  assert.ok(isMockFunction(service.fetch));
});

test("automock: a module namespace becomes a plain object of mocked exports", async () => {
  const namespace = await import("../src/automock.js");
  const mocked = automock(namespace);
  assert.ok(isMockFunction(mocked.automock));
  assert.equal(Object.getPrototypeOf(mocked), Object.prototype);
});

test("automock with spy: mocks call the originals and record the calls", () => {
  class Box {
    constructor(v) {
      this.v = v;
    }
    get() {
      return this.v;
    }
  }
  const spied = automock({ double: (x) => x * 2, Box, nested: { id: (x) => x } }, { spy: true });
  assert.equal(spied.double(4), 8);
  assert.deepEqual(spied.double.mock.calls, [[4]]);
  assert.ok(isMockFunction(spied.nested.id));
  assert.equal(spied.nested.id("a"), "a");
  const box = new spied.Box(3);
  assert.equal(box.get(), 3);
  assert.equal(spied.Box.mock.calls.length, 1);
});
