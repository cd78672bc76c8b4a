//! The environment a test file asks for in its leading comments: Jest's docblock
//! (`/** @jest-environment jsdom */`) and Vitest's control comment
//! (`// @vitest-environment happy-dom`); Vitest accepts both spellings in either form, and so
//! does proctor. Only the comments before the first line of code count, as in Jest.

/// The environment named in `source`'s leading comments, if any.
pub(crate) fn environment(source: &str) -> Option<String> {
    leading_comments(source).find_map(named_environment)
}

/// The comments before the first token of code (after a BOM and a `#!` line).
fn leading_comments(source: &str) -> impl Iterator<Item = &str> {
    let mut rest = source.strip_prefix('\u{feff}').unwrap_or(source);
    if rest.starts_with("#!") {
        rest = rest.find('\n').map_or("", |end| &rest[end..]);
    }
    std::iter::from_fn(move || {
        rest = rest.trim_start();
        if let Some(body) = rest.strip_prefix("//") {
            let end = body.find('\n').unwrap_or(body.len());
            let (comment, after) = body.split_at(end);
            rest = after;
            Some(comment)
        } else if let Some(body) = rest.strip_prefix("/*") {
            let end = body.find("*/")?;
            let comment = &body[..end];
            rest = &body[end + 2..];
            Some(comment)
        } else {
            None
        }
    })
}

/// `@jest-environment NAME` or `@vitest-environment NAME` in one comment.
fn named_environment(comment: &str) -> Option<String> {
    ["@jest-environment", "@vitest-environment"].iter().find_map(|tag| {
        let at = comment.find(tag)?;
        let after = &comment[at + tag.len()..];
        // `@jest-environment-options` is another pragma, not this one.
        if !after.starts_with(char::is_whitespace) {
            return None;
        }
        let name: String = after
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@'))
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_jest_docblocks_and_vitest_comments() {
        assert_eq!(environment("/**\n * @jest-environment jsdom\n */\nimport x from 'y';").as_deref(), Some("jsdom"));
        assert_eq!(environment("// @vitest-environment happy-dom\ntest('a', () => {});").as_deref(), Some("happy-dom"));
        assert_eq!(environment("#!/usr/bin/env node\n/* @vitest-environment jsdom */").as_deref(), Some("jsdom"));
        assert_eq!(
            environment("\u{feff}// a licence\n\n/** @jest-environment node\n * @jest-environment-options {} */")
                .as_deref(),
            Some("node")
        );
    }

    #[test]
    fn ignores_comments_after_code_and_other_pragmas() {
        assert_eq!(environment("import x from 'y';\n// @vitest-environment jsdom\n"), None);
        assert_eq!(environment("/** @jest-environment-options {\"url\": \"x\"} */"), None);
        assert_eq!(environment("/* unterminated @jest-environment jsdom"), None);
        assert_eq!(environment(""), None);
    }
}
