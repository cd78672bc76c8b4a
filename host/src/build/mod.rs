//! Build: turns the selected files of a suite into something a runtime can load — for node,
//! a generated entry module next to a copy of the controller; for browsers, a shell page with
//! either native ES modules (served by [`EsmModules`]) or a bundle, and a [`StackMapper`] to
//! map stacks back.

mod browser;
mod bundle;
mod cjs;
mod entry;
mod esm;
mod manifest;
mod mocks;
mod modules;
mod page;
mod served;
mod setup;
mod sourcemap;

pub(crate) use browser::url_path;
pub use browser::{build_browser, BrowserBuild};
pub(crate) use entry::{controller_file, temp_dir, write_controller};
pub use entry::{write_node_entry, write_node_entry_using, BuildError, NodeEntry, NodeModules};
pub use esm::LoadProblems;
pub use manifest::write_manifest_for;
pub(crate) use modules::CACHE_DIR;
pub use modules::{ModuleSettings, ProjectModules};
pub use page::page_files;
pub use served::{EsmModules, Reply};
pub use setup::FileSetup;
pub(crate) use sourcemap::without_generations;
pub use sourcemap::StackMapper;
