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
    /// Words from the address, to start a search with.
    words: String,
}

impl NotFoundTemplate {
    pub fn new(site: &Site, path: &str) -> Self {
        NotFoundTemplate {
            chrome: Chrome::new(site, "Page not found"),
            path: path.chars().take(200).collect(),
            words: words_of(path),
        }
    }
}

/// The last part of an address as words ("/strategies/ear-defenders" gives
/// "ear defenders"), so a page that is missing, or not ready because its
/// file has a problem, still leads a reader to what they came for.
fn words_of(path: &str) -> String {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    last.split(['-', '_', '.', '+'])
        .filter(|w| !w.is_empty() && w.chars().all(char::is_alphanumeric))
        .take(8)
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(80)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::words_of;

    #[test]
    fn an_address_gives_words_to_search_for() {
        assert_eq!(words_of("/strategies/ear-defenders"), "ear defenders");
        assert_eq!(words_of("/resources/new_page.md/"), "new page md");
        assert_eq!(words_of("/"), "");
        assert_eq!(words_of("/x/%3Cscript%3E"), "");
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
