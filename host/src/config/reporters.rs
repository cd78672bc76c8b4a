//! Resolves `--reporter`, `--output-file[.NAME]` and `--junit` into the [`ReporterSpec`]s the
//! report stage builds: which reporters run and where each writes. Conflicts (two reporters on
//! stdout, two on one file, an output file no reporter takes) are errors here, before the run,
//! rather than a garbled or lost report after it.

use super::resolve::{absolute, on_ci, ConfigError};
use crate::cli::{ReporterKind, RunArgs};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One reporter and where it writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReporterSpec {
    /// Which reporter.
    pub kind: ReporterKind,
    /// Its file (absolute), or `None` for stdout.
    pub output: Option<PathBuf>,
}

/// The reporters a run uses when `--reporter` is not given: dots on CI and in pipes, the
/// documentation tree on a terminal, and on GitHub Actions also its annotations (as Vitest).
fn default_kinds() -> Vec<ReporterKind> {
    use std::io::IsTerminal;
    let terminal =
        if on_ci() || !std::io::stdout().is_terminal() { ReporterKind::Dots } else { ReporterKind::Documentation };
    let mut kinds = vec![terminal];
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        kinds.push(ReporterKind::GithubActions);
    }
    kinds
}

/// The reporters of a command that does not run tests (`list`, `--print-config`).
pub(super) fn defaults() -> Vec<ReporterSpec> {
    default_kinds().into_iter().map(|kind| ReporterSpec { kind, output: None }).collect()
}

/// Whether a reporter can write to a file (the others are for people or for GitHub).
fn takes_a_file(kind: ReporterKind) -> bool {
    match kind {
        ReporterKind::Json | ReporterKind::Junit | ReporterKind::Tap | ReporterKind::Html => true,
        ReporterKind::Dots | ReporterKind::Documentation | ReporterKind::GithubActions => false,
    }
}

fn flag_error(flag: &str, message: String) -> ConfigError {
    ConfigError::Flag { flag: flag.into(), message }
}

/// A report file. A directory (or a path ending in `/`) is an error now, before the run,
/// rather than a report that cannot be written after it.
fn report_path(cwd: &Path, given: &Path, flag: &str) -> Result<PathBuf, ConfigError> {
    let path = absolute(cwd, given);
    let names_a_directory = given.as_os_str().to_string_lossy().ends_with(std::path::is_separator);
    if path.is_dir() || names_a_directory {
        let example = Path::new(given).join("report.xml");
        return Err(flag_error(
            flag,
            format!(
                "{} is a directory (hint: name the report file, e.g. {flag} {})",
                given.display(),
                example.display()
            ),
        ));
    }
    Ok(path)
}

/// The run's reporters from the flags.
pub(super) fn resolve_reporters(run: &RunArgs, cwd: &Path) -> Result<Vec<ReporterSpec>, ConfigError> {
    let mut kinds: Vec<ReporterKind> = Vec::new();
    for kind in run.reporter.iter().copied() {
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let own_files = [
        (ReporterKind::Junit, "--output-file.junit", &run.output_file_junit),
        (ReporterKind::Json, "--output-file.json", &run.output_file_json),
        (ReporterKind::Tap, "--output-file.tap", &run.output_file_tap),
        (ReporterKind::Html, "--output-file.html", &run.output_file_html),
    ];
    let mut outputs: Vec<(ReporterKind, &str, PathBuf)> = Vec::new();
    for (kind, flag, given) in own_files {
        if let Some(given) = given {
            outputs.push((kind, flag, report_path(cwd, given, flag)?));
        }
    }
    if let Some(given) = &run.junit {
        let path = report_path(cwd, given, "--junit")?;
        match outputs.iter().find(|(kind, ..)| *kind == ReporterKind::Junit) {
            Some((_, flag, other)) if *other != path => {
                return Err(flag_error("--junit", format!("names another file than {flag} (hint: give one of them)")));
            }
            Some(_) => {}
            None => outputs.push((ReporterKind::Junit, "--junit", path)),
        }
        if kinds.is_empty() {
            kinds = default_kinds();
        }
        if !kinds.contains(&ReporterKind::Junit) {
            kinds.push(ReporterKind::Junit);
        }
    }
    if kinds.is_empty() {
        kinds = default_kinds();
    }
    for (kind, flag, _) in &outputs {
        if !kinds.contains(kind) {
            return Err(flag_error(flag, format!("no {0} reporter runs (hint: add --reporter {0})", kind.name())));
        }
    }
    if let Some(given) = &run.output_file {
        let path = report_path(cwd, given, "--output-file")?;
        let open: Vec<ReporterKind> = kinds
            .iter()
            .copied()
            .filter(|kind| takes_a_file(*kind) && !outputs.iter().any(|(k, ..)| k == kind))
            .collect();
        match open.as_slice() {
            [kind] => outputs.push((*kind, "--output-file", path)),
            [] => {
                return Err(flag_error(
                    "--output-file",
                    "no reporter writes a file (hint: --output-file is for --reporter junit, json, tap or html)".into(),
                ))
            }
            several => {
                let names: Vec<&str> = several.iter().map(|kind| kind.name()).collect();
                let hint: Vec<String> = names.iter().map(|name| format!("--output-file.{name}=FILE")).collect();
                return Err(flag_error(
                    "--output-file",
                    format!("names one file for {} (hint: {})", names.join(" and "), hint.join(" ")),
                ));
            }
        }
    }
    let specs: Vec<ReporterSpec> = kinds
        .into_iter()
        .map(|kind| ReporterSpec {
            kind,
            output: outputs.iter().find(|(k, ..)| *k == kind).map(|(_, _, path)| path.clone()),
        })
        .collect();
    check_destinations(&specs)?;
    Ok(specs)
}

/// Two reports in one stream are neither readable nor parseable: at most one reporter writes to
/// stdout (GitHub's annotations are lines its runner picks out of any output, so they may
/// join), and no two write one file.
fn check_destinations(specs: &[ReporterSpec]) -> Result<(), ConfigError> {
    let on_stdout: Vec<&str> = specs
        .iter()
        .filter(|spec| spec.output.is_none() && spec.kind != ReporterKind::GithubActions)
        .map(|spec| spec.kind.name())
        .collect();
    if let [first, second, ..] = on_stdout.as_slice() {
        let file_one = [first, second].into_iter().find(|name| ["junit", "json", "tap", "html"].contains(name));
        let hint = match file_one {
            Some(name) => format!("--output-file.{name}=FILE"),
            None => format!("keep one of {first} and {second}"),
        };
        return Err(flag_error(
            "--reporter",
            format!("{first} and {second} would both write to stdout (hint: {hint})"),
        ));
    }
    for (i, spec) in specs.iter().enumerate() {
        let Some(path) = &spec.output else { continue };
        if let Some(other) = specs[..i].iter().find(|other| other.output.as_ref() == Some(path)) {
            return Err(flag_error(
                "--output-file",
                format!("{} and {} would both write {}", other.kind.name(), spec.kind.name(), path.display()),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn resolve(args: &[&str]) -> Result<Vec<(ReporterKind, Option<String>)>, String> {
        let cli = crate::cli::Cli::try_parse_from(["proctor", "run"].iter().chain(args)).map_err(|e| e.to_string())?;
        let crate::cli::Command::Run(run) = cli.command else { panic!("not run") };
        resolve_reporters(&run, Path::new("/p"))
            .map(|specs| {
                specs.into_iter().map(|spec| (spec.kind, spec.output.map(|p| p.display().to_string()))).collect()
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn several_reporters_repeated_or_comma_separated() {
        let expected = vec![(ReporterKind::Dots, None), (ReporterKind::Junit, Some("/p/j.xml".into()))];
        assert_eq!(
            resolve(&["--reporter", "dots", "--reporter", "junit", "--output-file", "j.xml"]),
            Ok(expected.clone())
        );
        assert_eq!(resolve(&["--reporter=dots,junit", "--output-file.junit=j.xml"]), Ok(expected.clone()));
        assert_eq!(resolve(&["--reporter", "dots", "--junit", "j.xml"]), Ok(expected.clone()));
        assert_eq!(
            resolve(&["--reporter=dot", "--reporter=junit", "--outputFile", "j.xml"]),
            Ok(expected),
            "Vitest's names"
        );
    }

    #[test]
    fn per_reporter_files() {
        assert_eq!(
            resolve(&[
                "--reporter",
                "tap,json,documentation",
                "--output-file.tap",
                "t.tap",
                "--output-file",
                "e.jsonl"
            ]),
            Ok(vec![
                (ReporterKind::Tap, Some("/p/t.tap".into())),
                (ReporterKind::Json, Some("/p/e.jsonl".into())),
                (ReporterKind::Documentation, None),
            ])
        );
    }

    #[test]
    fn conflicts_are_errors_before_the_run() {
        let cases: &[&[&str]] = &[
            &["--reporter", "tap,dots"],
            &["--reporter", "dots,documentation"],
            &["--reporter", "tap,junit", "--output-file", "x"],
            &["--reporter", "dots", "--output-file", "x"],
            &["--reporter", "dots", "--output-file.tap", "x"],
            &["--reporter", "tap,junit", "--output-file.tap", "x", "--output-file.junit", "x"],
            &["--reporter", "junit", "--output-file.junit", "x", "--junit", "y"],
        ];
        let errors: Vec<String> =
            cases.iter().map(|args| format!("{}\n  {}", args.join(" "), resolve(args).unwrap_err())).collect();
        insta::assert_snapshot!(errors.join("\n"));
    }
}
