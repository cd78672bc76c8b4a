//! The module names a test file imports the test API by: `proctor`, and the names suites written
//! for Vitest and Jest already use, so they run with no import changed. Inside a run every one
//! of them is proctor's controller (its `index.js`, or `index.cjs` for `require`), whether or not
//! a package of that name is installed: the host's resolver answers them before anything else,
//! and so do the controller's node hooks (`controller-js/src/api-modules.js` keeps the same list;
//! `vectors/api-modules.json` holds both to it).

/// Every name, exactly as a test file writes it.
///
/// `vitest/globals` only carries types in Vitest, but a file that imports it for its side
/// effect must still load. `@vitest/expect` brings `expect`, as Vitest's does. Vitest's other
/// entry points (`vitest/node`, `vitest/config`, `vitest/suite`, `vitest/browser`) are not the
/// test API and stay the project's. `mocha` is there for suites that take their names from it
/// (`const { describe, it } = require("mocha")`), whose functions need a running mocha.
pub const API_MODULES: &[&str] = &["proctor", "vitest", "vitest/globals", "@jest/globals", "@vitest/expect", "mocha"];

/// Whether `specifier`, exactly as written, names the test API.
pub fn is_api_module(specifier: &str) -> bool {
    API_MODULES.contains(&specifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_the_controllers() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/api-modules.json");
        let text = std::fs::read_to_string(path).expect("vector file exists");
        let names: Vec<String> = serde_json::from_str(&text).expect("vector file is a JSON list");
        assert_eq!(names, API_MODULES);
        assert!(is_api_module("vitest") && is_api_module("@jest/globals"));
        assert!(!is_api_module("vitest/node") && !is_api_module("./proctor") && !is_api_module("jest"));
        assert!(is_api_module("mocha") && !is_api_module("mocha/lib/reporters/base"));
    }
}
