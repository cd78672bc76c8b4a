//! Reporters: each consumes the one event stream and nothing else.

mod documentation;
mod dots;
mod failure;
mod json;
mod junit;
mod summary;

use crate::cli::ReporterKind;
use crate::config::Config;
use crate::events::Event;
use std::io::Write;

/// A consumer of events. Implementations `match` on `EventKind` exhaustively, so a new
/// variant is a compile error in every reporter.
pub trait Reporter {
    /// Handles one event.
    fn on_event(&mut self, event: &Event) -> std::io::Result<()>;
    /// Flushes whatever is buffered; called once after the last event.
    fn finish(self: Box<Self>) -> std::io::Result<()>;
}

/// Forwards every event to every reporter. A reporter whose output fails is reported once and
/// dropped, so the others (and the run) carry on; one whose stdout was closed is dropped quietly.
pub struct Fanout {
    reporters: Vec<(&'static str, Box<dyn Reporter>)>,
}

impl Fanout {
    /// Wraps named reporters.
    pub fn new(reporters: Vec<(&'static str, Box<dyn Reporter>)>) -> Self {
        Fanout { reporters }
    }

    /// Adds a reporter.
    pub fn push(&mut self, name: &'static str, reporter: Box<dyn Reporter>) {
        self.reporters.push((name, reporter));
    }

    /// Sends one event to every reporter.
    pub fn on_event(&mut self, event: &Event) {
        self.reporters.retain_mut(|(name, reporter)| match reporter.on_event(event) {
            Ok(()) => true,
            // Nobody reads a closed stdout: that reporter ends quietly, the run goes on.
            Err(err) if crate::output::is_closed_pipe(&err) => false,
            Err(err) => {
                errln!("proctor: the {name} reporter failed and was stopped: {err}");
                false
            }
        });
    }

    /// Finishes every reporter.
    pub fn finish(self) {
        for (name, reporter) in self.reporters {
            match reporter.finish() {
                Err(err) if !crate::output::is_closed_pipe(&err) => {
                    errln!("proctor: the {name} reporter failed: {err}")
                }
                _ => {}
            }
        }
    }
}

/// The terminal's output, buffered; reporters flush at points a reader would want to see.
pub(crate) type Out = Box<dyn Write + Send>;

fn stdout() -> Out {
    Box::new(std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()))
}

/// The reporters the config asks for.
pub fn build_reporters(config: &Config) -> Fanout {
    let mut reporters: Vec<(&'static str, Box<dyn Reporter>)> = Vec::new();
    match config.reporter {
        ReporterKind::Dots => {
            reporters.push(("dots", Box::new(dots::Dots::new(stdout(), config.verbose))));
            reporters.push(("summary", Box::new(summary::Summary::new(stdout(), config.root.clone(), config.verbose))));
        }
        ReporterKind::Documentation => {
            reporters.push(("documentation", Box::new(documentation::Documentation::new(stdout(), config.verbose))));
            reporters.push(("summary", Box::new(summary::Summary::new(stdout(), config.root.clone(), config.verbose))));
        }
        ReporterKind::Json => reporters.push(("json", Box::new(json::JsonLines::new(stdout())))),
    }
    if let Some(path) = &config.junit {
        reporters.push(("junit", Box::new(junit::Junit::new(path.clone()))));
    }
    Fanout::new(reporters)
}

#[cfg(test)]
mod tests;
