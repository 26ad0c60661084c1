//! The JSON API: `/api/search`, `/api/pages/{slug}`, `/api/taxonomy`, in the
//! shapes INTERFACE.md gives.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::content::Page;
use crate::search::SearchResults;
use crate::taxonomy::Facet;

use super::AppState;
use super::cache::{Answer, AnswerKind};
use super::params::{ParamError, parse_search};

/// One result of `/api/search`.
#[derive(Debug, Serialize)]
pub struct ApiHit<'a> {
    pub slug: &'a str,
    pub url: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub kind: &'a str,
    pub needs: &'a [String],
    pub tier: Option<&'a str>,
    pub ingredients: &'a [String],
    pub phases: &'a [String],
    pub pfa: &'a [String],
    pub cycle: &'a [String],
    pub evidence: Option<&'a str>,
    pub updated: String,
    pub snippet: &'a str,
    pub score: f32,
}

/// The body of `/api/search`.
#[derive(Debug, Serialize)]
pub struct ApiSearch<'a> {
    pub query: &'a str,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub results: Vec<ApiHit<'a>>,
    pub facets: BTreeMap<&'static str, BTreeMap<&'a str, u64>>,
    /// The query with misspelt words corrected, when any were (the results
    /// already include pages found through the corrections); otherwise null.
    pub did_you_mean: Option<&'a str>,
}

/// Shapes search results as the contract's JSON.
pub fn search_json<'a>(
    query: &'a str,
    page: usize,
    per_page: usize,
    results: &'a SearchResults,
    pages: &'a [std::sync::Arc<Page>],
) -> ApiSearch<'a> {
    let hits = results
        .hits
        .iter()
        .filter_map(|hit| {
            let p = pages.get(hit.ord)?;
            let m = &p.meta;
            Some(ApiHit {
                slug: &p.slug,
                url: &p.url,
                title: &m.title,
                summary: &m.summary,
                kind: &m.kind,
                needs: &m.needs,
                tier: m.tier.as_deref(),
                ingredients: &m.ingredients,
                phases: &m.phases,
                pfa: &m.pfa,
                cycle: &m.cycle,
                evidence: m.evidence.as_ref().map(|e| e.strength.as_str()),
                updated: m.updated.to_string(),
                snippet: &hit.snippet,
                score: hit.score,
            })
        })
        .collect();
    let facets = Facet::ALL
        .iter()
        .map(|f| {
            let counts = results
                .facets
                .get(f)
                .map(|c| c.iter().map(|(id, n)| (id.as_str(), *n)).collect())
                .unwrap_or_default();
            (f.name(), counts)
        })
        .collect();
    ApiSearch {
        query,
        total: results.total,
        page,
        per_page,
        results: hits,
        facets,
        did_you_mean: results.did_you_mean.as_deref(),
    }
}

/// A JSON error body: `{"error": "...", "parameter": "need", "value": "autsim"}`.
#[derive(Debug, Serialize)]
pub struct ApiError {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(ApiError {
            error: message.into(),
            parameter: None,
            value: None,
        }),
    )
        .into_response()
}

fn param_error(e: ParamError) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(ApiError {
            error: e.message,
            parameter: Some(e.parameter),
            value: Some(e.value),
        }),
    )
        .into_response()
}

/// `GET /api/search`.
pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let site = state.site();
    // A popular search is answered from memory before anything is parsed.
    let key = raw.as_deref().unwrap_or("");
    if let Some(hit) = state.answers.get(site.generation, AnswerKind::Json, key) {
        state.missing.record(&hit.q, hit.total, &site);
        return json_response(hit.body);
    }
    let request = match parse_search(raw.as_deref(), &site.taxonomy) {
        Ok(r) => r,
        Err(e) => return param_error(e),
    };
    match super::search_off_loop(&site, &request).await {
        Ok(results) => {
            state.missing.record(&request.q, results.total, &site);
            let json = search_json(
                &request.q,
                results.page,
                request.per_page,
                &results,
                &site.pages,
            );
            match serde_json::to_vec(&json) {
                Ok(bytes) => {
                    let body = axum::body::Bytes::from(bytes);
                    state.answers.put(
                        site.generation,
                        AnswerKind::Json,
                        key,
                        Answer::new(body.clone(), results.total, &request.q),
                    );
                    json_response(body)
                }
                Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
            }
        }
        Err(e) => {
            tracing::error!("search failed: {e}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the search failed; please try again",
            )
        }
    }
}

fn json_response(body: axum::body::Bytes) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            AnswerKind::Json.content_type(),
        )],
        body,
    )
        .into_response()
}

/// `GET /api/pages/{slug}`: every front matter field, `slug`, `url` and `html`.
pub async fn page(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let site = state.site();
    // The answer carries the page rendered (up to 1 MiB of Markdown).
    super::off_loop(move || match site.page(slug.trim_matches('/')) {
        Some(page) => Json(page).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no page at /{slug}")),
    })
    .await
}

/// `GET /api/taxonomy`: every id with its label (as relabelled by site.yaml).
pub async fn taxonomy(State(state): State<AppState>) -> Response {
    Json(&state.site().taxonomy).into_response()
}
