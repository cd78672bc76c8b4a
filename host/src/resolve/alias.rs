//! The `[alias]` table of proctor.toml, applied before resolution as Vitest's `resolve.alias`
//! (@rollup/plugin-alias) applies string keys: a key matches the whole specifier or a prefix
//! ending at a `/`, and the first matching key in table order wins.

use std::path::{Path, PathBuf};

/// What an alias turned a specifier into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Aliased {
    /// A path (the value began with `./`, `../` or `/`): resolved further with extensions and
    /// directory indexes, as a relative import would be.
    Path(PathBuf),
    /// Another specifier (a package name), resolved from the importer.
    Specifier(String),
}

/// The first `[alias]` entry matching `specifier`, applied. Values starting with `./`, `../` or
/// `/` are relative to the project root (an absolute path already under the root stays as it
/// is); anything else is a specifier such as a package name.
pub(super) fn apply(alias: &[(String, String)], root: &Path, specifier: &str) -> Option<Aliased> {
    let (key, value) = alias.iter().find(|(key, _)| {
        specifier == key || specifier.strip_prefix(key.as_str()).is_some_and(|rest| rest.starts_with('/'))
    })?;
    let rest = &specifier[key.len()..];
    let replaced = format!("{value}{rest}");
    let path = if value.starts_with("./") || value.starts_with("../") || value == "." {
        Some(root.join(&replaced))
    } else if let Some(under_root) = replaced.strip_prefix('/') {
        let absolute = Path::new(&replaced);
        Some(if absolute.starts_with(root) { absolute.to_path_buf() } else { root.join(under_root) })
    } else {
        None
    };
    Some(match path {
        Some(path) => Aliased::Path(crate::paths::normalize(&path)),
        None => Aliased::Specifier(replaced),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(entries: &[(&str, &str)]) -> Vec<(String, String)> {
        entries.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn keys_match_the_whole_specifier_or_a_slash_prefix() {
        let alias = table(&[("@", "./src"), ("redux", "./src/redux/index.ts"), ("~lib", "/lib")]);
        let root = Path::new("/p");
        let apply = |s: &str| apply(&alias, root, s);
        assert_eq!(apply("@/x/y"), Some(Aliased::Path("/p/src/x/y".into())));
        assert_eq!(apply("@"), Some(Aliased::Path("/p/src".into())));
        assert_eq!(apply("@scope/pkg"), None, "\"@\" does not match \"@scope\"");
        assert_eq!(apply("redux"), Some(Aliased::Path("/p/src/redux/index.ts".into())));
        assert_eq!(apply("redux-thunk"), None);
        assert_eq!(apply("~lib/a"), Some(Aliased::Path("/p/lib/a".into())), "/ is the project root");
        assert_eq!(apply("./x"), None);
    }

    #[test]
    fn the_first_match_wins_and_package_values_stay_specifiers() {
        let alias = table(&[("react", "preact/compat"), ("react/jsx-runtime", "./never"), ("abs", "/p/src/abs")]);
        let root = Path::new("/p");
        assert_eq!(
            apply(&alias, root, "react/jsx-runtime"),
            Some(Aliased::Specifier("preact/compat/jsx-runtime".into()))
        );
        assert_eq!(apply(&alias, root, "abs"), Some(Aliased::Path("/p/src/abs".into())), "already under the root");
    }
}
