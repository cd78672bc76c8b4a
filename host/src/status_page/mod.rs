//! The status page: one HTML page (assets embedded in the binary) that builds the tree of a run
//! from proctor's JSON events. The `html` reporter writes it with the run's events inside;
//! `proctor watch` serves it live, fed by [`LiveFeed`] and following the run over a websocket;
//! `proctor serve` serves it from the events its runs send ([`forward`]).

mod document;
mod enrich;
mod forward;
mod live;
mod routes;

pub(crate) use document::{recent_history, render, Meta};
pub(crate) use enrich::page_event;
pub(crate) use forward::forward;
pub(crate) use live::{LiveFeed, LivePage, RerunRequest, TestRef};
pub(crate) use routes::router;
