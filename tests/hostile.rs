//! Hostile content and hostile requests: cases drawn from the usual XSS
//! cheat-sheet techniques, each followed through every answer that carries
//! content (the page, search results and their snippets, the JSON API, the
//! plan in every view and export, the sitemap, the feed and `/status`).
//!
//! The pages live in `tests/fixtures/hostile/`, one case a file, named after
//! the case (the YAML comment at the top of each says which technique it
//! is): `body/` holds cases in the Markdown body, `fields/` cases in the
//! front matter that are accepted, `rejected/` front matter that validation
//! must refuse. Its `site.yaml` is hostile too; it has no taxonomy, so the
//! built-in one applies. "Safe" is decided by parsing HTML the way a browser
//! does (`common::html_safety`), not by looking for strings.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use common::html_safety::{
    assert_safe_document, attribute_values, document_problems, fragment_elements,
    fragment_problems, texts_of, url_is_safe,
};
use common::{fixture, site, state};
use http_body_util::BodyExt;
use tower::ServiceExt;
use waymark::site::Site;
use waymark::web::{AppState, app};

/// Cases in the Markdown body of a strategy (`body/NAME.md`), each with the
/// technique it tries. Every one is accepted and must come out inert.
const BODY_CASES: &[(&str, &str)] = &[
    ("script-tag", "a plain script element"),
    ("script-src-external", "a script loaded from elsewhere"),
    ("script-mixed-case", "a script element in mixed case"),
    ("script-split-nested", "a script tag split around another"),
    ("script-unclosed", "a script element never closed"),
    ("img-onerror", "an image with an onerror handler"),
    (
        "img-onerror-entities",
        "an onerror handler written with entities",
    ),
    ("body-onload", "a body element with onload"),
    ("div-onmouseover", "a div with onmouseover"),
    (
        "namespaced-tag",
        "a tag named with a colon, HTML to some viewers and text to others",
    ),
    ("a-onclick", "a safe link with an onclick handler"),
    ("details-ontoggle", "details that fire ontoggle when open"),
    ("input-onfocus", "a text input that focuses itself"),
    ("video-source-onerror", "a video source with onerror"),
    ("audio-onerror", "an audio element with onerror"),
    ("marquee-onstart", "a marquee with onstart"),
    ("html-a-javascript", "a raw link to javascript:"),
    (
        "html-a-javascript-mixed-case",
        "a javascript: link in mixed case",
    ),
    (
        "html-a-javascript-decimal-entities",
        "javascript: in decimal entities",
    ),
    (
        "html-a-javascript-hex-entities",
        "javascript: with hex entities and &colon;",
    ),
    ("html-a-javascript-tab", "a tab inside the scheme"),
    ("html-a-javascript-newline", "a newline inside the scheme"),
    (
        "html-a-javascript-leading-control",
        "spaces and a control character before the scheme",
    ),
    ("html-a-vbscript", "a raw link to vbscript:"),
    ("html-a-data-html", "a raw link to a data: HTML document"),
    ("img-src-javascript", "an image source in javascript:"),
    (
        "img-src-data-svg",
        "an image source that is an SVG data: URL",
    ),
    ("md-link-javascript", "a Markdown link to javascript:"),
    ("md-link-javascript-upper", "a Markdown link to JAVASCRIPT:"),
    (
        "md-link-javascript-entity",
        "a Markdown link whose scheme is an entity",
    ),
    (
        "md-link-javascript-colon-entity",
        "a Markdown link with &colon;",
    ),
    (
        "md-link-javascript-tab",
        "a tab inside a Markdown link's scheme",
    ),
    ("md-link-vbscript", "a Markdown link to vbscript:"),
    (
        "md-link-data-html",
        "a Markdown link to a data: HTML document",
    ),
    ("md-image-javascript", "a Markdown image from javascript:"),
    (
        "md-image-data-svg",
        "a Markdown image that is an SVG data: URL",
    ),
    (
        "md-reference-link-javascript",
        "a reference link defined as javascript:",
    ),
    ("md-autolink-javascript", "an autolink to javascript:"),
    ("md-autolink-data", "an autolink to a data: URL"),
    ("md-autolink-http-quote", "an autolink with quotes in it"),
    (
        "md-link-title-breakout",
        "a Markdown link title that closes its attribute",
    ),
    ("svg-onload", "an SVG with onload"),
    ("svg-script", "a script inside SVG"),
    (
        "svg-xlink-javascript",
        "an SVG link to javascript: through xlink:href",
    ),
    (
        "svg-animate-href",
        "an SVG animation that sets href to javascript:",
    ),
    ("math-href", "a MathML element with a javascript: href"),
    ("iframe-javascript", "an iframe from javascript:"),
    ("iframe-srcdoc", "an iframe with a srcdoc holding a script"),
    ("object-data", "an object loading javascript:"),
    ("embed-src", "an embed of a data: HTML document"),
    ("style-tag", "a style element"),
    (
        "style-attribute",
        "a style attribute with a javascript: URL",
    ),
    ("style-expression", "an old IE CSS expression"),
    ("link-stylesheet", "a stylesheet link to javascript:"),
    ("base-href", "a base element that moves every relative link"),
    ("meta-refresh", "a meta refresh to javascript:"),
    ("form-action", "a form that posts to javascript:"),
    ("button-formaction", "a button with a formaction"),
    ("input-image-src", "an image input from javascript:"),
    ("comment-breakout", "a comment that closes at once"),
    ("comment-bang-close", "a comment closed with --!>"),
    ("conditional-comment", "an IE conditional comment"),
    ("cdata-section", "a CDATA section in HTML"),
    ("noscript-mutation", "a noscript mutation trick"),
    ("template-mutation", "a template inside select"),
    ("unclosed-attribute", "an attribute value never closed"),
    ("double-open-bracket", "a tag opened twice"),
    (
        "entity-encoded-script",
        "a script written as entities (text)",
    ),
    ("code-span-script", "a script in a code span (text)"),
    (
        "code-block-script",
        "a script in a fenced code block (text)",
    ),
    (
        "heading-id-breakout",
        "a heading id attribute that closes its quote",
    ),
    (
        "heading-text-breakout",
        "heading text that breaks out of the anchor's label",
    ),
    ("footnote-html", "raw HTML in a footnote"),
    ("table-cell-html", "raw HTML in a table cell"),
    ("task-list-input", "an event handler beside a task list box"),
    ("template-syntax-body", "template syntax in the body"),
];

/// Accepted pages with hostile front matter (`fields/NAME.md`), with the
/// title each must show exactly as written.
const FIELD_CASES: &[(&str, &str)] = &[
    (
        "title-angle-brackets",
        "Breaks <script>alert('title')</script> & more",
    ),
    ("title-quotes", "He said \"stop\" and it's fine"),
    (
        "title-template-syntax",
        "Curly {{ 7*7 }} and {% if true %}yes{% endif %}",
    ),
    (
        "title-attribute-breakout",
        "\"><img src=x onerror=alert(1)>",
    ),
    ("summary-html", "Case summary-html"),
    ("tags-html", "Case tags-html"),
    ("link-title-html", "Case link-title-html"),
    ("link-url-quote-breakout", "Case link-url-quote-breakout"),
    ("source-title-html", "Case source-title-html"),
    (
        "source-url-quote-breakout",
        "Case source-url-quote-breakout",
    ),
    (
        "csv-formula",
        "=HYPERLINK(\"https://evil.example\",\"click\")",
    ),
    (
        "resource-title-markdown",
        "Guide](javascript:alert(1)) <img src=x onerror=alert(1)> [more",
    ),
    ("facilitator-notes-html", "Case facilitator-notes-html"),
    // YAML's "\a" and "\e": XML cannot hold these, so the feed and the Word
    // document drop them; the HTML keeps them as text.
    (
        "title-control-character",
        "Bell \u{7} and escape \u{1b} characters",
    ),
];

/// Front matter that validation refuses (`rejected/NAME.md`): the line the
/// problem must point at and words its message must hold.
const REJECTED_CASES: &[(&str, usize, &str)] = &[
    (
        "link-url-javascript",
        13,
        "a link url \"javascript:alert(1)\" must be a full https:// address",
    ),
    (
        "link-url-javascript-mixed-case",
        13,
        "a link url \"JaVaScRiPt:alert(1)\" must be a full https:// address",
    ),
    // The value is written with a YAML escape (`\t`), so the locator cannot
    // find it as typed and points at the `links` key instead.
    (
        "link-url-javascript-tab",
        11,
        "must be a full https:// address",
    ),
    (
        "link-url-vbscript",
        13,
        "a link url \"vbscript:msgbox(1)\" must be a full https:// address",
    ),
    ("link-url-data-html", 13, "must be a full https:// address"),
    (
        "link-url-protocol-relative",
        13,
        "a link url \"//evil.example/x\" must be a full https:// address",
    ),
    (
        "link-url-attribute-breakout",
        13,
        "must be a full https:// address",
    ),
    (
        "link-url-http-entity",
        13,
        "a link url \"&#106;avascript:alert(1)\" must be a full https:// address",
    ),
    (
        "source-url-javascript",
        12,
        "an evidence source url \"javascript:alert('source')\" must be a full https:// address",
    ),
    ("needs-html", 6, "<script>alert(1)</script>"),
    ("tier-html", 7, "\"><img src=x onerror=alert(1)>"),
    (
        "unknown-field-html",
        11,
        "unknown field \"<script>alert(1)</script>\"",
    ),
    ("updated-html", 10, "<svg onload=alert(1)>"),
];

/// Hostile input in requests, reflected back in the answer.
const REFLECTED_CASES: &[(&str, &str)] = &[
    (
        "search-q-script",
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ),
    (
        "search-q-attribute-breakout",
        "/search?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
    ),
    (
        "search-q-single-quote-breakout",
        "/search?q=%27+onfocus%3D%27alert(1)%27+autofocus+x%3D%27",
    ),
    (
        "search-q-template-syntax",
        "/search?q=%7B%7B7*7%7D%7D+%7B%25+if+true+%25%7D",
    ),
    ("search-q-javascript-url", "/search?q=javascript%3Aalert(1)"),
    (
        "search-need-script",
        "/search?need=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ),
    (
        "search-sort-breakout",
        "/search?sort=%22%3E%3Csvg+onload%3Dalert(1)%3E",
    ),
    (
        "search-page-breakout",
        "/search?q=hxscripttag&page=%3Cscript%3E",
    ),
    (
        "not-found-path-script",
        "/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ),
    (
        "not-found-path-breakout",
        "/body/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
    ),
    (
        "plan-items-script",
        "/plan?items=%3Cscript%3Ealert(1)%3C%2Fscript%3E,body/script-tag",
    ),
    (
        "plan-view-script",
        "/plan?items=body/script-tag&view=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ),
    (
        "need-listing-script",
        "/needs/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ),
];

/// How `<` may be escaped in HTML: askama writes the numeric reference.
const LT: [&str; 2] = ["&lt;", "&#60;"];

fn hostile() -> Site {
    site(fixture("hostile"))
}

fn marker(name: &str) -> String {
    format!("hx{}", name.replace('-', ""))
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// One GET through the router, with the response headers.
async fn fetch(state: &AppState, uri: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = app(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, body.to_vec())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap_or(""))
        .unwrap_or("")
}

/// Failures collected across every case, reported together at the end.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(what());
        }
    }

    fn html_document(&mut self, what: &str, html: &str) {
        for p in document_problems(html) {
            self.0.push(format!("{what}: {p}"));
        }
    }

    fn html_fragment(&mut self, what: &str, html: &str) {
        for p in fragment_problems(html) {
            self.0.push(format!("{what}: {p}"));
        }
    }

    fn assert_none(self) {
        assert!(
            self.0.is_empty(),
            "{} failure(s):\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

/// An HTML answer: 200, HTML, nosniff and a CSP, and safe throughout.
async fn html_ok(f: &mut Failures, s: &AppState, uri: &str, what: &str) -> String {
    let (status, headers, body) = fetch(s, uri).await;
    let html = String::from_utf8_lossy(&body).into_owned();
    f.check(status == StatusCode::OK, || {
        format!("{what}: {uri} answered {status}")
    });
    f.check(
        header(&headers, "content-type").starts_with("text/html"),
        || format!("{what}: {uri} is {:?}", header(&headers, "content-type")),
    );
    f.check(
        header(&headers, "x-content-type-options") == "nosniff",
        || format!("{what}: {uri} lacks nosniff"),
    );
    f.check(
        header(&headers, "content-security-policy").contains("default-src 'self'"),
        || format!("{what}: {uri} lacks the CSP"),
    );
    f.html_document(&format!("{what} {uri}"), &html);
    html
}

async fn json(f: &mut Failures, s: &AppState, uri: &str, what: &str) -> serde_json::Value {
    let (status, headers, body) = fetch(s, uri).await;
    f.check(status == StatusCode::OK, || {
        format!("{what}: {uri} answered {status}")
    });
    f.check(
        header(&headers, "content-type").starts_with("application/json"),
        || format!("{what}: {uri} is {:?}", header(&headers, "content-type")),
    );
    serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null)
}

/// Every element and attribute a Word document body holds must be
/// WordprocessingML; text stays text.
fn docx_text(f: &mut Failures, what: &str, bytes: &[u8]) -> String {
    let mut archive = match zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())) {
        Ok(a) => a,
        Err(e) => {
            f.0.push(format!("{what}: not a zip: {e}"));
            return String::new();
        }
    };
    let mut xml = String::new();
    if let Err(e) = archive
        .by_name("word/document.xml")
        .map_err(|e| e.to_string())
        .and_then(|mut d| d.read_to_string(&mut xml).map_err(|e| e.to_string()))
    {
        f.0.push(format!("{what}: no word/document.xml: {e}"));
        return String::new();
    }
    // The parts made from settings or fixed up after docx-rs (core
    // properties, styles, numbering, the footer with the authority's name)
    // must be well-formed too.
    for name in [
        "docProps/core.xml",
        "word/styles.xml",
        "word/numbering.xml",
        "word/footer1.xml",
    ] {
        let mut part = String::new();
        let read = archive
            .by_name(name)
            .map_err(|e| e.to_string())
            .and_then(|mut d| d.read_to_string(&mut part).map_err(|e| e.to_string()));
        match read {
            Ok(_) => {
                if let Err(e) = roxmltree::Document::parse(&part) {
                    f.0.push(format!("{what}: {name} is not well-formed XML: {e}"));
                }
            }
            Err(e) => f.0.push(format!("{what}: no {name}: {e}")),
        }
    }
    let doc = match roxmltree::Document::parse(&xml) {
        Ok(d) => d,
        Err(e) => {
            f.0.push(format!(
                "{what}: word/document.xml is not well-formed XML: {e}"
            ));
            return String::new();
        }
    };
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let mut text = String::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let ns = node.tag_name().namespace().unwrap_or("");
        f.check(ns.starts_with("http://schemas.openxmlformats.org/"), || {
            format!(
                "{what}: a foreign element <{}> in the document",
                node.tag_name().name()
            )
        });
        f.check(ns != W || node.tag_name().name() != "hyperlink", || {
            format!("{what}: a hyperlink from content in the document")
        });
        if ns == W && node.tag_name().name() == "t" {
            text.push_str(node.text().unwrap_or(""));
            text.push('\n');
        }
    }
    text
}

/// No cell of a CSV may be read as a formula by a spreadsheet.
fn csv_rows(f: &mut Failures, what: &str, bytes: &[u8]) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => rows.push(r.iter().map(str::to_string).collect::<Vec<_>>()),
            Err(e) => f.0.push(format!("{what}: unreadable CSV: {e}")),
        }
    }
    for cell in rows.iter().flatten() {
        f.check(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), || {
            format!("{what}: a CSV cell a spreadsheet runs as a formula: {cell:?}")
        });
    }
    rows
}

/// The Markdown export must be a download, and what any Markdown viewer
/// makes of it (CommonMark, raw HTML kept, as most do) must be safe.
fn markdown_export(f: &mut Failures, what: &str, headers: &HeaderMap, md: &str) {
    f.check(
        header(headers, "content-type").starts_with("text/markdown"),
        || format!("{what}: {:?}", header(headers, "content-type")),
    );
    f.check(
        header(headers, "content-disposition").starts_with("attachment"),
        || format!("{what}: not an attachment"),
    );
    // Viewers disagree on what is a tag, so no `<` is left for any of them
    // to read as one: each is escaped or inside code.
    let code: Vec<std::ops::Range<usize>> =
        pulldown_cmark::Parser::new_ext(md, pulldown_cmark::Options::all())
            .into_offset_iter()
            .filter(|(e, _)| {
                matches!(
                    e,
                    pulldown_cmark::Event::Code(_)
                        | pulldown_cmark::Event::Start(pulldown_cmark::Tag::CodeBlock(_))
                )
            })
            .map(|(_, r)| r)
            .collect();
    for (i, _) in md.match_indices('<') {
        let backslashes = md[..i].bytes().rev().take_while(|&b| b == b'\\').count();
        let escaped = backslashes % 2 == 1;
        f.check(escaped || code.iter().any(|r| r.contains(&i)), || {
            let end = (i + 40).min(md.len());
            let end = (i..=end)
                .rev()
                .find(|&e| md.is_char_boundary(e))
                .unwrap_or(i);
            format!("{what}: a raw < outside code: {:?}", &md[i..end])
        });
    }
    let mut viewed = String::new();
    pulldown_cmark::html::push_html(
        &mut viewed,
        pulldown_cmark::Parser::new_ext(md, pulldown_cmark::Options::all()),
    );
    f.html_fragment(&format!("{what} (as a Markdown viewer shows it)"), &viewed);
}

/// Follows one accepted page through every answer that carries it.
async fn check_page_everywhere(f: &mut Failures, s: &AppState, slug: &str, name: &str) {
    let what = format!("case {name}");
    let m = marker(name);

    // The page itself.
    let page = html_ok(f, s, &format!("/{slug}"), &what).await;
    f.check(page.contains(&m), || {
        format!("{what}: the page lacks its marker {m}")
    });

    // Its JSON: the rendered body is safe, the text fields are the raw text.
    let api = json(f, s, &format!("/api/pages/{slug}"), &what).await;
    let body_html = api["html"].as_str().unwrap_or("");
    f.check(!body_html.is_empty(), || {
        format!("{what}: /api/pages has no html")
    });
    f.html_fragment(&format!("{what} /api/pages html"), body_html);

    // Search, as HTML and JSON: found by its marker, snippets hold only <mark>.
    html_ok(f, s, &format!("/search?q={m}"), &what).await;
    let found = json(f, s, &format!("/api/search?q={m}"), &what).await;
    let results = found["results"].as_array().cloned().unwrap_or_default();
    f.check(results.iter().any(|r| r["slug"] == slug), || {
        format!("{what}: /api/search?q={m} does not find {slug}")
    });
    for r in &results {
        let snippet = r["snippet"].as_str().unwrap_or("");
        f.html_fragment(&format!("{what} /api/search snippet"), snippet);
        let elements = fragment_elements(snippet);
        f.check(elements.iter().all(|e| e == "mark"), || {
            format!("{what}: a snippet holds {elements:?}: {snippet}")
        });
    }

    // The plan in every view and export.
    for view in ["", "&view=session", "&view=present"] {
        html_ok(f, s, &format!("/plan?items={slug}{view}"), &what).await;
    }
    for view in ["", "&view=session"] {
        let (status, headers, md) = fetch(s, &format!("/plan.md?items={slug}{view}")).await;
        f.check(status == StatusCode::OK, || {
            format!("{what}: plan.md {status}")
        });
        markdown_export(
            f,
            &format!("{what} plan.md{view}"),
            &headers,
            &String::from_utf8_lossy(&md),
        );
        let (status, _, docx) = fetch(s, &format!("/plan.docx?items={slug}{view}")).await;
        f.check(status == StatusCode::OK, || {
            format!("{what}: plan.docx {status}")
        });
        docx_text(f, &format!("{what} plan.docx{view}"), &docx);
    }
    let (status, _, csv) = fetch(s, &format!("/plan.csv?items={slug}")).await;
    f.check(status == StatusCode::OK, || {
        format!("{what}: plan.csv {status}")
    });
    csv_rows(f, &format!("{what} plan.csv"), &csv);
}

// ------------------------------------------------------------------ the walker

/// The walker itself must catch every kind of fault it is trusted with, or
/// the rest of this file proves nothing.
#[test]
fn the_safety_walker_catches_what_it_must() {
    let caught = |html: &str| !fragment_problems(html).is_empty();
    for bad in [
        "<script>alert(1)</script>",
        "<svg><script>alert(1)</script></svg>",
        "<img src=x onerror=alert(1)>",
        "<p OnMouseOver=x>",
        "<p style=\"color:red\">",
        "<style>p{}</style>",
        "<a href=\"javascript:alert(1)\">",
        "<a href=\"&#106;avascript:alert(1)\">",
        "<a href=\" java&#9;script:alert(1)\">",
        "<a href=\"JAVA\nSCRIPT:alert(1)\">",
        "<a href=\"vbscript:x\">",
        "<a href=\"data:text/html,x\">",
        "<img src=\"data:image/svg+xml,x\">",
        "<img srcset=\"ok.png 1x, javascript:alert(1) 2x\">",
        "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
        "<svg><animate attributeName=href values=\"javascript:alert(1)\"/></svg>",
        "<iframe src=\"/ok\"></iframe>",
        "<iframe srcdoc=\"x\"></iframe>",
        "<object data=\"/ok\"></object>",
        "<embed src=\"/ok\">",
        "<base href=\"/\">",
        "<meta http-equiv=\"refresh\" content=\"0\">",
        "<link rel=\"stylesheet\" href=\"/x.css\">",
        "<form action=\"/search\"></form>",
        "<button formaction=\"javascript:alert(1)\">",
        "<template><img src=x onerror=alert(1)></template>",
    ] {
        assert!(caught(bad), "the walker missed {bad:?}");
    }
    for good in [
        "<p>text &lt;script&gt;</p>",
        "<a href=\"/strategies/x#y\">in</a> <a href=\"https://example.org/\" rel=\"noopener\">out</a>",
        "<a href=\"mailto:send@example.org\">mail</a> <a href=\"#top\">top</a> <a href=\"?q=x\">q</a>",
        "<img src=\"/static/x.png\" alt=\"\"><code>&lt;script&gt;</code>",
        "<a href=\"/search?q=javascript:alert(1)\">a query is not a scheme</a>",
        // pulldown-cmark writes a tab in a link as %09; a browser reads
        // `java%09script:` as a relative path, not a scheme.
        "<a href=\"java%09script:alert(1)\">relative</a>",
    ] {
        assert!(
            fragment_problems(good).is_empty(),
            "the walker flagged {good:?}: {:?}",
            fragment_problems(good)
        );
    }
    assert!(url_is_safe("relative/page") && url_is_safe("//example.org/x"));
    assert!(!url_is_safe("\u{1}javascript:x") && !url_is_safe("JaVa\tScRiPt:x"));

    // A whole page may carry the site's own head script and forms, no others.
    let own = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script src=\"/static/waymark.js\" defer></script></head><body><form action=\"/search\"></form><form method=\"post\" action=\"/plan/add\"></form><form action=\"/needs/adhd#pages\"></form></body></html>";
    assert_eq!(document_problems(own), Vec::<String>::new());
    for bad in [
        "<html><head><script>inline()</script></head><body></body></html>",
        "<html><head><script src=\"https://evil.example/x.js\"></script></head></html>",
        "<html><head></head><body><script src=\"/static/waymark.js\"></script></body></html>",
        "<html><body><form action=\"https://evil.example/\"></form></body></html>",
        "<html><body><form></form></body></html>",
        "<html><body><form action=\"/needs/../evil\"></form></body></html>",
        "<html><head><meta http-equiv=\"refresh\" content=\"0;url=/\"></head></html>",
        "<html><body><meta charset=\"utf-8\"></body></html>",
    ] {
        assert!(
            !document_problems(bad).is_empty(),
            "the walker missed {bad:?}"
        );
    }
}

/// The portal's own pages pass the walker, so its findings elsewhere mean
/// something about content, not about the site.
#[tokio::test]
async fn the_portals_own_pages_pass_the_walker() {
    let s = state(site(fixture("valid")));
    for uri in [
        "/",
        "/needs/adhd",
        "/tiers/universal",
        "/ingredients/evidence-based-strategies",
        "/search?q=ear",
        "/strategies/social-stories",
        "/plan?items=strategies/social-stories,strategies/movement-breaks",
        "/plan?items=strategies/social-stories&view=session",
        "/status",
        "/no-such-page",
    ] {
        let (_, _, body) = fetch(&s, uri).await;
        assert_safe_document(&String::from_utf8_lossy(&body), uri);
    }
}

// ------------------------------------------------------------------ the fixture

/// Every file in the fixture is a case named in a table here, and every
/// case in the tables has its file: none can silently drop out.
#[test]
fn every_case_has_its_file_and_every_file_its_case() {
    let files = |dir: &str| -> BTreeSet<String> {
        std::fs::read_dir(fixture("hostile").join(dir))
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .path()
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    };
    let names =
        |list: &[&str]| -> BTreeSet<String> { list.iter().map(|s| s.to_string()).collect() };
    assert_eq!(
        files("body"),
        names(&BODY_CASES.iter().map(|c| c.0).collect::<Vec<_>>())
    );
    let fields = names(&FIELD_CASES.iter().map(|c| c.0).collect::<Vec<_>>());
    assert_eq!(files("fields"), fields);
    assert_eq!(
        files("rejected"),
        names(&REJECTED_CASES.iter().map(|c| c.0).collect::<Vec<_>>())
    );
    let total = BODY_CASES.len() + fields.len() + REJECTED_CASES.len() + REFLECTED_CASES.len() + 1; // the hostile site.yaml
    assert!(total >= 50, "{total} cases");
}

// ------------------------------------------------------------------ accepted

#[tokio::test]
async fn body_cases_are_inert_in_every_answer() {
    let site = hostile();
    let s = state(site);
    let mut f = Failures::default();
    for (name, _) in BODY_CASES {
        check_page_everywhere(&mut f, &s, &format!("body/{name}"), name).await;
    }
    f.assert_none();
}

#[tokio::test]
async fn field_cases_are_inert_in_every_answer_and_shown_as_written() {
    let s = state(hostile());
    let mut f = Failures::default();
    let (_, _, feed) = fetch(&s, "/feed.xml").await;
    let feed = String::from_utf8(feed).unwrap();
    let feed_doc = roxmltree::Document::parse(&feed).expect("the feed is well-formed XML");
    let feed_titles: Vec<String> = feed_doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title")))
        .map(|t| t.text().unwrap_or("").to_string())
        .collect();

    for (name, title) in FIELD_CASES {
        let dir = "fields";
        let slug = format!("{dir}/{name}");
        let what = format!("case {name}");
        check_page_everywhere(&mut f, &s, &slug, name).await;

        // The title is shown as text, exactly as written: never as markup,
        // never evaluated as a template.
        let (_, _, page) = fetch(&s, &format!("/{slug}")).await;
        let page = String::from_utf8_lossy(&page).into_owned();
        let h1 = texts_of(&page, "h1");
        f.check(h1.iter().any(|t| t == title), || {
            format!("{what}: <h1> is {h1:?}, not {title:?}")
        });
        let head_title = texts_of(&page, "title");
        f.check(head_title.iter().any(|t| t.starts_with(title)), || {
            format!("{what}: <title> is {head_title:?}")
        });
        if title.contains('<') {
            let raw = title.split_once('<').unwrap().1;
            f.check(!page.contains(&format!("<{raw}")), || {
                format!("{what}: the title's < reaches the HTML unescaped")
            });
            let escaped = format!("{}{}", LT[0], &raw[..raw.len().min(6)]);
            let numeric = format!("{}{}", LT[1], &raw[..raw.len().min(6)]);
            f.check(page.contains(&escaped) || page.contains(&numeric), || {
                format!("{what}: the title's < is not escaped as &lt; or &#60;")
            });
        }
        if title.contains("{{") {
            f.check(
                page.contains("{{ 7*7 }}") && page.contains("{% if true %}"),
                || format!("{what}: template syntax was not kept as text"),
            );
        }

        // The feed and the JSON hold the same text.
        let visible: String = title.chars().filter(|c| !c.is_control()).collect();
        if *name != "resource-title-markdown" && *name != "facilitator-notes-html" {
            f.check(feed_titles.contains(&visible), || {
                format!("{what}: the feed has no entry titled {title:?}")
            });
        }
        let api = json(&mut f, &s, &format!("/api/pages/{slug}"), &what).await;
        f.check(api["title"] == *title, || {
            format!("{what}: /api/pages title is {}", api["title"])
        });

        // Searching for the title itself: the query is reflected, safely.
        let results = html_ok(&mut f, &s, &format!("/search?q={}", enc(title)), &what).await;
        let shown = texts_of(&results, "h1");
        f.check(shown.iter().any(|t| t.contains(title)), || {
            format!("{what}: the search page heading is {shown:?}")
        });

        // The plan quotes it as text too.
        let (_, _, docx) = fetch(&s, &format!("/plan.docx?items={slug}")).await;
        let text = docx_text(&mut f, &format!("{what} plan.docx"), &docx);
        if *name != "resource-title-markdown" {
            f.check(text.contains(&visible), || {
                format!("{what}: the Word document lacks the title")
            });
        }
        let plan = html_ok(&mut f, &s, &format!("/plan?items={slug}"), &what).await;
        f.check(
            !title.contains('<') || LT.iter().any(|lt| plan.contains(lt)),
            || format!("{what}: the plan shows the title unescaped"),
        );
    }
    if feed.contains("<script") || feed.contains("<img") {
        f.0.push("the feed carries markup from content".into());
    }
    f.assert_none();
}

/// The values that reach the page through fields (link and source titles,
/// hostile URLs that are still https) come out as text and safe links.
#[tokio::test]
async fn hostile_links_and_sources_stay_inert() {
    let s = state(hostile());
    let (_, _, body) = fetch(&s, "/fields/link-url-quote-breakout").await;
    let html = String::from_utf8(body).unwrap();
    assert_safe_document(&html, "link-url-quote-breakout");
    let hrefs = attribute_values(&html, "a", "href");
    for url in [
        "https://example.org/\"><script>alert(1)</script>",
        "https://example.org/'onmouseover='alert(1)'",
    ] {
        assert!(
            hrefs.iter().any(|h| h == url),
            "{url} is not one whole href: {hrefs:?}"
        );
    }
    assert!(!html.contains("<script>alert(1)"));

    let (_, _, body) = fetch(&s, "/fields/link-title-html").await;
    let html = String::from_utf8(body).unwrap();
    assert!(
        texts_of(&html, "a")
            .iter()
            .any(|t| t == "<img src=x onerror=alert('link')>")
    );

    let (_, _, body) = fetch(&s, "/fields/source-title-html").await;
    let html = String::from_utf8(body).unwrap();
    assert!(
        texts_of(&html, "a")
            .iter()
            .any(|t| t == "<script>alert('source')</script> Study (EEF, 2020)")
    );

    let (_, _, body) = fetch(&s, "/fields/summary-html").await;
    let html = String::from_utf8(body).unwrap();
    assert!(
        texts_of(&html, "p")
            .iter()
            .any(|t| t == "<b>bold</b> <script>alert('summary')</script> {{ summary }}")
    );
    let (_, api) = common::get_json(&s, "/api/pages/fields/tags-html").await;
    assert_eq!(
        api["tags"],
        serde_json::json!([
            "<script>alert(1)</script>",
            "\"><svg onload=alert(1)>",
            "hxtagmarker"
        ])
    );
}

/// The Markdown export cannot be turned into a link or markup by a title.
#[tokio::test]
async fn the_markdown_export_quotes_titles_as_text() {
    let s = state(hostile());
    let (_, _, md) = fetch(
        &s,
        "/plan.md?items=fields/resource-title-markdown,fields/title-angle-brackets",
    )
    .await;
    let md = String::from_utf8(md).unwrap();
    // Plain CommonMark here (Options::all() would also curl the quotes).
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&md));
    common::html_safety::assert_safe_fragment(&html, "plan.md as HTML");
    // A strategy's title heads its part of the plan's provision section.
    assert!(
        texts_of(&html, "h3")
            .iter()
            .any(|t| t == "Breaks <script>alert('title')</script> & more"),
        "{md}"
    );
    let links: Vec<String> = texts_of(&html, "a");
    assert!(
        links
            .iter()
            .any(|t| t == "Guide](javascript:alert(1)) <img src=x onerror=alert(1)> [more"),
        "the resource's title is one link's text: {links:?}\n{md}"
    );
}

/// A formula in a title or a measure reaches the CSV as text a spreadsheet
/// will not run.
#[tokio::test]
async fn the_csv_export_never_starts_a_cell_with_a_formula() {
    let s = state(hostile());
    let (_, _, csv) = fetch(&s, "/plan.csv?items=fields/csv-formula").await;
    let mut f = Failures::default();
    let rows = csv_rows(&mut f, "plan.csv", &csv);
    f.assert_none();
    assert_eq!(rows.len(), 2);
    assert!(rows[1][0].ends_with("=HYPERLINK(\"https://evil.example\",\"click\")"));
    assert!(rows[1].iter().any(|c| c.contains("=1+1")), "{:?}", rows[1]);
}

// ------------------------------------------------------------------ rejected

#[tokio::test]
async fn rejected_cases_are_problems_with_file_and_line_and_never_served() {
    let site = hostile();
    let problems: Vec<String> = site.errors().map(ToString::to_string).collect();
    let s = state(site);
    let mut f = Failures::default();
    for (name, line, words) in REJECTED_CASES {
        let what = format!("case {name}");
        let file = Path::new("rejected").join(format!("{name}.md"));
        let mine: Vec<&String> = problems
            .iter()
            .filter(|p| p.contains(&file.display().to_string()))
            .collect();
        f.check(!mine.is_empty(), || {
            format!("{what}: no problem for {}", file.display())
        });
        f.check(
            mine.iter()
                .any(|p| p.contains(&format!("{}:{line}:", file.display())) && p.contains(words)),
            || format!("{what}: no problem at line {line} saying {words:?}: {mine:?}"),
        );
        let (status, _, _) = fetch(&s, &format!("/rejected/{name}")).await;
        f.check(status == StatusCode::NOT_FOUND, || {
            format!("{what}: served ({status})")
        });
        let (status, _, _) = fetch(&s, &format!("/api/pages/rejected/{name}")).await;
        f.check(status == StatusCode::NOT_FOUND, || {
            format!("{what}: API served ({status})")
        });
        let (_, found) = common::get_json(&s, &format!("/api/search?q={}", marker(name))).await;
        f.check(found["total"] == 0, || format!("{what}: found by search"));
    }

    // /status lists every one, as text, and stays safe.
    let status = html_ok(&mut f, &s, "/status", "status").await;
    let listed: Vec<String> = texts_of(&status, "code");
    for (name, line, words) in REJECTED_CASES {
        f.check(
            listed
                .iter()
                .any(|t| t.contains(&format!("{name}.md:{line}:")) && t.contains(words)),
            || format!("case {name}: /status does not list it at line {line}"),
        );
    }
    f.assert_none();
}

// ------------------------------------------------------------------ site-wide

/// Every page that lists many cases at once: home, listings, all results,
/// the plan of every page, the sitemap and the feed.
#[tokio::test]
async fn listings_feeds_and_whole_plans_are_safe() {
    let site = hostile();
    let slugs: Vec<String> = site.pages.iter().map(|p| p.slug.clone()).collect();
    let count = slugs.len();
    let s = state(site);
    let mut f = Failures::default();
    for uri in [
        "/",
        "/needs/adhd",
        "/needs/cognition-learning",
        "/tiers/universal",
        "/ingredients/evidence-based-strategies",
        "/search",
        "/search?q=case",
        "/search?q=marker+word&sort=title",
        "/search?q=script+alert",
        "/search?q=onerror",
        "/search?sort=updated&page=2",
    ] {
        let (_, _, body) = fetch(&s, uri).await;
        f.html_document(uri, &String::from_utf8_lossy(&body));
    }
    let (_, all) = common::get_json(&s, "/api/search?q=alert+script+onerror+javascript").await;
    for r in all["results"].as_array().unwrap() {
        f.html_fragment("/api/search snippet", r["snippet"].as_str().unwrap());
    }

    for chunk in slugs.chunks(100) {
        let items = chunk.join(",");
        for view in ["", "&view=session", "&view=present"] {
            html_ok(
                &mut f,
                &s,
                &format!("/plan?items={items}{view}"),
                "whole plan",
            )
            .await;
        }
        for view in ["", "&view=session"] {
            let (_, headers, md) = fetch(&s, &format!("/plan.md?items={items}{view}")).await;
            markdown_export(
                &mut f,
                "whole plan.md",
                &headers,
                &String::from_utf8_lossy(&md),
            );
            let (_, _, docx) = fetch(&s, &format!("/plan.docx?items={items}{view}")).await;
            docx_text(&mut f, "whole plan.docx", &docx);
        }
        let (_, _, csv) = fetch(&s, &format!("/plan.csv?items={items}")).await;
        csv_rows(&mut f, "whole plan.csv", &csv);
    }

    // The sitemap: well-formed, only its own elements, one URL a page.
    let (_, headers, sitemap) = fetch(&s, "/sitemap.xml").await;
    assert!(header(&headers, "content-type").starts_with("application/xml"));
    let sitemap = String::from_utf8(sitemap).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).expect("the sitemap is well-formed");
    for n in doc.descendants().filter(|n| n.is_element()) {
        f.check(
            ["urlset", "url", "loc", "lastmod"].contains(&n.tag_name().name()),
            || format!("sitemap: element <{}>", n.tag_name().name()),
        );
    }
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    f.check(locs.len() == count + 1, || {
        format!("sitemap: {} locs for {count} pages", locs.len())
    });
    for loc in &locs {
        f.check(loc.starts_with("http://127.0.0.1:3000/"), || {
            format!("sitemap: loc {loc}")
        });
    }

    // The feed: well-formed Atom with text only, the site's name escaped.
    let (_, headers, feed) = fetch(&s, "/feed.xml").await;
    assert!(header(&headers, "content-type").starts_with("application/atom+xml"));
    let feed = String::from_utf8(feed).unwrap();
    let doc = roxmltree::Document::parse(&feed).expect("the feed is well-formed");
    for n in doc.descendants().filter(|n| n.is_element()) {
        f.check(
            [
                "feed", "title", "id", "link", "updated", "author", "name", "entry", "summary",
            ]
            .contains(&n.tag_name().name()),
            || format!("feed: element <{}>", n.tag_name().name()),
        );
        if let Some(href) = n.attribute("href") {
            f.check(url_is_safe(href), || format!("feed: link {href}"));
        }
    }
    let feed_title = doc.root_element().first_element_child().unwrap();
    assert_eq!(
        feed_title.text(),
        Some("Hostile <Portal> & \"Friends\" {{ site }}: recently reviewed pages")
    );
    assert!(feed.contains("Hostile &lt;Portal&gt; &amp;"));
    let author: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("name"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(author, ["<script>alert('authority')</script> Council"]);
    f.assert_none();
}

/// The hostile site settings reach every page as text.
#[tokio::test]
async fn hostile_site_settings_are_text_on_every_page() {
    let s = state(hostile());
    let (_, _, home) = fetch(&s, "/").await;
    let home = String::from_utf8(home).unwrap();
    assert_safe_document(&home, "home");
    let footer: Vec<String> = texts_of(&home, "footer");
    let footer = footer.join(" ");
    assert!(
        footer.contains("<script>alert('authority')</script> Council"),
        "{footer}"
    );
    assert!(footer.contains("<img src=x onerror=alert('contact')> send@example.org"));
    let title = texts_of(&home, "title");
    assert!(
        title[0].contains("Hostile <Portal> & \"Friends\" {{ site }}"),
        "{title:?}"
    );
    assert!(!home.contains("<Portal>"));
    assert!(LT.iter().any(|lt| home.contains(&format!("{lt}Portal"))));
}

// ------------------------------------------------------------------ reflected

#[tokio::test]
async fn hostile_requests_are_reflected_only_as_text() {
    let s = state(hostile());
    let mut f = Failures::default();
    for (name, uri) in REFLECTED_CASES {
        let (status, headers, body) = fetch(&s, uri).await;
        let html = String::from_utf8_lossy(&body).into_owned();
        f.check(status.is_success() || status.is_client_error(), || {
            format!("case {name}: {uri} answered {status}")
        });
        f.check(
            header(&headers, "content-type").starts_with("text/html"),
            || format!("case {name}: {:?}", header(&headers, "content-type")),
        );
        f.html_document(&format!("case {name} {uri}"), &html);
        for raw in ["<script>", "<img src=x", "<svg onload", "' onfocus='"] {
            f.check(!html.contains(raw), || {
                format!("case {name}: {raw:?} reflected raw")
            });
        }
    }
    // The API answers errors as JSON, naming the value as a JSON string.
    let (status, headers, body) =
        fetch(&s, "/api/search?need=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(header(&headers, "content-type").starts_with("application/json"));
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["value"], "<script>alert(1)</script>");
    let (status, _, body) = fetch(&s, "/api/pages/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(error["error"].as_str().unwrap().contains("<script>"));

    // A hostile query searched three times shows on /status only as words
    // (real ones: a word that is neither in the content nor an everyday
    // word is never listed).
    for _ in 0..3 {
        fetch(&s, "/search?q=%22%3E%3Cscooter+balloon%3D%27bubbles%27%3E").await;
    }
    let status_page = html_ok(&mut f, &s, "/status", "status").await;
    let cells: Vec<String> = texts_of(&status_page, "td");
    f.check(cells.iter().any(|c| c == "scooter balloon bubbles"), || {
        format!("the missing query is not listed as words: {cells:?}")
    });
    f.assert_none();
}
