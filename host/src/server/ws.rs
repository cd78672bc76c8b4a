//! One controller connection: a reader that parses frames into [`Inbound`] values and a
//! writer fed by an outbox channel, so the session never touches the socket itself.

use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use protocol::{ControllerMessage, HostMessage};
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};

/// The largest message (and frame: controllers send each message as one frame) a controller
/// may send. The biggest is `loaded`, which lists every registered test: ~150 bytes a test, so
/// 150,000 tests are ~23 MB. The limit only keeps a runaway peer from filling memory.
pub(crate) const MAX_MESSAGE_BYTES: usize = 512 * 1024 * 1024;

/// How many parsed messages may wait for the session. When the session falls behind (a test
/// floods the console faster than the reporters take it), the reader stops reading and the
/// socket pushes back on the runtime, instead of the host queueing the flood in memory.
const INBOX_CAPACITY: usize = 256;

/// How many frame bytes may wait for the session, whatever their number: 256 waiting console
/// messages of 1 MiB each would otherwise hold 256 MiB. A frame larger than this waits until
/// the inbox is empty, then goes alone.
const INBOX_BYTES: usize = 8 * 1024 * 1024;

/// What arrives from a controller.
#[derive(Debug)]
pub enum Inbound {
    /// A well-formed message.
    Message(ControllerMessage),
    /// A frame that is not a protocol message; the connection is closed after it.
    Malformed(String),
}

/// The session's handle on one connected controller.
pub struct Connection {
    /// Commands to send, in order.
    pub outbox: mpsc::UnboundedSender<HostMessage>,
    /// Messages received, in order; `None` once the socket closed.
    pub inbox: Inbox,
}

/// Messages from one controller, bounded in number and in bytes (see `INBOX_BYTES`).
pub struct Inbox {
    messages: mpsc::Receiver<(Inbound, u32)>,
    budget: Arc<Semaphore>,
}

/// The reader's end of an [`Inbox`].
pub struct InboxSender {
    messages: mpsc::Sender<(Inbound, u32)>,
    budget: Arc<Semaphore>,
}

/// A bounded inbox and its sender.
pub fn inbox() -> (InboxSender, Inbox) {
    let (tx, rx) = mpsc::channel(INBOX_CAPACITY);
    let budget = Arc::new(Semaphore::new(INBOX_BYTES));
    (InboxSender { messages: tx, budget: budget.clone() }, Inbox { messages: rx, budget })
}

impl Inbox {
    /// The next message, or `None` once the socket closed. Cancel-safe, as `mpsc::Receiver::recv`.
    pub async fn recv(&mut self) -> Option<Inbound> {
        let (inbound, cost) = self.messages.recv().await?;
        self.budget.add_permits(cost as usize);
        Some(inbound)
    }
}

impl InboxSender {
    /// Queues `inbound`, which took `bytes` on the wire, once the inbox has room for it; false
    /// when the session is gone.
    pub async fn send(&self, inbound: Inbound, bytes: usize) -> bool {
        let cost = bytes.min(INBOX_BYTES);
        let Ok(permit) = self.budget.acquire_many(cost as u32).await else { return false };
        // Given back by `Inbox::recv` when the session takes the message.
        permit.forget();
        self.messages.send((inbound, cost as u32)).await.is_ok()
    }

    /// Queues `inbound` if there is room now (tests drive a fake controller this way).
    #[cfg(test)]
    pub fn try_send(&self, inbound: Inbound) -> bool {
        self.messages.try_send((inbound, 0)).is_ok()
    }
}

pub(crate) async fn serve_connection(socket: WebSocket, connections: mpsc::UnboundedSender<Connection>) {
    let (mut sink, mut stream) = socket.split();
    let (in_tx, inbox) = inbox();
    let (outbox, mut out_rx) = mpsc::unbounded_channel::<HostMessage>();
    if connections.send(Connection { outbox, inbox }).is_err() {
        return;
    }
    let writer = tokio::spawn(async move {
        // Whatever the session queued at once goes out in one flush (one write, usually one
        // packet), so a batch of `run-test` commands reaches the controller together.
        'writing: while let Some(message) = out_rx.recv().await {
            let mut next = Some(message);
            while let Some(message) = next {
                if sink.feed(Message::Text(message.to_json().into())).await.is_err() {
                    break 'writing;
                }
                next = out_rx.try_recv().ok();
            }
            if sink.flush().await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    while let Some(next) = stream.next().await {
        let frame = match next {
            Ok(frame) => frame,
            Err(err) => {
                // A runtime that was killed (a timeout, a crash) just drops its connection;
                // oversized or broken frames end up here too, and only this connection goes.
                let text = err.to_string();
                if !text.contains("without closing handshake") && !text.contains("Connection reset") {
                    errln!("proctor: closed a controller connection: {text}");
                }
                break;
            }
        };
        let bytes = match &frame {
            Message::Text(text) => text.len(),
            Message::Binary(data) => data.len(),
            _ => 0,
        };
        let inbound = match frame {
            Message::Text(text) => match ControllerMessage::from_json(&text) {
                Ok(message) => Inbound::Message(message),
                Err(err) => Inbound::Malformed(format!("{err} in frame {}", preview(&text))),
            },
            Message::Binary(_) => Inbound::Malformed("binary frames are not part of the protocol".into()),
            Message::Close(_) => break,
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        if let Inbound::Malformed(reason) = &inbound {
            crate::server::refusal(format_args!(
                "proctor: closed a controller connection that sent a malformed frame: {reason}"
            ));
            let _ = in_tx.send(inbound, bytes).await;
            break;
        }
        if !in_tx.send(inbound, bytes).await {
            break;
        }
    }
    writer.abort();
}

fn preview(text: &str) -> String {
    let short: String = text.chars().take(120).collect();
    if short.len() < text.len() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_inbox_holds_a_bounded_number_of_bytes() {
        let (tx, mut rx) = inbox();
        let message = || Inbound::Malformed(String::new());
        // Two frames of 5 MiB do not fit in 8 MiB: the second waits for the first to be taken.
        assert!(tx.send(message(), 5 << 20).await);
        let second = tokio::time::timeout(std::time::Duration::from_millis(50), tx.send(message(), 5 << 20)).await;
        assert!(second.is_err(), "the second frame waited");
        assert!(rx.recv().await.is_some());
        assert!(tx.send(message(), 5 << 20).await, "room again once the session took the first");
        // A frame larger than the budget still goes, alone.
        assert!(rx.recv().await.is_some());
        assert!(tx.send(message(), 64 << 20).await);
        assert!(rx.recv().await.is_some());
        drop(tx);
        assert!(rx.recv().await.is_none());
    }
}
