// What every proctor page in a browser needs to say about itself: the shell page of a kept tab
// (shell.js) and the run page's controller (browser.js). Kept apart from both so the shell page
// does not load the controller.

/** The runtime as the hello messages describe it, e.g. version "Chrome/156.0.8078.79". */
export function browserRuntimeInfo() {
  // Browsers without a recognizable product token report the whole user agent.
  const match = /(Chrome|Firefox|Version)\/([\d.]+)/.exec(navigator.userAgent);
  const version = match ? `${match[1]}/${match[2]}` : navigator.userAgent;
  return { kind: "browser", version, userAgent: navigator.userAgent };
}

/**
 * A websocket URL for `path` on the host the page itself came from, which is how a browser on
 * another machine reaches it. A full ws:// URL is returned as it is.
 */
export function socketUrl(path) {
  if (!path.startsWith("/")) return path;
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
}
