//! A search answer, HTML (`/search`) or JSON (`/api/search`), from the raw
//! query string: the one place that reads and writes the answer
//! [`cache`](super::cache), records "searched and not found"
//! ([`missing`](super::missing)), and turns an answer into a response, for
//! the handlers and the [`fast`](super::fast) path alike.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::search::{SearchRequest, SearchResults, parse_search};
use crate::site::Site;

use super::cache::{Answer, AnswerKind, Encoding};
use super::error::AppError;
use super::{AppState, Shared};

/// Sent by the search page's script while someone is still typing: such
/// searches are half-words, so they are not counted as "searched and not
/// found".
pub const LIVE_HEADER: &str = "x-waymark-live";

/// Whether a search counts towards "searched and not found": any but one
/// sent by the search page while its words are still being typed.
pub fn counts_as_searched(kind: AnswerKind, headers: &HeaderMap) -> bool {
    !(kind == AnswerKind::Html && headers.contains_key(LIVE_HEADER))
}

/// The kept answer to this query string in this snapshot, if any.
pub fn kept(state: &Shared, site: &Site, kind: AnswerKind, key: &str) -> Option<Answer> {
    state.answers.get(site.generation, kind, key)
}

fn keep(state: &Shared, site: &Site, kind: AnswerKind, key: &str, answer: &Answer) {
    state
        .answers
        .put(site.generation, kind, key, answer.clone());
}

/// Counts a search that found nothing, unless it does not count
/// ([`counts_as_searched`]).
pub fn record(state: &Shared, site: &Site, q: &str, total: usize, counted: bool) {
    if counted {
        state.missing.record(q, total, site);
    }
}

/// The answer to a search: a kept one, or one searched for, made and kept.
/// `prefer_phase` is the reader's "I work in" phase (search pages only):
/// it changes the ranking, so it is part of the kept answer's key.
pub async fn answer(
    state: &AppState,
    kind: AnswerKind,
    raw: Option<&str>,
    counted: bool,
    prefer_phase: Option<String>,
) -> Result<Answer, AppError> {
    let site = state.site();
    // A popular search is answered from memory before anything is parsed.
    let preferred;
    let key = match &prefer_phase {
        // A character no query string holds keeps the two apart.
        Some(phase) => {
            preferred = format!("{}\u{1f}phase={phase}", raw.unwrap_or(""));
            preferred.as_str()
        }
        None => raw.unwrap_or(""),
    };
    if let Some(hit) = kept(state, &site, kind, key) {
        record(state, &site, &hit.q, hit.total, counted);
        return Ok(hit);
    }
    let mut request = parse_search(raw, &site.taxonomy).map_err(|e| match kind {
        AnswerKind::Html => AppError::bad_parameter(&site, &e),
        AnswerKind::Json => AppError::api_parameter(e),
    })?;
    request.prefer_phase = prefer_phase;
    let results = search_off_loop(&site, &request).await.map_err(|e| {
        tracing::error!("search failed: {e}");
        match kind {
            AnswerKind::Html => AppError::Failed("search"),
            AnswerKind::Json => AppError::api(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the search failed; please try again",
            ),
        }
    })?;
    // Results that answer only part of the query count as not found.
    record(state, &site, &request.q, results.found(), counted);
    let q = request.q.clone();
    let body = match kind {
        AnswerKind::Html => super::pages::search_page(&site, request, &results, raw)?,
        AnswerKind::Json => json(&request, &results, &site)?,
    };
    let answer = Answer::new(body, results.found(), &q);
    keep(state, &site, kind, key, &answer);
    Ok(answer)
}

/// Runs a search on the runtime's blocking threads rather than on the
/// worker's event loop: each worker is one thread, and while a search runs
/// (a few milliseconds on a large corpus) it keeps answering the requests
/// it can answer at once, kept searches and pages.
async fn search_off_loop(
    site: &Arc<Site>,
    request: &SearchRequest,
) -> tantivy::Result<SearchResults> {
    let (site, request) = (Arc::clone(site), request.clone());
    tokio::task::spawn_blocking(move || site.search(&request))
        .await
        .unwrap_or_else(|e| {
            Err(tantivy::TantivyError::InternalError(format!(
                "the search stopped: {e}"
            )))
        })
}

fn json(
    request: &SearchRequest,
    results: &SearchResults,
    site: &Site,
) -> Result<axum::body::Bytes, AppError> {
    let body = crate::search::answer::search_json(
        &request.q,
        results.page,
        request.per_page,
        results,
        &site.pages,
    );
    serde_json::to_vec(&body)
        .map(axum::body::Bytes::from)
        .map_err(|e| AppError::api(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

/// An answer as a response: its type, `Vary`, and the body in `encoding`
/// (compressed once per kept answer).
pub fn respond(kind: AnswerKind, answer: &Answer, encoding: Option<Encoding>) -> Response {
    let body = match encoding {
        Some(e) => answer.compressed(e),
        None => answer.body.clone(),
    };
    let mut response = Response::new(Body::from(body));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.content_type()),
    );
    // A search page also depends on the "I work in" cookie.
    h.insert(
        header::VARY,
        HeaderValue::from_static(match kind {
            AnswerKind::Html => "accept-encoding, cookie",
            AnswerKind::Json => "accept-encoding",
        }),
    );
    if let Some(e) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e.name()));
    }
    response
}

/// What a search handler sends: the answer compressed as the fast path
/// would, so a first answer and a kept one are alike. Under a base path the
/// HTML is rewritten on its way out ([`super::proxy`]), so it leaves
/// uncompressed and the compression layer compresses it after; so does any
/// answer whose `Accept-Encoding` [`Encoding::chosen`] leaves to that layer.
pub fn send(state: &Shared, kind: AnswerKind, answer: &Answer, headers: &HeaderMap) -> Response {
    let encoding = if state.base_path.is_empty() {
        Encoding::chosen(headers).flatten()
    } else {
        None
    };
    respond(kind, answer, encoding)
}

/// `GET /search` and `GET /api/search`.
pub async fn search(
    state: &AppState,
    kind: AnswerKind,
    headers: &HeaderMap,
    raw: Option<&str>,
) -> Result<Response, AppError> {
    let prefer = match kind {
        AnswerKind::Html => super::preference::phase(headers, &state.site().taxonomy),
        AnswerKind::Json => None,
    };
    let answer = answer(state, kind, raw, counts_as_searched(kind, headers), prefer).await?;
    Ok(send(state, kind, &answer, headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> AppState {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        AppState::new(Site::load(&crate::content::LoadOptions::new(dir)).unwrap())
    }

    #[tokio::test]
    async fn an_answer_is_made_once_kept_and_counted_unless_typed() {
        let state = state();
        let raw = Some("q=trampoline");
        for kind in AnswerKind::ALL {
            let first = answer(&state, kind, raw, true, None).await.unwrap();
            let again = answer(&state, kind, raw, false, None).await.unwrap();
            // The second is the kept one: the very same bytes.
            assert_eq!(first.body.as_ptr(), again.body.as_ptr(), "{kind:?}");
            assert_eq!(first.total, 0);
        }
        assert_eq!(state.answers.len(), 2);
        // Counted twice (once per kind); the two uncounted asks left no trace.
        assert_eq!(state.missing.len(), 1);
        let mut live = HeaderMap::new();
        live.insert(LIVE_HEADER, HeaderValue::from_static("1"));
        assert!(!counts_as_searched(AnswerKind::Html, &live));
        assert!(counts_as_searched(AnswerKind::Json, &live));
        assert!(counts_as_searched(AnswerKind::Html, &HeaderMap::new()));
    }

    #[tokio::test]
    async fn a_parameter_that_cannot_be_used_is_answered_in_the_kind_asked() {
        let state = state();
        for (kind, content_type) in [
            (AnswerKind::Html, "text/html; charset=utf-8"),
            (AnswerKind::Json, "application/json"),
        ] {
            let Err(e) = answer(&state, kind, Some("need=autsim"), true, None).await else {
                panic!("{kind:?} accepted an unknown need");
            };
            let response = axum::response::IntoResponse::into_response(e);
            assert_eq!(response.status(), StatusCode::BAD_REQUEST);
            assert_eq!(response.headers()[header::CONTENT_TYPE], content_type);
        }
        assert!(state.answers.is_empty(), "a refusal is not kept");
    }
}
