//! Open data: each page's schema.org JSON-LD, the taxonomy as a
//! `DefinedTermSet`, the content download, the licence in the footer, and
//! the OpenAPI description checked against every `/api` route's real answers.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use axum::http::StatusCode;
use common::{TODAY, bundled, copy_dir, get, get_bytes, get_json, root, site, state};
use html5ever::parse_document;
use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use serde_json::Value;
use waymark::routes::{self, Route};
use waymark::taxonomy::Facet;

const OGL: &str = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";

/// The text of every `<script type="application/ld+json">` in a page, as a
/// browser's parser finds them.
fn json_ld_blocks(html: &str) -> Vec<String> {
    fn walk(node: &Handle, out: &mut Vec<String>) {
        if let NodeData::Element { name, attrs, .. } = &node.data
            && &*name.local == "script"
            && attrs
                .borrow()
                .iter()
                .any(|a| &*a.name.local == "type" && &*a.value == "application/ld+json")
        {
            let mut text = String::new();
            for child in node.children.borrow().iter() {
                if let NodeData::Text { contents } = &child.data {
                    text.push_str(&contents.borrow());
                }
            }
            out.push(text);
        }
        for child in node.children.borrow().iter() {
            walk(child, out);
        }
    }
    let dom = parse_document(RcDom::default(), Default::default()).one(html);
    let mut out = Vec::new();
    walk(&dom.document, &mut out);
    out
}

fn page_json_ld(html: &str) -> Value {
    let blocks = json_ld_blocks(html);
    assert_eq!(blocks.len(), 1, "one JSON-LD block: {blocks:?}");
    serde_json::from_str(&blocks[0]).expect("the JSON-LD parses")
}

#[tokio::test]
async fn a_pages_json_ld_parses_and_names_its_needs_tier_and_phases() {
    let site = bundled();
    let page = site
        .pages
        .iter()
        .find(|p| p.is_kind("strategy") && p.meta.needs.len() > 1 && p.meta.tier.is_some())
        .expect("a strategy with several needs")
        .clone();
    let labels: Vec<String> = page
        .meta
        .needs
        .iter()
        .map(|id| site.taxonomy.label(Facet::NEED, id).to_string())
        .collect();
    let tier = site
        .taxonomy
        .label(Facet::TIER, page.meta.tier.as_deref().unwrap())
        .to_string();
    let s = state(site);
    let (status, _, html) = get(&s, &page.url).await;
    assert_eq!(status, StatusCode::OK);
    let ld = page_json_ld(&html);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "LearningResource");
    assert_eq!(ld["name"], page.meta.title.as_str());
    assert_eq!(ld["description"], page.meta.summary.as_str());
    // No base_url in the bundled settings: the address is the path.
    assert_eq!(ld["url"], page.url.as_str());
    assert_eq!(ld["dateModified"], page.meta.updated.to_string());
    assert_eq!(ld["license"], OGL);
    assert_eq!(ld["publisher"]["name"], "Example County Council");
    assert_eq!(ld["learningResourceType"], "Strategy");
    let alignment = ld["educationalAlignment"].as_array().unwrap();
    let named = |kind: &str| -> Vec<(String, String)> {
        alignment
            .iter()
            .filter(|a| a["alignmentType"] == kind)
            .map(|a| {
                assert_eq!(a["@type"], "AlignmentObject");
                (
                    a["targetName"].as_str().unwrap().to_string(),
                    a["targetUrl"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let subjects = named("educationalSubject");
    let want: Vec<(String, String)> = labels
        .iter()
        .zip(&page.meta.needs)
        .map(|(label, id)| (label.clone(), routes::need(id)))
        .collect();
    assert_eq!(subjects, want);
    let levels = named("educationalLevel");
    assert!(
        levels
            .iter()
            .any(|(name, url)| *name == tier && url.starts_with("/tiers/"))
    );
    assert_eq!(levels.len(), 1 + page.meta.phases.len(), "{levels:?}");
}

#[tokio::test]
async fn a_title_cannot_break_out_of_the_json_ld_and_base_url_makes_addresses_absolute() {
    let dir = tempfile::tempdir().unwrap();
    common::one_page_in(dir.path());
    let file = dir.path().join("strategies/movement-breaks.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let title = "Breaks </script><script>alert(1)</script> & <!-- more";
    let text = text.replacen("title: Movement breaks", &format!("title: \"{title}\""), 1);
    assert!(
        text.contains("alert(1)"),
        "the fixture's title was replaced"
    );
    std::fs::write(&file, text).unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        "name: Test\nbase_url: https://send.example.gov.uk/\n",
    )
    .unwrap();
    let s = state(site(dir.path().to_path_buf()));
    let (status, _, html) = get(&s, "/strategies/movement-breaks").await;
    assert_eq!(status, StatusCode::OK);
    common::html_safety::assert_safe_document(&html, "a page with a hostile title");
    let ld = page_json_ld(&html);
    assert_eq!(ld["name"], title);
    assert_eq!(
        ld["url"],
        "https://send.example.gov.uk/strategies/movement-breaks"
    );
    let first = &ld["educationalAlignment"][0]["targetUrl"];
    assert!(
        first
            .as_str()
            .unwrap()
            .starts_with("https://send.example.gov.uk/needs/"),
        "{first}"
    );
    // No licence in these settings: none is claimed.
    assert!(ld.get("license").is_none(), "{ld}");
}

/// Every id TAXONOMY.md gives: backticked lowercase words after its
/// first heading of ids (field names end in `:` and are left out).
fn taxonomy_md_ids() -> BTreeSet<String> {
    let path = root().join("../shared/TAXONOMY.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let start = text.find("\n## ").expect("a heading of ids");
    text[start..]
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn taxonomy_jsonld_is_a_defined_term_set_with_every_id_of_taxonomy_md() {
    let site = bundled();
    let adhd_label = site.taxonomy.label(Facet::NEED, "adhd").to_string();
    let s = state(site);
    let (status, content_type, body) = get(&s, Route::ApiTaxonomyJsonLd.path()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/ld+json");
    let ld: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "DefinedTermSet");
    assert_eq!(ld["license"], OGL);
    let mut codes = BTreeSet::new();
    for set in ld["hasPart"].as_array().unwrap() {
        assert_eq!(set["@type"], "DefinedTermSet");
        for term in set["hasDefinedTerm"].as_array().unwrap() {
            assert_eq!(term["@type"], "DefinedTerm");
            assert_eq!(term["inDefinedTermSet"], set["@id"]);
            assert!(
                term["name"].as_str().is_some_and(|n| !n.is_empty()),
                "{term}"
            );
            let code = term["termCode"].as_str().unwrap().to_string();
            if code == "adhd" {
                assert_eq!(term["name"], adhd_label.as_str());
                assert_eq!(term["url"], "/needs/adhd");
            }
            codes.insert(code);
        }
    }
    let want = taxonomy_md_ids();
    assert!(want.len() > 40, "{want:?}");
    let missing: Vec<&String> = want.difference(&codes).collect();
    assert!(
        missing.is_empty(),
        "ids of TAXONOMY.md missing: {missing:?}"
    );
}

#[tokio::test]
async fn taxonomy_jsonld_uses_the_sites_labels() {
    let dir = tempfile::tempdir().unwrap();
    common::one_page_in(dir.path());
    std::fs::write(
        dir.path().join("site.yaml"),
        "name: Test\nlabels:\n  tier:\n    targeted: My Plan\n",
    )
    .unwrap();
    let s = state(site(dir.path().to_path_buf()));
    let (_, _, body) = get(&s, Route::ApiTaxonomyJsonLd.path()).await;
    let ld: Value = serde_json::from_str(&body).unwrap();
    let tiers = ld["hasPart"]
        .as_array()
        .unwrap()
        .iter()
        .find(|set| set["identifier"] == "tier")
        .unwrap();
    let targeted = tiers["hasDefinedTerm"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["termCode"] == "targeted")
        .unwrap();
    assert_eq!(targeted["name"], "My Plan");
}

#[tokio::test]
async fn the_licence_shows_in_every_pages_footer() {
    let site = bundled();
    let page = site.pages[0].url.clone();
    let s = state(site);
    for uri in [
        "/",
        page.as_str(),
        "/search?q=noise",
        "/needs/adhd",
        "/no-such-page",
    ] {
        let (_, _, html) = get(&s, uri).await;
        let footer = &html[html.find("<footer").expect("a footer")..];
        assert!(
            footer.contains(&format!(
                "<a href=\"{OGL}\" rel=\"license\">Open Government Licence v3.0</a>"
            )),
            "{uri}: {footer}"
        );
        assert!(footer.contains("/download/content.zip"), "{uri}");
    }
    // Settings without a licence claim none.
    let dir = tempfile::tempdir().unwrap();
    common::one_page_in(dir.path());
    let s = state(site_in(dir.path()));
    let (_, _, html) = get(&s, "/").await;
    assert!(!html.contains("rel=\"license\""));
}

fn site_in(dir: &Path) -> waymark::site::Site {
    site(dir.to_path_buf())
}

fn unzip(bytes: &[u8], to: &Path) -> BTreeSet<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names = BTreeSet::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.enclosed_name().expect("a name inside the folder");
        let target = to.join(&name);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let mut out = std::fs::File::create(&target).unwrap();
        std::io::copy(&mut file, &mut out).unwrap();
        names.insert(file.name().to_string());
    }
    names
}

/// A zip is compressed already: it is sent as it is even to a client that
/// accepts gzip, while other answers are compressed for it.
#[tokio::test]
async fn the_content_zip_is_not_compressed_again() {
    let s = state(bundled());
    for (uri, compressed) in [
        (Route::DownloadContent.path(), false),
        ("/api/search?q=reading", true),
    ] {
        let request = axum::http::Request::get(uri)
            .header(axum::http::header::ACCEPT_ENCODING, "gzip")
            .body(axum::body::Body::empty())
            .unwrap();
        let answer = common::send(&s, request).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        assert_eq!(
            answer
                .headers
                .contains_key(axum::http::header::CONTENT_ENCODING),
            compressed,
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_content_zip_holds_every_served_page_and_checks_clean_unpacked() {
    let content = tempfile::tempdir().unwrap();
    copy_dir(&root().join("content"), content.path());
    let loaded = site_in(content.path());
    let pages: Vec<(String, std::path::PathBuf)> = loaded
        .pages
        .iter()
        .map(|p| (format!("{}.md", p.slug), p.source.clone()))
        .collect();
    let s = state(loaded);
    let response = waymark::web::app(s.clone())
        .oneshot_get(Route::DownloadContent.path())
        .await;
    assert_eq!(response.0, StatusCode::OK);
    assert_eq!(response.1.as_deref(), Some("application/zip"));
    assert_eq!(
        response.2.as_deref(),
        Some("attachment; filename=\"content.zip\"")
    );
    let unpacked = tempfile::tempdir().unwrap();
    let names = unzip(&response.3, unpacked.path());
    for (name, source) in &pages {
        assert!(names.contains(name), "{name} is not in the zip");
        assert_eq!(
            std::fs::read(unpacked.path().join(name)).unwrap(),
            std::fs::read(source).unwrap(),
            "{name} is not as on disk"
        );
    }
    for name in [
        "site.yaml",
        "taxonomy.yaml",
        "synonyms.yaml",
        "LICENCE",
        "frameworks/key-ingredients.yaml",
        "logo.svg",
    ] {
        assert!(names.contains(name), "{name} is not in the zip: {names:?}");
    }
    assert_eq!(names.len(), pages.len() + 9, "{names:?}");
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["check", "--content"])
        .arg(unpacked.path())
        .env("WAYMARK_TODAY", TODAY)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "waymark check on the unpacked zip: {}\n{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    // Kept for its snapshot: asked again, the same bytes.
    let again = get_bytes(&s, Route::DownloadContent.path()).await.2;
    assert_eq!(again, response.3);
    // After a reload without one page, made again without it.
    let (gone, source) = &pages[0];
    std::fs::remove_file(source).unwrap();
    s.swap(site_in(content.path()));
    let after = get_bytes(&s, Route::DownloadContent.path()).await.2;
    let unpacked = tempfile::tempdir().unwrap();
    let names = unzip(&after, unpacked.path());
    assert!(!names.contains(gone), "{gone} is still in the zip");
    assert_eq!(names.len(), pages.len() + 8);
}

/// One GET with the headers a download needs.
trait OneshotGet {
    async fn oneshot_get(self, uri: &str) -> (StatusCode, Option<String>, Option<String>, Vec<u8>);
}

impl OneshotGet for axum::Router {
    async fn oneshot_get(self, uri: &str) -> (StatusCode, Option<String>, Option<String>, Vec<u8>) {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let response = self
            .oneshot(
                axum::http::Request::get(uri)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_string())
        };
        let (content_type, disposition) = (header("content-type"), header("content-disposition"));
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, content_type, disposition, bytes.to_vec())
    }
}

/// The schema the description gives for one answer of a route, as a
/// document a validator can use (its `$ref`s point into `components`).
fn answer_schema(spec: &Value, route: Route, status: StatusCode, media: &str) -> Value {
    let path = waymark::open_data::openapi::openapi_path(route);
    let operation = &spec["paths"][&path]["get"];
    assert!(operation.is_object(), "{path} is not in /api/openapi.json");
    let schema = &operation["responses"][status.as_str()]["content"][media]["schema"];
    assert!(
        schema.is_object(),
        "{path}: no {media} schema for a {status} answer"
    );
    let mut doc = schema.clone();
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
    doc["components"] = spec["components"].clone();
    doc
}

fn problems(schema: &Value, answer: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    validator
        .iter_errors(answer)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[tokio::test]
async fn every_api_answer_validates_against_the_openapi_description() {
    let site = bundled();
    // A page of each kind, and pages with the optional blocks.
    let mut slugs: Vec<String> = Vec::new();
    for kind in ["strategy", "resource", "guidance", "training"] {
        slugs.extend(
            site.pages
                .iter()
                .find(|p| p.is_kind(kind))
                .map(|p| p.slug.clone()),
        );
    }
    slugs.extend(
        site.pages
            .iter()
            .find(|p| p.meta.provision.is_some())
            .map(|p| p.slug.clone()),
    );
    slugs.extend(
        site.pages
            .iter()
            .find(|p| p.meta.duration_minutes.is_some())
            .map(|p| p.slug.clone()),
    );
    slugs.extend(
        site.pages
            .iter()
            .find(|p| !p.meta.frameworks.is_empty())
            .map(|p| p.slug.clone()),
    );
    let s = state(site);
    let (status, spec) = get_json(&s, Route::ApiOpenApi.path()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(spec["openapi"], "3.1.0");

    let mut calls: Vec<(Route, String, StatusCode, &str)> = vec![
        (Route::ApiSearch, "/api/search?q=ear+defenders".into(), StatusCode::OK, "application/json"),
        (Route::ApiSearch, "/api/search?q=".into(), StatusCode::OK, "application/json"),
        (Route::ApiSearch, "/api/search?q=reading&need=cognition-learning&need=autism&tier=universal&phase=primary&sort=title&page=2".into(), StatusCode::OK, "application/json"),
        (Route::ApiSearch, "/api/search?q=noise&kind=strategy&evidence=moderate&ingredient=high-quality-teaching&pfa=good-health&cycle=do&sort=updated".into(), StatusCode::OK, "application/json"),
        // Misspelt, and a word no page has: did_you_mean and partial.
        (Route::ApiSearch, "/api/search?q=fidgit+toyz".into(), StatusCode::OK, "application/json"),
        (Route::ApiSearch, "/api/search?q=ear+defenders+xylophone".into(), StatusCode::OK, "application/json"),
        (Route::ApiSearch, "/api/search?need=autsim".into(), StatusCode::BAD_REQUEST, "application/json"),
        (Route::ApiPage, "/api/pages/no/such-page".into(), StatusCode::NOT_FOUND, "application/json"),
        (Route::ApiTaxonomy, "/api/taxonomy".into(), StatusCode::OK, "application/json"),
        (Route::ApiTaxonomyJsonLd, "/api/taxonomy.jsonld".into(), StatusCode::OK, "application/ld+json"),
        (Route::ApiPlanSchema, "/api/plan.schema.json".into(), StatusCode::OK, "application/schema+json"),
        (Route::ApiOpenApi, "/api/openapi.json".into(), StatusCode::OK, "application/json"),
    ];
    assert!(slugs.len() >= 6, "{slugs:?}");
    for slug in &slugs {
        calls.push((
            Route::ApiPage,
            format!("/api/pages/{slug}"),
            StatusCode::OK,
            "application/json",
        ));
    }
    // Every /api route is described and called.
    for route in Route::ALL.into_iter().filter(|r| routes::is_api(r.path())) {
        assert!(
            calls.iter().any(|(r, ..)| *r == route),
            "{route:?} is not called by this test"
        );
        let path = waymark::open_data::openapi::openapi_path(route);
        assert!(
            spec["paths"][&path]["get"].is_object(),
            "{path} is not described"
        );
    }
    let mut seen_partial = false;
    let mut seen_did_you_mean = false;
    for (route, uri, want, media) in &calls {
        let (status, content_type, body) = get(&s, uri).await;
        assert_eq!(status, *want, "{uri}: {body}");
        assert!(content_type.starts_with(media), "{uri}: {content_type}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        seen_partial |= answer.get("partial").is_some();
        seen_did_you_mean |= answer.get("did_you_mean").is_some_and(|d| !d.is_null());
        let schema = answer_schema(&spec, *route, status, media);
        let found = problems(&schema, &answer);
        assert!(
            found.is_empty(),
            "{uri} does not match its schema: {found:#?}"
        );
    }
    assert!(
        seen_partial && seen_did_you_mean,
        "the optional fields were answered"
    );

    // The schemas are closed and name what is required: an extra field or
    // a missing one fails.
    let (_, answer) = get_json(&s, "/api/search?q=noise").await;
    let schema = answer_schema(&spec, Route::ApiSearch, StatusCode::OK, "application/json");
    let mut extra = answer.clone();
    extra["results"][0]["secret"] = 1.into();
    assert!(
        !problems(&schema, &extra).is_empty(),
        "an unknown field passed"
    );
    let mut missing = answer.clone();
    missing.as_object_mut().unwrap().remove("total");
    assert!(
        !problems(&schema, &missing).is_empty(),
        "a missing field passed"
    );
    let (_, page) = get_json(&s, &format!("/api/pages/{}", slugs[0])).await;
    let schema = answer_schema(&spec, Route::ApiPage, StatusCode::OK, "application/json");
    let mut extra = page.clone();
    extra["unknown"] = true.into();
    assert!(
        !problems(&schema, &extra).is_empty(),
        "an unknown page field passed"
    );
}
