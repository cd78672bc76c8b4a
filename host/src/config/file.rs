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
    /// `[alias]`: specifier or prefix → path or package, in table order.
    pub alias: Option<Spanned<AliasTable>>,
    /// `global-setup = [...]`: paths relative to the root.
    #[serde(rename = "global-setup")]
    pub global_setup: Option<Spanned<Vec<Spanned<String>>>>,
    /// `setup-files = [...]` at the top level: the setup files of every suite that names none.
    #[serde(rename = "setup-files")]
    pub setup_files: Option<Spanned<Vec<Spanned<String>>>>,
    /// `[history]`: read and checked by `config::history`.
    #[allow(dead_code)]
    pub history: Option<toml::Value>,
    /// `[hunt]` (`prepare`): read by `proctor hunt` from each commit's file.
    #[allow(dead_code)]
    pub hunt: Option<toml::Value>,
    /// `[tags.NAME]`: settings for the tests carrying a tag (`retries`).
    #[serde(default)]
    pub tags: BTreeMap<String, Spanned<TagEntry>>,
}

/// One `[tags.NAME]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TagEntry {
    /// How many times a failing test with the tag is tried again.
    pub retries: Option<Spanned<i64>>,
}

/// The `[alias]` table with its entries in the order they are written (the first match wins,
/// so order matters and a map would lose it).
#[derive(Debug, Default)]
pub(crate) struct AliasTable(pub Vec<(Spanned<String>, Spanned<String>)>);

impl<'de> Deserialize<'de> for AliasTable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = AliasTable;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table of specifier = \"path or package\" strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<AliasTable, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<Spanned<String>, Spanned<String>>()? {
                    entries.push(entry);
                }
                // The toml deserializer hands keys over sorted; their spans give the written order.
                entries.sort_by_key(|(key, _)| key.span().start);
                Ok(AliasTable(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
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
    /// A custom test page for browser runtimes (path relative to the root).
    pub page: Option<Spanned<String>>,
    /// Tags every test of the suite carries.
    pub tags: Option<Spanned<Vec<String>>>,
    /// By default run only tests carrying one of these.
    #[serde(rename = "focus-tags")]
    pub focus_tags: Option<Spanned<Vec<String>>>,
    /// By default skip tests carrying one of these.
    #[serde(rename = "skip-tags")]
    pub skip_tags: Option<Spanned<Vec<String>>>,
    /// Extra export conditions, matched before the built-in ones.
    pub conditions: Option<Spanned<Vec<Spanned<String>>>>,
    /// JSX runtime override: `automatic`, `classic` or `preserve`.
    pub jsx: Option<Spanned<String>>,
    /// Where the automatic runtime imports `jsx-runtime` from.
    #[serde(rename = "jsx-import-source")]
    pub jsx_import_source: Option<Spanned<String>>,
    /// The classic runtime's element factory (`React.createElement`).
    #[serde(rename = "jsx-factory")]
    pub jsx_factory: Option<Spanned<String>>,
    /// The classic runtime's fragment (`React.Fragment`).
    #[serde(rename = "jsx-fragment")]
    pub jsx_fragment: Option<Spanned<String>>,
    /// Parse JSX in `.js` files too.
    #[serde(rename = "jsx-in-js")]
    pub jsx_in_js: Option<Spanned<bool>>,
    /// Modules run in the runtime before each test file, in the file's realm.
    #[serde(rename = "setup-files")]
    pub setup_files: Option<Spanned<Vec<Spanned<String>>>>,
    /// `node`, `jsdom` or `happy-dom`: the globals node suites' test files run with.
    pub environment: Option<Spanned<String>>,
    /// Directories whose `__mocks__/` holds package mocks (Jest's `roots`); default: the root.
    pub roots: Option<Spanned<Vec<Spanned<String>>>>,
    /// A fresh realm per test file (the default); `false` shares one realm, for speed.
    pub isolate: Option<Spanned<bool>>,
    /// Jest's `clearMocks` / Vitest's `clearMocks`: every mock's calls cleared before each test.
    #[serde(rename = "clear-mocks")]
    pub clear_mocks: Option<Spanned<bool>>,
    /// Jest's `resetMocks` / Vitest's `mockReset`: every mock reset before each test.
    #[serde(rename = "reset-mocks")]
    pub reset_mocks: Option<Spanned<bool>>,
    /// Jest's and Vitest's `restoreMocks`: every spy restored before each test.
    #[serde(rename = "restore-mocks")]
    pub restore_mocks: Option<Spanned<bool>>,
    /// Jest's `snapshotFormat`: `{ escape-string = true, print-basic-prototype = true }`.
    #[serde(rename = "snapshot-format")]
    pub snapshot_format: Option<Spanned<SnapshotFormatEntry>>,
    /// Modules exporting a snapshot serializer (Jest's and Vitest's `snapshotSerializers`).
    #[serde(rename = "snapshot-serializers")]
    pub snapshot_serializers: Option<Spanned<Vec<Spanned<String>>>>,
    /// How many times a failing test is tried again (Vitest's `retry`, nextest's `retries`).
    pub retries: Option<Spanned<i64>>,
    /// The pause before each retry: milliseconds or a duration string.
    #[serde(rename = "retry-delay")]
    pub retry_delay: Option<Spanned<toml::Value>>,
    /// What a test file that declares no test is: `"error"` (the default, as in Jest and
    /// Vitest) or `"ok"` (as in mocha and web-test-runner).
    #[serde(rename = "empty-files")]
    pub empty_files: Option<Spanned<String>>,
    /// Browser permissions granted to the run page (`clipboard-read`, `geolocation`), as a
    /// web-test-runner Playwright launcher's `createBrowserContext` grants them.
    pub permissions: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `snapshot-format = { escape-string = true, print-basic-prototype = true }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SnapshotFormatEntry {
    /// Escape quotes and backslashes in strings (Jest 28 and older).
    #[serde(rename = "escape-string")]
    pub escape_string: Option<bool>,
    /// `Object {` and `Array [` (Jest 28 and older).
    #[serde(rename = "print-basic-prototype")]
    pub print_basic_prototype: Option<bool>,
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
