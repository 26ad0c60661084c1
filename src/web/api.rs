//! The JSON API: `/api/search`, `/api/pages/{slug}`, `/api/taxonomy`, in the
//! shapes INTERFACE.md gives (the search answer's in
//! [`crate::search::answer`], errors' in [`super::error`]).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::cache::AnswerKind;
use super::error::AppError;
use super::{AppState, answer};

/// `GET /api/search`: the answer is made (and kept) by [`answer`].
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    answer::search(&state, AnswerKind::Json, &headers, raw.as_deref()).await
}

/// `GET /api/pages/{slug}`: every front matter field, `slug`, `url` and `html`.
pub async fn page(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let site = state.site();
    // The answer carries the page rendered (up to 1 MiB of Markdown).
    super::off_loop(move || match site.page(slug.trim_matches('/')) {
        Some(page) => Json(page).into_response(),
        None => AppError::api(
            StatusCode::NOT_FOUND,
            format!("no page at {}", crate::routes::page(&slug)),
        )
        .into_response(),
    })
    .await
}

/// `GET /api/taxonomy`: every id with its label (as relabelled by site.yaml).
pub async fn taxonomy(State(state): State<AppState>) -> Response {
    Json(&state.site().taxonomy).into_response()
}

/// `GET /api/plan.schema.json`: the shape of a saved or posted plan, made
/// once from the plan's own types.
pub async fn plan_schema() -> Response {
    static SCHEMA: std::sync::LazyLock<serde_json::Value> =
        std::sync::LazyLock::new(crate::plan::export::json::schema);
    (
        [(axum::http::header::CONTENT_TYPE, "application/schema+json")],
        Json(&*SCHEMA),
    )
        .into_response()
}
