//! Reporters: each consumes the one event stream and nothing else.

mod documentation;
mod dots;
mod failure;
mod github_actions;
mod html;
mod json;
mod junit;
mod paint;
mod screen;
mod spool;
mod status;
mod summary;
mod tap;
mod tries;
mod xml;

/// Stack frames in user files, for the session's inline snapshot writer too.
pub(crate) use failure::{code_frame_at, user_frames};
pub(crate) use paint::Paint;

use crate::cli::ReporterKind;
use crate::config::Config;
use crate::events::Event;
use crate::history::CodeLookup;
use std::io::Write;
use std::path::PathBuf;

/// A consumer of events. Implementations `match` on `EventKind` exhaustively, so a new
/// variant is a compile error in every reporter.
pub trait Reporter {
    /// Handles one event.
    fn on_event(&mut self, event: &Event) -> std::io::Result<()>;
    /// Flushes whatever is buffered; called once after the last event.
    fn finish(self: Box<Self>) -> std::io::Result<()>;
    /// Where it writes, to name in an error; reporters that write a file say which.
    fn target(&self) -> Target {
        Target::Stdout
    }
}

/// Where a reporter writes, to name it when writing fails.
#[derive(Debug, Clone)]
pub enum Target {
    /// The terminal (or whatever stdout is).
    Stdout,
    /// A report file.
    File(PathBuf),
}

/// A report that could not be written: the run exits with `USAGE_OR_ENVIRONMENT`.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A report file could not be written (or, checked before the run, could not be created).
    #[error("failed to write the {reporter} report to {}: {source}", path.display())]
    File {
        /// The reporter.
        reporter: &'static str,
        /// The file it writes.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// Writing to stdout failed (other than the reader closing it).
    #[error("failed to write the {reporter} report to stdout: {source}")]
    Stdout {
        /// The reporter.
        reporter: &'static str,
        /// What the OS said.
        source: std::io::Error,
    },
}

impl ReportError {
    fn new(reporter: &'static str, target: &Target, source: std::io::Error) -> Self {
        match target {
            Target::Stdout => ReportError::Stdout { reporter, source },
            Target::File(path) => ReportError::File { reporter, path: path.clone(), source },
        }
    }
}

/// Forwards every event to every reporter. A reporter whose output fails is stopped, so the
/// others (and the run) carry on, and its error is handed back by [`Fanout::finish`]: a report
/// that was not written fails the run.
pub struct Fanout {
    reporters: Vec<(&'static str, Box<dyn Reporter>)>,
    failed: Vec<ReportError>,
}

impl Fanout {
    /// Wraps named reporters.
    pub fn new(reporters: Vec<(&'static str, Box<dyn Reporter>)>) -> Self {
        Fanout { reporters, failed: Vec::new() }
    }

    /// Adds a reporter.
    pub fn push(&mut self, name: &'static str, reporter: Box<dyn Reporter>) {
        self.reporters.push((name, reporter));
    }

    /// Adds a reporter that finishes before the others: the history, so that a report written
    /// as the run ends (`html`) can read the run's own records.
    pub fn push_first(&mut self, name: &'static str, reporter: Box<dyn Reporter>) {
        self.reporters.insert(0, (name, reporter));
    }

    /// Sends one event to every reporter.
    pub fn on_event(&mut self, event: &Event) {
        let failed = &mut self.failed;
        self.reporters.retain_mut(|(name, reporter)| match reporter.on_event(event) {
            Ok(()) => true,
            Err(err) => {
                failed.extend(lost(name, &reporter.target(), err));
                false
            }
        });
    }

    /// Finishes every reporter; returns the reports that could not be written.
    pub fn finish(self) -> Vec<ReportError> {
        let mut failed = self.failed;
        for (name, reporter) in self.reporters {
            let target = reporter.target();
            if let Err(err) = reporter.finish() {
                failed.extend(lost(name, &target, err));
            }
        }
        failed
    }
}

/// The error of a reporter that failed, unless the reader of stdout went away (`| head`):
/// nobody is reading that report any more, which is their choice, not a lost report; that
/// reporter ends quietly and the run goes on.
fn lost(name: &'static str, target: &Target, err: std::io::Error) -> Option<ReportError> {
    match target {
        Target::Stdout if crate::output::is_closed_pipe(&err) => None,
        Target::Stdout | Target::File(_) => Some(ReportError::new(name, target, err)),
    }
}

/// The terminal's output, buffered; reporters flush at points a reader would want to see.
pub(crate) type Out = Box<dyn Write + Send>;

fn stdout() -> Out {
    Box::new(std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()))
}

/// Whether the run gets a live status line: stdout is a terminal that can move its cursor, not
/// on CI (as Vitest), and every reporter writing to stdout is one for people (a status line
/// inside JSON or TAP on a terminal would be noise in what the user asked to see).
fn wants_status_line(config: &Config) -> bool {
    use std::io::IsTerminal;
    let for_people = config.reporters.iter().all(|spec| match spec.kind {
        ReporterKind::Dots | ReporterKind::Documentation | ReporterKind::GithubActions => true,
        ReporterKind::Json | ReporterKind::Junit | ReporterKind::Tap | ReporterKind::Html => spec.output.is_some(),
    });
    for_people
        && std::io::stdout().is_terminal()
        && !crate::config::on_ci()
        && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
}

/// A file reporter's output: its file, created now, or stdout.
fn open(name: &'static str, output: Option<&PathBuf>) -> Result<(Out, Target), ReportError> {
    let Some(path) = output else { return Ok((stdout(), Target::Stdout)) };
    let target = Target::File(path.clone());
    let create = || -> std::io::Result<std::fs::File> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::File::create(path)
    };
    let file = create().map_err(|err| ReportError::new(name, &target, err))?;
    Ok((Box::new(std::io::BufWriter::with_capacity(64 * 1024, file)), target))
}

/// The reporters the config asks for, in the order given, with one summary after the first
/// terminal reporter and GitHub's annotations last (after the terminal's last line). A report
/// file that cannot be created is an error now, before any test runs, rather than after the run.
/// `code` is the run's git lookup ([`crate::commands::code_lookup`]), whose commit the html
/// report names.
pub fn build_reporters(config: &Config, code: Option<&CodeLookup>) -> Result<Fanout, ReportError> {
    let mut reporters: Vec<(&'static str, Box<dyn Reporter>)> = Vec::new();
    let paint = Paint::new(config.color);
    // With a status line, the terminal reporters print through its screen, above the line.
    let screen = wants_status_line(config).then(|| screen::Screen::new(Box::new(std::io::stdout()), status::columns()));
    if let Some(screen) = &screen {
        reporters.push(("status line", Box::new(status::StatusLine::new(screen.clone(), paint))));
    }
    let terminal = || -> Out {
        match &screen {
            Some(screen) => Box::new(std::io::BufWriter::with_capacity(64 * 1024, screen.writer())),
            None => stdout(),
        }
    };
    let mut last: Vec<(&'static str, Box<dyn Reporter>)> = Vec::new();
    let mut summary = false;
    let root = || config.root.clone();
    for spec in &config.reporters {
        // Dots have no room for output: passed tests' is shown in the summary; the tree shows
        // each passed test's output under it already.
        let passed_output = match spec.kind {
            ReporterKind::Dots => {
                reporters.push(("dots", Box::new(dots::Dots::new(terminal(), config.verbose, paint))));
                summary::PassedOutput::Shown
            }
            ReporterKind::Documentation => {
                let tree = documentation::Documentation::new(terminal(), config.verbose, paint, config.silent);
                reporters.push(("documentation", Box::new(tree)));
                summary::PassedOutput::Inline
            }
            ReporterKind::Json => {
                let (out, target) = open("json", spec.output.as_ref())?;
                reporters.push(("json", Box::new(json::JsonLines::new(out, target))));
                continue;
            }
            ReporterKind::Junit => {
                let junit = junit::Junit::create(spec.output.clone()).map_err(|err| {
                    let target = spec.output.clone().map_or(Target::Stdout, Target::File);
                    ReportError::new("JUnit", &target, err)
                })?;
                reporters.push(("JUnit", Box::new(junit)));
                continue;
            }
            ReporterKind::Tap => {
                let (out, target) = open("TAP", spec.output.as_ref())?;
                reporters.push(("TAP", Box::new(tap::Tap::new(out, target, root()))));
                continue;
            }
            ReporterKind::Html => {
                let (out, target) = open("html", spec.output.as_ref())?;
                let history = config.history.enabled.then(|| config.history.path.clone());
                reporters.push(("html", Box::new(html::Html::new(out, target, root(), history, code.cloned()))));
                continue;
            }
            ReporterKind::GithubActions => {
                let env = github_actions::GithubEnv::from_env(&config.root);
                last.push(("github-actions", Box::new(github_actions::GithubActions::new(terminal(), root(), env))));
                continue;
            }
        };
        if !summary {
            summary = true;
            let summary = summary::Summary::new(terminal(), root(), config.verbose, paint)
                .with_console(config.silent, passed_output);
            reporters.push(("summary", Box::new(summary)));
        }
    }
    reporters.extend(last);
    Ok(Fanout::new(reporters))
}

#[cfg(test)]
mod tests;
