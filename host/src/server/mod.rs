//! The host's network side: an axum server on 127.0.0.1 (random port) whose `/ws` endpoint
//! accepts controllers that present the run's random token.

mod ws;

pub use ws::{Connection, Inbound};

use axum::extract::{Query, State, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use tokio::sync::mpsc;

/// A running server; dropping it stops accepting connections.
pub struct Server {
    addr: SocketAddr,
    token: String,
    /// Controllers that connected, in order.
    pub connections: mpsc::UnboundedReceiver<Connection>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct AppState {
    token: String,
    connections: mpsc::UnboundedSender<Connection>,
}

impl Server {
    /// Binds 127.0.0.1 on a random port with a fresh random token.
    pub async fn start() -> std::io::Result<Server> {
        let token = random_token();
        let (tx, connections) = mpsc::unbounded_channel();
        let state = AppState { token: token.clone(), connections: tx };
        let app = Router::new().route("/ws", get(upgrade)).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            // The server only ends when its task is aborted (on drop).
            let _ = axum::serve(listener, app).await;
        });
        Ok(Server { addr, token, connections, task })
    }

    /// The websocket URL a controller connects to, token included.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws?token={}", self.addr, self.token)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn upgrade(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    if query.get("token") != Some(&state.token) {
        return (StatusCode::UNAUTHORIZED, "missing or wrong token\n").into_response();
    }
    ws.max_message_size(ws::MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| ws::serve_connection(socket, state.connections))
}

/// 128 random bits as hex, from the OS's randomness.
fn random_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).is_ok() {
        return bytes.iter().map(|b| format!("{b:02x}")).collect();
    }
    // Without /dev/urandom, std's hasher keys (seeded from the OS once per process) still differ per run.
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut token = String::new();
    for salt in 0..2u64 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        token.push_str(&format!("{:016x}", hasher.finish()));
    }
    token
}
