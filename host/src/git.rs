//! [`changed_files`]: the files git sees changed in the project, for `--changed [REF]`
//! (Vitest's `--changed`, Jest's `--onlyChanged`/`--changedSince`). Without a ref that is every
//! uncommitted change: staged, unstaged and untracked (ignored files aside); with one, also
//! what was committed since it. The select stage then runs the test files these reach through
//! the import graph (`related.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why git could not say what changed; shown as `invalid value for --changed: ...`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    /// git is not installed, or could not be started.
    #[error("git could not be run: {0}")]
    NotRun(String),
    /// The project is not in a git work tree.
    #[error("{} is not inside a git repository (hint: --changed asks git what changed)", root.display())]
    NotARepository {
        /// The project root.
        root: PathBuf,
    },
    /// The ref names no commit.
    #[error(
        "`{reference}` is not a commit git knows (hint: a branch, tag or commit such as HEAD~1; put path filters \
         before --changed, or write --changed=REF)"
    )]
    UnknownRef {
        /// The ref as given.
        reference: String,
    },
    /// A git command failed.
    #[error("`git {command}` failed: {message}")]
    Failed {
        /// The git arguments.
        command: String,
        /// What git printed on stderr.
        message: String,
    },
}

/// The changed files, absolute, sorted; `reference` empty for uncommitted changes only.
/// Deleted files are included (a test importing one is affected, though it no longer resolves).
pub fn changed_files(root: &Path, reference: &str) -> Result<Vec<PathBuf>, GitError> {
    let top = git(root, &["rev-parse", "--show-toplevel"])
        .map_err(|_| GitError::NotARepository { root: root.to_path_buf() })?;
    let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
    let mut listed: Vec<String> = Vec::new();
    if reference.is_empty() {
        // Staged, unstaged and untracked, whether or not there is a commit yet.
        let status = git(root, &["status", "--porcelain=v1", "-z", "--untracked-files=all"])?;
        let mut entries = status.split('\0').filter(|e| !e.is_empty());
        while let Some(entry) = entries.next() {
            let (code, path) = entry.split_at(entry.len().min(3));
            listed.push(path.to_owned());
            // A rename or copy is followed by the path it came from.
            if code.starts_with('R') || code.starts_with('C') {
                if let Some(from) = entries.next() {
                    listed.push(from.to_owned());
                }
            }
        }
    } else {
        let commit = format!("{reference}^{{commit}}");
        git(root, &["rev-parse", "--verify", "--quiet", &commit])
            .map_err(|_| GitError::UnknownRef { reference: reference.to_owned() })?;
        // The work tree against the ref: what was committed since, staged and unstaged.
        let diff = git(root, &["diff", "--name-only", "-z", "--no-renames", reference, "--"])?;
        let untracked = git(root, &["ls-files", "--others", "--exclude-standard", "-z", "--full-name"])?;
        listed.extend(diff.split('\0').chain(untracked.split('\0')).filter(|p| !p.is_empty()).map(str::to_owned));
    }
    let mut files: Vec<PathBuf> = listed.iter().map(|rel| crate::paths::normalize(&top.join(rel))).collect();
    // The project root may be a symlink or differ in form from git's: compare real paths, then
    // give back paths under the root as the plan spells them.
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let real_top = top.canonicalize().unwrap_or_else(|_| top.clone());
    if real_top != top || real_root != root {
        files = files
            .into_iter()
            .map(|file| match file.strip_prefix(&top).ok().map(|rel| real_top.join(rel)) {
                Some(real) => match real.strip_prefix(&real_root) {
                    Ok(rel) => root.join(rel),
                    Err(_) => real,
                },
                None => file,
            })
            .collect();
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Runs git in `dir`; its stdout, or why it failed.
fn git(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    git_with_index(dir, args, None)
}

/// Runs git in `dir`, with `index` as its index file when given (`GIT_INDEX_FILE`: the history's
/// tree key writes a copy of the index, never the user's); its stdout, or why it failed.
pub fn git_with_index(dir: &Path, args: &[&str], index: Option<&Path>) -> Result<String, GitError> {
    let mut command = Command::new("git");
    command
        .args(args)
        .current_dir(dir)
        // A hook or editor must never wait on the terminal; the output is parsed, so no pager.
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_PAGER", "cat")
        // proctor only reads: no index refresh behind a command (`git status`) that may race
        // with the user's own git.
        .env("GIT_OPTIONAL_LOCKS", "0");
    if let Some(index) = index {
        command.env("GIT_INDEX_FILE", index);
    }
    let output = command.output().map_err(|e| GitError::NotRun(e.to_string()))?;
    if !output.status.success() {
        return Err(GitError::Failed {
            command: args.join(" "),
            message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
    }

    fn rel(root: &Path, files: Vec<PathBuf>) -> Vec<String> {
        files.iter().map(|f| f.strip_prefix(root).unwrap().to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn uncommitted_changes_are_staged_unstaged_and_untracked_and_a_ref_adds_commits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        assert!(matches!(changed_files(&root, ""), Err(GitError::NotARepository { .. })));
        run(&root, &["init", "-q"]);
        for name in ["a.js", "b.js", "c.js", "d.js", ".gitignore"] {
            std::fs::write(root.join(name), "1").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "ignored.js\n").unwrap();
        assert_eq!(rel(&root, changed_files(&root, "").unwrap()), [".gitignore", "a.js", "b.js", "c.js", "d.js"]);
        run(&root, &["add", "."]);
        run(&root, &["commit", "-q", "-m", "one"]);
        assert!(changed_files(&root, "").unwrap().is_empty());
        std::fs::write(root.join("a.js"), "2").unwrap();
        run(&root, &["commit", "-q", "-am", "two"]);
        std::fs::write(root.join("b.js"), "2").unwrap();
        std::fs::write(root.join("c.js"), "2").unwrap();
        run(&root, &["add", "c.js"]);
        std::fs::create_dir(root.join("new")).unwrap();
        std::fs::write(root.join("new/e.js"), "1").unwrap();
        std::fs::write(root.join("ignored.js"), "1").unwrap();
        assert_eq!(rel(&root, changed_files(&root, "").unwrap()), ["b.js", "c.js", "new/e.js"]);
        assert_eq!(rel(&root, changed_files(&root, "HEAD~1").unwrap()), ["a.js", "b.js", "c.js", "new/e.js"]);
        assert_eq!(
            changed_files(&root, "nope"),
            Err(GitError::UnknownRef { reference: "nope".into() }),
            "a path filter taken for a ref is an error naming it"
        );
    }
}
