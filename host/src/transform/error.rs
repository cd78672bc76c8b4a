//! `TransformError`: why a file could not be transformed or cached. Locations are 1-based and
//! name the original file, so a load error points at the line the user wrote.

use std::path::PathBuf;

/// A failure to transform one file (or to read or cache it).
#[derive(Debug, thiserror::Error)]
pub enum TransformError {
    /// swc could not parse the file.
    #[error("{}:{line}:{column}: {message}", file.display())]
    Syntax {
        /// The original file.
        file: PathBuf,
        /// 1-based line of the original.
        line: usize,
        /// 1-based column of the original.
        column: usize,
        /// swc's message.
        message: String,
        /// The code frame around the error, as the plan shows syntax errors.
        frame: String,
    },
    /// The file parses but cannot be transformed as written (`export =` mixed with ES exports,
    /// a JSX namespace name, ...).
    #[error("failed to transform {}:{line}:{column}: {message}", file.display())]
    Unsupported {
        /// The original file.
        file: PathBuf,
        /// 1-based line of the original.
        line: usize,
        /// 1-based column of the original.
        column: usize,
        /// swc's message.
        message: String,
    },
    /// The file breaks a rule of mock hoisting: a `jest.mock` factory reaches a module-scope
    /// variable (babel-jest's rule), or a hoisted value is exported.
    #[error("{}:{line}:{column}: {message}", file.display())]
    Hoist {
        /// The original file.
        file: PathBuf,
        /// 1-based line of the offending reference or node.
        line: usize,
        /// 1-based column of it.
        column: usize,
        /// babel-jest's (or Vitest's) message.
        message: String,
        /// The code frame around it.
        frame: String,
    },
    /// swc itself failed (it panicked); the file is reported, the host goes on.
    #[error("failed to transform {}: swc failed: {message}", file.display())]
    Internal {
        /// The original file.
        file: PathBuf,
        /// The panic's message.
        message: String,
    },
    /// The file could not be read.
    #[error("failed to read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A cache entry could not be written.
    #[error("failed to write the transform cache entry {} (hint: is the cache directory writable?): {source}", path.display())]
    CacheWrite {
        /// The entry or the cache directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}
