//! Patterns of other runners as proctor globs, for `proctor init`: micromatch's extglobs (Jest's
//! `testMatch`, Vitest's `include`) become brace alternatives, Jest's path regexes
//! (`testPathIgnorePatterns`) that name a directory become `**/dir/**`, and a `testRegex` becomes
//! the globs that select the same files of the project — checked against the files, so a
//! translation that would select more or fewer is reported instead of written.

use std::collections::BTreeSet;
use std::path::PathBuf;

/// Extensions micromatch's `?([mc])[jt]s?(x)` and `?(c|m)[jt]s?(x)` stand for, as written out.
const JS_EXTENSIONS: &str = "{js,mjs,cjs,ts,mts,cts,jsx,tsx}";

/// The runners' default patterns, written as people would write them.
const KNOWN: &[(&str, &str)] = &[
    ("**/__tests__/**/*.?([mc])[jt]s?(x)", "**/__tests__/**/*.{js,mjs,cjs,ts,mts,cts,jsx,tsx}"),
    ("**/?(*.)+(spec|test).?([mc])[jt]s?(x)", "**/{*.spec,*.test,spec,test}.{js,mjs,cjs,ts,mts,cts,jsx,tsx}"),
    ("**/*.{test,spec}.?(c|m)[jt]s?(x)", "**/*.{test,spec}.{js,mjs,cjs,ts,mts,cts,jsx,tsx}"),
];

/// At most this many spelled-out alternatives per glob.
const MAX_VARIANTS: usize = 64;

/// A micromatch glob as a globset glob. globset has neither extglobs nor empty alternatives,
/// so `?(x)`, `+(a|b)`, `@(a|b)`, `*(a|b)` and braces are spelled out into one brace of
/// alternatives after the last directory the variants share (`?([mc])[jt]s?(x)` as the usual
/// extensions). `!(…)` and nested groups have no form here.
pub(crate) fn extglob(glob: &str) -> Result<String, String> {
    let glob = glob.strip_prefix("./").unwrap_or(glob);
    let glob = &bare_groups(glob);
    if let Some((_, known)) = KNOWN.iter().find(|(pattern, _)| *pattern == glob) {
        return Ok(known.to_string());
    }
    let has_extglob = ["?(", "+(", "@(", "*(", "!("].iter().any(|open| glob.contains(open));
    if !has_extglob {
        crate::plan::segment_glob(glob).map_err(|e| format!("`{glob}` is not a glob proctor reads: {}", e.kind()))?;
        return Ok(glob.to_string());
    }
    // The usual extensions stand as one token while the rest is spelled out, so they stay one
    // brace instead of multiplying the alternatives.
    let token = "\u{0}";
    let simplified =
        glob.replace(".?([mc])[jt]s?(x)", &format!(".{token}")).replace(".?(c|m)[jt]s?(x)", &format!(".{token}"));
    let mut out = folded(&spelled_out(&simplified, glob)?);
    let inside_brace = out.find(token).zip(out.rfind('}')).is_some_and(|(at, brace)| at < brace);
    if out.matches(token).count() > 1 || inside_brace {
        out = folded(&spelled_out(&glob.replace(token, ""), glob)?);
    }
    let out = out.replace(token, JS_EXTENSIONS);
    crate::plan::segment_glob(&out).map_err(|e| format!("`{glob}` is not a glob proctor reads: {}", e.kind()))?;
    Ok(out)
}

/// micromatch reads a bare group `(a|b)` as `@(a|b)` (reselect's `*.(spec|test).[jt]s?(x)`).
fn bare_groups(glob: &str) -> String {
    let mut out = String::with_capacity(glob.len());
    let mut previous = None;
    for c in glob.chars() {
        if c == '(' && !matches!(previous, Some('?' | '+' | '@' | '*' | '!' | '\\')) {
            out.push('@');
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

/// Variants as one glob: the directory they share, one brace of what differs, and the
/// extension part they share.
fn folded(variants: &[String]) -> String {
    if variants.len() == 1 {
        return variants[0].clone();
    }
    let first = &variants[0];
    let prefix = common_directory(variants);
    let mut suffix = first.len() - prefix;
    for v in &variants[1..] {
        let same = first.bytes().rev().zip(v.bytes().rev()).take_while(|(a, b)| a == b).count();
        suffix = suffix.min(same).min(v.len() - prefix);
    }
    // The shared end starts at a dot, so no class or wildcard is cut in two.
    let end = &first[first.len() - suffix..];
    let suffix = end.find('.').map(|dot| suffix - dot).unwrap_or(0);
    let tails: Vec<&str> = variants.iter().map(|v| &v[prefix..v.len() - suffix]).collect();
    format!("{}{{{}}}{}", &first[..prefix], tails.join(","), &first[first.len() - suffix..])
}

/// Every brace-free spelling of `glob` (whose original text, for messages, is `original`).
fn spelled_out(glob: &str, original: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = glob.chars().collect();
    let mut variants = vec![String::new()];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let extglob = matches!(c, '?' | '+' | '@' | '*' | '!') && chars.get(i + 1) == Some(&'(');
        let (alternatives, next): (Vec<String>, usize) = if extglob || c == '{' {
            let open = if extglob { i + 2 } else { i + 1 };
            let closer = if extglob { ')' } else { '}' };
            let close = chars[open..].iter().position(|&ch| ch == closer).map(|p| p + open);
            let Some(close) = close else { return Err(format!("`{original}` has an unclosed group")) };
            let inner: String = chars[open..close].iter().collect();
            if c == '!' {
                return Err(format!("`{original}` uses a negated extglob `!(…)`, which globs here cannot express"));
            }
            if inner.contains(['{', '(']) {
                return Err(format!("`{original}` nests alternatives, which globs here cannot express"));
            }
            let separator = if extglob { '|' } else { ',' };
            let mut alternatives: Vec<String> = inner.split(separator).map(str::to_string).collect();
            if extglob && matches!(c, '?' | '*') {
                alternatives.insert(0, String::new());
            }
            (alternatives, close + 1)
        } else if c == '[' {
            let close = chars[i..].iter().position(|&ch| ch == ']').map(|p| p + i).unwrap_or(i);
            (vec![chars[i..=close].iter().collect()], close + 1)
        } else {
            (vec![c.to_string()], i + 1)
        };
        variants = variants.iter().flat_map(|v| alternatives.iter().map(move |a| format!("{v}{a}"))).collect();
        if variants.len() > MAX_VARIANTS {
            return Err(format!("`{original}` spells out to over {MAX_VARIANTS} alternatives"));
        }
        i = next;
    }
    let mut unique = Vec::new();
    for variant in variants {
        if !unique.contains(&variant) {
            unique.push(variant);
        }
    }
    Ok(unique)
}

/// The length of the directory prefix (up to and including a `/`) all variants share.
fn common_directory(variants: &[String]) -> usize {
    let first = &variants[0];
    let mut shared = first.len();
    for v in &variants[1..] {
        shared = shared.min(first.bytes().zip(v.bytes()).take_while(|(a, b)| a == b).count());
    }
    first[..shared].rfind('/').map(|slash| slash + 1).unwrap_or(0)
}

/// `glob` under the directory `prefix` (relative to the project root, `""` for the root).
pub(crate) fn under(prefix: &str, glob: &str) -> String {
    let glob = glob.strip_prefix("./").unwrap_or(glob);
    if prefix.is_empty() {
        glob.to_string()
    } else {
        format!("{}/{glob}", prefix.trim_end_matches('/'))
    }
}

/// A Jest path regex such as `/node_modules/`, `<rootDir>/build/` or `/fixtures/` as an exclude
/// glob. `root_prefix` is `<rootDir>` relative to the project root.
pub(crate) fn ignore_regex(pattern: &str, root_prefix: &str) -> Result<String, String> {
    let (anchored, rest) = match pattern.strip_prefix("<rootDir>") {
        Some(rest) => (true, rest),
        None => (false, pattern.strip_prefix('^').unwrap_or(pattern)),
    };
    let literal = rest.replace("\\.", ".").replace("\\/", "/");
    let path = literal.trim_matches('/');
    let plain = !path.is_empty()
        && path.chars().all(|c| c.is_alphanumeric() || matches!(c, '/' | '.' | '-' | '_' | '@'))
        && !path.contains("..");
    if !plain {
        return Err(format!("`{pattern}` is a regular expression with no glob form"));
    }
    // A pattern ending in `/` names a directory; one without may also match a file's name part.
    let directory = literal.ends_with('/');
    Ok(match (anchored, directory) {
        (true, _) => under(root_prefix, &format!("{path}/**")),
        (false, true) => format!("**/{path}/**"),
        (false, false) => format!("**/{path}*/**"),
    })
}

/// Globs selecting exactly the project files `regex` (Jest's `testRegex`, matched against the
/// absolute path) selects. `files` are (path relative to the root, absolute path).
pub(crate) fn regex_globs(pattern: &str, files: &[(String, PathBuf)]) -> Result<Vec<String>, String> {
    let regex = regex::Regex::new(pattern).map_err(|e| format!("`{pattern}` does not compile here: {e}"))?;
    let matched: BTreeSet<&str> = files
        .iter()
        .filter(|(_, abs)| regex.is_match(&abs.to_string_lossy().replace('\\', "/")))
        .map(|(rel, _)| rel.as_str())
        .collect();
    if matched.is_empty() {
        return Err(format!("`{pattern}` selects no file of the project, so no glob could be checked against it"));
    }
    let selects = |globs: &[String]| -> Result<BTreeSet<&str>, String> {
        let mut builder = globset::GlobSetBuilder::new();
        for glob in globs {
            builder.add(crate::plan::segment_glob(glob).map_err(|e| e.to_string())?);
        }
        let set = builder.build().map_err(|e| e.to_string())?;
        Ok(files.iter().map(|(rel, _)| rel.as_str()).filter(|rel| set.is_match(rel)).collect())
    };
    let mut last = Vec::new();
    for scoped in [false, true] {
        let globs: Vec<String> =
            matched.iter().map(|rel| shape(rel, scoped)).collect::<BTreeSet<_>>().into_iter().collect();
        if selects(&globs)? == matched {
            return Ok(globs);
        }
        last = globs;
    }
    Err(format!(
        "`{pattern}` selects {} files that no simple glob covers exactly (closest: {})",
        matched.len(),
        last.join(", ")
    ))
}

/// The glob of files shaped like `rel`: same suffix after the name's first dot, in a
/// `__tests__` directory when it is in one, under its top directory when `scoped`.
fn shape(rel: &str, scoped: bool) -> String {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let suffix = name.find('.').map(|dot| &name[dot..]).unwrap_or("");
    let in_tests_dir = dir.split('/').any(|segment| segment == "__tests__");
    let top = dir.split('/').next().filter(|top| scoped && !top.is_empty());
    let tail = if in_tests_dir { format!("__tests__/**/*{suffix}") } else { format!("*{suffix}") };
    match top {
        Some(top) if top != "__tests__" => format!("{top}/**/{tail}"),
        _ => format!("**/{tail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(glob: &str, path: &str) -> bool {
        crate::plan::segment_glob(glob).unwrap().compile_matcher().is_match(path)
    }

    #[test]
    fn jests_default_test_match_keeps_its_meaning() {
        let tests_dir = extglob("**/__tests__/**/*.?([mc])[jt]s?(x)").unwrap();
        let named = extglob("**/?(*.)+(spec|test).?([mc])[jt]s?(x)").unwrap();
        assert_eq!(named, "**/{*.spec,*.test,spec,test}.{js,mjs,cjs,ts,mts,cts,jsx,tsx}");
        let spelled = extglob("src/**/?(*.)+(spec|test).?([mc])[jt]s?(x)").unwrap();
        assert_eq!(spelled, "src/**/{spec,test,*.spec,*.test}.{js,mjs,cjs,ts,mts,cts,jsx,tsx}");
        assert_eq!(
            extglob("test/**/*.@(spec|e2e).?(m)js").unwrap(),
            "test/**/{*.spec.js,*.spec.mjs,*.e2e.js,*.e2e.mjs}"
        );
        assert_eq!(extglob("**/*.{spec,test}.js").unwrap(), "**/*.{spec,test}.js");
        for path in ["src/__tests__/a.js", "__tests__/deep/b.tsx", "src/__tests__/c.mts"] {
            assert!(matches(&tests_dir, path), "{path}");
        }
        for path in ["src/a.test.js", "a.spec.tsx", "test.js", "lib/x.test.cjs", "x.spec.mts"] {
            assert!(matches(&named, path), "{path}");
        }
        for path in ["src/a.js", "src/atest.js", "src/a.test.json", "src/a.test.jsx.snap"] {
            assert!(!matches(&named, path), "{path}");
        }
        assert_eq!(extglob("./src/**/*.test.js").unwrap(), "src/**/*.test.js");
        // reselect's include: a bare group is micromatch's `@(...)`.
        assert_eq!(
            extglob("./test/**/*.(spec|test).[jt]s?(x)").unwrap(),
            "test/**/{*.spec.[jt]s,*.spec.[jt]sx,*.test.[jt]s,*.test.[jt]sx}"
        );
    }

    #[test]
    fn vitests_default_include_keeps_its_meaning() {
        let include = extglob("**/*.{test,spec}.?(c|m)[jt]s?(x)").unwrap();
        assert!(
            matches(&include, "test/a.test.ts") && matches(&include, "a.spec.mjs") && matches(&include, "b.test.tsx")
        );
        assert!(!matches(&include, "a.test.py"));
    }

    #[test]
    fn extglobs_without_a_glob_form_say_why() {
        assert!(extglob("**/!(fixtures)/*.js").unwrap_err().contains("negated"));
        assert!(extglob("**/{a,?(b)}.js").unwrap_err().contains("nests"));
    }

    #[test]
    fn directory_regexes_become_excludes() {
        assert_eq!(ignore_regex("/node_modules/", "").unwrap(), "**/node_modules/**");
        assert_eq!(ignore_regex("<rootDir>/build/", "").unwrap(), "build/**");
        assert_eq!(ignore_regex("<rootDir>/e2e/", "app").unwrap(), "app/e2e/**");
        assert_eq!(ignore_regex("/fixtures", "").unwrap(), "**/fixtures*/**");
        assert!(ignore_regex("\\.snap$|helpers", "").is_err());
    }

    #[test]
    fn a_test_regex_becomes_globs_that_select_the_same_files() {
        let files: Vec<(String, PathBuf)> =
            ["src/a.spec.js", "src/b/c.spec.js", "src/a.js", "test/__tests__/d.js", "test/util.js", "other/x.spec.js"]
                .iter()
                .map(|rel| (rel.to_string(), PathBuf::from(format!("/p/{rel}"))))
                .collect();
        assert_eq!(
            regex_globs(r"(/__tests__/.*|\.spec)\.js$", &files).unwrap(),
            ["**/*.spec.js", "**/__tests__/**/*.js"]
        );
        assert_eq!(regex_globs(r"^/p/src/.*\.spec\.js$", &files).unwrap(), ["src/**/*.spec.js"]);
        assert!(regex_globs(r"a\.js$", &files).is_err(), "a.js alone has no glob that is not also other files'");
    }
}
