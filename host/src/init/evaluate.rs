//! [`evaluate`]: another runner's config file as the JSON value its runner would see, for
//! `proctor init`. Configs are programs (Vitest's `defineConfig(...)`, Jest's functions, Karma's
//! `config.set`), so node runs them — controller-js/src/init-config.js, loaded through the same
//! manifest as global setup modules, so TypeScript configs go through proctor's own transform
//! and their imports resolve as test files' do. A package the config imports that is not
//! installed (`vitest/config` in a project that no longer has Vitest, a Vite plugin) is replaced
//! by a stub: `defineConfig` and its kin return their argument, `mergeConfig` merges, and any
//! other export is a function whose result says which package it stood in for.

use crate::build::{temp_dir, write_controller, write_manifest_for, ModuleSettings, ProjectModules, CACHE_DIR};
use crate::paths::file_url;
use crate::resolve::{ImportKind, Target};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// What marks init-config.js's answer on its stdout.
const MARKER: &str = "\u{1}proctor-init ";
/// How long a config may take to evaluate (one that starts a server never ends by itself).
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);
/// Where stubs for missing packages are written (under the root, where `[alias]` paths live).
const STUB_DIR: &str = ".proctor/init-stubs";

/// How a config file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// A JS/TS module whose default export (or `module.exports`) is the config or a function.
    Module,
    /// A web-test-runner module: also renders `testRunnerHtml`.
    Wtr,
    /// A Karma module: a function of `config` calling `config.set`.
    Karma,
    /// JSON with comments allowed.
    Jsonc,
    /// The YAML subset mocha configs use.
    Yaml,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Module => "module",
            Format::Wtr => "wtr",
            Format::Karma => "karma",
            Format::Jsonc => "jsonc",
            Format::Yaml => "yaml",
        }
    }
}

/// Why a config could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    /// node or the files it needs could not be set up.
    #[error("failed to start node to read {}: {message}", file.display())]
    Start { file: PathBuf, message: String },
    /// The config threw, or node gave no answer.
    #[error("failed to evaluate {}: {message}", file.display())]
    Failed { file: PathBuf, message: String },
}

/// Loads `file` (absolute) in node as `format` says; returns the resolved config.
pub(crate) fn evaluate(root: &Path, file: &Path, format: Format) -> Result<serde_json::Value, EvaluateError> {
    let start = |message: String| EvaluateError::Start { file: file.to_path_buf(), message };
    let launcher = runtimes::NodeLauncher::find().map_err(|e| start(e.to_string()))?;
    let dir = temp_dir().map_err(|e| start(e.to_string()))?;
    let controller = write_controller(dir.path()).map_err(|e| start(e.to_string()))?;
    let mut command = std::process::Command::new(launcher.program());
    let stub_dir = root.join(STUB_DIR);
    let _stubs = StubDir(stub_dir.clone());
    if matches!(format, Format::Module | Format::Wtr | Format::Karma) {
        let mut settings = ModuleSettings::plain(root, Target::Node, &root.join(CACHE_DIR));
        settings.alias = write_stubs(root, file, &stub_dir).map_err(|e| start(e.to_string()))?;
        let modules = ProjectModules::new(settings);
        let manifest =
            write_manifest_for(&modules, &[file.to_path_buf()], dir.path()).map_err(|e| start(e.to_string()))?;
        command.arg("--import").arg(file_url(&controller.join("node-register.js")));
        command.arg(controller.join("init-config.js")).arg(manifest);
    } else {
        command.arg(controller.join("init-config.js")).arg("");
    }
    let child = command
        .arg(format.name())
        .arg(file)
        .current_dir(root)
        .env("NODE_ENV", "test")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| start(format!("{}: {e}", launcher.program().display())))?;
    let output = finished_within(child, DEADLINE)
        .map_err(|message| EvaluateError::Failed { file: file.to_path_buf(), message })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failed = |message: String| EvaluateError::Failed { file: file.to_path_buf(), message };
    let Some(answer) = stdout.lines().find_map(|line| line.strip_prefix(MARKER)) else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(failed(format!("node exited ({}) without an answer: {}", output.status, stderr.trim())));
    };
    let mut answer: serde_json::Value = serde_json::from_str(answer).map_err(|e| failed(e.to_string()))?;
    if let Some(error) = answer.get("error").and_then(|e| e.as_str()) {
        return Err(failed(first_lines(error)));
    }
    Ok(answer.get_mut("value").map(serde_json::Value::take).unwrap_or_default())
}

/// The child's output once it exits, or an error when it is still running after `deadline`
/// (it is killed then). Its pipes are drained meanwhile, so a chatty config cannot block on them.
fn finished_within(
    mut child: std::process::Child,
    deadline: std::time::Duration,
) -> Result<std::process::Output, String> {
    use std::io::Read;
    fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < deadline => std::thread::sleep(std::time::Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {} s (killed)", deadline.as_secs()));
            }
            Err(error) => return Err(error.to_string()),
        }
    };
    Ok(std::process::Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// The message and the first frames of an error's stack.
fn first_lines(stack: &str) -> String {
    stack.lines().take(4).collect::<Vec<_>>().join("\n")
}

/// Removes the stubs when evaluation is over, however it ended.
struct StubDir(PathBuf);

impl Drop for StubDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        // `.proctor` itself stays only when something else (the transform cache) is in it.
        if let Some(parent) = self.0.parent() {
            let _ = std::fs::remove_dir(parent);
        }
    }
}

/// Writes a stub for each package that `file`, or a project file it imports, imports and that
/// does not resolve from there; returns the `[alias]` entries pointing at them.
fn write_stubs(root: &Path, file: &Path, stub_dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    let modules = ProjectModules::new(ModuleSettings::plain(root, Target::Node, &root.join(CACHE_DIR)));
    let resolves = |from: &Path, specifier: &str| {
        [ImportKind::Import, ImportKind::Require]
            .into_iter()
            .find_map(|kind| modules.resolver().resolve(from, specifier, kind).ok())
    };
    let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut queue = vec![file.to_path_buf()];
    let mut seen = Vec::new();
    while let Some(current) = queue.pop() {
        if seen.contains(&current) || seen.len() > 50 {
            continue;
        }
        seen.push(current.clone());
        let Ok(source) = std::fs::read_to_string(&current) else { continue };
        for (specifier, names) in imported_packages(&source) {
            if resolves(&current, &specifier).is_none() {
                missing.entry(specifier).or_default().extend(names);
            }
        }
        for specifier in relative_imports(&source) {
            if let Some(crate::resolve::Resolution::File(path)) = resolves(&current, &specifier) {
                if modules.resolver().is_project_file(&path) {
                    queue.push(path);
                }
            }
        }
    }
    let mut alias = Vec::new();
    for (index, (specifier, names)) in missing.into_iter().enumerate() {
        std::fs::create_dir_all(stub_dir)?;
        let name = format!("stub-{index}.cjs");
        std::fs::write(stub_dir.join(&name), stub_source(&specifier, &names))?;
        alias.push((specifier, format!("./{STUB_DIR}/{name}")));
    }
    Ok(alias)
}

/// The relative specifiers a source imports or requires (`./vite.config`).
fn relative_imports(source: &str) -> Vec<String> {
    let pattern =
        regex::Regex::new(r#"(?:\bfrom|\bimport|\brequire\s*\()\s*['"](\.{1,2}/[^'"]+)['"]"#).expect("a valid regex");
    pattern.captures_iter(source).map(|caps| caps[1].to_string()).collect()
}

/// The package specifiers a config's source imports or requires, each with the names it
/// imports by name.
pub(crate) fn imported_packages(source: &str) -> BTreeMap<String, Vec<String>> {
    let import =
        regex::Regex::new(r#"(?s)\bimport\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]"#).expect("a valid regex");
    let bare = regex::Regex::new(r#"\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s*['"]([^'"]+)['"]"#)
        .expect("a valid regex");
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let package = |s: &str| !s.starts_with('.') && !s.starts_with('/') && !s.starts_with("node:");
    for caps in import.captures_iter(source) {
        let (clause, specifier) = (&caps[2], &caps[3]);
        if !package(specifier) || caps.get(1).is_some() {
            continue;
        }
        let names = out.entry(specifier.to_string()).or_default();
        if let (Some(open), Some(close)) = (clause.find('{'), clause.find('}')) {
            for item in clause[open + 1..close].split(',') {
                let item = item.trim().trim_start_matches("type ").trim();
                let name = item.split_whitespace().next().unwrap_or("");
                if !name.is_empty() && !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        }
    }
    for caps in bare.captures_iter(source) {
        if let Some(specifier) = caps.get(1).or_else(|| caps.get(2)).map(|m| m.as_str()) {
            if package(specifier) {
                out.entry(specifier.to_string()).or_default();
            }
        }
    }
    out
}

/// A CommonJS stub for `specifier` exporting `names` (node finds `exports.x =` names for ES
/// imports too).
fn stub_source(specifier: &str, names: &[String]) -> String {
    let quoted = serde_json::to_string(specifier).unwrap_or_default();
    let mut out = format!(
        "// proctor init: a stand-in for {quoted}, which is not installed.\n\
         const stub = (name) => (...args) => ({{ $stub: {quoted} + (name ? \".\" + name : \"\"), args }});\n\
         const same = (config) => config;\n\
         const merge = (a, b) => {{\n  \
           if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];\n  \
           if (a && b && typeof a === \"object\" && typeof b === \"object\") {{\n    \
             const out = {{ ...a }};\n    for (const key of Object.keys(b)) out[key] = key in a ? merge(a[key], b[key]) : b[key];\n    return out;\n  }}\n  \
           return b === undefined ? a : b;\n}};\n\
         // Any other name a CommonJS config reads (`const {{ plugin }} = require(...)`) is a stub too.\n\
         module.exports = new Proxy(stub(\"\"), {{\n  \
           get: (target, key) => key in target || typeof key === \"symbol\" || key === \"then\" || key === \"__esModule\" ? target[key] : stub(key),\n}});\n"
    );
    for name in names {
        if !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$') || name == "default" {
            continue;
        }
        let value = match name.as_str() {
            n if n.starts_with("define") => "same".to_string(),
            "mergeConfig" => "merge".to_string(),
            "configDefaults" => {
                "{ include: [\"**/*.{test,spec}.?(c|m)[jt]s?(x)\"], exclude: [\"**/node_modules/**\", \"**/.git/**\"] }"
                    .to_string()
            }
            "defaultInclude" => "[\"**/*.{test,spec}.?(c|m)[jt]s?(x)\"]".to_string(),
            "defaultExclude" => "[\"**/node_modules/**\", \"**/.git/**\"]".to_string(),
            "loadEnv" => "() => ({})".to_string(),
            other => format!("stub({})", serde_json::to_string(other).unwrap_or_default()),
        };
        out.push_str(&format!("module.exports.{name} = {value};\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_imported_packages_and_their_names() {
        let source = "import { defineConfig, mergeConfig as merge } from \"vitest/config\";\n\
                      import type { Config } from 'jest';\nimport react from '@vitejs/plugin-react';\n\
                      import path from 'node:path';\nimport base from './vite.config';\n\
                      const { esbuildPlugin } = require(\"@web/dev-server-esbuild\");\nimport 'dotenv/config';\n";
        let found = imported_packages(source);
        assert_eq!(
            found.keys().collect::<Vec<_>>(),
            ["@vitejs/plugin-react", "@web/dev-server-esbuild", "dotenv/config", "vitest/config"]
        );
        assert_eq!(found["vitest/config"], ["defineConfig", "mergeConfig"]);
    }

    #[test]
    fn evaluates_configs_whose_packages_are_missing_through_imported_project_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("package.json"), "{\"type\": \"module\"}\n").unwrap();
        std::fs::write(root.join("vite.config.ts"), "import { defineConfig } from 'vite';\nexport default defineConfig({ resolve: { alias: { '@': '/src' } } });\n").unwrap();
        std::fs::write(
            root.join("vitest.config.ts"),
            "import { defineConfig, mergeConfig } from 'vitest/config';\nimport base from './vite.config';\n\
             const env: string = 'jsdom';\nexport default mergeConfig(base, defineConfig({ test: { environment: env } }));\n",
        )
        .unwrap();
        let value = evaluate(root, &root.join("vitest.config.ts"), Format::Module).unwrap();
        assert_eq!(
            value,
            serde_json::json!({ "resolve": { "alias": { "@": "/src" } }, "test": { "environment": "jsdom" } })
        );
        std::fs::write(
            root.join("wtr.config.cjs"),
            "const { esbuildPlugin } = require('@web/dev-server-esbuild');\n\
             module.exports = { files: ['t/**/*.test.js'], plugins: [esbuildPlugin({ ts: true })], filter: /x/ };\n",
        )
        .unwrap();
        let value = evaluate(root, &root.join("wtr.config.cjs"), Format::Wtr).unwrap();
        assert_eq!(value["plugins"][0]["$stub"], "@web/dev-server-esbuild.esbuildPlugin");
        assert_eq!(value["filter"], serde_json::json!({ "$regexp": "x", "flags": "" }));
        assert!(!root.join(STUB_DIR).exists(), "the stubs are removed");
    }
}
