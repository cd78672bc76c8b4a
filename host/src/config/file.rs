//! The serde shape of `proctor.toml`. Unknown keys are errors, and values keep their spans so
//! a bad value can be reported with its line and column.

use serde::Deserialize;
use serde_spanned::Spanned;
use std::collections::BTreeMap;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    #[serde(default)]
    pub suite: Vec<Spanned<SuiteEntry>>,
    /// `[selections]`: name → selection.
    #[serde(default)]
    pub selections: BTreeMap<String, Spanned<SelectionEntry>>,
}

/// One `[[suite]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SuiteEntry {
    pub id: Option<Spanned<String>>,
    pub runtime: Option<Spanned<OneOrMany>>,
    pub tests: Option<Spanned<Vec<Spanned<String>>>>,
    pub exclude: Option<Spanned<Vec<Spanned<String>>>>,
    /// Any TOML value, so that a wrong type is reported with the accepted forms rather than
    /// serde's "did not match any variant".
    pub timeout: Option<Spanned<toml::Value>>,
    pub build: Option<Spanned<BuildValue>>,
    pub minify: Option<Spanned<bool>>,
    /// Tags every test of the suite carries.
    pub tags: Option<Spanned<Vec<String>>>,
    /// By default run only tests carrying one of these.
    #[serde(rename = "focus-tags")]
    pub focus_tags: Option<Spanned<Vec<String>>>,
    /// By default skip tests carrying one of these.
    #[serde(rename = "skip-tags")]
    pub skip_tags: Option<Spanned<Vec<String>>>,
}

/// One named selection: `fast = { tags = ["fast"] }`, `api = { tests = ["test/api/**"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SelectionEntry {
    /// Ids and file globs, each with its span so a bad one is reported where it is.
    pub tests: Option<Spanned<Vec<Spanned<String>>>>,
    /// Tags.
    pub tags: Option<Spanned<Vec<String>>>,
}

/// `runtime = "node"` or `runtime = ["node", "chromium"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// `build = "esm"`, `build = "esbuild"` or `build = { command = "..." }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum BuildValue {
    Named(String),
    Command(CommandBuild),
}

/// `build = { command = "npx rollup -c --input {entry} --dir {outdir}" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommandBuild {
    pub command: String,
}
