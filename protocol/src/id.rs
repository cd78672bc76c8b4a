//! Test and group ids: `path/to/file.test.js::group::nested::test name`.
//!
//! The host computes ids for its static plan and the controller computes them for what the
//! runtime registers; both follow these rules, checked by `vectors/ids.json`:
//! - the file part is the path relative to the project root with forward slashes;
//! - names are joined with [`ID_SEPARATOR`];
//! - groups and tests share one namespace per parent, and a repeated name gets ` #2`, ` #3`, ...
//!   (the first occurrence keeps its plain name).

use std::collections::HashMap;

/// Joins the file and the names of an id.
pub const ID_SEPARATOR: &str = "::";

/// Builds an id from a file and the (already de-duplicated) names below it.
pub fn test_id<'a>(file: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    let mut id = file.to_owned();
    for name in names {
        id.push_str(ID_SEPARATOR);
        id.push_str(name);
    }
    id
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
}
