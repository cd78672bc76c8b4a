// `fileURLToPath`, remembered. Loading one module in node asks for the path of the same few
// URLs half a dozen times (resolve, load, the mock and CommonJS hooks), and each conversion
// parses the URL anew: with a fresh realm per test file that was a visible share of a file's
// load. Paths of URLs do not change, so the answers are kept (up to a bound).

import { fileURLToPath } from "node:url";

const LIMIT = 20_000;
const paths = new Map();

/** The file path of the file: URL string `url` (throws as `fileURLToPath` does). */
export function pathOfUrl(url) {
  if (typeof url !== "string") return fileURLToPath(url);
  let path = paths.get(url);
  if (path === undefined) {
    path = fileURLToPath(url);
    if (paths.size >= LIMIT) paths.clear();
    paths.set(url, path);
  }
  return path;
}
