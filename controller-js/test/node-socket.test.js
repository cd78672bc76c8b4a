// The node adapter's websocket client against a raw server on node:net, so that each test
// controls the exact bytes: frame sizes at every length encoding, messages fragmented and
// split across TCP chunks, ping, close in both directions, and handshakes that go wrong.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer } from "node:net";
import { test } from "node:test";
import { connectWebSocket } from "../src/node-socket.js";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * A one-connection server. `respond(key, request)` returns the handshake response (a correct
 * 101 by default). The peer it resolves gives the client's frames, decoded and checked to be
 * masked, and writes raw bytes back.
 */
async function rawServer(respond = acceptFor) {
  let resolvePeer;
  const connected = new Promise((resolve) => (resolvePeer = resolve));
  const server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    const frames = [];
    const waiting = [];
    let closed = false;
    const wake = () => waiting.splice(0).forEach((resolve) => resolve());
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const request = buffer.toString("latin1", 0, end);
        buffer = buffer.subarray(end + 4);
        upgraded = true;
        const key = /sec-websocket-key: *(\S+)/i.exec(request)?.[1];
        socket.write(respond(key, request));
        resolvePeer(peer);
      }
      for (let frame; (frame = readClientFrame(buffer)); ) {
        buffer = buffer.subarray(frame.size);
        frames.push(frame);
      }
      wake();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      closed = true;
      wake();
    });
    const peer = {
      socket,
      write: (bytes) => socket.write(bytes),
      /** Resolves with the next frame from the client, or null once it has disconnected. */
      async frame() {
        while (frames.length === 0 && !closed) await new Promise((resolve) => waiting.push(resolve));
        return frames.shift() ?? null;
      },
      closed: () => (closed ? Promise.resolve() : new Promise((resolve) => socket.on("close", resolve))),
    };
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `ws://127.0.0.1:${server.address().port}/ws?token=abc`, connected, close: () => server.close() };
}

function acceptFor(key) {
  const accept = createHash("sha1").update(key + GUID).digest("base64");
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
}

// Client frames must be masked; the decoded payload and the raw header bits come back.
function readClientFrame(buffer) {
  if (buffer.length < 2) return null;
  let length = buffer[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + 4 + length) return null;
  const mask = buffer.subarray(offset, offset + 4);
  const payload = Buffer.from(buffer.subarray(offset + 4, offset + 4 + length));
  for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
  return {
    fin: (buffer[0] & 0x80) !== 0,
    opcode: buffer[0] & 0x0f,
    masked: (buffer[1] & 0x80) !== 0,
    lengthBytes: offset - 2,
    payload,
    size: offset + 4 + length,
  };
}

// An unmasked server frame.
function serverFrame(opcode, payload, { fin = true } = {}) {
  payload = Buffer.from(payload);
  let header;
  if (payload.length < 126) header = Buffer.from([opcode | (fin ? 0x80 : 0), payload.length]);
  else if (payload.length < 65536) {
    header = Buffer.from([opcode | (fin ? 0x80 : 0), 126, 0, 0]);
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = opcode | (fin ? 0x80 : 0);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

// A client whose events land in one log; `next(kind)` waits for the next event of that kind.
function client(url) {
  const events = [];
  const waiting = [];
  const push = (event) => {
    events.push(event);
    for (const w of waiting.splice(0)) w();
  };
  const ws = connectWebSocket(url, {
    onOpen: () => push({ kind: "open" }),
    onMessage: (text) => push({ kind: "message", text }),
    onClose: () => push({ kind: "close" }),
    onError: (message) => push({ kind: "error", message }),
  });
  let seen = 0;
  const next = async (kind) => {
    for (;;) {
      while (seen < events.length) {
        const event = events[seen++];
        if (event.kind === kind) return event;
      }
      await new Promise((resolve) => waiting.push(resolve));
    }
  };
  return { ws, events, next };
}

test("node-socket: handshake, then masked text frames at every length encoding", async () => {
  let request;
  const server = await rawServer((key, text) => {
    request = text;
    return acceptFor(key);
  });
  const { ws, next } = client(server.url);
  await next("open");
  const peer = await server.connected;
  assert.match(request, /^GET \/ws\?token=abc HTTP\/1\.1\r\n/);
  assert.match(request, /\r\nHost: 127\.0\.0\.1:\d+/);
  assert.match(request, /\r\nUpgrade: websocket/);
  assert.match(request, /\r\nConnection: Upgrade/);
  assert.match(request, /\r\nSec-WebSocket-Version: 13/);
  assert.equal(Buffer.from(/Sec-WebSocket-Key: (\S+)/.exec(request)[1], "base64").length, 16);

  // Lengths straddling both encoding boundaries, in ASCII and in multi-byte characters, and
  // one far beyond the direct-encoding limit.
  const texts = [
    "",
    "x".repeat(125),
    "x".repeat(126),
    "é".repeat(63) + "x", // 127 bytes from 64 characters
    "x".repeat(65535),
    "x".repeat(65536),
    "😀".repeat(20000), // 80,000 bytes from 40,000 UTF-16 units
    "ab\u00e9\u4e2d".repeat(300_000), // 2.7 MB
  ];
  for (const text of texts) {
    ws.send(text);
    const frame = await peer.frame();
    assert.equal(frame.fin, true);
    assert.equal(frame.opcode, 1);
    assert.equal(frame.masked, true);
    const bytes = Buffer.byteLength(text);
    assert.equal(frame.lengthBytes, bytes < 126 ? 0 : bytes < 65536 ? 2 : 8, `length encoding for ${bytes} bytes`);
    assert.equal(frame.payload.toString("utf8"), text);
  }
  peer.socket.destroy();
  await next("close");
  server.close();
});

test("node-socket: sends of one turn leave together, in order, when the event loop turns", async () => {
  const server = await rawServer();
  const { ws, next } = client(server.url);
  await next("open");
  const peer = await server.connected;
  for (let i = 0; i < 100; i++) ws.send(JSON.stringify({ type: "test-finished", test: `t${i}` }));
  // Queued, not yet written: one write for the whole turn.
  assert.ok(ws.bufferedAmount > 0);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ws.bufferedAmount, 0);
  for (let i = 0; i < 100; i++) assert.equal(JSON.parse((await peer.frame()).payload).test, `t${i}`);
  peer.socket.destroy();
  await next("close");
  server.close();
});

// A child process connects, sends 100 messages and then ends its own turn in `ending`: the
// messages must reach the server although its event loop never turns again.
async function sendThen(ending, { ends = true } = {}) {
  const server = await rawServer();
  const socketModule = new URL("../src/node-socket.js", import.meta.url).href;
  const script = `
    import { connectWebSocket } from ${JSON.stringify(socketModule)};
    const ws = connectWebSocket(${JSON.stringify(server.url)}, {
      onOpen() {
        for (let i = 0; i < 100; i++) ws.send(JSON.stringify({ test: "t" + i }));
        ${ending}
      },
      onMessage() {}, onClose() {}, onError(message) { console.error(message); process.exit(9); },
    });`;
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "inherit" });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const peer = await server.connected;
  const received = [];
  for (let i = 0; i < 100; i++) {
    const frame = await peer.frame();
    if (frame === null) break;
    received.push(JSON.parse(frame.payload).test);
  }
  // A child that ends itself is given the time to; one that spins is ended here.
  if (!ends) child.kill("SIGKILL");
  const exit = await exited;
  server.close();
  return { received, exit };
}

const hundred = Array.from({ length: 100 }, (_, i) => `t${i}`);

test("node-socket: what was sent before the thread blocks for good still reaches the host", async () => {
  const { received } = await sendThen("for (;;) {}", { ends: false });
  assert.deepEqual(received, hundred);
});

test("node-socket: what was sent before process.exit reaches the host", async () => {
  const { received, exit } = await sendThen("process.exit(3);");
  assert.deepEqual(received, hundred);
  assert.equal(exit.code, 3);
});

test("node-socket: what was sent before the process kills or aborts itself reaches the host", async () => {
  for (const ending of ['process.kill(process.pid, "SIGKILL");', "process.abort();"]) {
    const { received, exit } = await sendThen(ending);
    assert.deepEqual(received, hundred, ending);
    assert.notEqual(exit.signal, null, ending);
  }
});

test("node-socket: server messages whole, fragmented, huge, and split across chunks", async () => {
  const server = await rawServer();
  const { events, next } = client(server.url);
  await next("open");
  const peer = await server.connected;

  const huge = "z".repeat(70_000) + "é".repeat(40_000);
  const bytes = Buffer.concat([
    serverFrame(1, "one"),
    // "two é" in three fragments, with a ping between them (control frames may interleave).
    serverFrame(1, "tw", { fin: false }),
    serverFrame(0, Buffer.from([0x6f, 0x20, 0xc3]), { fin: false }), // "o " and half of "é"
    serverFrame(9, "mid"),
    serverFrame(0, Buffer.from([0xa9]), { fin: true }),
    serverFrame(1, huge),
    serverFrame(10, "unsolicited pong"),
    serverFrame(1, "x".repeat(300)),
  ]);
  // Everything once in one chunk, then again a few bytes at a time.
  peer.write(bytes);
  for (let i = 0; i < bytes.length; i += 7) {
    peer.write(bytes.subarray(i, i + 7));
    if (i < 200) await new Promise((resolve) => setImmediate(resolve));
  }
  const expected = ["one", "two é", huge, "x".repeat(300)];
  for (let round = 0; round < 2; round++) {
    for (const text of expected) assert.equal((await next("message")).text, text);
  }
  assert.equal(events.filter((e) => e.kind === "message").length, 8);
  // Each ping answered with a pong carrying its payload.
  for (let round = 0; round < 2; round++) {
    const pong = await peer.frame();
    assert.deepEqual([pong.opcode, pong.masked, pong.payload.toString()], [10, true, "mid"]);
  }
  peer.socket.destroy();
  await next("close");
  server.close();
});

test("node-socket: a close from the server is answered, then the connection ends", async () => {
  const server = await rawServer();
  const { next } = client(server.url);
  await next("open");
  const peer = await server.connected;
  const status = Buffer.from([0x03, 0xe8, ...Buffer.from("bye")]);
  peer.write(serverFrame(8, status));
  const reply = await peer.frame();
  assert.equal(reply.opcode, 8);
  assert.equal(reply.masked, true);
  assert.equal(reply.payload.readUInt16BE(0), 1000);
  assert.equal(await peer.frame(), null, "the client ends the TCP connection after its close");
  await next("close");
  server.close();
});

test("node-socket: close() sends code and reason and waits for the server's close", async () => {
  const server = await rawServer();
  const { ws, events, next } = client(server.url);
  await next("open");
  const peer = await server.connected;
  ws.close(1000, "shutdown");
  ws.send("ignored after close");
  const frame = await peer.frame();
  assert.deepEqual([frame.opcode, frame.payload.readUInt16BE(0), frame.payload.subarray(2).toString()], [8, 1000, "shutdown"]);
  assert.ok(!events.some((e) => e.kind === "close"), "no close before the server answers");
  peer.write(serverFrame(8, frame.payload.subarray(0, 2)));
  await next("close");
  assert.equal(await peer.frame(), null, "and nothing else was sent");
  server.close();
});

test("node-socket: failed connects and handshakes report an error and never open", async () => {
  const refused = client("ws://127.0.0.1:1/");
  assert.match((await refused.next("error")).message, /ECONNREFUSED/);

  const cases = [
    [() => "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", /403 Forbidden/],
    [() => "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: nope\r\n\r\n", /Sec-WebSocket-Accept/],
    [() => "garbage\r\n\r\n", /not an HTTP response/],
  ];
  for (const [respond, pattern] of cases) {
    const server = await rawServer(respond);
    const { events, next } = client(server.url);
    assert.match((await next("error")).message, pattern);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(events.map((e) => e.kind), ["error"]);
    server.close();
  }

  // The server hangs up mid-handshake.
  const server = await rawServer(() => "");
  const hangup = client(server.url);
  (await server.connected).socket.destroy();
  assert.match((await hangup.next("error")).message, /closed during the handshake/);
  server.close();
});
