//! The answer cache: a repeated search gets the same bytes, a new snapshot
//! never gets an old answer, and half-typed searches are not counted as
//! "searched and not found".

mod common;

use axum::body::Body;
use axum::http::Request;
use common::{fixture, get, site, state};
use http_body_util::BodyExt;
use tower::ServiceExt;
use waymark::web::app;

#[tokio::test]
async fn a_repeated_search_is_answered_the_same_from_the_cache() {
    let s = state(site(fixture("valid")));
    let (_, _, first) = get(&s, "/api/search?q=noise").await;
    assert_eq!(s.answers.len(), 1);
    let (_, content_type, second) = get(&s, "/api/search?q=noise").await;
    assert_eq!(first, second);
    assert_eq!(content_type, "application/json");
    let (_, _, page1) = get(&s, "/search?q=noise").await;
    let (_, content_type, page2) = get(&s, "/search?q=noise").await;
    assert_eq!(page1, page2);
    assert_eq!(content_type, "text/html; charset=utf-8");
}

#[tokio::test]
async fn a_new_snapshot_never_gets_an_old_answer() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("strategies")).unwrap();
    let page = fixture("valid/strategies/ear-defenders.md");
    std::fs::copy(&page, content.join("strategies/ear-defenders.md")).unwrap();
    let s = state(site(content.clone()));
    let (_, _, before) = get(&s, "/api/search?q=trampoline").await;
    assert!(before.contains("\"total\":0"), "{before}");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        content.join("strategies/ear-defenders.md"),
        format!("{text}\nA trampoline in the hall.\n"),
    )
    .unwrap();
    s.swap(site(content));
    let (_, _, after) = get(&s, "/api/search?q=trampoline").await;
    assert!(after.contains("\"total\":1"), "{after}");
    let (_, _, html) = get(&s, "/search?q=trampoline").await;
    assert!(html.contains("1 page found"));
}

#[tokio::test]
async fn half_typed_searches_are_not_counted_as_not_found() {
    let s = state(site(fixture("valid")));
    for _ in 0..5 {
        let response = app(s.clone())
            .oneshot(
                Request::get("/search?q=trampo")
                    .header("x-waymark-live", "typing")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let _ = response.into_body().collect().await.unwrap();
    }
    assert!(s.missing.top(10).is_empty(), "{:?}", s.missing.top(10));
    // Searches that were meant, cached or not, are counted every time.
    for _ in 0..3 {
        get(&s, "/search?q=trampoline").await;
    }
    assert_eq!(s.missing.top(10), vec![("trampoline".to_string(), 3)]);
}

/// Sends a GET with headers and returns the status, headers and raw body.
async fn send(
    s: &waymark::web::AppState,
    uri: &str,
    headers: &[(&str, &str)],
) -> (axum::http::StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app(s.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

fn decode(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    use std::io::Read as _;
    let mut out = Vec::new();
    match encoding {
        None => out.extend_from_slice(body),
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .unwrap();
        }
        Some("br") => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        Some(other) => panic!("unexpected encoding {other}"),
    }
    out
}

/// The headers that must agree between a fresh answer and a kept one (the
/// date and the length of a compressed stream may differ).
fn comparable(headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| {
            !["date", "content-length", "transfer-encoding"].contains(&name.as_str())
        })
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_string()))
        .collect();
    list.sort();
    list
}

#[tokio::test]
async fn a_kept_answer_has_the_headers_and_bytes_of_a_fresh_one_in_every_encoding() {
    let cases: [&[(&str, &str)]; 6] = [
        &[],
        &[("accept-encoding", "gzip")],
        &[("accept-encoding", "gzip, deflate, br, zstd")],
        &[("accept-encoding", "br;q=0.1, gzip;q=0.9")],
        &[("accept-encoding", "identity")],
        &[("x-forwarded-proto", "https"), ("accept-encoding", "br")],
    ];
    for uri in ["/api/search?q=noise&phase=primary", "/search?q=noise"] {
        for headers in cases {
            // A fresh state each time: the first answer is searched, the second kept.
            let s = state(site(fixture("valid")));
            let (status1, headers1, body1) = send(&s, uri, headers).await;
            assert_eq!(s.answers.len(), 1, "{uri} {headers:?}");
            let (status2, headers2, body2) = send(&s, uri, headers).await;
            assert_eq!(status1, 200);
            assert_eq!(status2, 200);
            assert_eq!(
                comparable(&headers1),
                comparable(&headers2),
                "{uri} {headers:?}"
            );
            let encoding = headers2
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_string());
            assert_eq!(
                decode(encoding.as_deref(), &body1),
                decode(encoding.as_deref(), &body2),
                "{uri} {headers:?}"
            );
            // The kept answer states its length, so a client can reuse the connection.
            assert_eq!(
                headers2["content-length"].to_str().unwrap(),
                body2.len().to_string()
            );
            let https = headers.iter().any(|(n, _)| *n == "x-forwarded-proto");
            assert_eq!(headers2.contains_key("strict-transport-security"), https);
        }
    }
}

#[tokio::test]
async fn kept_answers_are_counted_in_the_metrics() {
    let s = state(site(fixture("valid")));
    for _ in 0..3 {
        get(&s, "/api/search?q=noise").await;
    }
    let (_, _, metrics) = get(&s, "/metrics").await;
    let line = metrics
        .lines()
        .find(|l| l.contains("route=\"/api/search\"") && l.contains("2xx"))
        .unwrap_or_else(|| panic!("{metrics}"));
    assert!(line.ends_with(" 3"), "{line}");
}
