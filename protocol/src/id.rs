//! Test and group ids: `path/to/file.test.js::group::nested::test name`.
//!
//! The host computes ids for its static plan and the controller computes them for what the
//! runtime registers; both follow these rules, checked by `vectors/ids.json`:
//! - the file part is the path relative to the project root with forward slashes;
//! - names are joined with [`ID_SEPARATOR`], each name escaped by [`escape_name`] so that a
//!   `::` inside a name never reads as a separator (`g::a\:\:b` is test `a::b` in group `g`,
//!   `g\:\:a::b` is test `b` in group `g::a`); ordinary names are left as they are;
//! - groups and tests share one namespace per parent, and a repeated name gets ` #2`, ` #3`, ...
//!   (the first occurrence keeps its plain name).

use std::collections::HashMap;

/// Joins the file and the names of an id.
pub const ID_SEPARATOR: &str = "::";

/// Builds an id from a file and the (already de-duplicated, unescaped) names below it.
pub fn test_id<'a>(file: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    let mut id = file.to_owned();
    for name in names {
        id.push_str(ID_SEPARATOR);
        id.push_str(&escape_name(name));
    }
    id
}

/// Escapes one name for an id. Only what could be misread gets a `\` in front: a `:` next to
/// another `:` or at either end of the name (so `::` in the id is always a separator), and a
/// `\` before a `\`, a `:` or the end of the name (so the escapes stay unambiguous). A name
/// without `::`, a leading or trailing `:`, or such a backslash is its own id segment.
pub fn escape_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let escaped = match c {
            ':' => previous.is_none_or(|p| p == ':') || next.is_none_or(|n| n == ':'),
            '\\' => next.is_none_or(|n| n == '\\' || n == ':'),
            _ => false,
        };
        if escaped {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Reverses [`escape_name`] on one id segment: `\\` and `\:` lose their `\`, any other
/// backslash is kept.
pub fn unescape_name(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut chars = segment.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next)) if next == '\\' || next == ':' => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// The byte offsets of the separators in an id (or an id prefix): every `::` that is not part
/// of an escape. The file part holds none.
pub fn separators(id: &str) -> Vec<usize> {
    let bytes = id.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b':' if bytes.get(i + 1) == Some(&b':') => {
                found.push(i);
                i += 2;
            }
            _ => i += 1,
        }
    }
    found
}

/// Splits an id into its file and (still escaped) name segments at its separators.
pub fn split_id(id: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for at in separators(id) {
        parts.push(&id[start..at]);
        start = at + ID_SEPARATOR.len();
    }
    parts.push(&id[start..]);
    parts
}

/// True when `id` is `prefix` or inside it: the rest starts at a separator, not in the middle of
/// a name (`f::g` holds `f::g::t` but not `f::gh` or `f::g\:\:t`).
pub fn id_is_under(id: &str, prefix: &str) -> bool {
    let Some(rest) = id.strip_prefix(prefix) else { return false };
    rest.is_empty() || (rest.starts_with(ID_SEPARATOR) && separators(id).contains(&prefix.len()))
}

/// Walks one file's declarations in order and hands out unique names and ids.
#[derive(Debug)]
pub struct IdAllocator {
    file: String,
    /// The open groups, outermost first: (unique name, names already used inside it).
    stack: Vec<(String, HashMap<String, u32>)>,
    top_level: HashMap<String, u32>,
}

impl IdAllocator {
    /// Starts a file.
    pub fn new(file: impl Into<String>) -> Self {
        IdAllocator { file: file.into(), stack: Vec::new(), top_level: HashMap::new() }
    }

    fn unique(&mut self, name: &str) -> String {
        let used = match self.stack.last_mut() {
            Some((_, used)) => used,
            None => &mut self.top_level,
        };
        let count = used.entry(name.to_owned()).or_insert(0);
        *count += 1;
        if *count == 1 {
            name.to_owned()
        } else {
            format!("{name} #{count}")
        }
    }

    /// The unique names of the open groups, outermost first.
    pub fn groups(&self) -> Vec<String> {
        self.stack.iter().map(|(name, _)| name.clone()).collect()
    }

    fn id_with(&self, last: &str) -> String {
        test_id(&self.file, self.stack.iter().map(|(n, _)| n.as_str()).chain([last]))
    }

    /// Opens a `describe` group; returns its unique name and id.
    pub fn enter_group(&mut self, name: &str) -> (String, String) {
        let unique = self.unique(name);
        let id = self.id_with(&unique);
        self.stack.push((unique.clone(), HashMap::new()));
        (unique, id)
    }

    /// Closes the innermost group.
    pub fn leave_group(&mut self) {
        self.stack.pop();
    }

    /// Declares a test in the innermost open group; returns its unique name and id.
    pub fn test(&mut self, name: &str) -> (String, String) {
        let unique = self.unique(name);
        let id = self.id_with(&unique);
        (unique, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_the_shared_vectors() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/ids.json");
        let cases: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for case in cases.as_array().unwrap() {
            let mut alloc = IdAllocator::new(case["file"].as_str().unwrap());
            let mut ids = Vec::new();
            for call in case["calls"].as_array().unwrap() {
                let call = call.as_array().unwrap();
                match call[0].as_str().unwrap() {
                    "describe" => ids.push(alloc.enter_group(call[1].as_str().unwrap()).1),
                    "end" => alloc.leave_group(),
                    "test" => ids.push(alloc.test(call[1].as_str().unwrap()).1),
                    other => panic!("unknown call {other}"),
                }
            }
            let expected: Vec<String> =
                case["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
            assert_eq!(ids, expected, "case {}", case["name"]);
        }
    }

    #[test]
    fn escaping_round_trips_and_leaves_ordinary_names_alone() {
        for name in
            ["plain", "a: b", "a > b: c", r"matches \d+", "C:\\dir", "a::b", ":x", "x:", "a\\", "\\:", ":::", ""]
        {
            let escaped = escape_name(name);
            assert_eq!(unescape_name(&escaped), name, "{name:?} escaped as {escaped:?}");
            let id = test_id("f.js", [name, "t"]);
            assert_eq!(split_id(&id), vec!["f.js", escaped.as_str(), "t"], "{id}");
        }
        assert_eq!(escape_name("a: b"), "a: b");
        assert_eq!(escape_name(r"\d"), r"\d");
        assert_eq!(escape_name("a::b"), r"a\:\:b");
        assert_eq!(escape_name("x:"), r"x\:");
    }

    #[test]
    fn under_is_at_a_separator_only() {
        let test = test_id("f.js", ["g", "a::b"]);
        let other = test_id("f.js", ["g::a", "b"]);
        assert_ne!(test, other);
        assert!(id_is_under(&test, "f.js::g"));
        assert!(!id_is_under(&test, "f.js::g::a"));
        assert!(!id_is_under(&other, "f.js::g"));
        assert!(id_is_under(&other, &test_id("f.js", ["g::a"])));
        let colon = test_id("f.js", ["x:", "t"]);
        assert!(!id_is_under(&colon, "f.js::x\\"));
        assert!(id_is_under(&colon, &test_id("f.js", ["x:"])));
    }
}
