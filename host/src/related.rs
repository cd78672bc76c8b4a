//! `--changed [REF]` and `--related FILE...`: the test files that reach the changed (or named)
//! files through their imports, worked out from the plan's [`ImportGraph`] the way `proctor
//! watch` picks what a save affects ([`affected_files`], shared with it), just before the select
//! stage. A change to the config file or the root package.json may change any test: then every
//! test file counts as reached, as a watch rerun runs all.

use crate::config::Config;
use crate::plan::{subjects, ImportGraph, ImportSite, Plan};
use crate::resolve::{ResolveOptions, Resolver, Target};
use crate::select::Reach;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// Fills in the test files `--changed` and `--related` reach (nothing to do without them).
pub(crate) fn reach(plan: &Plan, config: &mut Config) {
    if config.selection.changed.is_none() && config.selection.related.is_none() {
        return;
    }
    let mut graph = ImportGraph::new(graph_resolver(config));
    let files = plan.suites.iter().flat_map(|s| &s.files);
    let tests: Vec<(PathBuf, Vec<ImportSite>)> = files.clone().map(|f| (f.abs.clone(), f.imports.clone())).collect();
    graph.update(&tests);
    let all: BTreeSet<PathBuf> = tests.iter().map(|(abs, _)| abs.clone()).collect();
    let relative: HashMap<&PathBuf, &String> = files.map(|f| (&f.abs, &f.path)).collect();
    let whole = config.config_file.clone().unwrap_or_else(|| config.root.join("proctor.toml"));
    let package = config.root.join("package.json");
    let reached = |reach: &Reach| -> BTreeSet<String> {
        // Both spellings of each file: the graph holds imported files by their real paths
        // (symlinks resolved) and test files as the plan found them under the root.
        let real = reach.files.iter().filter_map(|file| file.canonicalize().ok());
        let changed: BTreeSet<PathBuf> = reach.files.iter().cloned().chain(real).collect();
        let affected = if changed.contains(&whole) || changed.contains(&package) {
            all.clone()
        } else {
            let mut affected = affected_files(&graph, plan, &all, &changed);
            affected.extend(affected_through_setup(config, plan, &changed));
            affected
        };
        affected.iter().filter_map(|abs| relative.get(abs).map(|rel| (*rel).clone())).collect()
    };
    let changed = config.selection.changed.as_ref().map(reached);
    let related = config.selection.related.as_ref().map(reached);
    if let (Some(reach), Some(affected)) = (config.selection.changed.as_mut(), changed) {
        reach.affected = Some(affected);
    }
    if let (Some(reach), Some(affected)) = (config.selection.related.as_mut(), related) {
        reach.affected = Some(affected);
    }
}

/// The resolver the import graph follows imports with (watch, `--changed`, `--related`): node's,
/// with the `[alias]` table and every suite's conditions and mock roots, so that a file any
/// suite reaches counts.
pub(crate) fn graph_resolver(config: &Config) -> Arc<Resolver> {
    let mut conditions: Vec<String> = Vec::new();
    for condition in config.suites.iter().flat_map(|s| &s.conditions) {
        if !conditions.contains(condition) {
            conditions.push(condition.clone());
        }
    }
    let mut mock_roots: Vec<PathBuf> = Vec::new();
    for root in config.suites.iter().flat_map(|s| s.mock_roots(&config.root)) {
        if !mock_roots.contains(&root) {
            mock_roots.push(root);
        }
    }
    Arc::new(Resolver::new(ResolveOptions {
        root: config.root.clone(),
        target: Target::Node,
        alias: config.alias.clone(),
        conditions,
        mock_roots,
    }))
}

/// The test files a change affects: changed test files themselves, the test files that import a
/// changed file (transitively), and those whose tests name it as a `subject`. A new test file is
/// in the plan already and so affects itself; a deleted one has left it.
pub(crate) fn affected_files(
    graph: &ImportGraph,
    plan: &Plan,
    all: &BTreeSet<PathBuf>,
    changed: &BTreeSet<PathBuf>,
) -> BTreeSet<PathBuf> {
    let mut affected = graph.affected_by(all, changed);
    let with_subjects: Vec<(PathBuf, Vec<String>)> = plan
        .suites
        .iter()
        .flat_map(|s| &s.files)
        .filter(|f| !f.subjects.is_empty())
        .map(|f| (f.abs.clone(), f.subjects.clone()))
        .collect();
    for (subject, files) in subjects(&plan.root, &with_subjects) {
        if changed.contains(&subject) {
            affected.extend(files);
        }
    }
    affected
}

/// The test files of every suite whose setup files (or what they import) changed: the setup
/// runs before each of them.
pub(crate) fn affected_through_setup(config: &Config, plan: &Plan, changed: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
    let mut affected = BTreeSet::new();
    let with_setup = config.suites.iter().zip(&plan.suites).filter(|(suite, _)| !suite.setup_files.is_empty());
    let mut resolver = None;
    for (suite, planned) in with_setup {
        let resolver = resolver.get_or_insert_with(|| graph_resolver(config));
        let reached = crate::plan::reachable(resolver, &suite.setup_files).files;
        if reached.iter().any(|file| changed.contains(file)) {
            affected.extend(planned.files.iter().map(|f| f.abs.clone()));
        }
    }
    affected
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::ProjectArgs;
    use crate::test_support::project;

    fn config(root: &std::path::Path, changed: &[&str], related: &[&str]) -> Config {
        let args = ProjectArgs {
            paths: vec![],
            root: Some(root.to_path_buf()),
            config: None,
            print_config: false,
            select: crate::cli::SelectArgs::default(),
        };
        let mut config = crate::config::resolve(&args, None).unwrap();
        let files = |names: &[&str]| names.iter().map(|n| root.join(n)).collect();
        config.selection.changed =
            (!changed.is_empty()).then(|| Reach { flag: "--changed".into(), files: files(changed), affected: None });
        config.selection.related =
            (!related.is_empty()).then(|| Reach { flag: "--related".into(), files: files(related), affected: None });
        config
    }

    fn affected(reach: &Option<Reach>) -> Vec<String> {
        reach.as_ref().and_then(|r| r.affected.clone()).unwrap_or_default().into_iter().collect()
    }

    #[test]
    fn changed_and_related_files_reach_the_tests_that_import_them() {
        let (_dir, root) = project(&[
            ("src/leaf.js", "export const leaf = 1;"),
            ("src/mid.js", "export * from './leaf.js';"),
            ("src/lone.js", "export const lone = 1;"),
            ("test/a.test.js", "import '../src/mid.js'; import { it } from 'vitest'; it('a', () => {});"),
            ("test/b.test.js", "import { it } from 'proctor'; it('b', () => {});"),
            ("test/c.test.js", "import '../src/lone.js'; it('c', () => {});"),
        ]);
        let mut config = config(&root, &["src/leaf.js", "test/b.test.js"], &["src/lone.js"]);
        let plan = crate::plan::build_plan(&config).unwrap();
        reach(&plan, &mut config);
        assert_eq!(affected(&config.selection.changed), ["test/a.test.js", "test/b.test.js"]);
        assert_eq!(affected(&config.selection.related), ["test/c.test.js"]);
        // The root package.json may change any test.
        let mut config = config_with_package(&root);
        reach(&plan, &mut config);
        assert_eq!(affected(&config.selection.changed).len(), 3);
    }

    fn config_with_package(root: &std::path::Path) -> Config {
        std::fs::write(root.join("package.json"), "{}").unwrap();
        config(root, &["package.json"], &[])
    }
}
