//! [`Cdp`]: the Chrome DevTools Protocol over the pipe Chromium opens with
//! `--remote-debugging-pipe`. Chromium reads commands from its fd 3 and writes replies and events
//! to its fd 4, each message one JSON text ended by a NUL byte. Only the process holding the other
//! ends of those pipes (proctor) can speak to it: there is no port another local process could
//! connect to, and no token to steal.
//!
//! One reader task owns the read end and routes replies to their callers and the events proctor
//! cares about (a target crashed or went away) to whoever watches that target; one writer task
//! owns the write end, so a caller never blocks on a full pipe. Every call has a deadline: a
//! browser that stops answering costs that call an error, never a hang.

use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::unix::pipe;
use tokio::sync::{mpsc, oneshot, watch};

/// The largest message proctor accepts from the browser; its replies are small, so anything
/// bigger is a browser (or impostor) gone wrong.
const MAX_MESSAGE: usize = 64 << 20;
/// How many ends of unwatched targets are kept (see `Routes::unwatched`).
const UNWATCHED: usize = 32;

/// Why a DevTools call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CdpError {
    /// The browser closed its end of the pipe (it exited or crashed).
    #[error("the browser closed its DevTools pipe")]
    Closed,
    /// No reply came within the call's deadline.
    #[error("{method} got no answer within {} ms", waited.as_millis())]
    NoAnswer { method: &'static str, waited: Duration },
    /// The browser answered with an error.
    #[error("{method} failed: {message}")]
    Failed { method: &'static str, message: String },
}

/// How a target (a tab) ended, as the browser reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TargetEnd {
    /// Its renderer crashed or was killed (`Target.targetCrashed`; an out-of-memory tab too).
    Crashed { status: String },
    /// It was closed (`Target.targetDestroyed`).
    Destroyed,
    /// The whole browser went away.
    BrowserGone,
}

type Reply = Result<Value, String>;

/// What the reader task and the callers share.
#[derive(Default)]
struct Routes {
    /// Callers waiting for the reply with this id.
    pending: HashMap<u64, oneshot::Sender<Reply>>,
    /// How each watched target ended (`None` while it lives).
    targets: HashMap<String, watch::Sender<Option<TargetEnd>>>,
    /// Ends of targets nobody watched (yet), the latest few: a tab can crash between its
    /// creation's reply and its creator's call to `watch_target`.
    unwatched: VecDeque<(String, TargetEnd)>,
    /// Set once the pipe closed: later calls fail at once.
    closed: bool,
}

/// A DevTools connection over Chromium's pipe.
pub(crate) struct Cdp {
    routes: Arc<Mutex<Routes>>,
    outbox: mpsc::UnboundedSender<Vec<u8>>,
    next_id: AtomicU64,
}

impl Cdp {
    /// Speaks CDP over `to_browser` (the write end of the browser's fd 3) and `from_browser`
    /// (the read end of its fd 4). Must be called inside a tokio runtime.
    pub(crate) fn new(to_browser: OwnedFd, from_browser: OwnedFd) -> std::io::Result<Cdp> {
        let mut writer = pipe::Sender::from_owned_fd(to_browser)?;
        let mut reader = pipe::Receiver::from_owned_fd(from_browser)?;
        let routes = Arc::new(Mutex::new(Routes::default()));
        let (outbox, mut queue) = mpsc::unbounded_channel::<Vec<u8>>();
        tokio::spawn(async move {
            while let Some(message) = queue.recv().await {
                if writer.write_all(&message).await.is_err() {
                    break;
                }
            }
        });
        let read_routes = routes.clone();
        tokio::spawn(async move {
            let mut buffer = Vec::new();
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                let n = match reader.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                buffer.extend_from_slice(&chunk[..n]);
                while let Some(end) = buffer.iter().position(|&b| b == 0) {
                    let message: Vec<u8> = buffer.drain(..=end).collect();
                    route(&read_routes, &message[..end]);
                }
                if buffer.len() > MAX_MESSAGE {
                    break;
                }
            }
            close(&read_routes);
        });
        Ok(Cdp { routes, outbox, next_id: AtomicU64::new(1) })
    }

    /// Calls `method` on the browser (`session: None`) or on an attached target's session, and
    /// waits at most `deadline` for the reply's `result`.
    pub(crate) async fn call(
        &self,
        session: Option<&str>,
        method: &'static str,
        params: Value,
        deadline: Duration,
    ) -> Result<Value, CdpError> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = oneshot::channel();
        {
            let mut routes = lock(&self.routes);
            if routes.closed {
                return Err(CdpError::Closed);
            }
            routes.pending.insert(id, tx);
        }
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = Value::from(session);
        }
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        if self.outbox.send(bytes).is_err() {
            lock(&self.routes).pending.remove(&id);
            return Err(CdpError::Closed);
        }
        match tokio::time::timeout(deadline, rx).await {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(message))) => Err(CdpError::Failed { method, message }),
            Ok(Err(_)) => Err(CdpError::Closed),
            Err(_) => {
                lock(&self.routes).pending.remove(&id);
                Err(CdpError::NoAnswer { method, waited: deadline })
            }
        }
    }

    /// Watches how target `id` ends. Ask for it right after creating the target: an end
    /// reported before anyone watched is kept for the first watcher.
    pub(crate) fn watch_target(&self, id: &str) -> watch::Receiver<Option<TargetEnd>> {
        let mut routes = lock(&self.routes);
        let early = routes.unwatched.iter().position(|(target, _)| target == id);
        let ended = match early {
            Some(i) => routes.unwatched.remove(i).map(|(_, end)| end),
            None => routes.closed.then_some(TargetEnd::BrowserGone),
        };
        routes.targets.entry(id.to_string()).or_insert_with(|| watch::channel(ended).0).subscribe()
    }

    /// Stops tracking target `id` (its tab was dropped).
    pub(crate) fn forget_target(&self, id: &str) {
        lock(&self.routes).targets.remove(id);
    }
}

fn lock(routes: &Mutex<Routes>) -> std::sync::MutexGuard<'_, Routes> {
    routes.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Hands one message from the browser to whoever waits for it.
fn route(routes: &Mutex<Routes>, message: &[u8]) {
    let Ok(message) = serde_json::from_slice::<Value>(message) else { return };
    let mut routes = lock(routes);
    if let Some(id) = message.get("id").and_then(Value::as_u64) {
        if let Some(waiter) = routes.pending.remove(&id) {
            let reply = match message.get("error") {
                Some(error) => Err(error.get("message").and_then(Value::as_str).unwrap_or("unknown error").to_string()),
                None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
            };
            let _ = waiter.send(reply);
        }
        return;
    }
    // Events of attached sessions carry a sessionId; the browser-level target events do not.
    if message.get("sessionId").is_some() {
        return;
    }
    let params = message.get("params").cloned().unwrap_or(Value::Null);
    let end = match message.get("method").and_then(Value::as_str) {
        Some("Target.targetCrashed") => {
            TargetEnd::Crashed { status: params["status"].as_str().unwrap_or("crashed").to_string() }
        }
        Some("Target.targetDestroyed") => TargetEnd::Destroyed,
        _ => return,
    };
    let Some(target) = params["targetId"].as_str() else { return };
    match routes.targets.get(target) {
        // A crash is followed by the target's destruction; the crash is the news.
        Some(sender) if sender.borrow().is_none() => {
            sender.send_replace(Some(end));
        }
        Some(_) => {}
        None if routes.unwatched.iter().any(|(t, _)| t == target) => {}
        None => {
            if routes.unwatched.len() == UNWATCHED {
                routes.unwatched.pop_front();
            }
            routes.unwatched.push_back((target.to_string(), end));
        }
    }
}

/// The pipe closed: every waiting call fails and every watched target is gone.
fn close(routes: &Mutex<Routes>) {
    let mut routes = lock(routes);
    routes.closed = true;
    routes.pending.clear();
    for sender in routes.targets.values() {
        if sender.borrow().is_none() {
            sender.send_replace(Some(TargetEnd::BrowserGone));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake browser: the test's ends of the two pipes.
    fn pair() -> (Cdp, pipe::Receiver, pipe::Sender) {
        let (to_browser_rx, to_browser_tx) = std::io::pipe().expect("pipe");
        let (from_browser_rx, from_browser_tx) = std::io::pipe().expect("pipe");
        let cdp = Cdp::new(OwnedFd::from(to_browser_tx), OwnedFd::from(from_browser_rx)).expect("cdp");
        let browser_in = pipe::Receiver::from_owned_fd(OwnedFd::from(to_browser_rx)).expect("rx");
        let browser_out = pipe::Sender::from_owned_fd(OwnedFd::from(from_browser_tx)).expect("tx");
        (cdp, browser_in, browser_out)
    }

    async fn read_message(input: &mut pipe::Receiver) -> Value {
        let mut bytes = Vec::new();
        loop {
            let mut byte = [0u8; 1];
            input.read_exact(&mut byte).await.expect("read");
            if byte[0] == 0 {
                return serde_json::from_slice(&bytes).expect("json");
            }
            bytes.push(byte[0]);
        }
    }

    async fn send(output: &mut pipe::Sender, value: Value) {
        let mut bytes = value.to_string().into_bytes();
        bytes.push(0);
        output.write_all(&bytes).await.expect("write");
    }

    #[tokio::test]
    async fn replies_reach_their_callers_and_errors_are_typed() {
        let (cdp, mut input, mut output) = pair();
        let browser = tokio::spawn(async move {
            let first = read_message(&mut input).await;
            assert_eq!(first["method"], "Browser.getVersion");
            assert!(first.get("sessionId").is_none());
            let second = read_message(&mut input).await;
            assert_eq!(second["sessionId"], "S1");
            // Answered out of order, split over writes, with an event in between.
            send(&mut output, json!({ "id": second["id"], "error": { "message": "no such target" } })).await;
            send(&mut output, json!({ "method": "Target.targetCreated", "params": {} })).await;
            let mut reply = json!({ "id": first["id"], "result": { "product": "Chrome/1" } }).to_string().into_bytes();
            reply.push(0);
            output.write_all(&reply[..5]).await.unwrap();
            output.write_all(&reply[5..]).await.unwrap();
            (input, output)
        });
        let wait = Duration::from_secs(10);
        let (version, closed) = tokio::join!(
            cdp.call(None, "Browser.getVersion", json!({}), wait),
            cdp.call(Some("S1"), "Target.closeTarget", json!({ "targetId": "T" }), wait)
        );
        assert_eq!(version.unwrap()["product"], "Chrome/1");
        assert_eq!(
            closed.unwrap_err(),
            CdpError::Failed { method: "Target.closeTarget", message: "no such target".into() }
        );
        let _keep = browser.await.unwrap();
    }

    #[tokio::test]
    async fn a_silent_browser_costs_a_deadline_and_a_closed_pipe_fails_everything() {
        let (cdp, input, output) = pair();
        let err = cdp.call(None, "Browser.getVersion", json!({}), Duration::from_millis(50)).await.unwrap_err();
        assert!(matches!(err, CdpError::NoAnswer { method: "Browser.getVersion", .. }), "{err}");
        let mut target = cdp.watch_target("T1");
        drop((input, output));
        target.wait_for(Option::is_some).await.unwrap();
        assert_eq!(*target.borrow(), Some(TargetEnd::BrowserGone));
        let err = cdp.call(None, "Browser.getVersion", json!({}), Duration::from_secs(10)).await.unwrap_err();
        assert_eq!(err, CdpError::Closed);
    }

    #[tokio::test]
    async fn a_crash_is_told_to_the_targets_watcher_even_when_it_came_first() {
        let (cdp, _input, mut output) = pair();
        let mut watched = cdp.watch_target("T1");
        send(&mut output, json!({ "method": "Target.targetCrashed", "params": { "targetId": "T2", "status": "oom" } }))
            .await;
        send(
            &mut output,
            json!({ "method": "Target.targetCrashed", "params": { "targetId": "T1", "status": "killed" } }),
        )
        .await;
        send(&mut output, json!({ "method": "Target.targetDestroyed", "params": { "targetId": "T1" } })).await;
        watched.wait_for(Option::is_some).await.unwrap();
        assert_eq!(*watched.borrow(), Some(TargetEnd::Crashed { status: "killed".into() }));
        let mut early = cdp.watch_target("T2");
        early.wait_for(Option::is_some).await.unwrap();
        assert_eq!(*early.borrow(), Some(TargetEnd::Crashed { status: "oom".into() }));
    }
}
