//! Listings: an area, need, tier or ingredient with its pages by tier,
//! narrowed by a phase filter.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};

use crate::routes;
use crate::site::Site;
use crate::taxonomy::Facet;

use super::{bad_request, count_pages, not_found, pages_for_need};
use crate::search::parse_search;
use crate::web::AppState;
use crate::web::views::{Card, Chrome, Crumb, Group, TermView, crumbs, group_by_tier};

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
    /// A tier's listing links every area's descriptors of need, which say
    /// what needs look like at each level.
    descriptors: Vec<Card>,
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
    /// On a tier's listing, `tier_note` from site.yaml: where the tiers'
    /// labels come from.
    tier_note: Option<String>,
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

/// The phases ticked in a listing's query string; an unknown id is a 400.
fn listing_phases(site: &Site, raw: Option<&str>) -> Result<Vec<String>, String> {
    parse_search(raw, &site.taxonomy)
        .map(|request| request.filters.get(Facet::PHASE).to_vec())
        .map_err(|e| {
            format!(
                "The filter {}={} cannot be used: {}.",
                e.parameter, e.value, e.message
            )
        })
}

/// A listing's address: its facet's route with the id.
fn listing_path(facet: Facet, id: &str) -> String {
    let route = facet.spec().route.expect("a listed facet has a route");
    routes::with_id(route, id)
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
    let (guidance, rest): (Vec<_>, Vec<_>) = pages
        .into_iter()
        .partition(|p| p.is_kind("guidance") && facet.values(&p.meta).contains(&id));
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
                    routes::search(&format!(
                        "{}={}&pfa={}{phase_query}",
                        facet.name(),
                        id,
                        o.id
                    )),
                )
            })
        })
        .collect();
    let phase_labels: Vec<String> = phases
        .iter()
        .map(|p| site.taxonomy.label(Facet::PHASE, p).to_string())
        .collect();
    ListingTemplate {
        chrome: Chrome::new(site, term.label),
        crumbs,
        heading: term.label.to_string(),
        description: term.description.to_string(),
        guidance: guidance.iter().map(|p| Card::new(p, site)).collect(),
        descriptors: if facet == Facet::TIER {
            descriptors(site)
        } else {
            Vec::new()
        },
        children,
        total: rest.len(),
        groups: group_by_tier(rest, site),
        pfa,
        search_url: routes::search(&format!("{}={}{phase_query}", facet.name(), id)),
        path: listing_path(facet, id),
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
        tier_note: if facet == Facet::TIER {
            site.config.tier_note.clone()
        } else {
            None
        },
    }
}

/// Every area's descriptors of need, in the taxonomy's order of areas.
fn descriptors(site: &Site) -> Vec<Card> {
    let area_index = |p: &crate::content::Page| {
        p.meta
            .needs
            .first()
            .and_then(|n| site.taxonomy.areas.iter().position(|a| &a.id == n))
            .unwrap_or(usize::MAX)
    };
    let mut pages: Vec<&crate::content::Page> = site
        .pages
        .iter()
        .map(|p| &**p)
        .filter(|p| p.is_descriptors())
        .collect();
    pages.sort_by_key(|p| (area_index(p), p.slug.clone()));
    pages.into_iter().map(|p| Card::new(p, site)).collect()
}

/// `GET /needs/{id}`. Listings read every page, so they are made off the
/// event loop.
pub async fn need(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let site = state.site();
    crate::web::off_loop(move || need_listing(&site, &id, raw.as_deref())).await
}

fn need_listing(site: &Site, id: &str, raw: Option<&str>) -> Response {
    let id = id.to_string();
    if site.taxonomy.check(Facet::NEED, &id).is_err() {
        return not_found(site, &routes::need(&id));
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
                        routes::need(&n.id),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut trail = vec![Crumb {
        url: routes::home(),
        label: "Home".to_string(),
    }];
    if let Some(area) = site.taxonomy.area_of(&id).filter(|a| a.id != id) {
        trail.push(Crumb {
            url: routes::need(&area.id),
            label: area.label.clone(),
        });
    }
    let input = ListingInput {
        facet: Facet::NEED,
        id: &id,
        crumbs: trail,
        pages: pages_for_need(site, &id).collect(),
        children,
    };
    listing(site, input, &phases).into_response()
}

/// A tier or an ingredient: every page filed under it, by tier, narrowed
/// by the phase filter.
fn term_listing(
    site: &Site,
    facet: Facet,
    id: &str,
    raw: Option<&str>,
    crumb: (&str, &str),
) -> Response {
    if site.taxonomy.check(facet, id).is_err() {
        return not_found(site, &listing_path(facet, id));
    }
    let phases = match listing_phases(site, raw) {
        Ok(p) => p,
        Err(message) => return bad_request(site, &message),
    };
    let input = ListingInput {
        facet,
        id,
        crumbs: crumbs(&[(&routes::home(), "Home"), crumb]),
        pages: site
            .pages
            .iter()
            .map(|p| &**p)
            .filter(|p| facet.values(&p.meta).contains(&id))
            .collect(),
        children: Vec::new(),
    };
    listing(site, input, &phases).into_response()
}

/// `GET /tiers/{id}`.
pub async fn tier(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    term_page(state, Facet::TIER, id, raw, ("tiers", "Levels of support")).await
}

/// `GET /ingredients/{id}`.
pub async fn ingredient(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    term_page(
        state,
        Facet::INGREDIENT,
        id,
        raw,
        ("ingredients", "Key ingredients"),
    )
    .await
}

/// A tier's or an ingredient's listing, made off the event loop; `section`
/// is the home page's section that lists its terms, and that section's name.
async fn term_page(
    state: AppState,
    facet: Facet,
    id: String,
    raw: Option<String>,
    section: (&'static str, &'static str),
) -> Response {
    let site = state.site();
    crate::web::off_loop(move || {
        let (anchor, label) = section;
        term_listing(
            &site,
            facet,
            &id,
            raw.as_deref(),
            (&routes::home_section(anchor), label),
        )
    })
    .await
}
