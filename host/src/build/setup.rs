//! [`FileSetup`]: what each test file's realm gets before the file itself — the suite's setup
//! files (imported afresh before every test file, `setup-files`) and, in node, the environment
//! (`environment`, or the file's own docblock). The generated entries (node's, the esm page's,
//! a bundle's) hand it to the controller, which runs it per file (controller-js/src/
//! setup-files.js, environment.js).

use crate::config::{MockHygiene, SuiteConfig};
use crate::plan::PlannedSuite;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The per-file setup of one suite.
#[derive(Debug, Clone, Default)]
pub struct FileSetup {
    /// The project root (node resolves jsdom and happy-dom from it).
    pub root: PathBuf,
    /// The setup files, in order: path relative to the root (forward slashes), absolute path.
    pub files: Vec<(String, PathBuf)>,
    /// The suite's snapshot serializer modules, in order, named as `files` are; imported before
    /// the setup files, their exports added as snapshot serializers.
    pub serializers: Vec<(String, PathBuf)>,
    /// The suite's environment; `node` adds nothing.
    pub environment: String,
    /// Test files (relative path) whose docblock names an environment.
    pub file_environments: BTreeMap<String, String>,
    /// What the controller does to every mock before each test.
    pub mock_hygiene: MockHygiene,
}

impl FileSetup {
    /// The setup of `suite`, whose planned files give the docblock environments.
    pub fn for_suite(root: &Path, config: &SuiteConfig, suite: &PlannedSuite) -> FileSetup {
        let named = |paths: &[PathBuf]| -> Vec<(String, PathBuf)> {
            paths
                .iter()
                .map(|abs| {
                    let rel = abs.strip_prefix(root).unwrap_or(abs);
                    let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                    (rel, abs.clone())
                })
                .collect()
        };
        let file_environments =
            suite.files.iter().filter_map(|f| Some((f.path.clone(), f.environment.clone()?))).collect();
        FileSetup {
            root: root.to_path_buf(),
            files: named(&config.setup_files),
            serializers: named(&config.snapshot_serializers),
            environment: config.environment.clone(),
            file_environments,
            mock_hygiene: config.mock_hygiene,
        }
    }

    /// The serializers, then the setup files, each with the `, serializer: true` an entry's
    /// `setupFiles` item carries for a serializer (controller-js/src/setup-files.js).
    pub(crate) fn modules(&self) -> impl Iterator<Item = (&(String, PathBuf), &'static str)> {
        let serializers = self.serializers.iter().map(|file| (file, ", serializer: true"));
        serializers.chain(self.files.iter().map(|file| (file, "")))
    }

    /// The absolute paths of the serializers and setup files (walk roots, like test files).
    pub fn paths(&self) -> Vec<PathBuf> {
        self.serializers.iter().chain(&self.files).map(|(_, abs)| abs.clone()).collect()
    }

    /// The `setupFiles: [...],` lines of an entry's options: each setup file with the URL
    /// stack frames name it by and a `load(generation, url?)` importing it afresh (a query the
    /// runtime's module cache has not seen) from `url` (where the current realm serves it, see
    /// controller.js) or else from its specifier. `locate` gives a file's URL and the specifier
    /// to import it by.
    pub(crate) fn setup_files_js(&self, locate: impl Fn(&str, &Path) -> (String, String)) -> String {
        if self.files.is_empty() && self.serializers.is_empty() {
            return String::new();
        }
        let mut out = String::from("  setupFiles: [\n");
        for ((rel, abs), kind) in self.modules() {
            let (url, specifier) = locate(rel, abs);
            out.push_str(&format!(
                "    {{ file: {}, url: {}{kind}, load: (generation, url) => import((url ?? {}) + \"?proctor-setup=\" + generation) }},\n",
                js(rel),
                js(&url),
                js(&specifier)
            ));
        }
        out.push_str("  ],\n");
        out
    }

    /// The entry's `mockHygiene: { ... },` line (start options), empty when the suite asks for none.
    pub(crate) fn mock_hygiene_js(&self) -> String {
        let MockHygiene { clear, reset, restore } = self.mock_hygiene;
        if !(clear || reset || restore) {
            return String::new();
        }
        format!("  mockHygiene: {{ clear: {clear}, reset: {reset}, restore: {restore} }},\n")
    }

    /// The `, environment: "..."` of a test file's entry line, when its docblock names one.
    pub(crate) fn file_environment_js(&self, rel: &str) -> String {
        self.file_environments.get(rel).map(|name| format!(", environment: {}", js(name))).unwrap_or_default()
    }
}

fn js(text: &str) -> String {
    serde_json::to_string(text).expect("strings always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_files_import_afresh_with_a_generation() {
        let setup = FileSetup {
            files: vec![("test/setup.ts".into(), PathBuf::from("/p/test/setup.ts"))],
            ..FileSetup::default()
        };
        let js = setup.setup_files_js(|rel, _| (format!("http://h/{rel}"), format!("/{rel}")));
        assert_eq!(
            js,
            "  setupFiles: [\n    { file: \"test/setup.ts\", url: \"http://h/test/setup.ts\", load: (generation, url) => import((url ?? \"/test/setup.ts\") + \"?proctor-setup=\" + generation) },\n  ],\n"
        );
        assert_eq!(FileSetup::default().setup_files_js(|_, _| unreachable!()), "");
        let with_serializer =
            FileSetup { serializers: vec![("s/money.js".into(), PathBuf::from("/p/s/money.js"))], ..setup };
        let js = with_serializer.setup_files_js(|rel, _| (format!("http://h/{rel}"), format!("/{rel}")));
        assert!(
            js.starts_with(
                "  setupFiles: [\n    { file: \"s/money.js\", url: \"http://h/s/money.js\", serializer: true, load:"
            ),
            "serializers come first, marked: {js}"
        );
        assert_eq!(with_serializer.paths(), [PathBuf::from("/p/s/money.js"), PathBuf::from("/p/test/setup.ts")]);
    }
}
