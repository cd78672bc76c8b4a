//! `proctor serve`: a long-lived host that keeps browser tabs (headless ones it launched, and
//! browsers people attached) connected between runs, and the client a `proctor run` uses to run
//! in them. See `command.rs` for the server's life, `hub.rs` for what it keeps, `http.rs` for
//! its endpoints, `client.rs` for the run's side, `record.rs` for `.proctor/server.json` and
//! `reruns.rs` for the status page's rerun buttons.

mod client;
mod command;
mod hooks;
mod http;
mod hub;
mod record;
mod reruns;

pub(crate) use client::host_port;
pub use client::{ServeClient, ServeError};
pub use command::serve;
pub(crate) use command::LocalServer;
pub(crate) use record::{process_alive, read_record, remove_owned, shows_page, write_owned, Recorded};
