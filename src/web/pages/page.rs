//! One content page, and the fallback that finds a page by its slug.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use crate::content::provision::ProvisionFacts;
use crate::content::validate::REVIEW_AFTER_DAYS;
use crate::content::{Link, SourceType};
use crate::routes;
use crate::site::Site;
use crate::taxonomy::Facet;

use super::{bad_request, not_found};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::views::{Card, Chrome, Crumb, Fact, fact};

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
    more_facts: Vec<Fact>,
    evidence: Option<EvidenceView>,
    provision: Vec<(String, String)>,
    links: Vec<Link>,
    related: Vec<Card>,
    /// ISO date, for the `<time>` element.
    updated: String,
    /// The same date in words: "23 November 2026".
    updated_text: String,
    /// The body's own `h2` sections, for the contents list.
    contents: Vec<(String, String)>,
    review_overdue: bool,
    url: String,
    slug: String,
    added: Option<usize>,
    stale: bool,
    /// A training page's "Use this session": the staff session made of it
    /// and the pages it links to.
    session_url: Option<String>,
    /// The page as schema.org JSON-LD, already safe inside `<script>`.
    jsonld: String,
}

/// The staff session a training page runs: the page, then each page of the
/// portal its text links to, in the order linked (at most a plan's worth).
fn session_link(site: &Site, page: &crate::content::Page) -> String {
    let mut items = vec![page.slug.clone()];
    for link in &page.internal_links {
        let path = link.target.split('#').next().unwrap_or("");
        let slug = path.trim_matches('/');
        if items.len() < crate::plan::MAX_ITEMS
            && !slug.is_empty()
            && site.page(slug).is_some()
            && !items.iter().any(|s| s == slug)
        {
            items.push(slug.to_string());
        }
    }
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("items", &items.join(","));
    query.append_pair("view", "session");
    routes::plan(&query.finish())
}

pub struct EvidenceView {
    label: String,
    description: String,
    /// Sources of evidence, each with what kind of publication it is.
    sources: Vec<SourceView>,
    /// Statutory sources, shown apart: they say what must be done, not
    /// what works.
    law: Vec<Link>,
}

pub struct SourceView {
    title: String,
    url: String,
    kind: &'static str,
}

fn page_view(site: &Site, page: &crate::content::Page) -> PageTemplate {
    let t = &site.taxonomy;
    let m = &page.meta;
    let mut crumb_list = vec![Crumb {
        url: routes::home(),
        label: "Home".into(),
    }];
    if let Some(first) = m.needs.first() {
        if let Some(area) = t.area_of(first) {
            crumb_list.push(Crumb {
                url: routes::need(&area.id),
                label: area.label.clone(),
            });
            if area.id != *first {
                crumb_list.push(Crumb {
                    url: routes::need(first),
                    label: t.label(Facet::NEED, first).to_string(),
                });
            }
        }
    }
    let tier = m.tier.clone().into_iter().collect::<Vec<_>>();
    let all_phases = m.phases.len() == t.phases.len();
    let facts = [
        fact(site, "Needs", Facet::NEED, &m.needs, Some(routes::need)),
        fact(
            site,
            "Level of support",
            Facet::TIER,
            &tier,
            Some(routes::tier),
        ),
        if all_phases {
            Some(Fact {
                label: "Age phases".into(),
                values: vec![crate::web::views::FactValue {
                    text: "All phases".into(),
                    url: None,
                }],
            })
        } else {
            fact(site, "Age phases", Facet::PHASE, &m.phases, None)
        },
    ]
    .into_iter()
    .flatten()
    .collect();
    // Where the page sits in the authority's frameworks: after the body, so
    // the facts a teacher needs first stay short at the top.
    let more_facts = [
        fact(
            site,
            "Key ingredients",
            Facet::INGREDIENT,
            &m.ingredients,
            Some(routes::ingredient),
        ),
        fact(
            site,
            "Preparation for adulthood",
            Facet::PFA,
            &m.pfa,
            Some(|id| routes::search_for("pfa", id)),
        ),
        fact(
            site,
            "Assess, plan, do, review",
            Facet::CYCLE,
            &m.cycle,
            Some(|id| routes::search_for("cycle", id)),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let evidence = m.evidence.as_ref().map(|e| {
        let term = t.term(Facet::EVIDENCE, &e.strength);
        EvidenceView {
            label: term.map_or(e.strength.clone(), |t| t.label.to_string()),
            description: term.map_or(String::new(), |t| t.description.to_string()),
            sources: e
                .evidence_sources()
                .map(|s| SourceView {
                    title: s.title.clone(),
                    url: s.url.clone(),
                    kind: match s.kind {
                        SourceType::Research => "research",
                        SourceType::GuidanceReport => "guidance report",
                        SourceType::Professional => "professional body",
                        SourceType::Statutory => "statutory",
                    },
                })
                .collect(),
            law: e
                .law()
                .map(|s| Link {
                    title: s.title.clone(),
                    url: s.url.clone(),
                })
                .collect(),
        }
    });
    let provision = m
        .provision
        .as_ref()
        .map(|p| provision_rows(p.facts(t)))
        .unwrap_or_default();
    let age_days = (crate::clock::today() - m.updated).get_days();
    PageTemplate {
        chrome: Chrome::new(site, m.title.clone()),
        crumbs: crumb_list,
        title: m.title.clone(),
        summary: m.summary.clone(),
        kind: t.label(Facet::KIND, &m.kind).to_string(),
        html: page.html(),
        facts,
        more_facts,
        evidence,
        provision,
        links: m.links.clone(),
        related: page
            .related(&site.pages)
            .into_iter()
            .map(|p| Card::new(p, site))
            .collect(),
        updated: m.updated.to_string(),
        updated_text: long_date(m.updated),
        contents: page
            .headings
            .iter()
            .filter(|h| h.level == 2)
            .map(|h| (h.id.clone(), h.text.clone()))
            .collect(),
        review_overdue: age_days > REVIEW_AFTER_DAYS,
        url: page.url.clone(),
        slug: page.slug.clone(),
        session_url: page.is_kind("training").then(|| session_link(site, page)),
        jsonld: crate::open_data::jsonld::script_text(&crate::open_data::jsonld::page(site, page)),
        added: None,
        // Editors' notice: the caller sets it on the staff listener only.
        stale: false,
    }
}

/// A date as readers write it, "23 November 2026". The API and feeds keep ISO.
pub fn long_date(date: jiff::civil::Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// A provision block's facts in words, as the page's summary rows.
fn provision_rows(f: ProvisionFacts) -> Vec<(String, String)> {
    use crate::plan::number;
    vec![
        ("How often".to_string(), f.frequency()),
        ("Minutes a session".to_string(), number(f.session_minutes)),
        ("Weeks".to_string(), number(f.weeks)),
        (
            "Group size".to_string(),
            if f.is_individual() {
                "1 (individual)".to_string()
            } else {
                format!("{} pupils", f.group_size)
            },
        ),
        ("Delivered by".to_string(), f.delivered_by),
        (
            "Staff time a week".to_string(),
            format!("{} hours", number(f.staff_hours_per_week)),
        ),
    ]
}

/// Any path that is not a portal route: a page by slug, or a helpful 404.
pub async fn page_or_not_found(State(state): State<AppState>, uri: Uri) -> Response {
    let site = state.site();
    let path = uri.path();
    if routes::is_api(path) {
        return AppError::api(StatusCode::NOT_FOUND, format!("no API route at {path}"))
            .into_response();
    }
    let slug = path.trim_start_matches('/');
    if let Some(page) = site.page(slug) {
        let added = match crate::web::plan::added_note(uri.query()) {
            Ok(added) => added,
            Err(message) => return bad_request(&site, &message),
        };
        let slug = page.slug.clone();
        let site = std::sync::Arc::clone(&site);
        let staff = state.is_staff();
        // A page's Markdown (up to 1 MiB) is rendered on every view: off the
        // event loop, so a large page never holds up other requests.
        return crate::web::off_loop(move || match site.page(&slug) {
            Some(page) => {
                let mut view = page_view(&site, page);
                view.added = added;
                // "A newer version has a problem" is for editors, not readers.
                view.stale = page.stale && staff;
                view.into_response()
            }
            None => not_found(&site, &routes::page(&slug)),
        })
        .await;
    }
    // `/strategies/x/` is `/strategies/x`.
    let trimmed = slug.trim_end_matches('/');
    if trimmed != slug && site.page(trimmed).is_some() {
        return Redirect::permanent(&routes::page(trimmed)).into_response();
    }
    not_found(&site, path)
}

#[cfg(test)]
mod tests {
    use super::long_date;

    #[test]
    fn dates_read_as_words() {
        assert_eq!(
            long_date(jiff::civil::date(2026, 11, 23)),
            "23 November 2026"
        );
        assert_eq!(long_date(jiff::civil::date(2027, 1, 5)), "5 January 2027");
    }
}
