//! Maps the stack frames a browser reports back to the project's files: URLs the server
//! serves become file paths, and frames in a bundle go through its source map to the original
//! file, line and column — so code frames and "the test file's frame first" work as on node.

use super::served::{split_realm, EsmModules};
use crate::paths::{file_url, normalize, percent_decode};
use sourcemap::SourceMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rewrites stack traces from a runtime into `file://` frames of original sources.
pub struct StackMapper {
    served: Option<Served>,
}

struct Served {
    origin: String,
    root: PathBuf,
    build_dir: PathBuf,
    bundle: Option<Bundle>,
    /// The esm build's modules: transformed files' maps and `/@fs/` paths.
    modules: Option<Arc<EsmModules>>,
}

struct Bundle {
    /// The URL path the bundle is served at.
    path: String,
    map: SourceMap,
    /// The directory the map's relative `sources` are relative to.
    dir: PathBuf,
}

impl StackMapper {
    /// For runtimes whose frames already name files (node).
    #[cfg(test)]
    pub fn identity() -> Self {
        StackMapper { served: None }
    }

    /// For a page served from `origin`; `bundle` is (served path, source map bytes, map dir).
    pub fn served(origin: &str, root: &Path, build_dir: &Path, bundle: Option<(String, Vec<u8>, PathBuf)>) -> Self {
        let bundle = bundle
            .and_then(|(path, bytes, dir)| SourceMap::from_slice(&bytes).ok().map(|map| Bundle { path, map, dir }));
        StackMapper {
            served: Some(Served {
                origin: origin.to_string(),
                root: root.to_path_buf(),
                build_dir: build_dir.to_path_buf(),
                bundle,
                modules: None,
            }),
        }
    }

    /// Frames in files the esm build served transformed go through the transform's map, and
    /// `/@fs/` URLs name the files outside the root they stand for.
    pub fn with_modules(mut self, modules: Arc<EsmModules>) -> Self {
        if let Some(served) = &mut self.served {
            served.modules = Some(modules);
        }
        self
    }

    /// Rewrites every frame of `stack` it can place; other lines are kept as they are.
    pub fn map_stack(&self, stack: &str) -> String {
        let stack = without_generations(stack);
        let Some(served) = &self.served else { return stack };
        stack.lines().map(|line| served.map_line(line)).collect::<Vec<_>>().join("\n")
    }
}

/// `stack` with node's module generations taken out of its frames: a project module imported
/// after `resetModules()` or under a test file's mocks is `file:///p/src/x.js?proctor-g=3`
/// (controller-js/src/node-modules.js), and is still the file `src/x.js`.
pub(crate) fn without_generations(stack: &str) -> String {
    const QUERY: &str = "proctor-g=";
    let mut out = String::with_capacity(stack.len());
    let mut rest = stack;
    while let Some(at) = rest.find(QUERY) {
        let digits = rest[at + QUERY.len()..].bytes().take_while(u8::is_ascii_digit).count();
        let separator = at.checked_sub(1).map(|i| rest.as_bytes()[i]);
        if digits == 0 || !matches!(separator, Some(b'?' | b'&')) {
            out.push_str(&rest[..at + QUERY.len()]);
            rest = &rest[at + QUERY.len()..];
            continue;
        }
        let after = &rest[at + QUERY.len() + digits..];
        // `?proctor-g=3&x` keeps `?x`; `a?x&proctor-g=3` keeps `a?x`.
        if separator == Some(b'?') {
            out.push_str(&rest[..at]);
            rest = after.strip_prefix('&').unwrap_or_else(|| {
                out.pop();
                after
            });
        } else {
            out.push_str(&rest[..at - 1]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

impl Served {
    fn map_line(&self, line: &str) -> String {
        let Some(start) = line.find(&self.origin) else { return line.to_string() };
        let rest = &line[start..];
        let end = rest.find(')').unwrap_or(rest.len());
        let location = &rest[..end];
        let mut parts = location.rsplitn(3, ':');
        let (Some(column), Some(line_no), Some(url)) = (parts.next(), parts.next(), parts.next()) else {
            return line.to_string();
        };
        let (Ok(line_no), Ok(column)) = (line_no.parse::<u32>(), column.parse::<u32>()) else {
            return line.to_string();
        };
        let path = url[self.origin.len()..].split(['?', '#']).next().unwrap_or_default();
        let Some((file, line_no, column)) = self.place(path, line_no, column) else { return line.to_string() };
        let mapped = format!("{}:{line_no}:{column}", file_url(&file));
        format!("{}{mapped}{}", &line[..start], &rest[end..])
    }

    fn place(&self, path: &str, line: u32, column: u32) -> Option<(PathBuf, u32, u32)> {
        // A realm's copy of a URL is the same file.
        let path = split_realm(path).1;
        if let Some(bundle) = self.bundle.as_ref().filter(|b| b.path == path) {
            let token = bundle.map.lookup_token(line.checked_sub(1)?, column.checked_sub(1)?)?;
            // A setup file bundled once per test file is named with its query each time.
            let source = token.get_source()?;
            let source = source.split_once("?proctor-setup=").map_or(source, |(path, _)| path);
            let file = if let Some(url) = source.strip_prefix("file://") {
                PathBuf::from(percent_decode(url))
            } else {
                normalize(&bundle.dir.join(percent_decode(source)))
            };
            return Some((file, token.get_src_line() + 1, token.get_src_col() + 1));
        }
        if let Some(modules) = &self.modules {
            if let Some(file) = modules.file_for(path) {
                // The modules know the root by its real path; frames name it as the project does.
                let file = file.strip_prefix(modules.root()).map_or(file.clone(), |rel| self.root.join(rel));
                if let Some(map) = modules.map_for(path).and_then(|json| SourceMap::from_slice(json.as_bytes()).ok()) {
                    let token = map.lookup_token(line.checked_sub(1)?, column.checked_sub(1)?)?;
                    return Some((file, token.get_src_line() + 1, token.get_src_col() + 1));
                }
                return Some((file, line, column));
            }
        }
        let decoded = percent_decode(path);
        let file = match decoded.strip_prefix("/__proctor/") {
            Some(inside) => self.build_dir.join(inside),
            None => self.root.join(decoded.trim_start_matches('/')),
        };
        Some((normalize(&file), line, column))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_generations_leave_node_frames() {
        let stack = "Error: boom\n    at boom (file:///p/src/x.js?proctor-g=12:3:9)\n    at file:///p/a.js?v=1&proctor-g=2:1:1\n    at file:///p/b.js?proctor-g=2&v=1:1:1\n    at file:///p/c.js?proctor-g=x:1:1";
        assert_eq!(
            StackMapper::identity().map_stack(stack),
            "Error: boom\n    at boom (file:///p/src/x.js:3:9)\n    at file:///p/a.js?v=1:1:1\n    at file:///p/b.js?v=1:1:1\n    at file:///p/c.js?proctor-g=x:1:1"
        );
    }

    #[test]
    fn served_files_map_to_the_project() {
        let mapper = StackMapper::served("http://127.0.0.1:9", Path::new("/proj"), Path::new("/tmp/proctor-x"), None);
        let stack = "Error: boom\n    at check (http://127.0.0.1:9/test/a%20b.test.js:3:5)\n    at http://127.0.0.1:9/__proctor/controller/run.js:10:2";
        assert_eq!(
            mapper.map_stack(stack),
            "Error: boom\n    at check (file:///proj/test/a%20b.test.js:3:5)\n    at file:///tmp/proctor-x/controller/run.js:10:2"
        );
    }

    #[test]
    fn realm_frames_name_the_file_they_stand_for() {
        let mapper = StackMapper::served("http://127.0.0.1:9", Path::new("/proj"), Path::new("/tmp/proctor-x"), None);
        let stack = "Error: boom\n    at check (http://127.0.0.1:9/@realm/3/src/x.js:4:7)\n    at http://127.0.0.1:9/@realm/3/test/a.test.js?t=1:2:1";
        assert_eq!(
            mapper.map_stack(stack),
            "Error: boom\n    at check (file:///proj/src/x.js:4:7)\n    at file:///proj/test/a.test.js:2:1"
        );
    }

    #[test]
    fn bundle_frames_go_through_the_source_map() {
        // One mapping: bundle line 1, column 0 → ../src/a.test.js line 3, column 2 (0-based: 2:2).
        let map = br#"{"version":3,"sources":["../src/a.test.js"],"names":[],"mappings":"AAEE"}"#.to_vec();
        let mapper = StackMapper::served(
            "http://127.0.0.1:9",
            Path::new("/proj"),
            Path::new("/tmp/proctor-x"),
            Some(("/__proctor/out/bundle.js".into(), map, PathBuf::from("/proj/out"))),
        );
        let mapped = mapper.map_stack("    at x (http://127.0.0.1:9/__proctor/out/bundle.js:1:1)");
        assert_eq!(mapped, "    at x (file:///proj/src/a.test.js:3:3)");
    }

    #[test]
    fn transformed_files_map_to_the_typescript_source() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(
            root.join("a.test.ts"),
            "type T = string;\ninterface I {\n  x: T;\n}\nconst a: number = 1;\nthrow new Error(`boom ${a}`);\n",
        )
        .unwrap();
        let modules = Arc::new(super::super::served::esm_modules(&root, &root.join(".cache")));
        let served = match modules.respond("/a.test.ts", None, None) {
            super::super::served::Reply::Body { body, .. } => String::from_utf8_lossy(&body).into_owned(),
            other => panic!("{other:?}"),
        };
        let line = served.lines().position(|l| l.starts_with("throw")).unwrap() + 1;
        let mapper = StackMapper::served("http://127.0.0.1:9", &root, Path::new("/tmp/b"), None).with_modules(modules);
        let mapped = mapper.map_stack(&format!("    at http://127.0.0.1:9/a.test.ts:{line}:7"));
        assert_eq!(mapped, format!("    at {}:6:7", file_url(&root.join("a.test.ts"))));
        let mapped = mapper.map_stack(&format!("    at http://127.0.0.1:9/@realm/4/a.test.ts:{line}:7"));
        assert_eq!(
            mapped,
            format!("    at {}:6:7", file_url(&root.join("a.test.ts"))),
            "a realm's frame maps the same"
        );
    }

    #[test]
    fn identity_leaves_node_stacks_alone() {
        let stack = "Error\n    at file:///p/a.test.js:1:1";
        assert_eq!(StackMapper::identity().map_stack(stack), stack);
    }
}
