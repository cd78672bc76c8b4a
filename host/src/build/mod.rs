//! Build: turns the selected files of a suite into something a runtime can load (for node, a
//! generated entry module next to a copy of the controller).

mod entry;

pub use entry::{write_node_entry, BuildError, NodeEntry};
