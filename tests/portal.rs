//! The portal's pages as a browser first meets them: fingerprinted assets
//! with long caches, the authority's theme and logo, the listing phase
//! filter, the search finder's parts, and the weight of each page type.
//! (Accessibility and behaviour in a real browser: `tests/browser/`.)

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{bundled, get, options, state};
use http_body_util::BodyExt;
use tower::ServiceExt;
use waymark::content::LoadError;
use waymark::site::Site;
use waymark::web::{AppState, app};

/// One GET with headers; returns status, headers and the body as sent.
async fn fetch(
    s: &AppState,
    uri: &str,
    encoding: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(uri);
    if let Some(e) = encoding {
        request = request.header(header::ACCEPT_ENCODING, e);
    }
    let response = app(s.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, body.to_vec())
}

/// The `href` or `src` values in `html` that start with `prefix`.
fn links(html: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            let value = part.split('"').next().unwrap_or("");
            if value.starts_with(prefix) {
                out.push(value.to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn assets_have_fingerprinted_names_and_a_year_long_cache() {
    let s = state(bundled());
    let (_, _, home) = get(&s, "/").await;
    let mut assets = links(&home, "/static/");
    assets.extend(links(&home, "/theme/"));
    assert_eq!(
        assets.len(),
        5,
        "style, script, icon, theme and logo: {assets:?}"
    );
    for url in &assets {
        let name = url.rsplit('/').next().unwrap();
        let parts: Vec<&str> = name.split('.').collect();
        assert_eq!(parts.len(), 3, "{name} is stem.fingerprint.ext");
        assert!(
            parts[1].len() == 8 && parts[1].chars().all(|c| c.is_ascii_hexdigit()),
            "{name}"
        );
        let (status, headers, body) = fetch(&s, url, None).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert!(!body.is_empty());
        assert_eq!(
            headers[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{url}"
        );
    }
    // The plain names still answer, but are revalidated.
    for plain in ["/static/style.css", "/static/waymark.js", "/site.css"] {
        let (status, headers, _) = fetch(&s, plain, None).await;
        assert_eq!(status, StatusCode::OK, "{plain}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache", "{plain}");
    }
    // An old fingerprint gets today's file, revalidated, never a year-long copy.
    let (status, headers, body) = fetch(&s, "/theme/site.00000000.css", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("--brand: #1d4e89")
    );
    // Nothing else is served from /static or /theme.
    for missing in [
        "/static/nothing.css",
        "/static/style.00000000.css",
        "/theme/other.txt",
    ] {
        let (status, _, _) = fetch(&s, missing, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn the_logo_may_run_nothing_when_opened_on_its_own() {
    let s = state(bundled());
    let (_, _, home) = get(&s, "/").await;
    let logo = links(&home, "/theme/logo.").pop().expect("a logo");
    let (_, headers, _) = fetch(&s, &logo, None).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.starts_with("default-src 'none'") && csp.contains("sandbox"),
        "{csp}"
    );
}

#[test]
fn a_bad_logo_is_a_problem_on_its_line_of_site_yaml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        "name: Test portal\ncolour: \"#1d4e89\"\nlogo: crest.svg\n",
    )
    .unwrap();
    let err = Site::load(&options(dir.path().to_path_buf())).unwrap_err();
    let waymark::site::BuildError::Load(LoadError::Settings(problems)) = err else {
        panic!("expected a settings problem, got {err}");
    };
    assert_eq!(problems.len(), 1);
    let text = problems[0].to_string();
    assert!(text.contains("site.yaml:3:1:"), "{text}");
    assert!(text.contains("logo \"crest.svg\" cannot be read"), "{text}");

    std::fs::write(
        dir.path().join("crest.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
    )
    .unwrap();
    let err = Site::load(&options(dir.path().to_path_buf())).unwrap_err();
    let waymark::site::BuildError::Load(LoadError::Settings(problems)) = err else {
        panic!("expected a settings problem");
    };
    assert!(
        problems[0].to_string().contains("holds script"),
        "{}",
        problems[0]
    );

    std::fs::write(
        dir.path().join("crest.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let site = Site::load(&options(dir.path().to_path_buf())).unwrap();
    assert!(site.config.theme.logo.is_some());
}

/// The cards of a listing page, by their links.
fn card_urls(html: &str) -> Vec<String> {
    html.split("<h3 class=\"card-title\"><a href=\"")
        .skip(1)
        .map(|p| p.split('"').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn listings_filter_by_phase_and_keep_pages_for_every_phase() {
    let site = bundled();
    let s = state(bundled());
    let (_, _, all) = get(&s, "/needs/specific-learning-difficulties").await;
    let (status, _, early) = get(
        &s,
        "/needs/specific-learning-difficulties?phase=early-years",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (all, early_cards) = (card_urls(&all), card_urls(&early));
    assert!(!early_cards.is_empty() && early_cards.len() < all.len());
    for url in &early_cards {
        let page = site.page(url.trim_start_matches('/')).unwrap();
        assert!(
            page.meta.phases.is_empty() || page.meta.phases.iter().any(|p| p == "early-years"),
            "{url} is not for the early years"
        );
    }
    // Every page that is for the early years is there.
    for url in &all {
        let page = site.page(url.trim_start_matches('/')).unwrap();
        if page.meta.phases.is_empty() || page.meta.phases.iter().any(|p| p == "early-years") {
            assert!(early_cards.contains(url), "{url} is missing");
        }
    }
    assert!(
        early.contains("id=\"phase-early-years\" name=\"phase\" value=\"early-years\" checked")
    );
    assert!(
        early.contains("Showing pages for Early years"),
        "says what it shows"
    );
    // Two phases are an OR, as in search.
    let (_, _, both) = get(&s, "/tiers/universal?phase=early-years&phase=post-16").await;
    assert!(
        card_urls(&both).len()
            >= card_urls(&get(&s, "/tiers/universal?phase=post-16").await.2).len()
    );
    let (status, _, bad) = get(&s, "/ingredients/personalisation?phase=nursery").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(bad.contains("nursery"));
}

#[tokio::test]
async fn the_search_finder_has_its_parts() {
    let s = state(bundled());
    let (_, _, html) = get(&s, "/search?q=reading&tier=universal&phase=primary").await;
    // The count is announced when it changes.
    assert!(html.contains(
        "class=\"result-count\" id=\"result-count\" role=\"status\" aria-live=\"polite\""
    ));
    // The phone button says how many filters are applied; script reveals it.
    assert!(html.contains("aria-expanded=\"true\" hidden data-filter-toggle>Filter results<span data-applied-count> (2 applied)</span>"));
    // Applied filters are links that remove them.
    assert_eq!(html.matches("class=\"applied-tag\"").count(), 2);
    assert!(
        html.contains("<span class=\"visually-hidden\">Remove filter </span>Level of support:")
    );
    // Each facet says how many of its values are ticked.
    assert!(html.contains("Level of support <span class=\"facet-selected\">(1 selected)</span>"));
    // On a phone: a way past the filters before them, and a way back to the
    // results at their foot, a plain link to the results without script.
    let skip = html
        .find("href=\"#results\">Skip to results</a>")
        .expect("a skip link");
    let filters = html.find("id=\"filters\"").expect("the filter panel");
    assert!(skip < filters, "Skip to results comes before the filters");
    let count = html.matches("data-result-count>").count();
    assert_eq!(count, 1);
    let total = html
        .split("data-result-count>")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("a count");
    let show = format!("href=\"#results\" data-show-results>Show {total} results</a>");
    let show_at = html.find(&show).expect(&show);
    assert!(show_at > filters && show_at < html.find("id=\"results\"").unwrap());

    // Numbered pages, the current one marked.
    let (_, _, list) = get(&s, "/search?page=3").await;
    assert!(
        list.contains("aria-current=\"page\"><span class=\"visually-hidden\">Page </span>3</a>")
    );
    assert!(list.contains(
        "href=\"/search\" data-search-link><span class=\"visually-hidden\">Page </span>1</a>"
    ));
    assert!(list.contains("rel=\"prev\""), "a previous link");

    // Nothing found: the page offers a way out.
    let (_, _, none) = get(&s, "/search?q=zzqxv&tier=statutory").await;
    assert!(none.contains("No pages match"));
    assert!(none.contains("search without filters"));
}

#[tokio::test]
async fn a_page_offers_to_copy_its_link() {
    let s = state(bundled());
    let (_, _, html) = get(&s, "/strategies/movement-breaks-for-attention").await;
    assert!(
        html.contains("data-copy=\"/strategies/movement-breaks-for-attention\" hidden>Copy link")
    );
    // Headings carry anchors the script adds its buttons to.
    assert!(html.contains("<a class=\"heading-anchor\" href=\"#"));
    // A live region for "Link copied".
    assert!(html.contains("role=\"status\" data-announce"));
}

#[tokio::test]
async fn a_strategy_page_opens_with_its_summary_contents_and_short_facts() {
    let s = state(bundled());
    let (_, _, html) = get(&s, "/strategies/movement-breaks-for-attention").await;
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("{needle}"));
    // Summary, then contents, then the short facts, then the body.
    assert!(at("class=\"lead\"") < at("class=\"contents\""));
    assert!(at("class=\"contents\"") < at("<dl class=\"summary-list facts\">"));
    assert!(at("<dl class=\"summary-list facts\">") < at("<div class=\"body\">"));
    assert!(html.contains("<li><a href=\"#what-you-can-do\">What you can do</a></li>"));
    // Where the page fits in the frameworks comes after the body.
    assert!(at("<div class=\"body\">") < at("<dt>Key ingredients</dt>"));
    // Dates in words; the machine-readable date stays ISO.
    let time = html.split("<time datetime=\"").nth(1).expect("a date");
    let (iso, rest) = time.split_once("\">").unwrap();
    let shown = rest.split('<').next().unwrap();
    assert_eq!(iso.len(), 10, "{iso}");
    let words = shown.split(' ').collect::<Vec<_>>();
    assert_eq!(words.len(), 3, "{shown}");
    assert!(words[1].chars().all(char::is_alphabetic), "{shown}");
}

#[tokio::test]
async fn no_page_type_weighs_more_than_100_kb_compressed() {
    let s = state(bundled());
    let plan = "strategies/movement-breaks-for-attention,resources/one-page-profile";
    let pages = [
        "/".to_string(),
        "/needs/cognition-learning".to_string(),
        "/needs/autism".to_string(),
        "/tiers/universal".to_string(),
        "/ingredients/high-quality-teaching".to_string(),
        "/strategies/movement-breaks-for-attention".to_string(),
        "/search".to_string(),
        "/search?q=reading&need=cognition-learning".to_string(),
        format!("/plan?items={plan}"),
        format!("/plan?items={plan}&view=session"),
        "/status".to_string(),
    ];
    for uri in &pages {
        let (status, headers, body) = fetch(&s, uri, Some("gzip")).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(headers[header::CONTENT_ENCODING], "gzip", "{uri}");
        let (_, _, html) = get(&s, uri).await;
        let mut total = body.len();
        let mut assets = links(&html, "/static/");
        assets.extend(links(&html, "/theme/"));
        for asset in assets {
            let (_, _, bytes) = fetch(&s, &asset, Some("gzip")).await;
            total += bytes.len();
        }
        assert!(total <= 100_000, "{uri} weighs {total} bytes compressed");
    }
}

#[tokio::test]
async fn html_pages_link_no_other_host() {
    let s = state(bundled());
    for uri in [
        "/",
        "/search?q=noise",
        "/strategies/movement-breaks-for-attention",
    ] {
        let (_, _, html) = get(&s, uri).await;
        for tag in ["<script", "<link", "<img"] {
            for part in html.split(tag).skip(1) {
                let element = part.split('>').next().unwrap();
                assert!(
                    !element.contains("http://")
                        && !element.contains("https://")
                        && !element.contains("src=\"//"),
                    "{uri}: {tag}{element}>"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_page_that_failed_its_checks_is_a_friendly_404_that_suggests_a_search() {
    // The invalid fixture's misspelt-need page never loaded, so it has no
    // good version to show.
    let s = state(site_with_problems(common::fixture("invalid")));
    let (status, _, html) = get(&s.public(), "/strategies/misspelt-need").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("<title>Page not found"), "{html}");
    assert!(html.contains("value=\"misspelt need\""), "{html}");
    assert!(
        html.contains("href=\"/search?q=misspelt%20need\">searching for “misspelt need”</a>"),
        "{html}"
    );
    // Nothing about the file's problem reaches a reader.
    assert!(!html.contains("autsim"), "{html}");
}

/// A site from a folder whose pages may have problems (they are left out).
fn site_with_problems(content: std::path::PathBuf) -> Site {
    Site::load(&options(content)).expect("the settings load")
}
