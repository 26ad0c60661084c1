//! Property tests: whatever bytes an editor saves, whatever a Markdown body
//! holds and whatever a person types into the search box, Waymark never
//! panics, its problems always point somewhere real, its HTML is always
//! safe, and a search never returns more than a page of results.
//!
//! Case counts are kept moderate (`CASES`) so the file runs in well under a
//! minute in a debug build.

mod common;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::html_safety::fragment_problems;
use http_body_util::BodyExt;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use tower::ServiceExt;
use waymark::content::loader::load_file;
use waymark::content::markdown::render;
use waymark::content::parse_page;
use waymark::content::validate::Context;
use waymark::plan::export::{md_text, quote_markdown};
use waymark::problem::Problem;
use waymark::search::{PER_PAGE, SearchRequest};
use waymark::taxonomy::Taxonomy;
use waymark::web::{AppState, app};

const CASES: u32 = 256;

fn config() -> Config {
    Config {
        cases: CASES,
        // Shrinking a failure can take long; the first failing input is
        // reported either way.
        max_shrink_iters: 256,
        // Failures found are replayed from tests/fuzz.proptest-regressions.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    }
}

static TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(Taxonomy::builtin);

/// The bundled content: a real vocabulary, synonyms and corrections.
static BUNDLED: LazyLock<AppState> = LazyLock::new(|| common::state(common::bundled()));

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
});

/// A valid page with every kind of field, to mutate.
const VALID: &str = "---
title: Movement breaks
summary: Short planned breaks that let a child move, so they can settle back to learning.
kind: strategy
needs: [adhd, sensory-processing]
tier: targeted
ingredients: [evidence-based-strategies]
phases: [primary, secondary]
pfa: [good-health]
cycle: [do]
tags: [fidget, can't sit still, carpet time]
links:
  - title: ADHD Foundation
    url: https://www.adhdfoundation.org.uk/
evidence:
  strength: moderate
  sources:
    - title: Special Educational Needs in Mainstream Schools (EEF, 2020)
      url: https://educationendowmentfoundation.org.uk/
      type: guidance-report
provision:
  sessions_per_week: 3
  session_minutes: 20
  weeks: 10
  group_size: 4
  staff: teaching-assistant
updated: 2026-09-01
---
## What you can do

1. Plan a short job that involves moving.
2. Use a timer so the break has a clear end.
";

fn context(path: &Path) -> Context<'_> {
    Context {
        taxonomy: &TAXONOMY,
        today: common::TODAY.parse().unwrap(),
        path,
    }
}

/// Every problem points at a real place in the file and says something
/// about the file it names; a page that is refused has at least one error.
fn check_problems(
    path: &Path,
    text_lines: usize,
    page: bool,
    problems: &[Problem],
) -> Result<(), TestCaseError> {
    if !page {
        prop_assert!(
            problems.iter().any(Problem::is_error),
            "refused without an error: {problems:?}"
        );
    }
    for p in problems {
        prop_assert_eq!(&p.path, path);
        prop_assert!(p.line >= 1, "line 0: {}", p);
        prop_assert!(p.col >= 1, "column 0: {}", p);
        prop_assert!(
            p.line <= text_lines + 1,
            "line {} past the end of a {}-line file: {}",
            p.line,
            text_lines,
            p
        );
        prop_assert!(!p.message.trim().is_empty(), "empty message: {:?}", p);
        let shown = p.to_string();
        prop_assert!(
            shown.starts_with(&format!("{}:{}:{}: ", path.display(), p.line, p.col)),
            "{}",
            shown
        );
    }
    Ok(())
}

fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count() + 1
}

/// One way to damage a page.
#[derive(Debug, Clone)]
enum Mutation {
    InsertByte(usize, u8),
    DeleteByte(usize),
    ReplaceByte(usize, u8),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    InsertLine(usize, String),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let tricky_line = prop_oneof![
        Just("---".to_string()),
        Just("title:".to_string()),
        Just("  - ".to_string()),
        Just("needs: [adhd, autsim]".to_string()),
        Just("updated: 2026-02-30".to_string()),
        Just("tier: [universal]".to_string()),
        Just("evidence: practice".to_string()),
        Just("provision: {weeks: -1}".to_string()),
        Just("links: [{url: 'javascript:alert(1)'}]".to_string()),
        Just("\u{feff}".to_string()),
        Just("\"unclosed: 'quote".to_string()),
        Just("&anchor x: *alias".to_string()),
        Just("? complex key".to_string()),
        Just("\t- tab indented".to_string()),
        "\\PC{0,40}",
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::InsertByte(i, b)),
        any::<usize>().prop_map(Mutation::DeleteByte),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::ReplaceByte(i, b)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), tricky_line).prop_map(|(i, l)| Mutation::InsertLine(i, l)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    let lines = |bytes: &Vec<u8>| -> Vec<Vec<u8>> {
        bytes
            .split_inclusive(|b| *b == b'\n')
            .map(<[u8]>::to_vec)
            .collect()
    };
    match m {
        Mutation::InsertByte(i, b) => bytes.insert(i % (bytes.len() + 1), *b),
        Mutation::DeleteByte(i) if !bytes.is_empty() => {
            bytes.remove(i % n);
        }
        Mutation::ReplaceByte(i, b) if !bytes.is_empty() => bytes[i % n] = *b,
        Mutation::Truncate(i) => bytes.truncate(i % (bytes.len() + 1)),
        Mutation::DeleteLine(i) => {
            let mut l = lines(bytes);
            if !l.is_empty() {
                let len = l.len();
                l.remove(i % len);
            }
            *bytes = l.concat();
        }
        Mutation::DuplicateLine(i) => {
            let mut l = lines(bytes);
            if !l.is_empty() {
                let at = i % l.len();
                let copy = l[at].clone();
                l.insert(at, copy);
            }
            *bytes = l.concat();
        }
        Mutation::SwapLines(a, b) => {
            let mut l = lines(bytes);
            if !l.is_empty() {
                let len = l.len();
                l.swap(a % len, b % len);
            }
            *bytes = l.concat();
        }
        Mutation::InsertLine(i, text) => {
            let mut l = lines(bytes);
            let at = i % (l.len() + 1);
            l.insert(at, format!("{text}\n").into_bytes());
            *bytes = l.concat();
        }
        _ => {}
    }
}

/// Writes `bytes` as a page file and loads it as the loader does.
fn load_bytes(dir: &Path, bytes: &[u8]) -> Result<(), TestCaseError> {
    let path: PathBuf = dir.join("page.md");
    std::fs::write(&path, bytes).unwrap();
    let cx = context(&path);
    let (page, problems) = load_file("strategies/page", &cx, &[]);
    check_problems(&path, line_count(bytes), page.is_some(), &problems)?;
    if let Some(page) = page {
        prop_assert!(
            fragment_problems(&page.html()).is_empty(),
            "{:?}",
            fragment_problems(&page.html())
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// (a) Arbitrary bytes as a page file: never a panic; a refusal always
    /// explains itself with a real position in the named file.
    #[test]
    fn any_bytes_load_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let dir = tempfile::tempdir().unwrap();
        load_bytes(dir.path(), &bytes)?;
        // Behind a valid opening fence too, so the YAML parser sees them.
        let mut fenced = b"---\n".to_vec();
        fenced.extend_from_slice(&bytes);
        fenced.extend_from_slice(b"\n---\nBody.\n");
        load_bytes(dir.path(), &fenced)?;
    }

    /// (a) A valid page damaged a few times over, as an editor might.
    #[test]
    fn damaged_valid_pages_load_without_panicking(
        mutations in proptest::collection::vec(mutation(), 1..6)
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let dir = tempfile::tempdir().unwrap();
        load_bytes(dir.path(), &bytes)?;
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let path = Path::new("content/strategies/page.md");
            let (page, problems) = parse_page(text, "strategies/page", &context(path));
            check_problems(path, line_count(&bytes), page.is_some(), &problems)?;
        }
    }

    /// (a) YAML-ish front matter built from the pieces editors get wrong.
    #[test]
    fn arbitrary_front_matter_loads_without_panicking(
        lines in proptest::collection::vec(front_matter_line(), 0..14),
        body in "\\PC{0,60}",
    ) {
        let text = format!("---\n{}\n---\n{body}\n", lines.join("\n"));
        let path = Path::new("content/strategies/page.md");
        let (page, problems) = parse_page(&text, "strategies/page", &context(path));
        check_problems(path, line_count(text.as_bytes()), page.is_some(), &problems)?;
    }

    /// (b) Arbitrary text as a page body: rendered without a panic, and the
    /// HTML is always safe.
    #[test]
    fn any_markdown_renders_safe_html(text in "\\PC{0,400}") {
        let rendered = render(&text);
        let problems = fragment_problems(&rendered.html);
        prop_assert!(problems.is_empty(), "{:?}\n{}", problems, rendered.html);
    }

    /// (b) Markdown assembled from the pieces of XSS attacks, so the
    /// sanitiser meets many near-misses, not only noise.
    #[test]
    fn hostile_markdown_renders_safe_html(
        pieces in proptest::collection::vec(hostile_piece(), 0..40)
    ) {
        let text: String = pieces.concat();
        let rendered = render(&text);
        let problems = fragment_problems(&rendered.html);
        prop_assert!(problems.is_empty(), "{:?}\nMarkdown: {:?}\nHTML: {}", problems, text, rendered.html);
        for h in &rendered.headings {
            prop_assert!(!h.id.is_empty());
        }
    }

    /// (b) Markdown with no raw HTML at all takes the renderer's fast path,
    /// which skips the sanitiser: its own output must be as safe.
    #[test]
    fn markdown_without_html_is_safe_on_the_fast_path(
        pieces in proptest::collection::vec(
            prop_oneof![3 => hostile_link(), 5 => markdown_piece()],
            0..40,
        )
    ) {
        let text: String = pieces.concat();
        let rendered = render(&text);
        let problems = fragment_problems(&rendered.html);
        prop_assert!(problems.is_empty(), "{:?}\nMarkdown: {:?}\nHTML: {}", problems, text, rendered.html);
    }

    /// (b) The plan's Markdown export quotes a page's own Markdown: read by
    /// a viewer that keeps raw HTML (most do), it must be as safe as the
    /// portal's own rendering of the page.
    #[test]
    fn quoted_markdown_is_safe_in_any_viewer(
        pieces in proptest::collection::vec(hostile_piece(), 0..40)
    ) {
        let text: String = pieces.concat();
        let quoted = quote_markdown(&text);
        for options in [pulldown_cmark::Options::empty(), pulldown_cmark::Options::all()] {
            let mut html = String::new();
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new_ext(&quoted, options),
            );
            // A viewer's own `text-align` on table columns is not markup from the
            // page: it is how any Markdown viewer shows an aligned table.
            let problems: Vec<String> = fragment_problems(&html)
                .into_iter()
                .filter(|p| !p.contains("style attribute \"text-align: "))
                .collect();
            prop_assert!(problems.is_empty(), "{:?}\nMarkdown: {:?}\nQuoted: {:?}\nHTML: {}", problems, text, quoted, html);
        }
    }

    /// (b) A title or label in the Markdown export reads back as exactly
    /// its text, with no markup.
    #[test]
    fn quoted_text_reads_back_as_itself(
        text in prop_oneof![
            "\\PC{0,60}",
            proptest::collection::vec(hostile_piece(), 0..8)
                .prop_map(|p| p.concat().replace(['\n', '\r'], " ")),
        ]
    ) {
        let line = format!("## {}\n", md_text(&text));
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&line));
        prop_assert!(fragment_problems(&html).is_empty(), "{}", html);
        let elements = common::html_safety::fragment_elements(&html);
        prop_assert!(elements.iter().all(|e| e == "h2"), "{:?} from {:?}", elements, text);
        // Spaces and tabs at either end are the heading's, not the text's.
        let edges: &[char] = &[' ', '\t'];
        let shown: Vec<String> = common::html_safety::texts_of(&html, "h2")
            .iter()
            .map(|t| t.trim_matches(edges).to_string())
            .collect();
        prop_assert_eq!(shown, vec![text.trim_matches(edges).to_string()]);
    }

    /// (c) Anything typed into the search box: never a panic or an error,
    /// never more than a page of results, through the site and the API.
    #[test]
    fn any_query_searches_within_a_page(
        q in prop_oneof![
            "\\PC{0,80}",
            any::<String>(),
            proptest::collection::vec(query_piece(), 0..12).prop_map(|p| p.join(" ")),
        ],
        page in 1usize..5,
    ) {
        let words = waymark::search::text::parse(&q);
        prop_assert!(words.words.iter().chain(&words.excluded).all(|w| !w.is_empty()));
        let site = BUNDLED.site();
        let mut request = SearchRequest::new(&q);
        request.page = page;
        let results = site.search(&request);
        prop_assert!(results.is_ok(), "{:?}", results.err());
        let results = results.unwrap();
        prop_assert!(results.hits.len() <= PER_PAGE);
        prop_assert!(results.hits.len() <= results.total);

        let uri = format!("/api/search?q={}&page={page}", enc(&q));
        let (status, body) = RUNTIME.block_on(get(&BUNDLED, &uri));
        prop_assert_eq!(status, StatusCode::OK, "{}", body);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        let hits = json["results"].as_array().unwrap();
        prop_assert!(hits.len() <= PER_PAGE);
        prop_assert_eq!(json["per_page"].as_u64(), Some(PER_PAGE as u64));
        for hit in hits {
            let snippet = hit["snippet"].as_str().unwrap();
            prop_assert!(fragment_problems(snippet).is_empty(), "{}", snippet);
        }
        let (status, html) = RUNTIME.block_on(get(&BUNDLED, &format!("/search?q={}", enc(&q))));
        prop_assert_eq!(status, StatusCode::OK);
        let problems = common::html_safety::document_problems(&html);
        prop_assert!(problems.is_empty(), "{:?}", problems);
    }
}

/// Very long words, on their own: the spelling corrector and the snippet
/// generator see the worst case.
#[test]
fn very_long_words_and_many_words_are_searched() {
    let site = BUNDLED.site();
    for q in [
        "a".repeat(16 * 1024),
        "autism".repeat(2000),
        "ear ".repeat(4000),
        "\"".repeat(5000),
        "-".repeat(5000),
        "-x ".repeat(3000),
        "é".repeat(5000),
        "😀".repeat(3000),
        "\u{0}\u{1}\u{7f}".repeat(2000),
        (0..3000).map(|i| format!("w{i} ")).collect(),
    ] {
        let results = site.search(&SearchRequest::new(&q)).expect("searched");
        assert!(results.hits.len() <= PER_PAGE);
    }
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, String) {
    let response = app(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn front_matter_line() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("title"),
        Just("summary"),
        Just("kind"),
        Just("needs"),
        Just("tier"),
        Just("ingredients"),
        Just("phases"),
        Just("tags"),
        Just("links"),
        Just("evidence"),
        Just("provision"),
        Just("updated"),
        Just("titel"),
        Just("  strength"),
        Just("  sources"),
        Just("    - title"),
        Just("      url"),
        Just("      type"),
        Just("  weeks"),
        Just("  staff"),
        Just("- "),
        Just(""),
    ];
    let value = prop_oneof![
        Just("strategy".to_string()),
        Just("[adhd, autism]".to_string()),
        Just("universal".to_string()),
        Just("2026-09-01".to_string()),
        Just("2026-13-45".to_string()),
        Just("practice".to_string()),
        Just("https://example.org/".to_string()),
        Just("javascript:alert(1)".to_string()),
        Just("[".to_string()),
        Just("{".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("*alias".to_string()),
        Just("&anchor".to_string()),
        Just("!!binary aGk=".to_string()),
        Just("~".to_string()),
        Just("- x".to_string()),
        Just("10".to_string()),
        Just("-1e999".to_string()),
        Just("é😀\u{202e}".to_string()),
        "\\PC{0,20}",
    ];
    (
        key,
        prop_oneof![Just(": "), Just(":"), Just(" "), Just("")],
        value,
    )
        .prop_map(|(k, sep, v)| format!("{k}{sep}{v}"))
}

/// A link, image or autolink, in Markdown or raw HTML, to a URL spelt in
/// one of the ways browsers still read as a scheme.
fn hostile_link() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("javascript"),
        Just("JaVaScRiPt"),
        Just("vbscript"),
        Just("data"),
        Just("tel"),
        Just("ftp"),
        Just("irc"),
        Just("file"),
        Just("https"),
        Just("mailto"),
    ];
    let spelling = prop_oneof![
        Just(0u8), // as is
        Just(1),   // a tab inside
        Just(2),   // a leading space and control character
        Just(3),   // the colon as an entity
        Just(4),   // the first letter as an entity
    ];
    let form = 0u8..7;
    (scheme, spelling, form).prop_map(|(scheme, spelling, form)| {
        let mut url = match spelling {
            1 => format!("{}\t{}:", &scheme[..2], &scheme[2..]),
            2 => format!(" \u{e}{scheme}:"),
            3 => format!("{scheme}&#58;"),
            4 => format!("&#{};{}:", scheme.as_bytes()[0], &scheme[1..]),
            _ => format!("{scheme}:"),
        };
        url.push_str("alert(1)");
        match form {
            0 => format!("[x]({url})"),
            1 => format!("![x]({url})"),
            2 => format!("<{url}>"),
            3 => format!("<a href=\"{url}\">x</a>"),
            4 => format!("<img src=\"{url}\">"),
            5 => format!("[x][r]\n\n[r]: {url}\n"),
            _ => format!("[x](<{url}>)"),
        }
    })
}

fn hostile_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => hostile_link(),
        3 => prop_oneof![
            Just("<script>alert(1)</script>"),
            Just("<img src=x onerror=alert(1)>"),
            Just("<a href=\"javascript:alert(1)\">"),
            Just("<a href='JaVa&#09;ScRiPt:alert(1)'>"),
            Just("<svg onload=alert(1)>"),
            Just("<svg><a xlink:href=\"javascript:alert(1)\">"),
            Just("<iframe src=javascript:alert(1)>"),
            Just("<style>*{}</style>"),
            Just("<p style=\"x:expression(alert(1))\">"),
            Just("<meta http-equiv=refresh content=0>"),
            Just("<base href=//evil.example/>"),
            Just("<form action=javascript:alert(1)>"),
            Just("<object data=x>"),
            Just("<math><mi xlink:href=\"javascript:alert(1)\">"),
            Just("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">"),
            Just("<!--"),
            Just("-->"),
            Just("--!>"),
            Just("<![CDATA["),
            Just("]]>"),
            Just("<details open ontoggle=alert(1)>"),
            Just("<input type=checkbox onclick=alert(1)>"),
            Just("<input type=image src=javascript:alert(1)>"),
        ]
        .prop_map(str::to_string),
        3 => prop_oneof![
            Just("["),
            Just("]"),
            Just("]("),
            Just(")"),
            Just("!["),
            Just("<"),
            Just(">"),
            Just("\""),
            Just("'"),
            Just("`"),
            Just("```"),
            Just("\n"),
            Just("\n\n"),
            Just("\t"),
            Just("    "),
            Just("# "),
            Just("## "),
            Just("{#"),
            Just("}"),
            Just("| a | b |\n|---|---|\n| "),
            Just("| a | b | c |\n|:--|--:|:-:|\n| "),
            Just("{.c onclick=alert(1) style=x}"),
            Just("{#a\"onmouseover=\"alert(1)}"),
            Just("- [x] "),
            Just("[^1]"),
            Just("[^1]: "),
            Just("[ref]: "),
            Just("[ref]"),
            Just("&#"),
            Just("&#x"),
            Just(";"),
            Just("&colon;"),
            Just("&amp;"),
            Just("\\"),
            Just("*"),
            Just("_"),
            Just("~~"),
        ]
        .prop_map(str::to_string),
        2 => prop_oneof![
            Just("javascript:"),
            Just("JaVaScRiPt:"),
            Just("java\tscript:"),
            Just("vbscript:"),
            Just("data:text/html,"),
            Just("data:image/svg+xml,"),
            Just("https://example.org/"),
            Just("/strategies/x"),
            Just("mailto:a@example.org"),
            Just("tel:+441234"),
            Just("ftp://example.org/"),
            Just("alert(1)"),
            Just("onerror="),
            Just("onmouseover="),
            Just("href="),
            Just("src="),
            Just("style="),
            Just("formaction="),
            Just("xlink:href="),
        ]
        .prop_map(str::to_string),
        1 => "\\PC{1,8}",
    ]
}

fn query_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop_oneof![
            Just("\""),
            Just("-"),
            Just("--"),
            Just("-ear"),
            Just("\"ear defenders\""),
            Just("\"unclosed"),
            Just("AND"),
            Just("OR"),
            Just("NOT"),
            Just("("),
            Just(")"),
            Just("*"),
            Just("title:"),
            Just("~2"),
            Just("^3"),
            Just("ear"),
            Just("defenders"),
            Just("autisim"),
            Just("can't"),
            Just("sit still"),
            Just("é"),
            Just("😀"),
            Just("\u{202e}"),
            Just("\u{0}"),
            Just("\t"),
            Just("\r\n"),
            Just("<script>"),
            Just("%00"),
        ]
        .prop_map(str::to_string),
        "[a-z]{1,12}",
        "[a-z]{200,400}",
        "\\PC{1,10}",
    ]
}

/// Markdown syntax with no raw HTML: what takes the renderer's fast path.
fn markdown_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("["),
        Just("]"),
        Just("]("),
        Just(")"),
        Just("!["),
        Just("\""),
        Just("'"),
        Just("`"),
        Just("```"),
        Just("```x\" onclick=y\n"),
        Just("\n"),
        Just("\n\n"),
        Just("# "),
        Just("## "),
        Just("{#"),
        Just("}"),
        Just("{.c onclick=alert(1)}"),
        Just("{#a\"b}"),
        Just("| a | b |\n|---|---|\n| "),
        Just("| a | b |\n|:--|--:|\n| "),
        Just("- [x] "),
        Just("[^1]"),
        Just("[^1\"x]: "),
        Just("[ref]: "),
        Just("[ref]"),
        Just("&#"),
        Just("&colon;"),
        Just("&amp;"),
        Just("\\"),
        Just("*"),
        Just("_"),
        Just("~~"),
        Just("<a@b.c>"),
        Just("<https://x.example/\"q>"),
        Just(" \"t\")"),
        Just("text "),
    ]
    .prop_map(str::to_string)
}
