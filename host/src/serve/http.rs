//! The HTTP side of `proctor serve`: the shell page a kept tab loads (`/`), its script, the
//! shell pages' websocket (`/ws/shell`), the runs' control websocket (`/ws/control`), the
//! latest run's status (`/status.json`, issue 17), the git hook routes of `hooks.rs` and, for
//! `proctor serve`, the live status page under `/status/` (fed by the events its runs send). Every
//! request needs the server's token; websockets from a page must come from the server's own
//! origin; a connection that sends a malformed or oversized frame is closed with the reason
//! logged, and nothing else is disturbed.

use super::hub::Hub;
use crate::server::{check_origin, cookie_name, refusal, require_token, TokenGate};
use axum::extract::ws::{Message, WebSocket};
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::http::{header, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use protocol::serve::{ClientMessage, ServerMessage};
use protocol::shell::{ShellCommand, ShellEvent};
use protocol::PROTOCOL_VERSION;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The largest frame a shell page may send; its messages are small.
const MAX_FRAME_BYTES: usize = 1024 * 1024;
/// The largest frame a run may send: a batch of its events for the status page can be large
/// (the run keeps each batch far below this, see `status_page/forward.rs`).
const MAX_CONTROL_FRAME_BYTES: usize = 64 * 1024 * 1024;
/// The modules the shell page loads: shell.js and what it imports.
const SHELL_MODULES: &[&str] = &["shell.js", "page.js"];
/// How long a new shell connection may take to say hello.
const HELLO_WAIT: Duration = Duration::from_secs(10);

#[derive(Clone)]
struct ServeState {
    hub: Arc<Hub>,
    token: String,
    cookie: String,
    origin: String,
    connections: Arc<AtomicU64>,
}

/// The router for a server listening on `port` with `token`; with the hub's status page (if it
/// has one) under `/status/`.
pub(crate) fn router(hub: Arc<Hub>, token: String, origin: String, port: u16) -> Router {
    let page = hub.page().cloned();
    let state = ServeState {
        hub,
        token: token.clone(),
        cookie: cookie_name(port),
        origin: origin.clone(),
        connections: Arc::new(AtomicU64::new(1)),
    };
    let app = Router::new()
        .route("/", get(shell_page))
        .route("/__proctor/{module}", get(shell_script))
        .route("/ws/shell", get(shell_upgrade))
        .route("/ws/control", get(control_upgrade))
        .route("/status.json", get(status_json))
        .merge(super::hooks::routes())
        // The page finds its websocket and buttons next to itself: `/status` must end in `/`.
        .route("/status", get(to_status_page))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .layer(middleware::from_fn_with_state(TokenGate::new(&state.token, port), require_token))
        .with_state(state);
    match page {
        Some(page) => app.merge(crate::status_page::router(page, token, origin, port, "/status")),
        None => app,
    }
}

async fn shell_page(State(state): State<ServeState>) -> Response {
    // Beside the banner, a link to the live status page when this server shows one (with the
    // token, so it works wherever the link is opened or copied to).
    let link = match state.hub.page() {
        Some(_) => {
            format!("<a id=\"status-page\" href=\"/status/?token={}\">status page</a>", query_value(&state.token))
        }
        None => String::new(),
    };
    let html = format!(
        "<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>proctor serve</title>\n\
        <style>html,body{{margin:0;height:100%;font:14px system-ui,sans-serif}}#bar{{display:flex;background:#eef}}\
        #status{{flex:1;padding:4px 8px}}#bar a{{padding:4px 8px}}\
        body{{display:flex;flex-direction:column}}iframe{{flex:1}}</style>\n</head>\n<body>\n\
        <div id=\"bar\"><div id=\"status\">proctor: connecting…</div>{link}</div>\n\
        <script type=\"module\">import {{ startShell }} from \"/__proctor/shell.js\"; startShell();</script>\n\
        </body>\n</html>\n"
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::SET_COOKIE, format!("{}={}; Path=/; HttpOnly; SameSite=Strict", state.cookie, state.token)),
        ],
        html,
    )
        .into_response()
}

/// `value` as it may stand in a URL's query (and in an HTML attribute): every byte but
/// letters, digits and `-._~` percent-encoded.
fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `/status` → `/status/`, keeping the query (the token).
async fn to_status_page(uri: axum::http::Uri) -> Response {
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, format!("/status/{query}"))]).into_response()
}

/// The latest run's status (see `status/served.rs`).
async fn status_json(State(state): State<ServeState>, Query(query): Query<HashMap<String, String>>) -> Response {
    crate::status::status_response(state.hub.status(), &query)
}

/// The shell page's modules, from the controller carried in the binary (nothing else is served).
async fn shell_script(axum::extract::Path(module): axum::extract::Path<String>) -> Response {
    if !SHELL_MODULES.contains(&module.as_str()) {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    match crate::build::controller_file(&module) {
        Some(source) => ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], source).into_response(),
        None => (StatusCode::INTERNAL_SERVER_ERROR, format!("{module} is missing from this build\n")).into_response(),
    }
}

async fn shell_upgrade(
    State(state): State<ServeState>,
    Query(query): Query<HashMap<String, String>>,
    headers: axum::http::HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    // Only pages open shells, and pages always send an Origin.
    if let Err(refusal) = check_origin(&state.origin, &headers, true) {
        return refusal;
    }
    let launch = query.get("launch").and_then(|n| n.parse::<u32>().ok());
    let connection = state.connections.fetch_add(1, Ordering::SeqCst);
    ws.max_message_size(MAX_FRAME_BYTES).on_upgrade(move |socket| serve_shell(socket, state.hub, connection, launch))
}

async fn serve_shell(socket: WebSocket, hub: Arc<Hub>, connection: u64, launch: Option<u32>) {
    let (mut sink, mut stream) = socket.split();
    let first = tokio::time::timeout(HELLO_WAIT, stream.next()).await;
    let user_agent = match first {
        Ok(Some(Ok(Message::Text(text)))) => match ShellEvent::from_json(&text) {
            Ok(ShellEvent::ShellHello { protocol, runtime }) if protocol == PROTOCOL_VERSION => runtime.user_agent,
            Ok(ShellEvent::ShellHello { protocol, .. }) => {
                refusal(format_args!("proctor serve: refused a shell page speaking protocol {protocol} (this server speaks {PROTOCOL_VERSION}); reload it"));
                return;
            }
            _ => {
                refusal(format_args!(
                    "proctor serve: closed a shell connection whose first frame was not a shell-hello"
                ));
                return;
            }
        },
        _ => return,
    };
    let (outbox, mut commands) = mpsc::unbounded_channel::<ShellCommand>();
    let label = hub.register(connection, launch, user_agent.clone(), outbox).await;
    errln!("proctor serve: {label} connected ({user_agent})");
    let writer = tokio::spawn(async move {
        while let Some(command) = commands.recv().await {
            if sink.send(Message::Text(command.to_json().into())).await.is_err() {
                break;
            }
        }
    });
    while let Some(frame) = stream.next().await {
        let text = match frame {
            Ok(Message::Text(text)) => text,
            Ok(Message::Close(_)) => break,
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            Ok(Message::Binary(_)) => {
                errln!("proctor serve: closed {label}'s shell connection: binary frames are not part of the protocol");
                break;
            }
            Err(err) => {
                errln!("proctor serve: closed {label}'s shell connection: {err}");
                break;
            }
        };
        match ShellEvent::from_json(&text) {
            Ok(ShellEvent::FrameOpened { reply_to } | ShellEvent::FrameClosed { reply_to }) => {
                hub.reply(connection, reply_to)
            }
            Ok(ShellEvent::ShellHello { .. }) => {}
            Err(err) => {
                refusal(format_args!(
                    "proctor serve: closed {label}'s shell connection after a malformed frame: {err}"
                ));
                break;
            }
        }
    }
    writer.abort();
    hub.unregister(connection);
}

async fn control_upgrade(
    State(state): State<ServeState>,
    headers: axum::http::HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    // The CLI sends no Origin; a page may only come from here.
    if let Err(refusal) = check_origin(&state.origin, &headers, false) {
        return refusal;
    }
    ws.max_message_size(MAX_CONTROL_FRAME_BYTES)
        .max_frame_size(MAX_CONTROL_FRAME_BYTES)
        .on_upgrade(move |socket| serve_control(socket, state.hub))
}

/// One run (or `--status`/`--stop`) talking to the server. Commands are handled in order; the
/// lease, once granted, is held until the connection closes.
async fn serve_control(socket: WebSocket, hub: Arc<Hub>) {
    let (mut sink, mut stream) = socket.split();
    let (out, mut outgoing) = mpsc::unbounded_channel::<ServerMessage>();
    let writer = tokio::spawn(async move {
        while let Some(message) = outgoing.recv().await {
            if sink.send(Message::Text(message.to_json().into())).await.is_err() {
                break;
            }
        }
    });
    let mut lease = None;
    let mut watcher: Option<tokio::task::JoinHandle<()>> = None;
    loop {
        let message = match next_client_message(&mut stream).await {
            Some(message) => message,
            None => break,
        };
        match message {
            ClientMessage::Lease { id } => {
                if lease.is_some() {
                    continue;
                }
                let queued = |ahead| {
                    let _ = out.send(ServerMessage::Queued { reply_to: id, ahead });
                };
                let granted = tokio::select! {
                    granted = hub.lease(queued) => Some(granted),
                    // A run that gives up while queued must not hold its place.
                    _ = closed(&mut stream) => None,
                };
                let Some(granted) = granted else {
                    hub.left_queue();
                    break;
                };
                lease = Some(granted);
                let _ = out.send(ServerMessage::Leased {
                    reply_to: id,
                    runtimes: hub.runtimes(),
                    attach_url: hub.attach_url.clone(),
                    bind: hub.bind.clone(),
                    events: hub.page().is_some(),
                });
                let (hub, out) = (hub.clone(), out.clone());
                watcher = Some(tokio::spawn(async move {
                    let mut changes = hub.subscribe();
                    while changes.changed().await.is_ok() {
                        if out.send(ServerMessage::Runtimes { runtimes: hub.runtimes() }).is_err() {
                            break;
                        }
                    }
                }));
            }
            ClientMessage::OpenFrame { id, runtime, port, path } => {
                let reply = if lease.is_none() {
                    ServerMessage::Failed { reply_to: id, message: "open-frame needs the lease".into() }
                } else {
                    match hub.open_frame(&runtime, port, &path).await {
                        Ok(runtime) => ServerMessage::FrameOpened { reply_to: id, runtime },
                        Err(message) => ServerMessage::Failed { reply_to: id, message },
                    }
                };
                let _ = out.send(reply);
            }
            ClientMessage::CloseFrame { id, runtime } => {
                if lease.is_some() {
                    hub.close_frame(&runtime).await;
                }
                let _ = out.send(ServerMessage::FrameClosed { reply_to: id });
            }
            ClientMessage::Status { id } => {
                let _ = out.send(ServerMessage::Status {
                    reply_to: id,
                    root: hub.root.clone(),
                    pid: std::process::id(),
                    runtimes: hub.runtimes(),
                    runs: hub.runs(),
                    attach_url: hub.attach_url.clone(),
                });
            }
            ClientMessage::RunStatus { status } => {
                // Only the run that holds the runtimes speaks for the tests.
                if lease.is_some() {
                    hub.set_status(status);
                }
            }
            ClientMessage::RunEvents { events } => {
                if let (Some(page), true) = (hub.page(), lease.is_some()) {
                    for event in events {
                        page.publish_json(event);
                    }
                }
            }
            ClientMessage::Stop { id } => {
                let _ = out.send(ServerMessage::Stopping { reply_to: id });
                hub.request_stop();
            }
        }
    }
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    if lease.is_some() {
        hub.run_left();
    }
    drop(lease);
    drop(out);
    let _ = tokio::time::timeout(Duration::from_secs(1), writer).await;
}

/// The next well-formed message; `None` when the connection closed or sent something that is
/// not a protocol message (logged, then the connection is closed).
async fn next_client_message(stream: &mut futures_util::stream::SplitStream<WebSocket>) -> Option<ClientMessage> {
    loop {
        match stream.next().await? {
            Ok(Message::Text(text)) => match ClientMessage::from_json(&text) {
                Ok(message) => return Some(message),
                Err(err) => {
                    refusal(format_args!("proctor serve: closed a control connection after a malformed frame: {err}"));
                    return None;
                }
            },
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            Ok(Message::Close(_)) => return None,
            Ok(Message::Binary(_)) => {
                refusal(format_args!(
                    "proctor serve: closed a control connection: binary frames are not part of the protocol"
                ));
                return None;
            }
            // A run that exits (or is interrupted) without a closing handshake is a normal end.
            Err(err) if err.to_string().contains("without closing handshake") => return None,
            Err(err) => {
                errln!("proctor serve: closed a control connection: {err}");
                return None;
            }
        }
    }
}

/// Resolves when the peer closes (anything it sends meanwhile is a protocol error: it must wait).
async fn closed(stream: &mut futures_util::stream::SplitStream<WebSocket>) {
    while let Some(Ok(frame)) = stream.next().await {
        if matches!(frame, Message::Close(_)) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::query_value;

    #[test]
    fn a_query_value_cannot_leave_its_attribute_or_parameter() {
        assert_eq!(query_value("5f0c-A_z.~9"), "5f0c-A_z.~9", "a random token is left as it is");
        assert_eq!(query_value("a b&c=\"<é"), "a%20b%26c%3D%22%3C%C3%A9");
    }
}
