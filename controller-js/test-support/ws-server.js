// A minimal websocket server (RFC 6455 text frames only) standing in for the Rust host in the
// end-to-end test, because node 20 ships a websocket client but no server.

import { createHash } from "node:crypto";
import { createServer } from "node:http";

const HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * Listens on a free localhost port; `onConnection(peer)` gets `{ send(object), messages }` where
 * `messages` is an async iterator of parsed JSON frames that ends when the client disconnects.
 * @returns {Promise<{ url: string, close(): void }>}
 */
export function startWebSocketServer(onConnection) {
  const server = createServer((request, response) => response.writeHead(404).end());
  const sockets = new Set();
  server.on("upgrade", (request, socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const accept = createHash("sha1").update(request.headers["sec-websocket-key"] + HANDSHAKE_GUID).digest("base64");
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    onConnection(peer(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const close = () => {
        for (const socket of sockets) socket.destroy();
        server.close();
      };
      resolve({ url: `ws://127.0.0.1:${server.address().port}/`, close });
    });
  });
}

function peer(socket) {
  const queue = [];
  const waiting = [];
  let ended = false;
  const deliver = (item) => (waiting.length ? waiting.shift()(item) : queue.push(item));
  let buffer = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const frame = readFrame(buffer);
      if (!frame) break;
      buffer = buffer.subarray(frame.size);
      if (frame.opcode === 0x1) deliver({ value: JSON.parse(frame.payload.toString("utf8")), done: false });
      if (frame.opcode === 0x8 && socket.writable) socket.end(frameOf(0x8, frame.payload));
    }
  });
  socket.on("close", () => {
    ended = true;
    deliver({ value: undefined, done: true });
  });
  return {
    send: (message) => socket.write(frameOf(0x1, Buffer.from(JSON.stringify(message)))),
    close: () => socket.writable && socket.end(frameOf(0x8, Buffer.alloc(0))),
    messages: {
      [Symbol.asyncIterator]: () => ({
        next: () => (queue.length ? Promise.resolve(queue.shift()) : ended ? Promise.resolve({ done: true }) : new Promise((resolve) => waiting.push(resolve))),
      }),
    },
  };
}

function readFrame(buffer) {
  if (buffer.length < 2) return null;
  const opcode = buffer[0] & 0x0f;
  const masked = (buffer[1] & 0x80) !== 0;
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
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return null;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= buffer[maskOffset + (i % 4)];
  return { opcode, payload, size: offset + length };
}

function frameOf(opcode, payload) {
  const header =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length])
      : payload.length < 65536
        ? Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(payload.length)]);
  return Buffer.concat([header, payload]);
}

function bigLength(length) {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(length));
  return bytes;
}
