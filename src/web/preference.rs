//! "I work in": the phase a reader says they work in, kept in a cookie that
//! holds only a phase id (nothing about anyone), so search ranks pages for
//! that phase first. Set and cleared by a form, no JavaScript needed; shown
//! on the search page as a filter that can be removed.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::AppState;
use super::pages::bad_request;
use crate::taxonomy::{Facet, Taxonomy};

/// The cookie: `waymark_phase=<phase id>`.
pub const COOKIE: &str = "waymark_phase";

/// The phase in the request's cookie, if it is one the taxonomy has.
pub fn phase(headers: &HeaderMap, taxonomy: &Taxonomy) -> Option<String> {
    super::cookies::values(headers, COOKIE)
        .find(|id| taxonomy.check(Facet::PHASE, id).is_ok())
        .map(str::to_string)
}

/// `POST /preference`: `phase=<id>` keeps it for a year, `phase=` forgets
/// it; then back to `return` (a path on this site) or the search page.
pub async fn set(State(state): State<AppState>, body: String) -> Response {
    let site = state.site();
    let mut phase = None;
    let mut back = None;
    for (key, value) in form_urlencoded::parse(body.as_bytes()) {
        match key.as_ref() {
            "phase" => phase = Some(value.trim().to_string()),
            "return" => back = Some(value.into_owned()),
            _ => {}
        }
    }
    let phase = phase.unwrap_or_default();
    let cookie = if phase.is_empty() {
        super::cookies::set(COOKIE, "", 0)
    } else if let Err(message) = site.taxonomy.check(Facet::PHASE, &phase) {
        return bad_request(&site, &format!("The phase cannot be used: {message}."));
    } else {
        super::cookies::set(COOKIE, &phase, 365 * 24 * 3600)
    };
    let target = back
        .as_deref()
        .and_then(|p| super::plan::local_path(Some(p)))
        .unwrap_or("/search")
        .to_string();
    ([(header::SET_COOKIE, cookie)], Redirect::to(&target)).into_response()
}
