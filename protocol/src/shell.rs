//! The messages between `proctor serve` and the shell page of a kept browser tab.
//!
//! A kept tab (headless, or one a person opened) loads the server's shell page once. The shell
//! keeps one websocket to the server and, for every run, replaces its run frame (an iframe) with
//! a fresh one, so each run gets a new realm while the tab — the same DevTools target — stays.
//! The controller inside the frame speaks the ordinary protocol ([`crate::HostMessage`]) with
//! the `proctor run` that asked for the frame; the shell only opens and closes frames.

use crate::{CommandId, RuntimeInfo};
use serde::{Deserialize, Serialize};

/// Commands the server sends to a shell page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ShellCommand {
    /// Replace the run frame with a new one. The frame's URL is `port` and `path` on the host
    /// the shell page itself was loaded from, so a tab on another machine reaches it too.
    OpenFrame {
        /// Command id.
        id: CommandId,
        /// The port of the server that serves the run's page.
        port: u16,
        /// The run page's path and query (token included).
        path: String,
    },
    /// Remove the run frame (its realm goes with it).
    CloseFrame {
        /// Command id.
        id: CommandId,
    },
}

/// Messages a shell page sends to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ShellEvent {
    /// The first message on a shell connection.
    ShellHello {
        /// Must equal [`crate::PROTOCOL_VERSION`].
        protocol: u32,
        /// The browser the shell runs in.
        runtime: RuntimeInfo,
    },
    /// Reply to [`ShellCommand::OpenFrame`]: the frame is in the page and loading.
    #[serde(rename_all = "camelCase")]
    FrameOpened {
        /// The command this answers.
        reply_to: CommandId,
    },
    /// Reply to [`ShellCommand::CloseFrame`]: the frame is gone.
    #[serde(rename_all = "camelCase")]
    FrameClosed {
        /// The command this answers.
        reply_to: CommandId,
    },
}

impl ShellCommand {
    /// Serializes to the JSON text frame.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("shell commands always serialize")
    }
}

impl ShellEvent {
    /// Parses one JSON text frame.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}
