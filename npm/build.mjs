#!/usr/bin/env node
// Builds proctor's npm packages, as esbuild and biome ship theirs: `proctor` (the test API that
// `import "proctor"` resolves to for editors and tsc, plus a `proctor` bin) and one package per
// platform holding the binary (`proctor-linux-x64`, ...), which `proctor` lists as optional
// dependencies so npm installs only the one for the machine. No postinstall step downloads
// anything: the bin shim (bin/proctor.cjs) finds the platform package and runs its binary.
//
//   node npm/build.mjs                                   # cargo build --release, pack for this machine
//   node npm/build.mjs --binary target/release/proctor   # pack a binary already built
//   node npm/build.mjs --platform darwin-arm64 --binary path/to/proctor   # a binary built elsewhere
//   node npm/build.mjs --target aarch64-unknown-linux-gnu   # cross-build with cargo, then pack
//
// Writes the packages under --out (default dist/npm) and `npm pack`s each into a .tgz there.

import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** npm platform (process.platform-process.arch) → Rust target, os and cpu fields. */
export const PLATFORMS = {
  "linux-x64": { target: "x86_64-unknown-linux-gnu", os: "linux", cpu: "x64" },
  "linux-arm64": { target: "aarch64-unknown-linux-gnu", os: "linux", cpu: "arm64" },
  "darwin-x64": { target: "x86_64-apple-darwin", os: "darwin", cpu: "x64" },
  "darwin-arm64": { target: "aarch64-apple-darwin", os: "darwin", cpu: "arm64" },
  "win32-x64": { target: "x86_64-pc-windows-msvc", os: "win32", cpu: "x64" },
};

function options(argv) {
  const opts = { out: join(root, "dist/npm"), platform: `${process.platform}-${process.arch}` };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--binary") opts.binary = resolve(value());
    else if (flag === "--platform") opts.platform = value();
    else if (flag === "--target") opts.target = value();
    else if (flag === "--out") opts.out = resolve(value());
    else if (flag === "--no-pack") opts.pack = false;
    else throw new Error(`unknown option ${flag} (see the comment at the top of npm/build.mjs)`);
  }
  if (opts.target !== undefined) {
    const found = Object.entries(PLATFORMS).find(([, p]) => p.target === opts.target);
    if (found === undefined) throw new Error(`--target ${opts.target}: not one of ${Object.values(PLATFORMS).map((p) => p.target).join(", ")}`);
    opts.platform = found[0];
  }
  if (PLATFORMS[opts.platform] === undefined) {
    throw new Error(`--platform ${opts.platform}: not one of ${Object.keys(PLATFORMS).join(", ")}`);
  }
  return opts;
}

function build(opts) {
  if (opts.binary !== undefined) return opts.binary;
  const args = ["build", "--release", "-p", "proctor"];
  if (opts.target !== undefined) args.push("--target", opts.target);
  execFileSync("cargo", args, { cwd: root, stdio: "inherit" });
  const exe = opts.platform.startsWith("win32") ? "proctor.exe" : "proctor";
  return join(root, "target", ...(opts.target ? [opts.target] : []), "release", exe);
}

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** The platform package: the binary and a package.json npm installs only on its os and cpu. */
function platformPackage(opts, binary, version) {
  const { os, cpu } = PLATFORMS[opts.platform];
  const dir = join(opts.out, `proctor-${opts.platform}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "bin"), { recursive: true });
  const exe = os === "win32" ? "proctor.exe" : "proctor";
  copyFileSync(binary, join(dir, "bin", exe));
  chmodSync(join(dir, "bin", exe), 0o755);
  writeJson(join(dir, "package.json"), {
    name: `proctor-${opts.platform}`,
    version,
    description: `The proctor binary for ${opts.platform}; installed by the proctor package.`,
    license: "MIT",
    os: [os],
    cpu: [cpu],
    files: ["bin"],
    preferUnplugged: true,
  });
  return dir;
}

/** The main package: the test API (controller-js), its types, and the bin shim. */
function mainPackage(opts, version) {
  const dir = join(opts.out, "proctor");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "bin"), { recursive: true });
  const controller = join(root, "controller-js");
  const source = JSON.parse(readFileSync(join(controller, "package.json"), "utf8"));
  cpSync(join(controller, "src"), join(dir, "src"), { recursive: true });
  // The declarations (`exports` and `types` in controller-js's package.json point into types/).
  cpSync(join(controller, "types"), join(dir, "types"), { recursive: true });
  copyFileSync(join(root, "npm/bin/proctor.cjs"), join(dir, "bin/proctor.cjs"));
  chmodSync(join(dir, "bin/proctor.cjs"), 0o755);
  copyFileSync(join(root, "README.md"), join(dir, "README.md"));
  const { scripts: _scripts, devDependencies: _dev, ...kept } = source;
  writeJson(join(dir, "package.json"), {
    ...kept,
    version,
    description: "A JavaScript test runner with a Rust host: node, headless Chromium, or a tab you opened.",
    license: "MIT",
    bin: { proctor: "bin/proctor.cjs" },
    files: ["bin", "src", "types", "README.md"],
    optionalDependencies: Object.fromEntries(Object.keys(PLATFORMS).map((platform) => [`proctor-${platform}`, version])),
  });
  return dir;
}

function pack(dir, out) {
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], { cwd: dir, encoding: "utf8" });
  return join(out, name.trim().split("\n").pop());
}

const opts = options(process.argv.slice(2));
const version = JSON.parse(readFileSync(join(root, "controller-js/package.json"), "utf8")).version;
mkdirSync(opts.out, { recursive: true });
const binary = build(opts);
const dirs = [mainPackage(opts, version), platformPackage(opts, binary, version)];
if (opts.pack !== false) {
  for (const dir of dirs) console.log(pack(dir, opts.out));
} else {
  for (const dir of dirs) console.log(dir);
}
