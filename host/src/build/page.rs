//! The run page a browser loads: proctor's own minimal page, or the suite's `page` (Vitest has
//! no equivalent; web-test-runner's `testRunnerHtml`, Karma's `files`) with proctor's parts
//! added. The user's HTML goes through lol_html, a streaming HTML rewriter, so whatever it holds
//! (attributes on `<html>`/`<body>`, `<meta>`, stylesheets, classic and module scripts, elements)
//! reaches the browser as written. Proctor's head part (the import map, module preloads) goes
//! first in `<head>`, since an import map must precede every module script; its body part (the
//! controller's module script) goes last in `<body>`, so the page's own scripts have run before
//! the controller imports the test files.

use super::entry::BuildError;
use lol_html::html_content::{ContentType, Element, EndTag};
use lol_html::{doctype, element, end_tag, rewrite_str, RewriteStrSettings};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What proctor adds to a run page.
#[derive(Debug, Default)]
pub(super) struct PageParts {
    /// HTML first in `<head>`: the import map and module preloads.
    pub head: String,
    /// HTML last in `<head>`: stylesheets the build made (after the page's own, as a CSS import
    /// in the esm build also lands).
    pub head_end: String,
    /// HTML last in `<body>`: the controller's script.
    pub body_end: String,
}

/// The run page: `page` (the suite's HTML file) with `parts` added, or proctor's own page.
pub(super) fn run_page(page: Option<&Path>, parts: &PageParts) -> Result<String, BuildError> {
    let Some(page) = page else { return Ok(default_page(parts)) };
    let html = std::fs::read_to_string(page)
        .map_err(|source| BuildError::Page { page: page.to_path_buf(), message: source.to_string() })?;
    with_parts(&html, parts).map_err(|message| BuildError::Page { page: page.to_path_buf(), message })
}

fn default_page(parts: &PageParts) -> String {
    format!(
        "<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>proctor</title>\n{}{}</head>\n<body>\n{}</body>\n</html>\n",
        parts.head, parts.head_end, parts.body_end
    )
}

/// Where `<html>` opens, until it is known whether the page has a `<head>`.
const HEAD_MARKER: &str = "<!--proctor-head-->";

/// `html` with `parts` in place. A page without `<head>` gets the head part at the start of
/// `<html>` (or of the document), where the HTML parser opens the implied head; a page whose
/// `<head>` or `<body>` is never closed explicitly gets the rest at the end, which the parser
/// puts at the end of the body. The page is always served in standards mode (`<!doctype html>`),
/// as proctor's own page is.
fn with_parts(html: &str, parts: &PageParts) -> Result<String, String> {
    let head_seen = Rc::new(Cell::new(false));
    let html_seen = Rc::new(Cell::new(false));
    let head_closed = Rc::new(Cell::new(false));
    let body_closed = Rc::new(Cell::new(false));
    let body_seen = Rc::new(Cell::new(false));
    let settings = RewriteStrSettings::new()
        .append_document_content_handler(doctype!(|doctype| {
            // Re-emitted below, first, whatever the page says.
            doctype.remove();
            Ok(())
        }))
        .append_element_content_handler(element!("html", |el: &mut Element| {
            if !html_seen.replace(true) {
                // Filled in once `<head>` is known to be there or missing: see below.
                el.prepend(HEAD_MARKER, ContentType::Html);
            }
            Ok(())
        }))
        .append_element_content_handler(element!("head", |el: &mut Element| {
            if head_seen.replace(true) {
                return Ok(());
            }
            el.prepend(&parts.head, ContentType::Html);
            on_end(el, head_closed.clone(), parts.head_end.clone())
        }))
        .append_element_content_handler(element!("body", |el: &mut Element| {
            if body_seen.replace(true) {
                return Ok(());
            }
            on_end(el, body_closed.clone(), parts.body_end.clone())
        }));
    let rewritten = rewrite_str(html, settings).map_err(|err| err.to_string())?;
    let mut out = String::from("<!doctype html>\n");
    let head_here = if head_seen.get() { "" } else { parts.head.as_str() };
    // Without `<html>` the head part opens the document: the parser starts the implied head there.
    if html_seen.get() {
        out.push_str(&rewritten.replacen(HEAD_MARKER, head_here, 1));
    } else {
        out.push_str(head_here);
        out.push_str(&rewritten);
    }
    // What could not go before an end tag the page leaves implicit goes at the end: the parser
    // puts a stylesheet or script there into the body, which is fine for both.
    if !head_closed.get() {
        out.push_str(&parts.head_end);
    }
    if !body_closed.get() {
        out.push_str(&parts.body_end);
    }
    Ok(out)
}

/// The page file and the project files it loads by URL (`<script src>`, `<link href>`: classic
/// scripts, module scripts, stylesheets), for watch mode: a change to any of them reruns the
/// suite, as none of them is in the import graph. A page that cannot be read or parsed names
/// just itself.
pub fn page_files(page: &Path, root: &Path) -> Vec<PathBuf> {
    let mut files = vec![page.to_path_buf()];
    for file in linked_files(page, root, &[("script[src]", "src"), ("link[href]", "href")]) {
        if !files.contains(&file) {
            files.push(file);
        }
    }
    files
}

/// The project files the page's `<script type="module" src>` elements load: the esm build walks
/// them as it walks test files, so the import map covers their imports too.
pub(super) fn page_modules(page: &Path, root: &Path) -> Vec<PathBuf> {
    linked_files(page, root, &[("script[type=module][src]", "src")])
}

/// The project files named by the `attribute` of elements matching each selector of `links`,
/// resolved as the browser resolves them against the page served at its own path. URLs with a
/// scheme and paths outside `root` are left out.
fn linked_files(page: &Path, root: &Path, links: &[(&str, &'static str)]) -> Vec<PathBuf> {
    let Ok(html) = std::fs::read_to_string(page) else { return Vec::new() };
    let urls = std::cell::RefCell::new(Vec::new());
    let mut settings = RewriteStrSettings::new();
    for &(selector, attribute) in links {
        let urls = &urls;
        settings = settings.append_element_content_handler(element!(selector, move |el: &mut Element| {
            if let Some(url) = el.get_attribute(attribute) {
                urls.borrow_mut().push(url);
            }
            Ok(())
        }));
    }
    if rewrite_str(&html, settings).is_err() {
        return Vec::new();
    }
    let dir = page.parent().unwrap_or(root);
    let mut files = Vec::new();
    for url in urls.into_inner() {
        let path = url.split(['?', '#']).next().unwrap_or_default();
        if path.is_empty() || path.starts_with("//") || path.contains(':') {
            continue;
        }
        let decoded = crate::paths::percent_decode(path);
        let file = match decoded.strip_prefix('/') {
            Some(rooted) => root.join(rooted),
            None => dir.join(&decoded),
        };
        let file = crate::paths::normalize(&file);
        if file.starts_with(root) && !files.contains(&file) {
            files.push(file);
        }
    }
    files
}

/// Inserts `content` before `el`'s end tag when there is one, noting it in `closed`.
fn on_end(el: &mut Element, closed: Rc<Cell<bool>>, content: String) -> lol_html::HandlerResult {
    if content.is_empty() {
        closed.set(true);
        return Ok(());
    }
    el.on_end_tag(end_tag!(move |end: &mut EndTag| {
        end.before(&content, ContentType::Html);
        closed.set(true);
        Ok(())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> PageParts {
        PageParts {
            head: "<script type=\"importmap\">{}</script>".into(),
            head_end: "<link rel=\"stylesheet\" href=\"/b.css\">".into(),
            body_end: "<script type=\"module\" src=\"/entry.js\"></script>".into(),
        }
    }

    #[test]
    fn the_default_page_has_the_parts_in_order() {
        let page = default_page(&parts());
        let (map, link, entry) =
            (page.find("importmap").unwrap(), page.find("/b.css").unwrap(), page.find("/entry.js").unwrap());
        assert!(map < link && link < page.find("</head>").unwrap() && entry > page.find("<body>").unwrap());
    }

    #[test]
    fn a_page_keeps_what_it_has_and_gets_the_parts_around_it() {
        let html = "<!DOCTYPE html>\n<html lang=\"en\" class=\"x\">\n<head>\n  <meta name=\"x\" content=\"1\">\n  <title>t</title>\n  <link rel=\"stylesheet\" href=\"page.css\">\n  <script src=\"vendor/lib.js\"></script>\n  <script type=\"module\">import './setup.js';</script>\n</head>\n<body data-theme=\"dark\">\n  <div id=\"work-area\"></div>\n  <script>window.inline = 1;</script>\n</body>\n</html>\n";
        let page = with_parts(html, &parts()).unwrap();
        assert_eq!(
            page,
            "<!doctype html>\n\n<html lang=\"en\" class=\"x\">\n<head><script type=\"importmap\">{}</script>\n  <meta name=\"x\" content=\"1\">\n  <title>t</title>\n  <link rel=\"stylesheet\" href=\"page.css\">\n  <script src=\"vendor/lib.js\"></script>\n  <script type=\"module\">import './setup.js';</script>\n<link rel=\"stylesheet\" href=\"/b.css\"></head>\n<body data-theme=\"dark\">\n  <div id=\"work-area\"></div>\n  <script>window.inline = 1;</script>\n<script type=\"module\" src=\"/entry.js\"></script></body>\n</html>\n"
        );
    }

    #[test]
    fn a_page_with_implied_elements_still_gets_every_part() {
        // No <head>, no end tags: the import map opens <html>, the rest ends the document.
        let page = with_parts("<html><meta name=\"x\"><body><div id=\"work-area\">", &parts()).unwrap();
        assert_eq!(
            page,
            "<!doctype html>\n<html><script type=\"importmap\">{}</script><meta name=\"x\"><body><div id=\"work-area\"><link rel=\"stylesheet\" href=\"/b.css\"><script type=\"module\" src=\"/entry.js\"></script>"
        );
        // A fragment: everything around it.
        let page = with_parts("<script src=\"chai.js\"></script>\n<div id=\"work-area\"></div>", &parts()).unwrap();
        assert_eq!(
            page,
            "<!doctype html>\n<script type=\"importmap\">{}</script><script src=\"chai.js\"></script>\n<div id=\"work-area\"></div><link rel=\"stylesheet\" href=\"/b.css\"><script type=\"module\" src=\"/entry.js\"></script>"
        );
    }

    #[test]
    fn a_head_inside_a_template_or_comment_is_not_the_head() {
        let html = "<html><head><!-- <body> --><title>x</title></head><body><template><body></body></template><p>x</p></body></html>";
        let page = with_parts(html, &parts()).unwrap();
        assert_eq!(page.matches("/entry.js").count(), 1, "{page}");
        assert!(
            page.ends_with("</template><p>x</p><script type=\"module\" src=\"/entry.js\"></script></body></html>"),
            "{page}"
        );
    }

    #[test]
    fn a_pages_files_are_what_it_loads_from_the_project() {
        let root = Path::new("/proj");
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("page.html");
        std::fs::write(
            &page,
            "<link rel=\"stylesheet\" href=\"page.css?v=1\"><script src=\"vendor/lib.js\"></script><script src=\"../node_modules/chai/chai.js\"></script><script type=\"module\" src=\"/src/setup.js\"></script><script src=\"https://cdn.example/x.js\"></script><script src=\"//cdn.example/y.js\"></script><script>inline()</script>",
        )
        .unwrap();
        let files = page_files(&page, dir.path());
        let rel: Vec<String> =
            files.iter().map(|f| f.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(rel, ["page.html", "page.css", "vendor/lib.js", "src/setup.js"], "{files:?}");
        assert_eq!(page_modules(&page, dir.path()), [dir.path().join("src/setup.js")]);
        assert_eq!(page_files(&root.join("gone.html"), root), [root.join("gone.html")]);
    }

    #[test]
    fn a_missing_page_is_a_build_error_naming_it() {
        let err = run_page(Some(Path::new("/nonexistent/page.html")), &parts()).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/page.html"), "{err}");
    }
}
