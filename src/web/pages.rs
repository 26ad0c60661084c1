//! HTML pages, each handler beside its template struct. Every page works
//! without JavaScript.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::content::Link;
use crate::content::validate::REVIEW_AFTER_DAYS;
use crate::search::{Filters, SearchResults, Sort};
use crate::site::Site;
use crate::taxonomy::Facet;

use super::cache::{Answer, Route};
use super::params::{parse_search, query_string};
use super::views::{Card, Chrome, Crumb, Fact, Group, TermView, crumbs, fact, group_by_tier};
use super::{AppState, api, assets};

// ---------------------------------------------------------------- home

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomeTemplate {
    chrome: Chrome,
    tagline: String,
    areas: Vec<AreaView>,
    tiers: Vec<TermView>,
    ingredients: Vec<TermView>,
    cycle: Vec<TermView>,
    total: usize,
}

pub struct AreaView {
    term: TermView,
    needs: Vec<TermView>,
}

fn count_pages(site: &Site, test: impl Fn(&crate::content::Page) -> bool) -> usize {
    site.pages.iter().filter(|p| test(p)).count()
}

/// Pages that list a need or area id, or (for an area) any of its needs.
fn pages_for_need<'a>(
    site: &'a Site,
    id: &'a str,
) -> impl Iterator<Item = &'a crate::content::Page> + 'a {
    let area = site.taxonomy.area(id);
    site.pages.iter().map(|p| &**p).filter(move |p| {
        p.has_need(id) || area.is_some_and(|a| a.needs.iter().any(|n| p.has_need(&n.id)))
    })
}

/// Each term with the number of pages that carry it and where it leads.
fn term_views(
    site: &Site,
    terms: &[crate::taxonomy::Term],
    carries: impl Fn(&crate::content::Page, &str) -> bool,
    url: impl Fn(&str) -> String,
) -> Vec<TermView> {
    terms
        .iter()
        .map(|term| {
            TermView::new(
                term.as_ref(),
                count_pages(site, |p| carries(p, &term.id)),
                url(&term.id),
            )
        })
        .collect()
}

/// `GET /`: counts every page, so it is made off the event loop.
pub async fn home(State(state): State<AppState>) -> Response {
    let site = state.site();
    super::off_loop(move || home_page(&site).into_response()).await
}

fn home_page(site: &Site) -> HomeTemplate {
    let t = &site.taxonomy;
    let areas = t
        .areas
        .iter()
        .map(|area| AreaView {
            term: TermView::new(
                area.as_ref(),
                pages_for_need(site, &area.id).count(),
                format!("/needs/{}", area.id),
            ),
            needs: area
                .needs
                .iter()
                .map(|n| {
                    TermView::new(
                        n.as_ref(),
                        count_pages(site, |p| p.has_need(&n.id)),
                        format!("/needs/{}", n.id),
                    )
                })
                .collect(),
        })
        .collect();
    let tiers = term_views(
        site,
        &t.tiers,
        |p, id| p.meta.tier.as_deref() == Some(id),
        |id| format!("/tiers/{id}"),
    );
    let ingredients = term_views(
        site,
        &t.ingredients,
        |p, id| p.meta.ingredients.iter().any(|i| i == id),
        |id| format!("/ingredients/{id}"),
    );
    let cycle = term_views(
        site,
        &t.cycle,
        |p, id| p.meta.cycle.iter().any(|c| c == id),
        |id| format!("/search?cycle={id}"),
    );
    HomeTemplate {
        chrome: Chrome::new(site, site.config.name.clone()),
        tagline: site.config.tagline.clone(),
        areas,
        tiers,
        ingredients,
        cycle,
        total: site.pages.len(),
    }
}

// ---------------------------------------------------------------- listings

/// An area, need, tier or ingredient: its guidance, then its pages by tier,
/// narrowed to the phases ticked in its filter form.
#[derive(Template, WebTemplate)]
#[template(path = "listing.html")]
pub struct ListingTemplate {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    heading: String,
    description: String,
    guidance: Vec<Card>,
    children: Vec<TermView>,
    groups: Vec<Group>,
    total: usize,
    pfa: Vec<TermView>,
    search_url: String,
    /// This listing's own path, where the phase form sends its choice.
    path: String,
    phases: Vec<PhaseOption>,
    /// Labels of the ticked phases, to say what the list is narrowed to.
    phase_note: String,
}

/// One tick box of a listing's phase filter.
pub struct PhaseOption {
    id: String,
    label: String,
    checked: bool,
}

/// What a listing shows: which term, where it sits, and the pages to list.
struct ListingInput<'a> {
    facet: Facet,
    id: &'a str,
    crumbs: Vec<Crumb>,
    pages: Vec<&'a crate::content::Page>,
    children: Vec<TermView>,
}

/// `/search` with a query string, or bare when there is none.
fn search_href(query: String) -> String {
    if query.is_empty() {
        "/search".to_string()
    } else {
        format!("/search?{query}")
    }
}

/// The phases ticked in a listing's query string; an unknown id is a 400.
fn listing_phases(site: &Site, raw: Option<&str>) -> Result<Vec<String>, String> {
    parse_search(raw, &site.taxonomy)
        .map(|request| request.filters.get(Facet::Phase).to_vec())
        .map_err(|e| {
            format!(
                "The filter {}={} cannot be used: {}.",
                e.parameter, e.value, e.message
            )
        })
}

/// The route a listing lives under: `/needs/`, `/tiers/` or `/ingredients/`.
fn listing_route(facet: Facet) -> &'static str {
    match facet {
        Facet::Need => "needs",
        Facet::Tier => "tiers",
        _ => "ingredients",
    }
}

/// A page without phases is for every phase, so it stays under any filter.
fn for_phases(page: &crate::content::Page, phases: &[String]) -> bool {
    phases.is_empty()
        || page.meta.phases.is_empty()
        || page.meta.phases.iter().any(|p| phases.contains(p))
}

fn listing(site: &Site, input: ListingInput<'_>, phases: &[String]) -> ListingTemplate {
    let ListingInput {
        facet,
        id,
        crumbs,
        pages,
        children,
    } = input;
    let term = site
        .taxonomy
        .term(facet, id)
        .expect("checked by the caller");
    let pages: Vec<_> = pages
        .into_iter()
        .filter(|p| for_phases(p, phases))
        .collect();
    // Guidance written for exactly this id leads the page.
    let (guidance, rest): (Vec<_>, Vec<_>) = pages.into_iter().partition(|p| {
        p.is_kind("guidance")
            && match facet {
                Facet::Need => p.meta.needs.iter().any(|n| n == id),
                Facet::Tier => p.meta.tier.as_deref() == Some(id),
                _ => p.meta.ingredients.iter().any(|n| n == id),
            }
    });
    let phase_query: String = phases.iter().map(|p| format!("&phase={p}")).collect();
    let pfa = site
        .taxonomy
        .pfa
        .iter()
        .filter_map(|o| {
            let n = rest.iter().filter(|p| p.meta.pfa.contains(&o.id)).count();
            (n > 0).then(|| {
                TermView::new(
                    o.as_ref(),
                    n,
                    format!("/search?{}={}&pfa={}{phase_query}", facet.name(), id, o.id),
                )
            })
        })
        .collect();
    let phase_labels: Vec<String> = phases
        .iter()
        .map(|p| site.taxonomy.label(Facet::Phase, p).to_string())
        .collect();
    ListingTemplate {
        chrome: Chrome::new(site, term.label),
        crumbs,
        heading: term.label.to_string(),
        description: term.description.to_string(),
        guidance: guidance.iter().map(|p| Card::new(p, site)).collect(),
        children,
        total: rest.len(),
        groups: group_by_tier(rest, site),
        pfa,
        search_url: format!("/search?{}={}{phase_query}", facet.name(), id),
        path: format!("/{}/{id}", listing_route(facet)),
        phases: site
            .taxonomy
            .phases
            .iter()
            .map(|t| PhaseOption {
                id: t.id.clone(),
                label: t.label.clone(),
                checked: phases.contains(&t.id),
            })
            .collect(),
        phase_note: phase_labels.join(" or "),
    }
}

/// `GET /needs/{id}`. Listings read every page, so they are made off the
/// event loop.
pub async fn need(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let site = state.site();
    super::off_loop(move || need_listing(&site, &id, raw.as_deref())).await
}

fn need_listing(site: &Site, id: &str, raw: Option<&str>) -> Response {
    let id = id.to_string();
    if site.taxonomy.check(Facet::Need, &id).is_err() {
        return not_found(site, &format!("/needs/{id}"));
    }
    let phases = match listing_phases(site, raw) {
        Ok(p) => p,
        Err(message) => return bad_request(site, &message),
    };
    let children = site
        .taxonomy
        .area(&id)
        .map(|area| {
            area.needs
                .iter()
                .map(|n| {
                    TermView::new(
                        n.as_ref(),
                        count_pages(site, |p| p.has_need(&n.id) && for_phases(p, &phases)),
                        format!("/needs/{}", n.id),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut trail = vec![Crumb {
        url: "/".to_string(),
        label: "Home".to_string(),
    }];
    if let Some(area) = site.taxonomy.area_of(&id).filter(|a| a.id != id) {
        trail.push(Crumb {
            url: format!("/needs/{}", area.id),
            label: area.label.clone(),
        });
    }
    let input = ListingInput {
        facet: Facet::Need,
        id: &id,
        crumbs: trail,
        pages: pages_for_need(site, &id).collect(),
        children,
    };
    listing(site, input, &phases).into_response()
}

/// A tier or an ingredient: every page that `lists` it, by tier, narrowed
/// by the phase filter.
fn term_listing(
    site: &Site,
    facet: Facet,
    id: &str,
    raw: Option<&str>,
    crumb: (&str, &str),
    lists: impl Fn(&crate::content::Page) -> bool,
) -> Response {
    if site.taxonomy.check(facet, id).is_err() {
        return not_found(site, &format!("/{}/{id}", listing_route(facet)));
    }
    let phases = match listing_phases(site, raw) {
        Ok(p) => p,
        Err(message) => return bad_request(site, &message),
    };
    let input = ListingInput {
        facet,
        id,
        crumbs: crumbs(&[("/", "Home"), crumb]),
        pages: site
            .pages
            .iter()
            .map(|p| &**p)
            .filter(|p| lists(p))
            .collect(),
        children: Vec::new(),
    };
    listing(site, input, &phases).into_response()
}

pub async fn tier(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let site = state.site();
    super::off_loop(move || {
        term_listing(
            &site,
            Facet::Tier,
            &id,
            raw.as_deref(),
            ("/#tiers", "Levels of support"),
            |p| p.meta.tier.as_deref() == Some(id.as_str()),
        )
    })
    .await
}

pub async fn ingredient(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let site = state.site();
    super::off_loop(move || {
        term_listing(
            &site,
            Facet::Ingredient,
            &id,
            raw.as_deref(),
            ("/#ingredients", "Key ingredients"),
            |p| p.meta.ingredients.contains(&id),
        )
    })
    .await
}

// ---------------------------------------------------------------- one page

#[derive(Template, WebTemplate)]
#[template(path = "page.html")]
pub struct PageTemplate {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    title: String,
    summary: String,
    kind: String,
    html: String,
    facts: Vec<Fact>,
    evidence: Option<EvidenceView>,
    provision: Vec<(String, String)>,
    links: Vec<Link>,
    related: Vec<Card>,
    updated: String,
    review_overdue: bool,
    url: String,
    slug: String,
    added: Option<usize>,
    stale: bool,
}

pub struct EvidenceView {
    label: String,
    description: String,
    sources: Vec<Link>,
}

fn page_view(site: &Site, page: &crate::content::Page) -> PageTemplate {
    let t = &site.taxonomy;
    let m = &page.meta;
    let mut crumb_list = vec![Crumb {
        url: "/".into(),
        label: "Home".into(),
    }];
    if let Some(first) = m.needs.first() {
        if let Some(area) = t.area_of(first) {
            crumb_list.push(Crumb {
                url: format!("/needs/{}", area.id),
                label: area.label.clone(),
            });
            if area.id != *first {
                crumb_list.push(Crumb {
                    url: format!("/needs/{first}"),
                    label: t.label(Facet::Need, first).to_string(),
                });
            }
        }
    }
    let tier = m.tier.clone().into_iter().collect::<Vec<_>>();
    let all_phases = m.phases.len() == t.phases.len();
    let facts = [
        fact(site, "Needs", Facet::Need, &m.needs, Some("/needs/")),
        fact(
            site,
            "Level of support",
            Facet::Tier,
            &tier,
            Some("/tiers/"),
        ),
        if all_phases {
            Some(Fact {
                label: "Age phases".into(),
                values: vec![super::views::FactValue {
                    text: "All phases".into(),
                    url: None,
                }],
            })
        } else {
            fact(site, "Age phases", Facet::Phase, &m.phases, None)
        },
        fact(
            site,
            "Key ingredients",
            Facet::Ingredient,
            &m.ingredients,
            Some("/ingredients/"),
        ),
        fact(
            site,
            "Preparation for adulthood",
            Facet::Pfa,
            &m.pfa,
            Some("/search?pfa="),
        ),
        fact(
            site,
            "Assess, plan, do, review",
            Facet::Cycle,
            &m.cycle,
            Some("/search?cycle="),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let evidence = m.evidence.as_ref().map(|e| {
        let term = t.term(Facet::Evidence, &e.strength);
        EvidenceView {
            label: term.map_or(e.strength.clone(), |t| t.label.to_string()),
            description: term.map_or(String::new(), |t| t.description.to_string()),
            sources: e.sources.clone(),
        }
    });
    let provision = m
        .provision
        .as_ref()
        .map(|p| {
            let staff = t
                .staff(&p.staff)
                .map_or(p.staff.clone(), |s| s.label.clone());
            vec![
                (
                    "Sessions a week".to_string(),
                    crate::plan::number(p.sessions_per_week),
                ),
                (
                    "Minutes a session".to_string(),
                    crate::plan::number(p.session_minutes),
                ),
                ("Weeks".to_string(), crate::plan::number(p.weeks)),
                (
                    "Group size".to_string(),
                    if p.group_size == 1 {
                        "1 (individual)".to_string()
                    } else {
                        format!("{} pupils", p.group_size)
                    },
                ),
                ("Delivered by".to_string(), staff),
                (
                    "Staff time a week".to_string(),
                    format!(
                        "{} hours",
                        crate::plan::number((p.staff_hours_per_week() * 100.0).round() / 100.0)
                    ),
                ),
            ]
        })
        .unwrap_or_default();
    let age_days = (crate::clock::today() - m.updated).get_days();
    PageTemplate {
        chrome: Chrome::new(site, m.title.clone()),
        crumbs: crumb_list,
        title: m.title.clone(),
        summary: m.summary.clone(),
        kind: t.label(Facet::Kind, &m.kind).to_string(),
        html: page.html(),
        facts,
        evidence,
        provision,
        links: m.links.clone(),
        related: related(site, page)
            .into_iter()
            .map(|p| Card::new(p, site))
            .collect(),
        updated: m.updated.to_string(),
        review_overdue: age_days > REVIEW_AFTER_DAYS,
        url: page.url.clone(),
        slug: page.slug.clone(),
        added: None,
        // Editors' notice: the caller sets it on the staff listener only.
        stale: false,
    }
}

/// Up to five other pages that share the most needs, then ingredients, with this one.
fn related<'a>(site: &'a Site, page: &crate::content::Page) -> Vec<&'a crate::content::Page> {
    let mut scored: Vec<(usize, &crate::content::Page)> = site
        .pages
        .iter()
        .map(|p| &**p)
        .filter(|p| p.slug != page.slug)
        .map(|p| {
            let needs = p
                .meta
                .needs
                .iter()
                .filter(|n| page.meta.needs.contains(n))
                .count();
            let ingredients = p
                .meta
                .ingredients
                .iter()
                .filter(|i| page.meta.ingredients.contains(i))
                .count();
            (needs * 3 + ingredients, p)
        })
        .filter(|(score, p)| {
            *score >= 3 && p.meta.needs.iter().any(|n| page.meta.needs.contains(n))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.meta.title.cmp(&b.1.meta.title))
    });
    scored.into_iter().take(5).map(|(_, p)| p).collect()
}

/// Any path that is not a portal route: a page by slug, or a helpful 404.
pub async fn page_or_not_found(State(state): State<AppState>, uri: Uri) -> Response {
    let site = state.site();
    let path = uri.path();
    if path.starts_with("/api/") {
        return api::error(StatusCode::NOT_FOUND, format!("no API route at {path}"));
    }
    let slug = path.trim_start_matches('/');
    if let Some(page) = site.page(slug) {
        let added = match super::plan::added_note(uri.query()) {
            Ok(added) => added,
            Err(message) => return bad_request(&site, &message),
        };
        let slug = page.slug.clone();
        let site = std::sync::Arc::clone(&site);
        let staff = state.is_staff();
        // A page's Markdown (up to 1 MiB) is rendered on every view: off the
        // event loop, so a large page never holds up other requests.
        return super::off_loop(move || match site.page(&slug) {
            Some(page) => {
                let mut view = page_view(&site, page);
                view.added = added;
                // "A newer version has a problem" is for editors, not readers.
                view.stale = page.stale && staff;
                view.into_response()
            }
            None => not_found(&site, &format!("/{slug}")),
        })
        .await;
    }
    // `/strategies/x/` is `/strategies/x`.
    let trimmed = slug.trim_end_matches('/');
    if trimmed != slug && site.page(trimmed).is_some() {
        return Redirect::permanent(&format!("/{trimmed}")).into_response();
    }
    not_found(&site, path)
}

// ---------------------------------------------------------------- search

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
pub struct SearchTemplate {
    chrome: Chrome,
    q: String,
    total: usize,
    results: Vec<Card>,
    groups: Vec<FacetGroup>,
    applied: Vec<Applied>,
    sorts: Vec<SortOption>,
    page_links: Vec<PageLink>,
    pages: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    first: usize,
    last: usize,
    did_you_mean: Option<Suggestion>,
    /// This search's own address, to come back to after adding to a plan.
    return_to: String,
    /// Pages just added to the plan, when the person came back from doing so.
    added: Option<usize>,
}

/// A corrected query and the search it leads to.
pub struct Suggestion {
    text: String,
    url: String,
}

pub struct FacetGroup {
    name: String,
    title: String,
    options: Vec<FacetOption>,
    open: bool,
    /// How many of its options are ticked.
    selected: usize,
}

/// A numbered link in the pagination; `url` is `None` for a gap ("…").
pub struct PageLink {
    number: usize,
    url: Option<String>,
    current: bool,
}

/// Page numbers to offer: the first, the last, and two either side of the
/// current one, with gaps where numbers are skipped.
fn page_numbers(current: usize, pages: usize) -> Vec<Option<usize>> {
    let shown = |n: usize| n == 1 || n == pages || n.abs_diff(current) <= 2;
    let mut out: Vec<Option<usize>> = Vec::new();
    for n in 1..=pages {
        // A gap of one number shows the number: "…" would take as much room.
        if shown(n) || (shown(n - 1) && shown(n + 1) && n > 1) {
            out.push(Some(n));
        } else if out.last().is_some_and(Option::is_some) {
            out.push(None);
        }
    }
    out
}

pub struct FacetOption {
    id: String,
    label: String,
    count: u64,
    checked: bool,
    child: bool,
}

pub struct Applied {
    label: String,
    remove_url: String,
}

pub struct SortOption {
    name: String,
    label: String,
    selected: bool,
}

fn facet_groups(site: &Site, filters: &Filters, results: &SearchResults) -> Vec<FacetGroup> {
    Facet::ALL
        .iter()
        .map(|&facet| {
            let counts = results.facets.get(&facet);
            let count_of = |id: &str| {
                counts
                    .and_then(|c| c.iter().find(|(i, _)| i == id))
                    .map_or(0, |(_, n)| *n)
            };
            let options: Vec<FacetOption> = match facet {
                Facet::Need => site
                    .taxonomy
                    .needs_in_order()
                    .into_iter()
                    .map(|(term, area)| (term, area.is_some()))
                    .collect::<Vec<_>>(),
                _ => site
                    .taxonomy
                    .terms(facet)
                    .into_iter()
                    .map(|t| (t, false))
                    .collect(),
            }
            .into_iter()
            .map(|(term, child)| FacetOption {
                id: term.id.to_string(),
                label: term.label.to_string(),
                count: count_of(term.id),
                checked: filters.is_selected(facet, term.id),
                child,
            })
            .filter(|o| o.count > 0 || o.checked)
            .collect();
            FacetGroup {
                name: facet.name().to_string(),
                title: facet.title().to_string(),
                open: !filters.get(facet).is_empty()
                    || matches!(facet, Facet::Need | Facet::Tier | Facet::Phase),
                selected: options.iter().filter(|o| o.checked).count(),
                options,
            }
        })
        .filter(|g| !g.options.is_empty())
        .collect()
}

/// Sent by the page's script while someone is still typing: such searches
/// are half-words, so they are not counted as "searched and not found".
pub const LIVE_HEADER: &str = "x-waymark-live";

pub async fn search(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let site = state.site();
    let typing = headers.contains_key(LIVE_HEADER);
    // A popular search is answered from memory before anything is parsed.
    let key = raw.as_deref().unwrap_or("");
    if let Some(hit) = state.answers.get(site.generation, Route::SearchPage, key) {
        if !typing {
            state.missing.record(&hit.q, hit.total, &site);
        }
        return html_response(hit.body);
    }
    let mut request = match parse_search(raw.as_deref(), &site.taxonomy) {
        Ok(r) => r,
        Err(e) => {
            return bad_request(
                &site,
                &format!(
                    "The filter {}={} cannot be used: {}.",
                    e.parameter, e.value, e.message
                ),
            );
        }
    };
    let results = match super::search_off_loop(&site, &request).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("search failed: {e}");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The search failed; please try again.",
            )
                .into_response();
        }
    };
    if !typing {
        state.missing.record(&request.q, results.total, &site);
    }
    // A page past the last was shown as the last.
    request.page = results.page;
    let added = match super::plan::added_note(raw.as_deref()) {
        Ok(added) => added,
        Err(message) => return bad_request(&site, &message),
    };
    let q = request.q.clone();
    let did_you_mean = results.did_you_mean.as_ref().map(|text| Suggestion {
        url: search_href(query_string(text, &request.filters, request.sort, 1)),
        text: text.clone(),
    });
    let cards = results
        .hits
        .iter()
        .filter_map(|hit| {
            site.pages
                .get(hit.ord)
                .map(|p| Card::new(p, &site).with_snippet(hit.snippet.clone()))
        })
        .collect();
    let applied = request
        .filters
        .iter()
        .map(|(facet, id)| Applied {
            label: format!("{}: {}", facet.title(), site.taxonomy.label(facet, id)),
            remove_url: search_href(query_string(
                &q,
                &request.filters.without(facet, id),
                request.sort,
                1,
            )),
        })
        .collect();
    let pages = results.total.div_ceil(request.per_page).max(1);
    let page_url = |n: usize| search_href(query_string(&q, &request.filters, request.sort, n));
    let first = (request.page - 1) * request.per_page + 1;
    let template = SearchTemplate {
        chrome: Chrome::new(
            &site,
            if q.is_empty() {
                "Search".to_string()
            } else {
                format!("{q}: search")
            },
        )
        .with_query(&q),
        total: results.total,
        groups: facet_groups(&site, &request.filters, &results),
        applied,
        sorts: Sort::ALL
            .iter()
            .map(|s| SortOption {
                name: s.name().to_string(),
                label: s.label().to_string(),
                selected: *s == request.sort,
            })
            .collect(),
        page_links: page_numbers(request.page, pages)
            .into_iter()
            .map(|n| match n {
                Some(number) => PageLink {
                    number,
                    url: Some(page_url(number)),
                    current: number == request.page,
                },
                None => PageLink {
                    number: 0,
                    url: None,
                    current: false,
                },
            })
            .collect(),
        pages,
        prev_url: (request.page > 1).then(|| page_url(request.page - 1)),
        next_url: (request.page < pages).then(|| page_url(request.page + 1)),
        first,
        last: (first + results.hits.len()).saturating_sub(1),
        results: cards,
        return_to: page_url(request.page),
        added,
        q,
        did_you_mean,
    };
    match template.render() {
        Ok(html) => {
            let body = axum::body::Bytes::from(html);
            state.answers.put(
                site.generation,
                Route::SearchPage,
                key,
                Answer::new(body.clone(), results.total, &request.q),
            );
            html_response(body)
        }
        Err(e) => {
            tracing::error!("rendering the search page failed: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn html_response(body: axum::body::Bytes) -> Response {
    (
        [(header::CONTENT_TYPE, Route::SearchPage.content_type())],
        body,
    )
        .into_response()
}

// ---------------------------------------------------------------- status

#[derive(Template, WebTemplate)]
#[template(path = "status.html")]
pub struct StatusTemplate {
    chrome: Chrome,
    pages: usize,
    by_kind: Vec<(String, usize)>,
    by_tier: Vec<(String, usize)>,
    stale: Vec<(String, String)>,
    errors: Vec<String>,
    warnings: Vec<String>,
    /// Why live reload is not keeping up (a refused settings file, a stuck
    /// reload, a missing content folder), from [`crate::watch::ReloadState`].
    reload_notices: Vec<String>,
    loaded_at: String,
    load_ms: String,
    reloads: u64,
    taxonomy_source: String,
    missing: Vec<(String, u64)>,
    min_shown: u64,
}

pub async fn status(State(state): State<AppState>) -> StatusTemplate {
    let site = state.site();
    StatusTemplate {
        chrome: Chrome::new(&site, "Content status"),
        pages: site.pages.len(),
        by_kind: site
            .taxonomy
            .kinds
            .iter()
            .map(|k| (k.label.clone(), count_pages(&site, |p| p.meta.kind == k.id)))
            .collect(),
        by_tier: site
            .taxonomy
            .tiers
            .iter()
            .map(|t| {
                (
                    t.label.clone(),
                    count_pages(&site, |p| p.meta.tier.as_deref() == Some(&t.id)),
                )
            })
            .collect(),
        stale: site
            .pages
            .iter()
            .filter(|p| p.stale)
            .map(|p| (p.url.clone(), p.meta.title.clone()))
            .collect(),
        errors: site.errors().map(|p| site.show(p)).collect(),
        warnings: site.warnings().map(|p| site.show(p)).collect(),
        reload_notices: state.reload.notices(),
        loaded_at: site.loaded_at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
        load_ms: format!("{:.0}", site.load_time.as_secs_f64() * 1000.0),
        reloads: state.metrics.reloads(),
        taxonomy_source: if site.taxonomy_from_folder {
            "taxonomy.yaml in the content folder".into()
        } else {
            "the built-in taxonomy (the content folder has no taxonomy.yaml)".into()
        },
        missing: state.missing.top(20),
        min_shown: super::missing::MIN_SHOWN,
    }
}

/// `/status` and `/metrics` on the public listener: the 404 page of any
/// unknown address, so nothing tells a visitor they exist elsewhere.
pub async fn staff_only(State(state): State<AppState>, uri: Uri) -> Response {
    not_found(&state.site(), uri.path())
}

// ---------------------------------------------------------------- theme and errors

/// `GET /site.css`: the authority's colour, from site.yaml, as a stylesheet
/// (the CSP forbids inline styles). Pages link to its fingerprinted name.
pub async fn theme_css(State(state): State<AppState>) -> Response {
    let css = state.site().config.theme.css.clone();
    assets::respond(css, "text/css; charset=utf-8", false)
}

/// `GET /theme/{file}`: the generated stylesheet or the logo by fingerprinted
/// name. A name from before a reload gets the current file, revalidated.
pub async fn theme_file(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let site = state.site();
    let theme = &site.config.theme;
    if file.starts_with("site.") && file.ends_with(".css") {
        return assets::respond(
            theme.css.clone(),
            "text/css; charset=utf-8",
            file == theme.css_name,
        );
    }
    if let Some(logo) = theme.logo.as_ref().filter(|_| file.starts_with("logo.")) {
        let mut response = assets::respond(
            axum::body::Bytes::copy_from_slice(&logo.bytes),
            logo.content_type,
            file == logo.name,
        );
        // An SVG opened on its own is a document: let it run nothing.
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ),
        );
        return response;
    }
    not_found(&site, &format!("/theme/{file}"))
}

#[derive(Template, WebTemplate)]
#[template(path = "not_found.html")]
pub struct NotFoundTemplate {
    chrome: Chrome,
    path: String,
}

pub fn not_found(site: &Site, path: &str) -> Response {
    let template = NotFoundTemplate {
        chrome: Chrome::new(site, "Page not found"),
        path: path.chars().take(200).collect(),
    };
    (StatusCode::NOT_FOUND, template).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "bad_request.html")]
pub struct BadRequestTemplate {
    chrome: Chrome,
    message: String,
}

pub fn bad_request(site: &Site, message: &str) -> Response {
    let template = BadRequestTemplate {
        chrome: Chrome::new(site, "There is a problem with this address"),
        message: message.to_string(),
    };
    (StatusCode::BAD_REQUEST, template).into_response()
}

#[cfg(test)]
mod tests {
    use super::page_numbers;

    #[test]
    fn pagination_keeps_the_ends_and_the_neighbours() {
        let show = |current, pages| {
            page_numbers(current, pages)
                .iter()
                .map(|n| n.map_or("…".to_string(), |n| n.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(show(1, 1), "1");
        assert_eq!(show(1, 5), "1 2 3 4 5");
        assert_eq!(show(1, 12), "1 2 3 … 12");
        assert_eq!(show(4, 12), "1 2 3 4 5 6 … 12");
        assert_eq!(show(6, 12), "1 … 4 5 6 7 8 … 12");
        assert_eq!(show(12, 12), "1 … 10 11 12");
    }
}
