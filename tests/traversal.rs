//! Reaching outside: path traversal in every spelling, through the router
//! and through the real server (whose HTTP parser sees bytes no `http::Uri`
//! can hold); symbolic links in the content folder; and the limits on what
//! one request may ask for.
//!
//! Everything here is about HTTP behaviour only, so it holds however the
//! portal stores its own assets.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, Uri, header};
use common::server::{Server, serve_command};
use common::{fixture, get, get_json, site, state};
use http_body_util::BodyExt;
use tower::ServiceExt;
use waymark::web::missing::CAPACITY;
use waymark::web::{AppState, app};

/// Text that only the files outside could put in an answer.
const MARKERS: &[&str] = &[
    "[package]",                       // Cargo.toml
    "[dependencies]",                  // Cargo.toml
    "root:x:",                         // /etc/passwd
    "root:*:",                         // /etc/passwd elsewhere
    "Waymark makes a local authority", // README.md
    "colour: \"#112233\"",             // the content folder's site.yaml, as written
    "pub mod cli;",                    // src/lib.rs
];

/// Request targets that try to leave the portal, each with what it tries.
const TARGETS: &[(&str, &str)] = &[
    ("/static/../Cargo.toml", "dot-dot after the assets prefix"),
    ("/static/../../Cargo.toml", "two levels up"),
    ("/static/..%2fCargo.toml", "an encoded slash"),
    ("/static/..%2FCargo.toml", "an encoded slash, upper case"),
    ("/static/%2e%2e/Cargo.toml", "encoded dots"),
    ("/static/%2e%2e%2fCargo.toml", "encoded dots and slash"),
    ("/static/.%2e/.%2e/Cargo.toml", "half-encoded dots"),
    (
        "/static/%252e%252e%252fCargo.toml",
        "double-encoded dots and slash",
    ),
    ("/static/..%255cCargo.toml", "a double-encoded backslash"),
    ("/static/..\\Cargo.toml", "a backslash"),
    ("/static/..%5cCargo.toml", "an encoded backslash"),
    ("/static/..%5c..%5cCargo.toml", "two encoded backslashes"),
    ("/static//etc/passwd", "an absolute path after the prefix"),
    ("/static/%2fetc%2fpasswd", "an encoded absolute path"),
    (
        "/static/%2Fetc%2Fpasswd",
        "an encoded absolute path, upper case",
    ),
    ("/static/..%00/Cargo.toml", "a NUL byte"),
    ("/static/style.css%00.txt", "a NUL byte after a real asset"),
    ("/static/%00", "a NUL byte alone"),
    ("/static/%c0%ae%c0%ae/Cargo.toml", "overlong UTF-8 dots"),
    (
        "/static/%c0%af..%c0%afCargo.toml",
        "an overlong UTF-8 slash",
    ),
    ("/static/....//....//Cargo.toml", "four dots"),
    ("/static/..;/Cargo.toml", "a path parameter"),
    ("/static/style.css/../../Cargo.toml", "up from a real asset"),
    ("/theme/../Cargo.toml", "up from the theme"),
    ("/theme/..%2fCargo.toml", "an encoded slash in the theme"),
    ("/..%2f..%2fCargo.toml", "encoded slashes as a page"),
    (
        "/..%2F..%2FCargo.toml",
        "encoded slashes as a page, upper case",
    ),
    ("/%2e%2e/%2e%2e/Cargo.toml", "encoded dots as a page"),
    (
        "/strategies/../../Cargo.toml",
        "dot-dot under a page folder",
    ),
    (
        "/strategies/..%2f..%2fCargo.toml",
        "encoded under a page folder",
    ),
    (
        "/strategies/movement-breaks/../../../Cargo.toml",
        "up from a page",
    ),
    (
        "/strategies/..\\..\\Cargo.toml",
        "backslashes under a page folder",
    ),
    ("/../../../../etc/passwd", "far up as a page"),
    ("//etc/passwd", "an absolute path as a page"),
    ("/%2fetc%2fpasswd", "an encoded absolute path as a page"),
    ("/site.yaml", "the settings file by name"),
    ("/strategies/movement-breaks.md", "a page's source file"),
    (
        "/api/pages/..%2f..%2fCargo.toml",
        "encoded slashes in the API",
    ),
    ("/api/pages/../README", "dot-dot in the API"),
    ("/api/pages/../../Cargo.toml", "two levels up in the API"),
    ("/api/pages/%2e%2e/README", "encoded dots in the API"),
    ("/api/pages//etc/passwd", "an absolute path in the API"),
    (
        "/api/pages/%2fetc%2fpasswd",
        "an encoded absolute path in the API",
    ),
    ("/api/pages/..%00/Cargo.toml", "a NUL byte in the API"),
    (
        "/api/pages/%c0%ae%c0%ae/Cargo.toml",
        "overlong UTF-8 in the API",
    ),
    ("/needs/..%2f..%2fCargo.toml", "encoded slashes as a need"),
    ("/plan.md?items=../../Cargo.toml", "dot-dot as a plan item"),
    (
        "/plan.docx?items=..%2f..%2fCargo.toml",
        "encoded slashes as a plan item",
    ),
];

fn valid() -> AppState {
    state(site(fixture("valid")))
}

/// Where a redirect may lead: a path on this portal, never another host.
fn safe_location(location: &str) -> bool {
    location.starts_with('/') && !location.starts_with("//") && !location.contains('\\')
}

fn leaked(body: &str) -> Option<&'static str> {
    MARKERS.iter().copied().find(|m| body.contains(m))
}

#[tokio::test]
async fn traversal_through_the_router_reaches_nothing_outside() {
    let s = valid();
    let mut checked = 0;
    for (target, what) in TARGETS {
        // Some spellings (a raw backslash) are not even a valid URI; the
        // real server test below sends those as bytes.
        let Ok(uri) = target.parse::<Uri>() else {
            continue;
        };
        let response = app(s.clone())
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap_or("").to_string());
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&body);
        let plan_export = target.starts_with("/plan.");
        assert!(
            status.is_client_error()
                || (status.is_redirection() && location.as_deref().is_some_and(safe_location))
                // A plan export of unknown slugs is an empty plan, not an error.
                || (plan_export && status == StatusCode::OK),
            "{target} ({what}): {status} {location:?}"
        );
        assert_eq!(leaked(&body), None, "{target} ({what}) leaked: {body}");
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} targets were valid URIs");

    // The real assets are still served, so the 404s above are not just a
    // broken route.
    let (status, _, css) = get(&s, "/static/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(css.contains('{'));
}

/// The running binary on `content`, public listener only.
fn serve(content: &Path) -> Server {
    Server::start(
        serve_command()
            .args(["--no-watch", "--admin-addr", "off", "--content"])
            .arg(content),
        false,
    )
}

/// What came back for raw request bytes: the status (None when the server
/// closed the connection without an answer) and the whole response text.
fn raw(addr: &str, request: &[u8]) -> (Option<u16>, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok());
    (status, text)
}

fn get_raw(addr: &str, target: &[u8], extra_header: &[u8]) -> (Option<u16>, String) {
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(target);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: ");
    request.extend_from_slice(addr.as_bytes());
    request.extend_from_slice(b"\r\nConnection: close\r\n");
    request.extend_from_slice(extra_header);
    request.extend_from_slice(b"\r\n");
    raw(addr, &request)
}

#[test]
fn traversal_through_the_real_server_reaches_nothing_outside() {
    let server = serve(&fixture("valid"));
    let (status, _) = get_raw(&server.addr, b"/healthz", b"");
    assert_eq!(status, Some(200));
    for (target, what) in TARGETS {
        let (status, response) = get_raw(&server.addr, target.as_bytes(), b"");
        let status = status.unwrap_or(0);
        let location = response.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("location: ")
                .map(str::to_string)
        });
        let plan_export = target.starts_with("/plan.");
        assert!(
            (400..500).contains(&status)
                || ((300..400).contains(&status) && location.as_deref().is_some_and(safe_location))
                || (plan_export && status == 200),
            "{target} ({what}): {status} {location:?}"
        );
        assert_eq!(
            leaked(&response),
            None,
            "{target} ({what}) leaked: {response}"
        );
    }
    // Bytes no client library would send: a raw NUL, a raw backslash path,
    // an absolute-form target for a file, raw overlong UTF-8 bytes.
    for target in [
        &b"/static/..\x00/Cargo.toml"[..],
        b"/static/..\\..\\Cargo.toml",
        b"file:///etc/passwd",
        b"/static/\xc0\xae\xc0\xae/Cargo.toml",
        b"/\xff\xfe/../Cargo.toml",
        b"..",
        b"../Cargo.toml",
        b"*",
    ] {
        let (status, response) = get_raw(&server.addr, target, b"");
        let shown = String::from_utf8_lossy(target);
        assert!(
            status.is_none_or(|s| (400..500).contains(&s)),
            "{shown:?}: {status:?}"
        );
        assert_eq!(leaked(&response), None, "{shown:?} leaked: {response}");
    }
}

// ------------------------------------------------------------------ symlinks

fn copy_valid_page(content: &Path) {
    std::fs::create_dir_all(content.join("strategies")).unwrap();
    std::fs::copy(
        fixture("valid/strategies/movement-breaks.md"),
        content.join("strategies/movement-breaks.md"),
    )
    .unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn symbolic_links_out_of_the_content_folder_are_problems_not_pages() {
    use std::os::unix::fs::symlink;

    let outside = tempfile::tempdir().unwrap();
    // A page-shaped file outside, so only the link's position can keep it out.
    std::fs::write(
        outside.path().join("secret.md"),
        std::fs::read_to_string(fixture("valid/strategies/movement-breaks.md"))
            .unwrap()
            .replace("Movement breaks", "Outside secret zzoutside"),
    )
    .unwrap();
    std::fs::create_dir(outside.path().join("folder")).unwrap();
    std::fs::copy(
        outside.path().join("secret.md"),
        outside.path().join("folder/page.md"),
    )
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let content = dir.path();
    copy_valid_page(content);
    symlink("/etc/passwd", content.join("evil.md")).unwrap();
    symlink(
        outside.path().join("secret.md"),
        content.join("strategies/secret.md"),
    )
    .unwrap();
    symlink(outside.path().join("folder"), content.join("linked")).unwrap();
    symlink(
        outside.path().join("folder"),
        content.join("linked-folder.md"),
    )
    .unwrap();
    symlink(content.join("no-such-file.md"), content.join("dangling.md")).unwrap();
    // A link that stays inside is followed.
    symlink(
        content.join("strategies/movement-breaks.md"),
        content.join("strategies/moving.md"),
    )
    .unwrap();

    let site = site(content.to_path_buf());
    let slugs: Vec<&str> = site.pages.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, ["strategies/movement-breaks", "strategies/moving"]);
    let problems: Vec<String> = site.errors().map(ToString::to_string).collect();
    for name in [
        "evil.md",
        "strategies/secret.md",
        "linked",
        "linked-folder.md",
        "dangling.md",
    ] {
        assert!(
            problems
                .iter()
                .any(|p| p.contains(&format!("{name}:1:1: ")) && p.contains("symbolic link")),
            "{name} is not a problem: {problems:#?}"
        );
    }

    let s = state(site);
    let (status, _, html) = get(&s, "/strategies/movement-breaks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Movement breaks"));
    for target in [
        "/evil",
        "/strategies/secret",
        "/linked/page",
        "/linked-folder",
        "/dangling",
    ] {
        let (status, _, body) = get(&s, target).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{target}");
        assert!(
            !body.contains("zzoutside") && !body.contains("root:"),
            "{target}"
        );
    }
    let (_, json) = get_json(&s, "/api/search?q=zzoutside").await;
    assert_eq!(json["total"], 0, "nothing from outside is indexed");

    let (status, _, status_page) = get(&s, "/status").await;
    assert_eq!(status, StatusCode::OK);
    for name in ["evil.md", "secret.md", "linked", "dangling.md"] {
        assert!(status_page.contains(name), "/status does not list {name}");
    }
    assert!(!status_page.contains("root:"));
}

// ------------------------------------------------------------------ limits

#[tokio::test]
async fn a_query_of_exactly_16_kib_is_searched_whole() {
    let s = valid();
    // Words with spaces, so it is a query and not one huge token.
    let mut q = "ear defenders ".repeat(16 * 1024 / 14);
    q.push_str(&"x".repeat(16 * 1024 - q.len()));
    assert_eq!(q.len(), 16 * 1024);
    let (status, json) = get_json(&s, &format!("/api/search?q={}", q.replace(' ', "+"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["query"].as_str().unwrap().len(), 16 * 1024, "not cut");
    assert_eq!(json["results"][0]["slug"], "strategies/ear-defenders");
    let (status, _, _) = get(&s, &format!("/search?q={}", q.replace(' ', "+"))).await;
    assert_eq!(status, StatusCode::OK);

    // One byte more is cut back to 16 KiB, at a character boundary.
    let longer = format!("{q}é");
    let (status, json) = get_json(&s, &format!("/api/search?q={}", enc(&longer))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["query"].as_str().unwrap(), q);
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[test]
fn over_long_targets_and_headers_are_refused_by_the_real_server() {
    let server = serve(&fixture("valid"));

    // Up to 64 KiB a target is served.
    let target = format!("/api/search?q={}", "x".repeat(60 * 1024));
    let (status, _) = get_raw(&server.addr, target.as_bytes(), b"");
    assert_eq!(status, Some(200), "a 60 KiB target");

    // Over it: 414, as the contract says; far over it, refused all the same.
    for len in [64 * 1024 + 1, 100 * 1024, 1024 * 1024] {
        let target = format!("/api/search?q={}", "x".repeat(len));
        let (status, response) = get_raw(&server.addr, target.as_bytes(), b"");
        match len {
            n if n <= 100 * 1024 => assert_eq!(status, Some(414), "{len}: {response:.200}"),
            _ => assert!(
                status.is_none_or(|s| (400..500).contains(&s)),
                "{len}: {status:?}"
            ),
        }
    }

    // Headers: the portal answers 431 past 64 KiB of headers in all; hyper
    // itself refuses a head past about 408 KiB (or past 100 headers) with
    // 431 or by closing the connection. Never a 5xx, a hang or a crash.
    let header = format!("X-Filler: {}\r\n", "a".repeat(60 * 1024));
    let (status, response) = get_raw(&server.addr, b"/healthz", header.as_bytes());
    assert_eq!(status, Some(200), "a 60 KiB header: {response:.200}");
    let header = format!("X-Filler: {}\r\n", "a".repeat(100 * 1024));
    let (status, response) = get_raw(&server.addr, b"/healthz", header.as_bytes());
    assert_eq!(status, Some(431), "a 100 KiB header: {response:.200}");
    for kib in [500, 1024, 4096] {
        let header = format!("X-Filler: {}\r\n", "a".repeat(kib * 1024));
        let (status, response) = get_raw(&server.addr, b"/healthz", header.as_bytes());
        assert!(
            matches!(status, Some(431) | None),
            "a {kib} KiB header: {status:?} {response:.200}"
        );
    }
    // Many small headers are refused the same way.
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let (status, _) = get_raw(&server.addr, b"/healthz", many.as_bytes());
    assert_eq!(status, Some(431), "200 headers");

    // And the server is still there for the next person.
    let (status, _) = get_raw(&server.addr, b"/healthz", b"");
    assert_eq!(status, Some(200));
}

#[tokio::test]
async fn a_flood_of_distinct_unfound_queries_keeps_the_missing_list_capped() {
    let s = valid();
    // A query seen three times before the flood.
    for _ in 0..3 {
        get_json(&s, "/api/search?q=trampoline+zzfrequent").await;
    }
    // Only real words are counted (a child's name never is), so the flood
    // is of distinct pairs of everyday words the fixture does not hold
    // together.
    let words: Vec<&str> = "table bag box basket tray shelf drawer door window wall floor \
        ceiling corridor stairs lift office gate fence pen pencil crayon marker rubber ruler \
        glue tape poster magnet cup bottle plate bowl spoon fork knife straw lunchbox towel \
        soap tissue mirror clock bell alarm clay dough slime bubbles balloon hoop rope bike \
        tunnel mat pillow beach seaside horse cat dog pet train plane car cinema restaurant \
        party birthday garden forest sandpit jigsaw lego crafts swimming"
        .split_whitespace()
        .collect();
    let mut last = String::new();
    for (i, a) in words.iter().enumerate() {
        for b in words.iter().skip(i + 1) {
            for (x, y) in [(a, b), (b, a)] {
                let (status, _) = get_json(&s, &format!("/api/search?q={x}+{y}")).await;
                assert_eq!(status, StatusCode::OK);
                last = format!("{x} {y}");
            }
        }
    }
    assert!(s.missing.len() <= CAPACITY, "{} kept", s.missing.len());
    assert!(s.missing.len() >= CAPACITY / 2, "{} kept", s.missing.len());
    assert_eq!(
        s.missing.top(1),
        [("trampoline".to_string(), 3)],
        "the query seen three times survives the flood, by its real words"
    );
    let (_, _, status_page) = get(&s, "/status").await;
    assert!(status_page.contains("<td>trampoline</td>"));
    assert!(!status_page.contains("zzfrequent"));
    assert!(
        !status_page.contains(&last),
        "a query seen once is never listed"
    );
}

// ------------------------------------------------------------------ redirects

/// The forms that send a person back where they were cannot send them to
/// another site.
#[tokio::test]
async fn returning_after_adding_to_a_plan_stays_on_the_portal() {
    let s = valid();
    for back in [
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "\\\\evil.example",
        " //evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ /evil.example",
    ] {
        let body = format!("items=strategies%2Fmovement-breaks&return={}", enc(back));
        let response = app(s.clone())
            .oneshot(
                Request::post("/plan/add")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert!(response.status().is_redirection(), "{back}");
        let location = response.headers()[header::LOCATION].to_str().unwrap();
        assert!(safe_location(location), "{back:?} led to {location}");
        assert!(
            !location.contains("evil.example") || location.starts_with("/%2F"),
            "{back:?} led to {location}"
        );
    }
    // A trailing slash on a page redirects to the page, on this portal.
    let response = app(s.clone())
        .oneshot(
            Request::get("/strategies/movement-breaks/")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    assert_eq!(
        response.headers()[header::LOCATION],
        "/strategies/movement-breaks"
    );
    for target in [
        "//evil.example/",
        "///evil.example/",
        "/%2F%2Fevil.example/",
    ] {
        let (status, _, _) = get(&s, target).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{target}");
    }
}
