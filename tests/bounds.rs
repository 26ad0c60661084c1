//! Requests that once stopped or misled the server, each answered now
//! within bounds: numbers that sized allocations, long plan lists, large
//! bodies, forms posted from other sites, forged hosts, text that broke the
//! exports, addresses written to the log, and pages shadowed by routes.

mod common;

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{bundled, get, get_bytes, get_json, send, state};

fn post_form(uri: &str) -> axum::http::request::Builder {
    Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

// ------------------------------------------------------------- numbers

/// `page` became tantivy's offset, which reserves twice offset + limit
/// slots: page=10^12 asked for 1.6 PB and aborted the process.
#[tokio::test]
async fn a_page_past_the_last_shows_the_last_and_never_sizes_an_allocation() {
    let s = state(bundled());
    let (status, all) = get_json(&s, "/api/search?q=").await;
    assert_eq!(status, StatusCode::OK);
    let total = all["total"].as_u64().unwrap() as usize;
    let per_page = all["per_page"].as_u64().unwrap() as usize;
    let last = total.div_ceil(per_page);
    assert!(last > 1, "the bundled content fills more than one page");

    for page in [
        "1000000000000",
        "100000000000000000000000000000000000000000",
        &(last + 1).to_string(),
        &usize::MAX.to_string(),
    ] {
        let (status, body) = get_json(&s, &format!("/api/search?q=&page={page}")).await;
        assert_eq!(status, StatusCode::OK, "page={page}");
        assert_eq!(body["page"].as_u64().unwrap() as usize, last, "page={page}");
        assert_eq!(body["total"].as_u64().unwrap() as usize, total);
        let shown = body["results"].as_array().unwrap().len();
        assert_eq!(shown, total - (last - 1) * per_page, "page={page}");
    }

    // The page of results: the last page is marked current.
    let (status, _, html) = get(&s, "/search?page=100000000000&q=reading").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("aria-current=\"page\""),
        "a current page is marked"
    );
    assert!(
        !html.contains("100000000000"),
        "the page asked for is not shown as real"
    );

    // Words that find nothing: page 1 of nothing.
    let (status, body) = get_json(&s, "/api/search?q=zzqqxxnothingatall&page=99999999999999").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["page"], 1);
    assert_eq!(body["total"], 0);
}

#[tokio::test]
async fn a_number_that_is_not_one_is_a_400_naming_its_parameter() {
    let s = state(bundled());
    for bad in ["0", "-1", "1e9", "2x", "%20"] {
        let (status, body) = get_json(&s, &format!("/api/search?q=x&page={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "page={bad}");
        assert_eq!(body["parameter"], "page", "page={bad}");
    }
    for bad in ["999999999999999999999999", "101", "-1", "x"] {
        let (status, _, html) = get(&s, &format!("/search?q=x&added={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "added={bad}");
        assert!(html.contains("added"), "the answer names the parameter");
        let (status, _, _) = get(
            &s,
            &format!("/strategies/movement-breaks-for-attention?added={bad}"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "added={bad} on a page");
    }
    let (status, _, html) = get(&s, "/search?q=x&added=3").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Added 3 pages to your plan"));
}

// ------------------------------------------------------------- plan lists

/// 120,000 distinct slugs were parsed with a scan of the list for each
/// (24 to 48 s on the event loop) before the 100-page limit was checked.
#[test]
fn a_long_plan_list_is_refused_after_the_limit_not_after_reading_it_all() {
    let slugs: String = (0..120_000)
        .map(|i| format!("strategies/page-{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let started = Instant::now();
    let refused = waymark::plan::parse_items([slugs.as_str()]);
    let took = started.elapsed();
    assert!(refused.is_err());
    assert!(took < Duration::from_millis(500), "took {took:?}");
    // A hundred distinct pages, each given many times, is a plan.
    let repeated: String = (0..50_000)
        .map(|i| format!("p-{}", i % 100))
        .collect::<Vec<_>>()
        .join(",");
    let started = Instant::now();
    assert_eq!(
        waymark::plan::parse_items([repeated.as_str()])
            .unwrap()
            .len(),
        100
    );
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn a_large_body_is_refused_before_it_is_read() {
    let s = state(bundled());
    let slugs: String = (0..120_000)
        .map(|i| format!("s{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let body = format!("items={slugs}");
    assert!(body.len() > 500_000);
    for uri in ["/plan/add", "/plan/update"] {
        let answer = send(&s, post_form(uri).body(Body::from(body.clone())).unwrap()).await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        assert!(!answer.headers.contains_key(header::SET_COOKIE), "{uri}");
    }
    // Within the limit but past a plan's size: a 400 that says the limit.
    let body = format!(
        "items={}",
        (0..150)
            .map(|i| format!("s{i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let answer = send(
        &s,
        post_form("/plan/update").body(Body::from(body)).unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body.contains("at most 100 pages"));
}

// ------------------------------------------------------------- cross-site forms

#[tokio::test]
async fn forms_posted_from_another_site_are_refused() {
    let s = state(bundled());
    let form = "items=strategies%2Fmovement-breaks-for-attention";
    let refused = [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
        ("origin", "null"),
    ];
    for (name, value) in refused {
        for uri in ["/plan/add", "/plan/update"] {
            let answer = send(
                &s,
                post_form(uri)
                    .header(name, value)
                    .body(Body::from(form))
                    .unwrap(),
            )
            .await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{uri} {name}: {value}"
            );
            assert!(
                !answer.headers.contains_key(header::SET_COOKIE),
                "{uri} {name}: {value} must not replace the plan"
            );
        }
    }
    let allowed: [&[(&str, &str)]; 4] = [
        &[("sec-fetch-site", "same-origin")],
        &[("origin", "http://127.0.0.1:3000")],
        &[
            ("origin", "http://portal.example"),
            ("host", "portal.example"),
        ],
        // A program, not a browser: no page could have sent it.
        &[],
    ];
    for headers in allowed {
        let mut request = post_form("/plan/update");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let answer = send(&s, request.body(Body::from(form)).unwrap()).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{headers:?}");
        assert!(answer.headers.contains_key(header::SET_COOKIE));
    }
    // A cross-site GET is a link followed, and changes nothing: allowed.
    let answer = send(
        &s,
        Request::get("/plan?items=strategies/movement-breaks-for-attention")
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

// ------------------------------------------------------------- forged hosts

#[tokio::test]
async fn a_forged_host_never_reaches_an_absolute_link() {
    let s = state(bundled());
    for uri in [
        "/sitemap.xml",
        "/feed.xml",
        "/plan?items=strategies/movement-breaks-for-attention",
        "/plan.md?items=strategies/movement-breaks-for-attention",
        "/plan.csv?items=strategies/movement-breaks-for-attention",
    ] {
        let answer = send(
            &s,
            Request::get(uri)
                .header(header::HOST, "evil.example")
                .header("x-forwarded-host", "evil2.example")
                .header("x-forwarded-proto", "https")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        assert!(!answer.body.contains("evil"), "{uri} holds the forged host");
        assert!(answer.body.contains("http://127.0.0.1:3000/"), "{uri}");
    }
    // The address the server listens on, and base_url above all.
    let s = state(bundled()).with_origin("http://127.0.0.1:8123");
    let (_, _, sitemap) = get(&s, "/sitemap.xml").await;
    assert!(sitemap.contains("<loc>http://127.0.0.1:8123/strategies/"));
}

// ------------------------------------------------------------- exports

/// A character XML does not allow (U+FFFE in a title) made
/// word/document.xml malformed, and Word refused the file.
#[tokio::test]
async fn a_word_plan_stays_well_formed_whatever_the_page_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("strategies")).unwrap();
    std::fs::write(
        dir.path().join("strategies/odd.md"),
        "---\ntitle: \"Odd \\uFFFE title \\uFFFF end \\x07\"\nsummary: \"Odd \\uFFFE summary\"\nkind: strategy\nneeds: [adhd]\ntier: universal\nevidence:\n  strength: practice\nupdated: 2026-09-01\n---\n## What you can do\n\n1. A step with \u{FFFE} in it.\n",
    )
    .unwrap();
    let s = state(common::site(dir.path().to_path_buf()));
    for view in ["", "&view=session"] {
        let (status, _, bytes) =
            get_bytes(&s, &format!("/plan.docx?items=strategies/odd{view}")).await;
        assert_eq!(status, StatusCode::OK);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let doc = roxmltree::Document::parse(&xml)
            .unwrap_or_else(|e| panic!("word/document.xml is not well-formed: {e}"));
        let text: String = doc
            .descendants()
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains("Odd") && text.contains("title") && text.contains("end"));
    }
}

// ------------------------------------------------------------- the request log

/// Log lines written while `run` runs, at debug level for everything.
async fn logged<F: std::future::Future<Output = ()>>(run: F) -> String {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    run.await;
    String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
}

#[tokio::test]
async fn the_request_log_never_writes_an_address_it_does_not_know() {
    let s = state(bundled());
    let log = logged(async {
        for uri in [
            "/needs/jaydon-smithers",
            "/tiers/jaydon-smithers",
            "/ingredients/jaydon-smithers?phase=primary",
            "/jaydon-smithers",
            "/strategies/jaydon-smithers",
            "/api/pages/jaydon-smithers",
            "/search?q=jaydon+smithers",
            "/strategies/movement-breaks-for-attention?added=jaydon",
            "/static/jaydon-smithers.css",
            "/theme/jaydon-smithers.svg",
        ] {
            let _ = get(&s, uri).await;
        }
        // A known page is logged by its address, so the log stays useful.
        let (status, _, _) = get(&s, "/strategies/movement-breaks-for-attention").await;
        assert_eq!(status, StatusCode::OK);
    })
    .await;
    assert!(
        log.contains("/strategies/movement-breaks-for-attention 200"),
        "the request log is on at debug level: {log}"
    );
    assert!(!log.to_lowercase().contains("jaydon"), "{log}");
    assert!(!log.to_lowercase().contains("smithers"), "{log}");
}

// ------------------------------------------------------------- routes and pages

/// `theme` was not a reserved first folder, so `content/theme/x.md` loaded
/// without a problem and was never reachable (`/theme/{file}` took it).
#[test]
fn a_page_under_any_route_of_the_portal_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let page = "---\ntitle: Shadowed\nsummary: A page a route would hide.\nkind: guidance\nupdated: 2026-09-01\n---\nText.\n";
    for folder in waymark::routes::Route::ALL
        .iter()
        .filter_map(|r| r.first_folder())
    {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        std::fs::write(dir.path().join(folder).join("x.md"), page).unwrap();
    }
    let site = common::site(dir.path().to_path_buf());
    assert!(
        site.pages.is_empty(),
        "{:?}",
        site.pages.iter().map(|p| &p.slug).collect::<Vec<_>>()
    );
    for folder in [
        "theme", "plan", "api", "static", "needs", "healthz", "sitemap",
    ] {
        assert!(
            site.problems.iter().any(|p| {
                p.path.to_string_lossy().contains(&format!("{folder}/x.md"))
                    && p.message.contains("clash")
            }),
            "{folder}: {:?}",
            site.problems
        );
    }
}
