//! Configuration: `proctor.toml` plus command-line flags, merged into one validated [`Config`].

mod duration;
mod file;
mod history;
mod reporters;
mod resolve;

pub use duration::{env_duration, parse_duration};
pub use history::{parse_age, HistoryConfig};
pub(crate) use resolve::on_ci;
pub use resolve::{resolve, BuildMode, Config, ConfigError, JsxConfig, MockHygiene, RuntimeKind, SuiteConfig};
