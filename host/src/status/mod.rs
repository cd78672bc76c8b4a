//! The status of a long-lived process's tests as JSON (issue 17): the model built from the
//! event stream (`model.rs`), shared between runs and the HTTP side (`board.rs`), served as
//! `/status.json` by `proctor watch` (`http.rs`) and by `proctor serve` from what its runs
//! report (`served.rs`), and read by `proctor status` (`command.rs`).

mod board;
mod command;
mod http;
mod model;
mod served;

pub(crate) use board::Board;
pub use command::status;
pub(crate) use http::{status_response, StatusServer};
pub(crate) use model::{Problem, ServerInfo, State, Status, StatusModel, STATUS_VERSION};
pub(crate) use served::to_server;
