//! `proctor init`: another runner's config (Jest, Vitest, mocha, web-test-runner, Karma) as a
//! proctor.toml. detect → evaluate (node) → map (one file per runner) → draft → written file.

mod browser;
mod command;
mod detect;
mod draft;
mod evaluate;
mod globs;
mod jest;
mod mocha;
mod source;
mod vitest;

pub(crate) use command::note_unmigrated;
pub use command::{init, InitError};
