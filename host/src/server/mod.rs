//! The host's network side: an axum server on 127.0.0.1 (random port) whose `/ws` endpoint
//! accepts controllers that present the run's random token. For browsers it also serves a
//! [`Site`]: the shell page (at `/`, and at the suite page's own path when it has one) and
//! build output under `/__proctor/`, and the project's own files
//! (outside the project root only the packages [`EsmModules`] allows in the `esm` build, at
//! `/@fs/`; nothing else). Every request needs the token, as a `token`
//! query parameter or the cookie the shell page sets.

mod log;
mod ws;

pub(crate) use log::refusal;
#[cfg(test)]
pub(crate) use ws::inbox;
pub use ws::{Connection, Inbound};

use crate::build::{EsmModules, Reply};
use axum::extract::{ConnectInfo, Query, Request, State, WebSocketUpgrade};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tower_http::services::ServeDir;

/// What a browser page may load: the shell page and build output, and the project's files.
#[derive(Debug, Clone)]
pub struct Site {
    /// The project root, served at `/`.
    pub root: PathBuf,
    /// The build dir (shell page, controller, entry, bundles), served at `/__proctor/`.
    pub build_dir: PathBuf,
    /// Becomes true once the build is complete; the shell page waits for it, so a browser
    /// launched alongside the build never sees a half-written page.
    pub ready: tokio::sync::watch::Receiver<bool>,
    /// The esm build's modules: when set, they answer every request outside `/__proctor/`
    /// (transformed, wrapped and `?import` modules, `/@fs/` files); else files are served as
    /// they are.
    pub modules: Option<Arc<EsmModules>>,
    /// The URL path the run page is served at besides `/`: a suite's `page` at its own path
    /// (`/test/page.html`), so its relative URLs resolve against its directory.
    pub page: Option<String>,
}

/// A running server; dropping it stops accepting connections.
pub struct Server {
    addr: SocketAddr,
    token: String,
    /// The run page's path (`/` unless the site names one).
    page: String,
    /// Controllers that connected, in order.
    pub connections: mpsc::UnboundedReceiver<Connection>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct AppState {
    token: String,
    cookie: String,
    /// `http://127.0.0.1:PORT`: the only Origin a browser's websocket may come from.
    origin: String,
    connections: mpsc::UnboundedSender<Connection>,
}

impl Server {
    /// Binds 127.0.0.1 on a random port with a fresh random token; serves `site` if given.
    pub async fn start(site: Option<Site>) -> std::io::Result<Server> {
        Server::start_on(IpAddr::V4(Ipv4Addr::LOCALHOST), site).await
    }

    /// Like [`Server::start`] on another address (the one a `proctor serve --host` binds, so a
    /// browser on another machine reaches the run pages too).
    pub async fn start_on(bind: IpAddr, site: Option<Site>) -> std::io::Result<Server> {
        let token = random_token();
        let (tx, connections) = mpsc::unbounded_channel();
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(bind, 0)).await?;
        let addr = listener.local_addr()?;
        let cookie = cookie_name(addr.port());
        let state = AppState { token: token.clone(), cookie, origin: format!("http://{addr}"), connections: tx };
        let mut app = Router::new().route("/ws", get(upgrade));
        let page = site.as_ref().and_then(|site| site.page.clone()).unwrap_or_else(|| "/".into());
        if let Some(site) = site {
            let root = site.root.canonicalize().unwrap_or_else(|_| site.root.clone());
            app = app.route("/", get(shell_page)).nest_service("/__proctor", ServeDir::new(&site.build_dir));
            let files = Files { root: site.root.clone(), modules: site.modules.clone(), page: site.page.clone() };
            app = app.fallback(serve_files).layer(axum::Extension(files));
            app = app.layer(middleware::from_fn(move |request: Request, next: Next| {
                let root = root.clone();
                async move { stay_inside(&root, request, next).await }
            }));
            app = app.layer(middleware::from_fn_with_state(TokenGate::new(&state.token, addr.port()), require_token));
            let html = site.build_dir.join("index.html");
            app = app.layer(axum::Extension(ShellPage(html, site.ready.clone())));
        }
        let app = app.with_state(state);
        // The server only ends when its task is aborted (on drop).
        let task = spawn_serving(listener, app);
        Ok(Server { addr, token, page, connections, task })
    }

    /// The websocket URL a controller connects to, token included.
    pub fn ws_url(&self) -> String {
        format!("ws://{}{}", self.addr, self.ws_path())
    }

    /// The websocket endpoint's path and query; a page resolves it against its own host.
    pub fn ws_path(&self) -> String {
        format!("/ws?token={}", self.token)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The shell page's path and query, token included.
    pub fn page_path(&self) -> String {
        format!("{}?token={}", self.page, self.token)
    }

    /// The origin pages are served from, e.g. `http://127.0.0.1:4711`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The shell page's URL, token included (opening it sets the cookie the rest relies on).
    pub fn page_url(&self) -> String {
        format!("http://{}{}", self.addr, self.page_path())
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
    headers: axum::http::HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if query.get("token") != Some(&state.token) {
        refusal(format_args!("proctor: refused a websocket without the right token"));
        return (StatusCode::UNAUTHORIZED, "missing or wrong token\n").into_response();
    }
    if let Err(refusal) = check_origin(&state.origin, &headers, false) {
        return refusal;
    }
    ws.max_message_size(ws::MAX_MESSAGE_BYTES)
        .max_frame_size(ws::MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| ws::serve_connection(socket, state.connections))
}

/// What the site serves outside `/__proctor/`: the run page at the suite page's own path, else
/// the esm build's modules or the project's files as they are.
#[derive(Clone)]
struct Files {
    root: PathBuf,
    modules: Option<Arc<EsmModules>>,
    page: Option<String>,
}

async fn serve_files(
    state: State<AppState>,
    shell: axum::Extension<ShellPage>,
    axum::Extension(files): axum::Extension<Files>,
    request: Request,
) -> Response {
    if files.page.as_deref() == Some(request.uri().path()) {
        return shell_page(state, shell).await;
    }
    match files.modules {
        Some(modules) => serve_module(modules, request).await,
        None => match tower::ServiceExt::oneshot(ServeDir::new(&files.root), request).await {
            Ok(response) => response.into_response(),
            Err(never) => match never {},
        },
    }
}

#[derive(Clone)]
struct ShellPage(PathBuf, tokio::sync::watch::Receiver<bool>);

/// The shell page; it sets the token cookie so the module and file requests it triggers pass.
async fn shell_page(
    State(state): State<AppState>,
    axum::Extension(ShellPage(page, mut ready)): axum::Extension<ShellPage>,
) -> Response {
    if ready.wait_for(|built| *built).await.is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, "the build did not finish\n").into_response();
    }
    match tokio::fs::read_to_string(&page).await {
        Ok(html) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
                (header::SET_COOKIE, format!("{}={}; Path=/; HttpOnly; SameSite=Strict", state.cookie, state.token)),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            html,
        )
            .into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, format!("shell page unavailable: {err}\n")).into_response(),
    }
}

/// A module request of the esm build, answered by [`EsmModules`] off the async threads (it may
/// transform or parse a large file).
async fn serve_module(modules: Arc<EsmModules>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(String::from);
    if path.starts_with("/@mock/") {
        return mock_request(modules, path, query, request).await;
    }
    let (dest, mode) = {
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(String::from);
        (header("sec-fetch-dest"), header("sec-fetch-mode"))
    };
    // A classic `<script src>` of a custom page (chai, sinon, a UMD build) is fetched no-cors;
    // a module script or import is not. It runs as written: a wrapper would make it a module.
    let classic = dest.as_deref() == Some("script") && mode.as_deref() == Some("no-cors");
    let reply = tokio::task::spawn_blocking(move || match classic {
        true => modules.respond_as_is(&path),
        false => modules.respond(&path, query.as_deref(), dest.as_deref()),
    })
    .await;
    reply_response(reply)
}

/// The HTTP response for what [`EsmModules`] answered (or why its task failed).
fn reply_response(reply: Result<Reply, tokio::task::JoinError>) -> Response {
    match reply {
        Ok(Reply::Body { content_type, body }) => {
            ([(header::CONTENT_TYPE, content_type)], axum::body::Bytes::from(body.to_vec())).into_response()
        }
        Ok(Reply::Redirect(to)) => (StatusCode::FOUND, [(header::LOCATION, to)]).into_response(),
        Ok(Reply::NotFound) => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, format!("failed to serve the module: {err}\n")).into_response(),
    }
}

/// The page's module-mock endpoints (build/mocks.rs): small JSON requests, token-checked like
/// every other; answered off the async threads like modules, since they resolve.
async fn mock_request(modules: Arc<EsmModules>, path: String, query: Option<String>, request: Request) -> Response {
    const LIMIT: usize = 1 << 20;
    let body = match axum::body::to_bytes(request.into_body(), LIMIT).await {
        Ok(body) => body,
        Err(err) => return (StatusCode::BAD_REQUEST, format!("unreadable mock request: {err}\n")).into_response(),
    };
    let reply = tokio::task::spawn_blocking(move || modules.mock_request(&path, query.as_deref(), &body)).await;
    reply_response(reply)
}

/// ServeDir refuses `..`, but follows symlinks; a link that leads out of the project must not
/// expose what it points at.
async fn stay_inside(root: &std::path::Path, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !path.starts_with("/__proctor/") && path != "/" && path != "/ws" {
        let decoded = crate::paths::percent_decode(path.trim_start_matches('/'));
        if let Ok(real) = root.join(&decoded).canonicalize() {
            if !real.starts_with(root) {
                return (StatusCode::NOT_FOUND, "not found\n").into_response();
            }
        }
    }
    next.run(request).await
}

/// How long a connection may take to send a request's headers (also the first request's, so a
/// client that connects and sends nothing, or half a request line, is dropped after it).
/// `PROCTOR_HEADER_TIMEOUT` (e.g. `2s`) sets it.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` in a task of its own, until the task is aborted. This is
/// `axum::serve` plus a deadline for request headers, which `axum::serve` has no way to set:
/// without one, a local process could hold connections (and their tasks) open for ever by
/// sending nothing. Each request carries its peer as [`ConnectInfo`] for the log.
pub(crate) fn spawn_serving(listener: tokio::net::TcpListener, app: Router) -> tokio::task::JoinHandle<()> {
    let header_timeout = crate::config::env_duration("PROCTOR_HEADER_TIMEOUT", HEADER_TIMEOUT);
    tokio::spawn(async move {
        loop {
            let (tcp, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(_) => {
                    // Out of file descriptors and the like: wait for some to be freed, as axum::serve does.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            // Small frames (test commands, results, modules) must not wait for delayed ACKs.
            let _ = tcp.set_nodelay(true);
            let app = app.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let mut request = request.map(axum::body::Body::new);
                    request.extensions_mut().insert(ConnectInfo(peer));
                    tower::ServiceExt::oneshot(app.clone(), request)
                });
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(header_timeout);
                let _ = builder.serve_connection(hyper_util::rt::TokioIo::new(tcp), service).with_upgrades().await;
            });
        }
    })
}

/// Logs a refused request (rate-limited), naming its peer and path but never its query, which
/// may hold a token.
pub(crate) fn log_refused(what: &str, request: &Request) {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(peer)| format!(" from {peer}"));
    refusal(format_args!(
        "proctor: refused {what}: {} {}{}",
        request.method(),
        request.uri().path(),
        peer.unwrap_or_default()
    ));
}

/// Browsers always send Origin; a page from anywhere but this server must not drive it even if
/// it learnt the token. node's client and the CLI send none, which `required` refuses (for
/// endpoints only pages use). A server bound to a non-loopback address is reached under names
/// it cannot know in advance, so there the origin must match the request's own `Host`.
pub(crate) fn check_origin(own: &str, headers: &axum::http::HeaderMap, required: bool) -> Result<(), Response> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        if required {
            refusal(format_args!("proctor: refused a websocket without an Origin header"));
            return Err((StatusCode::FORBIDDEN, "missing origin\n").into_response());
        }
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or_default();
    let loopback = own.starts_with("http://127.0.0.1:") || own.starts_with("http://[::1]:");
    let same_host = !loopback
        && headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|host| origin == format!("http://{host}"));
    if origin == own || same_host {
        Ok(())
    } else {
        refusal(format_args!("proctor: refused a websocket from origin {origin:?}"));
        Err((StatusCode::FORBIDDEN, "wrong origin\n").into_response())
    }
}

/// The token cookie's name. Cookies ignore ports, so the name carries it: two servers never
/// read each other's.
pub(crate) fn cookie_name(port: u16) -> String {
    format!("proctor_token_{port}")
}

/// What every route of a proctor server (the run's own, `proctor serve`'s, watch's status
/// server) checks: its token, in the query, the cookie named for its port, or a bearer header.
#[derive(Clone)]
pub(crate) struct TokenGate {
    token: String,
    cookie: String,
    /// What a refused request is called in the log.
    what: &'static str,
}

impl TokenGate {
    /// The gate of a server on `port` with `token`.
    pub(crate) fn new(token: &str, port: u16) -> TokenGate {
        TokenGate { token: token.to_owned(), cookie: cookie_name(port), what: "a request without the right token" }
    }

    /// The same gate, logging refused requests as `what`.
    pub(crate) fn naming(self, what: &'static str) -> TokenGate {
        TokenGate { what, ..self }
    }
}

/// Every request needs the token; no answer is cached (test code changes between runs; a
/// cached module would run stale code, a cached status would lie).
pub(crate) async fn require_token(State(gate): State<TokenGate>, request: Request, next: Next) -> Response {
    if !has_token(&gate.token, &gate.cookie, &request) {
        log_refused(gate.what, &request);
        return (StatusCode::UNAUTHORIZED, "missing or wrong token\n").into_response();
    }
    let mut response = next.run(request).await;
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// True when the request carries `token` in its query, in the cookie named `cookie`, or as
/// `Authorization: Bearer` (how `proctor status` and scripts send it, out of URLs and logs).
pub(crate) fn has_token(token: &str, cookie: &str, request: &Request) -> bool {
    let in_query =
        request.uri().query().is_some_and(|q| q.split('&').any(|pair| pair.strip_prefix("token=") == Some(token)));
    let in_cookie = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| {
            let pair = pair.trim();
            pair.strip_prefix(cookie).and_then(|rest| rest.strip_prefix('=')) == Some(token)
        });
    let in_header = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| given.trim() == token);
    in_query || in_cookie || in_header
}

/// 128 random bits as hex, from the OS's randomness.
pub(crate) fn random_token() -> String {
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
        hasher
            .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        token.push_str(&format!("{:016x}", hasher.finish()));
    }
    token
}

#[cfg(test)]
mod tests {
    //! The served site's access rules, over real HTTP on 127.0.0.1.
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn get_status(server: &Server, path: &str, cookie: Option<String>) -> u16 {
        let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n{cookie}Connection: close\r\n\r\n", server.addr);
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
    }

    #[tokio::test]
    async fn files_need_the_token_and_stay_inside_the_project() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let project = tempfile::tempdir().unwrap();
        std::fs::write(project.path().join("a.js"), "export const a = 1;").unwrap();
        std::os::unix::fs::symlink(outside.path(), project.path().join("out")).unwrap();
        let build = tempfile::tempdir().unwrap();
        std::fs::write(build.path().join("index.html"), "<html></html>").unwrap();
        let (_tx, ready) = tokio::sync::watch::channel(true);
        let site = Site {
            root: project.path().to_path_buf(),
            build_dir: build.path().to_path_buf(),
            ready,
            modules: None,
            page: None,
        };
        let server = Server::start(Some(site)).await.unwrap();
        let cookie = Some(format!("proctor_token_{}={}", server.addr.port(), server.token));
        assert_eq!(get_status(&server, "/a.js", None).await, 401);
        assert_eq!(get_status(&server, "/a.js", Some("proctor_token_1=wrong".into())).await, 401);
        assert_eq!(get_status(&server, &format!("/a.js?token={}", server.token), None).await, 200);
        assert_eq!(get_status(&server, "/a.js", cookie.clone()).await, 200);
        assert_eq!(get_status(&server, "/out/secret.txt", cookie.clone()).await, 404);
        assert_eq!(get_status(&server, "/../secret.txt", cookie.clone()).await, 404);
        assert_eq!(get_status(&server, "/%2e%2e/secret.txt", cookie.clone()).await, 404);
        assert_eq!(get_status(&server, &format!("/?token={}", server.token), None).await, 200);
    }

    #[tokio::test]
    async fn the_run_page_is_also_served_at_the_suite_pages_path() {
        let project = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(project.path().join("test")).unwrap();
        std::fs::write(project.path().join("test/page.html"), "the user's own page").unwrap();
        std::fs::write(project.path().join("test/lib.js"), "window.Lib = 1;").unwrap();
        let build = tempfile::tempdir().unwrap();
        std::fs::write(build.path().join("index.html"), "the run page").unwrap();
        let (_tx, ready) = tokio::sync::watch::channel(true);
        let site = Site {
            root: project.path().to_path_buf(),
            build_dir: build.path().to_path_buf(),
            ready,
            modules: None,
            page: Some("/test/page.html".into()),
        };
        let server = Server::start(Some(site)).await.unwrap();
        assert_eq!(server.page_path(), format!("/test/page.html?token={}", server.token));
        let get = |path: String| async move {
            let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
            let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).await.unwrap();
            response
        };
        let page = get(server.page_path()).await;
        assert!(page.starts_with("HTTP/1.1 200") && page.ends_with("the run page"), "{page}");
        let lib = get(format!("/test/lib.js?token={}", server.token)).await;
        assert!(lib.ends_with("window.Lib = 1;"), "files beside the page are served: {lib}");
        assert_eq!(get_status(&server, "/test/page.html", None).await, 401);
    }

    async fn upgrade_status(server: &Server, origin: Option<&str>) -> u16 {
        let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        let origin = origin.map(|o| format!("Origin: {o}\r\n")).unwrap_or_default();
        let request = format!(
            "GET /ws?token={} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{origin}\r\n",
            server.token, server.addr
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut buffer = [0u8; 64];
        let read = stream.read(&mut buffer).await.unwrap();
        let head = String::from_utf8_lossy(&buffer[..read]).to_string();
        head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
    }

    #[tokio::test]
    async fn a_message_over_the_websocket_default_limits_still_arrives() {
        // `loaded` for 150,000 tests is ~23 MB in one frame, past tungstenite's 16 MiB default.
        use futures_util::SinkExt;
        let mut server = Server::start(None).await.unwrap();
        let (mut client, _) = tokio_tungstenite::connect_async(server.ws_url()).await.unwrap();
        let text = "x".repeat(24 * 1024 * 1024);
        let message =
            serde_json::json!({"type": "console", "run": 1, "stream": "stdout", "level": "log", "text": text});
        client.send(tokio_tungstenite::tungstenite::Message::text(message.to_string())).await.unwrap();
        let mut connection = server.connections.recv().await.unwrap();
        match connection.inbox.recv().await {
            Some(ws::Inbound::Message(protocol::ControllerMessage::Console { text: received, .. })) => {
                assert_eq!(received.len(), text.len())
            }
            other => panic!("expected the console message, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn websockets_from_another_origin_are_refused() {
        let server = Server::start(None).await.unwrap();
        assert_eq!(upgrade_status(&server, None).await, 101);
        assert_eq!(upgrade_status(&server, Some(&server.origin())).await, 101);
        assert_eq!(upgrade_status(&server, Some("http://evil.example")).await, 403);
    }
}
