//! The status page: one HTML page (assets embedded in the binary) that builds the tree of a run
//! from proctor's JSON events. The `html` reporter writes it with the run's events inside;
//! `proctor serve` and `proctor watch` serve it live.

mod document;
mod enrich;

pub(crate) use document::{render, Meta};
pub(crate) use enrich::page_event;
