//! [`CodeKey`]: which code a run ran on — the git commit, the git tree of the working tree as
//! it was (so a dirty tree has a key of its own), and the branch. The tree is written through a
//! temporary index file (`GIT_INDEX_FILE`), so the user's index and working tree are never
//! touched; proctor's own `.proctor/` directory and the database are left out of it, or every
//! run would see a tree of its own.
//!
//! A run asks once, through a [`CodeLookup`] started beside it: the history's writer and the
//! status's commit (`proctor watch`'s board, `proctor serve`'s status) read the same answer.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Runs git in `dir` (with `index` as its index when given); its stdout, or `None`: a key with
/// what git could not say left out.
fn git(dir: &Path, args: &[&str], index: Option<&Path>) -> Option<String> {
    crate::git::git_with_index(dir, args, index).ok()
}

/// The code a run ran on. Every field is `None` outside a git repository.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeKey {
    /// `HEAD`'s commit (none before the first commit).
    pub commit: Option<String>,
    /// The tree of the working tree (tracked and untracked files, ignored ones aside).
    pub tree: Option<String>,
    /// The branch checked out (none when detached).
    pub branch: Option<String>,
    /// True when the working tree differs from `HEAD` (the run is on uncommitted code).
    pub dirty: bool,
}

impl CodeKey {
    /// How the status names the code: `HEAD`'s commit, with `-dirty` appended when the working
    /// tree differs from it (as `git describe --dirty`, untracked files included, since the run
    /// ran them too); `None` before the first commit and outside git.
    pub fn status_commit(&self) -> Option<String> {
        let commit = self.commit.as_deref()?;
        Some(if self.dirty { format!("{commit}-dirty") } else { commit.to_owned() })
    }
}

/// One look at the code a run runs on, taken on a thread of its own as the run starts and
/// shared by everyone who needs it, so a `proctor watch` rerun asks git once, not once for the
/// history and once more for the status.
#[derive(Clone, Debug)]
pub struct CodeLookup(Arc<OnceLock<CodeKey>>);

impl CodeLookup {
    /// Starts looking at the working tree holding `root`, with proctor's state directory and
    /// the history database (`history_db`) left out of its tree.
    pub fn start(root: &Path, history_db: &Path) -> CodeLookup {
        let cell = Arc::new(OnceLock::new());
        let (root, excluded) = (root.to_path_buf(), [root.join(".proctor"), history_db.to_path_buf()]);
        let filled = Filled(cell.clone());
        let asked = std::thread::Builder::new().name("proctor-git".into()).spawn(move || {
            super::background_priority();
            let excluded: Vec<&Path> = excluded.iter().map(PathBuf::as_path).collect();
            let _ = filled.0.set(code_key(&root, &excluded));
        });
        // No thread to ask on: a key that says nothing, rather than git on the run's thread.
        if asked.is_err() {
            let _ = cell.set(CodeKey::default());
        }
        CodeLookup(cell)
    }

    /// A lookup already answered (a `proctor hunt` run's pinned commit; tests).
    pub fn known(key: CodeKey) -> CodeLookup {
        CodeLookup(Arc::new(OnceLock::from(key)))
    }

    /// The key, waiting for git when it has not answered yet. Never call it on the run's thread.
    pub fn wait(&self) -> CodeKey {
        self.0.wait().clone()
    }

    /// The key, when git has answered.
    pub fn get(&self) -> Option<&CodeKey> {
        self.0.get()
    }
}

/// Fills the lookup with an empty key if its thread ends without an answer (a panic), so no
/// one waits forever.
struct Filled(Arc<OnceLock<CodeKey>>);

impl Drop for Filled {
    fn drop(&mut self) {
        let _ = self.0.set(CodeKey::default());
    }
}

/// The key of the working tree holding `root`; `excluded` are paths (under the root) left out
/// of the tree: the history database and proctor's state directory.
pub fn code_key(root: &Path, excluded: &[&Path]) -> CodeKey {
    // Few git processes: each costs a few milliseconds of a core the run could use.
    let Some(where_) = git(root, &["rev-parse", "--show-toplevel", "--git-path", "index"], None) else {
        return CodeKey::default();
    };
    let mut lines = where_.lines();
    let (Some(top), Some(index)) = (lines.next(), lines.next()) else { return CodeKey::default() };
    let head = git(root, &["rev-parse", "HEAD^{commit}", "HEAD^{tree}"], None);
    let mut head = head.as_deref().unwrap_or_default().lines().map(str::to_owned);
    let (commit, head_tree) = (head.next(), head.next());
    let branch = git(root, &["symbolic-ref", "-q", "--short", "HEAD"], None).map(|s| s.trim().to_owned());
    let tree = working_tree(root, Path::new(top), &root.join(index), excluded);
    let dirty = commit.is_none() || tree.is_none() || tree != head_tree;
    CodeKey { commit, tree, branch, dirty }
}

/// `git add -A` into a copy of the index, then `git write-tree`: the tree the working tree
/// would commit to. Starting from a copy of the real index keeps git's stat cache, so only
/// changed files are hashed.
fn working_tree(root: &Path, top: &Path, real_index: &Path, excluded: &[&Path]) -> Option<String> {
    let scratch = tempfile::Builder::new().prefix("proctor-index").tempdir().ok()?;
    let index = scratch.path().join("index");
    // No index yet (a fresh repository) is fine: git starts an empty one.
    if std::fs::copy(real_index, &index).is_ok() {
        // The copy keeps the index's own mtime: git trusts an entry's stat data only when the
        // file is older than the index, so a copy stamped "now" made a file saved in the same
        // second as the last `git add`, at the same size, look unchanged (clean, not -dirty).
        let modified = std::fs::metadata(real_index).and_then(|m| m.modified());
        if let (Ok(modified), Ok(copy)) = (modified, std::fs::File::options().write(true).open(&index)) {
            let _ = copy.set_modified(modified);
        }
    }
    let top_real = top.canonicalize().unwrap_or_else(|_| top.to_path_buf());
    let mut args: Vec<String> = ["add", "-A", "--", ":/"].iter().map(|s| s.to_string()).collect();
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for path in excluded {
        // Real paths on both sides (the excluded paths may not exist yet).
        let path = match path.strip_prefix(root) {
            Ok(rel) => root_real.join(rel),
            Err(_) => path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
        };
        let Ok(rel) = path.strip_prefix(&top_real) else { continue };
        let rel = rel.to_string_lossy();
        args.push(format!(":(top,exclude){rel}"));
        // SQLite's companions of the database file.
        for suffix in ["-wal", "-shm", "-journal"] {
            args.push(format!(":(top,exclude){rel}{suffix}"));
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    git(root, &args, Some(&index))?;
    git(root, &["write-tree"], Some(&index)).map(|s| s.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn run(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    #[test]
    fn clean_and_dirty_trees_have_their_own_keys_and_proctor_state_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        assert_eq!(code_key(&root, &[]), CodeKey::default());
        run(&root, &["init", "-q", "-b", "main"]);
        std::fs::write(root.join("a.js"), "1").unwrap();
        run(&root, &["add", "."]);
        run(&root, &["commit", "-q", "-m", "one"]);
        let state = root.join(".proctor");
        std::fs::create_dir(&state).unwrap();
        std::fs::write(state.join("history.db"), "x").unwrap();
        let clean = code_key(&root, &[&state]);
        assert!(!clean.dirty, "{clean:?}");
        assert_eq!(clean.branch.as_deref(), Some("main"));
        assert!(clean.commit.is_some() && clean.tree.is_some());
        std::fs::write(root.join("b.js"), "2").unwrap();
        let dirty = code_key(&root, &[&state]);
        assert!(dirty.dirty);
        assert_eq!(dirty.commit, clean.commit);
        assert_ne!(dirty.tree, clean.tree);
        assert_eq!(code_key(&root, &[&state]).tree, dirty.tree, "the same dirty tree has the same key");
        let status = Command::new("git").args(["status", "--porcelain"]).current_dir(&root).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&status.stdout), "?? .proctor/\n?? b.js\n", "the index is untouched");
    }

    #[test]
    fn a_file_changed_in_the_second_of_its_commit_at_the_same_size_is_dirty() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        run(&root, &["init", "-q", "-b", "main"]);
        std::fs::write(root.join("leaf.js"), "export const one = 1;\n").unwrap();
        run(&root, &["add", "."]);
        run(&root, &["commit", "-q", "-m", "one"]);
        // Same size, and (on a fast machine) the same second as the index: only git's check of
        // entries as new as the index itself tells them apart. The lookup copies the index
        // later, so the copy must keep the index's time for that check to happen.
        std::fs::write(root.join("leaf.js"), "export const one = 2;\n").unwrap();
        let index = root.join(".git/index");
        let leaf = std::fs::metadata(root.join("leaf.js")).unwrap().modified().unwrap();
        std::fs::File::options().write(true).open(&index).unwrap().set_modified(leaf).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(code_key(&root, &[]).dirty, "the edit is seen");
    }

    #[test]
    fn one_lookup_answers_every_reader_with_the_status_commit_derived_from_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        run(&root, &["init", "-q", "-b", "main"]);
        std::fs::write(root.join("a.js"), "1").unwrap();
        run(&root, &["add", "."]);
        run(&root, &["commit", "-q", "-m", "one"]);
        let db = root.join(".proctor/history.db");
        let lookup = CodeLookup::start(&root, &db);
        let shared = lookup.clone();
        let key = std::thread::spawn(move || shared.wait()).join().unwrap();
        assert_eq!(lookup.get(), Some(&key), "a clone reads the same answer");
        let commit = key.commit.clone().unwrap();
        assert_eq!(key.status_commit(), Some(commit.clone()));
        std::fs::create_dir_all(root.join(".proctor")).unwrap();
        std::fs::write(&db, "x").unwrap();
        assert!(!CodeLookup::start(&root, &db).wait().dirty, "proctor's own files leave it clean");
        std::fs::write(root.join("a.js"), "2").unwrap();
        assert_eq!(CodeLookup::start(&root, &db).wait().status_commit(), Some(format!("{commit}-dirty")));
        assert_eq!(CodeKey::default().status_commit(), None, "outside git");
    }
}
