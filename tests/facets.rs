//! A facet added to the table is indexed, filterable, counted in the API and
//! the filter panel, and checked in pages, with no code but its entry.

mod common;

use common::{TODAY, fixture, get, get_json, state};
use waymark::content::LoadOptions;
use waymark::facet::{Facet, FacetSpec, Facets, TermList, Terms};
use waymark::search::SearchRequest;
use waymark::site::Site;

/// Who delivers a strategy: the taxonomy's staff list, read from
/// `provision.staff`.
static ROLE: FacetSpec = FacetSpec {
    key: "role",
    title: "Who delivers it",
    route: None,
    multi: false,
    terms: Terms::List(TermList::Staff),
    field: "provision.staff",
    open: false,
    values: |m| m.provision.iter().map(|p| p.staff.as_str()).collect(),
    help: "",
};

/// Staff named in a page's tags: a facet whose ids come from a field that
/// nothing else checks, so only the table-driven check can refuse one.
static LEAD: FacetSpec = FacetSpec {
    key: "lead",
    title: "Led by",
    route: None,
    multi: true,
    terms: Terms::List(TermList::Staff),
    field: "tags",
    open: false,
    values: |m| m.tags.iter().map(String::as_str).collect(),
    help: "",
};

fn options(content: std::path::PathBuf, facets: Facets) -> LoadOptions {
    LoadOptions {
        today: TODAY.parse().unwrap(),
        facets,
        ..LoadOptions::new(content)
    }
}

fn with_role() -> Site {
    let facets = Facets::default().with(&ROLE).expect("role joins the table");
    Site::load(&options(fixture("valid"), facets)).expect("the fixture loads")
}

#[test]
fn an_added_facet_is_indexed_and_filters_searches() {
    let site = with_role();
    let role = site
        .taxonomy
        .facets
        .find("role")
        .expect("role is in the table");
    assert!(site.search.index.schema().get_field("role").is_ok());

    let mut request = SearchRequest::new("");
    request
        .filters
        .add(role, "teaching-assistant", &site.taxonomy)
        .expect("a staff id is a role");
    let results = site.search(&request).unwrap();
    let slugs: Vec<&str> = results
        .hits
        .iter()
        .map(|h| site.pages[h.ord].slug.as_str())
        .collect();
    assert_eq!(slugs, ["strategies/social-stories"]);
    assert_eq!(
        results.facets[&role],
        [("teaching-assistant".to_string(), 1)]
    );
    // The standard facets' counts are those of the one page filtered to.
    assert_eq!(results.facets[&Facet::TIER], [("targeted".to_string(), 1)]);

    let unknown = request
        .filters
        .add(role, "teaching-asistant", &site.taxonomy);
    assert_eq!(
        unknown.unwrap_err().to_string(),
        "unknown role \"teaching-asistant\"; did you mean \"teaching-assistant\"?"
    );
}

#[tokio::test]
async fn an_added_facet_is_counted_in_the_api_and_the_filter_panel() {
    let s = state(with_role());
    let (status, json) = get_json(&s, "/api/search?q=").await;
    assert_eq!(status, 200);
    assert_eq!(json["facets"]["role"]["teaching-assistant"], 1);
    assert_eq!(json["facets"]["role"].as_object().unwrap().len(), 1);

    let (status, json) = get_json(&s, "/api/search?role=teaching-assistant").await;
    assert_eq!(status, 200);
    assert_eq!(json["total"], 1);
    assert_eq!(json["results"][0]["slug"], "strategies/social-stories");

    let (status, json) = get_json(&s, "/api/search?role=nobody").await;
    assert_eq!(status, 400, "{json}");
    assert_eq!(json["parameter"], "role");

    let (status, _, html) = get(&s, "/search?q=").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-facet="role""#), "no role group");
    assert!(html.contains("<summary>Who delivers it"));
    assert!(html.contains(
        r#"<input type="checkbox" id="f-role-teaching-assistant" name="role" value="teaching-assistant">"#
    ));
    assert!(html.contains(
        r#"<label for="f-role-teaching-assistant">Teaching assistant <span class="count">(1)</span></label>"#
    ));

    // Without the entry the same content has no such facet.
    let plain = state(common::site(fixture("valid")));
    let (_, json) = get_json(&plain, "/api/search?q=").await;
    assert!(json["facets"].get("role").is_none());
    let (status, _, html) = get(&plain, "/search?q=").await;
    assert_eq!(status, 200);
    assert!(!html.contains(r#"data-facet="role""#));
}

/// A folder holding one guidance page whose tags are `tags`, and the
/// page's path.
fn led_page(tags: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("strategies/led.md");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        format!(
            "---\ntitle: Led\nsummary: A page led by staff.\nkind: guidance\n\
             tags: [{tags}]\nupdated: 2026-10-01\n---\nBody.\n"
        ),
    )
    .unwrap();
    (dir, path)
}

/// A site's errors as `path:line:col: message`.
fn errors(site: &Site) -> Vec<String> {
    site.problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| format!("{}:{}:{}: {}", p.path.display(), p.line, p.col, p.message))
        .collect()
}

#[test]
fn an_added_facets_ids_are_checked_where_the_page_writes_them() {
    let (dir, path) = led_page("senco, head-of-year");
    let facets = Facets::default().with(&LEAD).unwrap();
    let site = Site::load(&options(dir.path().to_path_buf(), facets)).unwrap();
    assert_eq!(
        errors(&site),
        [format!(
            "{}:5:15: unknown lead \"head-of-year\"; expected one of: teacher, teaching-assistant, senco, specialist-teacher, therapist, educational-psychologist, mentor, communication-support-worker, intervenor, job-coach",
            path.display()
        )]
    );
    assert!(
        site.pages.is_empty(),
        "a page with an unknown id is left out"
    );

    // The standard table does not know the facet, so the page is fine.
    let plain = Site::load(&options(dir.path().to_path_buf(), Facets::default())).unwrap();
    assert_eq!(plain.pages.len(), 1);
}

#[test]
fn a_single_valued_facet_with_several_ids_names_the_field() {
    /// `lead` as a one-id facet: a page may name one lead in its tags.
    static ONE_LEAD: FacetSpec = FacetSpec {
        multi: false,
        ..LEAD
    };
    let (dir, path) = led_page("senco, mentor");
    let load = |spec: &'static FacetSpec| {
        let facets = Facets::default().with(spec).unwrap();
        errors(&Site::load(&options(dir.path().to_path_buf(), facets)).unwrap())
    };
    assert_eq!(
        load(&ONE_LEAD),
        [format!(
            "{}:5:1: \"tags\" gives 2 lead ids (senco, mentor); a page has at most one",
            path.display()
        )]
    );
    assert!(
        load(&LEAD).is_empty(),
        "several ids are fine when the facet takes several"
    );
}
