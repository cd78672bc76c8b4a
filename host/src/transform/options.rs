//! `TransformOptions`: what the transform needs to know about one file besides its text (the
//! runtime it is for, JSX settings, decorator and class-field semantics), and which files need
//! the transform at all. `Tsconfigs::options_for` builds these from tsconfig and proctor.toml.

use std::path::Path;

pub use crate::resolve::Target;

/// What the runtime must load the output as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModuleFormat {
    /// An ES module (`import`/`export`, `import.meta`).
    Module,
    /// A CommonJS module (`require`, `module.exports`): `.cts` files, `export =`, and files that
    /// use only CommonJS.
    CommonJs,
}

/// How JSX becomes calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsxRuntime {
    /// `jsx()` from `<import_source>/jsx-runtime` (React 17+, esbuild's and Vite's default).
    Automatic,
    /// `factory(type, props, ...children)`, `React.createElement` unless configured.
    Classic,
    /// tsconfig's `preserve` (and `react-native`): nothing can run JSX as it is, so this runs as
    /// the default runtime, `Automatic`. Vitest does the same: it ignores `preserve` and uses
    /// its default (classic without `@vitejs/plugin-react`, automatic with it).
    Preserve,
}

/// The JSX settings of one file after tsconfig and proctor.toml are merged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsxOptions {
    /// The runtime; `Preserve` runs as `Automatic`.
    pub runtime: JsxRuntime,
    /// The automatic runtime's package (`react` → `react/jsx-runtime`).
    pub import_source: String,
    /// The classic runtime's element factory.
    pub factory: String,
    /// The classic runtime's fragment.
    pub fragment: String,
    /// tsconfig `jsx: "react-jsxdev"`: the automatic runtime calls `jsxDEV` from
    /// `<import_source>/jsx-dev-runtime`, with source locations.
    pub development: bool,
}

impl Default for JsxOptions {
    fn default() -> Self {
        JsxOptions {
            runtime: JsxRuntime::Automatic,
            import_source: "react".into(),
            factory: "React.createElement".into(),
            fragment: "React.Fragment".into(),
            development: false,
        }
    }
}

/// A suite's JSX settings from proctor.toml; each set field wins over tsconfig.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsxOverrides {
    /// `jsx = "automatic" | "classic" | "preserve"`.
    pub runtime: Option<JsxRuntime>,
    /// `jsx_import_source`.
    pub import_source: Option<String>,
    /// `jsx_factory`.
    pub factory: Option<String>,
    /// `jsx_fragment`.
    pub fragment: Option<String>,
    /// `jsx_in_js = true`: `.js`/`.mjs`/`.cjs` files may hold JSX (many React projects).
    pub in_js: bool,
}

/// Everything besides the source text that decides a file's transform output. Two files with
/// equal options and equal text transform alike, which is what the cache key relies on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransformOptions {
    /// The runtime the output is for.
    pub target: Target,
    /// JSX settings (used by `.tsx`, `.jsx`, and `.js` with `jsx_in_js`).
    pub jsx: JsxOptions,
    /// `.js`/`.mjs`/`.cjs` files are parsed with JSX.
    pub jsx_in_js: bool,
    /// tsconfig `experimentalDecorators`: TypeScript's legacy decorators; otherwise decorators are
    /// the standard (2022-03) ones.
    pub legacy_decorators: bool,
    /// tsconfig `emitDecoratorMetadata` (with legacy decorators only): `design:type`,
    /// `design:paramtypes`, `design:returntype` through `Reflect.metadata`.
    pub decorator_metadata: bool,
    /// tsconfig `useDefineForClassFields`, derived from `target` as tsc does when unset.
    pub use_define_for_class_fields: bool,
    /// tsconfig `verbatimModuleSyntax` or `preserveValueImports`: imports used only as types are
    /// kept (only `import type` is elided).
    pub verbatim_module_syntax: bool,
    /// An ES module that hoists mocks may use top-level await: its imports become awaited
    /// `import()`s after the hoisted calls. False for bundles (esbuild's iife output has no
    /// top-level await): the hoisted calls then only move above the imports.
    pub await_imports: bool,
}

impl Default for TransformOptions {
    fn default() -> Self {
        TransformOptions {
            target: Target::Node,
            jsx: JsxOptions::default(),
            jsx_in_js: false,
            legacy_decorators: false,
            decorator_metadata: false,
            use_define_for_class_fields: false,
            verbatim_module_syntax: false,
            await_imports: true,
        }
    }
}

impl TransformOptions {
    /// A stable text naming every option, part of the cache key: a changed option gives a new key.
    pub fn fingerprint(&self) -> String {
        let flag = |b: bool| if b { '1' } else { '0' };
        let TransformOptions {
            target,
            jsx,
            jsx_in_js,
            legacy_decorators,
            decorator_metadata,
            use_define_for_class_fields,
            verbatim_module_syntax,
            await_imports,
        } = self;
        let JsxOptions { runtime, import_source, factory, fragment, development } = jsx;
        // Lengths before the free-form fields keep `a` + `;b` apart from `a;` + `b`.
        format!(
            "target={target:?};jsx={runtime:?};dev={};src={}:{import_source};factory={}:{factory};frag={}:{fragment};\
             jsx_in_js={};legacy={};metadata={};define={};verbatim={};await_imports={}",
            flag(*development),
            import_source.len(),
            factory.len(),
            fragment.len(),
            flag(*jsx_in_js),
            flag(*legacy_decorators),
            flag(*decorator_metadata),
            flag(*use_define_for_class_fields),
            flag(*verbatim_module_syntax),
            flag(*await_imports),
        )
    }
}

/// The language a file is written in, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    /// `.ts`, `.mts`, `.cts`.
    TypeScript,
    /// `.tsx`.
    Tsx,
    /// `.jsx`, or `.js`/`.mjs`/`.cjs` when JSX is allowed in them.
    Jsx,
    /// `.js`, `.mjs`, `.cjs` without JSX.
    JavaScript,
}

impl Language {
    /// The language of `path`, or `None` for files that are not scripts (`.json`, `.css`, ...).
    pub(crate) fn of(path: &Path, jsx_in_js: bool) -> Option<Language> {
        match path.extension()?.to_str()? {
            "ts" | "mts" | "cts" => Some(Language::TypeScript),
            "tsx" => Some(Language::Tsx),
            "jsx" => Some(Language::Jsx),
            "js" | "mjs" | "cjs" if jsx_in_js => Some(Language::Jsx),
            "js" | "mjs" | "cjs" => Some(Language::JavaScript),
            _ => None,
        }
    }

    pub(crate) fn is_typescript(self) -> bool {
        matches!(self, Language::TypeScript | Language::Tsx)
    }

    pub(crate) fn has_jsx(self) -> bool {
        matches!(self, Language::Tsx | Language::Jsx)
    }
}

/// Whether `path` must go through [`transform`](super::transform) before a runtime can load it:
/// TypeScript and JSX always; `.js`/`.mjs`/`.cjs` when the suite allows JSX in them. A plain
/// JavaScript ES module that uses `require`, `__dirname` or `__filename` on node needs it too,
/// and so does a project's plain script with `vi.mock`/`jest.mock` calls to hoist; that takes
/// its text, so ask [`uses_cjs_globals`](super::uses_cjs_globals) and
/// [`needs_hoisting`](super::needs_hoisting) for those.
pub fn needs_transform(path: &Path, options: &TransformOptions) -> bool {
    Language::of(path, options.jsx_in_js).is_some_and(|language| language != Language::JavaScript)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typescript_and_jsx_need_the_transform_and_plain_js_only_with_jsx_in_js() {
        let plain = TransformOptions::default();
        for file in ["a.ts", "a.tsx", "a.mts", "a.cts", "a.jsx"] {
            assert!(needs_transform(Path::new(file), &plain), "{file}");
        }
        for file in ["a.js", "a.mjs", "a.cjs", "a.json", "a.css", "Makefile"] {
            assert!(!needs_transform(Path::new(file), &plain), "{file}");
        }
        let jsx_in_js = TransformOptions { jsx_in_js: true, ..TransformOptions::default() };
        assert!(needs_transform(Path::new("a.js"), &jsx_in_js));
        assert!(!needs_transform(Path::new("a.json"), &jsx_in_js));
    }

    #[test]
    fn every_option_changes_the_fingerprint() {
        let base = TransformOptions::default();
        let variants = [
            TransformOptions { target: Target::Browser, ..base.clone() },
            TransformOptions { jsx_in_js: true, ..base.clone() },
            TransformOptions { legacy_decorators: true, ..base.clone() },
            TransformOptions { decorator_metadata: true, ..base.clone() },
            TransformOptions { use_define_for_class_fields: true, ..base.clone() },
            TransformOptions { verbatim_module_syntax: true, ..base.clone() },
            TransformOptions { await_imports: false, ..base.clone() },
            TransformOptions {
                jsx: JsxOptions { runtime: JsxRuntime::Classic, ..JsxOptions::default() },
                ..base.clone()
            },
            TransformOptions {
                jsx: JsxOptions { import_source: "preact".into(), ..JsxOptions::default() },
                ..base.clone()
            },
            TransformOptions { jsx: JsxOptions { factory: "h".into(), ..JsxOptions::default() }, ..base.clone() },
            TransformOptions {
                jsx: JsxOptions { fragment: "Fragment".into(), ..JsxOptions::default() },
                ..base.clone()
            },
            TransformOptions { jsx: JsxOptions { development: true, ..JsxOptions::default() }, ..base.clone() },
        ];
        let mut seen = vec![base.fingerprint()];
        for variant in &variants {
            let print = variant.fingerprint();
            assert!(!seen.contains(&print), "{print} repeats");
            seen.push(print);
        }
        assert_eq!(base.fingerprint(), TransformOptions::default().fingerprint());
    }
}
