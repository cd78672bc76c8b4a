//! proctor's entry point: parse the command line, run the command, turn the result into an
//! exit code. Nothing else happens here.

#[macro_use]
mod output;

mod build;
mod burst;
mod cli;
mod codeframe;
mod commands;
mod config;
mod events;
mod exit;
mod git;
mod global_setup;
mod history;
mod hunt;
mod init;
mod internal;
mod list;
mod paths;
mod plan;
mod related;
mod report;
mod resolve;
mod retry;
mod runtime;
mod select;
mod serve;
mod server;
mod session;
mod status;
mod status_page;
#[cfg(test)]
mod test_support;
mod transform;
mod watch;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // A run is one driver on one thread (the hot path is a socket round trip, which thread hops
    // would only slow). Long-lived commands also serve pages and many connections at once while
    // a run goes on, so they get a thread per core.
    let builder = match cli.command {
        cli::Command::Watch(_) | cli::Command::Serve(_) => tokio::runtime::Builder::new_multi_thread(),
        cli::Command::Run(_)
        | cli::Command::List(_)
        | cli::Command::Internal(_)
        | cli::Command::Init(_)
        | cli::Command::History(_)
        | cli::Command::Flaky(_)
        | cli::Command::Slow(_)
        | cli::Command::Status(_)
        | cli::Command::Hunt(_) => tokio::runtime::Builder::new_current_thread(),
    };
    let mut builder = builder;
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            errln!("proctor: failed to start the async runtime: {err}");
            return ExitCode::from(exit::USAGE_OR_ENVIRONMENT);
        }
    };
    let result = match cli.command {
        cli::Command::Run(args) => runtime.block_on(commands::run(args)),
        cli::Command::List(args) => list::list(args),
        cli::Command::Serve(args) => runtime.block_on(serve::serve(args)),
        cli::Command::Watch(args) => runtime.block_on(watch::watch(args)),
        cli::Command::Internal(args) => Ok(internal::answer(args)),
        cli::Command::Init(args) => init::init(args).map_err(commands::CommandError::from),
        cli::Command::History(args) => Ok(history::history(args)),
        cli::Command::Flaky(args) => Ok(history::flaky(args)),
        cli::Command::Slow(args) => Ok(history::slow(args)),
        cli::Command::Status(args) => status::status(args),
        cli::Command::Hunt(args) => runtime.block_on(hunt::hunt(args)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            errln!("proctor: error: {err}");
            ExitCode::from(exit::USAGE_OR_ENVIRONMENT)
        }
    }
}
