//! The HTTP side: one `Clone` app state holding the live site snapshot, the
//! router (`app`), and the server with graceful shutdown (`serve`).
//!
//! `pages` renders HTML through askama templates, `api` answers JSON,
//! `params` reads search parameters for both, `views` shapes pages for
//! templates, `metrics` counts requests for `/metrics`.

pub mod api;
pub mod assets;
pub mod cache;
pub mod fast;
pub mod feeds;
pub mod metrics;
pub mod missing;
pub mod pages;
pub mod params;
pub mod plan;
pub mod proxy;
pub mod views;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::site::Site;

use metrics::Metrics;

/// The Content-Security-Policy on every answer: nothing inline, nothing from elsewhere.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A request target longer than this is answered 414.
pub const MAX_TARGET_BYTES: usize = 64 * 1024;

/// Request headers larger than this in all are answered 431. (hyper itself
/// refuses a request head past about 400 KiB, or past 100 headers.)
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// How long one request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Shared state of the app: the current site snapshot, swapped whole when
/// content changes, and the request metrics. Cloned for every extractor and
/// middleware, so it is one `Arc`: a clone is one atomic increment.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

/// What every request shares; reached through [`AppState`]'s `Deref`.
pub struct Shared {
    site: ArcSwap<Site>,
    pub metrics: Metrics,
    /// Queries that found nothing; kept across reloads.
    pub missing: missing::MissingQueries,
    /// What live reload last could not do, for `/status`.
    pub reload: crate::watch::ReloadState,
    /// Recent search answers, by snapshot generation.
    pub answers: cache::AnswerCache,
    /// The generation the next snapshot gets.
    generations: std::sync::atomic::AtomicU64,
    /// Where the portal is mounted behind a proxy (`/send`); empty at the root.
    pub base_path: String,
    /// Requests handled at once; more wait their turn rather than fail.
    pub max_concurrent: usize,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
}

/// Requests handled at once unless `--max-concurrent` says otherwise.
pub const DEFAULT_MAX_CONCURRENT: usize = 256;

impl AppState {
    pub fn new(mut site: Site) -> Self {
        site.generation = 1;
        AppState {
            shared: Arc::new(Shared {
                site: ArcSwap::from_pointee(site),
                answers: cache::AnswerCache::default(),
                generations: std::sync::atomic::AtomicU64::new(2),
                metrics: Metrics::default(),
                missing: missing::MissingQueries::default(),
                reload: crate::watch::ReloadState::default(),
                base_path: String::new(),
                max_concurrent: DEFAULT_MAX_CONCURRENT,
            }),
        }
    }

    /// The current snapshot. A request holds one snapshot from start to end,
    /// so it never sees a mixture of old and new content.
    pub fn site(&self) -> Arc<Site> {
        self.site.load_full()
    }

    /// Settings are made before the state is shared with a server.
    fn settings(&mut self) -> &mut Shared {
        Arc::get_mut(&mut self.shared).expect("settings are made before serving")
    }

    /// Mounts the portal under a base path, checked by [`proxy::parse_base_path`].
    pub fn with_base_path(mut self, base_path: impl Into<String>) -> Self {
        self.settings().base_path = base_path.into();
        self
    }

    /// Sets how many requests are handled at once (at least one).
    pub fn with_max_concurrent(mut self, n: usize) -> Self {
        self.settings().max_concurrent = n.max(1);
        self
    }

    /// Replaces the snapshot atomically.
    pub fn swap(&self, mut site: Site) {
        site.generation = self
            .generations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.site.store(Arc::new(site));
        self.metrics.record_reload();
    }
}

/// The whole service: [`app`], nested under the base path when there is one.
pub fn service(state: AppState) -> Router {
    if state.base_path.is_empty() {
        app(state)
    } else {
        let base = state.base_path.clone();
        let home = base.clone();
        Router::new()
            // `/send/` is the home page too; one address keeps links and caches tidy.
            .route(
                &format!("{base}/"),
                get(move || async move { axum::response::Redirect::permanent(&home) }),
            )
            .nest(&base, app(state))
    }
}

/// The router with every route and layer; tests call it with `oneshot`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/needs/{id}", get(pages::need))
        .route("/tiers/{id}", get(pages::tier))
        .route("/ingredients/{id}", get(pages::ingredient))
        .route("/search", get(pages::search))
        .route("/status", get(pages::status))
        .route("/site.css", get(pages::theme_css))
        .route("/theme/{file}", get(pages::theme_file))
        .route("/static/{file}", get(assets::serve))
        .route("/plan", get(plan::show))
        .route("/plan/add", post(plan::add))
        .route("/plan/update", post(plan::update))
        .route("/plan.docx", get(plan::download))
        .route("/plan.md", get(plan::download))
        .route("/plan.csv", get(plan::download))
        .route("/api/search", get(api::search))
        .route("/api/pages/{*slug}", get(api::page))
        .route("/api/taxonomy", get(api::taxonomy))
        .route("/sitemap.xml", get(feeds::sitemap))
        .route("/feed.xml", get(feeds::atom))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::render))
        .fallback(pages::page_or_not_found)
        // A bug in one handler answers 500 instead of dropping the connection.
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            proxy::outgoing,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::observe,
        ))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // One limit shared by every route: beyond it, requests queue.
        .layer(GlobalConcurrencyLimitLayer::new(
            state.max_concurrent.max(1),
        ))
        .layer(header_layer(&SECURITY_HEADERS[0]))
        .layer(header_layer(&SECURITY_HEADERS[1]))
        .layer(header_layer(&SECURITY_HEADERS[2]))
        .layer(header_layer(&SECURITY_HEADERS[3]))
        // Outermost: a search asked again skips every layer above.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            fast::cached_answer,
        ))
        .with_state(state)
}

/// The headers every answer carries unless its handler set its own.
pub const SECURITY_HEADERS: [(header::HeaderName, &str); 4] = [
    (header::CONTENT_SECURITY_POLICY, CSP),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "same-origin"),
    (header::X_FRAME_OPTIONS, "DENY"),
];

fn header_layer(
    (name, value): &(header::HeaderName, &'static str),
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name.clone(), HeaderValue::from_static(value))
}

/// The portal's public address for absolute links: `base_url` from
/// site.yaml, else the request's own host and the base path.
pub fn public_base(site: &Site, headers: &axum::http::HeaderMap, base_path: &str) -> String {
    if let Some(base) = &site.config.base_url {
        return base.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("127.0.0.1:3000");
    let https = proxy::forwarded_https(headers);
    format!(
        "{}://{host}{base_path}",
        if https { "https" } else { "http" }
    )
}

async fn healthz() -> &'static str {
    "ok"
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        service(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Binds `addr` once and gives each worker its own handle on the one
/// listening socket. Every worker waits on it and whichever is free first
/// accepts the next connection, as nginx's workers do, so a busy worker
/// takes fewer. (One socket per worker with `SO_REUSEPORT` shares
/// connections out by a hash of their addresses instead, and with a few
/// dozen keep-alive connections one worker often got far more than the
/// other.) Returns the handles and the address bound (for port 0).
pub fn bind_workers(
    addr: SocketAddr,
    workers: usize,
) -> std::io::Result<(Vec<std::net::TcpListener>, SocketAddr)> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    let listener: std::net::TcpListener = socket.into();
    let at = listener.local_addr()?;
    let mut listeners = Vec::with_capacity(workers);
    for _ in 1..workers.max(1) {
        listeners.push(listener.try_clone()?);
    }
    listeners.push(listener);
    Ok((listeners, at))
}

/// Serves on one thread per listener, each with its own single-threaded
/// runtime, like nginx's worker processes: a connection stays on the thread
/// that accepted it, so answering a request wakes no other thread. (On the
/// shared multi-threaded runtime, handing work between threads cost more
/// than answering a kept search.) Every worker serves the same router, so
/// state, cache and the concurrency limit are shared. When `shutdown`
/// completes, every worker finishes its requests in flight.
pub async fn serve_workers(
    listeners: Vec<std::net::TcpListener>,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = service(state);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let blocking = std::thread::available_parallelism().map_or(1, usize::from);
    let mut threads = Vec::new();
    for (i, listener) in listeners.into_iter().enumerate() {
        let router = router.clone();
        let mut stopped = stopped.clone();
        let thread = std::thread::Builder::new()
            .name(format!("waymark-http-{i}"))
            .spawn(move || -> std::io::Result<()> {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    // Searches run here (`search_off_loop`); more would only
                    // share the same cores.
                    .max_blocking_threads(blocking)
                    .build()?;
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener)?;
                    axum::serve(
                        listener,
                        router.into_make_service_with_connect_info::<SocketAddr>(),
                    )
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|stop| *stop).await;
                    })
                    .await
                })
            })?;
        threads.push(thread);
    }
    shutdown.await;
    let _ = stop.send(true);
    tokio::task::spawn_blocking(move || {
        let mut result = Ok(());
        for thread in threads {
            match thread.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => result = Err(e),
                Err(_) => result = Err(std::io::Error::other("a server thread panicked")),
            }
        }
        result
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Runs a search on the runtime's blocking threads rather than on the
/// worker's event loop: each worker is one thread, and while a search runs
/// (a few milliseconds on a large corpus) it keeps answering the requests
/// it can answer at once, kept searches and pages.
pub async fn search_off_loop(
    site: &Arc<Site>,
    request: &crate::search::SearchRequest,
) -> tantivy::Result<crate::search::SearchResults> {
    let (site, request) = (Arc::clone(site), request.clone());
    tokio::task::spawn_blocking(move || site.search(&request))
        .await
        .unwrap_or_else(|e| {
            Err(tantivy::TantivyError::InternalError(format!(
                "the search stopped: {e}"
            )))
        })
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
