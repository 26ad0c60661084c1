//! The 404 and 400 pages every handler falls back on.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::site::Site;

use crate::web::views::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "not_found.html")]
pub struct NotFoundTemplate {
    chrome: Chrome,
    path: String,
}

pub fn not_found(site: &Site, path: &str) -> Response {
    let template = NotFoundTemplate {
        chrome: Chrome::new(site, "Page not found"),
        path: path.chars().take(200).collect(),
    };
    (StatusCode::NOT_FOUND, template).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "bad_request.html")]
pub struct BadRequestTemplate {
    chrome: Chrome,
    message: String,
}

pub fn bad_request(site: &Site, message: &str) -> Response {
    let template = BadRequestTemplate {
        chrome: Chrome::new(site, "There is a problem with this address"),
        message: message.to_string(),
    };
    (StatusCode::BAD_REQUEST, template).into_response()
}
