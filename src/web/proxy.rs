//! Running behind a reverse proxy: serving under a base path (`/send`, say)
//! and sending HSTS when the request reached the proxy over HTTPS.
//!
//! Handlers and templates write addresses from the portal's root (`/search`).
//! Under a base path the router is nested there, and this middleware adds the
//! prefix to the addresses in HTML attributes and redirects on the way out,
//! so nothing else needs to know.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// HSTS for a year, on answers to requests that arrived over HTTPS.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Attributes whose root-relative addresses get the base path.
const ATTRIBUTES: [&str; 5] = ["href", "src", "action", "data-copy", "formaction"];

/// The largest HTML body rewritten; pages are far smaller.
const MAX_REWRITE_BYTES: usize = 16 * 1024 * 1024;

/// Checks a base path from the command line: `/send` or `/send/portal`.
pub fn parse_base_path(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let ok = trimmed.starts_with('/')
        && !trimmed.contains("//")
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && !trimmed.split('/').any(|s| s == ".." || s == ".");
    if ok {
        Ok(trimmed.to_string())
    } else {
        Err(format!(
            "base path \"{raw}\" must look like /send or /send/portal: a leading slash, then letters, digits, '-', '_' or '.'"
        ))
    }
}

/// True when the proxy says the request came over HTTPS.
pub fn forwarded_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// Whether an answer gets HSTS: the proxy says the request came over HTTPS,
/// or the site's `base_url` is https.
pub fn hsts_applies(site: &crate::site::Site, headers: &HeaderMap) -> bool {
    forwarded_https(headers)
        || site
            .config
            .base_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
}

/// Sets [`HSTS`] on an answer: this module's middleware does it for every
/// answer [`hsts_applies`] to, and the fast path for a kept one.
pub fn add_hsts(headers: &mut HeaderMap) {
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(HSTS),
    );
}

/// Middleware: HSTS over HTTPS (by the proxy's word, or because the site's
/// `base_url` is https), and the base path added to addresses in answers.
pub async fn outgoing(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let https = hsts_applies(&state.site.load(), request.headers());
    let mut response = next.run(request).await;
    if https {
        add_hsts(response.headers_mut());
    }
    if state.base_path.is_empty() {
        return response;
    }
    let base = state.base_path.as_str();
    if let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|l| l.starts_with('/') && !l.starts_with("//"))
        && let Ok(value) = HeaderValue::from_str(&format!("{base}{location}"))
    {
        response.headers_mut().insert(header::LOCATION, value);
    }
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_REWRITE_BYTES).await {
        Ok(b) => b,
        Err(_) => return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let text = String::from_utf8_lossy(&bytes);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(prefix_html(&text, base)))
}

/// Adds `base` to every root-relative address in the listed attributes.
/// Protocol-relative addresses (`//host`) and everything else are left alone.
pub fn prefix_html(html: &str, base: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 20);
    let mut rest = html;
    while let Some(at) = rest.find("=\"/") {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let name_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(0, |i| i + 1);
        let name = &before[name_start..];
        let is_attribute = before[..name_start].ends_with(char::is_whitespace);
        out.push_str("=\"");
        let mut address = &after[2..];
        if is_attribute
            && ATTRIBUTES.contains(&name.to_ascii_lowercase().as_str())
            && !address.starts_with("//")
        {
            out.push_str(base);
            // The home page is the base itself: `/` is `/send`, `/#needs` is `/send#needs`.
            if address.starts_with("/\"") || address.starts_with("/#") || address.starts_with("/?")
            {
                address = &address[1..];
            }
        }
        rest = address;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths_are_checked() {
        assert_eq!(parse_base_path("/send/").unwrap(), "/send");
        assert_eq!(parse_base_path("").unwrap(), "");
        assert_eq!(parse_base_path("/").unwrap(), "");
        assert_eq!(parse_base_path("/a/b-c_d.e").unwrap(), "/a/b-c_d.e");
        for bad in ["send", "/a//b", "/a/../b", "/a b", "/a?b", "https://x/y"] {
            assert!(parse_base_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn root_relative_addresses_in_known_attributes_get_the_base() {
        let home = prefix_html(r#"<a href="/">h</a><a href="/#needs">n</a>"#, "/send");
        assert_eq!(home, r#"<a href="/send">h</a><a href="/send#needs">n</a>"#);
        let html = r#"<a href="/search?q=a">x</a><img src="/static/i.svg" alt=""><form action="/plan/add"><a href="//cdn.example/x">y</a><a href="https://example.org/">z</a><input value="/search"><p>text ="/not"</p><button data-copy="/p">c</button>"#;
        let out = prefix_html(html, "/send");
        assert_eq!(
            out,
            r#"<a href="/send/search?q=a">x</a><img src="/send/static/i.svg" alt=""><form action="/send/plan/add"><a href="//cdn.example/x">y</a><a href="https://example.org/">z</a><input value="/search"><p>text ="/not"</p><button data-copy="/send/p">c</button>"#
        );
    }
}
