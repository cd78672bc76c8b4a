//! The status server a `proctor watch` keeps: [`StatusServer`] binds `--port` on 127.0.0.1,
//! serves [`routes`] behind a token, and records itself in `.proctor/watch.json` (port, pid,
//! token, URLs; owner-only, removed at exit) so `proctor status` can find it.
//!
//! Every route needs the token, as on `proctor serve`: in the query (`?token=`), in the
//! `Authorization: Bearer` header, or in the cookie the page sets. Probes that cannot send
//! headers (Tilt's `http_get_action`) put it in the path's query, with a token fixed by
//! `--token`.

use super::board::Board;
use super::model::Status;
use crate::commands::CommandError;
use crate::server::{require_token, TokenGate};
use crate::status_page::LivePage;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What `proctor watch` records about its status server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WatchRecord {
    /// The port it listens on.
    pub port: u16,
    /// Its process id.
    pub pid: u32,
    /// The token every request needs.
    pub token: String,
    /// The page's URL, token included.
    pub url: String,
    /// `/status.json`'s URL, token included.
    pub status_url: String,
}

/// Where a project's watch records itself.
pub(crate) fn watch_record_path(root: &Path) -> PathBuf {
    root.join(".proctor").join("watch.json")
}

/// The status routes, behind the token: `/status.json` (`?probe` answers 503 unless the tests
/// are known green, for readiness probes).
pub(crate) fn routes(board: Board, token: String, port: u16) -> Router {
    Router::new()
        .route("/status.json", get(status_json))
        .with_state(board)
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .layer(middleware::from_fn_with_state(TokenGate::new(&token, port), require_token))
}

async fn status_json(State(board): State<Board>, Query(query): Query<HashMap<String, String>>) -> Response {
    status_response(board.status(), &query)
}

/// `/status.json`'s answer (watch's and serve's): the status, with 503 for a probe (`?probe`)
/// unless the tests are known green — not while any test fails, and not before a run ended.
pub(crate) fn status_response(status: Status, query: &HashMap<String, String>) -> Response {
    let code =
        if query.contains_key("probe") && !status.healthy() { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    (code, Json(status)).into_response()
}

/// A running status server; dropping it stops serving and removes the record.
pub(crate) struct StatusServer {
    task: tokio::task::JoinHandle<()>,
    record_path: PathBuf,
    /// What it recorded.
    pub(crate) record: WatchRecord,
    /// The status it serves.
    pub(crate) board: Board,
}

impl StatusServer {
    /// Binds 127.0.0.1:`port` (0: a free one) for the project at `root`, with `token` (else a
    /// random one), serving a fresh board and, when given, the live status page; writes
    /// `.proctor/watch.json`.
    pub(crate) async fn start(
        root: &Path,
        port: u16,
        token: Option<String>,
        page: Option<Arc<LivePage>>,
    ) -> Result<StatusServer, CommandError> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(|source| CommandError::Serve(format!("failed to listen on 127.0.0.1:{port}: {source}")))?;
        let port = listener.local_addr().map_err(CommandError::Output)?.port();
        let token = token.unwrap_or_else(crate::server::random_token);
        let origin = format!("http://127.0.0.1:{port}");
        let record = WatchRecord {
            port,
            pid: std::process::id(),
            token: token.clone(),
            url: format!("{origin}/?token={token}"),
            status_url: format!("{origin}/status.json?token={token}"),
        };
        let board = Board::new(root.to_path_buf(), "watch", record.url.clone());
        let mut router = routes(board.clone(), token.clone(), port);
        if let Some(live) = page {
            router = router.merge(crate::status_page::router(live, token, origin, port, ""));
        }
        let task = crate::server::spawn_serving(listener, router);
        let record_path = watch_record_path(root);
        crate::serve::write_owned(&record_path, &record).map_err(CommandError::Output)?;
        Ok(StatusServer { task, record_path, record, board })
    }
}

impl Drop for StatusServer {
    fn drop(&mut self) {
        self.task.abort();
        crate::serve::remove_owned(&self.record_path);
    }
}
