//! Refuses state-changing requests sent from another site: a page elsewhere
//! must not be able to post a form that replaces a visitor's plan.
//!
//! Browsers say where a request came from in `Sec-Fetch-Site` (all current
//! ones) and `Origin` (on every cross-origin POST). A request with neither
//! comes from a program, not from a page a visitor was tricked into
//! opening, and is let through.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// Middleware: answers 403 to a `POST` (or any method that changes
/// something) that a browser says came from another site.
pub async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !same_origin(request.headers(), &state) {
        return (
            StatusCode::FORBIDDEN,
            "This form was sent from another site, so it was refused. Open the portal itself and try again.\n",
        )
            .into_response();
    }
    next.run(request).await
}

/// Whether a request came from the portal's own pages, or from no page.
fn same_origin(headers: &HeaderMap, state: &AppState) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none`: typed or bookmarked; `same-site`: a sibling host of the
        // same registrable domain, which a council controls.
        return matches!(site.as_bytes(), b"same-origin" | b"same-site" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    // An older browser without Sec-Fetch-Site: the origin must be the
    // portal's own address, or the host the request was sent to.
    let site = state.site();
    let base = state.public_base(&site);
    if origin.eq_ignore_ascii_case(origin_of(&base)) {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    !host.is_empty()
        && origin.split_once("://").is_some_and(|(scheme, rest)| {
            matches!(scheme, "http" | "https") && rest.eq_ignore_ascii_case(host)
        })
}

/// `https://host:port` of an address, without its path.
fn origin_of(url: &str) -> &str {
    match url.find("://") {
        Some(i) => match url[i + 3..].find('/') {
            Some(j) => &url[..i + 3 + j],
            None => url,
        },
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn an_origin_is_scheme_and_host() {
        assert_eq!(
            origin_of("https://send.example.gov.uk/send"),
            "https://send.example.gov.uk"
        );
        assert_eq!(origin_of("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
    }
}
