//! A posted body, read once for plans and strategies alike: its media type,
//! and its bytes up to a bound. What is read is never logged.

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, header};

/// Why a posted body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than the bound: a 413.
    TooLarge,
    /// The connection ended or failed first: a 400.
    CutOff,
}

/// The media type of the request's `Content-Type`, lower case, without its
/// parameters (`multipart/form-data; boundary=x` gives `multipart/form-data`);
/// empty when there is none.
pub fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// The whole body, at most `max` bytes.
pub async fn bytes(request: Request, max: usize) -> Result<Bytes, BodyError> {
    axum::body::to_bytes(request.into_body(), max)
        .await
        .map_err(|e| {
            // axum says a body past its limit in the error's text only.
            if e.to_string().contains("length limit") {
                BodyError::TooLarge
            } else {
                BodyError::CutOff
            }
        })
}
