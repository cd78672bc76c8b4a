//! Git hooks reaching `proctor serve`: `POST /hooks/commit` (behind the server's token, any
//! body) says a commit was made, and `GET /hooks/commit/wait?after=N` answers `{"commits": M}`
//! as soon as the count of such POSTs passes N (or after a while, unchanged), so a
//! `proctor hunt --follow` tests the new commit at once instead of at its next poll.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long a wait is held open before it is answered unchanged.
const WAIT: Duration = Duration::from_secs(20);

/// The hook routes, with their own count of POSTs.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let (count, _) = watch::channel(0u64);
    Router::new()
        .route("/hooks/commit", post(commit))
        .route("/hooks/commit/wait", get(wait))
        .with_state(Arc::new(count))
}

async fn commit(State(count): State<Arc<watch::Sender<u64>>>) -> Response {
    count.send_modify(|n| *n += 1);
    let commits = *count.borrow();
    (StatusCode::ACCEPTED, Json(serde_json::json!({ "commits": commits }))).into_response()
}

async fn wait(State(count): State<Arc<watch::Sender<u64>>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let mut seen = count.subscribe();
    if let Some(after) = query.get("after").and_then(|a| a.parse::<u64>().ok()) {
        let _ = tokio::time::timeout(WAIT, seen.wait_for(|n| *n > after)).await;
    }
    let commits = *seen.borrow();
    Json(serde_json::json!({ "commits": commits })).into_response()
}
