//! Why a handler could not answer as asked, and how each case is answered:
//! the 404 and 400 pages for readers, a JSON error body for `/api`, and a
//! plain 500 whose cause was logged where it happened.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::search::ParamError;
use crate::site::Site;

use super::pages::{BadRequestTemplate, NotFoundTemplate};

/// A JSON error body: `{"error": "...", "parameter": "need", "value": "autsim"}`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ApiError {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A handler failure. The HTML pages are made where the snapshot is at
/// hand, so answering one needs nothing more.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No page or listing at the address: the 404 page.
    #[error("no page at this address")]
    NotFound(Box<NotFoundTemplate>),
    /// The address asks for something that cannot be done: the 400 page.
    #[error("this address cannot be used")]
    BadRequest(Box<BadRequestTemplate>),
    /// An `/api` request that cannot be answered: its status and JSON body.
    #[error("{status}: {}", body.error)]
    Api { status: StatusCode, body: ApiError },
    /// Something went wrong that the person asking can only retry: a 500
    /// with this text.
    #[error("{0}")]
    Internal(&'static str),
    /// Named work that failed on the server's side (an export, a search):
    /// a 500 saying "The {what} failed; please try again.". The cause was
    /// logged by [`AppError::failed`].
    #[error("the {0} failed")]
    Failed(&'static str),
}

impl AppError {
    /// `what` failed for `cause`: logs the cause, which the person asking
    /// never sees, and answers that `what` failed.
    pub fn failed(what: &'static str, cause: impl std::fmt::Display) -> Self {
        tracing::error!("{what} failed: {cause}");
        AppError::Failed(what)
    }

    /// The 404 page for `path` (cut to 200 characters).
    pub fn not_found(site: &Site, path: &str) -> Self {
        AppError::NotFound(Box::new(NotFoundTemplate::new(site, path)))
    }

    /// The 400 page saying what is wrong with the address.
    pub fn bad_request(site: &Site, message: &str) -> Self {
        AppError::BadRequest(Box::new(BadRequestTemplate::new(site, message)))
    }

    /// The 400 page for a search parameter that cannot be used.
    pub fn bad_parameter(site: &Site, e: &ParamError) -> Self {
        AppError::bad_request(
            site,
            &format!(
                "The filter {}={} cannot be used: {}.",
                e.parameter, e.value, e.message
            ),
        )
    }

    /// A JSON error with a message and no parameter.
    pub fn api(status: StatusCode, message: impl Into<String>) -> Self {
        AppError::Api {
            status,
            body: ApiError {
                error: message.into(),
                parameter: None,
                value: None,
            },
        }
    }

    /// A JSON 400 naming the parameter that cannot be used.
    pub fn api_parameter(e: ParamError) -> Self {
        AppError::Api {
            status: StatusCode::BAD_REQUEST,
            body: ApiError {
                error: e.message,
                parameter: Some(e.parameter),
                value: Some(e.value),
            },
        }
    }
}

/// The text of a 500 when nothing more useful can be said.
pub const SOMETHING_WENT_WRONG: &str = "Something went wrong; please try again.";

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound(page) => (StatusCode::NOT_FOUND, *page).into_response(),
            AppError::BadRequest(page) => (StatusCode::BAD_REQUEST, *page).into_response(),
            AppError::Api { status, body } => (status, Json(body)).into_response(),
            AppError::Internal(message) => {
                (StatusCode::INTERNAL_SERVER_ERROR, message).into_response()
            }
            AppError::Failed(what) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("The {what} failed; please try again."),
            )
                .into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn each_failure_gets_its_status_and_body() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        let site = Site::load(&crate::content::LoadOptions::new(dir)).unwrap();
        let page = AppError::not_found(&site, "/nowhere").into_response();
        assert_eq!(page.status(), StatusCode::NOT_FOUND);
        assert!(body(page).await.contains("/nowhere"));

        let wrong = ParamError {
            parameter: "need".into(),
            value: "autsim".into(),
            message: "unknown need".into(),
        };
        let page = AppError::bad_parameter(&site, &wrong).into_response();
        assert_eq!(page.status(), StatusCode::BAD_REQUEST);
        assert!(
            body(page)
                .await
                .contains("The filter need=autsim cannot be used: unknown need.")
        );

        let json = AppError::api_parameter(wrong).into_response();
        assert_eq!(json.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            body(json).await,
            r#"{"error":"unknown need","parameter":"need","value":"autsim"}"#
        );
        let json = AppError::api(StatusCode::NOT_FOUND, "no page at /x").into_response();
        assert_eq!(json.status(), StatusCode::NOT_FOUND);
        assert_eq!(body(json).await, r#"{"error":"no page at /x"}"#);

        let failed = AppError::Internal(SOMETHING_WENT_WRONG).into_response();
        assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body(failed).await, SOMETHING_WENT_WRONG);

        let failed = AppError::failed("export", "zip: disk full").into_response();
        assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            failed.headers()[axum::http::header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        assert_eq!(body(failed).await, "The export failed; please try again.");
    }
}
