//! `Tsconfigs`: each file's nearest `tsconfig.json` (else `jsconfig.json`), read as tsc reads it
//! (JSONC, `extends` chains of relative paths and packages, arrays of them), turned with the
//! suite's proctor.toml overrides into the file's `TransformOptions`. Parsed configs are kept,
//! so a run reads each config once. A broken config never aborts: its file falls back to the
//! defaults and a warning naming the config waits in `take_warnings`.

use super::options::{JsxOptions, JsxOverrides, JsxRuntime, Target, TransformOptions};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The config names looked for in each directory, in order.
const CONFIG_NAMES: [&str; 2] = ["tsconfig.json", "jsconfig.json"];

/// How deep `extends` may chain before proctor calls it a loop.
const MAX_EXTENDS_DEPTH: usize = 32;

/// A cache of parsed tsconfig/jsconfig files and of which one applies to each directory.
#[derive(Debug, Default)]
pub struct Tsconfigs {
    /// Directory → its nearest config file (`None`: none up to the filesystem root).
    nearest: HashMap<PathBuf, Option<PathBuf>>,
    /// Config file → its compiler options and file scope with `extends` applied.
    resolved: HashMap<PathBuf, Arc<Config>>,
    /// Problems found since the last `take_warnings`.
    warnings: Vec<String>,
}

/// One config with its `extends` chain applied.
#[derive(Debug, Default)]
struct Config {
    options: CompilerOptions,
    scope: Scope,
}

/// Which files a config covers (`files`, `include`, `exclude`, as absolute globs) and the
/// projects it references. A solution-style config (`"files": []` and `references`, as Vite's
/// templates write) covers nothing itself: its files take the options of the referenced
/// config that includes them, as Vite's tsconfck picks it.
#[derive(Debug, Default, Clone)]
struct Scope {
    files: Option<Vec<PathBuf>>,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    references: Vec<PathBuf>,
}

impl Scope {
    /// Reads the fields of a config in `dir`; unset ones come from `base`.
    fn from_json(json: &Value, dir: &Path, base: &Scope) -> Scope {
        let strings = |key: &str| {
            json.get(key)
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(Value::as_str).map(str::to_owned).collect::<Vec<_>>())
        };
        let patterns = |key: &str| strings(key).map(|list| list.iter().map(|p| absolute_pattern(dir, p)).collect());
        let references = json
            .get("references")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|r| r.get("path").and_then(Value::as_str))
                    .map(|path| {
                        let path = dir.join(path);
                        if path.is_dir() {
                            path.join("tsconfig.json")
                        } else {
                            path
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Scope {
            files: strings("files")
                .map(|list| list.iter().map(|f| dir.join(f)).collect())
                .or_else(|| base.files.clone()),
            include: patterns("include").or_else(|| base.include.clone()),
            exclude: patterns("exclude").or_else(|| base.exclude.clone()),
            references,
        }
    }

    /// Whether the config covers `file`, as tsc decides it: listed in `files`, or matched by
    /// `include` (everything below the config when neither is set) and not by `exclude`.
    fn includes(&self, file: &Path, dir: &Path) -> bool {
        if self.files.as_ref().is_some_and(|files| files.iter().any(|f| f == file)) {
            return true;
        }
        let everything = [absolute_pattern(dir, "**/*")];
        let include: &[String] = match (&self.include, &self.files) {
            (Some(include), _) => include,
            (None, Some(_)) => &[],
            (None, None) => &everything,
        };
        let matches = |patterns: &[String]| {
            patterns.iter().any(|pattern| {
                globset::GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .build()
                    .is_ok_and(|glob| glob.compile_matcher().is_match(file))
            })
        };
        matches(include) && !self.exclude.as_deref().is_some_and(matches)
    }
}

/// A tsconfig `include`/`exclude` entry as an absolute glob: relative to the config's
/// directory, and a name without wildcards or extension meaning the directory's whole tree.
fn absolute_pattern(dir: &Path, pattern: &str) -> String {
    let pattern = pattern.trim_start_matches("./");
    let last = pattern.rsplit('/').next().unwrap_or(pattern);
    let tree = !last.contains(['*', '?', '.']);
    let joined = dir.join(pattern).display().to_string();
    if tree {
        format!("{}/**/*", joined.trim_end_matches('/'))
    } else {
        joined
    }
}

/// The compiler options the transform reads; `None` is unset (a base config may set it).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct CompilerOptions {
    jsx: Option<String>,
    jsx_import_source: Option<String>,
    jsx_factory: Option<String>,
    jsx_fragment_factory: Option<String>,
    experimental_decorators: Option<bool>,
    emit_decorator_metadata: Option<bool>,
    use_define_for_class_fields: Option<bool>,
    target: Option<String>,
    verbatim_module_syntax: Option<bool>,
    preserve_value_imports: Option<bool>,
}

impl CompilerOptions {
    /// Reads the fields from a `compilerOptions` object; values of the wrong type count as unset.
    fn from_json(value: &Value) -> CompilerOptions {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        let flag = |key: &str| value.get(key).and_then(Value::as_bool);
        CompilerOptions {
            jsx: text("jsx").map(|s| s.to_ascii_lowercase()),
            jsx_import_source: text("jsxImportSource"),
            jsx_factory: text("jsxFactory"),
            jsx_fragment_factory: text("jsxFragmentFactory"),
            experimental_decorators: flag("experimentalDecorators"),
            emit_decorator_metadata: flag("emitDecoratorMetadata"),
            use_define_for_class_fields: flag("useDefineForClassFields"),
            target: text("target").map(|s| s.to_ascii_lowercase()),
            verbatim_module_syntax: flag("verbatimModuleSyntax"),
            preserve_value_imports: flag("preserveValueImports"),
        }
    }

    /// `self` with every field `over` sets replaced, as an extending config overrides its base.
    fn overridden_by(self, over: &CompilerOptions) -> CompilerOptions {
        let over = over.clone();
        CompilerOptions {
            jsx: over.jsx.or(self.jsx),
            jsx_import_source: over.jsx_import_source.or(self.jsx_import_source),
            jsx_factory: over.jsx_factory.or(self.jsx_factory),
            jsx_fragment_factory: over.jsx_fragment_factory.or(self.jsx_fragment_factory),
            experimental_decorators: over.experimental_decorators.or(self.experimental_decorators),
            emit_decorator_metadata: over.emit_decorator_metadata.or(self.emit_decorator_metadata),
            use_define_for_class_fields: over.use_define_for_class_fields.or(self.use_define_for_class_fields),
            target: over.target.or(self.target),
            verbatim_module_syntax: over.verbatim_module_syntax.or(self.verbatim_module_syntax),
            preserve_value_imports: over.preserve_value_imports.or(self.preserve_value_imports),
        }
    }

    /// `useDefineForClassFields` as tsc derives it when unset: true from target ES2022 on.
    fn define_for_class_fields(&self) -> bool {
        self.use_define_for_class_fields.unwrap_or_else(|| match self.target.as_deref() {
            Some("esnext") => true,
            Some(target) => {
                target.strip_prefix("es").and_then(|year| year.parse::<u32>().ok()).is_some_and(|year| year >= 2022)
            }
            None => false,
        })
    }
}

impl Tsconfigs {
    /// An empty cache.
    pub fn new() -> Self {
        Tsconfigs::default()
    }

    /// The options for `file`: its nearest config's compiler options, with `overrides` (the
    /// suite's proctor.toml settings) winning over them.
    pub fn options_for(&mut self, file: &Path, target: Target, overrides: &JsxOverrides) -> TransformOptions {
        let file = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let config = file.parent().and_then(|dir| self.nearest_config(dir));
        let compiler = match config {
            Some(config) => self.options_of(&config, &file),
            None => CompilerOptions::default(),
        };
        let defaults = JsxOptions::default();
        let (tsconfig_runtime, development) = match compiler.jsx.as_deref() {
            Some("react") => (JsxRuntime::Classic, false),
            Some("react-jsxdev") => (JsxRuntime::Automatic, true),
            Some("preserve") | Some("react-native") => (JsxRuntime::Preserve, false),
            _ => (JsxRuntime::Automatic, false),
        };
        let runtime = overrides.runtime.unwrap_or(tsconfig_runtime);
        let jsx = JsxOptions {
            runtime,
            import_source: overrides
                .import_source
                .clone()
                .or_else(|| compiler.jsx_import_source.clone())
                .unwrap_or(defaults.import_source),
            factory: overrides.factory.clone().or_else(|| compiler.jsx_factory.clone()).unwrap_or(defaults.factory),
            fragment: overrides
                .fragment
                .clone()
                .or_else(|| compiler.jsx_fragment_factory.clone())
                .unwrap_or(defaults.fragment),
            development: development && overrides.runtime.is_none(),
        };
        let legacy_decorators = compiler.experimental_decorators.unwrap_or(false);
        TransformOptions {
            target,
            jsx,
            jsx_in_js: overrides.in_js,
            legacy_decorators,
            decorator_metadata: legacy_decorators && compiler.emit_decorator_metadata.unwrap_or(false),
            use_define_for_class_fields: compiler.define_for_class_fields(),
            verbatim_module_syntax: compiler.verbatim_module_syntax.unwrap_or(false)
                || compiler.preserve_value_imports.unwrap_or(false),
            await_imports: true,
        }
    }

    /// The options `config` gives `file`: its own, or for a solution-style config that does not
    /// cover `file`, those of the first referenced config that does.
    fn options_of(&mut self, config: &Path, file: &Path) -> CompilerOptions {
        let root = self.load(config, &mut Vec::new());
        let dir = config.parent().unwrap_or(Path::new("/"));
        if root.scope.references.is_empty() || root.scope.includes(file, dir) {
            return root.options.clone();
        }
        for reference in root.scope.references.clone() {
            let referenced = self.load(&reference, &mut Vec::new());
            if referenced.scope.includes(file, reference.parent().unwrap_or(Path::new("/"))) {
                return referenced.options.clone();
            }
        }
        root.options.clone()
    }

    /// Warnings (one per broken config or unresolvable `extends`) found since the last call.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// The nearest config at or above `dir`, remembered for every directory on the way.
    fn nearest_config(&mut self, dir: &Path) -> Option<PathBuf> {
        let mut walked = Vec::new();
        let mut found = None;
        for ancestor in dir.ancestors() {
            if let Some(known) = self.nearest.get(ancestor) {
                found = known.clone();
                break;
            }
            walked.push(ancestor.to_path_buf());
            if let Some(config) = CONFIG_NAMES.iter().map(|name| ancestor.join(name)).find(|path| path.is_file()) {
                found = Some(config);
                break;
            }
        }
        for dir in walked {
            self.nearest.insert(dir, found.clone());
        }
        found
    }

    /// The compiler options of `config` with its `extends` chain applied; `chain` holds the
    /// configs being loaded, to catch loops.
    fn load(&mut self, config: &Path, chain: &mut Vec<PathBuf>) -> Arc<Config> {
        if let Some(known) = self.resolved.get(config) {
            return known.clone();
        }
        if chain.iter().any(|seen| seen == config) || chain.len() >= MAX_EXTENDS_DEPTH {
            self.warnings.push(format!("{}: `extends` loops back to it; its options are ignored", config.display()));
            return Arc::default();
        }
        let json = match read_jsonc(config) {
            Ok(json) => json,
            Err(why) => {
                self.warnings.push(format!("{}: {why}; using the default TypeScript options", config.display()));
                let defaults = Arc::new(Config::default());
                self.resolved.insert(config.to_path_buf(), defaults.clone());
                return defaults;
            }
        };
        let bases: Vec<String> = match json.get("extends") {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        let dir = config.parent().unwrap_or(Path::new("/")).to_path_buf();
        chain.push(config.to_path_buf());
        // Later entries of an `extends` array override earlier ones, and the config itself
        // overrides them all (TypeScript 5).
        let mut merged = CompilerOptions::default();
        let mut base_scope = Scope::default();
        for base in bases {
            match resolve_extends(&dir, &base) {
                Some(base_path) => {
                    let base_config = self.load(&base_path, chain);
                    merged = merged.overridden_by(&base_config.options);
                    base_scope = Scope { references: Vec::new(), ..base_config.scope.clone() };
                }
                None => self.warnings.push(format!(
                    "{}: cannot find the config it extends, {base:?}; that part is ignored",
                    config.display()
                )),
            }
        }
        chain.pop();
        let own = json.get("compilerOptions").map(CompilerOptions::from_json).unwrap_or_default();
        let loaded =
            Arc::new(Config { options: merged.overridden_by(&own), scope: Scope::from_json(&json, &dir, &base_scope) });
        self.resolved.insert(config.to_path_buf(), loaded.clone());
        loaded
    }
}

/// The file an `extends` entry names: a path relative to the extending config's directory
/// (with or without `.json`), or a package file found in `node_modules` walking up (a package's
/// own `tsconfig.json`, or its package.json `tsconfig` field, when the entry names the package).
fn resolve_extends(dir: &Path, spec: &str) -> Option<PathBuf> {
    let with_json = |path: PathBuf| -> Option<PathBuf> {
        if path.is_file() {
            return Some(path);
        }
        let mut named = path.into_os_string();
        named.push(".json");
        let named = PathBuf::from(named);
        named.is_file().then_some(named)
    };
    if spec.starts_with("./") || spec.starts_with("../") || Path::new(spec).is_absolute() {
        return with_json(dir.join(spec));
    }
    for ancestor in dir.ancestors() {
        let candidate = ancestor.join("node_modules").join(spec);
        if let Some(file) = with_json(candidate.clone()) {
            return Some(file);
        }
        if candidate.is_dir() {
            let field = std::fs::read_to_string(candidate.join("package.json"))
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .and_then(|package| package.get("tsconfig").and_then(Value::as_str).map(str::to_owned));
            let file = candidate.join(field.as_deref().unwrap_or("tsconfig.json"));
            if file.is_file() {
                return Some(file);
            }
        }
    }
    None
}

/// Reads a JSON-with-comments file as tsc does: `//` and `/* */` comments and trailing commas
/// are allowed.
fn read_jsonc(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|err| format!("cannot read it ({err})"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    serde_json::from_str(&strip_jsonc(text)).map_err(|err| format!("not valid JSON ({err})"))
}

/// `text` with comments replaced by spaces (line numbers in serde's errors stay right) and
/// trailing commas dropped.
fn strip_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                out.extend_from_slice(&bytes[start..i]);
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    out.push(b' ');
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                out.extend_from_slice(b"  ");
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    out.push(if bytes[i] == b'\n' { b'\n' } else { b' ' });
                    i += 1;
                }
                out.extend_from_slice(b"  ");
                i = (i + 2).min(bytes.len());
            }
            b',' => {
                let next = bytes[i + 1..].iter().copied().find(|b| !b.is_ascii_whitespace());
                let trailing = matches!(next, Some(b'}') | Some(b']'));
                out.push(if trailing { b' ' } else { b',' });
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    // Only ASCII bytes were replaced, and only by ASCII, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn jsonc_comments_and_trailing_commas_are_read() {
        let text = "{\n  // a comment, with \"quotes\"\n  \"a\": \"http://x/*y*/\", /* block\n */ \"b\": [1, 2,],\n}";
        let value: Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        assert_eq!(value["a"], "http://x/*y*/");
        assert_eq!(value["b"], serde_json::json!([1, 2]));
    }

    #[test]
    fn the_nearest_config_wins_and_tsconfig_before_jsconfig() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "tsconfig.json", r#"{ "compilerOptions": { "jsx": "react", "jsxFactory": "h" } }"#);
        write(root, "jsconfig.json", r#"{ "compilerOptions": { "jsx": "react-jsx" } }"#);
        write(root, "app/jsconfig.json", r#"{ "compilerOptions": { "jsxImportSource": "preact" } }"#);
        let mut configs = Tsconfigs::new();
        let top = configs.options_for(&root.join("src/a.tsx"), Target::Node, &JsxOverrides::default());
        assert_eq!(top.jsx.runtime, JsxRuntime::Classic);
        assert_eq!(top.jsx.factory, "h");
        let app = configs.options_for(&root.join("app/deep/b.jsx"), Target::Browser, &JsxOverrides::default());
        assert_eq!(app.jsx.runtime, JsxRuntime::Automatic);
        assert_eq!(app.jsx.import_source, "preact");
        assert_eq!(app.jsx.factory, "React.createElement", "the jsconfig does not extend the tsconfig above it");
        assert!(configs.take_warnings().is_empty());
    }

    #[test]
    fn extends_chains_apply_bases_first_and_arrays_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "node_modules/@tsconfig/strictest/package.json",
            r#"{ "name": "@tsconfig/strictest", "tsconfig": "base.json" }"#,
        );
        write(
            root,
            "node_modules/@tsconfig/strictest/base.json",
            r#"{ "compilerOptions": { "experimentalDecorators": true, "target": "es2022", "jsx": "react" } }"#,
        );
        write(root, "node_modules/@tsconfig/node20/tsconfig.json", r#"{ "compilerOptions": { "target": "es2020" } }"#);
        write(
            root,
            "configs/jsx.json",
            r#"{ "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "from-base" } }"#,
        );
        write(
            root,
            "pkg/tsconfig.json",
            r#"{
                // Later entries override earlier ones; this file overrides all.
                "extends": ["@tsconfig/strictest", "@tsconfig/node20/tsconfig.json", "../configs/jsx"],
                "compilerOptions": { "emitDecoratorMetadata": true, },
            }"#,
        );
        let mut configs = Tsconfigs::new();
        let options = configs.options_for(&root.join("pkg/src/a.ts"), Target::Node, &JsxOverrides::default());
        assert_eq!(options.jsx.runtime, JsxRuntime::Automatic);
        assert_eq!(options.jsx.import_source, "from-base");
        assert!(options.legacy_decorators);
        assert!(options.decorator_metadata);
        assert!(!options.use_define_for_class_fields, "node20's es2020 target overrides strictest's es2022");
        assert!(configs.take_warnings().is_empty());
    }

    #[test]
    fn a_solution_style_config_hands_files_to_the_reference_that_includes_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "tsconfig.json",
            r#"{ "files": [], "references": [{ "path": "./tsconfig.node.json" }, { "path": "./tsconfig.app.json" }, { "path": "./tests" }] }"#,
        );
        write(
            root,
            "tsconfig.node.json",
            r#"{ "include": ["vite.config.ts"], "compilerOptions": { "jsx": "react" } }"#,
        );
        write(
            root,
            "tsconfig.app.json",
            r#"{ "include": ["src"], "exclude": ["src/legacy/**"], "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "preact", "experimentalDecorators": true } }"#,
        );
        write(
            root,
            "tests/tsconfig.json",
            r#"{ "include": ["**/*.test.tsx"], "compilerOptions": { "jsxImportSource": "solid-js" } }"#,
        );
        let mut configs = Tsconfigs::new();
        let mut options = |rel: &str| configs.options_for(&root.join(rel), Target::Node, &JsxOverrides::default());
        let app = options("src/components/App.tsx");
        assert_eq!(
            (app.jsx.runtime, app.jsx.import_source.as_str(), app.legacy_decorators),
            (JsxRuntime::Automatic, "preact", true)
        );
        assert_eq!(options("vite.config.ts").jsx.runtime, JsxRuntime::Classic);
        assert_eq!(options("tests/unit/a.test.tsx").jsx.import_source, "solid-js");
        let legacy = options("src/legacy/old.tsx");
        assert_eq!(
            (legacy.jsx.import_source.as_str(), legacy.legacy_decorators),
            ("react", false),
            "excluded: the root's own options"
        );
    }

    #[test]
    fn proctor_toml_overrides_win_over_tsconfig() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "tsconfig.json",
            r#"{ "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "preact" } }"#,
        );
        let overrides = JsxOverrides {
            runtime: Some(JsxRuntime::Classic),
            factory: Some("h".into()),
            fragment: Some("Fragment".into()),
            import_source: None,
            in_js: true,
        };
        let options = Tsconfigs::new().options_for(&dir.path().join("a.tsx"), Target::Node, &overrides);
        assert_eq!(options.jsx.runtime, JsxRuntime::Classic);
        assert_eq!((options.jsx.factory.as_str(), options.jsx.fragment.as_str()), ("h", "Fragment"));
        assert_eq!(options.jsx.import_source, "preact");
        assert!(options.jsx_in_js);
    }

    #[test]
    fn class_fields_follow_the_target_when_unset() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (r#""target": "ESNext""#, true),
            (r#""target": "ES2022""#, true),
            (r#""target": "es2021""#, false),
            (r#""target": "ES2022", "useDefineForClassFields": false"#, false),
            ("", false),
        ];
        for (fields, expected) in cases {
            write(dir.path(), "tsconfig.json", &format!("{{ \"compilerOptions\": {{ {fields} }} }}"));
            let options =
                Tsconfigs::new().options_for(&dir.path().join("a.ts"), Target::Node, &JsxOverrides::default());
            assert_eq!(options.use_define_for_class_fields, expected, "{fields}");
        }
    }

    #[test]
    fn a_broken_config_falls_back_to_defaults_with_a_warning_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "tsconfig.json", r#"{ "compilerOptions": { "jsx": "react" "#);
        write(
            dir.path(),
            "sub/tsconfig.json",
            r#"{ "extends": "./missing.json", "compilerOptions": { "jsx": "react" } }"#,
        );
        let mut configs = Tsconfigs::new();
        let options = configs.options_for(&dir.path().join("a.tsx"), Target::Node, &JsxOverrides::default());
        assert_eq!(options, TransformOptions::default());
        let warnings = configs.take_warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains(&dir.path().join("tsconfig.json").display().to_string()), "{}", warnings[0]);
        let sub = configs.options_for(&dir.path().join("sub/b.tsx"), Target::Node, &JsxOverrides::default());
        assert_eq!(sub.jsx.runtime, JsxRuntime::Classic, "the config's own options still apply");
        let warnings = configs.take_warnings();
        assert!(warnings.len() == 1 && warnings[0].contains("missing.json"), "{warnings:?}");
    }

    #[test]
    fn an_extends_loop_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "tsconfig.json", r#"{ "extends": "./b.json", "compilerOptions": { "jsx": "react" } }"#);
        write(dir.path(), "b.json", r#"{ "extends": "./tsconfig.json" }"#);
        let mut configs = Tsconfigs::new();
        let options = configs.options_for(&dir.path().join("a.tsx"), Target::Node, &JsxOverrides::default());
        assert_eq!(options.jsx.runtime, JsxRuntime::Classic);
        assert_eq!(configs.take_warnings().len(), 1);
    }
}
