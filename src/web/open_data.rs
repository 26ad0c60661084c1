//! The open data routes: `/api/taxonomy.jsonld`, `/api/openapi.json` and
//! `/download/content.zip` (made in [`crate::open_data`]).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::AppError;
use crate::open_data::{bundle, jsonld};
use crate::routes::Route;

/// `GET /api/taxonomy.jsonld`: the taxonomy as a schema.org `DefinedTermSet`.
pub async fn taxonomy(State(state): State<AppState>) -> Response {
    let site = state.site();
    let set = jsonld::taxonomy(&site, Route::ApiTaxonomyJsonLd.path());
    match serde_json::to_vec(&set) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/ld+json")], body).into_response(),
        Err(_) => AppError::Internal(super::error::SOMETHING_WENT_WRONG).into_response(),
    }
}

/// `GET /api/openapi.json`: the JSON API described in OpenAPI 3.1, made
/// once from the answers' own types.
pub async fn openapi() -> Response {
    static SPEC: std::sync::LazyLock<serde_json::Value> =
        std::sync::LazyLock::new(crate::open_data::openapi::spec);
    axum::Json(&*SPEC).into_response()
}

/// The content download of one snapshot generation: made on the first
/// request after a reload, then kept until the next.
#[derive(Default)]
pub struct BundleCache {
    kept: tokio::sync::Mutex<Option<(u64, Bytes)>>,
}

/// `GET /download/content.zip`: the content folder as served.
pub async fn content_zip(State(state): State<AppState>) -> Response {
    let site = state.site();
    // Held while the zip is made, so requests that arrive meanwhile wait
    // for it rather than each making their own.
    let mut kept = state.bundle.kept.lock().await;
    let bytes = match kept.as_ref() {
        Some((generation, bytes)) if *generation == site.generation => bytes.clone(),
        _ => {
            let generation = site.generation;
            let made = tokio::task::spawn_blocking(move || bundle::build(&site)).await;
            match made {
                Ok(Ok(bytes)) => {
                    let bytes = Bytes::from(bytes);
                    *kept = Some((generation, bytes.clone()));
                    bytes
                }
                Ok(Err(bundle::BundleError::TooLarge)) => {
                    return AppError::api(
                        StatusCode::SERVICE_UNAVAILABLE,
                        bundle::BundleError::TooLarge.to_string(),
                    )
                    .into_response();
                }
                Ok(Err(e)) => {
                    tracing::error!("the content download could not be made: {e}");
                    return AppError::Internal(super::error::SOMETHING_WENT_WRONG).into_response();
                }
                Err(e) => {
                    tracing::error!("making the content download stopped: {e}");
                    return AppError::Internal(super::error::SOMETHING_WENT_WRONG).into_response();
                }
            }
        }
    };
    drop(kept);
    (
        [
            (header::CONTENT_TYPE, "application/zip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"content.zip\"",
            ),
        ],
        bytes,
    )
        .into_response()
}
