//! [`Draft`]: the proctor.toml `proctor init` writes, built up by the per-runner mappings, and
//! [`Notes`], the line-by-line account of what each source key became or why it became nothing.
//! Only keys `config/file.rs` accepts appear here, so what init writes always loads.

use serde::{Serialize, Serializer};
use std::time::Duration;

/// The whole file.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Draft {
    /// `global-setup`.
    #[serde(rename = "global-setup", skip_serializing_if = "Vec::is_empty")]
    pub global_setup: Vec<String>,
    /// `[[suite]]`, one per runner config (or per project of one).
    pub suite: Vec<DraftSuite>,
    /// `[alias]`, in order (the first match wins).
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "ordered_table")]
    pub alias: Vec<(String, String)>,
    /// Test pages to write beside proctor.toml (path relative to the root, HTML), for `page`.
    #[serde(skip)]
    pub pages: Vec<(String, String)>,
}

/// One `[[suite]]`.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct DraftSuite {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    pub tests: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "duration_text")]
    pub timeout: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub setup_files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isolate: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clear_mocks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_mocks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_mocks: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roots: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snapshot_serializers: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_format: Option<DraftSnapshotFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jsx_in_js: Option<bool>,
    /// `"ok"` for mocha-run suites (mocha, web-test-runner, Karma), where a test file without
    /// tests is no error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty_files: Option<String>,
}

/// Marks `suite` as run by mocha or a browser runner, for which a test file that declares no
/// test is no error (web-test-runner lists a module such as `src/index.ts` among its files).
pub(crate) fn empty_files_ok(suite: &mut DraftSuite, source: &mut super::source::Source<'_>, runner: &str) {
    source.mapped(&format!("(a test file without tests is no error in {runner})"), "empty-files = \"ok\"");
    suite.empty_files = Some("ok".into());
}

/// `snapshot-format = { ... }` (Jest's `snapshotFormat`).
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct DraftSnapshotFormat {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escape_string: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub print_basic_prototype: Option<bool>,
}

fn ordered_table<S: Serializer>(entries: &[(String, String)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(entries.iter().map(|(k, v)| (k, v)))
}

#[allow(clippy::ref_option)]
fn duration_text<S: Serializer>(duration: &Option<Duration>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&super::source::duration_text(duration.unwrap_or_default()))
}

impl Draft {
    /// The file's text: a header naming the sources, then the TOML.
    pub fn render(&self, sources: &[String]) -> Result<String, toml::ser::Error> {
        let body = toml::to_string(self)?;
        Ok(format!(
            "# Written by `proctor init` from {}.\n# Check it with `proctor run --print-config` or `proctor list`.\n\n{body}",
            sources.join(", ")
        ))
    }

    /// Adds alias entries, keeping the first of two with the same key.
    pub fn add_alias(&mut self, key: String, value: String) -> bool {
        if self.alias.iter().any(|(k, _)| *k == key) {
            return false;
        }
        self.alias.push((key, value));
        true
    }
}

/// One line of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Note {
    /// `from` (the source key, with its value where short) became `to`.
    Mapped { from: String, to: String },
    /// `from` has no proctor counterpart, or none was needed; `why` says which.
    Unmapped { from: String, why: String },
}

/// The account of one run of `proctor init`, in the order keys were looked at.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    pub lines: Vec<Note>,
}

impl Notes {
    /// `from` → `to`.
    pub fn mapped(&mut self, from: impl Into<String>, to: impl Into<String>) {
        self.lines.push(Note::Mapped { from: from.into(), to: to.into() });
    }

    /// `from` could not be mapped, because `why`.
    pub fn unmapped(&mut self, from: impl Into<String>, why: impl Into<String>) {
        let why = why.into();
        // A key that shaped what was mapped (a base directory, a suite id) was mapped after all.
        if why.starts_with("used as") {
            self.lines.push(Note::Mapped { from: from.into(), to: why });
            return;
        }
        self.lines.push(Note::Unmapped { from: from.into(), why });
    }

    /// The account as text, one line per note.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            match line {
                Note::Mapped { from, to } => out.push_str(&format!("  mapped    {from} → {to}\n")),
                Note::Unmapped { from, why } => match why.strip_prefix("nothing needed: ") {
                    Some(why) => out.push_str(&format!("  no need   {from}: {why}\n")),
                    None => out.push_str(&format!("  not done  {from}: {why}\n")),
                },
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_only_set_keys_with_durations_as_written_and_aliases_in_order() {
        let mut draft = Draft::default();
        draft.suite.push(DraftSuite {
            id: "jest".into(),
            tests: vec!["**/*.test.js".into()],
            timeout: Some(Duration::from_millis(10_000)),
            environment: Some("jsdom".into()),
            snapshot_format: Some(DraftSnapshotFormat { escape_string: Some(true), print_basic_prototype: None }),
            ..DraftSuite::default()
        });
        draft.suite.push(DraftSuite {
            id: "b".into(),
            tests: vec![],
            timeout: Some(Duration::from_millis(2500)),
            ..DraftSuite::default()
        });
        assert!(draft.add_alias("~".into(), "./src".into()));
        assert!(draft.add_alias("@".into(), "./lib".into()));
        assert!(!draft.add_alias("~".into(), "./other".into()));
        let text = draft.render(&["jest.config.js".into()]).unwrap();
        assert!(text.starts_with("# Written by `proctor init` from jest.config.js.\n"), "{text}");
        assert!(text.contains("timeout = \"10s\""), "{text}");
        assert!(text.contains("timeout = \"2500ms\""), "{text}");
        assert!(!text.contains("isolate"), "{text}");
        let tilde = text.find("\"~\" = \"./src\"").expect("~ alias");
        let at = text.find("\"@\" = \"./lib\"").expect("@ alias");
        assert!(tilde < at, "{text}");
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["suite"].as_array().unwrap().len(), 2);
    }
}
