//! The JSON API: `/api/search`, `/api/pages/{slug}`, `/api/taxonomy`, in the
//! shapes INTERFACE.md gives.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::search::answer::search_json;
use crate::search::{ParamError, parse_search};

use super::AppState;
use super::cache::{Answer, AnswerKind};

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
