//! The authority's generated stylesheet and logo.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;

use super::not_found;
use crate::web::{AppState, assets};

/// `GET /site.css`: the authority's colour, from site.yaml, as a stylesheet
/// (the CSP forbids inline styles). Pages link to its fingerprinted name.
pub async fn theme_css(State(state): State<AppState>) -> Response {
    let css = state.site().config.theme.css.clone();
    assets::respond(css, "text/css; charset=utf-8", false)
}

/// `GET /theme/{file}`: the generated stylesheet or the logo by fingerprinted
/// name. A name from before a reload gets the current file, revalidated.
pub async fn theme_file(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let site = state.site();
    let theme = &site.config.theme;
    if file.starts_with("site.") && file.ends_with(".css") {
        return assets::respond(
            theme.css.clone(),
            "text/css; charset=utf-8",
            file == theme.css_name,
        );
    }
    if let Some(logo) = theme.logo.as_ref().filter(|_| file.starts_with("logo.")) {
        let mut response = assets::respond(
            axum::body::Bytes::copy_from_slice(&logo.bytes),
            logo.content_type,
            file == logo.name,
        );
        // An SVG opened on its own is a document: let it run nothing.
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ),
        );
        return response;
    }
    not_found(&site, &crate::routes::theme_file(&file))
}
