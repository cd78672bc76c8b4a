//! The status page's HTTP side: [`router`] serves the page (`/`), its event websocket
//! (`/events`, the current run replayed then followed), the rerun buttons (`POST /rerun`),
//! each test's latest recorded tries (`/history.json`) and the latest run's commit (`/meta.json`),
//! every route behind the token. It is a plain `Router` so a server that already listens can
//! merge it: `proctor watch` into its status server (`status::StatusServer`), `proctor serve`
//! into its own under `/status/`.

use super::live::{LivePage, Refusal, RerunRequest};
use super::{recent_history, render, Meta};
use crate::server::{check_origin, require_token, TokenGate};
use axum::extract::ws::{Message, WebSocket};
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

#[derive(Clone)]
struct PageState {
    live: Arc<LivePage>,
    origin: String,
    /// The attach page, relative to the page (serve's `/`), when the page is below one.
    attach: Option<&'static str>,
}

/// The page's routes for a server at `origin` (`http://127.0.0.1:PORT`) with `token`, under
/// `prefix` (`""`: watch, at `/`; `"/status"`: serve, whose `/` is the shell page). The page
/// finds its websocket and buttons relative to its own path.
pub(crate) fn router(live: Arc<LivePage>, token: String, origin: String, port: u16, prefix: &str) -> Router {
    let gate = TokenGate::new(&token, port).naming("a status page request without the right token");
    // Under a prefix, the server's `/` is the page browsers attach with (serve's shell page).
    let state = PageState { live, origin, attach: (!prefix.is_empty()).then_some("../") };
    Router::new()
        .route(&format!("{prefix}/"), get(page))
        .route(&format!("{prefix}/events"), get(events))
        .route(&format!("{prefix}/rerun"), post(rerun))
        .route(&format!("{prefix}/history.json"), get(history))
        .route(&format!("{prefix}/meta.json"), get(meta_json))
        .layer(middleware::from_fn_with_state(gate, require_token))
        .with_state(state)
}

/// What the page says about the latest run besides its events: its commit from the run's own
/// git lookup, as `/status.json` has it (waiting for git, off the async threads, when the run
/// has only just started).
async fn meta(state: &PageState) -> Meta {
    let live = state.live.clone();
    let commit = tokio::task::spawn_blocking(move || live.commit()).await.unwrap_or_default();
    Meta { attach: state.attach, ..Meta::new(&state.live.root, commit, true) }
}

async fn page(State(state): State<PageState>) -> Response {
    let html = render(&meta(&state).await, &[], None);
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// The page's meta again, fetched after each run so its commit line follows the runs.
async fn meta_json(State(state): State<PageState>) -> Response {
    axum::Json(meta(&state).await).into_response()
}

/// Every recorded test's latest tries and flip rate, from the history database (`tests` is empty
/// without one): the page's row of marks per test.
async fn history(State(state): State<PageState>) -> Response {
    let db = state.live.history_db.clone();
    let body = tokio::task::spawn_blocking(move || recent_history(db.as_deref()))
        .await
        .unwrap_or_else(|_| recent_history(None));
    axum::Json(body).into_response()
}

async fn events(State(state): State<PageState>, headers: HeaderMap, ws: WebSocketUpgrade) -> Response {
    if let Err(refusal) = check_origin(&state.origin, &headers, false) {
        return refusal;
    }
    ws.on_upgrade(move |socket| follow(socket, state.live))
}

/// Sends the run so far as one array, then each event as it comes, until the page goes away or
/// falls too far behind (it reconnects and gets a fresh replay).
async fn follow(socket: WebSocket, live: Arc<LivePage>) {
    let (mut sink, mut stream) = socket.split();
    let (history, mut events) = live.follow();
    let replay = format!("[{}]", history.iter().map(|e| &**e).collect::<Vec<&str>>().join(","));
    if sink.send(Message::Text(replay.into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(json) => {
                    if sink.send(Message::Text((*json).into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(_) | RecvError::Closed) => return,
            },
            frame = stream.next() => match frame {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

async fn rerun(State(state): State<PageState>, headers: HeaderMap, body: String) -> Response {
    // A form on another site could post here with a stolen token; pages send their Origin.
    if let Err(refusal) = check_origin(&state.origin, &headers, false) {
        return refusal;
    }
    let request: RerunRequest = match serde_json::from_str(&body) {
        Ok(request) => request,
        Err(err) => return (StatusCode::BAD_REQUEST, format!("not a rerun request: {err}\n")).into_response(),
    };
    match state.live.request(request) {
        Ok(()) => (StatusCode::ACCEPTED, "rerun queued\n").into_response(),
        Err(Refusal::Busy(why)) => (StatusCode::CONFLICT, format!("{why}\n")).into_response(),
        Err(Refusal::Gone) => (StatusCode::SERVICE_UNAVAILABLE, "the server no longer takes reruns\n").into_response(),
    }
}
