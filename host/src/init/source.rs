//! [`Source`]: one config file being mapped by `proctor init` — where its relative paths start,
//! how its paths, modules, environments and timeouts become proctor's, and the notes it leaves.
//! The per-runner mappings (jest.rs, vitest.rs, mocha.rs, browser.rs) share these helpers, so a
//! setup file or a timeout reads the same whichever runner named it.

use super::draft::{DraftSnapshotFormat, Notes};
use crate::build::{ModuleSettings, ProjectModules, CACHE_DIR};
use crate::resolve::{ImportKind, Resolution, Target};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One config file being mapped.
pub(crate) struct Source<'a> {
    /// The project root (where proctor.toml goes).
    pub root: &'a Path,
    /// The directory the config's relative paths start from (its `rootDir`, `root`, `basePath`).
    pub base: PathBuf,
    /// The config's name in notes (`jest.config.js`, `package.json "mocha"`).
    pub label: String,
    /// Every project file (relative, absolute), for patterns checked against them.
    pub files: &'a [(String, PathBuf)],
    /// The account.
    pub notes: &'a mut Notes,
}

impl Source<'_> {
    /// `key` as the notes name it.
    pub fn key(&self, key: &str) -> String {
        format!("{} {key}", self.label)
    }

    /// `key` → `to`.
    pub fn mapped(&mut self, key: &str, to: impl Into<String>) {
        let from = self.key(key);
        self.notes.mapped(from, to);
    }

    /// `key` was not mapped, because `why`.
    pub fn unmapped(&mut self, key: &str, why: impl Into<String>) {
        let from = self.key(key);
        self.notes.unmapped(from, why);
    }

    /// The base directory relative to the root (`""` when it is the root).
    pub fn prefix(&self) -> String {
        relative(self.root, &self.base).unwrap_or_default()
    }

    /// A path written in the config (relative to the base, absolute, or with Jest's
    /// `<rootDir>`) relative to the root; `None` outside it.
    pub fn path(&self, written: &str) -> Option<String> {
        let written = written.replace("<rootDir>", &self.base.to_string_lossy());
        let absolute = crate::paths::normalize(&self.base.join(written));
        relative(self.root, &absolute)
    }

    /// A module a config names (a path, or a package such as `@testing-library/jest-dom`) as a
    /// path relative to the root, resolved as node resolves it.
    pub fn module(&self, written: &str) -> Result<String, String> {
        let written = written.replace("<rootDir>", &self.base.to_string_lossy());
        let modules = ProjectModules::new(ModuleSettings::plain(self.root, Target::Node, &self.root.join(CACHE_DIR)));
        let importer = self.base.join("__proctor_init__.js");
        let local =
            if written.starts_with('.') || written.starts_with('/') { written.clone() } else { format!("./{written}") };
        // Local files first (Jest reads `jest.setup.js` as `<rootDir>/jest.setup.js`), then
        // packages, whose `exports` may offer only `require` or only `import`.
        let found = [local.as_str(), written.as_str()].iter().find_map(|specifier| {
            [ImportKind::Require, ImportKind::Import].into_iter().find_map(|kind| {
                match modules.resolver().resolve(&importer, specifier, kind) {
                    Ok(Resolution::File(path)) => Some(path),
                    _ => None,
                }
            })
        });
        let path = found.ok_or_else(|| format!("`{written}` does not resolve from {}", self.base.display()))?;
        relative(self.root, &path)
            .or_else(|| self.through_node_modules(&written, &path))
            .ok_or_else(|| format!("`{written}` is outside the project root ({})", path.display()))
    }

    /// A package file whose real path is outside the root (a symlinked `node_modules`, pnpm,
    /// `npm link`) as the path through the root's `node_modules`.
    fn through_node_modules(&self, written: &str, real: &Path) -> Option<String> {
        let package = crate::resolve::package_name(written);
        let linked = self.root.join("node_modules").join(package);
        let rest = real.strip_prefix(linked.canonicalize().ok()?).ok()?;
        relative(self.root, &linked.join(rest))
    }

    /// Several modules into `into`, each noted.
    pub fn modules_into(&mut self, key: &str, value: &Value, into: &mut Vec<String>, to: &str) {
        for written in strings(value) {
            match self.module(&written) {
                Ok(path) => {
                    self.mapped(&format!("{key} \"{written}\""), format!("{to} \"{path}\""));
                    if !into.contains(&path) {
                        into.push(path);
                    }
                }
                Err(why) => self.unmapped(&format!("{key} \"{written}\""), why),
            }
        }
    }

    /// A runner's environment name as proctor's `environment`.
    pub fn environment(&mut self, key: &str, value: &Value) -> Option<String> {
        let name = value.as_str().unwrap_or_default();
        let mapped = match name {
            "node" | "jest-environment-node" => Some("node"),
            "jsdom" | "jest-environment-jsdom" | "jest-fixed-jsdom" => Some("jsdom"),
            "happy-dom" | "@happy-dom/jest-environment" => Some("happy-dom"),
            _ => None,
        };
        match mapped {
            Some(env) => {
                self.mapped(&format!("{key} \"{name}\""), format!("environment = \"{env}\""));
                (env != "node").then(|| env.to_string())
            }
            None => {
                self.unmapped(&format!("{key} {value}"), "proctor's node suites have node, jsdom and happy-dom");
                None
            }
        }
    }

    /// A timeout (milliseconds, or mocha's `"2s"`) as a duration.
    pub fn timeout(&mut self, key: &str, value: &Value) -> Option<Duration> {
        let duration = match value {
            Value::Number(n) => n.as_f64().filter(|ms| *ms >= 0.0).map(|ms| Duration::from_millis(ms as u64)),
            Value::String(s) => crate::config::parse_duration(s),
            _ => None,
        };
        match duration {
            Some(d) if !d.is_zero() => {
                self.mapped(&format!("{key} {value}"), format!("timeout = \"{}\"", duration_text(d)));
                Some(d)
            }
            Some(_) => {
                self.unmapped(&format!("{key} {value}"), "proctor has no unlimited timeout (give a long one)");
                None
            }
            None => {
                self.unmapped(&format!("{key} {value}"), "not a duration");
                None
            }
        }
    }

    /// Jest's and Vitest's `snapshotFormat` (the options proctor has).
    pub fn snapshot_format(&mut self, key: &str, value: &Value) -> Option<DraftSnapshotFormat> {
        let mut format = DraftSnapshotFormat::default();
        for (option, v) in value.as_object()? {
            let field = match option.as_str() {
                "escapeString" => &mut format.escape_string,
                "printBasicPrototype" => &mut format.print_basic_prototype,
                _ => {
                    self.unmapped(
                        &format!("{key}.{option}"),
                        "proctor's snapshot-format has escape-string and print-basic-prototype",
                    );
                    continue;
                }
            };
            *field = v.as_bool();
            let kebab = if option == "escapeString" { "escape-string" } else { "print-basic-prototype" };
            self.mapped(&format!("{key}.{option} {v}"), format!("snapshot-format.{kebab} = {v}"));
        }
        (format.escape_string.is_some() || format.print_basic_prototype.is_some()).then_some(format)
    }

    /// A boolean key copied to a suite field.
    pub fn flag(&mut self, key: &str, value: &Value, to: &str) -> Option<bool> {
        match value.as_bool() {
            Some(b) => {
                self.mapped(&format!("{key} {b}"), format!("{to} = {b}"));
                Some(b)
            }
            None => {
                self.unmapped(&format!("{key} {value}"), "not a boolean");
                None
            }
        }
    }
}

/// `5s` or `2500ms`, as proctor.toml takes it (in a string).
pub(crate) fn duration_text(d: Duration) -> String {
    let ms = d.as_millis();
    if ms != 0 && ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// `path` relative to `root` with forward slashes; `None` outside it.
pub(crate) fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    Some(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

/// A string or an array of strings (as configs accept either) as a list.
pub(crate) fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// Why a value that is not plain data was not mapped, when it is one (`$regexp`, `$unmappable`,
/// `$stub`).
pub(crate) fn opaque(value: &Value) -> Option<String> {
    if let Some(what) = value.get("$unmappable").and_then(Value::as_str) {
        return Some(format!("{what}, which has no TOML form"));
    }
    if let Some(stub) = value.get("$stub").and_then(Value::as_str) {
        return Some(format!("the result of `{stub}()`, from a package that is not installed"));
    }
    value.get("$regexp").map(|re| format!("a regular expression ({re}), which has no TOML form"))
}
