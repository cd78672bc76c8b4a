//! The transform: TypeScript, TSX and JSX → JavaScript with a source map, by swc, for every
//! runtime and build; `Tsconfigs` turns tsconfig/jsconfig and proctor.toml into each file's
//! `TransformOptions`, and `TransformCache` keeps results on disk keyed by content and options.

// Nothing outside calls the transform until the runtimes are wired to it (issue 12).
#![allow(dead_code, unused_imports)]

mod cache;
mod class_fields;
mod compile;
mod error;
mod globals;
mod namespaces;
mod options;
mod tsconfig;

pub use cache::{CachedModule, TransformCache};
pub use compile::{transform, Transformed};
pub use error::TransformError;
pub use globals::uses_cjs_globals;
pub use options::{needs_transform, JsxOptions, JsxOverrides, JsxRuntime, ModuleFormat, Target, TransformOptions};
pub use tsconfig::Tsconfigs;
