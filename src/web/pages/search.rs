//! The search page: results, filters with counts, sorting and pagination.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::search::{Filters, SearchResults, Sort};
use crate::site::Site;
use crate::taxonomy::Facet;

use super::{bad_request, search_href};
use crate::search::{parse_search, query_string};
use crate::web::AppState;
use crate::web::cache::{Answer, AnswerKind};
use crate::web::views::{Card, Chrome};

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
    if let Some(hit) = state.answers.get(site.generation, AnswerKind::Html, key) {
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
    let results = match crate::web::search_off_loop(&site, &request).await {
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
    let added = match crate::web::plan::added_note(raw.as_deref()) {
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
                AnswerKind::Html,
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
        [(header::CONTENT_TYPE, AnswerKind::Html.content_type())],
        body,
    )
        .into_response()
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
