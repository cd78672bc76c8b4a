//! [`render`]: the page as one self-contained HTML document. The stylesheet and script are
//! inlined (no CDN, no second request: the static report is a single file that opens from disk)
//! and the data the page starts from is a `<script type="application/json">` block.

use serde::Serialize;
use serde_json::Value;
use std::path::Path;

const TEMPLATE: &str = include_str!("assets/page.html");
const STYLE: &str = include_str!("assets/page.css");
const SCRIPT: &str = include_str!("assets/page.js");

/// What the page says about the run besides its events.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Meta {
    /// The project root.
    pub root: String,
    /// The git commit it ran on (`-dirty` with uncommitted changes), when in a repository.
    pub commit: Option<String>,
    /// proctor's version.
    pub version: &'static str,
    /// True when the page is served by a live server: it then follows the event websocket
    /// and offers rerun buttons.
    pub live: bool,
    /// Where the page browsers attach with is, relative to this page (`proctor serve`'s `/`,
    /// from its page at `/status/`); the page links to it, with its own token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attach: Option<&'static str>,
}

impl Meta {
    /// The meta of a run in `root` on `commit` (the run's git lookup says which).
    pub(crate) fn new(root: &std::path::Path, commit: Option<String>, live: bool) -> Self {
        Meta { root: root.display().to_string(), commit, version: env!("CARGO_PKG_VERSION"), live, attach: None }
    }
}

#[derive(Serialize)]
struct Data<'a> {
    meta: &'a Meta,
    events: &'a [Value],
    /// Each test's latest recorded tries, as `/history.json` serves them ([`recent_history`]);
    /// left out when there is no history (the live page fetches it instead).
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<&'a Value>,
}

/// How many of a test's latest tries the page shows.
const RECENT_TRIES: usize = 20;

/// Every recorded test's latest tries and flip rate from the history database at `db` (`tests`
/// empty without one): the page's row of marks per test, served live as `/history.json` and
/// embedded in the static report. It reads the database: call it off the async threads.
pub(crate) fn recent_history(db: Option<&Path>) -> Value {
    let rows = db.and_then(|db| crate::history::recent(db, RECENT_TRIES)).unwrap_or_default();
    serde_json::json!({ "version": 1, "tests": rows })
}

/// The page with `events` (as [`super::page_event`] gives them) and maybe the tests' recorded
/// tries ([`recent_history`]) embedded.
pub(crate) fn render(meta: &Meta, events: &[Value], history: Option<&Value>) -> String {
    let json = serde_json::to_string(&Data { meta, events, history }).unwrap_or_else(|_| "{}".into());
    // `<` only occurs inside JSON strings, where `\u003c` means the same: no `</script>` or
    // `<!--` in the data can end the block early.
    let json = json.replace('<', "\\u003c");
    TEMPLATE
        .replacen("/*STYLE*/", STYLE, 1)
        .replacen("/*SCRIPT*/", &SCRIPT.replace("</script", "<\\/script"), 1)
        .replacen("\"DATA\"", &json, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_cannot_close_its_script_block() {
        let meta = Meta { root: "/p".into(), commit: None, version: "0", live: false, attach: None };
        let page = render(&meta, &[json!({"event": "console", "text": "</script><script>alert(1)</script>"})], None);
        assert_eq!(page.matches("</script>").count(), 2, "only the data and the script blocks end");
        let start = page.find("id=\"proctor-data\">").unwrap() + "id=\"proctor-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        let data: Value = serde_json::from_str(&page[start..end]).unwrap();
        assert_eq!(data["events"][0]["text"], "</script><script>alert(1)</script>");
        assert!(!page.contains("http://") && !page.contains("https://"), "no external asset");
        assert!(data.get("history").is_none(), "no history, no block");
    }

    #[test]
    fn recorded_tries_are_embedded_as_history_json_serves_them() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("history.db");
        assert_eq!(recent_history(Some(&missing)), json!({"version": 1, "tests": []}), "no database yet");
        assert!(!missing.exists(), "reading does not create it");
        let history = json!({"version": 1, "tests": [{"suite": "unit", "test": "a.test.js::x", "outcomes": ["failed", "passed"], "flip_rate": 1.0}]});
        let meta = Meta { root: "/p".into(), commit: None, version: "0", live: false, attach: None };
        let page = render(&meta, &[], Some(&history));
        let start = page.find("id=\"proctor-data\">").unwrap() + "id=\"proctor-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        let data: Value = serde_json::from_str(&page[start..end]).unwrap();
        assert_eq!(data["history"], history);
    }
}
