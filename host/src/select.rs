//! Selection: which tests run. [`Selection`] is what the user asked for — `--focus`, `--skip`,
//! `--focus-tag`, `--skip-tag`, `--select`, `--except`, path filters (`proctor run cart`),
//! `--changed`, `--related`, `-t` and each suite's `tags`, `focus-tags` and `skip-tags` —
//! resolved once by `config::resolve` (the test files `--changed` and `--related` reach are
//! worked out from the plan's import graph just before selecting, by `related.rs`). [`select`]
//! applies it to the [`Plan`] before any runtime starts (stage `plan → select → build`): every
//! test gets a [`Decision`], and a file with nothing selected is not loaded at all. Tests whose names are only known at registration
//! are decided later, at reconcile time, by the same [`Selection::decide`] on their registered id.
//!
//! The rules are one ordered table (the README's "Combining selections"): the first row that
//! skips a test decides, and its [`SkipCause`] and words travel with the test to every reporter.

use crate::plan::{Plan, PlanNode, PlannedFile, PlannedTest};
use protocol::{TestMode, ID_SEPARATOR};
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};

/// What the user asked for, resolved from the command line and `proctor.toml`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Selection {
    /// `--focus ID`: only tests under one of these run.
    pub focus: Vec<IdPattern>,
    /// `--skip ID`: tests under these do not run.
    pub skip: Vec<IdPattern>,
    /// `--focus-tag TAG`: only tests carrying one of these run.
    pub focus_tags: Vec<String>,
    /// `--skip-tag TAG`: tests carrying one of these do not run.
    pub skip_tags: Vec<String>,
    /// `--select NAME [SUITE...]`: only tests in one of these run.
    pub select: Vec<AppliedSelection>,
    /// `--except NAME [SUITE...]`: tests in one of these do not run.
    pub except: Vec<AppliedSelection>,
    /// Each suite's tag rules from `proctor.toml`.
    pub suites: Vec<SuiteRules>,
    /// Positional filters (`proctor run cart api`): only files whose path one of them matches
    /// run (Vitest's and Jest's file filters).
    pub paths: Vec<PathFilter>,
    /// `--changed [REF]`: only test files the changed files reach through their imports run.
    pub changed: Option<Reach>,
    /// `--related FILE...`: only test files that reach one of these files run.
    pub related: Option<Reach>,
    /// `-t REGEX`: only tests whose full name matches run.
    pub name: Option<NamePattern>,
}

/// One positional filter.
#[derive(Debug, Clone)]
pub enum PathFilter {
    /// A part of a path: a file runs when its path (relative to the root, with `/`) contains it.
    Part(String),
    /// A glob the shell did not expand, matched against the whole relative path.
    Glob {
        /// The glob as written.
        text: String,
        /// The compiled glob.
        matcher: globset::GlobMatcher,
    },
}

impl PathFilter {
    /// Whether `file` (relative to the root) passes this filter.
    fn matches(&self, file: &str) -> bool {
        match self {
            PathFilter::Part(part) => file.contains(part.as_str()),
            PathFilter::Glob { matcher, .. } => matcher.is_match(file),
        }
    }

    /// The filter as typed (normalized).
    pub fn text(&self) -> &str {
        match self {
            PathFilter::Part(part) => part,
            PathFilter::Glob { text, .. } => text,
        }
    }
}

impl Serialize for PathFilter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.text())
    }
}

/// `--changed` or `--related`: the files named (or found changed), and the test files that reach
/// them through their imports once the plan is known.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reach {
    /// How the flag was given, for reasons (`--changed`, `--changed HEAD~1`, `--related src/a.js`).
    pub flag: String,
    /// The files, absolute.
    pub files: Vec<std::path::PathBuf>,
    /// The test files (relative to the root) that reach them; `None` until worked out, and
    /// then the rule is not applied.
    pub affected: Option<BTreeSet<String>>,
}

impl Reach {
    fn excludes(&self, file: &str) -> bool {
        self.affected.as_ref().is_some_and(|affected| !affected.contains(file))
    }
}

/// `-t REGEX`: matched (unanchored, as a JavaScript `RegExp.test`) against a test's full name in
/// Vitest's form (`group > inner > test`) and in Jest's (`group inner test`); either matching
/// keeps the test.
#[derive(Debug, Clone)]
pub struct NamePattern {
    /// The pattern as typed.
    pub text: String,
    /// The compiled pattern.
    pub regex: regex::Regex,
}

impl NamePattern {
    /// Compiles a pattern; the error is the regex crate's explanation.
    pub fn parse(text: &str) -> Result<NamePattern, String> {
        regex::Regex::new(text).map(|regex| NamePattern { text: text.to_owned(), regex }).map_err(|e| e.to_string())
    }

    /// Whether the test with this id (`file::group::test`) has a matching full name.
    pub fn matches_id(&self, id: &str) -> bool {
        let names: Vec<String> = protocol::split_id(id).into_iter().skip(1).map(protocol::unescape_name).collect();
        self.regex.is_match(&names.join(" > ")) || self.regex.is_match(&names.join(" "))
    }
}

impl Serialize for NamePattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// A suite's tag rules from `proctor.toml`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SuiteRules {
    /// The suite id.
    pub suite: String,
    /// Tags every test of the suite carries.
    pub tags: Vec<String>,
    /// `focus-tags`: by default only tests carrying one of these run.
    pub focus_tags: Vec<String>,
    /// `skip-tags`: by default tests carrying one of these do not run.
    pub skip_tags: Vec<String>,
}

/// An id as typed: `[suite:]path/to/file.test.js[::group[::test]]`, or a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPattern {
    /// What the user typed, for messages.
    pub text: String,
    /// The suite prefix, when one was given.
    pub suite: Option<String>,
    /// The id without the suite prefix, `./` and a trailing `/`.
    pub path: String,
}

/// One entry of a selection's `tests`: an id, or a glob over file paths.
#[derive(Debug, Clone)]
pub enum TestPattern {
    /// An id (a file, a directory, a group or a test).
    Id(IdPattern),
    /// A glob such as `test/api/**/*.test.js`, matched against file paths.
    Glob {
        /// The glob as written.
        text: String,
        /// The compiled glob.
        matcher: globset::GlobMatcher,
    },
}

/// A named selection from `[selections]`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NamedSelection {
    /// Ids and file globs; a test under any of them is in the selection.
    pub tests: Vec<TestPattern>,
    /// A test carrying any of these tags is in the selection.
    pub tags: Vec<String>,
}

/// A named selection as `--select` or `--except` applies it.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedSelection {
    /// Its name.
    pub name: String,
    /// What it contains.
    pub selection: NamedSelection,
    /// The suites it is limited to (empty: every suite).
    pub suites: Vec<String>,
}

/// What happens to one test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Decision {
    /// It runs.
    Selected,
    /// Its name is only known at registration; the same rules decide then.
    Pending,
    /// It does not run.
    Skipped(SkipReason),
}

impl Decision {
    /// False only for a test that certainly does not run.
    pub fn may_run(&self) -> bool {
        !matches!(self, Decision::Skipped(_))
    }
}

/// Why a test does not run: the rule, and the same in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkipReason {
    /// The rule (one row of the README's table).
    pub cause: SkipCause,
    /// In words, naming the flag, selection or tag.
    #[serde(rename = "reason")]
    pub text: String,
}

impl SkipReason {
    /// A reason.
    pub fn new(cause: SkipCause, text: impl Into<String>) -> Self {
        SkipReason { cause, text: text.into() }
    }

    /// Whether reporters show it as skipped or todo.
    pub fn kind(&self) -> crate::events::SkipKind {
        match self.cause {
            SkipCause::Todo => crate::events::SkipKind::Todo,
            _ => crate::events::SkipKind::Skipped,
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The rule that skipped a test, in the order the rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipCause {
    /// In a selection named by `--except`.
    Except,
    /// Not in any selection named by `--select`.
    NotSelected,
    /// Under an id named by `--skip`.
    SkipId,
    /// Carries a tag named by `--skip-tag`.
    SkipTag,
    /// Matched by no `--focus` or `--focus-tag`.
    NotFocused,
    /// Its file's path matches none of the positional filters.
    PathFilter,
    /// Its file reaches none of the files `--changed` found changed.
    Unchanged,
    /// Its file reaches none of the files named by `--related`.
    Unrelated,
    /// Its full name does not match `-t`.
    NamePattern,
    /// Carries a tag in its suite's `skip-tags`.
    SuiteSkipTag,
    /// Carries no tag in its suite's `focus-tags`.
    SuiteFocusTags,
    /// Declared with `.todo`.
    Todo,
    /// Declared with `.skip` (or inside a `describe.skip`).
    Skip,
    /// Another selected test in its file uses `.only`.
    NotOnly,
    /// `--fail-fast` stopped the run before it.
    FailFast,
    /// Ctrl-C or SIGTERM stopped the run before it.
    Interrupted,
    /// The test skipped itself while running (mocha's `this.skip()`).
    SkippedItself,
}

impl SkipCause {
    /// Every cause, in table order.
    pub const ALL: [SkipCause; 17] = [
        SkipCause::Except,
        SkipCause::NotSelected,
        SkipCause::SkipId,
        SkipCause::SkipTag,
        SkipCause::NotFocused,
        SkipCause::PathFilter,
        SkipCause::Unchanged,
        SkipCause::Unrelated,
        SkipCause::NamePattern,
        SkipCause::SuiteSkipTag,
        SkipCause::SuiteFocusTags,
        SkipCause::Todo,
        SkipCause::Skip,
        SkipCause::NotOnly,
        SkipCause::FailFast,
        SkipCause::Interrupted,
        SkipCause::SkippedItself,
    ];

    /// True when the test file itself says so (`.skip`, `.todo`, `.only`) about a test the flags
    /// and config would run: reporters always show these, while tests left out by flags and
    /// config are shown only with `--verbose`.
    pub fn is_declared(self) -> bool {
        matches!(self, SkipCause::Todo | SkipCause::Skip | SkipCause::NotOnly | SkipCause::SkippedItself)
    }

    /// True when the run stopped before the test (`--fail-fast`, a signal) rather than a rule
    /// leaving it out: the summary says where the run stopped instead of listing these.
    pub fn stopped_the_run(self) -> bool {
        matches!(self, SkipCause::FailFast | SkipCause::Interrupted)
    }

    /// A short label for counts per cause.
    pub fn label(self) -> &'static str {
        match self {
            SkipCause::Todo => "todo",
            SkipCause::Skip => "skipped with .skip",
            SkipCause::Except => "removed by --except",
            SkipCause::NotSelected => "not in --select",
            SkipCause::SkipId => "skipped by --skip",
            SkipCause::SkipTag => "skipped by --skip-tag",
            SkipCause::NotFocused => "not focused by --focus/--focus-tag",
            SkipCause::PathFilter => "path matches no filter",
            SkipCause::Unchanged => "not affected by --changed",
            SkipCause::Unrelated => "not related to --related",
            SkipCause::NamePattern => "name does not match -t",
            SkipCause::SuiteSkipTag => "skipped by a suite's skip-tags",
            SkipCause::SuiteFocusTags => "not in a suite's focus-tags",
            SkipCause::NotOnly => "not .only in a file that uses .only",
            SkipCause::FailFast => "not run after --fail-fast",
            SkipCause::Interrupted => "not run: interrupted",
            SkipCause::SkippedItself => "skipped itself (this.skip())",
        }
    }
}

/// Counts of skipped tests per [`SkipCause`]; `Copy`, so it rides in every stats snapshot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SkipCounts([usize; SkipCause::ALL.len()]);

impl SkipCounts {
    /// Counts one.
    pub fn add(&mut self, cause: SkipCause) {
        self.0[cause as usize] += 1;
    }

    /// How many tests this cause skipped.
    pub fn get(&self, cause: SkipCause) -> usize {
        self.0[cause as usize]
    }

    /// The causes that skipped something, in table order.
    pub fn nonzero(&self) -> impl Iterator<Item = (SkipCause, usize)> + '_ {
        SkipCause::ALL.into_iter().map(|c| (c, self.get(c))).filter(|(_, n)| *n > 0)
    }
}

impl Serialize for SkipCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.nonzero())
    }
}

impl Serialize for IdPattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl Serialize for TestPattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TestPattern::Id(id) => id.serialize(s),
            TestPattern::Glob { text, .. } => s.serialize_str(text),
        }
    }
}

/// An id named a suite that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSuitePrefix {
    /// The suite part.
    pub suite: String,
}

impl IdPattern {
    /// Parses an id. A prefix before a single `:` (not `::`) is a suite and must be one of
    /// `suites`.
    pub fn parse(text: &str, suites: &[&str]) -> Result<IdPattern, UnknownSuitePrefix> {
        let trimmed = text.trim();
        let first_separator = trimmed.find(ID_SEPARATOR).unwrap_or(trimmed.len());
        let (suite, rest) = match trimmed[..first_separator].find(':') {
            Some(colon) => {
                let suite = &trimmed[..colon];
                if !suites.contains(&suite) {
                    return Err(UnknownSuitePrefix { suite: suite.to_owned() });
                }
                (Some(suite.to_owned()), &trimmed[colon + 1..])
            }
            None => (None, trimmed),
        };
        let mut path = rest;
        while let Some(stripped) = path.strip_prefix("./") {
            path = stripped;
        }
        let path = if path.contains(ID_SEPARATOR) { path } else { path.trim_end_matches('/') };
        let path = if path == "." { "" } else { path };
        Ok(IdPattern { text: text.to_owned(), suite, path: path.to_owned() })
    }
}

impl TestPattern {
    /// Parses one entry of a selection's `tests`: a glob when it has glob characters, else an id.
    pub fn parse(text: &str, suites: &[&str]) -> Result<TestPattern, String> {
        if text.contains(['*', '?', '[', '{']) && !text.contains(ID_SEPARATOR) {
            let glob = crate::plan::segment_glob(text.trim_start_matches("./"))
                .map_err(|e| format!("bad glob \"{text}\": {}", e.kind()))?;
            Ok(TestPattern::Glob { text: text.to_owned(), matcher: glob.compile_matcher() })
        } else {
            IdPattern::parse(text, suites)
                .map(TestPattern::Id)
                .map_err(|e| format!("\"{text}\" names no suite \"{}\"", e.suite))
        }
    }
}

/// How much is known about a test's id.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Known<'a> {
    /// The test's own id.
    Exact(&'a str),
    /// Only an enclosing id (a file or group): its name is dynamic, or the file did not parse.
    Within(&'a str),
}

/// A test (or a test-to-be) to decide.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate<'a> {
    /// Its suite.
    pub suite: &'a str,
    /// Its file, relative to the root.
    pub file: &'a str,
    /// Its id, or the id it is within.
    pub id: Known<'a>,
    /// Its tags (suite tags aside), when known.
    pub tags: Option<&'a [String]>,
    /// How it is declared.
    pub mode: TestMode,
}

/// Whether a rule needs a match to be certain (rules that skip) or merely possible (rules that
/// keep): a test-to-be is kept unless it is certainly skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Possibly,
    Definitely,
}

impl Candidate<'_> {
    fn matches(&self, pattern: &IdPattern, need: Need) -> bool {
        if pattern.suite.as_deref().is_some_and(|suite| suite != self.suite) {
            return false;
        }
        let p = pattern.path.as_str();
        if p.is_empty()
            || (!p.contains(ID_SEPARATOR) && self.file.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
        {
            return true;
        }
        let (id, within) = match self.id {
            Known::Exact(id) => (id, false),
            Known::Within(id) => (id, true),
        };
        if under(id, p) {
            return true;
        }
        within && need == Need::Possibly && under(p, id) && p != id
    }

    fn has_tag(&self, tag: &str, rules: Option<&SuiteRules>, need: Need) -> bool {
        if rules.is_some_and(|r| r.tags.iter().any(|t| t == tag)) {
            return true;
        }
        match self.tags {
            Some(tags) => tags.iter().any(|t| t == tag),
            None => need == Need::Possibly,
        }
    }
}

/// True when `id` is `prefix` or inside it (at a `::` boundary, never at an escaped `\:\:` in a
/// name).
fn under(id: &str, prefix: &str) -> bool {
    protocol::id_is_under(id, prefix)
}

impl AppliedSelection {
    fn contains(&self, c: &Candidate<'_>, rules: Option<&SuiteRules>, need: Need) -> bool {
        if !self.suites.is_empty() && !self.suites.iter().any(|s| s == c.suite) {
            return false;
        }
        self.selection.tests.iter().any(|pattern| match pattern {
            TestPattern::Id(id) => c.matches(id, need),
            TestPattern::Glob { matcher, .. } => matcher.is_match(c.file),
        }) || self.selection.tags.iter().any(|tag| c.has_tag(tag, rules, need))
    }

    fn label(&self) -> String {
        if self.suites.is_empty() {
            self.name.clone()
        } else {
            format!("{} {}", self.name, self.suites.join(" "))
        }
    }
}

impl Selection {
    /// Whether any rule could leave out some tests of a file it selects (ids, tags, named
    /// selections, `-t`); file filters (`--changed`, paths) take whole files.
    pub fn filters_tests(&self, suite: &str) -> bool {
        !(self.focus.is_empty()
            && self.skip.is_empty()
            && self.focus_tags.is_empty()
            && self.skip_tags.is_empty()
            && self.select.is_empty()
            && self.except.is_empty()
            && self.name.is_none()
            && self.rules(suite).is_none_or(|r| r.focus_tags.is_empty() && r.skip_tags.is_empty()))
    }

    fn rules(&self, suite: &str) -> Option<&SuiteRules> {
        self.suites.iter().find(|r| r.suite == suite)
    }

    /// Applies the table's rows in order; the first that skips the test decides. Every row
    /// only ever skips, so the order decides which reason is reported: what the flags and config
    /// leave out first, then what the file itself says about the rest. `.only` is the last row
    /// and needs the whole file: see [`apply_only`].
    pub(crate) fn decide(&self, c: &Candidate<'_>) -> Decision {
        use Need::{Definitely, Possibly};
        let skipped = |cause, text: String| Decision::Skipped(SkipReason::new(cause, text));
        let rules = self.rules(c.suite);
        if let Some(applied) = self.except.iter().find(|a| a.contains(c, rules, Definitely)) {
            return skipped(SkipCause::Except, format!("removed by --except {}", applied.label()));
        }
        if !self.select.is_empty() && !self.select.iter().any(|a| a.contains(c, rules, Possibly)) {
            let names: Vec<String> = self.select.iter().map(AppliedSelection::label).collect();
            return skipped(SkipCause::NotSelected, format!("not in --select {}", names.join(" or ")));
        }
        if let Some(pattern) = self.skip.iter().find(|p| c.matches(p, Definitely)) {
            return skipped(SkipCause::SkipId, format!("skipped by --skip {}", pattern.text));
        }
        if let Some(tag) = self.skip_tags.iter().find(|t| c.has_tag(t, rules, Definitely)) {
            return skipped(SkipCause::SkipTag, format!("skipped by --skip-tag {tag}"));
        }
        let cli_focus = !self.focus.is_empty() || !self.focus_tags.is_empty();
        let focused_by_id = self.focus.iter().any(|p| c.matches(p, Possibly));
        if cli_focus && !focused_by_id && !self.focus_tags.iter().any(|t| c.has_tag(t, rules, Possibly)) {
            return skipped(SkipCause::NotFocused, "not matched by any --focus or --focus-tag".into());
        }
        if !self.paths.is_empty() && !self.paths.iter().any(|filter| filter.matches(c.file)) {
            let filters: Vec<&str> = self.paths.iter().map(PathFilter::text).collect();
            return skipped(SkipCause::PathFilter, format!("path matches no filter ({})", filters.join(", ")));
        }
        if let Some(changed) = self.changed.as_ref().filter(|r| r.excludes(c.file)) {
            return skipped(SkipCause::Unchanged, format!("its file reaches no file changed ({})", changed.flag));
        }
        if let Some(related) = self.related.as_ref().filter(|r| r.excludes(c.file)) {
            return skipped(SkipCause::Unrelated, format!("its file reaches none of {}", related.flag));
        }
        if let (Some(name), Known::Exact(id)) = (&self.name, c.id) {
            if !name.matches_id(id) {
                return skipped(SkipCause::NamePattern, format!("name does not match -t {}", name.text));
            }
        }
        if let Some(rules) = rules {
            let overridden = |tag: &String| focused_by_id || self.focus_tags.contains(tag);
            if let Some(tag) = rules.skip_tags.iter().find(|t| c.has_tag(t, Some(rules), Definitely) && !overridden(t))
            {
                return skipped(
                    SkipCause::SuiteSkipTag,
                    format!("tagged {tag}, which suite {} skips (skip-tags in proctor.toml)", rules.suite),
                );
            }
            if !cli_focus
                && !rules.focus_tags.is_empty()
                && !rules.focus_tags.iter().any(|t| c.has_tag(t, Some(rules), Possibly))
            {
                return skipped(
                    SkipCause::SuiteFocusTags,
                    format!(
                        "not tagged {}, which suite {} focuses on (focus-tags in proctor.toml)",
                        rules.focus_tags.join(" or "),
                        rules.suite
                    ),
                );
            }
        }
        match c.mode {
            TestMode::Todo => return skipped(SkipCause::Todo, "declared with .todo".into()),
            TestMode::Skip => return skipped(SkipCause::Skip, "skipped with .skip".into()),
            TestMode::Run | TestMode::Only => {}
        }
        match c.id {
            Known::Exact(_) => Decision::Selected,
            Known::Within(_) => Decision::Pending,
        }
    }
}

/// The last row: within one file, when a test that may run uses `.only`, the file's other tests
/// that may run are skipped (Jest's per-file `.only`, applied after every other rule).
/// `tests` are `(file, mode, decision)` in any order.
pub(crate) fn apply_only<'a>(tests: impl IntoIterator<Item = (&'a str, TestMode, &'a mut Decision)>) {
    let mut tests: Vec<(&str, TestMode, &mut Decision)> = tests.into_iter().collect();
    let focused: BTreeSet<&str> = tests
        .iter()
        .filter(|(_, mode, decision)| *mode == TestMode::Only && decision.may_run())
        .map(|(file, _, _)| *file)
        .collect();
    for (file, mode, decision) in &mut tests {
        if *mode != TestMode::Only && decision.may_run() && focused.contains(file) {
            **decision = Decision::Skipped(SkipReason::new(
                SkipCause::NotOnly,
                "not focused: another test in this file uses .only",
            ));
        }
    }
}

/// Why a selection could not be applied to the plan (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// An id given to `--focus` or `--skip` matches no file, group or test.
    #[error("failed to select: {flag} {id} matches no file, group or test{}", hint(suggestions))]
    NoMatch {
        /// The flag.
        flag: &'static str,
        /// The id as typed.
        id: String,
        /// The closest existing ids.
        suggestions: Vec<String>,
    },
}

/// `(hint: did you mean ...?)`, or a pointer to `proctor list`.
pub(crate) fn hint(suggestions: &[String]) -> String {
    match suggestions {
        [] => " (hint: `proctor list` shows every id)".into(),
        [one] => format!(" (hint: did you mean {one}?)"),
        many => format!(" (hint: did you mean one of {}?)", many.join(", ")),
    }
}

/// What [`select`] found worth telling the user (printed as warnings; not errors).
#[derive(Debug, Default)]
pub struct SelectNotes {
    /// One line each.
    pub warnings: Vec<String>,
}

/// Decides every test of the plan, marks which files load, and checks the selection against the
/// plan: an id that matches nothing is an error; a tag no test carries, or a selection that
/// matches nothing, is a warning.
pub fn select(plan: &mut Plan, selection: &Selection) -> Result<SelectNotes, SelectError> {
    let index = PlanIndex::of(plan);
    for (flag, patterns) in [("--focus", &selection.focus), ("--skip", &selection.skip)] {
        for pattern in patterns {
            if !index.knows(pattern) {
                return Err(SelectError::NoMatch {
                    flag,
                    id: pattern.text.clone(),
                    suggestions: closest(&pattern.path, index.ids()),
                });
            }
        }
    }
    let mut notes = SelectNotes::default();
    for (flag, tags) in [("--focus-tag", &selection.focus_tags), ("--skip-tag", &selection.skip_tags)] {
        for tag in tags {
            let suite_tags = selection.suites.iter().flat_map(|r| r.tags.iter().map(String::as_str));
            let known: BTreeSet<&str> = index.tags.iter().copied().chain(suite_tags).collect();
            if !known.contains(tag.as_str()) {
                let hint = match closest(tag, known.iter().copied()).as_slice() {
                    [] if known.is_empty() => " (no test has tags)".to_owned(),
                    [] => format!(" (tags in use: {})", known.into_iter().collect::<Vec<_>>().join(", ")),
                    suggestions => format!(" (hint: did you mean {}?)", suggestions.join(" or ")),
                };
                notes.warnings.push(format!("{flag} {tag}: no test carries this tag{hint}"));
            }
        }
    }
    for filter in &selection.paths {
        if !plan.suites.iter().flat_map(|s| &s.files).any(|f| filter.matches(&f.path)) {
            notes.warnings.push(format!(
                "path filter {}: no test file's path contains it (hint: `proctor list` shows every file)",
                filter.text()
            ));
        }
    }
    for (reach, what) in [(&selection.changed, "changed"), (&selection.related, "named")] {
        let Some(reach) = reach.as_ref().filter(|r| r.affected.as_ref().is_some_and(BTreeSet::is_empty)) else {
            continue;
        };
        notes.warnings.push(match reach.files.len() {
            0 => format!("{}: git reports no changed file, so no test is affected", reach.flag),
            1 => format!("{}: no test file reaches the file {what} through its imports", reach.flag),
            n => format!("{}: no test file reaches any of the {n} files {what} through its imports", reach.flag),
        });
    }
    if let Some(name) = &selection.name {
        let named = index.tests.iter().any(|id| name.matches_id(id));
        if !named && index.open.is_empty() {
            notes.warnings.push(format!("-t {}: no test's full name matches it", name.text));
        }
    }
    for suite in &mut plan.suites {
        let suite_id = suite.id.clone();
        for file in &mut suite.files {
            decide_file(selection, &suite_id, file);
        }
    }
    for (flag, applied, consequence) in [
        ("--select", &selection.select, "so it runs nothing"),
        ("--except", &selection.except, "so it removes nothing"),
    ] {
        for a in applied {
            if !plan_has_member(plan, selection, a) {
                notes.warnings.push(format!("{flag} {}: the selection matches no test, {consequence}", a.label()));
            }
        }
    }
    Ok(notes)
}

fn decide_file(selection: &Selection, suite: &str, file: &mut PlannedFile) {
    let Some(candidates) = file_candidates(suite, file) else {
        // Nothing is known about its tests: load it (to report what it registers, or its syntax
        // error) unless no test in it could be selected.
        let c = Candidate { suite, file: &file.path, id: Known::Within(&file.path), tags: None, mode: TestMode::Run };
        file.selected = selection.decide(&c).may_run();
        return;
    };
    let mut decisions: Vec<(TestMode, Decision)> = candidates.iter().map(|c| (c.mode, selection.decide(c))).collect();
    apply_only(decisions.iter_mut().map(|(mode, decision)| (file.path.as_str(), *mode, decision)));
    file.selected = decisions.iter().any(|(_, d)| d.may_run());
    let mut tests = Vec::new();
    tests_mut(&mut file.nodes, &mut tests);
    for (test, (_, decision)) in tests.into_iter().zip(decisions) {
        test.decision = decision;
    }
}

/// A candidate per test of a file, in source order; `None` when nothing is known about the
/// file's tests (it did not parse, or declares them where static analysis cannot see).
fn file_candidates<'a>(suite: &'a str, file: &'a PlannedFile) -> Option<Vec<Candidate<'a>>> {
    fn walk<'a>(suite: &'a str, file: &'a str, within: &'a str, nodes: &'a [PlanNode], out: &mut Vec<Candidate<'a>>) {
        for node in nodes {
            match node {
                PlanNode::Group(group) => {
                    walk(suite, file, group.id.as_deref().unwrap_or(within), &group.children, out)
                }
                PlanNode::Test(test) => {
                    let id = match &test.id {
                        Some(id) => Known::Exact(id),
                        None => Known::Within(within),
                    };
                    out.push(Candidate { suite, file, id, tags: Some(&test.tags), mode: test.mode });
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(suite, &file.path, &file.path, &file.nodes, &mut out);
    (file.syntax_error.is_none() && !out.is_empty()).then_some(out)
}

/// Every test of a tree, in the order of [`file_candidates`].
fn tests_mut<'a>(nodes: &'a mut [PlanNode], out: &mut Vec<&'a mut PlannedTest>) {
    for node in nodes {
        match node {
            PlanNode::Group(group) => tests_mut(&mut group.children, out),
            PlanNode::Test(test) => out.push(test),
        }
    }
}

fn plan_has_member(plan: &Plan, selection: &Selection, applied: &AppliedSelection) -> bool {
    plan.suites.iter().any(|suite| {
        let rules = selection.rules(&suite.id);
        suite.files.iter().any(|file| match file_candidates(&suite.id, file) {
            Some(candidates) => candidates.iter().any(|c| applied.contains(c, rules, Need::Possibly)),
            None => {
                let c = Candidate {
                    suite: &suite.id,
                    file: &file.path,
                    id: Known::Within(&file.path),
                    tags: None,
                    mode: TestMode::Run,
                };
                applied.contains(&c, rules, Need::Possibly)
            }
        })
    })
}

/// The plan's ids and tags, to check `--focus`/`--skip` ids and tags against.
struct PlanIndex<'p> {
    /// (suite, id) of every file, group and test with a static id.
    ids: Vec<(&'p str, &'p str)>,
    /// (suite, id) of files and groups that hold tests whose names are only known at load.
    open: Vec<(&'p str, &'p str)>,
    /// (suite, file) of every file.
    files: Vec<(&'p str, &'p str)>,
    /// The ids of the tests (not files or groups) with a static id.
    tests: Vec<&'p str>,
    tags: BTreeSet<&'p str>,
}

impl<'p> PlanIndex<'p> {
    fn of(plan: &'p Plan) -> Self {
        let mut index = PlanIndex {
            ids: Vec::new(),
            open: Vec::new(),
            files: Vec::new(),
            tests: Vec::new(),
            tags: BTreeSet::new(),
        };
        for suite in &plan.suites {
            for file in &suite.files {
                index.files.push((&suite.id, &file.path));
                index.ids.push((&suite.id, &file.path));
                if file.syntax_error.is_some() || file.nodes.is_empty() {
                    index.open.push((&suite.id, &file.path));
                }
                index.walk(&suite.id, &file.path, &file.nodes);
            }
        }
        index
    }

    fn walk(&mut self, suite: &'p str, within: &'p str, nodes: &'p [PlanNode]) {
        for node in nodes {
            match node {
                PlanNode::Group(group) => {
                    self.tags.extend(group.tags.iter().map(String::as_str));
                    match &group.id {
                        Some(id) => {
                            self.ids.push((suite, id));
                            self.walk(suite, id, &group.children);
                        }
                        None => {
                            self.open.push((suite, within));
                            self.walk(suite, within, &group.children);
                        }
                    }
                }
                PlanNode::Test(test) => {
                    self.tags.extend(test.tags.iter().map(String::as_str));
                    match &test.id {
                        Some(id) => {
                            self.ids.push((suite, id));
                            self.tests.push(id);
                        }
                        None => self.open.push((suite, within)),
                    }
                }
            }
        }
    }

    /// True when the pattern names a directory, file, group or test, or could name a test whose
    /// name is only known at load.
    fn knows(&self, pattern: &IdPattern) -> bool {
        let in_suite = |suite: &str| pattern.suite.as_deref().is_none_or(|s| s == suite);
        let p = pattern.path.as_str();
        self.ids.iter().any(|(suite, id)| in_suite(suite) && under(id, p))
            || self.files.iter().any(|(suite, file)| {
                in_suite(suite) && (p.is_empty() || file.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
            })
            || self.open.iter().any(|(suite, id)| in_suite(suite) && under(p, id))
    }

    fn ids(&self) -> Vec<&'p str> {
        self.ids.iter().map(|(_, id)| *id).collect()
    }
}

/// Up to three of `candidates` closest to `target` (by edit distance, on the whole id or on its
/// last segment, so a bare test name finds its full id).
pub(crate) fn closest<'c>(target: &str, candidates: impl IntoIterator<Item = &'c str>) -> Vec<String> {
    let limit = (target.chars().count() / 3).max(2);
    let mut scored: BTreeMap<(usize, String), ()> = BTreeMap::new();
    for candidate in candidates {
        let last = protocol::split_id(candidate).pop().unwrap_or(candidate);
        let score = strsim::levenshtein(target, candidate).min(strsim::levenshtein(target, last));
        if score <= limit {
            scored.insert((score, candidate.to_owned()), ());
        }
    }
    scored.into_keys().map(|(_, c)| c).take(3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> IdPattern {
        IdPattern::parse(text, &["unit", "integration"]).unwrap()
    }

    fn exact<'a>(suite: &'a str, test_id: &'a str, tags: &'a [String]) -> Candidate<'a> {
        let file = test_id.split(ID_SEPARATOR).next().unwrap();
        Candidate { suite, file, id: Known::Exact(test_id), tags: Some(tags), mode: TestMode::Run }
    }

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| t.to_string()).collect()
    }

    fn cause(decision: Decision) -> Option<SkipCause> {
        match decision {
            Decision::Skipped(reason) => Some(reason.cause),
            Decision::Selected | Decision::Pending => None,
        }
    }

    fn named(name: &str, tests: &[&str], tag_list: &[&str], suites: &[&str]) -> AppliedSelection {
        AppliedSelection {
            name: name.into(),
            selection: NamedSelection {
                tests: tests.iter().map(|t| TestPattern::parse(t, &["unit", "integration"]).unwrap()).collect(),
                tags: tags(tag_list),
            },
            suites: suites.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn ids_parse_with_and_without_a_suite_prefix() {
        assert_eq!(id("unit:a.test.js::x").suite.as_deref(), Some("unit"));
        assert_eq!(id("unit:a.test.js::x").path, "a.test.js::x");
        assert_eq!(id("a.test.js::x:y").suite, None);
        assert_eq!(id("./test/api/").path, "test/api");
        assert_eq!(IdPattern::parse("nope:a.test.js", &["unit"]), Err(UnknownSuitePrefix { suite: "nope".into() }));
    }

    #[test]
    fn an_id_matches_itself_and_everything_under_it_at_a_segment_boundary() {
        let none = tags(&[]);
        let c = exact("unit", "a.test.js::math::adds", &none);
        for pattern in ["a.test.js::math::adds", "a.test.js::math", "a.test.js", "unit:a.test.js::math"] {
            assert!(c.matches(&id(pattern), Need::Definitely), "{pattern}");
        }
        for pattern in ["a.test.js::mat", "a.test.js::math::add", "a.test", "integration:a.test.js"] {
            assert!(!c.matches(&id(pattern), Need::Possibly), "{pattern}");
        }
        let other = exact("unit", "a.test.js::mathematics::x", &none);
        assert!(!other.matches(&id("a.test.js::math"), Need::Possibly));
        let nested = exact("unit", "test/api/users.test.js::lists", &none);
        assert!(nested.matches(&id("test/api"), Need::Definitely));
        assert!(nested.matches(&id("test/"), Need::Definitely));
        assert!(!nested.matches(&id("test/ap"), Need::Possibly));
    }

    #[test]
    fn a_test_to_be_is_kept_unless_certainly_skipped() {
        let c = Candidate {
            suite: "unit",
            file: "a.test.js",
            id: Known::Within("a.test.js::each"),
            tags: None,
            mode: TestMode::Run,
        };
        assert!(c.matches(&id("a.test.js::each::case 1"), Need::Possibly));
        assert!(!c.matches(&id("a.test.js::each::case 1"), Need::Definitely));
        assert!(c.matches(&id("a.test.js::each"), Need::Definitely));
        assert!(c.has_tag("slow", None, Need::Possibly));
        assert!(!c.has_tag("slow", None, Need::Definitely));
        let selection = Selection {
            focus: vec![id("a.test.js::each::case 1")],
            skip_tags: tags(&["slow"]),
            ..Selection::default()
        };
        assert_eq!(selection.decide(&c), Decision::Pending);
        let selection = Selection { focus: vec![id("a.test.js::other")], ..Selection::default() };
        assert_eq!(cause(selection.decide(&c)), Some(SkipCause::NotFocused));
    }

    /// One assertion per row of the README's table, in its order.
    #[test]
    fn the_table_rows_apply_in_order() {
        let fast = tags(&["fast"]);
        let wip = tags(&["wip", "fast"]);
        let rules =
            vec![SuiteRules { suite: "unit".into(), tags: vec![], focus_tags: vec![], skip_tags: tags(&["wip"]) }];
        let test = exact("unit", "a.test.js::g::t", &fast);
        let wip_test = exact("unit", "a.test.js::g::w", &wip);

        // --except beats --select.
        let both = Selection {
            select: vec![named("s", &["a.test.js"], &[], &[])],
            except: vec![named("e", &[], &["fast"], &[])],
            ..Selection::default()
        };
        assert_eq!(cause(both.decide(&test)), Some(SkipCause::Except));
        // --except and --select limited to suites.
        let except_other =
            Selection { except: vec![named("e", &["a.test.js"], &[], &["integration"])], ..Selection::default() };
        assert_eq!(except_other.decide(&test), Decision::Selected);
        let select_other =
            Selection { select: vec![named("s", &["a.test.js"], &[], &["integration"])], ..Selection::default() };
        assert_eq!(cause(select_other.decide(&test)), Some(SkipCause::NotSelected));
        let select_glob =
            Selection { select: vec![named("s", &["*.test.js"], &[], &["unit"])], ..Selection::default() };
        assert_eq!(select_glob.decide(&test), Decision::Selected);
        // --select limits, and --skip still applies within it.
        let select_skip = Selection {
            select: vec![named("s", &["a.test.js"], &[], &[])],
            skip: vec![id("a.test.js::g")],
            ..Selection::default()
        };
        assert_eq!(cause(select_skip.decide(&test)), Some(SkipCause::SkipId));
        // --skip beats --focus.
        let skip_focus =
            Selection { focus: vec![id("a.test.js::g::t")], skip: vec![id("a.test.js")], ..Selection::default() };
        assert_eq!(cause(skip_focus.decide(&test)), Some(SkipCause::SkipId));
        // --skip-tag beats --focus and --focus-tag.
        let tag_focus = Selection { focus_tags: tags(&["fast"]), skip_tags: tags(&["fast"]), ..Selection::default() };
        assert_eq!(cause(tag_focus.decide(&test)), Some(SkipCause::SkipTag));
        // Focus: id or tag.
        let focus_other = Selection { focus: vec![id("b.test.js")], ..Selection::default() };
        assert_eq!(cause(focus_other.decide(&test)), Some(SkipCause::NotFocused));
        let focus_tag = Selection { focus: vec![id("b.test.js")], focus_tags: tags(&["fast"]), ..Selection::default() };
        assert_eq!(focus_tag.decide(&test), Decision::Selected);
        // Suite skip-tags: apply by default ...
        let config = Selection { suites: rules.clone(), ..Selection::default() };
        assert_eq!(cause(config.decide(&wip_test)), Some(SkipCause::SuiteSkipTag));
        // ... not when --focus names the test or an enclosing id, or --focus-tag names the tag ...
        let by_id = Selection { focus: vec![id("a.test.js::g")], suites: rules.clone(), ..Selection::default() };
        assert_eq!(by_id.decide(&wip_test), Decision::Selected);
        let by_tag = Selection { focus_tags: tags(&["wip"]), suites: rules.clone(), ..Selection::default() };
        assert_eq!(by_tag.decide(&wip_test), Decision::Selected);
        // ... but a focus on another of its tags, or a selection, does not lift them.
        let other_tag = Selection { focus_tags: tags(&["fast"]), suites: rules.clone(), ..Selection::default() };
        assert_eq!(cause(other_tag.decide(&wip_test)), Some(SkipCause::SuiteSkipTag));
        let selected = Selection {
            select: vec![named("s", &["a.test.js"], &[], &[])],
            suites: rules.clone(),
            ..Selection::default()
        };
        assert_eq!(cause(selected.decide(&wip_test)), Some(SkipCause::SuiteSkipTag));
        // Suite focus-tags: apply without a command-line focus; --focus replaces them.
        let smoke = vec![SuiteRules { suite: "unit".into(), focus_tags: tags(&["smoke"]), ..SuiteRules::default() }];
        let config = Selection { suites: smoke.clone(), ..Selection::default() };
        assert_eq!(cause(config.decide(&test)), Some(SkipCause::SuiteFocusTags));
        let replaced = Selection { focus: vec![id("a.test.js")], suites: smoke, ..Selection::default() };
        assert_eq!(replaced.decide(&test), Decision::Selected);
        // Suite tags count as the test's own.
        let suite_tag = vec![SuiteRules { suite: "unit".into(), tags: tags(&["unit-tag"]), ..SuiteRules::default() }];
        let by_suite_tag = Selection { skip_tags: tags(&["unit-tag"]), suites: suite_tag, ..Selection::default() };
        assert_eq!(cause(by_suite_tag.decide(&test)), Some(SkipCause::SkipTag));
        // Source modifiers: a flag never runs a .todo or .skip test, and for a test the flags
        // leave out anyway, the flag is the reason.
        let focus_it = Selection { focus: vec![id("a.test.js::g::t")], ..Selection::default() };
        assert_eq!(cause(focus_it.decide(&Candidate { mode: TestMode::Todo, ..test })), Some(SkipCause::Todo));
        assert_eq!(cause(focus_it.decide(&Candidate { mode: TestMode::Skip, ..test })), Some(SkipCause::Skip));
        assert_eq!(cause(focus_other.decide(&Candidate { mode: TestMode::Skip, ..test })), Some(SkipCause::NotFocused));
        // Nothing asked: it runs.
        assert_eq!(Selection::default().decide(&test), Decision::Selected);
    }

    #[test]
    fn names_match_in_vitests_form_and_in_jests() {
        let pattern = |text: &str| NamePattern::parse(text).unwrap();
        let id = "test/cart.test.js::cart::totals::adds tax";
        for matching in ["cart > totals", "cart totals adds", "^cart > totals > adds tax$", "adds", "(?i)ADDS TAX"] {
            assert!(pattern(matching).matches_id(id), "{matching}");
        }
        for other in ["test/cart", "cart > adds", "^totals", "ADDS"] {
            assert!(!pattern(other).matches_id(id), "{other}");
        }
        // Escaped names are matched as they read, and `>` is only a separator in the joined name.
        assert!(pattern("a::b > c").matches_id(r"f.js::a\:\:b::c"));
        assert!(NamePattern::parse("(unclosed").is_err());
    }

    #[test]
    fn path_filters_changed_related_and_names_are_rows_after_focus() {
        let none = tags(&[]);
        let cart = exact("unit", "test/cart.test.js::cart::adds", &none);
        let api = exact("unit", "test/api.test.js::responds", &none);
        let parts = |list: &[&str]| list.iter().map(|p| PathFilter::Part(p.to_string())).collect::<Vec<_>>();
        let filtered = Selection { paths: parts(&["cart", "nothing"]), ..Selection::default() };
        assert_eq!(filtered.decide(&cart), Decision::Selected);
        assert_eq!(cause(filtered.decide(&api)), Some(SkipCause::PathFilter));
        let glob = PathFilter::Glob {
            text: "test/a*".into(),
            matcher: globset::Glob::new("test/a*").unwrap().compile_matcher(),
        };
        let globbed = Selection { paths: vec![glob], ..Selection::default() };
        assert_eq!(globbed.decide(&api), Decision::Selected);
        assert_eq!(cause(globbed.decide(&cart)), Some(SkipCause::PathFilter));
        let reach = |affected: Option<&[&str]>| Reach {
            flag: "--changed".into(),
            files: vec![],
            affected: affected.map(|a| a.iter().map(|f| f.to_string()).collect()),
        };
        let changed = Selection { changed: Some(reach(Some(&["test/cart.test.js"]))), ..Selection::default() };
        assert_eq!(changed.decide(&cart), Decision::Selected);
        assert_eq!(cause(changed.decide(&api)), Some(SkipCause::Unchanged));
        let related = Selection { related: Some(reach(Some(&[]))), ..Selection::default() };
        assert_eq!(cause(related.decide(&cart)), Some(SkipCause::Unrelated));
        let not_worked_out = Selection { changed: Some(reach(None)), ..Selection::default() };
        assert_eq!(not_worked_out.decide(&api), Decision::Selected, "no rule until the graph says");
        let named = Selection { name: Some(NamePattern::parse("cart > adds").unwrap()), ..Selection::default() };
        assert_eq!(named.decide(&cart), Decision::Selected);
        assert_eq!(cause(named.decide(&api)), Some(SkipCause::NamePattern));
        // A test whose name is only known at registration waits for it.
        let within = Candidate { id: Known::Within("test/api.test.js"), ..api };
        assert_eq!(named.decide(&within), Decision::Pending);
        // They compose with the other rows: --skip still wins, focus still narrows.
        let both = Selection {
            skip: vec![id("test/cart.test.js")],
            name: Some(NamePattern::parse("adds").unwrap()),
            ..Selection::default()
        };
        assert_eq!(cause(both.decide(&cart)), Some(SkipCause::SkipId));
        let focus_and_name = Selection {
            focus: vec![id("test/api.test.js")],
            name: Some(NamePattern::parse("adds").unwrap()),
            ..Selection::default()
        };
        assert_eq!(cause(focus_and_name.decide(&cart)), Some(SkipCause::NotFocused));
        assert_eq!(cause(focus_and_name.decide(&api)), Some(SkipCause::NamePattern));
    }

    #[test]
    fn only_applies_among_the_tests_that_may_run() {
        let mut a = Decision::Selected;
        let mut b = Decision::Selected;
        let mut c = Decision::Selected;
        apply_only([("f", TestMode::Run, &mut a), ("f", TestMode::Only, &mut b), ("g", TestMode::Run, &mut c)]);
        assert_eq!(cause(a), Some(SkipCause::NotOnly));
        assert_eq!(b, Decision::Selected);
        assert_eq!(c, Decision::Selected);
        // An `.only` test that the selection skipped focuses nothing.
        let mut a = Decision::Selected;
        let mut b = Decision::Skipped(SkipReason::new(SkipCause::NotFocused, "x"));
        apply_only([("f", TestMode::Run, &mut a), ("f", TestMode::Only, &mut b)]);
        assert_eq!(a, Decision::Selected);
    }

    #[test]
    fn suggestions_find_typos_and_bare_names() {
        let ids = ["a.test.js", "a.test.js::math", "a.test.js::math::adds", "b.test.js::strings"];
        assert_eq!(closest("a.test.js::maths", ids)[0], "a.test.js::math");
        assert_eq!(closest("adds", ids), vec!["a.test.js::math::adds"]);
        assert!(closest("zzzzzzzz", ids).is_empty());
        assert_eq!(hint(&[]), " (hint: `proctor list` shows every id)");
        assert_eq!(hint(&["x".into()]), " (hint: did you mean x?)");
    }

    #[test]
    fn skip_counts_serialize_only_causes_that_skipped_something() {
        let mut counts = SkipCounts::default();
        counts.add(SkipCause::NotSelected);
        counts.add(SkipCause::NotSelected);
        counts.add(SkipCause::Todo);
        assert_eq!(serde_json::to_string(&counts).unwrap(), r#"{"not-selected":2,"todo":1}"#);
    }
}
