//! One controller connection: a reader that parses frames into [`Inbound`] values and a
//! writer fed by an outbox channel, so the session never touches the socket itself.

use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use protocol::{ControllerMessage, HostMessage};
use tokio::sync::mpsc;

/// The largest message (and frame: controllers send each message as one frame) a controller
/// may send. The biggest is `loaded`, which lists every registered test: ~150 bytes a test, so
/// 150,000 tests are ~23 MB. The limit only keeps a runaway peer from filling memory.
pub(crate) const MAX_MESSAGE_BYTES: usize = 512 * 1024 * 1024;

/// How many parsed messages may wait for the session. When the session falls behind (a test
/// floods the console faster than the reporters take it), the reader stops reading and the
/// socket pushes back on the runtime, instead of the host queueing the flood in memory.
const INBOX_CAPACITY: usize = 256;

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
    pub inbox: mpsc::Receiver<Inbound>,
}

pub(crate) async fn serve_connection(socket: WebSocket, connections: mpsc::UnboundedSender<Connection>) {
    let (mut sink, mut stream) = socket.split();
    let (in_tx, inbox) = mpsc::channel(INBOX_CAPACITY);
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
            let _ = in_tx.send(inbound).await;
            break;
        }
        if in_tx.send(inbound).await.is_err() {
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
