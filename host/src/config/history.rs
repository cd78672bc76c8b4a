//! [`HistoryConfig`]: the `[history]` table of proctor.toml (where every test attempt is
//! recorded, and for how long). Read apart from the rest of the file so the history settings
//! stay one small piece of the config.

use super::resolve::ConfigError;
use serde::{Deserialize, Serialize};
use serde_spanned::Spanned;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where results are recorded and what is kept.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryConfig {
    /// `enabled = false` records nothing.
    pub enabled: bool,
    /// The database file (default `<root>/.proctor/history.db`).
    pub path: PathBuf,
    /// Runs older than this are pruned (default 90 days).
    #[serde(serialize_with = "super::duration::serialize")]
    pub keep: Duration,
    /// The oldest runs are pruned while the database is larger than this (default 200 MB).
    pub max_size: u64,
}

impl HistoryConfig {
    /// The defaults for a project root.
    pub fn defaults(root: &Path) -> Self {
        HistoryConfig {
            enabled: true,
            path: root.join(".proctor").join("history.db"),
            keep: Duration::from_secs(90 * 86_400),
            max_size: 200 * 1000 * 1000,
        }
    }
}

/// Only the `[history]` table; every other key is the main reader's business.
#[derive(Deserialize)]
struct Outer {
    history: Option<Spanned<HistoryEntry>>,
}

/// `[history]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HistoryEntry {
    enabled: Option<bool>,
    path: Option<String>,
    keep: Option<Spanned<String>>,
    #[serde(rename = "max-size")]
    max_size: Option<Spanned<String>>,
}

/// The history settings of the config file at `path` (the defaults without one).
pub fn read_history(config_file: Option<&Path>, root: &Path) -> Result<HistoryConfig, ConfigError> {
    let mut config = HistoryConfig::defaults(root);
    let Some(path) = config_file else { return Ok(config) };
    let text =
        std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
    // The main reader has parsed the file already: a syntax error was reported there.
    let Ok(outer) = toml::from_str::<Outer>(&text) else { return Ok(config) };
    let Some(entry) = outer.history else { return Ok(config) };
    let value_error = |span: std::ops::Range<usize>, key: &str, message: String| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ConfigError::Value { path: path.to_path_buf(), line, column, key: key.into(), message }
    };
    let entry = entry.into_inner();
    if let Some(enabled) = entry.enabled {
        config.enabled = enabled;
    }
    if let Some(file) = entry.path {
        config.path = super::resolve::absolute(root, Path::new(&file));
    }
    if let Some(keep) = entry.keep {
        config.keep = parse_age(keep.get_ref()).ok_or_else(|| {
            value_error(
                keep.span(),
                "keep",
                format!("`{}` is not an age (use e.g. \"90d\", \"12h\", \"4w\")", keep.get_ref()),
            )
        })?;
    }
    if let Some(size) = entry.max_size {
        config.max_size = parse_size(size.get_ref()).ok_or_else(|| {
            value_error(
                size.span(),
                "max-size",
                format!("`{}` is not a size (use e.g. \"200MB\", \"1GB\")", size.get_ref()),
            )
        })?;
    }
    Ok(config)
}

/// `90d`, `12h`, `4w`, `30m`, `45s`.
pub fn parse_age(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.')?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "w" => 7.0 * 86_400.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(value * seconds))
}

/// `200MB`, `1GB`, `512KB`, `1000` (bytes); decimal units, as disks are sold.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let factor = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1.0,
        "KB" | "K" => 1e3,
        "MB" | "M" => 1e6,
        "GB" | "G" => 1e9,
        "KIB" => 1024.0,
        "MIB" => 1024.0 * 1024.0,
        "GIB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some((value * factor) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_sizes_parse_and_the_table_overrides_the_defaults() {
        assert_eq!(parse_age("90d"), Some(Duration::from_secs(90 * 86_400)));
        assert_eq!(parse_age("2w"), Some(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse_age("90"), None);
        assert_eq!(parse_size("200MB"), Some(200_000_000));
        assert_eq!(parse_size("1GiB"), Some(1 << 30));
        assert_eq!(parse_size("lots"), None);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("proctor.toml");
        std::fs::write(&file, "[history]\nkeep = \"7d\"\nmax-size = \"1MB\"\npath = \"h/x.db\"\nenabled = false\n")
            .unwrap();
        let config = read_history(Some(&file), dir.path()).unwrap();
        assert!(!config.enabled);
        assert_eq!(config.keep, Duration::from_secs(7 * 86_400));
        assert_eq!(config.max_size, 1_000_000);
        assert_eq!(config.path, dir.path().join("h/x.db"));
        std::fs::write(&file, "[history]\nkeep = \"soon\"\n").unwrap();
        let err = read_history(Some(&file), dir.path()).unwrap_err().to_string();
        assert!(err.contains(":2:8: `keep` `soon` is not an age"), "{err}");
    }
}
