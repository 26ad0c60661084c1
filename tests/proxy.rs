//! Behind a reverse proxy: a base path, HSTS over HTTPS, the concurrency
//! limit that queues, and what `/metrics` reports.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Answer, bundled, send, state};
use tower::ServiceExt;
use waymark::web::{AppState, service};

async fn get(s: &AppState, uri: &str) -> Answer {
    send(s, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// Every root-relative address in `href`, `src` and `action` attributes.
fn addresses(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\"", " action=\""] {
        for part in html.split(attr).skip(1) {
            let value = part.split('"').next().unwrap();
            if value.starts_with('/') {
                out.push(value.to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn under_a_base_path_every_address_carries_it() {
    let s = state(bundled()).with_base_path("/send");
    let slash = get(&s, "/send/").await;
    assert_eq!(slash.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(slash.headers[header::LOCATION], "/send");
    for uri in [
        "/send",
        "/send/search?q=ear+defenders&tier=universal",
        "/send/needs/autism",
        "/send/strategies/movement-breaks-for-attention",
        "/send/plan?items=strategies/movement-breaks-for-attention",
        "/send/no-such-page",
    ] {
        let answer = get(&s, uri).await;
        assert!(
            answer.status == StatusCode::OK || uri.ends_with("no-such-page"),
            "{uri}: {}",
            answer.status
        );
        let found = addresses(&answer.body);
        assert!(found.len() > 10, "{uri}: {found:?}");
        for address in found {
            assert!(
                address == "/send"
                    || address.starts_with("/send/")
                    || address.starts_with("/send#"),
                "{uri} links to {address}"
            );
            // Each of them answers, under the base path.
            if address.starts_with("/send/static/") || address.starts_with("/send/theme/") {
                assert_eq!(get(&s, &address).await.status, StatusCode::OK, "{address}");
            }
        }
    }
    // The search page's links and results lead somewhere real.
    let page = get(&s, "/send/strategies/movement-breaks-for-attention").await;
    assert!(
        page.body
            .contains("data-copy=\"/send/strategies/movement-breaks-for-attention\"")
    );
    // The same paths without the base are not the portal's.
    assert_eq!(
        get(&s, "/search?q=noise").await.status,
        StatusCode::NOT_FOUND
    );
    // JSON keeps addresses from the portal's root, as INTERFACE.md gives them.
    let api = get(&s, "/send/api/search?q=ear+defenders").await;
    assert!(api.body.contains("\"url\":\"/strategies/"), "{}", api.body);
}

#[tokio::test]
async fn under_a_base_path_redirects_and_absolute_links_carry_it() {
    let s = state(bundled()).with_base_path("/send");
    let answer = send(
        &s,
        Request::post("/send/plan/add")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                "items=strategies%2Fmovement-breaks-for-attention&return=%2Fstrategies%2Fmovement-breaks-for-attention",
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let location = answer.headers[header::LOCATION].to_str().unwrap();
    assert!(
        location.starts_with("/send/strategies/movement-breaks-for-attention"),
        "{location}"
    );
    let sitemap = send(
        &s,
        Request::get("/send/sitemap.xml")
            .header(header::HOST, "portal.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    // Absolute links take the address the portal listens on (or base_url),
    // never the request's Host, which anyone can forge.
    assert!(!sitemap.body.contains("portal.example"));
    assert!(
        sitemap.body.contains(
            "<loc>http://127.0.0.1:3000/send/strategies/movement-breaks-for-attention</loc>"
        ),
        "{}",
        &sitemap.body[..400.min(sitemap.body.len())]
    );
}

#[tokio::test]
async fn hsts_only_when_the_request_came_over_https() {
    let s = state(bundled());
    let plain = get(&s, "/").await;
    assert!(
        !plain
            .headers
            .contains_key(header::STRICT_TRANSPORT_SECURITY)
    );
    let https = send(
        &s,
        Request::get("/")
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        https.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000; includeSubDomains"
    );
    // And the rest of the safe defaults are on every answer, errors included.
    for uri in [
        "/",
        "/api/search?q=x",
        "/nope",
        "/search?tier=bad",
        "/healthz",
    ] {
        let answer = get(&s, uri).await;
        let csp = answer.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"),
            "{uri}"
        );
        assert_eq!(
            answer.headers[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{uri}"
        );
        assert!(
            answer.headers.contains_key(header::REFERRER_POLICY),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn beyond_the_concurrency_limit_requests_wait_rather_than_fail() {
    let s = state(bundled()).with_max_concurrent(2);
    let router = service(s.clone());
    let mut tasks = Vec::new();
    for i in 0..48 {
        let router = router.clone();
        tasks.push(tokio::spawn(async move {
            let uri = format!("/search?q=reading+{i}");
            let response = router
                .oneshot(Request::get(uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            response.status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
}

#[tokio::test]
async fn metrics_report_requests_latency_index_reloads_and_problems() {
    let s = state(bundled());
    get(&s, "/search?q=noise").await;
    let metrics = get(&s, "/metrics").await.body;
    for name in [
        "waymark_requests_total{route=\"/search\",status=\"2xx\"} 1",
        "waymark_request_duration_seconds_count",
        "waymark_pages ",
        "waymark_index_documents ",
        "waymark_index_bytes ",
        "waymark_reloads_total 0",
        "waymark_problems{severity=\"error\"} 0",
    ] {
        assert!(metrics.contains(name), "{name} missing:\n{metrics}");
    }
    let docs: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("waymark_index_documents "))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(docs as usize, bundled().pages.len());
}
