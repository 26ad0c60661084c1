//! The HTTP side: one `Clone` app state holding the live site snapshot, the
//! router (`app`), and the server with graceful shutdown (`serve`).
//!
//! Two listeners share one state: the public one, and the staff (admin) one,
//! which also serves `/status`, `/metrics` and editors' notices on pages.
//! Which one a router serves is its state's [`Audience`].
//!
//! `pages` renders HTML through askama templates, `api` answers JSON,
//! `answer` makes and keeps both kinds of search answer (`cache` keeps
//! them, `fast` sends a kept one back before the layers run), `error` is
//! how a handler fails, `views` shapes pages for templates, `metrics`
//! counts requests for `/metrics`. Paths come from [`crate::routes`].

pub mod answer;
pub mod api;
pub mod assets;
pub mod cache;
pub mod conn;
pub mod cookies;
pub mod error;
pub mod fast;
pub mod feeds;
pub mod metrics;
pub mod missing;
pub mod open_data;
pub mod pages;
pub mod plan;
pub mod posted;
pub mod preference;
pub mod proxy;
pub mod same_origin;
pub mod strategy;
pub mod views;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get, post};

use crate::routes::Route;
use tokio::net::TcpListener;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
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

/// A request body larger than this is answered 413.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// How long one request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Who a listener serves. Staff see everything the public sees, plus
/// `/status`, `/metrics` and the editors' notices on pages (a page kept at
/// its last good version because a newer one has a problem).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The portal's visitors: `/status` and `/metrics` are 404 here.
    Public,
    /// The council's staff, on the admin listener (`--admin-addr`).
    Staff,
}

/// Shared state of the app: the current site snapshot, swapped whole when
/// content changes, and the request metrics, plus which audience this
/// listener serves. Cloned for every extractor and middleware, so it is one
/// `Arc` and a flag: a clone is one atomic increment.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
    /// Both listeners' states share `shared`; only this differs.
    pub audience: Audience,
}

/// What every request shares; reached through [`AppState`]'s `Deref`.
pub struct Shared {
    site: ArcSwap<Site>,
    pub metrics: Metrics,
    /// Queries that found nothing; kept across reloads.
    pub missing: missing::MissingQueries,
    /// What live reload last could not do, for `/status`.
    pub reload: Arc<crate::watch::ReloadState>,
    /// Recent search answers, by snapshot generation.
    pub answers: cache::AnswerCache,
    /// The generation the next snapshot gets.
    generations: std::sync::atomic::AtomicU64,
    /// Where the portal is mounted behind a proxy (`/send`); empty at the root.
    pub base_path: String,
    /// Requests handled at once; more wait their turn rather than fail.
    pub max_concurrent: usize,
    /// `http://HOST:PORT` the portal listens on, for absolute links when
    /// site.yaml gives no `base_url`.
    pub origin: String,
    /// The content download, kept for the snapshot generation it was made from.
    pub bundle: open_data::BundleCache,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
}

/// Absolute links' address until the server says where it listens.
pub const DEFAULT_ORIGIN: &str = "http://127.0.0.1:3000";

/// Requests handled at once unless `--max-concurrent` says otherwise.
pub const DEFAULT_MAX_CONCURRENT: usize = 256;

impl AppState {
    /// A state for the public listener; [`AppState::staff`] gives the
    /// admin listener's view of the same state.
    pub fn new(mut site: Site) -> Self {
        site.generation = 1;
        AppState {
            audience: Audience::Public,
            shared: Arc::new(Shared {
                site: ArcSwap::from_pointee(site),
                answers: cache::AnswerCache::default(),
                generations: std::sync::atomic::AtomicU64::new(2),
                metrics: Metrics::default(),
                missing: missing::MissingQueries::default(),
                reload: Arc::default(),
                base_path: String::new(),
                max_concurrent: DEFAULT_MAX_CONCURRENT,
                origin: DEFAULT_ORIGIN.to_string(),
                bundle: open_data::BundleCache::default(),
            }),
        }
    }

    /// The same state (snapshot, caches, metrics) seen by the staff.
    pub fn staff(&self) -> AppState {
        self.for_audience(Audience::Staff)
    }

    /// The same state (snapshot, caches, metrics) seen by the public.
    pub fn public(&self) -> AppState {
        self.for_audience(Audience::Public)
    }

    pub fn for_audience(&self, audience: Audience) -> AppState {
        AppState {
            shared: Arc::clone(&self.shared),
            audience,
        }
    }

    /// Whether this listener shows what is for staff only.
    pub fn is_staff(&self) -> bool {
        self.audience == Audience::Staff
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

    /// Sets the address absolute links use when site.yaml has no `base_url`.
    pub fn with_origin(mut self, origin: impl Into<String>) -> Self {
        self.settings().origin = origin.into();
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

/// Live reload publishes each next snapshot through the state, which counts it.
impl crate::site::Publish for AppState {
    fn current(&self) -> Arc<Site> {
        self.site()
    }

    fn publish(&self, site: Site) {
        self.swap(site);
    }
}

/// The whole service for the state's audience: [`app`], nested under the
/// base path when there is one.
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

/// The router with every route and layer, for the state's [`Audience`];
/// tests call it with `oneshot`.
pub fn app(state: AppState) -> Router {
    let audience = state.audience;
    Route::ALL
        .into_iter()
        .fold(Router::new(), |router, route| {
            router.route(route.path(), handler(route, audience))
        })
        .fallback(pages::page_or_not_found)
        // Only forms are posted, and they hold page addresses: a plan of a
        // hundred pages is a few KiB (axum would take 2 MB).
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            same_origin::check,
        ))
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
        // Answers are compressed for clients that ask, but not a zip, which
        // is compressed already (`/download/content.zip`).
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("application/zip")),
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // One limit shared by every route: beyond it, requests queue.
        .layer(GlobalConcurrencyLimitLayer::new(
            state.max_concurrent.max(1),
        ))
        .layer(axum::middleware::map_response(with_security_headers))
        // Outermost: a search asked again skips every layer above.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            fast::cached_answer,
        ))
        .with_state(state)
}

/// What answers each of the portal's routes for an audience. The public
/// listener answers the staff pages as it answers any unknown address; they
/// stay routes there (rather than falling to pages) so no page can take
/// their addresses on one listener and not the other.
fn handler(route: Route, audience: Audience) -> MethodRouter<AppState> {
    match route {
        Route::Status | Route::Metrics if audience == Audience::Public => get(pages::staff_only),
        Route::Home => get(pages::home),
        Route::Need => get(pages::need),
        Route::Tier => get(pages::tier),
        Route::Ingredient => get(pages::ingredient),
        Route::Search => get(pages::search),
        Route::Status => get(pages::status),
        Route::ThemeCss => get(pages::theme_css),
        Route::ThemeFile => get(pages::theme_file),
        Route::Static => get(assets::serve),
        Route::Plan => get(plan::show).merge(plan::show_posted()),
        Route::PlanAdd => post(plan::add),
        Route::PlanUpdate => post(plan::update),
        Route::Preference => post(preference::set),
        Route::PlanExport(format) => plan::download(format),
        Route::Strategy => get(strategy::show).merge(strategy::show_posted()),
        Route::StrategyAdd => post(strategy::add),
        Route::StrategyExport(format) => strategy::download(format),
        Route::ApiSearch => get(api::search),
        Route::ApiPage => get(api::page),
        Route::ApiTaxonomy => get(api::taxonomy),
        Route::ApiPlanSchema => get(api::plan_schema),
        Route::ApiTaxonomyJsonLd => get(open_data::taxonomy),
        Route::ApiOpenApi => get(open_data::openapi),
        Route::DownloadContent => get(open_data::content_zip),
        Route::Sitemap => get(feeds::sitemap),
        Route::Feed => get(feeds::atom),
        Route::Healthz => get(healthz),
        Route::Metrics => get(metrics::render),
    }
}

/// The headers every answer carries unless its handler set its own.
pub const SECURITY_HEADERS: [(header::HeaderName, &str); 4] = [
    (header::CONTENT_SECURITY_POLICY, CSP),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "same-origin"),
    (header::X_FRAME_OPTIONS, "DENY"),
];

async fn with_security_headers(mut response: axum::response::Response) -> axum::response::Response {
    security_headers(response.headers_mut());
    response
}

/// Adds each of [`SECURITY_HEADERS`] the answer does not set itself: the
/// router's outer layer does this for every answer, and the fast path for
/// a kept one.
pub fn security_headers(headers: &mut HeaderMap) {
    for (name, value) in SECURITY_HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}

impl Shared {
    /// The portal's public address for absolute links (the feed, the
    /// sitemap, a plan's share link): `base_url` from site.yaml, else the
    /// address the portal listens on, with the base path. Never the
    /// request's `Host` or `X-Forwarded-*` headers: anyone can forge those,
    /// and a forged host would reach a SENCO's saved plan or a feed reader.
    pub fn public_base(&self, site: &Site) -> String {
        if let Some(base) = &site.config.base_url {
            return base.trim_end_matches('/').to_string();
        }
        format!("{}{}", self.origin, self.base_path)
    }
}

async fn healthz() -> &'static str {
    "ok"
}

/// Serves on the current runtime until `shutdown` completes, then finishes
/// the requests in flight (within [`conn::SHUTDOWN_DEADLINE`]).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let connections = conn::Connections::new(conn::Limits::new(None, 1));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let accepting = tokio::spawn(conn::accept_loop(
        listener,
        service(state),
        Arc::clone(&connections),
        stopped,
    ));
    shutdown.await;
    let deadline = tokio::time::Instant::now() + connections.limits().shutdown_deadline;
    let _ = stop.send(true);
    let _ = accepting.await;
    connections.stop();
    connections.drain(deadline).await;
    Ok(())
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
/// state, cache and the concurrency limit are shared, and the workers share
/// one registry of connections under `limits` ([`conn`]).
///
/// When `shutdown` completes, no more connections are accepted, idle and
/// half-sent ones close at once, requests in flight are finished, and after
/// `limits.shutdown_deadline` whatever is left is dropped.
pub async fn serve_workers(
    listeners: Vec<std::net::TcpListener>,
    state: AppState,
    limits: conn::Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = service(state);
    let connections = conn::Connections::new(limits);
    let (stop, stopped) = tokio::sync::watch::channel(None);
    let blocking = std::thread::available_parallelism().map_or(1, usize::from);
    let mut threads = Vec::new();
    for (i, listener) in listeners.into_iter().enumerate() {
        let router = router.clone();
        let connections = Arc::clone(&connections);
        let mut stopped = stopped.clone();
        let thread = std::thread::Builder::new()
            .name(format!("waymark-http-{i}"))
            .spawn(move || -> std::io::Result<()> {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    // Searches run here (`answer::search_off_loop`); more would only
                    // share the same cores.
                    .max_blocking_threads(blocking)
                    .build()?;
                let served = runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener)?;
                    let (accepting, stop_accepting) = tokio::sync::watch::channel(false);
                    let accept = tokio::spawn(conn::accept_loop(
                        listener,
                        router,
                        Arc::clone(&connections),
                        stop_accepting,
                    ));
                    let deadline = match stopped.wait_for(Option::is_some).await {
                        Ok(deadline) => deadline.unwrap_or_else(tokio::time::Instant::now),
                        Err(_) => tokio::time::Instant::now(),
                    };
                    let _ = accepting.send(true);
                    let _ = accept.await;
                    connections.stop();
                    // Connections are spawned on this runtime: returning
                    // drops whatever is still open here.
                    connections.drain(deadline).await;
                    Ok(())
                });
                // A search still running on a blocking thread is not waited
                // for past the deadline.
                runtime.shutdown_timeout(Duration::from_millis(100));
                served
            })?;
        threads.push(thread);
    }
    shutdown.await;
    let _ = stop.send(Some(tokio::time::Instant::now() + limits.shutdown_deadline));
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

/// Runs work that can take more than a moment (rendering a large page, a
/// plan of a hundred pages, a Word document) on the runtime's blocking
/// threads, so the worker's event loop keeps answering other requests.
pub async fn off_loop<F>(work: F) -> axum::response::Response
where
    F: FnOnce() -> axum::response::Response + Send + 'static,
{
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| {
        tracing::error!("a request's work stopped: {e}");
        error::AppError::Internal(error::SOMETHING_WENT_WRONG).into_response()
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
