//! The plan's data: [`Plan`] → [`PlannedSuite`] → [`PlannedFile`] → [`PlanNode`] trees.
//! Every value is `Serialize`, so `proctor list --format json` prints it as is, with the
//! decisions the select stage filled in.

use crate::config::RuntimeKind;
use crate::resolve::ImportKind;
use crate::select::Decision;
use protocol::TestMode;
use serde::Serialize;
use std::path::PathBuf;

/// The whole plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The project root every file path is relative to.
    pub root: PathBuf,
    /// One entry per configured suite.
    pub suites: Vec<PlannedSuite>,
}

/// One suite's files.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedSuite {
    /// The suite id.
    pub id: String,
    /// Where its tests run (each runtime runs every test).
    pub runtimes: Vec<RuntimeKind>,
    /// Its default per-test timeout in milliseconds.
    pub timeout_ms: u64,
    /// Its test files, sorted by path.
    pub files: Vec<PlannedFile>,
}

/// One test file.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedFile {
    /// Relative to the root, forward slashes: the first segment of every id in it.
    pub path: String,
    /// The absolute path.
    #[serde(skip)]
    pub abs: PathBuf,
    /// Set when swc could not parse the file; it then is not loaded at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub syntax_error: Option<SyntaxError>,
    /// False when the selection leaves nothing in it that may run: it is then not loaded, and its
    /// tests are reported as skipped from the plan (set by the select stage; true before it).
    pub selected: bool,
    /// Top-level groups and tests, in source order.
    pub nodes: Vec<PlanNode>,
    /// What the file imports (static, re-exports, literal `import()`/`require`), where; listed
    /// as the specifiers alone.
    #[serde(serialize_with = "specifiers_only")]
    pub imports: Vec<ImportSite>,
    /// Paths (relative to the root) its tests name with `{ subject: [...] }`: watch mode reruns
    /// the file when one of them changes, import or not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
    /// The environment its leading comments ask for (`@jest-environment jsdom`,
    /// `@vitest-environment happy-dom`), which wins over the suite's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The project runs Vitest alone (see `discover::vitest_project`), which with `globals: true`
    /// runs files that do not import `vitest` as Vitest's all the same.
    #[serde(skip)]
    pub vitest_project: bool,
}

impl PlannedFile {
    /// Whether the file imports the `vitest` package's test API (`vitest` itself, not one of
    /// its subpaths such as `vitest/config`): it is then collected as Vitest collects.
    /// In a project that runs Vitest alone, every file is (Vitest's `globals: true`).
    pub fn imports_vitest(&self) -> bool {
        self.vitest_project || self.imports.iter().any(|site| site.specifier == "vitest")
    }
}

/// One import as written: the specifier, how it is imported, and where its string starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSite {
    /// The specifier as written (`"./x.js"`, `"lodash"`).
    pub specifier: String,
    /// `import`/`export from`/`import()`, or `require()`/`import x = require()`.
    pub kind: ImportKind,
    /// 1-based line of the specifier string.
    pub line: u32,
    /// 1-based column (in characters) of the specifier string.
    pub column: u32,
}

/// `proctor list --format json` lists a file's imports as the specifiers it wrote.
fn specifiers_only<S: serde::Serializer>(imports: &[ImportSite], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(imports.iter().map(|site| &site.specifier))
}

/// A parse failure, located.
#[derive(Debug, Clone, Serialize)]
pub struct SyntaxError {
    /// swc's message.
    pub message: String,
    /// Where it is.
    pub location: Location,
    /// The code frame around it.
    pub frame: String,
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

/// A `describe` group or a test.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PlanNode {
    /// `describe(...)`.
    Group(PlannedGroup),
    /// `it(...)` / `test(...)`.
    Test(PlannedTest),
}

/// A `describe` group.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedGroup {
    /// Its id, when its name and all its ancestors' names are static.
    pub id: Option<String>,
    /// Its name, or for a dynamic name the source text that computes it.
    pub name: String,
    /// True when the name is only known once the runtime registers it (templates with
    /// expressions, `.each`, computed names).
    pub dynamic: bool,
    /// Its modifier (`describe.skip`, `describe.only`).
    pub mode: TestMode,
    /// Tags from its options object, its ancestors' included.
    pub tags: Vec<String>,
    /// Where the call is.
    pub location: Location,
    /// Its groups and tests, in source order.
    pub children: Vec<PlanNode>,
}

/// A test.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedTest {
    /// Its id, when its name and all its ancestors' names are static.
    pub id: Option<String>,
    /// Its name, or the source text that computes it.
    pub name: String,
    /// True when the name is only known at registration (see [`PlannedGroup::dynamic`]).
    pub dynamic: bool,
    /// Its modifier, inherited from groups (`skip` wins over `only`).
    pub mode: TestMode,
    /// Tags, its groups' included.
    pub tags: Vec<String>,
    /// A timeout from its options, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Where the call is.
    pub location: Location,
    /// Whether it runs, and if not why (set by the select stage; `Selected` before it).
    #[serde(flatten)]
    pub decision: Decision,
}

impl PlannedFile {
    /// Every test in the file, depth first, with the id of its parent group (`None` at the top).
    pub fn tests(&self) -> Vec<(Option<&str>, &PlannedTest)> {
        fn walk<'a>(nodes: &'a [PlanNode], parent: Option<&'a str>, out: &mut Vec<(Option<&'a str>, &'a PlannedTest)>) {
            for node in nodes {
                match node {
                    PlanNode::Group(g) => walk(&g.children, g.id.as_deref(), out),
                    PlanNode::Test(t) => out.push((parent, t)),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, None, &mut out);
        out
    }
}
