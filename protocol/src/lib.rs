//! The wire protocol between the proctor host and the controller running inside a JavaScript
//! runtime (node, a browser tab).
//!
//! This crate is the single source of truth for the messages. The JS controller in
//! `controller-js/` speaks the same JSON; both sides are checked against the vectors in
//! `protocol/vectors/`. Every message is one JSON text frame `{ "type": ..., ... }`.
//!
//! The host drives: it sends imperative commands ([`HostMessage`]), each with a command `id`.
//! The controller only registers and executes tests, and answers in the past tense
//! ([`ControllerMessage`]); every reply names the command it answers in `replyTo`, and every
//! message that belongs to a run carries that run's epoch in `run`, so the host can drop late
//! messages from a run it has already abandoned (for example after restarting the runtime).
#![warn(missing_docs)]

mod api;
mod id;
pub mod serve;
pub mod shell;

pub use api::{is_api_module, API_MODULES};
pub use id::{escape_name, id_is_under, separators, split_id, test_id, unescape_name, IdAllocator, ID_SEPARATOR};
use serde::{Deserialize, Serialize};

/// The protocol version both sides must agree on; sent by the controller in its hello.
pub const PROTOCOL_VERSION: u32 = 2;

/// A run's epoch. A new epoch starts whenever the host (re)loads the test files in a runtime.
pub type RunEpoch = u64;

/// The id of one host command; replies name it in `replyTo`.
pub type CommandId = u64;

/// Commands the host sends to a controller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum HostMessage {
    /// Load the test files of the entry (in plan order) and report what they registered.
    Load {
        /// The run epoch every later message of this run carries.
        run: RunEpoch,
        /// Command id.
        id: CommandId,
        /// The stored snapshots of the files to load, and what to do with new or changed ones.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        snapshots: Option<SnapshotSetup>,
        /// Import the files one at a time, announcing each with `file-loading`, so the host can
        /// name a file whose top level never finishes.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        sequential: bool,
        /// Files to leave out: the host already reported them as load errors.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        skip: Vec<String>,
        /// Load only these files (empty: every file of the entry not in `skip`). With isolation
        /// the host loads and runs one file at a time.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        only: Vec<String>,
        /// Start a fresh realm first: what the files loaded before did to globals, the DOM,
        /// timers, module instances and mocks is undone, and their tests are forgotten.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        fresh: bool,
        /// Files that import `vitest`: they are collected as Vitest collects (a `describe` body
        /// runs after the file's top level) and their tests get Vitest's test context.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        vitest: Vec<String>,
        /// The files `toMatchFileSnapshot` names in the files to load (relative to the project
        /// root), with their text; `None`: not written yet.
        #[serde(rename = "fileSnapshots", default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        file_snapshots: std::collections::BTreeMap<String, Option<String>>,
        /// Run the file's tests right after loading it, without waiting for `run-test`s (see
        /// [`Autorun`]); the controller says in `loaded` whether it did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        autorun: Option<Autorun>,
    },
    /// Run exactly one test; hooks of enclosing groups run as needed.
    RunTest {
        /// Run epoch.
        run: RunEpoch,
        /// Command id.
        id: CommandId,
        /// The test to run, as registered.
        test: String,
        /// The test's deadline in milliseconds (0: none); the host enforces it too.
        timeout: u64,
        /// How many times a failing try may be tried again (`--retries`, the config, the test's
        /// own `retry`); mocha's `this.retries(n)` while it runs still wins.
        #[serde(default, skip_serializing_if = "is_zero")]
        retries: u32,
        /// The number of the first try (1 unless earlier tries timed out or crashed in a runtime
        /// that was restarted); 0 reads as 1.
        #[serde(default, skip_serializing_if = "is_zero")]
        attempt: u32,
        /// Milliseconds to wait before each retry (`retry-delay`).
        #[serde(rename = "retryDelay", default, skip_serializing_if = "is_zero")]
        retry_delay: u64,
    },
    /// Close every open group (running their `afterAll` hooks) and report when done.
    Finish {
        /// Run epoch.
        run: RunEpoch,
        /// Command id.
        id: CommandId,
        /// Do not wait for timers the tests left: more files follow in this runtime, and the
        /// fresh realm of the next one clears them (only the last file of a run waits).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        quick: bool,
    },
    /// Liveness probe.
    Ping {
        /// Command id.
        id: CommandId,
    },
    /// Stop: the controller closes its socket and lets the runtime exit.
    Shutdown {},
}

/// Messages a controller sends to the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ControllerMessage {
    /// The first message on a connection: who is speaking.
    Hello {
        /// Must equal [`PROTOCOL_VERSION`].
        protocol: u32,
        /// The runtime this controller lives in.
        runtime: RuntimeInfo,
    },
    /// Reply to [`HostMessage::Load`]: every test the files registered, in registration order.
    #[serde(rename_all = "camelCase")]
    Loaded {
        /// Run epoch.
        run: RunEpoch,
        /// The `load` command this answers.
        reply_to: CommandId,
        /// The registered tests.
        tests: Vec<RegisteredTest>,
        /// Files that threw while loading (top-level error, missing import, ...).
        load_errors: Vec<LoadError>,
        /// The `load` asked for [`Autorun`] and the controller is running the tests so: their
        /// results follow as if the host had sent each `run-test`.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        autorun: bool,
    },
    /// Output printed by the runtime, attributed to the running test when there is one.
    Console {
        /// Run epoch.
        run: RunEpoch,
        /// The id of the test that printed, if a test was running.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        test: Option<String>,
        /// The test whose callback printed this after that test had ended, when the runtime
        /// can tell (node follows asynchronous context); `test` is then absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
        /// Which stream the output belongs to.
        stream: Stream,
        /// The console method or write that produced it.
        level: ConsoleLevel,
        /// The text, without a trailing newline for console methods.
        text: String,
    },
    /// Reply to [`HostMessage::RunTest`]: the test's outcome.
    #[serde(rename_all = "camelCase")]
    TestFinished {
        /// Run epoch.
        run: RunEpoch,
        /// The `run-test` command this answers.
        reply_to: CommandId,
        /// The test id.
        test: String,
        /// What happened.
        status: TestStatus,
        /// Wall time of the test body and its each-hooks, in milliseconds.
        duration_ms: f64,
        /// The failure, when `status` is `failed`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<ErrorInfo>,
        /// The number of the try that settled it (absent: the first).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attempt: Option<u32>,
        /// How many tries it had in all (its retries + 1; absent: its `run-test`'s).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attempts: Option<u32>,
    },
    /// A try of the test `reply_to` runs failed and the test will be tried again.
    #[serde(rename_all = "camelCase")]
    AttemptFailed {
        /// Run epoch.
        run: RunEpoch,
        /// The `run-test` command in progress.
        reply_to: CommandId,
        /// The test id.
        test: String,
        /// The number of the try that failed (1 for the first).
        attempt: u32,
        /// How many tries it has in all (its retries + 1), as known now.
        attempts: u32,
        /// Wall time of that try, in milliseconds.
        duration_ms: f64,
        /// Why it failed.
        error: ErrorInfo,
    },
    /// A test file's tests are done: what its snapshots did, and the new text of its snapshot
    /// file when that changed (written or updated snapshots, obsolete ones removed with `-u`).
    SnapshotFile {
        /// Run epoch.
        run: RunEpoch,
        /// The test file, relative to the project root.
        file: String,
        /// The new text of `__snapshots__/<file name>.snap`; empty: delete it. Absent: unchanged.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content: Option<String>,
        /// Inline snapshots to write into the source (new ones, and with `-u` differing ones).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        inline: Vec<InlineSnapshot>,
        /// The counts.
        #[serde(flatten)]
        counts: SnapshotCounts,
    },
    /// A file snapshot (`toMatchFileSnapshot`) to write: new, or updated with `-u`.
    FileSnapshot {
        /// Run epoch.
        run: RunEpoch,
        /// The file, relative to the project root, as [`HostMessage::Load`] named it.
        path: String,
        /// Its new text.
        content: String,
    },
    /// Reply to [`HostMessage::Finish`]: all groups are closed.
    #[serde(rename_all = "camelCase")]
    Finished {
        /// Run epoch.
        run: RunEpoch,
        /// The `finish` command this answers.
        reply_to: CommandId,
    },
    /// An error outside any test: an `afterAll` hook, an uncaught exception or an unhandled
    /// rejection while no test was running.
    Error {
        /// Run epoch.
        run: RunEpoch,
        /// Where it happened, in words (e.g. `afterAll hook of "math"`).
        origin: String,
        /// The test whose callback threw this after that test had ended, when the runtime can
        /// tell.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
        /// The error.
        error: ErrorInfo,
    },
    /// A `beforeAll`/`afterAll` hook (or a cleanup a `beforeAll` returned) starts, or a
    /// `beforeEach`/`afterEach` hook went asynchronous. Until `hook-finished`, a deadline that
    /// passes is that hook's, not a test's.
    HookStarted {
        /// Run epoch.
        run: RunEpoch,
        /// The `run-test` or `finish` command during which the hook runs.
        command: CommandId,
        /// Which kind of hook.
        hook: HookKind,
        /// The test file of the group.
        file: String,
        /// The group's names, outermost first; empty for the file's top level.
        groups: Vec<String>,
        /// Where the hook was declared (`url:line:column`, as a stack frame names it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<String>,
        /// The hook's own timeout in ms (`beforeAll(fn, 30000)`), when it was given one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout: Option<u64>,
    },
    /// The hook of the last `hook-started` is done (whatever its outcome).
    HookFinished {
        /// Run epoch.
        run: RunEpoch,
        /// The command during which the hook ran.
        command: CommandId,
    },
    /// What runs for `command` (the test, or the hook of the last `hook-started`) restarts its
    /// deadline: `timeout` ms from now, 0 for none. Sent for mocha's `this.timeout(ms)`, for each
    /// retry of a test (`this.retries(n)`), and when an each-hook that changed it ends.
    TimeoutChanged {
        /// Run epoch.
        run: RunEpoch,
        /// The `run-test` or `finish` command in progress.
        command: CommandId,
        /// The new time limit in milliseconds, counted from now; 0: no deadline.
        timeout: u64,
    },
    /// Loading one at a time (`sequential`): this file's import starts now.
    FileLoading {
        /// Run epoch.
        run: RunEpoch,
        /// The test file.
        file: String,
    },
    /// This file's import settled (loaded, or a load error that `loaded` will list).
    FileLoaded {
        /// Run epoch.
        run: RunEpoch,
        /// The test file.
        file: String,
    },
    /// The page now holds something a fresh realm cannot undo: a custom element whose class
    /// comes from a module of this file's realm stays the defined one, so the next file's fresh
    /// copy of that module would not be what `document.createElement` makes. Sent once per page;
    /// with isolation the host gives the next file a fresh page (web-test-runner's page per file).
    PageTainted {
        /// Run epoch.
        run: RunEpoch,
        /// What the page cannot undo, in words (`the custom element <x-foo>`).
        what: String,
    },
    /// Reply to [`HostMessage::Ping`].
    #[serde(rename_all = "camelCase")]
    Pong {
        /// The `ping` command this answers.
        reply_to: CommandId,
    },
}

/// What the controller gets to check snapshots with, in [`HostMessage::Load`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SnapshotSetup {
    /// What happens to snapshots that are missing or differ.
    pub update: SnapshotUpdate,
    /// The text of each test file's snapshot file, by test file (relative to the root); files
    /// without one are absent.
    pub files: std::collections::BTreeMap<String, String>,
    /// Test files that import `vitest`: their new snapshot files and their inline snapshots use
    /// Vitest's format (a file that exists keeps its own).
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub vitest: std::collections::BTreeSet<String>,
    /// The suite's `snapshot-format`, when it sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<SnapshotFormat>,
}

/// Jest's and Vitest's `snapshotFormat` options that change what snapshots look like; an unset
/// one is read from the snapshot file when it shows it, else off (as in Jest 29 and Vitest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotFormat {
    /// `"say \"hi\""`: quotes and backslashes in strings escaped (Jest 28 and older).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escape_string: Option<bool>,
    /// `Object {` and `Array [` rather than `{` and `[` (Jest 28 and older).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_basic_prototype: Option<bool>,
}

/// An inline snapshot for the host to write into the source, as the argument of the matcher
/// call the stack leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlineSnapshot {
    /// The stack at the matcher call, frames only (as the runtime printed them).
    pub stack: String,
    /// The serialized value, without the surrounding line breaks or indentation.
    pub snapshot: String,
}

/// Jest's update modes for snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnapshotUpdate {
    /// Write missing snapshots; a differing one fails (the default).
    #[default]
    New,
    /// Write missing ones and rewrite differing ones; drop obsolete ones (`-u`).
    All,
    /// Write nothing: a missing snapshot fails (CI).
    None,
}

/// The kinds of hook, as `hook-started` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookKind {
    /// `beforeAll`.
    BeforeAll,
    /// `afterAll`.
    AfterAll,
    /// A function a `beforeAll` returned, run when its group closes.
    BeforeAllCleanup,
    /// `beforeEach`.
    BeforeEach,
    /// `afterEach`.
    AfterEach,
}

impl HookKind {
    /// The hook's name as a user writes it.
    pub fn name(self) -> &'static str {
        match self {
            HookKind::BeforeAll => "beforeAll",
            HookKind::AfterAll => "afterAll",
            HookKind::BeforeAllCleanup => "cleanup returned by a beforeAll",
            HookKind::BeforeEach => "beforeEach",
            HookKind::AfterEach => "afterEach",
        }
    }

    /// Whether it runs once for its group (rather than around each test).
    pub fn is_group_hook(self) -> bool {
        matches!(self, HookKind::BeforeAll | HookKind::AfterAll | HookKind::BeforeAllCleanup)
    }
}

/// What one test file's snapshots did in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SnapshotCounts {
    /// Snapshots that matched.
    pub matched: u64,
    /// New snapshots written.
    pub written: u64,
    /// Differing snapshots rewritten (`-u`).
    pub updated: u64,
    /// Snapshots that differed, or were missing under CI.
    pub failed: u64,
    /// Stored snapshots no test that ran checked (they fail the run, as in Jest).
    pub obsolete: u64,
    /// Obsolete snapshots removed (`-u`).
    pub removed: u64,
}

impl SnapshotCounts {
    /// Adds another file's counts.
    pub fn add(&mut self, other: &SnapshotCounts) {
        self.matched += other.matched;
        self.written += other.written;
        self.updated += other.updated;
        self.failed += other.failed;
        self.obsolete += other.obsolete;
        self.removed += other.removed;
    }

    /// True when no snapshot was checked, written or found obsolete.
    pub fn is_empty(&self) -> bool {
        *self == SnapshotCounts::default()
    }
}

/// Identifies the runtime a controller runs in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeInfo {
    /// `node` or `browser`.
    pub kind: String,
    /// The runtime's version (`process.version`, or the browser's).
    pub version: String,
    /// The user agent string.
    pub user_agent: String,
}

/// One test as the runtime registered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisteredTest {
    /// The test id, computed by the same rule as the host's plan ([`test_id`]).
    pub id: String,
    /// The test file, relative to the project root, with forward slashes.
    pub file: String,
    /// The names of the enclosing `describe` groups, outermost first (with ` #N` suffixes).
    pub groups: Vec<String>,
    /// The test's own name, with a ` #N` suffix when it repeats a sibling's name.
    pub name: String,
    /// How the test was declared.
    pub mode: TestMode,
    /// Tags from the options object, its groups' included.
    pub tags: Vec<String>,
    /// A timeout from the options object, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// Its own retry count: Vitest's `{ retry: n }`, mocha's `this.retries(n)` in its describe,
    /// Jest's `jest.retryTimes(n)` before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// Vitest's `{ repeats: n }` on it or its describe: it runs n more times after its first run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeats: Option<u32>,
}

/// What a `load` may ask of the controller so the file's tests start without a round trip to
/// the host (with a fresh realm per file, the next file's `load` goes out behind the previous
/// file's last test, and this saves the wait between its `loaded` and the first `run-test`).
///
/// The controller autoruns only when the file loaded without errors and every registered test
/// has neither the `only` mode nor a `retries` or `repeats` of its own. Then every test of mode
/// `run`, in registration order, runs as a `run-test` of command id `first`, `first + 1`, ...
/// with the test's own timeout, else `timeout`, no retries and the first try; tests of other
/// modes are not run. The host asks only where its schedule would be exactly that, checks it
/// against the `loaded` list, and replaces the runtime when it is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Autorun {
    /// The command id of the first test run.
    pub first: CommandId,
    /// The timeout, in milliseconds, of a test without one of its own.
    pub timeout: u64,
}

/// How a test was declared (its own modifier or one inherited from a group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestMode {
    /// Plain `it`/`test`.
    Run,
    /// `.skip`, or inside a `describe.skip`.
    Skip,
    /// `.only`, or inside a `describe.only`.
    Only,
    /// `.todo`.
    Todo,
}

/// A test file that failed to load in the runtime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadError {
    /// The file, relative to the project root.
    pub file: String,
    /// The error it threw.
    pub error: ErrorInfo,
}

/// A test's outcome as the controller saw it. Timeouts and crashes are the host's verdicts and
/// never appear on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestStatus {
    /// The test and its hooks completed without throwing.
    Passed,
    /// The test or one of its hooks threw or rejected.
    Failed,
    /// The test skipped itself while running (mocha's `this.skip()`, in the test, a beforeEach
    /// or a before hook of its group).
    Skipped,
}

/// An error as thrown in the runtime.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// The error's class name (`AssertionError`, `TypeError`, ...).
    pub name: String,
    /// Its message.
    pub message: String,
    /// Its stack as the runtime printed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    /// For failed expectations: the expected value, pretty-printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// For failed expectations: the actual value, pretty-printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
}

/// The output stream console text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stream {
    /// Standard output (`console.log`, `console.info`, `console.debug`, stdout writes).
    Stdout,
    /// Standard error (`console.warn`, `console.error`, stderr writes).
    Stderr,
}

/// Which call produced console output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsoleLevel {
    /// `console.log`.
    Log,
    /// `console.info`.
    Info,
    /// `console.debug`.
    Debug,
    /// `console.warn`.
    Warn,
    /// `console.error`.
    Error,
    /// A raw write to `process.stdout`/`process.stderr`.
    Write,
}

impl HostMessage {
    /// Serializes to the JSON text frame.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("host messages always serialize")
    }
}

impl ControllerMessage {
    /// Parses one JSON text frame. JavaScript strings may hold lone UTF-16 surrogates, which
    /// `JSON.stringify` writes as `\udXXX` escapes and Rust strings cannot hold: such a frame is
    /// read again with U+FFFD in their place, so console output or a message carrying one costs
    /// nothing but that character.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        match serde_json::from_str(text) {
            Err(_) if text.contains("\\ud") || text.contains("\\uD") => {
                serde_json::from_str(&replace_lone_surrogates(text))
            }
            parsed => parsed,
        }
    }
}

/// JSON text with every `\uXXXX` escape of a lone surrogate replaced by `\ufffd`; surrogate
/// pairs and everything else are kept as they are.
pub fn replace_lone_surrogates(text: &str) -> String {
    fn escape_at(bytes: &[u8], at: usize) -> Option<u16> {
        let escape = bytes.get(at..at + 6)?;
        if escape[0] != b'\\' || escape[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&escape[2..]).ok()?, 16).ok()
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        let Some(unit) = escape_at(bytes, at) else {
            // Any other escape is two bytes (`\"`, `\\`, ...): skipping both keeps an escaped
            // backslash from being taken for the start of a `\u`.
            at += 2;
            continue;
        };
        let lone = match unit {
            0xD800..=0xDBFF => match escape_at(bytes, at + 6) {
                Some(0xDC00..=0xDFFF) => {
                    at += 12;
                    continue;
                }
                _ => true,
            },
            0xDC00..=0xDFFF => true,
            _ => false,
        };
        if lone {
            out.push_str(&text[copied..at]);
            out.push_str("\\ufffd");
            copied = at + 6;
        }
        at += 6;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn vectors(name: &str) -> serde_json::Value {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors").join(name);
        let text = std::fs::read_to_string(&path).expect("vector file exists");
        serde_json::from_str(&text).expect("vector file is JSON")
    }

    #[test]
    fn host_messages_round_trip_exactly() {
        for v in vectors("host-messages.json").as_array().unwrap() {
            let msg: HostMessage = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(&serde_json::to_value(&msg).unwrap(), v, "vector {v}");
        }
    }

    #[test]
    fn controller_messages_round_trip_exactly() {
        for v in vectors("controller-messages.json").as_array().unwrap() {
            let msg: ControllerMessage = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(&serde_json::to_value(&msg).unwrap(), v, "vector {v}");
        }
    }

    #[test]
    fn shell_messages_round_trip_exactly() {
        for v in vectors("shell-commands.json").as_array().unwrap() {
            let msg: shell::ShellCommand = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(&serde_json::to_value(&msg).unwrap(), v, "vector {v}");
        }
        for v in vectors("shell-events.json").as_array().unwrap() {
            let msg: shell::ShellEvent = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(&serde_json::to_value(&msg).unwrap(), v, "vector {v}");
        }
    }

    #[test]
    fn serve_messages_round_trip_exactly() {
        for v in vectors("serve-client-messages.json").as_array().unwrap() {
            let msg: serve::ClientMessage = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(&serde_json::to_value(&msg).unwrap(), v, "vector {v}");
        }
        for v in vectors("serve-server-messages.json").as_array().unwrap() {
            let msg: serve::ServerMessage = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(&serde_json::to_value(&msg).unwrap(), v, "vector {v}");
        }
    }

    #[test]
    fn lone_surrogates_are_read_as_replacement_characters() {
        let frame =
            r#"{"type":"console","run":1,"stream":"stdout","level":"log","text":"a\ud800b\udc00c\ud83d\ude00\\ud800"}"#;
        let Ok(ControllerMessage::Console { text, .. }) = ControllerMessage::from_json(frame) else {
            panic!("a frame with lone surrogates is read");
        };
        assert_eq!(text, "a\u{fffd}b\u{fffd}c\u{1f600}\\ud800");
        assert_eq!(replace_lone_surrogates(r#""\udbff""#), r#""\ufffd""#);
        assert_eq!(replace_lone_surrogates(r#""\\\ud800x""#), r#""\\\ufffdx""#);
        assert_eq!(replace_lone_surrogates(r#""\u00e9\ud800\u"#), r#""\u00e9\ufffd\u"#);
    }

    #[test]
    fn unknown_message_type_is_an_error() {
        assert!(ControllerMessage::from_json(r#"{"type":"nope"}"#).is_err());
    }
}

/// For `skip_serializing_if`: leaves out counts that have their default.
fn is_zero<T: Default + PartialEq>(n: &T) -> bool {
    *n == T::default()
}
