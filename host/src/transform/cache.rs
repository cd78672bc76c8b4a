//! `TransformCache`: transform results on disk, keyed by everything that decides them (cache
//! format, proctor and swc versions, the options' fingerprint, the file's path and bytes), so a
//! second run and every watch rerun transform only what changed.
//!
//! An entry is final JavaScript a runtime loads as it is: the code, an inline source map, and a
//! trailer line `//# proctor-cache <key> <content-length> <xxh3-64 of content>` that `get`
//! checks before use. An entry is written to a temporary file and renamed into place, so no
//! reader sees half of one; one that is truncated, corrupt or for another key anyway is never
//! used, only rewritten. The extension tells node the format: `.mjs` ES module, `.cjs` CommonJS.

use super::compile::transform;
use super::error::TransformError;
use super::options::{ModuleFormat, TransformOptions};
use base64::Engine;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

/// Bumped whenever the entry layout or the transform's output changes in a way the versions
/// below do not capture.
const CACHE_FORMAT: u32 = 7;

/// The swc_core version the transform is built with (part of the key: a new swc, new output).
const SWC_CORE_VERSION: &str = "83";

const MAP_PREFIX: &str = "\n//# sourceMappingURL=data:application/json;base64,";
const TRAILER_PREFIX: &str = "\n//# proctor-cache ";

/// A transformed file, ready to load from disk.
#[derive(Debug, Clone)]
pub struct CachedModule {
    /// The entry file: the code with its inline source map (and the cache trailer).
    pub code_path: PathBuf,
    /// What the runtime must load it as (also told by the extension, `.mjs` or `.cjs`).
    pub format: ModuleFormat,
    /// The source map JSON, for the host's stack mapper.
    pub map: Arc<str>,
    /// True when the entry was already on disk and swc did not run.
    pub hit: bool,
}

/// The on-disk cache of transformed files. `Send + Sync`: threads may share one, and two that
/// write the same entry at once both rename a whole file into place.
#[derive(Debug, Clone)]
pub struct TransformCache {
    dir: PathBuf,
}

impl TransformCache {
    /// A cache in `dir` (created when the first entry is written).
    pub fn new(dir: PathBuf) -> Self {
        TransformCache { dir }
    }

    /// Transforms `path` (reading it) or returns the cached result.
    pub fn get(&self, path: &Path, options: &TransformOptions) -> Result<CachedModule, TransformError> {
        let bytes = std::fs::read(path).map_err(|source| TransformError::Read { path: path.to_path_buf(), source })?;
        self.get_with_source(path, &bytes, options)
    }

    /// As [`get`](Self::get), for a caller that has already read the file's `bytes`.
    pub fn get_with_source(
        &self,
        path: &Path,
        bytes: &[u8],
        options: &TransformOptions,
    ) -> Result<CachedModule, TransformError> {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let key = format!("{:032x}", cache_key(&path, bytes, options));
        for format in [ModuleFormat::Module, ModuleFormat::CommonJs] {
            let entry = self.entry_path(&key, format);
            if let Some(map) = std::fs::read_to_string(&entry).ok().and_then(|text| valid_entry(&text, &key)) {
                return Ok(CachedModule { code_path: entry, format, map: map.into(), hit: true });
            }
        }
        let source = String::from_utf8_lossy(bytes);
        let transformed = transform(&path, &source, options)?;
        let mut content = transformed.code;
        content.push_str(MAP_PREFIX);
        content.push_str(&base64::engine::general_purpose::STANDARD.encode(&transformed.map));
        let trailer = format!("{TRAILER_PREFIX}{key} {} {:016x}\n", content.len(), xxh3_64(content.as_bytes()));
        content.push_str(&trailer);
        let entry = self.entry_path(&key, transformed.format);
        self.write_atomically(&entry, content.as_bytes())?;
        Ok(CachedModule { code_path: entry, format: transformed.format, map: transformed.map.into(), hit: false })
    }

    fn entry_path(&self, key: &str, format: ModuleFormat) -> PathBuf {
        let extension = match format {
            ModuleFormat::Module => "mjs",
            ModuleFormat::CommonJs => "cjs",
        };
        self.dir.join(format!("{key}.{extension}"))
    }

    fn write_atomically(&self, entry: &Path, content: &[u8]) -> Result<(), TransformError> {
        let failed = |source| TransformError::CacheWrite { path: entry.to_path_buf(), source };
        std::fs::create_dir_all(&self.dir).map_err(failed)?;
        let mut temp = tempfile::NamedTempFile::new_in(&self.dir).map_err(failed)?;
        temp.write_all(content).map_err(failed)?;
        temp.persist(entry).map_err(|err| failed(err.error))?;
        Ok(())
    }
}

/// The key of `path` with content `bytes` under `options`: xxh3-128 over every input, each
/// length-prefixed so no two different inputs run together into the same bytes.
fn cache_key(path: &Path, bytes: &[u8], options: &TransformOptions) -> u128 {
    let cache_format = CACHE_FORMAT.to_string();
    let path = path.to_string_lossy();
    let fingerprint = options.fingerprint();
    let parts: [&[u8]; 6] = [
        cache_format.as_bytes(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        SWC_CORE_VERSION.as_bytes(),
        fingerprint.as_bytes(),
        path.as_bytes(),
        bytes,
    ];
    let mut hasher = Xxh3::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.digest128()
}

/// The source map of an entry whose trailer matches `key`, its content's length and hash;
/// `None` for anything else (truncated, corrupt, another key's).
fn valid_entry(text: &str, key: &str) -> Option<String> {
    let body = text.strip_suffix('\n')?;
    let trailer_at = body.rfind(TRAILER_PREFIX)?;
    let content = &body[..trailer_at];
    let mut fields = body[trailer_at + TRAILER_PREFIX.len()..].split(' ');
    let (found_key, length, hash) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || found_key != key || length.parse::<usize>().ok()? != content.len() {
        return None;
    }
    if u64::from_str_radix(hash, 16).ok()? != xxh3_64(content.as_bytes()) {
        return None;
    }
    let encoded = &content[content.rfind(MAP_PREFIX)? + MAP_PREFIX.len()..];
    let map = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    String::from_utf8(map).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::Target;
    use std::fs;

    fn project() -> (tempfile::TempDir, PathBuf, TransformCache) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.test.ts");
        fs::write(&file, "enum E { A = 1 }\nexport const x: number = E.A;\n").unwrap();
        let cache = TransformCache::new(dir.path().join(".proctor/cache/transform"));
        (dir, file, cache)
    }

    #[test]
    fn a_second_get_is_a_hit_with_the_same_entry() {
        let (_dir, file, cache) = project();
        let options = TransformOptions::default();
        let first = cache.get(&file, &options).unwrap();
        assert!(!first.hit);
        assert_eq!(first.format, ModuleFormat::Module);
        assert_eq!(first.code_path.extension().unwrap(), "mjs");
        let text = fs::read_to_string(&first.code_path).unwrap();
        assert!(text.contains("//# sourceMappingURL=data:application/json;base64,"), "{text}");
        assert!(text.lines().last().unwrap().starts_with("//# proctor-cache "), "{text}");
        let second = cache.get(&file, &options).unwrap();
        assert!(second.hit, "a hit does not run swc");
        assert_eq!(second.code_path, first.code_path);
        assert_eq!(second.map, first.map);
    }

    #[test]
    fn a_hit_does_not_transform_again() {
        let (_dir, file, cache) = project();
        let options = TransformOptions::default();
        let first = cache.get(&file, &options).unwrap();
        // Rewrite the entry with different (valid) content: a hit must return it untouched,
        // which it can only do without transforming.
        let content = format!("export const marker = 1;{MAP_PREFIX}e30=");
        let key = first.code_path.file_stem().unwrap().to_str().unwrap().to_owned();
        let entry = format!("{content}{TRAILER_PREFIX}{key} {} {:016x}\n", content.len(), xxh3_64(content.as_bytes()));
        fs::write(&first.code_path, &entry).unwrap();
        let second = cache.get(&file, &options).unwrap();
        assert!(second.hit);
        assert_eq!(&*second.map, "{}");
        assert_eq!(fs::read_to_string(&second.code_path).unwrap(), entry);
    }

    #[test]
    fn truncated_or_flipped_entries_are_replaced_never_used() {
        let (_dir, file, cache) = project();
        let options = TransformOptions::default();
        let good = cache.get(&file, &options).unwrap();
        let original = fs::read(&good.code_path).unwrap();
        let truncated = original[..original.len() / 2].to_vec();
        let mut flipped = original.clone();
        flipped[5] ^= 0x20;
        let mut flipped_hash = original.clone();
        let at = flipped_hash.len() - 3;
        flipped_hash[at] = if flipped_hash[at] == b'0' { b'1' } else { b'0' };
        for broken in [truncated, flipped, flipped_hash, Vec::new()] {
            fs::write(&good.code_path, &broken).unwrap();
            let again = cache.get(&file, &options).unwrap();
            assert!(!again.hit, "a broken entry is never used");
            assert_eq!(fs::read(&again.code_path).unwrap(), original, "and is rewritten whole");
        }
    }

    #[test]
    fn changed_source_or_options_give_a_new_key() {
        let (_dir, file, cache) = project();
        let options = TransformOptions::default();
        let first = cache.get(&file, &options).unwrap();
        let browser = cache.get(&file, &TransformOptions { target: Target::Browser, ..options.clone() }).unwrap();
        assert!(!browser.hit);
        assert_ne!(browser.code_path, first.code_path);
        fs::write(&file, "enum E { A = 2 }\nexport const x: number = E.A;\n").unwrap();
        let changed = cache.get(&file, &options).unwrap();
        assert!(!changed.hit);
        assert_ne!(changed.code_path, first.code_path);
        assert!(fs::read_to_string(&changed.code_path).unwrap().contains('2'));
    }

    #[test]
    fn threads_share_one_cache_and_agree() {
        fn shareable<T: Send + Sync>(_: &T) {}
        let (_dir, file, cache) = project();
        shareable(&cache);
        let options = TransformOptions::default();
        let results: Vec<CachedModule> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..4).map(|_| scope.spawn(|| cache.get(&file, &options).unwrap())).collect();
            workers.into_iter().map(|worker| worker.join().unwrap()).collect()
        });
        let text = fs::read_to_string(&results[0].code_path).unwrap();
        assert!(results.iter().all(|r| r.code_path == results[0].code_path && r.map == results[0].map));
        assert!(valid_entry(&text, results[0].code_path.file_stem().unwrap().to_str().unwrap()).is_some());
        let leftovers = fs::read_dir(results[0].code_path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary files are left behind");
    }

    #[test]
    fn an_entry_of_another_key_is_not_used() {
        let (dir, file, cache) = project();
        let options = TransformOptions::default();
        let first = cache.get(&file, &options).unwrap();
        let other = dir.path().join("b.test.ts");
        fs::write(&other, "export const y = 2;\n").unwrap();
        let second = cache.get(&other, &options).unwrap();
        // Put the first file's valid entry where the second's belongs.
        fs::copy(&first.code_path, &second.code_path).unwrap();
        let again = cache.get(&other, &options).unwrap();
        assert!(!again.hit);
        assert!(fs::read_to_string(&again.code_path).unwrap().contains("y = 2"));
    }

    #[test]
    fn commonjs_output_gets_a_cjs_entry_and_read_errors_name_the_file() {
        let (dir, _file, cache) = project();
        let cts = dir.path().join("c.cts");
        fs::write(&cts, "import fs = require('fs');\nexport = { ok: typeof fs.readFileSync };\n").unwrap();
        let module = cache.get(&cts, &TransformOptions::default()).unwrap();
        assert_eq!(module.format, ModuleFormat::CommonJs);
        assert_eq!(module.code_path.extension().unwrap(), "cjs");
        let missing = cache.get(&dir.path().join("missing.ts"), &TransformOptions::default()).unwrap_err();
        assert!(missing.to_string().contains("missing.ts"), "{missing}");
    }
}
