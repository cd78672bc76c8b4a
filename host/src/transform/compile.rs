//! `transform`: one TypeScript, TSX or JSX file → JavaScript a runtime can load, with a source
//! map back to the original, by swc. The same pass list serves node, the browser and the
//! bundlers; only the node shim depends on the target.
//!
//! Passes, in swc's own order: resolver → decorators (legacy ones need the types, so before the
//! strip) → merged namespaces qualified → class fields as assignments (`useDefineForClassFields: false`) →
//! TypeScript strip → JSX → mock hoisting (only when the text may hold a hoisted call) →
//! browser ES modules' dynamic imports routed through the controller (`fresh_imports.rs`) →
//! ES modules' exports made rebindable for spies (`live_exports.rs`; project files, not bundles) →
//! CommonJS (only for CommonJS output; a CommonJS top level hoists after it) → helpers →
//! hygiene → fixer, then the node shim and codegen.

use super::class_fields::assign_class_fields;
use super::error::TransformError;
use super::fresh_imports::route_dynamic_imports;
use super::globals::{commonjs_export_names, exports_shim, has_esm_syntax, is_mjs, node_shim, FreeGlobals};
use super::hoist::{hoist, hoist_to_top, might_hoist, HoistError};
use super::live_exports::rebindable_exports;
use super::namespaces::qualify_merged_namespaces;
use super::options::{JsxRuntime, Language, ModuleFormat, Target, TransformOptions};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Arc, Mutex};
use swc_core::common::comments::SingleThreadedComments;
use swc_core::common::errors::{DiagnosticBuilder, Emitter, Handler, Level, HANDLER};
use swc_core::common::source_map::SourceMapGenConfig;
use swc_core::common::{sync::Lrc, BytePos, FileName, Globals, Mark, SourceMap, Span, GLOBALS};
use swc_core::ecma::ast::{EsVersion, Module, ModuleDecl, ModuleItem, Program};
use swc_core::ecma::codegen::{text_writer::JsWriter, Config as CodegenConfig, Emitter as CodeEmitter, Node};
use swc_core::ecma::parser::{parse_file_as_program, EsSyntax, Syntax, TsSyntax};
use swc_core::ecma::transforms::base::fixer::fixer;
use swc_core::ecma::transforms::base::helpers::{inject_helpers, Helpers, HELPERS};
use swc_core::ecma::transforms::base::hygiene::hygiene;
use swc_core::ecma::transforms::base::resolver;
use swc_core::ecma::transforms::module::common_js::{self, common_js};
use swc_core::ecma::transforms::module::path::Resolver;
use swc_core::ecma::transforms::proposal::{
    decorator_2023_11::decorator_2023_11, decorators, explicit_resource_management::explicit_resource_management,
};
use swc_core::ecma::transforms::react::{self, react, Runtime};
use swc_core::ecma::transforms::typescript::{self as ts, tsx, typescript, TsImportExportAssignConfig, TsxConfig};

/// A transformed file.
#[derive(Debug, Clone)]
pub struct Transformed {
    /// The JavaScript, without a `sourceMappingURL` comment.
    pub code: String,
    /// Source map v3 JSON; `sources` holds the original's absolute path, with `sourcesContent`.
    pub map: String,
    /// What the runtime must load `code` as.
    pub format: ModuleFormat,
}

/// Transforms `source`, the text of `path`, for `options.target`. `path` should be absolute (it
/// is made so against the working directory otherwise): the map names it.
pub fn transform(path: &Path, source: &str, options: &TransformOptions) -> Result<Transformed, TransformError> {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // swc asserts on some inputs it cannot handle; one such file must become its own load error,
    // not take the host (and every other file's result) down with it.
    catch_unwind(AssertUnwindSafe(|| compile(&path, source, options))).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".into());
        Err(TransformError::Internal { file: path.clone(), message })
    })
}

/// The parser settings for a language.
pub(crate) fn syntax(language: Language) -> Syntax {
    match language {
        Language::TypeScript | Language::Tsx => {
            Syntax::Typescript(TsSyntax { tsx: language == Language::Tsx, decorators: true, ..Default::default() })
        }
        Language::Jsx | Language::JavaScript => Syntax::Es(EsSyntax {
            jsx: language == Language::Jsx,
            decorators: true,
            decorators_before_export: true,
            import_attributes: true,
            explicit_resource_management: true,
            auto_accessors: true,
            ..Default::default()
        }),
    }
}

fn compile(path: &Path, source: &str, options: &TransformOptions) -> Result<Transformed, TransformError> {
    let language = Language::of(path, options.jsx_in_js).unwrap_or(Language::JavaScript);
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Real(path.to_path_buf())), source.to_owned());
    let comments = SingleThreadedComments::default();
    let program = parse_file_as_program(&fm, syntax(language), EsVersion::latest(), Some(&comments), &mut Vec::new())
        .map_err(|err| {
        let name = path.display().to_string();
        let error = crate::plan::syntax_error(&cm, &err, &name, source);
        TransformError::Syntax {
            file: path.to_path_buf(),
            line: error.location.line,
            column: error.location.column,
            message: error.message,
            frame: error.frame,
        }
    })?;
    drop_source_map_comments(&comments);
    let has_esm = has_esm_syntax(&program);
    let export_assign = program.as_module().is_some_and(|module| {
        module.body.iter().any(|item| matches!(item, ModuleItem::ModuleDecl(ModuleDecl::TsExportAssignment(_))))
    });
    let decided = match extension {
        "cts" | "cjs" => Some(ModuleFormat::CommonJs),
        _ if export_assign => Some(ModuleFormat::CommonJs),
        "mts" | "mjs" => Some(ModuleFormat::Module),
        _ if has_esm => Some(ModuleFormat::Module),
        _ => None,
    };

    let hoisting = might_hoist(source);
    let diagnostics = Arc::new(Mutex::new(Vec::new()));
    let handler = Handler::with_emitter(true, false, Box::new(Collect(diagnostics.clone())));
    let compiled = GLOBALS.set(&Globals::new(), || {
        HELPERS.set(&Helpers::new(false), || {
            HANDLER.set(&handler, || {
                let unresolved_mark = Mark::new();
                let top_level_mark = Mark::new();
                // A file without `import`/`export` parses as a script; passes such as the
                // decorators' only finish their work on module items, and the output is the
                // same text either way.
                let mut program = match program {
                    Program::Script(script) => Program::Module(Module {
                        span: script.span,
                        body: script.body.into_iter().map(ModuleItem::Stmt).collect(),
                        shebang: script.shebang,
                    }),
                    module => module,
                };
                program.mutate(resolver(unresolved_mark, top_level_mark, language.is_typescript()));
                if super::import_meta_env::uses_import_meta_env(source) {
                    let unresolved = swc_core::common::SyntaxContext::empty().apply_mark(unresolved_mark);
                    super::import_meta_env::replace_import_meta_env(&mut program, unresolved);
                }
                // Without ES syntax, a file that uses `module`/`exports`/`require` is CommonJS;
                // that must be known before the strip, which rewrites `import x = require()`
                // for one or the other.
                let decided = decided.or_else(|| {
                    FreeGlobals::find(&program, unresolved_mark).commonjs().then_some(ModuleFormat::CommonJs)
                });
                // node 20 and 22 run neither `accessor` fields nor `using` declarations; Vitest
                // (esbuild, target node18) lowers both. The standard decorators' pass lowers
                // `accessor` too.
                if source.contains("using") {
                    program.mutate(explicit_resource_management());
                }
                if source.contains('@') || source.contains("accessor") {
                    if options.legacy_decorators && source.contains('@') {
                        program.mutate(decorators(decorators::Config {
                            legacy: true,
                            emit_metadata: options.decorator_metadata,
                            use_define_for_class_fields: options.use_define_for_class_fields,
                        }));
                    } else {
                        program.mutate(decorator_2023_11());
                    }
                }
                if language.is_typescript() {
                    if source.contains("namespace") || source.contains("module ") {
                        program.mutate(qualify_merged_namespaces(unresolved_mark));
                    }
                    // Before the strip: it then sets parameter properties ahead of these
                    // assignments, as tsc orders them.
                    if !options.use_define_for_class_fields {
                        program.mutate(assign_class_fields());
                    }
                    let config = ts::Config {
                        verbatim_module_syntax: options.verbatim_module_syntax,
                        native_class_properties: options.use_define_for_class_fields,
                        // `import x = require()` in an ES module becomes `createRequire`
                        // (tsc's NodeNext); in CommonJS output both forms are plain CommonJS.
                        import_export_assign_config: if decided == Some(ModuleFormat::CommonJs) {
                            TsImportExportAssignConfig::Classic
                        } else {
                            TsImportExportAssignConfig::NodeNext
                        },
                        ..Default::default()
                    };
                    if language == Language::Tsx {
                        let pragmas = TsxConfig {
                            pragma: Some(options.jsx.factory.clone().into()),
                            pragma_frag: Some(options.jsx.fragment.clone().into()),
                        };
                        program.mutate(tsx(cm.clone(), config, pragmas, &comments, unresolved_mark, top_level_mark));
                    } else {
                        program.mutate(typescript(config, unresolved_mark, top_level_mark));
                    }
                }
                if language.has_jsx() {
                    program.mutate(react(
                        cm.clone(),
                        Some(&comments),
                        jsx_pass_options(options),
                        top_level_mark,
                        unresolved_mark,
                    ));
                }
                let format = decided.unwrap_or(ModuleFormat::Module);
                if hoisting {
                    if let Program::Module(module) = &mut program {
                        let esm = format == ModuleFormat::Module;
                        let babel_rules = !language.is_typescript();
                        let in_mocks = path.components().any(|part| part.as_os_str() == "__mocks__");
                        let settle_alone = options.target == Target::Browser || !in_mocks;
                        let awaits = esm && options.await_imports;
                        hoist(module, awaits, babel_rules, settle_alone, top_level_mark, unresolved_mark)?;
                        if esm && !options.await_imports {
                            hoist_to_top(module);
                        }
                    }
                }
                // A page's module map keeps one instance per URL; a bundle has no module URLs.
                if let (Target::Browser, true, ModuleFormat::Module, Program::Module(module)) =
                    (options.target, options.await_imports, format, &mut program)
                {
                    route_dynamic_imports(module, swc_core::common::SyntaxContext::empty().apply_mark(unresolved_mark));
                }
                // A project module's exports can be spied on (`vi.spyOn(namespace, ..)`) in node
                // and in a page's ES modules (a bundle has no module namespaces to spy on).
                let package = path.components().any(|part| part.as_os_str() == "node_modules");
                let modules = options.target == Target::Node || options.await_imports;
                if let (true, ModuleFormat::Module, false, Program::Module(module)) =
                    (modules, format, package, &mut program)
                {
                    rebindable_exports(module, unresolved_mark);
                }
                let found = FreeGlobals::find(&program, unresolved_mark);
                let has_module_decls =
                    program.as_module().is_some_and(|module| module.body.iter().any(ModuleItem::is_module_decl));
                if format == ModuleFormat::CommonJs && has_module_decls {
                    let features = common_js::FeatureFlag { support_block_scoping: true, support_arrow: true };
                    // The annotation lets node's cjs-module-lexer see the named exports, so an
                    // ES module can `import { name }` from the output.
                    let config = common_js::Config { export_interop_annotation: Some(true), ..Default::default() };
                    program.mutate(common_js(Resolver::Default, unresolved_mark, config, features));
                }
                // After the CommonJS pass, which puts the `require`s first.
                if let (true, ModuleFormat::CommonJs, Program::Module(module)) = (hoisting, format, &mut program) {
                    hoist_to_top(module);
                }
                // Babel's mixed module (luxon's test helpers): ES imports beside `exports.x =`.
                // It stays an ES module, so what it imports is the instance the test files
                // import, with a `module`/`exports` of its own exported as Babel's interop
                // shows them (default: the whole object; named: its properties).
                let mixed = (format == ModuleFormat::Module && !is_mjs(path) && found.mixes_in_commonjs())
                    .then(|| commonjs_export_names(&program, unresolved_mark));
                program.mutate(inject_helpers(unresolved_mark));
                program.mutate(hygiene());
                program.mutate(fixer(Some(&comments)));
                if let (Some(names), Program::Module(module)) = (&mixed, &mut program) {
                    let (mut prologue, mut epilogue) = exports_shim(names);
                    prologue.append(&mut module.body);
                    prologue.append(&mut epilogue);
                    module.body = prologue;
                }
                if options.target == Target::Node && format == ModuleFormat::Module && found.needs_shim() {
                    if let Program::Module(module) = &mut program {
                        let mut body = node_shim(found);
                        body.append(&mut module.body);
                        module.body = body;
                    }
                }
                Ok::<_, HoistError>((program, format))
            })
        })
    });
    let (program, format) = compiled.map_err(|error| {
        let loc = cm.lookup_char_pos(error.span.lo);
        let (line, column) = (loc.line, loc.col.0 + 1);
        let headline = error.message.lines().next().unwrap_or_default();
        let frame = crate::codeframe::code_frame(&path.display().to_string(), source, line, column, headline);
        TransformError::Hoist {
            file: path.to_path_buf(),
            line,
            column,
            message: error.message,
            frame: frame.unwrap_or_default(),
        }
    })?;
    let first_error = diagnostics.lock().ok().and_then(|found| found.first().cloned());
    if let Some((message, span)) = first_error {
        let loc = cm.lookup_char_pos(span.map_or(BytePos(fm.start_pos.0), |s| s.lo));
        return Err(TransformError::Unsupported {
            file: path.to_path_buf(),
            line: loc.line,
            column: loc.col.0 + 1,
            message,
        });
    }

    let mut code = Vec::with_capacity(source.len() + source.len() / 4);
    let mut mappings = Vec::new();
    {
        let writer = JsWriter::new(cm.clone(), "\n", &mut code, Some(&mut mappings));
        let mut emitter = CodeEmitter {
            cfg: CodegenConfig::default().with_target(EsVersion::latest()),
            cm: cm.clone(),
            comments: Some(&comments),
            wr: writer,
        };
        program
            .emit_with(&mut emitter)
            .map_err(|err| TransformError::Internal { file: path.to_path_buf(), message: err.to_string() })?;
    }
    let map = cm.build_source_map(&mappings, None, MapConfig);
    let mut map_json = Vec::new();
    map.to_writer(&mut map_json)
        .map_err(|err| TransformError::Internal { file: path.to_path_buf(), message: err.to_string() })?;
    let code = String::from_utf8(code)
        .map_err(|err| TransformError::Internal { file: path.to_path_buf(), message: err.to_string() })?;
    let map = String::from_utf8(map_json)
        .map_err(|err| TransformError::Internal { file: path.to_path_buf(), message: err.to_string() })?;
    Ok(Transformed { code, map, format })
}

/// Drops the source's own `//# sourceMappingURL=` comments: they would point at a map of the
/// source, not of the output, and the cache entry carries the output's map.
fn drop_source_map_comments(comments: &SingleThreadedComments) {
    let is_map_url = |comment: &swc_core::common::comments::Comment| {
        let text = comment.text.trim_start();
        text.starts_with("# sourceMappingURL=") || text.starts_with("@ sourceMappingURL=")
    };
    let (mut leading, mut trailing) = comments.borrow_all_mut();
    for list in leading.values_mut().chain(trailing.values_mut()) {
        list.retain(|comment| !is_map_url(comment));
    }
}

/// swc's JSX pass options for `options.jsx`.
fn jsx_pass_options(options: &TransformOptions) -> react::Options {
    let jsx = &options.jsx;
    let runtime = match jsx.runtime {
        JsxRuntime::Classic => Runtime::Classic,
        JsxRuntime::Automatic | JsxRuntime::Preserve => Runtime::Automatic,
    };
    react::Options {
        runtime: Some(runtime),
        import_source: Some(jsx.import_source.as_str().into()),
        // swc refuses a factory with the automatic runtime (a file's `@jsxRuntime classic`
        // pragma still picks swc's default, `React.createElement`, then).
        pragma: (runtime == Runtime::Classic).then(|| jsx.factory.clone().into()),
        pragma_frag: (runtime == Runtime::Classic).then(|| jsx.fragment.clone().into()),
        development: Some(jsx.development && runtime == Runtime::Automatic),
        // Namespaced names (`<svg:rect>`) are React errors, not syntax errors: let React say so.
        throw_if_namespace: Some(false),
        ..Default::default()
    }
}

/// Source map settings: the original's path as `sources`, its text inlined.
struct MapConfig;

impl SourceMapGenConfig for MapConfig {
    fn file_name_to_source(&self, f: &FileName) -> String {
        match f {
            FileName::Real(path) => path.display().to_string(),
            other => other.to_string(),
        }
    }

    fn inline_sources_content(&self, _: &FileName) -> bool {
        true
    }
}

/// Collects the errors swc's passes report (they report through a handler, not a `Result`).
struct Collect(Arc<Mutex<Vec<(String, Option<Span>)>>>);

impl Emitter for Collect {
    fn emit(&mut self, diagnostic: &mut DiagnosticBuilder<'_>) {
        if !matches!(diagnostic.level, Level::Bug | Level::Fatal | Level::PhaseFatal | Level::Error) {
            return;
        }
        if let Ok(mut found) = self.0.lock() {
            found.push((diagnostic.message(), diagnostic.span.primary_span()));
        }
    }
}

#[cfg(test)]
mod tests;
