//! The HTTP contract, through `app(state).oneshot(...)`: JSON shapes, facet
//! counts, errors, headers and the HTML pages' essentials.

mod common;

use axum::http::StatusCode;
use common::{bundled, fixture, get, get_json, options, site, state};
use waymark::site::Site;
use waymark::taxonomy::Facet;

fn valid() -> waymark::web::AppState {
    state(site(fixture("valid")))
}

#[tokio::test]
async fn search_answers_in_the_contracts_shape() {
    let s = valid();
    let (status, json) = get_json(&s, "/api/search?q=ear+defenders").await;
    assert_eq!(status, StatusCode::OK);
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // The contract's fields, plus `did_you_mean` (added, as the contract allows).
    assert_eq!(
        keys,
        [
            "did_you_mean",
            "facets",
            "page",
            "per_page",
            "query",
            "results",
            "total"
        ]
    );
    assert!(json["did_you_mean"].is_null());
    assert_eq!(json["query"], "ear defenders");
    assert_eq!(json["total"], 1);
    assert_eq!(json["page"], 1);
    assert_eq!(json["per_page"], 20);
    let hit = &json["results"][0];
    let mut fields: Vec<&str> = hit
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "cycle",
            "evidence",
            "ingredients",
            "kind",
            "needs",
            "pfa",
            "phases",
            "score",
            "slug",
            "snippet",
            "summary",
            "tier",
            "title",
            "updated",
            "url"
        ]
    );
    assert_eq!(hit["slug"], "strategies/ear-defenders");
    assert_eq!(hit["url"], "/strategies/ear-defenders");
    assert_eq!(hit["tier"], "universal");
    assert_eq!(hit["evidence"], "practice");
    assert_eq!(hit["updated"], "2026-08-15");
    assert_eq!(
        hit["phases"],
        serde_json::json!(["early-years", "primary", "secondary", "post-16"])
    );
    assert!(
        hit["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>ear</mark> <mark>defenders</mark>"),
        "{}",
        hit["snippet"]
    );
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    let facet_keys: Vec<&str> = json["facets"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        facet_keys,
        [
            "cycle",
            "evidence",
            "ingredient",
            "kind",
            "need",
            "pfa",
            "phase",
            "tier"
        ]
    );
}

#[tokio::test]
async fn an_area_filter_finds_its_needs_and_counts_roll_up() {
    let s = valid();
    let (_, json) = get_json(&s, "/api/search?q=&need=communication-interaction").await;
    assert_eq!(json["total"], 3);
    let slugs: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["slug"].as_str().unwrap())
        .collect();
    assert!(
        slugs.contains(&"strategies/social-stories"),
        "an autism page is in its area: {slugs:?}"
    );
    assert_eq!(json["facets"]["need"]["autism"], 1);
    // The need facet is the one filtered, so its counts ignore its own choice.
    assert_eq!(json["facets"]["need"]["sensory-physical"], 2);
    assert_eq!(json["facets"]["tier"]["targeted"], 1);
    // A need filter matches only pages that list that need.
    let (_, json) = get_json(&s, "/api/search?need=autism").await;
    assert_eq!(json["total"], 1);
}

#[tokio::test]
async fn a_page_without_phases_matches_every_phase() {
    let s = valid();
    let (_, json) = get_json(&s, "/api/search?phase=post-16").await;
    let slugs: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["slug"].as_str().unwrap())
        .collect();
    assert!(slugs.contains(&"strategies/ear-defenders"));
    assert!(
        !slugs.contains(&"strategies/movement-breaks"),
        "it names primary and secondary only"
    );
}

#[tokio::test]
async fn repeated_values_or_within_a_facet_and_and_across() {
    let s = valid();
    let (_, json) = get_json(&s, "/api/search?need=adhd&need=autism").await;
    assert_eq!(json["total"], 2);
    let (_, json) = get_json(&s, "/api/search?need=adhd&need=autism&tier=targeted").await;
    assert_eq!(json["total"], 1);
}

/// Every count beside a filter value equals the total of the search that
/// ticking it gives, across facets, with and without words and selections.
#[tokio::test]
async fn facet_counts_agree_with_the_searches_they_link_to() {
    let site = bundled();
    let s = state(Site::load(&options(common::root().join("content"))).unwrap());
    for base in [
        "q=",
        "q=sensory",
        "q=&tier=universal",
        "q=reading&need=cognition-learning",
        "q=&phase=secondary&kind=strategy",
    ] {
        let (_, json) = get_json(&s, &format!("/api/search?{base}")).await;
        for facet in Facet::ALL {
            let counts = json["facets"][facet.name()].as_object().unwrap();
            for (id, count) in counts {
                // Ticking the value: it joins the facet's own selection as an
                // alternative, so the count is of the search with this value
                // in place of that selection.
                let others: Vec<&str> = base
                    .split('&')
                    .filter(|p| !p.starts_with(&format!("{}=", facet.name())))
                    .collect();
                let uri = format!("/api/search?{}&{}={id}", others.join("&"), facet.name());
                let (_, filtered) = get_json(&s, &uri).await;
                assert_eq!(
                    &filtered["total"],
                    count,
                    "{uri}: facet {} value {id}",
                    facet.name()
                );
            }
        }
    }
    assert!(site.pages.len() >= 24);
}

#[tokio::test]
async fn sorting_and_paging() {
    let s = state(bundled());
    let (_, json) = get_json(&s, "/api/search?sort=title").await;
    let titles: Vec<String> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
    assert_eq!(titles.len(), 20);

    let (_, json) = get_json(&s, "/api/search?sort=updated").await;
    let dates: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["updated"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    let (_, page2) = get_json(&s, "/api/search?sort=title&page=2").await;
    assert_eq!(page2["page"], 2);
    assert_ne!(page2["results"][0]["slug"], json["results"][0]["slug"]);
    // A page past the last shows the last (INTERFACE.md, December 2026).
    let (_, far) = get_json(&s, "/api/search?page=999").await;
    let last = far["total"].as_u64().unwrap().div_ceil(20).max(1);
    assert_eq!(far["page"], last);
    assert!(!far["results"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn unknown_filter_ids_are_a_400_naming_them() {
    let s = valid();
    let (status, json) = get_json(&s, "/api/search?q=x&need=autsim").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        json["error"],
        "unknown need \"autsim\"; did you mean \"autism\"?"
    );
    assert_eq!(json["parameter"], "need");
    assert_eq!(json["value"], "autsim");
    let (status, content_type, body) = get(&s, "/search?tier=gold").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(content_type.starts_with("text/html"));
    assert!(
        body.contains("unknown tier &#34;gold&#34;")
            || body.contains("unknown tier &quot;gold&quot;"),
        "{body}"
    );
}

#[tokio::test]
async fn odd_queries_are_searched_never_refused() {
    let s = state(bundled());
    let long = "word+".repeat(4000);
    let queries = [
        "%22unbalanced",
        "-",
        "AND",
        "a+AND",
        "title%3A",
        "(((",
        "%5Ba+TO",
        "*",
        "%F0%9F%98%80",
        "DROP+TABLE+pages%3B--",
        "~2",
        "^3",
        &long,
    ];
    for q in queries {
        let (status, _, _) = get(&s, &format!("/api/search?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "q={}", &q[..q.len().min(40)]);
        let (status, _, _) = get(&s, &format!("/search?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "html q={}", &q[..q.len().min(40)]);
    }
}

/// (The 414 for a target over 64 KiB is tested against the real server in
/// `server.rs`: such a target cannot even be built as an `http::Uri`.)
#[tokio::test]
async fn a_long_query_is_cut_to_16_kib_and_searched() {
    let s = valid();
    let q = "x".repeat(20 * 1024);
    let (status, json) = get_json(&s, &format!("/api/search?q={q}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json["query"].as_str().unwrap().len(),
        16 * 1024,
        "cut to 16 KiB"
    );
}

#[tokio::test]
async fn a_pages_json_holds_every_field_and_safe_html() {
    let s = valid();
    let (status, json) = get_json(&s, "/api/pages/strategies/social-stories").await;
    assert_eq!(status, StatusCode::OK);
    for field in [
        "title",
        "summary",
        "kind",
        "needs",
        "tier",
        "ingredients",
        "phases",
        "pfa",
        "cycle",
        "tags",
        "links",
        "evidence",
        "provision",
        "updated",
        "slug",
        "url",
        "html",
    ] {
        assert!(json.get(field).is_some(), "missing {field}");
    }
    assert_eq!(json["evidence"]["strength"], "moderate");
    assert_eq!(
        json["evidence"]["sources"][0]["url"],
        "https://www.nice.org.uk/guidance/cg170"
    );
    assert_eq!(json["provision"]["sessions_per_week"], 2.0);
    assert_eq!(json["provision"]["group_size"], 1);
    assert_eq!(json["provision"]["staff"], "teaching-assistant");
    assert!(
        json["html"]
            .as_str()
            .unwrap()
            .contains("href=\"/strategies/movement-breaks#what-you-can-do\"")
    );

    let (_, json) = get_json(&s, "/api/pages/strategies/ear-defenders").await;
    let html = json["html"].as_str().unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("<mark>ear defenders</mark>"), "{html}");

    let (status, json) = get_json(&s, "/api/pages/strategies/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(json["error"].as_str().unwrap().contains("no page at"));
}

#[tokio::test]
async fn the_taxonomy_lists_every_id_with_labels() {
    let s = valid();
    let (status, json) = get_json(&s, "/api/taxonomy").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["areas"].as_array().unwrap().len(), 4);
    let needs: usize = json["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["needs"].as_array().unwrap().len())
        .sum();
    assert_eq!(needs, 16);
    assert_eq!(json["tiers"][0]["id"], "universal");
    assert_eq!(
        json["tiers"][0]["label"],
        "Universal: quality first teaching"
    );
    assert_eq!(json["ingredients"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn gloucestershire_labels_take_effect_in_pages_and_the_api() {
    let mut opts = options(fixture("valid"));
    opts.site_file = Some(common::root().join("examples/gloucestershire/site.yaml"));
    let s = state(Site::load(&opts).unwrap());
    assert_eq!(
        common::tier_labels(&s).await,
        [
            "My Profile",
            "My Plan",
            "My Plan+",
            "Statutory assessment and planning"
        ]
    );
    let (_, _, page) = get(&s, "/strategies/social-stories").await;
    assert!(page.contains(">My Plan</a>"), "the tier label on a page");
    let (_, _, home) = get(&s, "/").await;
    assert!(home.contains("My Plan+"));
    assert!(home.contains("Graduated Pathway provision finder"));
    let (_, _, css) = get(&s, "/site.css").await;
    assert!(css.contains(":root { --brand: #00703c; }"), "{css}");
    // Its own logo, from beside its site.yaml, under a fingerprinted name.
    let logo = home
        .split("<img class=\"logo\" src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a logo in the header");
    let (status, content_type, svg) = get(&s, logo).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "image/svg+xml");
    let expected =
        std::fs::read_to_string(common::root().join("examples/gloucestershire/logo.svg")).unwrap();
    assert_eq!(svg, expected);
}

#[tokio::test]
async fn unknown_pages_get_a_helpful_404_with_a_search_box() {
    let s = valid();
    let (status, content_type, body) = get(&s, "/strategies/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(content_type.starts_with("text/html"));
    assert!(body.contains("Page not found"));
    assert!(body.contains("<form class=\"big-search\" action=\"/search\""));
    let (status, _, _) = get(&s, "/needs/not-a-need").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, json) = get_json(&s, "/api/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(json["error"].is_string());
}

#[tokio::test]
async fn html_pages_render_with_their_essentials() {
    let s = valid();
    let (status, _, home) = get(&s, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("Communication and interaction"));
    assert!(home.contains("Flexible use of evidence-based strategies"));
    let (status, _, need) = get(&s, "/needs/communication-interaction").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        need.contains("href=\"/guidance/communication-interaction\""),
        "its guidance first"
    );
    assert!(
        need.contains("Social narratives for new situations"),
        "an autism strategy in its area"
    );
    let (_, _, page) = get(&s, "/strategies/social-stories").await;
    assert!(page.contains("<h2 id=\"what-you-can-do\">What you can do</h2>\n<a class=\"heading-anchor\" href=\"#what-you-can-do\""));
    assert!(page.contains("Provision at a glance"));
    assert!(page.contains("0.5 hours"), "2 x 15 minutes a week");
    let (_, _, results) = get(&s, "/search?q=carpet&need=adhd").await;
    assert!(results.contains("Movement breaks"));
    assert!(results.contains("aria-live=\"polite\""));
    assert!(results.contains("name=\"need\" value=\"adhd\" checked"));
    let (status, _, tier) = get(&s, "/tiers/targeted").await;
    assert_eq!(status, StatusCode::OK);
    assert!(tier.contains("Social narratives"));
    let (status, _, ingredient) = get(&s, "/ingredients/personalisation").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ingredient.contains("Social narratives"));
}

#[tokio::test]
async fn every_answer_carries_the_safety_headers() {
    let s = valid();
    for uri in ["/", "/api/search", "/static/style.css", "/nope", "/healthz"] {
        let response = tower::ServiceExt::oneshot(
            waymark::web::app(s.clone()),
            axum::http::Request::get(uri)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
        let h = response.headers();
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{uri}"
        );
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff", "{uri}");
        assert!(h.get("referrer-policy").is_some(), "{uri}");
    }
}

#[tokio::test]
async fn status_lists_problems_while_valid_pages_are_served() {
    let s = state(site(fixture("invalid")));
    let (status, _, body) = get(&s, "/status").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("misspelt-need.md:5:9: unknown need &#34;autsim&#34;")
            || body.contains("misspelt-need.md:5:9: unknown need &quot;autsim&quot;"),
        "{body}"
    );
    assert!(body.contains("unclosed.md:1:1: front matter is not closed"));
    let (status, _, _) = get(&s, "/strategies/fine").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get(&s, "/strategies/misspelt-need").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn health_and_metrics() {
    let s = valid();
    let (status, _, body) = get(&s, "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    get(&s, "/search?q=private+words").await;
    let (_, content_type, metrics) = get(&s, "/metrics").await;
    assert!(content_type.starts_with("text/plain"));
    assert!(metrics.contains("waymark_pages 5\n"));
    assert!(
        metrics.contains("waymark_requests_total{route=\"/search\",status=\"2xx\"} 1"),
        "{metrics}"
    );
    assert!(!metrics.contains("private"), "no query text in metrics");
}

#[tokio::test]
async fn static_files_stay_inside_static() {
    let s = valid();
    for uri in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/%2e%2e%2fsrc%2fmain.rs",
    ] {
        let (status, _, body) = get(&s, uri).await;
        assert_ne!(status, StatusCode::OK, "{uri}");
        assert!(!body.contains("[package]"), "{uri}");
    }
    let (status, content_type, _) = get(&s, "/static/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/css"));
}

#[tokio::test]
async fn a_misspelt_query_is_corrected_and_says_so() {
    let s = state(bundled());
    let (_, json) = get_json(&s, "/api/search?q=dyslexa").await;
    assert_eq!(json["did_you_mean"], "dyslexia");
    assert!(json["total"].as_u64().unwrap() > 0);
    let (_, _, html) = get(&s, "/search?q=dyslexa").await;
    assert!(
        html.contains(
            "Including results for <a href=\"/search?q=dyslexia\" data-search-link>dyslexia</a>"
        ),
        "{html}"
    );
    // A correctly spelt query is not "corrected".
    let (_, json) = get_json(&s, "/api/search?q=dyslexia").await;
    assert!(json["did_you_mean"].is_null());
}

#[tokio::test]
async fn searches_that_find_nothing_reach_status_after_three() {
    let s = valid();
    for _ in 0..2 {
        get(&s, "/api/search?q=weighted+blanket").await;
    }
    get(&s, "/api/search?q=Bobby+Tables").await;
    let (_, _, status) = get(&s, "/status").await;
    assert!(
        !status.contains("weighted blanket"),
        "two searches are not enough"
    );
    assert!(!status.contains("bobby"));
    get(&s, "/search?q=Weighted%20%20Blanket").await;
    let (_, _, status) = get(&s, "/status").await;
    assert!(
        status.contains("<td>weighted blanket</td><td>3</td>"),
        "{status}"
    );
    assert!(
        !status.contains("bobby"),
        "a query seen once is never shown"
    );
}

#[tokio::test]
async fn synonyms_and_spellings_join_words_both_ways() {
    let s = state(bundled());
    let slugs = |json: &serde_json::Value| -> Vec<String> {
        json["results"]
            .as_array()
            .unwrap()
            .iter()
            .take(5)
            .map(|r| r["slug"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, salt) = get_json(&s, "/api/search?q=SALT").await;
    let (_, phrase) = get_json(&s, "/api/search?q=speech+and+language+therapy").await;
    assert_eq!(slugs(&salt)[0], slugs(&phrase)[0]);
    let (_, us) = get_json(&s, "/api/search?q=behavior").await;
    let (_, uk) = get_json(&s, "/api/search?q=behaviour").await;
    assert_eq!(us["total"], uk["total"]);
    assert!(us["did_you_mean"].is_null());
}

#[tokio::test]
async fn quoted_phrases_must_match_and_minus_excludes() {
    let s = state(bundled());
    let (_, all) = get_json(&s, "/api/search?q=glue+ear").await;
    let (_, without) = get_json(&s, "/api/search?q=glue+ear+-seating").await;
    assert!(without["total"].as_u64() < all["total"].as_u64());
    let (_, phrase) = get_json(&s, "/api/search?q=%22glue+ear%22").await;
    assert!(phrase["total"].as_u64().unwrap() >= 1);
    assert!(phrase["total"].as_u64() <= all["total"].as_u64());
}

#[tokio::test]
async fn the_sitemap_lists_every_page_with_its_review_date() {
    let site = bundled();
    let pages = site.pages.len();
    let s = state(site);
    let (status, content_type, body) = get(&s, "/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("application/xml"));
    let doc = roxmltree::Document::parse(&body).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let urls: Vec<_> = root.children().filter(|n| n.has_tag_name("url")).collect();
    assert_eq!(urls.len(), pages + 1, "every page and the home page");
    for url in &urls[1..] {
        let loc = url
            .children()
            .find(|n| n.has_tag_name("loc"))
            .unwrap()
            .text()
            .unwrap();
        assert!(loc.starts_with("http://127.0.0.1:3000/"), "{loc}");
        let lastmod = url
            .children()
            .find(|n| n.has_tag_name("lastmod"))
            .unwrap()
            .text()
            .unwrap();
        assert!(
            waymark::content::validate::parse_iso_date(lastmod).is_ok(),
            "{lastmod}"
        );
    }
}

#[tokio::test]
async fn the_atom_feed_is_valid_and_newest_first() {
    let s = state(bundled());
    let (status, content_type, body) = get(&s, "/feed.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("application/atom+xml"));
    let doc = roxmltree::Document::parse(&body).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    // RFC 4287: a feed has id, title and updated, and an author or authored entries.
    for required in ["id", "title", "updated", "author"] {
        assert!(
            feed.children().any(|n| n.has_tag_name(required)),
            "feed lacks {required}"
        );
    }
    let entries: Vec<_> = feed
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), waymark::web::feeds::FEED_ENTRIES);
    let mut previous = String::from("9999");
    for entry in entries {
        for required in ["id", "title", "updated", "link"] {
            assert!(
                entry.children().any(|n| n.has_tag_name(required)),
                "entry lacks {required}"
            );
        }
        let updated = entry
            .children()
            .find(|n| n.has_tag_name("updated"))
            .unwrap()
            .text()
            .unwrap()
            .to_string();
        assert!(updated.ends_with("T00:00:00Z"));
        assert!(updated <= previous, "newest first");
        previous = updated;
    }
}
