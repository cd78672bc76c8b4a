//! The transform: TypeScript, TSX and JSX → JavaScript with a source map, by swc, for every
//! runtime and build, with `vi.mock`/`jest.mock` hoisted (`hoist.rs`); `Tsconfigs` turns tsconfig/jsconfig and proctor.toml into each file's
//! `TransformOptions`, and `TransformCache` keeps results on disk keyed by content and options.
//!
//! A runtime or build asks, per file:
//!
//! ```text
//! let options = tsconfigs.options_for(&file, Target::Node, &suite_jsx_overrides);
//! if needs_transform(&file, &options)
//!     || (target is node && uses_cjs_globals(&file, &text))
//!     || (not a package's && needs_hoisting(&file, &text))
//! {
//!     let module = cache.get(&file, &options)?;   // module.code_path: load this file as is
//! }                                              // (.mjs ES module / .cjs CommonJS)
//! ```
//!
//! `tsconfigs.take_warnings()` gives the broken configs to report; a fresh `Tsconfigs` forgets
//! what it read (after a tsconfig changed).

// Parts of the API (`transform` on a text, `CachedModule::map`/`hit`, the options' types) are
// for the browser server and the bundles, which are joined after node.
#![allow(dead_code, unused_imports)]

mod cache;
mod class_fields;
mod compile;
mod error;
mod fresh_imports;
mod globals;
mod hoist;
mod import_meta_env;
mod live_exports;
mod namespaces;
mod options;
mod tsconfig;

pub use cache::{CachedModule, TransformCache};
pub(crate) use compile::syntax;
pub use compile::{transform, Transformed};
pub use error::TransformError;
pub use fresh_imports::might_import_fresh;
pub use globals::uses_cjs_globals;
pub use hoist::{might_hoist, needs_hoisting};
pub use import_meta_env::uses_import_meta_env;
pub use live_exports::might_export;
pub(crate) use options::Language;
pub use options::{needs_transform, JsxOptions, JsxOverrides, JsxRuntime, ModuleFormat, Target, TransformOptions};
pub use tsconfig::Tsconfigs;
