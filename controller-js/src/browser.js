// The browser adapter: connects the controller core to the host over a websocket from a page
// the host serves, and captures what the page prints or throws.
//
// The host's generated entry calls `startBrowser({ url, files })`. console output travels to the
// host as `console` messages (and is also kept in the page's own console, where a person
// debugging in devtools looks for it); uncaught errors and unhandled rejections fail the running
// test. The page has no process to exit: `shutdown` just closes the socket.

import { captureConsole } from "./console.js";
import { createController } from "./controller.js";
import { browserRuntimeInfo, socketUrl } from "./page.js";

/**
 * Connects to the host and serves its commands until shutdown.
 * @param {{ url: string, files: { file: string, url?: string, load(): Promise<unknown> }[], sequential?: boolean }} options
 *   `sequential` (a bundle, whose stack frames name no test file) loads the files one at a time.
 * @returns {Promise<void>} settles once the connection is open and `hello` is sent
 */
export function startBrowser({ url, files, sequential = false }) {
  const socket = new WebSocket(socketUrl(url));
  const outbox = [];
  let open = false;
  const send = (message) => {
    const text = JSON.stringify(message);
    if (open) socket.send(text);
    else outbox.push(text);
  };
  const adapter = {
    runtimeInfo: browserRuntimeInfo,
    exit: () => socket.close(1000, "shutdown"),
  };
  const controller = createController({ send, adapter, files, sequential });
  const original = {};
  for (const method of ["log", "info", "debug", "warn", "error", "trace"]) original[method] = console[method];
  captureConsole(console, {
    emit: (stream, level, text) => {
      controller.output(stream, level, text);
      // Keep the page's own console useful for a person with devtools open.
      (stream === "stderr" ? original.error : original.log)?.call(console, text);
    },
  });
  window.addEventListener("error", (event) => {
    event.preventDefault();
    controller.reportUncaught("uncaught exception", event.error ?? new Error(event.message));
  });
  window.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    controller.reportUncaught("unhandled rejection", event.reason);
  });
  return new Promise((resolve) => {
    socket.addEventListener("open", () => {
      open = true;
      controller.hello();
      for (const text of outbox.splice(0)) socket.send(text);
      resolve();
    });
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      controller.receive(message);
    });
  });
}
