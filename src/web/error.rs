//! What a handler answers when its work fails on the server's side: the
//! detail goes to the log, the person is told only what failed.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A handler's failure, answered by [`IntoResponse`].
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Work that failed on the server's side: `what` names it for the
    /// person ("export" answers "The export failed; please try again.")
    /// and the log; `detail` goes to the log only.
    #[error("{what} failed: {detail}")]
    Internal { what: &'static str, detail: String },
}

impl AppError {
    pub fn internal(what: &'static str, detail: impl std::fmt::Display) -> AppError {
        AppError::Internal {
            what,
            detail: detail.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        tracing::error!("{self}");
        match self {
            AppError::Internal { what, .. } => (
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

    #[tokio::test]
    async fn an_internal_failure_names_what_failed_and_keeps_the_detail_back() {
        let response = AppError::internal("export", "zip: disk full").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers()[axum::http::header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        assert_eq!(&body[..], b"The export failed; please try again.");
    }
}
