//! Host-side runtime handling: [`Launch`] is how the session starts (and restarts) the runtime
//! of a suite; the session never cares which kind it is. [`NodeLaunch`] prepares node: a server
//! to connect back to and an entry module, then one child process per (re)start.

use crate::build::{write_node_entry, BuildError, NodeEntry};
use crate::server::Server;
use runtimes::{NodeLauncher, NodeProcess, RuntimeError};
use std::path::{Path, PathBuf};

/// Starts fresh runtimes that connect to the session's server.
#[allow(async_fn_in_trait)]
pub trait Launch {
    /// The started runtime.
    type Running: runtimes::Runtime;
    /// Starts one; it connects to the server on its own.
    async fn launch(&mut self) -> Result<Self::Running, RuntimeError>;
}

/// Why a runtime could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The websocket server could not bind.
    #[error("failed to start the server on 127.0.0.1: {0}")]
    Server(std::io::Error),
    /// The entry could not be written.
    #[error(transparent)]
    Build(#[from] BuildError),
}

/// Node, ready to launch on a generated entry.
pub struct NodeLaunch {
    launcher: NodeLauncher,
    entry: NodeEntry,
    root: PathBuf,
}

impl NodeLaunch {
    /// Starts the server and writes the entry for `files` (relative, absolute path).
    pub async fn prepare(launcher: &NodeLauncher, files: &[(String, PathBuf)], root: &Path) -> Result<(Server, NodeLaunch), PrepareError> {
        let server = Server::start().await.map_err(PrepareError::Server)?;
        let entry = write_node_entry(files, &server.ws_url())?;
        Ok((server, NodeLaunch { launcher: launcher.clone(), entry, root: root.to_path_buf() }))
    }
}

impl Launch for NodeLaunch {
    type Running = NodeProcess;

    async fn launch(&mut self) -> Result<NodeProcess, RuntimeError> {
        self.launcher.spawn(&self.entry.preload, &self.entry.entry, &self.root)
    }
}
