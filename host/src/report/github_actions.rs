//! The `github-actions` reporter: a workflow command per failure, `::error file=…,line=…,col=…,
//! title=…::message`, which GitHub shows on the pull request's diff at the failing line (the
//! first frame of the stack in the test's file, source-mapped like every stack, else where the
//! test is declared), and a Markdown job summary appended to `$GITHUB_STEP_SUMMARY` when that
//! is set: the counts (from the session's `RunStats`), the failures with links to their lines,
//! and flaky tests (failed, then passed when run again) when a run retries any.
//!
//! Annotations are printed when the run ends, after any terminal reporter, so a command is never
//! written into the middle of a line of dots (GitHub only reads commands at a line's start).
//! Values are escaped as GitHub's runner unescapes them: `%`, CR and LF in the message, and
//! also `:` and `,` in properties.

use super::failure::{diff, failure_location};
use super::{Out, Paint, Reporter};
use crate::events::{Event, EventKind, Outcome, TestId, TestInfo};
use crate::session::RunStats;
use protocol::ErrorInfo;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// What the reporter takes from the GitHub Actions environment (read once, in
/// `build_reporters`, so tests can hand-build it).
#[derive(Debug, Clone, Default)]
pub(crate) struct GithubEnv {
    /// The project root's path inside the checkout (`GITHUB_WORKSPACE`), with a trailing `/`,
    /// or empty when the root is the checkout: annotation paths are relative to the checkout.
    pub prefix: String,
    /// `https://github.com/OWNER/REPO/blob/SHA/` for links in the summary, when known.
    pub blob_url: Option<String>,
    /// `$GITHUB_STEP_SUMMARY`, the file the job summary is appended to.
    pub summary: Option<PathBuf>,
}

impl GithubEnv {
    /// Reads the environment of a GitHub Actions job.
    pub(crate) fn from_env(root: &Path) -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let prefix = var("GITHUB_WORKSPACE")
            .and_then(|workspace| root.strip_prefix(workspace).ok().map(Path::to_path_buf))
            .map(|rel| rel.to_string_lossy().replace('\\', "/"))
            .filter(|rel| !rel.is_empty())
            .map(|rel| format!("{rel}/"))
            .unwrap_or_default();
        let blob_url = match (var("GITHUB_SERVER_URL"), var("GITHUB_REPOSITORY"), var("GITHUB_SHA")) {
            (Some(server), Some(repo), Some(sha)) => Some(format!("{server}/{repo}/blob/{sha}/")),
            _ => None,
        };
        GithubEnv { prefix, blob_url, summary: var("GITHUB_STEP_SUMMARY").map(PathBuf::from) }
    }
}

/// A test's last attempt, and whether an earlier one failed.
struct Attempt {
    test: Arc<TestInfo>,
    outcome: Outcome,
    error: Option<ErrorInfo>,
    failed_before: bool,
}

/// An error outside a test's result: a file that did not load, or a hook or uncaught error.
struct Other {
    title: String,
    message: String,
    at: Option<(String, usize, usize)>,
}

pub(crate) struct GithubActions {
    out: Out,
    root: PathBuf,
    env: GithubEnv,
    /// Each test's latest attempt, by test and runtime, in first-finished order.
    attempts: Vec<Attempt>,
    index: HashMap<(TestId, String), usize>,
    others: Vec<Other>,
    /// The first failed try of each test being retried: a flaky test's warning quotes it.
    first_failed_try: HashMap<(TestId, String), ErrorInfo>,
}

impl GithubActions {
    pub(crate) fn new(out: Out, root: PathBuf, env: GithubEnv) -> Self {
        GithubActions {
            out,
            root,
            env,
            attempts: Vec::new(),
            index: HashMap::new(),
            others: Vec::new(),
            first_failed_try: HashMap::new(),
        }
    }

    fn finished(&mut self, test: &Arc<TestInfo>, outcome: Outcome, error: Option<&ErrorInfo>) {
        let key = (test.id.clone(), runtime_label(test));
        let failed_try = self.first_failed_try.remove(&key);
        // A flaky test passed: its warning tells why its first try failed.
        let error = if outcome == Outcome::Flaky { failed_try.as_ref() } else { error };
        let attempt = Attempt { test: test.clone(), outcome, error: error.cloned(), failed_before: false };
        match self.index.get(&key) {
            Some(&i) => {
                let failed_before = self.attempts[i].failed_before || is_failure(self.attempts[i].outcome);
                self.attempts[i] = Attempt { failed_before, ..attempt };
            }
            None => {
                self.index.insert(key, self.attempts.len());
                self.attempts.push(attempt);
            }
        }
    }

    /// The annotations, one line each.
    fn annotate(&mut self) -> std::io::Result<()> {
        for attempt in self.attempts.iter().filter(|a| is_failure(a.outcome)) {
            let at = failure_location(attempt.error.as_ref(), &attempt.test, &self.root);
            let title = title(&attempt.test, attempt.outcome);
            let message = annotation_message(attempt.error.as_ref(), attempt.outcome);
            writeln!(self.out, "{}", command(&self.env.prefix, at.as_ref(), &title, &message))?;
        }
        // Flaky tests pass the run, so they are warnings (GitHub's yellow), not errors.
        for attempt in self.attempts.iter().filter(|a| a.outcome == Outcome::Flaky) {
            let at = failure_location(attempt.error.as_ref(), &attempt.test, &self.root);
            let title = format!("{} (flaky: passed on a retry)", title(&attempt.test, attempt.outcome));
            let message = annotation_message(attempt.error.as_ref(), Outcome::Failed);
            let error = command(&self.env.prefix, at.as_ref(), &title, &message);
            writeln!(self.out, "{}", error.replacen("::error ", "::warning ", 1))?;
        }
        for other in &self.others {
            writeln!(self.out, "{}", command(&self.env.prefix, other.at.as_ref(), &other.title, &other.message))?;
        }
        self.out.flush()
    }

    /// Appends the job summary to `$GITHUB_STEP_SUMMARY`.
    fn summarize(&self, stats: &RunStats, elapsed: Duration) -> std::io::Result<()> {
        let Some(path) = &self.env.summary else { return Ok(()) };
        let text = self.summary(stats, elapsed);
        let append = || -> std::io::Result<()> {
            let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
            file.write_all(text.as_bytes())
        };
        append()
            .map_err(|err| std::io::Error::new(err.kind(), format!("GITHUB_STEP_SUMMARY {}: {err}", path.display())))
    }

    /// The job summary's Markdown.
    fn summary(&self, stats: &RunStats, elapsed: Duration) -> String {
        let failed = stats.failed + stats.timed_out + stats.crashed + stats.interrupted;
        let errors = stats.load_errors + stats.runtime_errors + stats.runtime_failures;
        let verdict = if failed + errors > 0 { "❌ failed" } else { "✅ passed" };
        let mut md = format!("## proctor: {verdict}\n\n| Result | Tests |\n| --- | ---: |\n");
        let flaky: Vec<&Attempt> = self
            .attempts
            .iter()
            .filter(|a| a.outcome == Outcome::Flaky || (a.failed_before && !is_failure(a.outcome)))
            .collect();
        let rows = [
            ("✅ Passed", stats.passed),
            ("❌ Failed", stats.failed),
            ("⏱️ Timed out", stats.timed_out),
            ("💥 Crashed", stats.crashed),
            ("🛑 Interrupted", stats.interrupted),
            ("⏭️ Skipped", stats.skipped),
            ("📝 Todo", stats.todo),
            ("🔁 Flaky", flaky.len()),
            ("⚠️ Files that failed to load", stats.load_errors),
            ("⚠️ Errors outside tests", stats.runtime_errors + stats.runtime_failures),
        ];
        for (label, count) in rows {
            if count > 0 || label.contains("Passed") || label.contains("Failed") {
                md.push_str(&format!("| {label} | {count} |\n"));
            }
        }
        md.push_str(&format!("\nDuration: {:.2}s\n", elapsed.as_secs_f64()));
        let failures: Vec<&Attempt> = self.attempts.iter().filter(|a| is_failure(a.outcome)).collect();
        if !failures.is_empty() || !self.others.is_empty() {
            md.push_str("\n### Failures\n\n");
            for attempt in failures {
                let at = failure_location(attempt.error.as_ref(), &attempt.test, &self.root);
                let headline = annotation_message(attempt.error.as_ref(), attempt.outcome);
                let headline = headline.lines().next().unwrap_or_default();
                md.push_str(&format!(
                    "- **{}**{}: {}\n",
                    markdown(&title(&attempt.test, attempt.outcome)),
                    self.link(at.as_ref()),
                    markdown(headline)
                ));
            }
            for other in &self.others {
                let headline = other.message.lines().next().unwrap_or_default();
                md.push_str(&format!(
                    "- **{}**{}: {}\n",
                    markdown(&other.title),
                    self.link(other.at.as_ref()),
                    markdown(headline)
                ));
            }
        }
        if !flaky.is_empty() {
            md.push_str("\n### Flaky\n\n");
            for attempt in flaky {
                md.push_str(&format!(
                    "- {}\n",
                    markdown(&format!("{} > {}", attempt.test.file, attempt.test.full_name()))
                ));
            }
        }
        md.push('\n');
        md
    }

    /// ` (path:line)`, a link to the line when the repository is known.
    fn link(&self, at: Option<&(String, usize, usize)>) -> String {
        let Some((path, line, column)) = at else { return String::new() };
        let shown = format!("{}{path}:{line}:{column}", self.env.prefix);
        match &self.env.blob_url {
            Some(url) => format!(" ([`{shown}`]({url}{}{}#L{line}))", self.env.prefix, url_path(path)),
            None => format!(" (`{shown}`)"),
        }
    }
}

fn is_failure(outcome: Outcome) -> bool {
    match outcome {
        Outcome::Failed | Outcome::TimedOut | Outcome::Crashed => true,
        Outcome::Passed | Outcome::Flaky | Outcome::Interrupted => false,
    }
}

/// The runtime a test ran in, so the same test in two runtimes is two tests here.
fn runtime_label(test: &TestInfo) -> String {
    test.instance.clone().unwrap_or_else(|| test.runtime.name().to_string())
}

/// `file > groups > name`, and the runtime when it is not node, and how it ended unless it
/// simply failed.
fn title(test: &TestInfo, outcome: Outcome) -> String {
    let mut title = format!("{} > {}", test.file, test.full_name());
    let runtime = runtime_label(test);
    if runtime != "node" {
        title.push_str(&format!(" [{runtime}]"));
    }
    match outcome {
        Outcome::TimedOut => title.push_str(" (timed out)"),
        Outcome::Crashed => title.push_str(" (crashed)"),
        Outcome::Failed | Outcome::Passed | Outcome::Flaky | Outcome::Interrupted => {}
    }
    title
}

/// The error's `name: message`, then the expected/received diff when the values span lines.
fn annotation_message(error: Option<&ErrorInfo>, outcome: Outcome) -> String {
    let Some(error) = error else {
        return match outcome {
            Outcome::TimedOut => "timed out".into(),
            Outcome::Crashed => "the runtime crashed".into(),
            Outcome::Failed | Outcome::Passed | Outcome::Flaky | Outcome::Interrupted => "failed".into(),
        };
    };
    let mut message =
        if error.message.is_empty() { error.name.clone() } else { format!("{}: {}", error.name, error.message) };
    if let (Some(expected), Some(actual)) = (&error.expected, &error.actual) {
        if let Some(diff) = diff(expected, actual, Paint::new(false)) {
            message.push_str("\n\n");
            message.push_str(diff.trim_end());
        }
    }
    message
}

/// `::error file=…,line=…,col=…,title=…::message`, without the location when there is none.
fn command(prefix: &str, at: Option<&(String, usize, usize)>, title: &str, message: &str) -> String {
    let mut properties = Vec::new();
    if let Some((path, line, column)) = at {
        properties.push(format!("file={}", escape_property(&format!("{prefix}{path}"))));
        properties.push(format!("line={line}"));
        properties.push(format!("col={column}"));
    }
    properties.push(format!("title={}", escape_property(title)));
    format!("::error {}::{}", properties.join(","), escape_data(message))
}

/// A command's message, as GitHub's runner unescapes it.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command's property value: also `:` and `,`, which separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Text in Markdown: characters that would start markup are escaped, and lines joined.
fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A path in a URL: each segment percent-encoded where a URL needs it.
fn url_path(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

impl Reporter for GithubActions {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::TestFinished { test, outcome, error, .. } => self.finished(test, *outcome, error.as_ref()),
            EventKind::TestAttemptFailed { test, error, .. } => {
                let key = (test.id.clone(), runtime_label(test));
                self.first_failed_try.entry(key).or_insert_with(|| error.clone());
            }
            EventKind::LoadError { file, message, location, .. } => self.others.push(Other {
                title: format!("{file} failed to load"),
                message: message.clone(),
                at: location.map(|at| (file.clone(), at.line, at.column)),
            }),
            EventKind::RuntimeError { origin, error, .. } => self.others.push(Other {
                title: format!("error in {origin}"),
                message: annotation_message(Some(error), Outcome::Failed),
                at: None,
            }),
            EventKind::RunFinished { stats, .. } => {
                self.annotate()?;
                self.summarize(stats, event.elapsed)?;
            }
            EventKind::RunStarted { .. }
            | EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::TestStarted { .. }
            | EventKind::Console { .. }
            | EventKind::TestSkipped { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RuntimeRestarted { .. }
            | EventKind::HuntFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_unescapes() {
        assert_eq!(escape_data("100% sure\r\nnext"), "100%25 sure%0D%0Anext");
        assert_eq!(escape_property("a > b: c, d%"), "a > b%3A c%2C d%25");
        let at = ("src/a,b.js".to_string(), 3, 7);
        assert_eq!(
            command("web/", Some(&at), "t: 1", "x\ny"),
            "::error file=web/src/a%2Cb.js,line=3,col=7,title=t%3A 1::x%0Ay"
        );
    }
}
