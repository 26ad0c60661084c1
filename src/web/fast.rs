//! The fast path for a search asked again: an answer kept in the
//! [`cache`](super::cache) goes straight back, before the router's other
//! layers (time-out, concurrency limit, compression, header setting) run.
//!
//! Those layers cost several times more than finding a kept answer, and a
//! popular search is most of a busy school's traffic. The answer is the same
//! as the slow path's, byte for byte and header for header, because it is
//! made by the same code: [`answer::respond`] (type, `Vary`, the body
//! compressed once per kept answer in the encoding [`Encoding::chosen`]),
//! [`super::security_headers`], [`super::proxy::add_hsts`] under
//! [`super::proxy::hsts_applies`], and the same metrics. Anything unusual
//! (another method, a base path, the request log switched on, over-long
//! headers, an `Accept-Encoding` this path does not read) takes the slow
//! path, which gives the right answer.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::cache::{AnswerKind, Encoding};
use super::{AppState, answer};

/// Middleware: answers a kept search at once, or passes the request on.
pub async fn cached_answer(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    match answer_from_cache(&state, &request) {
        Some(response) => response,
        None => next.run(request).await,
    }
}

fn answer_from_cache(state: &AppState, request: &Request) -> Option<Response> {
    if request.method() != Method::GET || !state.base_path.is_empty() {
        return None;
    }
    let path = request.uri().path();
    let kind = AnswerKind::ALL
        .into_iter()
        .find(|k| k.route().path() == path)?;
    // The request log lives in the slow path's `metrics::observe`.
    if tracing::enabled!(target: "waymark::http", tracing::Level::DEBUG) {
        return None;
    }
    let headers = request.headers();
    if super::metrics::header_bytes(headers) > super::MAX_HEADER_BYTES {
        return None;
    }
    let encoding = Encoding::chosen(headers)?;
    let started = Instant::now();
    let site = state.site.load();
    // A reader's "I work in" phase changes a search page's ranking: the
    // handler answers it, under a key that holds the phase.
    if kind == AnswerKind::Html && super::preference::phase(headers, &site.taxonomy).is_some() {
        return None;
    }
    let key = request.uri().query().unwrap_or("");
    let hit = answer::kept(state, &site, kind, key)?;
    let counted = answer::counts_as_searched(kind, headers);
    answer::record(state, &site, &hit.q, hit.total, counted);
    let mut response = answer::respond(kind, &hit, encoding);
    super::security_headers(response.headers_mut());
    if super::proxy::hsts_applies(&site, headers) {
        super::proxy::add_hsts(response.headers_mut());
    }
    state.metrics.record(
        kind.route().path(),
        StatusCode::OK,
        started.elapsed().as_secs_f64(),
    );
    Some(response)
}
