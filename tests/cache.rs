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
