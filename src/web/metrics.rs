//! Request metrics for `/metrics` (Prometheus text), and the request log.
//!
//! Neither ever records a query string: a search can hold words about a
//! child, so only the path and the matched route are kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Default)]
pub struct Metrics {
    /// Route to counts by status class (1xx to 5xx). Routes are the router's
    /// patterns, so this stays small; a known route is found without allocating.
    requests: RwLock<BTreeMap<String, [AtomicU64; 5]>>,
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_micros: AtomicU64,
    reloads: AtomicU64,
}

impl Metrics {
    pub(super) fn record(&self, route: &str, status: StatusCode, seconds: f64) {
        let class = (usize::from(status.as_u16() / 100)).clamp(1, 5) - 1;
        // Known routes count under a shared lock; only a route's first
        // request takes the write lock.
        let known = self.requests.read().is_ok_and(|map| {
            map.get(route)
                .map(|counts| counts[class].fetch_add(1, Ordering::Relaxed))
                .is_some()
        });
        if !known && let Ok(mut map) = self.requests.write() {
            map.entry(route.to_string())
                .or_insert_with(|| std::array::from_fn(|_| AtomicU64::new(0)))[class]
                .fetch_add(1, Ordering::Relaxed);
        }
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    pub fn record_reload(&self) {
        self.reloads.fetch_add(1, Ordering::Relaxed);
    }

    pub fn reloads(&self) -> u64 {
        self.reloads.load(Ordering::Relaxed)
    }
}

/// The size of request headers as sent: each name, value, ": " and CRLF.
pub fn header_bytes(headers: &axum::http::HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// Middleware: refuses over-long request targets and headers, times and counts every
/// request, and logs method, path (never the query), status and duration.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // The request log is at debug level (`RUST_LOG=info,waymark::http=debug`):
    // a reverse proxy usually keeps the access log, and writing a line for
    // every request costs more than answering a cached search.
    let log = tracing::enabled!(target: "waymark::http", tracing::Level::DEBUG);
    let path = if log {
        request.uri().path().to_string()
    } else {
        String::new()
    };
    let route = request.extensions().get::<MatchedPath>().cloned();
    let target_len = request
        .uri()
        .path_and_query()
        .map_or(0, |pq| pq.as_str().len());
    let header_bytes = header_bytes(request.headers());
    let response = if target_len > super::MAX_TARGET_BYTES {
        (
            StatusCode::URI_TOO_LONG,
            "Request target too long: the limit is 64 KiB.\n",
        )
            .into_response()
    } else if header_bytes > super::MAX_HEADER_BYTES {
        (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "Request headers too large: the limit is 64 KiB in all.\n",
        )
            .into_response()
    } else {
        next.run(request).await
    };
    let seconds = started.elapsed().as_secs_f64();
    state.metrics.record(
        route.as_ref().map_or("page", MatchedPath::as_str),
        response.status(),
        seconds,
    );
    // Only what the portal itself names is logged: a route's pattern
    // (`/needs/{id}`, never the id asked for, which could be anything a
    // person typed) or a page that was served. Any other address, a 404 or
    // a 400 alike, could hold a child's name.
    if log {
        let shown = match &route {
            Some(route) => route.as_str(),
            None if response.status().is_success() || response.status().is_redirection() => {
                truncate_for_log(&path)
            }
            None => "(an address that is no page)",
        };
        tracing::debug!(
            target: "waymark::http",
            "{method} {shown} {} {:.1}ms",
            response.status().as_u16(),
            seconds * 1e3
        );
    }
    response
}

fn truncate_for_log(path: &str) -> &str {
    let mut end = path.len().min(200);
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    &path[..end]
}

/// `GET /metrics`: Prometheus text format.
pub async fn render(State(state): State<AppState>) -> Response {
    let m = &state.metrics;
    let site = state.site();
    let mut out = String::new();
    out.push_str(
        "# HELP waymark_requests_total HTTP requests answered, by route and status class.\n",
    );
    out.push_str("# TYPE waymark_requests_total counter\n");
    if let Ok(map) = m.requests.read() {
        for (route, counts) in map.iter() {
            for (i, n) in counts
                .iter()
                .map(|n| n.load(Ordering::Relaxed))
                .enumerate()
                .filter(|(_, n)| *n > 0)
            {
                let _ = writeln!(
                    out,
                    "waymark_requests_total{{route=\"{}\",status=\"{}xx\"}} {n}",
                    route.replace('\\', "\\\\").replace('"', "\\\""),
                    i + 1
                );
            }
        }
    }
    out.push_str("# HELP waymark_request_duration_seconds Time to answer a request.\n");
    out.push_str("# TYPE waymark_request_duration_seconds histogram\n");
    for (bound, bucket) in BUCKETS.iter().zip(&m.buckets) {
        let _ = writeln!(
            out,
            "waymark_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
            bucket.load(Ordering::Relaxed)
        );
    }
    let count = m.latency_count.load(Ordering::Relaxed);
    let _ = writeln!(
        out,
        "waymark_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
    );
    let _ = writeln!(
        out,
        "waymark_request_duration_seconds_sum {}",
        m.latency_micros.load(Ordering::Relaxed) as f64 / 1e6
    );
    let _ = writeln!(out, "waymark_request_duration_seconds_count {count}");
    out.push_str("# HELP waymark_pages Pages being served.\n# TYPE waymark_pages gauge\n");
    let _ = writeln!(out, "waymark_pages {}", site.pages.len());
    out.push_str("# HELP waymark_problems Problems found in the content, by severity.\n# TYPE waymark_problems gauge\n");
    let _ = writeln!(
        out,
        "waymark_problems{{severity=\"error\"}} {}",
        site.errors().count()
    );
    let _ = writeln!(
        out,
        "waymark_problems{{severity=\"warning\"}} {}",
        site.warnings().count()
    );
    out.push_str("# HELP waymark_index_documents Documents in the search index.\n# TYPE waymark_index_documents gauge\n");
    let _ = writeln!(out, "waymark_index_documents {}", site.search.documents());
    if let Some(bytes) = site.search.bytes_in_memory() {
        out.push_str("# HELP waymark_index_bytes Size of the search index in memory.\n# TYPE waymark_index_bytes gauge\n");
        let _ = writeln!(out, "waymark_index_bytes {bytes}");
    }
    out.push_str("# HELP waymark_reloads_total Content reloads since start.\n# TYPE waymark_reloads_total counter\n");
    let _ = writeln!(out, "waymark_reloads_total {}", m.reloads());
    out.push_str("# HELP waymark_last_load_seconds How long the last content load took.\n# TYPE waymark_last_load_seconds gauge\n");
    let _ = writeln!(
        out,
        "waymark_last_load_seconds {}",
        site.load_time.as_secs_f64()
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
