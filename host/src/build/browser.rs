//! Builds what a browser tab loads: the shell page (`index.html`), the controller, and either
//! an ES-module entry with an import map (`esm`) or one bundle made by esbuild or a user
//! command, with its source map. Everything lands in a build dir the server exposes under
//! `/__proctor/`.

use super::bundle::build_bundle;
use super::entry::{write_controller, BuildError};
use super::sourcemap::StackMapper;
use crate::config::BuildMode;
use crate::paths::file_url;
use crate::resolve::{ResolveOptions, Resolver, Target};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The result of a browser build.
pub struct BrowserBuild {
    /// Rewrites browser stack frames to original file paths.
    pub stacks: StackMapper,
    /// Which tool built it (`esm`, `esbuild`, the command).
    pub tool: String,
    /// How long the build took.
    pub duration: Duration,
}

/// Where the served site puts the controller, relative to the build dir.
const CONTROLLER: &str = "controller";

/// Writes the page and entry for `files` (relative, absolute path) into `build_dir` and runs
/// the bundler the mode asks for. `origin` is the server's `http://127.0.0.1:PORT`.
pub async fn build_browser(
    build_dir: &Path,
    root: &Path,
    files: &[(String, PathBuf)],
    mode: &BuildMode,
    minify: bool,
    origin: &str,
    ws_url: &str,
) -> Result<BrowserBuild, BuildError> {
    let started = Instant::now();
    let controller_dir = write_controller(build_dir)?;
    let write = |name: &str, text: String| {
        std::fs::write(build_dir.join(name), text)
            .map_err(|source| BuildError::Write { dir: build_dir.to_path_buf(), source })
    };
    let js = |s: &str| serde_json::to_string(s).expect("strings always serialize");
    match mode {
        BuildMode::Esm => {
            let mut entry = format!("import {{ startBrowser }} from \"/__proctor/{CONTROLLER}/browser.js\";\n");
            entry.push_str(&format!("startBrowser({{\n  url: {},\n  files: [\n", js(ws_url)));
            for (rel, _) in files {
                let path = format!("/{}", url_path(rel));
                let url = format!("{origin}{path}");
                entry.push_str(&format!(
                    "    {{ file: {}, url: {}, load: () => import({}) }},\n",
                    js(rel),
                    js(&url),
                    js(&path)
                ));
            }
            entry.push_str("  ],\n});\n");
            write("entry.js", entry)?;
            let imports = import_map(root);
            // Every module the page will import — the controller's and everything the test files
            // reach — is preloaded at once instead of being found one import level at a time;
            // the entry's import() calls then find them ready.
            let browser_resolver = |root: &Path| {
                Resolver::new(ResolveOptions {
                    root: root.to_path_buf(),
                    target: Target::Browser,
                    alias: Vec::new(),
                    conditions: Vec::new(),
                })
            };
            let controller_modules =
                crate::plan::reachable(&browser_resolver(&controller_dir), &[controller_dir.join("browser.js")]).files;
            let starts: Vec<PathBuf> = files.iter().map(|(_, abs)| abs.clone()).collect();
            let project_modules = crate::plan::reachable(&browser_resolver(root), &starts).files;
            let script = |p: &Path| p.extension().is_some_and(|e| e == "js" || e == "mjs");
            let relative = |base: &Path, p: &Path| {
                p.strip_prefix(base)
                    .ok()
                    .map(|r| r.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
            };
            let mut preloads: Vec<String> = controller_modules
                .iter()
                .filter(|p| script(p))
                .filter_map(|p| relative(&controller_dir, p))
                .map(|rel| format!("/__proctor/{CONTROLLER}/{}", url_path(&rel)))
                .collect();
            preloads.extend(files.iter().map(|(rel, _)| format!("/{}", url_path(rel))));
            for module in project_modules.iter().filter(|p| script(p) && !starts.contains(p)) {
                if let Some(rel) = relative(root, module) {
                    preloads.push(format!("/{}", url_path(&rel)));
                }
            }
            write("index.html", shell_page(&imports, &preloads, "/__proctor/entry.js"))?;
            Ok(BrowserBuild {
                stacks: StackMapper::served(origin, root, build_dir, None),
                tool: "esm".into(),
                duration: started.elapsed(),
            })
        }
        BuildMode::Esbuild | BuildMode::Command(_) => {
            let resolver = Resolver::new(ResolveOptions {
                root: root.to_path_buf(),
                target: Target::Browser,
                alias: Vec::new(),
                conditions: Vec::new(),
            });
            build_bundle(build_dir, root, &controller_dir, files, mode, minify, origin, ws_url, &resolver, None).await
        }
    }
}

/// A root-relative path as a URL path (each segment percent-encoded).
fn url_path(rel: &str) -> String {
    file_url(Path::new(&format!("/{rel}"))).trim_start_matches("file:///").to_string()
}

pub(super) fn shell_page(import_map: &str, preloads: &[String], script: &str) -> String {
    let mut map = if import_map.is_empty() {
        String::new()
    } else {
        format!("<script type=\"importmap\">\n{import_map}\n</script>\n")
    };
    for href in preloads {
        map.push_str(&format!("<link rel=\"modulepreload\" href=\"{href}\">\n"));
    }
    format!(
        "<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>proctor</title>\n{map}<script type=\"module\" src=\"{script}\"></script>\n</head>\n<body></body>\n</html>\n"
    )
}

/// Resolves `proctor` to the carried controller and each package in the project's
/// node_modules to its browser entry, so bare imports work without a bundler.
fn import_map(root: &Path) -> String {
    let mut imports = serde_json::Map::new();
    imports.insert("proctor".into(), format!("/__proctor/{CONTROLLER}/index.js").into());
    let modules = root.join("node_modules");
    let mut packages = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&modules) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if name.starts_with('@') {
                if let Ok(scoped) = std::fs::read_dir(entry.path()) {
                    for inner in scoped.flatten() {
                        packages.push(format!("{name}/{}", inner.file_name().to_string_lossy()));
                    }
                }
            } else {
                packages.push(name);
            }
        }
    }
    packages.sort();
    for package in packages {
        if package == "proctor" {
            continue;
        }
        let dir = modules.join(&package);
        if let Some(main) = package_entry(&dir) {
            imports.insert(package.clone(), format!("/node_modules/{package}/{main}").into());
        }
        imports.insert(format!("{package}/"), format!("/node_modules/{package}/").into());
    }
    serde_json::to_string_pretty(&serde_json::json!({ "imports": imports })).unwrap_or_default()
}

/// A package's browser ES-module entry from its package.json (exports, module, browser, main).
fn package_entry(dir: &Path) -> Option<String> {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).ok()?).ok()?;
    fn from_exports(value: &serde_json::Value) -> Option<String> {
        match value {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Object(map) => {
                if let Some(dot) = map.get(".") {
                    return from_exports(dot);
                }
                for key in ["browser", "import", "module", "default"] {
                    if let Some(found) = map.get(key).and_then(from_exports) {
                        return Some(found);
                    }
                }
                None
            }
            serde_json::Value::Array(items) => items.iter().find_map(from_exports),
            _ => None,
        }
    }
    let chosen = manifest
        .get("exports")
        .and_then(from_exports)
        .or_else(|| manifest.get("module").and_then(|v| v.as_str()).map(str::to_owned))
        .or_else(|| manifest.get("browser").and_then(|v| v.as_str()).map(str::to_owned))
        .or_else(|| manifest.get("main").and_then(|v| v.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "index.js".into());
    Some(chosen.trim_start_matches("./").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_map_resolves_proctor_and_packages() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("node_modules/lib");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(
            pkg.join("package.json"),
            r#"{"name":"lib","exports":{".":{"import":"./esm/index.js","require":"./cjs.js"}}}"#,
        )
        .unwrap();
        let scoped = dir.path().join("node_modules/@s/util");
        std::fs::create_dir_all(&scoped).unwrap();
        std::fs::write(scoped.join("package.json"), r#"{"name":"@s/util","module":"m.js","main":"c.js"}"#).unwrap();
        let map: serde_json::Value = serde_json::from_str(&import_map(dir.path())).unwrap();
        assert_eq!(map["imports"]["proctor"], "/__proctor/controller/index.js");
        assert_eq!(map["imports"]["lib"], "/node_modules/lib/esm/index.js");
        assert_eq!(map["imports"]["lib/"], "/node_modules/lib/");
        assert_eq!(map["imports"]["@s/util"], "/node_modules/@s/util/m.js");
    }

    #[test]
    fn url_paths_are_encoded() {
        assert_eq!(url_path("test/a b.test.js"), "test/a%20b.test.js");
    }
}
