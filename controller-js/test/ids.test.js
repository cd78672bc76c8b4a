// The controller's ids must equal the host's: every case of protocol/vectors/ids.json.

import assert from "node:assert/strict";
import { test } from "node:test";
import { IdAllocator, testId } from "../src/ids.js";
import { vectors } from "../test-support/fake-host.js";

for (const testCase of vectors("ids.json")) {
  test(`ids: ${testCase.name}`, () => {
    const allocator = new IdAllocator(testCase.file);
    const ids = [];
    for (const [call, name] of testCase.calls) {
      if (call === "describe") ids.push(allocator.enterGroup(name).id);
      else if (call === "end") allocator.leaveGroup();
      else if (call === "test") ids.push(allocator.test(name).id);
      else assert.fail(`unknown call ${call}`);
    }
    assert.deepEqual(ids, testCase.ids);
  });
}

test("ids: unique names and open groups", () => {
  const allocator = new IdAllocator("f.js");
  assert.deepEqual(allocator.enterGroup("g"), { name: "g", id: "f.js::g" });
  assert.deepEqual(allocator.groups(), ["g"]);
  assert.deepEqual(allocator.test("t"), { name: "t", id: "f.js::g::t" });
  assert.deepEqual(allocator.test("t"), { name: "t #2", id: "f.js::g::t #2" });
  allocator.leaveGroup();
  assert.deepEqual(allocator.groups(), []);
  assert.equal(testId("f.js", ["a", "b"]), "f.js::a::b");
});
