//! The fast path for a search asked again: an answer kept in the
//! [`cache`](super::cache) goes straight back, before the router's other
//! layers (time-out, concurrency limit, compression, header setting) run.
//!
//! Those layers cost several times more than finding a kept answer, and a
//! popular search is most of a busy school's traffic. The answer is the same
//! as the slow path's, byte for byte and header for header: the same security
//! headers, HSTS under the same conditions, `Vary`, and the body compressed
//! with brotli or gzip when the browser accepts it (compressed once per kept
//! answer, not per request). Anything unusual (another method, a base path,
//! the request log switched on, over-long headers, an `Accept-Encoding` this
//! path does not read) takes the slow path, which gives the right answer.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use super::cache::{AnswerKind, Encoding};

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
    let route = AnswerKind::ALL
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
    let encoding = chosen_encoding(headers)?;
    let started = Instant::now();
    let site = state.site.load();
    let key = request.uri().query().unwrap_or("");
    let hit = state.answers.get(site.generation, route, key)?;
    // Searches made while still typing are not "searched and not found".
    let typing = route == AnswerKind::Html && headers.contains_key(super::pages::LIVE_HEADER);
    if !typing {
        state.missing.record(&hit.q, hit.total, &site);
    }
    let body = match encoding {
        Some(e) => hit.compressed(e),
        None => hit.body.clone(),
    };
    let mut response = Response::new(Body::from(body));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(route.content_type()),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(e) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e.name()));
    }
    for (name, value) in super::SECURITY_HEADERS {
        h.insert(name, HeaderValue::from_static(value));
    }
    if super::proxy::hsts_applies(&site, headers) {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(super::proxy::HSTS),
        );
    }
    state.metrics.record(
        route.route().path(),
        StatusCode::OK,
        started.elapsed().as_secs_f64(),
    );
    Some(response)
}

/// Which encoding to answer in: `Some(None)` for the body as it is,
/// `Some(Some(e))` for a compressed one, `None` when the header holds
/// something this path does not decide (a wildcard), so the slow path should.
fn chosen_encoding(headers: &HeaderMap) -> Option<Option<Encoding>> {
    // The weight each coding is given; the higher wins, brotli on a tie.
    let mut brotli = 0.0f32;
    let mut gzip = 0.0f32;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let text = value.to_str().ok()?;
        for item in text.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            if coding == "*" {
                return None;
            }
            if coding.eq_ignore_ascii_case("br") {
                brotli = weight;
            } else if coding.eq_ignore_ascii_case("gzip") {
                gzip = weight;
            }
        }
    }
    Some(if brotli > 0.0 && brotli >= gzip {
        Some(Encoding::Brotli)
    } else if gzip > 0.0 {
        Some(Encoding::Gzip)
    } else {
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn the_encoding_follows_accept_encoding() {
        assert_eq!(chosen_encoding(&HeaderMap::new()), Some(None));
        assert_eq!(
            chosen_encoding(&with("gzip, deflate, br, zstd")),
            Some(Some(Encoding::Brotli))
        );
        assert_eq!(
            chosen_encoding(&with("gzip;q=1.0, br;q=0")),
            Some(Some(Encoding::Gzip))
        );
        assert_eq!(chosen_encoding(&with("identity")), Some(None));
        assert_eq!(chosen_encoding(&with("deflate")), Some(None));
        assert_eq!(chosen_encoding(&with("GZIP")), Some(Some(Encoding::Gzip)));
        assert_eq!(
            chosen_encoding(&with("br;q=0.2, gzip;q=0.9")),
            Some(Some(Encoding::Gzip))
        );
        assert_eq!(chosen_encoding(&with("*")), None);
        assert_eq!(chosen_encoding(&with("br;q=x")), None);
    }
}
