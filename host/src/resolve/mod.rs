//! Module resolution: the one [`Resolver`] that the plan's import graph, watch mode, the node
//! loader hooks and the browser's import map all ask, so that no two of them disagree about
//! which file a specifier names.

mod alias;
mod resolver;

pub(crate) use resolver::{is_package_specifier, package_name, MOCK_EXTENSIONS};
pub use resolver::{ImportKind, Resolution, ResolveError, ResolveOptions, Resolver, Target};
