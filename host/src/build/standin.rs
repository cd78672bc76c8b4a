//! A stand-in for the transform (H1, `crate::transform`) with the agreed signatures, so the
//! browser's esm mode builds and is tested before it lands. When it is merged, delete this file
//! and point `modules.rs` at `crate::transform`; nothing else changes.

// The stand-ins carry the agreed surface whole, parts of which only the real modules read.
#[allow(dead_code)]
pub(crate) mod transform {
    //! The agreed `crate::transform` surface, reduced to what the browser needs: swc strips
    //! TypeScript and compiles JSX (automatic runtime, `jsxImportSource` from the nearest
    //! tsconfig.json) with an inline source map. No disk cache.

    use std::path::{Path, PathBuf};
    use std::sync::Arc;
    use swc_core::common::sync::Lrc;
    use swc_core::common::{FileName, Globals, Mark, SourceMap, GLOBALS};
    use swc_core::ecma::ast::{EsVersion, Program};
    use swc_core::ecma::codegen::{text_writer::JsWriter, Emitter};
    use swc_core::ecma::parser::{parse_file_as_program, EsSyntax, Syntax, TsSyntax};

    /// The runtime a transform targets.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Target {
        /// Chromium.
        Browser,
    }

    /// Per-suite JSX overrides from proctor.toml.
    #[derive(Debug, Clone, Default)]
    pub struct JsxOverrides {
        /// JSX in `.js` files.
        pub jsx_in_js: bool,
    }

    /// What to do with one file.
    #[derive(Debug, Clone, Default)]
    pub struct TransformOptions {
        /// The automatic runtime's import source (`react` when unset).
        pub jsx_import_source: Option<String>,
        /// JSX in `.js` files.
        pub jsx_in_js: bool,
    }

    /// The module format of the output.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ModuleFormat {
        /// ES module.
        Esm,
    }

    /// A transformed file in the cache.
    #[derive(Debug, Clone)]
    pub struct CachedModule {
        /// The final JS, with an inline source map.
        pub code_path: PathBuf,
        /// Its module format.
        pub format: ModuleFormat,
        /// The source map (JSON).
        pub map: Arc<Vec<u8>>,
        /// Whether it came from the cache.
        pub hit: bool,
    }

    /// Why a file could not be transformed.
    #[derive(Debug, thiserror::Error)]
    pub enum TransformError {
        /// The file could not be read or the output written.
        #[error("failed to read or write {path}: {source}")]
        Io {
            /// The file.
            path: PathBuf,
            /// The cause.
            source: std::io::Error,
        },
        /// swc could not parse it.
        #[error("failed to parse {path}: {message}")]
        Parse {
            /// The file.
            path: PathBuf,
            /// swc's message.
            message: String,
        },
    }

    /// Whether `path` must be transformed before a runtime can load it.
    pub fn needs_transform(path: &Path, options: &TransformOptions) -> bool {
        match path.extension().and_then(|e| e.to_str()) {
            Some("ts" | "tsx" | "mts" | "cts" | "jsx") => !path.to_string_lossy().ends_with(".d.ts"),
            Some("js") => options.jsx_in_js,
            _ => false,
        }
    }

    /// Options per file from the nearest tsconfig.json.
    pub struct Tsconfigs;

    impl Tsconfigs {
        /// The options for `file`: `jsxImportSource` of the nearest tsconfig/jsconfig.
        pub fn options_for(&self, file: &Path, _target: Target, overrides: &JsxOverrides) -> TransformOptions {
            let mut options = TransformOptions { jsx_in_js: overrides.jsx_in_js, ..Default::default() };
            for dir in file.ancestors().skip(1) {
                for name in ["tsconfig.json", "jsconfig.json"] {
                    if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
                        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                        options.jsx_import_source =
                            value["compilerOptions"]["jsxImportSource"].as_str().map(String::from);
                        return options;
                    }
                }
            }
            options
        }
    }

    /// Transformed files, kept in a directory.
    pub struct TransformCache {
        dir: PathBuf,
    }

    impl TransformCache {
        /// A cache writing into `dir`.
        pub fn new(dir: &Path) -> TransformCache {
            TransformCache { dir: dir.to_path_buf() }
        }

        /// Transforms `path` (no caching in the stand-in).
        pub fn get(&self, path: &Path, options: &TransformOptions) -> Result<CachedModule, TransformError> {
            let io = |source| TransformError::Io { path: path.to_path_buf(), source };
            let source = std::fs::read_to_string(path).map_err(io)?;
            let (code, map) = transform(path, &source, options)?;
            std::fs::create_dir_all(&self.dir).map_err(io)?;
            let key = xxhash_rust::xxh3::xxh3_64(path.to_string_lossy().as_bytes());
            let code_path = self.dir.join(format!("{key:016x}.js"));
            std::fs::write(&code_path, code).map_err(io)?;
            Ok(CachedModule { code_path, format: ModuleFormat::Esm, map: Arc::new(map), hit: false })
        }
    }

    fn transform(path: &Path, source: &str, options: &TransformOptions) -> Result<(String, Vec<u8>), TransformError> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        let typescript = matches!(ext, "ts" | "tsx" | "mts" | "cts");
        let syntax = if typescript {
            Syntax::Typescript(TsSyntax { tsx: ext == "tsx", decorators: true, ..Default::default() })
        } else {
            Syntax::Es(EsSyntax { jsx: true, decorators: true, ..Default::default() })
        };
        let cm: Lrc<SourceMap> = Default::default();
        let fm = cm.new_source_file(Lrc::new(FileName::Real(path.to_path_buf())), source.to_string());
        let mut errors = Vec::new();
        let program = parse_file_as_program(&fm, syntax, EsVersion::latest(), None, &mut errors)
            .map_err(|e| TransformError::Parse { path: path.to_path_buf(), message: format!("{:?}", e.kind()) })?;
        let program = GLOBALS.set(&Globals::new(), || {
            let unresolved = Mark::new();
            let top_level = Mark::new();
            let mut program: Program =
                program.apply(swc_core::ecma::transforms::base::resolver(unresolved, top_level, typescript));
            if typescript {
                program = program.apply(swc_core::ecma::transforms::typescript::strip(unresolved, top_level));
            }
            let jsx = swc_core::ecma::transforms::react::Options {
                runtime: Some(swc_core::ecma::transforms::react::Runtime::Automatic),
                import_source: Some(options.jsx_import_source.as_deref().unwrap_or("react").into()),
                ..Default::default()
            };
            program = program.apply(swc_core::ecma::transforms::react::react(
                cm.clone(),
                None::<swc_core::common::comments::SingleThreadedComments>,
                jsx,
                top_level,
                unresolved,
            ));
            program
                .apply(swc_core::ecma::transforms::base::hygiene::hygiene())
                .apply(swc_core::ecma::transforms::base::fixer::fixer(None))
        });
        let mut out = Vec::new();
        let mut mappings = Vec::new();
        {
            let writer = JsWriter::new(cm.clone(), "\n", &mut out, Some(&mut mappings));
            let mut emitter = Emitter { cfg: Default::default(), cm: cm.clone(), comments: None, wr: writer };
            emitter.emit_program(&program).map_err(|e| TransformError::Io { path: path.to_path_buf(), source: e })?;
        }
        let map = cm.build_source_map(&mappings, None, swc_core::common::source_map::DefaultSourceMapGenConfig);
        let mut map_json = Vec::new();
        map.to_writer(&mut map_json).map_err(|e| TransformError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        })?;
        use base64::Engine;
        let code = format!(
            "{}\n//# sourceMappingURL=data:application/json;base64,{}\n",
            String::from_utf8_lossy(&out),
            base64::engine::general_purpose::STANDARD.encode(&map_json)
        );
        Ok((code, map_json))
    }
}
