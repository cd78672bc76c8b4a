// The node adapter's websocket client: just enough RFC 6455 over `node:net` to talk to the host.
//
// Node's global WebSocket (undici) draws a fresh random mask from crypto and queues a separate
// write for every frame; at one frame per finished test that was the biggest per-test cost in
// the node runtime. Here the mask is chosen once per connection and each message is framed
// straight into the outbox (node-outbox.js), which writes what has queued once per turn of the
// event loop and, through a watchdog thread, also while a test blocks the thread: the host's
// per-test deadline relies on a finished test's result leaving the process even when the next
// test never returns.
//
// Only what proctor needs: ws:// URLs, text messages out, text messages (possibly fragmented),
// ping and close in. No extensions, no subprotocols, no binary messages.

import { createHash, randomBytes } from "node:crypto";
import { connect } from "node:net";
import { createOutbox } from "./node-outbox.js";

const HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
// Handshake responses are a few hundred bytes; more than this without a blank line is not one.
const MAX_HANDSHAKE_BYTES = 16 * 1024;
// The longest client frame header: 2 bytes, 8 bytes of extended length, 4 bytes of mask.
const MAX_HEADER = 14;
// Below this many characters a message is encoded straight into a worst-case-sized buffer
// (3 bytes per UTF-16 unit), which saves measuring its UTF-8 length first.
const DIRECT_ENCODE_LIMIT = 16 * 1024;
// How long a closing handshake waits for queued frames to leave before sending its FIN.
const CLOSE_PATIENCE_MS = 2000;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;

/**
 * Opens a websocket to `url` (ws:// only). Exactly one of `onError` (the connection or handshake
 * failed; never after `onOpen`) or `onOpen` … `onClose` happens.
 * @param {string} url
 * @param {{ onOpen(): void, onMessage(text: string): void, onClose(): void, onError(message: string): void }} handlers
 * @returns {{ send(text: string): void, close(code?: number, reason?: string): void, readonly bufferedAmount: number }}
 */
export function connectWebSocket(url, { onOpen, onMessage, onClose, onError }) {
  const target = new URL(url);
  const key = randomBytes(16).toString("base64");
  const expectedAccept = createHash("sha1").update(key + HANDSHAKE_GUID).digest("base64");
  // One mask for the whole connection: the host does not need per-frame unpredictability
  // (there is no proxy between us to poison), and crypto per frame is what this file avoids.
  const mask = randomBytes(4);
  const [m0, m1, m2, m3] = mask;

  let state = "connecting"; // → "open" → "closed", or → "failed"
  let closeSent = false;
  let closeReceived = false;
  let pending = null; // unparsed bytes from the server
  let fragments = []; // payloads of a text message still awaiting its FIN frame
  let outbox = null; // once open, where frames go (null: straight to the socket)

  const port = target.port === "" ? 80 : Number(target.port);
  if (target.protocol !== "ws:") {
    queueMicrotask(() => onError(`unsupported websocket URL scheme ${target.protocol}`));
    return { send() {}, close() {}, bufferedAmount: 0 };
  }
  const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
  const socket = connect({ host, port });
  // Whenever the socket goes, before node closes its descriptor: the watchdog thread must not
  // write to a number the process may reuse for another file.
  const destroy = socket._destroy;
  socket._destroy = function (error, callback) {
    outbox?.close();
    return destroy.call(this, error, callback);
  };

  const fail = (message) => {
    if (state !== "connecting") return;
    state = "failed";
    socket.destroy();
    onError(message);
  };

  socket.on("connect", () => {
    socket.setNoDelay(true);
    socket.write(
      `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
        `Sec-WebSocket-Key: ${key}\r\n\r\n`,
    );
  });

  socket.on("data", (chunk) => {
    pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
    if (state === "connecting") {
      const end = pending.indexOf("\r\n\r\n");
      if (end < 0) {
        if (pending.length > MAX_HANDSHAKE_BYTES) fail("handshake response too long");
        return;
      }
      const problem = checkHandshake(pending.toString("latin1", 0, end), expectedAccept);
      if (problem) return fail(problem);
      pending = end + 4 < pending.length ? pending.subarray(end + 4) : null;
      state = "open";
      outbox = openOutbox(socket);
      onOpen();
      if (pending === null || state !== "open") return;
    }
    if (state === "open") readFrames();
  });

  socket.on("error", (error) => fail(error.message || error.code || "connection failed"));
  socket.on("close", () => {
    if (state === "connecting") return fail("connection closed during the handshake");
    if (state !== "open") return;
    state = "closed";
    onClose();
  });

  // Consumes every complete frame in `pending`, leaving a partial one for the next chunk.
  function readFrames() {
    let offset = 0;
    const buffer = pending;
    while (state === "open" && !closeReceived && buffer.length - offset >= 2) {
      const first = buffer[offset];
      const second = buffer[offset + 1];
      let length = second & 0x7f;
      let start = offset + 2;
      if (length === 126) {
        if (buffer.length < start + 2) break;
        length = buffer.readUInt16BE(start);
        start += 2;
      } else if (length === 127) {
        if (buffer.length < start + 8) break;
        length = buffer.readUInt32BE(start) * 2 ** 32 + buffer.readUInt32BE(start + 4);
        start += 8;
      }
      // Servers must not mask, but unmasking costs nothing to support.
      const masked = (second & 0x80) !== 0;
      if (masked) start += 4;
      if (buffer.length < start + length) break;
      let payload = buffer.subarray(start, start + length);
      if (masked) {
        payload = Buffer.from(payload);
        for (let i = 0; i < length; i++) payload[i] ^= buffer[start - 4 + (i & 3)];
      }
      offset = start + length;
      handleFrame(first & 0x80, first & 0x0f, payload);
    }
    pending = offset < buffer.length ? buffer.subarray(offset) : null;
  }

  function handleFrame(fin, opcode, payload) {
    if (opcode === OP_TEXT || (opcode === OP_CONTINUATION && fragments.length > 0)) {
      if (!fin) {
        // Copy: the payload is a view into a chunk that later parsing may drop.
        fragments.push(Buffer.from(payload));
        return;
      }
      const whole = fragments.length === 0 ? payload : Buffer.concat([...fragments, payload]);
      fragments = [];
      onMessage(whole.toString("utf8"));
    } else if (opcode === OP_CLOSE) {
      // Echo the status code (the first two bytes) unless this answers our own close.
      if (!closeSent) writeFrame(OP_CLOSE, payload.subarray(0, 2));
      closeSent = true;
      closeReceived = true;
      // The FIN goes through node's own stream: everything queued leaves first.
      if (outbox !== null) {
        outbox.flush(CLOSE_PATIENCE_MS);
        outbox.close();
      }
      socket.end();
    } else if (opcode === OP_PING) {
      writeFrame(0xa, payload);
    }
    // Pong, binary messages and their continuations: nothing proctor needs.
  }

  // Frames one masked message (a control frame, or a payload already in bytes).
  function writeFrame(opcode, payload) {
    if (socket.destroyed || !socket.writable) return;
    const length = payload.length;
    const header = headerSize(length);
    put(header + length, (frame, at) => {
      writeHeader(frame, at, opcode, length);
      payload.copy(frame, at + header);
      maskInPlace(frame, at + header, at + header + length);
      return at + header + length;
    });
  }

  // Hands a frame of at most `max` bytes, built by `build(buffer, at)` (which returns its end),
  // to the outbox, or before the handshake and where there is none, to the socket.
  function put(max, build) {
    if (outbox !== null) return outbox.queue(max, build);
    const frame = Buffer.allocUnsafe(max);
    socket.write(frame.subarray(0, build(frame, 0)));
  }

  function writeHeader(frame, at, opcode, length) {
    frame[at] = 0x80 | opcode;
    if (length < 126) {
      frame[at + 1] = 0x80 | length;
      at += 2;
    } else if (length < 65536) {
      frame[at + 1] = 0x80 | 126;
      frame.writeUInt16BE(length, at + 2);
      at += 4;
    } else {
      frame[at + 1] = 0x80 | 127;
      frame.writeUInt32BE(Math.floor(length / 2 ** 32), at + 2);
      frame.writeUInt32BE(length >>> 0, at + 6);
      at += 10;
    }
    frame[at] = m0;
    frame[at + 1] = m1;
    frame[at + 2] = m2;
    frame[at + 3] = m3;
  }

  function maskInPlace(frame, from, to) {
    let i = from;
    for (const end = to - 3; i < end; i += 4) {
      frame[i] ^= m0;
      frame[i + 1] ^= m1;
      frame[i + 2] ^= m2;
      frame[i + 3] ^= m3;
    }
    for (let j = 0; i < to; i++, j++) frame[i] ^= mask[j];
  }

  return {
    /** Frames `text` and hands it to the socket before returning. */
    send(text) {
      if (state !== "open" || closeSent || !socket.writable) return;
      if (text.length <= DIRECT_ENCODE_LIMIT) {
        // Encode after the longest possible header, then move the header up against it.
        put(MAX_HEADER + text.length * 3, (frame, at) => {
          const length = frame.write(text, at + MAX_HEADER, "utf8");
          const header = headerSize(length);
          if (header < MAX_HEADER) frame.copyWithin(at + header, at + MAX_HEADER, at + MAX_HEADER + length);
          writeHeader(frame, at, OP_TEXT, length);
          maskInPlace(frame, at + header, at + header + length);
          return at + header + length;
        });
        return;
      }
      const length = Buffer.byteLength(text, "utf8");
      const header = headerSize(length);
      put(header + length, (frame, at) => {
        writeHeader(frame, at, OP_TEXT, length);
        frame.write(text, at + header, "utf8");
        maskInPlace(frame, at + header, at + header + length);
        return at + header + length;
      });
    },
    /** Starts the closing handshake; `onClose` follows once the server has closed too. */
    close(code = 1000, reason = "") {
      if (state !== "open" || closeSent) return;
      closeSent = true;
      const reasonBytes = Buffer.from(reason, "utf8");
      const payload = Buffer.allocUnsafe(2 + reasonBytes.length);
      payload.writeUInt16BE(code, 0);
      reasonBytes.copy(payload, 2);
      writeFrame(OP_CLOSE, payload);
    },
    /** Bytes handed to `send` that have not yet left the process. */
    get bufferedAmount() {
      return (outbox?.pending ?? 0) + socket.writableLength;
    },
  };
}

// The outbox for an open socket, or null where there is no descriptor to share (then every
// frame is written through node's stream as it is sent).
function openOutbox(socket) {
  const fd = socket._handle?.fd;
  if (typeof fd !== "number" || fd < 0 || socket.writableLength > 0) return null;
  return createOutbox(fd);
}

function headerSize(length) {
  return (length < 126 ? 2 : length < 65536 ? 4 : 10) + 4;
}

// Returns why the response head is not an acceptance of our upgrade, or null if it is.
function checkHandshake(head, expectedAccept) {
  const [statusLine, ...lines] = head.split("\r\n");
  const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine);
  if (!status) return `not an HTTP response: ${JSON.stringify(statusLine.slice(0, 100))}`;
  if (status[1] !== "101") return `the server answered ${statusLine.slice(9)} instead of 101 Switching Protocols`;
  const headers = new Map();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  if (headers.get("upgrade")?.toLowerCase() !== "websocket") return "the server did not upgrade to websocket";
  if (headers.get("sec-websocket-accept") !== expectedAccept) return "the server sent a wrong Sec-WebSocket-Accept";
  return null;
}
