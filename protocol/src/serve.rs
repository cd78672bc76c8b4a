//! The messages between a `proctor run` (the client) and a live `proctor serve` (the server).
//!
//! The server owns the kept runtimes (headless Chromium tabs, browsers people attached); a run
//! leases them for its duration — one run at a time, the others queue — and asks for a fresh
//! run frame in a tab whenever it (re)starts that runtime. Planning, selecting, building and
//! reporting stay in the client, so a run through the server reports exactly like a standalone
//! one.

use crate::CommandId;
use serde::{Deserialize, Serialize};

/// What a client asks of the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ClientMessage {
    /// Ask for the runtimes for one run. Answered with [`ServerMessage::Queued`] while another
    /// run holds them, then [`ServerMessage::Leased`]. The lease ends with the connection.
    Lease {
        /// Command id.
        id: CommandId,
    },
    /// Open a fresh run frame in a runtime, loading the page at `port` + `path`.
    OpenFrame {
        /// Command id.
        id: CommandId,
        /// The runtime's label, e.g. `chromium#1`.
        runtime: String,
        /// The port of the client's own server, which serves the run page.
        port: u16,
        /// The page's path and query.
        path: String,
    },
    /// Stop what the run frame is doing (a hung or spinning test) and remove it.
    CloseFrame {
        /// Command id.
        id: CommandId,
        /// The runtime's label.
        runtime: String,
    },
    /// Ask what the server is doing (`proctor serve --status`).
    Status {
        /// Command id.
        id: CommandId,
    },
    /// Ask the server to shut down (`proctor serve --stop`).
    Stop {
        /// Command id.
        id: CommandId,
    },
    /// The state of the leased run's tests, as its `/status.json` shape (the host's status
    /// module defines it); sent as the run goes, not answered. The server serves the latest.
    RunStatus {
        /// The status value.
        status: serde_json::Value,
    },
    /// The leased run's events, in order, each the object `--reporter json` writes (with a
    /// failure's project frames and code frame), for the server's live status page. Sent in
    /// batches as the run goes, only when [`ServerMessage::Leased`] asked for them; not answered.
    RunEvents {
        /// The events since the last batch.
        events: Vec<serde_json::Value>,
    },
}

/// What the server tells a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ServerMessage {
    /// The lease waits for other runs.
    #[serde(rename_all = "camelCase")]
    Queued {
        /// The `lease` command this answers.
        reply_to: CommandId,
        /// How many runs hold or wait for the lease before this one.
        ahead: usize,
    },
    /// The runtimes are this client's until it disconnects.
    #[serde(rename_all = "camelCase")]
    Leased {
        /// The `lease` command this answers.
        reply_to: CommandId,
        /// The connected runtimes now.
        runtimes: Vec<ServedRuntime>,
        /// The URL a person opens to attach a browser.
        attach_url: String,
        /// The address the server is bound to; the client serves run pages on the same one.
        bind: String,
        /// True when the server shows a live status page and wants the run's events
        /// ([`ClientMessage::RunEvents`]).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        events: bool,
    },
    /// The connected runtimes changed (sent to the lease holder).
    Runtimes {
        /// The connected runtimes now.
        runtimes: Vec<ServedRuntime>,
    },
    /// Reply to [`ClientMessage::OpenFrame`].
    #[serde(rename_all = "camelCase")]
    FrameOpened {
        /// The command this answers.
        reply_to: CommandId,
        /// The runtime as it is now (its DevTools target may be new after a replacement).
        runtime: ServedRuntime,
    },
    /// Reply to [`ClientMessage::CloseFrame`].
    #[serde(rename_all = "camelCase")]
    FrameClosed {
        /// The command this answers.
        reply_to: CommandId,
    },
    /// A command could not be carried out.
    #[serde(rename_all = "camelCase")]
    Failed {
        /// The command this answers.
        reply_to: CommandId,
        /// Why, in words a user can act on.
        message: String,
    },
    /// Reply to [`ClientMessage::Status`].
    #[serde(rename_all = "camelCase")]
    Status {
        /// The command this answers.
        reply_to: CommandId,
        /// The project root the server serves.
        root: String,
        /// The server's process id.
        pid: u32,
        /// The connected runtimes.
        runtimes: Vec<ServedRuntime>,
        /// Runs holding or waiting for the lease.
        runs: usize,
        /// The URL a person opens to attach a browser.
        attach_url: String,
    },
    /// Reply to [`ClientMessage::Stop`]: the server is shutting down.
    #[serde(rename_all = "camelCase")]
    Stopping {
        /// The command this answers.
        reply_to: CommandId,
    },
}

/// One runtime a server keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServedRuntime {
    /// Its label, unique on the server: `chromium#1`, `attach#2`.
    pub label: String,
    /// `chromium` (a headless tab the server launched) or `attach` (a browser a person opened).
    pub kind: String,
    /// The browser's user agent.
    pub user_agent: String,
    /// The tab's DevTools target id, for headless tabs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl ClientMessage {
    /// Serializes to the JSON text frame.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("client messages always serialize")
    }

    /// Parses one JSON text frame.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

impl ServerMessage {
    /// Serializes to the JSON text frame.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("server messages always serialize")
    }

    /// Parses one JSON text frame.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}
