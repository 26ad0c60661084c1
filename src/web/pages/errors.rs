//! The 404 and 400 pages every handler falls back on, answered through
//! [`AppError`](crate::web::error::AppError).

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};

use crate::site::Site;

use crate::web::error::AppError;
use crate::web::views::Chrome;

#[derive(Debug, Template, WebTemplate)]
#[template(path = "not_found.html")]
pub struct NotFoundTemplate {
    chrome: Chrome,
    path: String,
}

impl NotFoundTemplate {
    pub fn new(site: &Site, path: &str) -> Self {
        NotFoundTemplate {
            chrome: Chrome::new(site, "Page not found"),
            path: path.chars().take(200).collect(),
        }
    }
}

/// The 404 page, for handlers that answer a `Response`.
pub fn not_found(site: &Site, path: &str) -> Response {
    AppError::not_found(site, path).into_response()
}

#[derive(Debug, Template, WebTemplate)]
#[template(path = "bad_request.html")]
pub struct BadRequestTemplate {
    chrome: Chrome,
    message: String,
}

impl BadRequestTemplate {
    pub fn new(site: &Site, message: &str) -> Self {
        BadRequestTemplate {
            chrome: Chrome::new(site, "There is a problem with this address"),
            message: message.to_string(),
        }
    }
}

/// The 400 page, for handlers that answer a `Response`.
pub fn bad_request(site: &Site, message: &str) -> Response {
    AppError::bad_request(site, message).into_response()
}
