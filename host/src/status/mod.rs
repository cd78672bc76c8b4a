//! The status of a long-lived process's tests as JSON (issue 17): the model built from the
//! event stream (`model.rs`), shared between runs and the HTTP side (`board.rs`), served as
//! `/status.json` by `proctor watch` (`http.rs`), and read by `proctor status` (`command.rs`).

mod board;
mod command;
mod http;
mod model;

pub(crate) use board::Board;
pub use command::status;
pub(crate) use http::StatusServer;
pub(crate) use model::{State, STATUS_VERSION};
