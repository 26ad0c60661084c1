//! The search page: results, filters with counts, sorting and pagination.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::Response;

use crate::search::{Filters, SearchRequest, SearchResults, Sort};
use crate::site::Site;

use super::search_href;
use crate::search::query_string;
use crate::web::cache::AnswerKind;
use crate::web::error::{AppError, SOMETHING_WENT_WRONG};
use crate::web::views::{Card, Chrome};
use crate::web::{AppState, answer};

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
    /// Set when the results match only part of the query.
    partial: Option<crate::search::Partial>,
    /// This search's own address, to come back to after adding to a plan.
    return_to: String,
    /// Pages just added to the plan, when the person came back from doing so.
    added: Option<usize>,
    /// The reader's "I work in" phase (id, label), ranked first.
    my_phase: Option<(String, String)>,
    /// Every phase (id, label), to choose one.
    phase_options: Vec<(String, String)>,
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
    site.taxonomy
        .facets
        .iter()
        .map(|facet| {
            let counts = results.facets.get(&facet);
            let count_of = |id: &str| {
                counts
                    .and_then(|c| c.iter().find(|(i, _)| i == id))
                    .map_or(0, |(_, n)| *n)
            };
            let options: Vec<FacetOption> = if facet.is_areas() {
                site.taxonomy
                    .needs_in_order()
                    .into_iter()
                    .map(|(term, area)| (term, area.is_some()))
                    .collect::<Vec<_>>()
            } else {
                site.taxonomy
                    .terms(facet)
                    .into_iter()
                    .map(|t| (t, false))
                    .collect()
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
                open: !filters.get(facet).is_empty() || facet.spec().open,
                selected: options.iter().filter(|o| o.checked).count(),
                options,
            }
        })
        .filter(|g| !g.options.is_empty())
        .collect()
}

/// `GET /search`: the page is made (and kept) by [`answer`].
pub async fn search(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    answer::search(&state, AnswerKind::Html, &headers, raw.as_deref()).await
}

/// The search page's HTML for a search made: its results, filters with
/// counts, sorting and pagination.
pub fn search_page(
    site: &Site,
    mut request: SearchRequest,
    results: &SearchResults,
    raw: Option<&str>,
) -> Result<Bytes, AppError> {
    // A page past the last was shown as the last.
    request.page = results.page;
    let added = crate::web::plan::added_note(raw)
        .map_err(|message| AppError::bad_request(site, &message))?;
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
                .map(|p| Card::new(p, site).with_snippet(hit.snippet.clone()))
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
            site,
            if q.is_empty() {
                "Search".to_string()
            } else {
                format!("{q}: search")
            },
        )
        .with_query(&q),
        total: results.total,
        groups: facet_groups(site, &request.filters, results),
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
        my_phase: request.prefer_phase.as_ref().map(|id| {
            (
                id.clone(),
                site.taxonomy
                    .label(crate::taxonomy::Facet::PHASE, id)
                    .to_string(),
            )
        }),
        phase_options: site
            .taxonomy
            .phases
            .iter()
            .map(|p| (p.id.clone(), p.label.clone()))
            .collect(),
        added,
        q,
        did_you_mean,
        partial: results.partial.clone(),
    };
    template.render().map(Bytes::from).map_err(|e| {
        tracing::error!("rendering the search page failed: {e}");
        AppError::Internal(SOMETHING_WENT_WRONG)
    })
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
