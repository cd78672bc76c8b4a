// The shell page of a kept tab (`proctor serve`): one websocket to the server for the tab's
// whole life, and one run frame (an iframe) per run.
//
// The server sends `open-frame` when a run (re)starts this runtime: the old frame and its realm
// go, and a fresh frame loads the run's page, whose controller talks to the run itself. Globals
// and module state of one run therefore never reach the next, while the tab — the DevTools
// target a person may be debugging in — stays. `close-frame` removes the frame. Messages are
// those of protocol/src/shell.rs (vectors: protocol/vectors/shell-*.json).

import { browserRuntimeInfo, socketUrl } from "./page.js";

/** The protocol version; see protocol/src/lib.rs (the same as controller.js's: one protocol). */
export const PROTOCOL_VERSION = 2;

/**
 * Handles the server's commands against a document. Kept apart from the socket so the tests can
 * drive it without a browser.
 * @param {{ document: Document, location: { protocol: string, hostname: string }, send(message: object): void, status(text: string): void }} page
 */
export function createShell({ document, location, send, status }) {
  let frame = null;

  function removeFrame() {
    if (frame === null) return;
    // Navigating away first ends the frame's scripts and sockets even if something holds it.
    frame.src = "about:blank";
    frame.remove();
    frame = null;
  }

  function receive(message) {
    switch (message?.type) {
      case "open-frame": {
        removeFrame();
        frame = document.createElement("iframe");
        frame.title = "proctor run";
        frame.style.cssText = "border:0;width:100%;height:100%;display:block";
        frame.src = `${location.protocol}//${location.hostname}:${message.port}${message.path}`;
        document.body.appendChild(frame);
        status("running tests");
        return send({ type: "frame-opened", replyTo: message.id });
      }
      case "close-frame":
        removeFrame();
        status("idle: waiting for the next run");
        return send({ type: "frame-closed", replyTo: message.id });
      default:
        return undefined;
    }
  }

  return { receive, hello: (runtime) => send({ type: "shell-hello", protocol: PROTOCOL_VERSION, runtime }) };
}

/** Connects the page it runs in to the server that served it. */
export function startShell() {
  const params = new URLSearchParams(location.search);
  const query = new URLSearchParams({ token: params.get("token") ?? "" });
  if (params.get("launch")) query.set("launch", params.get("launch"));
  const socket = new WebSocket(socketUrl(`/ws/shell?${query}`));
  const banner = document.getElementById("status");
  const status = (text) => {
    if (banner) banner.textContent = `proctor: ${text}`;
  };
  const shell = createShell({ document, location, send: (m) => socket.send(JSON.stringify(m)), status });
  socket.addEventListener("open", () => {
    shell.hello(browserRuntimeInfo());
    status("connected: waiting for a run");
  });
  socket.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    shell.receive(message);
  });
  socket.addEventListener("close", () => status("disconnected from proctor serve; reload this page (or open the URL it printed) to reattach"));
}
