//! "I work in": a phase kept in a cookie that holds only its id ranks that
//! phase's pages first on the search page, shows as a filter that can be
//! removed, is part of the kept answer's key, and gives way to a phase the
//! search filters by.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{bundled, send, state};

const QUERY: &str = "/search?q=can%27t+sit+still";

async fn search(s: &waymark::web::AppState, uri: &str, phase: Option<&str>) -> common::Answer {
    let mut request = Request::get(uri);
    if let Some(p) = phase {
        request = request.header("cookie", format!("waymark_phase={p}"));
    }
    send(s, request.body(Body::empty()).unwrap()).await
}

/// The addresses of the result cards, in order.
fn results(html: &str) -> Vec<String> {
    html.split("class=\"card-title\"><a href=\"/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// How many of the top five are for `phase` (pages for every phase count).
fn for_phase(site: &waymark::site::Site, slugs: &[String], phase: &str) -> usize {
    slugs
        .iter()
        .take(5)
        .filter(|s| {
            site.page(s)
                .is_some_and(|p| p.meta.phases.iter().any(|x| x == phase))
        })
        .count()
}

#[tokio::test]
async fn the_readers_phase_ranks_first_and_can_be_removed() {
    let site = bundled();
    let s = state(bundled());
    let plain = search(&s, QUERY, None).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(
        plain
            .body
            .contains("<label for=\"my-phase\">I work in</label>")
    );
    let plain_results = results(&plain.body);
    assert!(plain_results.len() >= 5, "{plain_results:?}");
    for phase in ["early-years", "post-16"] {
        let preferred = search(&s, QUERY, Some(phase)).await;
        assert_eq!(preferred.status, StatusCode::OK);
        assert!(
            preferred.headers["vary"]
                .to_str()
                .unwrap()
                .contains("cookie"),
            "a shared cache must keep the two apart"
        );
        let label = site.taxonomy.label(waymark::taxonomy::Facet::PHASE, phase);
        assert!(
            preferred.body.contains(&format!("I work in: {label}")),
            "shown as a filter"
        );
        assert!(
            preferred.body.contains("form=\"phase-forget\""),
            "that can be removed"
        );
        let ranked = results(&preferred.body);
        let first = site.page(&ranked[0]).unwrap();
        assert!(
            first.meta.phases.iter().any(|p| p == phase),
            "{phase}: the first result {} is not for it",
            ranked[0]
        );
        assert!(
            for_phase(&site, &ranked, phase) >= for_phase(&site, &plain_results, phase),
            "{phase}: fewer of its pages in the top five than without the preference"
        );
        assert_eq!(
            ranked.len(),
            plain_results.len(),
            "the same pages, ranked again"
        );
    }
    // Kept answers are told apart by the phase; a search without the cookie
    // after one with it is the plain one.
    let again = search(&s, QUERY, None).await;
    assert_eq!(results(&again.body), plain_results);
    // A phase the search filters by wins over the preference.
    let filtered = search(&s, &format!("{QUERY}&phase=secondary"), Some("early-years")).await;
    let only = search(&s, &format!("{QUERY}&phase=secondary"), None).await;
    assert_eq!(results(&filtered.body), results(&only.body));
    // A cookie that names no phase is ignored.
    let junk = search(&s, QUERY, Some("<script>")).await;
    assert_eq!(results(&junk.body), plain_results);
    assert!(!junk.body.contains("I work in: "));
}

#[tokio::test]
async fn the_phase_is_set_and_forgotten_by_a_form() {
    let s = state(bundled());
    let post = |body: &str| {
        Request::post("/preference")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let set = send(&s, post("phase=primary&return=%2Fsearch%3Fq%3Dcalm")).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    assert_eq!(set.headers["location"], "/search?q=calm");
    let cookie = set.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("waymark_phase=primary;"), "{cookie}");
    let forget = send(&s, post("phase=&return=https%3A%2F%2Fevil.example%2F")).await;
    assert_eq!(forget.headers["location"], "/search", "never another site");
    assert!(
        forget.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let bad = send(&s, post("phase=year-7")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
