//! The run's side of `proctor serve`: [`ServeClient`] connects to the project's live server,
//! waits for the lease (one run at a time), and asks for fresh run frames in the server's kept
//! tabs. The rest of the run — plan, selection, build, session, reporters — is the same as a
//! standalone run's.

use super::record::ServerRecord;
use futures_util::{SinkExt, StreamExt};
use protocol::serve::{ClientMessage, ServedRuntime, ServerMessage};
use protocol::CommandId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

/// How long a command to the server may take (opening a frame includes replacing a tab).
const REPLY_WAIT: Duration = Duration::from_secs(30);

/// Why the server could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Nothing answers at the recorded port.
    #[error("failed to reach proctor serve at {url}: {message}")]
    Connect { url: String, message: String },
    /// The connection went away.
    #[error("proctor serve closed the connection")]
    Closed,
    /// The server did not answer in time.
    #[error("proctor serve did not answer within {}s", .0.as_secs())]
    NoAnswer(Duration),
    /// The server refused a command.
    #[error("{0}")]
    Refused(String),
}

type Pending = Arc<Mutex<HashMap<CommandId, mpsc::UnboundedSender<ServerMessage>>>>;

/// A connection to a live `proctor serve`.
pub struct ServeClient {
    outbox: mpsc::UnboundedSender<ClientMessage>,
    pending: Pending,
    runtimes: watch::Receiver<Vec<ServedRuntime>>,
    next_id: AtomicU64,
    /// The URL a person opens to attach a browser (known once leased).
    pub attach_url: String,
    /// The address the server is bound to; run pages are served on the same one.
    pub bind: std::net::IpAddr,
    /// True when the server shows a live status page and wants the run's events (known once
    /// leased).
    pub(crate) wants_events: bool,
}

impl ServeClient {
    /// Connects to the server a record names.
    pub(crate) async fn connect(record: &ServerRecord) -> Result<ServeClient, ServeError> {
        let host = if record.bind == "0.0.0.0" || record.bind == "::" { "127.0.0.1" } else { record.bind.as_str() };
        let url = format!("ws://{}/ws/control?token={}", host_port(host, record.port), record.token);
        let shown = format!("ws://{}/ws/control", host_port(host, record.port));
        let connecting = tokio_tungstenite::connect_async(url.as_str());
        let (socket, _) = tokio::time::timeout(Duration::from_secs(5), connecting)
            .await
            .map_err(|_| ServeError::Connect { url: shown.clone(), message: "no answer within 5s".into() })?
            .map_err(|err| ServeError::Connect { url: shown, message: err.to_string() })?;
        let (mut sink, mut stream) = socket.split();
        let (outbox, mut outgoing) = mpsc::unbounded_channel::<ClientMessage>();
        tokio::spawn(async move {
            while let Some(message) = outgoing.recv().await {
                if sink.send(Message::Text(message.to_json().into())).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let pending: Pending = Arc::new(Mutex::new(HashMap::new()));
        let (runtimes_tx, runtimes) = watch::channel(Vec::new());
        let routes = pending.clone();
        tokio::spawn(async move {
            while let Some(Ok(frame)) = stream.next().await {
                let Message::Text(text) = frame else { continue };
                let Ok(message) = ServerMessage::from_json(&text) else {
                    errln!("proctor: ignoring a malformed message from proctor serve");
                    continue;
                };
                let reply_to = match &message {
                    ServerMessage::Runtimes { runtimes } => {
                        let _ = runtimes_tx.send(runtimes.clone());
                        continue;
                    }
                    ServerMessage::Leased { runtimes, .. } => {
                        let _ = runtimes_tx.send(runtimes.clone());
                        reply_to(&message)
                    }
                    other => reply_to(other),
                };
                let routes = routes.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(waiter) = reply_to.and_then(|id| routes.get(&id)) {
                    let _ = waiter.send(message);
                }
            }
            // Dropping every waiter tells them the server is gone.
            routes.lock().unwrap_or_else(|p| p.into_inner()).clear();
        });
        Ok(ServeClient {
            outbox,
            pending,
            runtimes,
            next_id: AtomicU64::new(1),
            attach_url: String::new(),
            wants_events: false,
            bind: record.bind.parse().unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)),
        })
    }

    /// Sends a command; returns the channel its replies arrive on.
    fn send(
        &self,
        make: impl FnOnce(CommandId) -> ClientMessage,
    ) -> Result<mpsc::UnboundedReceiver<ServerMessage>, ServeError> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = mpsc::unbounded_channel();
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).insert(id, tx);
        self.outbox.send(make(id)).map_err(|_| ServeError::Closed)?;
        Ok(rx)
    }

    async fn request(&self, make: impl FnOnce(CommandId) -> ClientMessage) -> Result<ServerMessage, ServeError> {
        let mut replies = self.send(make)?;
        match tokio::time::timeout(REPLY_WAIT, replies.recv()).await {
            Ok(Some(ServerMessage::Failed { message, .. })) => Err(ServeError::Refused(message)),
            Ok(Some(reply)) => Ok(reply),
            Ok(None) => Err(ServeError::Closed),
            Err(_) => Err(ServeError::NoAnswer(REPLY_WAIT)),
        }
    }

    /// Tells the server the run's status (`run-status`; not answered, and lost with the
    /// connection, which is fine: the next one replaces it).
    pub(crate) fn report_status(&self, status: serde_json::Value) {
        let _ = self.outbox.send(ClientMessage::RunStatus { status });
    }

    /// Sends a batch of the run's events for the server's status page (`run-events`; not
    /// answered, sent in order with everything else on the connection).
    pub(crate) fn report_events(&self, events: Vec<serde_json::Value>) {
        let _ = self.outbox.send(ClientMessage::RunEvents { events });
    }

    /// Waits until this run holds the server's runtimes; `queued` hears how many runs are
    /// ahead while it waits. Held until the client is dropped.
    pub async fn lease(&mut self, mut queued: impl FnMut(usize)) -> Result<(), ServeError> {
        let mut replies = self.send(|id| ClientMessage::Lease { id })?;
        loop {
            match replies.recv().await {
                Some(ServerMessage::Queued { ahead, .. }) => queued(ahead),
                Some(ServerMessage::Leased { attach_url, events, .. }) => {
                    self.attach_url = attach_url;
                    self.wants_events = events;
                    return Ok(());
                }
                Some(_) => {}
                None => return Err(ServeError::Closed),
            }
        }
    }

    /// The server's runtimes now.
    pub fn runtimes(&self) -> Vec<ServedRuntime> {
        self.runtimes.borrow().clone()
    }

    /// Waits until `accept` picks at least one runtime, or `wait` passes; returns the picks.
    pub async fn wait_for(&self, accept: impl Fn(&ServedRuntime) -> bool, wait: Duration) -> Vec<ServedRuntime> {
        let mut runtimes = self.runtimes.clone();
        let found = tokio::time::timeout(wait, runtimes.wait_for(|all| all.iter().any(&accept))).await;
        match found {
            Ok(Ok(all)) => all.iter().filter(|r| accept(r)).cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// Opens a fresh run frame in `runtime` at this machine's `port` + `path`.
    pub async fn open_frame(&self, runtime: &str, port: u16, path: &str) -> Result<ServedRuntime, ServeError> {
        let runtime_label = runtime.to_string();
        let path = path.to_string();
        match self.request(|id| ClientMessage::OpenFrame { id, runtime: runtime_label, port, path }).await? {
            ServerMessage::FrameOpened { runtime, .. } => Ok(runtime),
            other => Err(ServeError::Refused(format!("unexpected answer {other:?}"))),
        }
    }

    /// Stops and removes `runtime`'s run frame.
    pub async fn close_frame(&self, runtime: &str) -> Result<(), ServeError> {
        let label = runtime.to_string();
        self.request(|id| ClientMessage::CloseFrame { id, runtime: label }).await.map(|_| ())
    }

    /// The server's status.
    pub async fn status(&self) -> Result<ServerMessage, ServeError> {
        self.request(|id| ClientMessage::Status { id }).await
    }

    /// Asks the server to stop.
    pub async fn stop(&self) -> Result<(), ServeError> {
        self.request(|id| ClientMessage::Stop { id }).await.map(|_| ())
    }
}

fn reply_to(message: &ServerMessage) -> Option<CommandId> {
    match message {
        ServerMessage::Queued { reply_to, .. }
        | ServerMessage::Leased { reply_to, .. }
        | ServerMessage::FrameOpened { reply_to, .. }
        | ServerMessage::FrameClosed { reply_to }
        | ServerMessage::Failed { reply_to, .. }
        | ServerMessage::Status { reply_to, .. }
        | ServerMessage::Stopping { reply_to } => Some(*reply_to),
        ServerMessage::Runtimes { .. } => None,
    }
}

/// `host:port`, with IPv6 addresses bracketed.
pub(crate) fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}
