//! Connections: our own accept loop over hyper, with a header-read timeout,
//! an idle keep-alive timeout, a cap on open connections below the
//! file-descriptor limit, and a shutdown that ends within a deadline.
//!
//! Every connection is in one [`Connections`] registry shared by all
//! workers, with its phase: waiting for a request head since T, serving, or
//! idle (kept alive) since T. When the cap is reached, the oldest connection
//! still waiting for a whole request head is dropped to make room, then the
//! oldest idle one, so a slow client holding many half-sent requests cannot
//! shut out a new one. Requests being served are never dropped for room.
//!
//! Each connection task watches its own deadlines rather than asking
//! hyper's `header_read_timeout`: hyper times the wait for the next head on
//! a kept-alive connection with that same timer, so it cannot give a short
//! header timeout and a longer idle one.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use rustc_hash::FxHashMap;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

/// How long a client may take to send a whole request head.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a kept-alive connection may wait for its next request.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// From SIGTERM to exit, whatever clients do. systemd's `TimeoutStopSec`
/// and the promise of 5 s leave a second beyond it.
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(4);

/// File descriptors kept back from connections: content files being
/// reloaded, the index, the watcher, the admin listener and its clients,
/// each worker's listening handle and event loop.
pub const FD_RESERVE: usize = 64;

/// The fewest connections the cap allows, however low the descriptor limit.
const MIN_CONNECTIONS: usize = 8;

/// How long the accept loop rests after an error such as "too many open
/// files", so the error cannot make it spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

/// The limits every connection is served under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    /// Open connections at most, across every worker.
    pub max_connections: usize,
    pub shutdown_deadline: Duration,
}

impl Limits {
    /// The defaults, with at most `requested` connections (when given) and
    /// never more than [`fd_cap`] allows for `workers` workers.
    pub fn new(requested: Option<usize>, workers: usize) -> Limits {
        let cap = fd_cap(workers);
        Limits {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: requested.map_or(cap, |n| n.min(cap)).max(1),
            shutdown_deadline: SHUTDOWN_DEADLINE,
        }
    }
}

/// The process's open-file limit (the soft one, which is what `accept`
/// meets), when it can be read.
pub fn fd_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rlimit::getrlimit(rlimit::Resource::NOFILE)
            .ok()
            .map(|(soft, _)| soft)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The most connections the descriptor limit leaves room for, keeping
/// [`FD_RESERVE`] and four descriptors a worker back.
pub fn fd_cap(workers: usize) -> usize {
    let Some(limit) = fd_limit() else {
        return usize::MAX;
    };
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let reserve = FD_RESERVE.saturating_add(workers.saturating_mul(4));
    limit.saturating_sub(reserve).max(MIN_CONNECTIONS)
}

/// Where a connection is, by the order connections are dropped for room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Waiting for a whole request head (a new connection, or a kept-alive
    /// one that has begun sending its next request).
    Head = 0,
    /// Kept alive between requests.
    Idle = 1,
    /// A request is being answered.
    Serving = 2,
}

/// One open connection, shared by its task, its IO, its service and the
/// registry. The phase and the time it began are one atomic word, so every
/// reader sees a pair that belongs together.
struct Entry {
    /// Phase in the top two bits, milliseconds since `epoch` below.
    state: AtomicU64,
    epoch: Instant,
    /// Set (under the registry's lock) when the registry drops it for room.
    evicted: AtomicBool,
    /// Wakes the task when it is evicted or the server stops.
    wake: Notify,
}

const PHASE_SHIFT: u32 = 62;

impl Entry {
    fn new(epoch: Instant) -> Entry {
        let entry = Entry {
            state: AtomicU64::new(0),
            epoch,
            evicted: AtomicBool::new(false),
            wake: Notify::new(),
        };
        entry.set(Phase::Head);
        entry
    }

    fn set(&self, phase: Phase) {
        let ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let ms = ms.min((1 << PHASE_SHIFT) - 1);
        self.state
            .store(((phase as u64) << PHASE_SHIFT) | ms, Ordering::Relaxed);
    }

    fn load(&self) -> (Phase, u64) {
        let word = self.state.load(Ordering::Relaxed);
        let phase = match word >> PHASE_SHIFT {
            0 => Phase::Head,
            1 => Phase::Idle,
            _ => Phase::Serving,
        };
        (phase, word & ((1 << PHASE_SHIFT) - 1))
    }

    /// Bytes arrived: an idle connection has begun its next request head.
    fn on_bytes(&self) {
        if self.load().0 == Phase::Idle {
            self.set(Phase::Head);
        }
    }

    /// When the connection is to be closed unless its phase changes.
    fn deadline(&self, limits: &Limits) -> Option<tokio::time::Instant> {
        let (phase, since) = self.load();
        let wait = match phase {
            Phase::Head => limits.header_timeout,
            Phase::Idle => limits.idle_timeout,
            Phase::Serving => return None,
        };
        let at = self.epoch + Duration::from_millis(since) + wait;
        Some(tokio::time::Instant::from_std(at))
    }
}

/// Every open connection of a server, across its workers.
pub struct Connections {
    limits: Limits,
    epoch: Instant,
    next_id: AtomicU64,
    stopping: AtomicBool,
    inner: Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    open: FxHashMap<u64, Arc<Entry>>,
    /// Open and not evicted: what counts against the cap. (An evicted
    /// connection holds its descriptor a moment longer, until its task
    /// runs; [`FD_RESERVE`] covers that.)
    live: usize,
}

impl Connections {
    pub fn new(limits: Limits) -> Arc<Connections> {
        Arc::new(Connections {
            limits,
            epoch: Instant::now(),
            next_id: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
            inner: Mutex::new(Registry::default()),
        })
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Connections open now (evicted ones included until they close).
    pub fn open(&self) -> usize {
        self.lock().open.len()
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        // A panic while holding the lock leaves the map consistent (every
        // change is one insert or remove), so carry on with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new connection, evicting the oldest waiting one when the
    /// cap is reached. `None`: stopping, or every connection is busy
    /// serving, and the new one is to be closed.
    fn admit(self: &Arc<Self>) -> Option<Ticket> {
        let mut registry = self.lock();
        if self.stopping.load(Ordering::Relaxed) {
            return None;
        }
        if registry.live >= self.limits.max_connections && !Self::evict(&mut registry) {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let entry = Arc::new(Entry::new(self.epoch));
        registry.open.insert(id, Arc::clone(&entry));
        registry.live += 1;
        Some(Ticket {
            connections: Arc::clone(self),
            id,
            entry,
        })
    }

    /// Drops the oldest connection without a whole request head, else the
    /// oldest idle one. False when every connection is serving.
    fn evict(registry: &mut Registry) -> bool {
        let victim = registry
            .open
            .values()
            .filter(|e| !e.evicted.load(Ordering::Relaxed))
            .filter_map(|e| {
                let (phase, since) = e.load();
                (phase != Phase::Serving).then_some(((phase, since), e))
            })
            .min_by_key(|(key, _)| *key)
            .map(|(_, e)| Arc::clone(e));
        let Some(victim) = victim else {
            return false;
        };
        victim.evicted.store(true, Ordering::Relaxed);
        registry.live -= 1;
        victim.wake.notify_one();
        true
    }

    /// Frees a descriptor when `accept` has run out of them.
    fn evict_one(&self) -> bool {
        Self::evict(&mut self.lock())
    }

    /// Stops admitting connections and tells every open one to close:
    /// at once if it is not serving, after its answer if it is.
    pub fn stop(&self) {
        let registry = self.lock();
        self.stopping.store(true, Ordering::Relaxed);
        for entry in registry.open.values() {
            entry.wake.notify_one();
        }
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    /// Waits until every connection has closed, or `deadline` has passed.
    pub async fn drain(&self, deadline: tokio::time::Instant) {
        while self.open() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A connection's place in the registry, given back when it closes.
struct Ticket {
    connections: Arc<Connections>,
    id: u64,
    entry: Arc<Entry>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut registry = self.connections.lock();
        registry.open.remove(&self.id);
        if !self.entry.evicted.load(Ordering::Relaxed) {
            registry.live -= 1;
        }
    }
}

/// Accepts connections on `listener` and serves `router` on each, on the
/// current runtime, until `stop` turns true. Returns once no more are
/// accepted; [`Connections::drain`] waits for the open ones.
pub async fn accept_loop(
    listener: TcpListener,
    router: Router,
    connections: Arc<Connections>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            biased;
            _ = stop.wait_for(|stop| *stop) => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, remote)) => match connections.admit() {
                Some(ticket) => {
                    tokio::spawn(serve_connection(stream, remote, router.clone(), ticket));
                }
                // Every connection is busy answering: this one waits no
                // better in our hands than in the client's, so close it.
                None => drop(stream),
            },
            Err(e) => {
                if out_of_descriptors(&e) {
                    connections.evict_one();
                }
                if !is_per_connection(&e) {
                    tracing::debug!("accept failed, retrying: {e}");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            }
        }
    }
}

/// EMFILE or ENFILE: the process or the system is out of descriptors.
fn out_of_descriptors(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Errors about one connection that went away before it was accepted;
/// the next `accept` may succeed at once.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}

/// Serves one connection until the client closes it, its timeouts pass,
/// the registry evicts it, or shutdown closes it.
async fn serve_connection(stream: TcpStream, remote: SocketAddr, router: Router, ticket: Ticket) {
    let entry = &ticket.entry;
    let connections = &ticket.connections;
    let limits = *connections.limits();
    let io = TokioIo::new(Watched {
        stream,
        entry: Arc::clone(entry),
    });
    let service = Handler {
        router,
        remote,
        entry: Arc::clone(entry),
    };
    let mut conn = pin!(hyper::server::conn::http1::Builder::new().serve_connection(io, service));
    let mut wake = pin!(entry.wake.notified());
    let mut timer = pin!(tokio::time::sleep(limits.header_timeout));
    let mut armed = None;
    let mut closing = false;
    std::future::poll_fn(|cx| {
        loop {
            if wake.as_mut().poll(cx).is_ready() {
                wake.set(entry.wake.notified());
                if entry.evicted.load(Ordering::Relaxed) {
                    return Poll::Ready(());
                }
                if connections.stopping() {
                    if entry.load().0 != Phase::Serving {
                        return Poll::Ready(());
                    }
                    if !closing {
                        closing = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
                // Poll the new `Notified` so it is registered.
                continue;
            }
            if conn.as_mut().poll(cx).is_ready() {
                return Poll::Ready(());
            }
            // Every change of phase happens inside hyper's poll above (it
            // reads, calls the service and drops the answer's body there),
            // so the deadline is current now.
            let Some(at) = entry.deadline(&limits) else {
                return Poll::Pending;
            };
            if armed != Some(at) {
                armed = Some(at);
                timer.as_mut().reset(at);
            }
            if timer.as_mut().poll(cx).is_ready() {
                return Poll::Ready(());
            }
            return Poll::Pending;
        }
    })
    .await;
    // Dropping `conn` closes the socket; then the ticket frees its place.
}

/// The router as a hyper service for one connection: it gives handlers the
/// client's address (`ConnectInfo`) and marks the connection serving until
/// the answer's body has been written.
#[derive(Clone)]
struct Handler {
    router: Router,
    remote: SocketAddr,
    entry: Arc<Entry>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl hyper::service::Service<Request<Incoming>> for Handler {
    type Response = Response<Tracked>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response<Tracked>, Infallible>>;

    fn call(&self, mut request: Request<Incoming>) -> Self::Future {
        self.entry.set(Phase::Serving);
        request.extensions_mut().insert(ConnectInfo(self.remote));
        let answer = tower::ServiceExt::oneshot(self.router.clone(), request);
        let entry = Arc::clone(&self.entry);
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|body| Tracked { body, entry }))
        })
    }
}

/// An answer's body; when hyper has written it and drops it, the connection
/// is idle.
struct Tracked {
    body: axum::body::Body,
    entry: Arc<Entry>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.entry.set(Phase::Idle);
    }
}

impl hyper::body::Body for Tracked {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// The socket, noting when bytes arrive on an idle connection.
struct Watched {
    stream: TcpStream,
    entry: Arc<Entry>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.entry.on_bytes();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max: usize) -> Limits {
        Limits {
            max_connections: max,
            ..Limits::new(None, 1)
        }
    }

    /// One GET over a plain blocking socket; the answer and the client's
    /// own address.
    fn get(at: SocketAddr, path: &str) -> (String, SocketAddr) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(at).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let local = stream.local_addr().unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        (answer, local)
    }

    #[tokio::test]
    async fn handlers_see_the_client_address_and_stopping_closes_everything() {
        let router = Router::new().route(
            "/",
            axum::routing::get(|ConnectInfo(client): ConnectInfo<SocketAddr>| async move {
                client.to_string()
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let at = listener.local_addr().unwrap();
        let connections = Connections::new(limits(8));
        let (stop, stopped) = watch::channel(false);
        let accepting = tokio::spawn(accept_loop(
            listener,
            router,
            Arc::clone(&connections),
            stopped,
        ));
        let (answer, local) = tokio::task::spawn_blocking(move || get(at, "/"))
            .await
            .unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with(&local.to_string()), "{answer}");
        // A client that never finishes its head, open at the stop.
        let held = std::net::TcpStream::connect(at).unwrap();
        while connections.open() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stop.send(true).unwrap();
        accepting.await.unwrap();
        connections.stop();
        connections
            .drain(tokio::time::Instant::now() + Duration::from_secs(5))
            .await;
        assert_eq!(connections.open(), 0);
        drop(held);
    }

    #[test]
    fn the_cap_never_exceeds_the_descriptor_limit() {
        let cap = fd_cap(2);
        if let Some(limit) = fd_limit() {
            assert!(cap as u64 <= limit.max(MIN_CONNECTIONS as u64));
        }
        assert!(Limits::new(Some(usize::MAX), 2).max_connections <= cap);
        assert_eq!(Limits::new(Some(3), 2).max_connections, 3.min(cap));
    }

    #[test]
    fn at_the_cap_the_oldest_half_sent_goes_first_then_the_oldest_idle() {
        let connections = Connections::new(limits(3));
        let idle = connections.admit().unwrap();
        idle.entry.set(Phase::Idle);
        let serving = connections.admit().unwrap();
        serving.entry.set(Phase::Serving);
        let head = connections.admit().unwrap();
        // Full: the one waiting for its head makes room.
        let newer = connections.admit().unwrap();
        assert!(head.entry.evicted.load(Ordering::Relaxed));
        assert!(!idle.entry.evicted.load(Ordering::Relaxed));
        // Full again, and `newer` is being served: the idle one goes.
        newer.entry.set(Phase::Serving);
        let last = connections.admit().unwrap();
        assert!(idle.entry.evicted.load(Ordering::Relaxed));
        // Only serving connections and `last` (waiting): `last` goes.
        let _again = connections.admit().unwrap();
        assert!(last.entry.evicted.load(Ordering::Relaxed));
        assert!(!serving.entry.evicted.load(Ordering::Relaxed));
    }

    #[test]
    fn when_every_connection_is_serving_a_new_one_is_refused() {
        let connections = Connections::new(limits(2));
        let a = connections.admit().unwrap();
        let b = connections.admit().unwrap();
        a.entry.set(Phase::Serving);
        b.entry.set(Phase::Serving);
        assert!(connections.admit().is_none());
        drop(a);
        assert!(connections.admit().is_some());
    }

    #[test]
    fn closing_gives_the_place_back() {
        let connections = Connections::new(limits(2));
        let a = connections.admit().unwrap();
        let b = connections.admit().unwrap();
        let _c = connections.admit().unwrap();
        assert!(a.entry.evicted.load(Ordering::Relaxed));
        assert_eq!(connections.open(), 3);
        drop(a);
        drop(b);
        assert_eq!(connections.open(), 1);
        assert_eq!(connections.lock().live, 1);
        connections.stop();
        assert!(connections.admit().is_none());
    }
}
