//! Live reload: watches the content folder (and an outside site file) and,
//! after each burst of changes, swaps in the next snapshot: only the changed
//! pages re-read and re-indexed, or everything when the taxonomy, settings,
//! synonyms or a folder changed.
//!
//! A reload that fails (a broken taxonomy or site file) leaves the last good
//! snapshot live; a broken page is simply left out of the new snapshot and
//! listed on `/status`. A reload that does not finish in [`RELOAD_TIMEOUT`]
//! (a read stuck on a hung network filesystem, say) is given up on and
//! reported, and later changes still reload. The content folder itself is
//! checked every [`FOLDER_CHECK`]: a folder replaced by another of the same
//! name is watched afresh, and a removed one is reported until it is back.
//! Every layer under the content folder (`extends:`, `--content` more than
//! once) is watched too; when the layers change, the watch follows them.
//! The files the page bodies are read from are checked at the same time:
//! one truncated or written over (the index cache's, read in place after a
//! warm start, has a name) means everything is read again from the content.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::content::{BodyStore, LoadOptions};
use crate::site::{BuildError, Publish, Site};

/// How long the watcher waits for a burst of saves to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// A reload taking longer than this is given up on and reported.
pub const RELOAD_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the content folder is checked for being replaced or removed
/// (inotify follows a folder's inode, so a folder moved aside and replaced
/// sends no event that names the new one), and the files of page bodies
/// for being changed ([`BodyStore::check`]).
pub const FOLDER_CHECK: Duration = Duration::from_secs(2);

/// What live reload could not do, shown on `/status`. Each notice is
/// cleared when the condition behind it ends. The lock is only held to read
/// or replace the notices, never while reloading.
#[derive(Debug, Default)]
pub struct ReloadState(Mutex<Notices>);

#[derive(Debug, Default, Clone)]
struct Notices {
    /// The content folder is gone.
    folder: Option<String>,
    /// A file of page bodies was changed under the portal.
    bodies: Option<String>,
    /// The last reload did not finish in time.
    stuck: Option<String>,
    /// The last full reload was refused: the settings files' problems.
    refused: Vec<String>,
}

impl ReloadState {
    /// Every current notice, most serious first.
    pub fn notices(&self) -> Vec<String> {
        let n = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        n.folder
            .iter()
            .chain(&n.bodies)
            .chain(&n.stuck)
            .chain(&n.refused)
            .cloned()
            .collect()
    }

    fn edit(&self, change: impl FnOnce(&mut Notices)) {
        change(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

/// Keeps the watch running while it is alive.
pub struct Watcher {
    task: tokio::task::AbortHandle,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Batch = Vec<PathBuf>;

/// What a watch works on: where each snapshot is published, and the
/// notices it posts for `/status`.
#[derive(Clone)]
struct Live {
    target: Arc<dyn Publish>,
    notices: Arc<ReloadState>,
}

/// Starts watching: each next snapshot is published to `target`, and what
/// live reload could not do is posted to `notices`. Each reload runs on a
/// thread of its own, one at a time.
pub fn spawn(
    target: Arc<dyn Publish>,
    notices: Arc<ReloadState>,
    options: LoadOptions,
) -> notify::Result<Watcher> {
    let state = Live { target, notices };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Batch>();
    let folder = identity(&options.content_dir);
    let layers = state.target.current().layers.clone();
    let debouncer = watch(&options, &layers, tx.clone())?;
    tracing::info!("watching {} for changes", options.content_dir.display());
    let task = tokio::spawn(run(state, options, tx, rx, (debouncer, layers), folder));
    Ok(Watcher {
        task: task.abort_handle(),
    })
}

type Watch = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// Watches the content folder (and an outside site file); each burst of
/// changes is sent as its paths, or as no paths when the watcher lost track
/// (too many events, say) and everything must be reloaded.
fn watch(
    options: &LoadOptions,
    layers: &[PathBuf],
    tx: UnboundedSender<Batch>,
) -> notify::Result<Watch> {
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let paths: Batch = match result {
            Ok(events) => {
                let paths: Batch = events
                    .iter()
                    .filter(|e| !e.kind.is_access())
                    .inspect(|e| tracing::debug!("watch event {:?} {:?}", e.kind, e.paths))
                    .flat_map(|e| e.paths.iter().cloned())
                    .collect();
                if paths.is_empty() {
                    return;
                }
                paths
            }
            Err(_) => Vec::new(),
        };
        let _ = tx.send(paths);
    })?;
    debouncer.watch(&options.content_dir, RecursiveMode::Recursive)?;
    // Compared with links and `..` resolved: `local/../starter` is not inside `local`.
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let top = real(&options.content_dir);
    for base in layers {
        if !real(base).starts_with(&top) {
            debouncer.watch(base, RecursiveMode::Recursive)?;
        }
    }
    if let Some(site_file) = &options.site_file
        && !site_file.starts_with(&options.content_dir)
    {
        debouncer.watch(site_file, RecursiveMode::NonRecursive)?;
    }
    Ok(debouncer)
}

/// The folder's device and inode, following a symbolic link; `None` when it
/// is gone or not a folder.
fn identity(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir)
        .ok()
        .filter(std::fs::Metadata::is_dir)
        .map(|m| (m.dev(), m.ino()))
}

async fn run(
    state: Live,
    options: LoadOptions,
    tx: UnboundedSender<Batch>,
    mut rx: UnboundedReceiver<Batch>,
    watching: (Watch, Vec<PathBuf>),
    mut folder: Option<(u64, u64)>,
) {
    let (mut debouncer, mut layers) = watching;
    let shown = options.content_dir.display().to_string();
    let mut check = tokio::time::interval(FOLDER_CHECK);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // After a reload that timed out, its changes were never applied.
    let mut catch_up = false;
    let mut broken: Vec<Weak<BodyStore>> = Vec::new();
    loop {
        tokio::select! {
            received = rx.recv() => {
                let Some(mut paths) = received else { break };
                // Changes that arrived while we were waiting are handled together.
                let mut everything = paths.is_empty() || catch_up;
                while let Ok(more) = rx.try_recv() {
                    everything |= more.is_empty();
                    paths.extend(more);
                }
                catch_up = !reload(&state, &options, everything, paths).await;
                // `extends:` or `hide:` changed the layers: watch the new ones.
                let now = state.target.current().layers.clone();
                if now != layers {
                    match watch(&options, &now, tx.clone()) {
                        Ok(fresh) => {
                            debouncer = fresh;
                            layers = now;
                        }
                        Err(e) => tracing::warn!("cannot watch the content layers: {e}"),
                    }
                }
            }
            _ = check.tick() => {
                check_bodies(&state, &mut broken, &tx).await;
                let now = identity(&options.content_dir);
                if now == folder {
                    continue;
                }
                let Some(_) = now else {
                    tracing::error!(
                        "the content folder {shown} is gone; the last good content stays live until it is back"
                    );
                    state.notices.edit(|n| {
                        n.folder = Some(format!(
                            "The content folder is gone (moved or removed); the content shown is from {}. It is watched for again every {} s.",
                            stamp(&state), FOLDER_CHECK.as_secs()
                        ));
                    });
                    folder = None;
                    continue;
                };
                // Replaced, or back: the old watch follows the old folder.
                match watch(&options, &layers, tx.clone()) {
                    Ok(fresh) => {
                        debouncer = fresh;
                        folder = now;
                        state.notices.edit(|n| n.folder = None);
                        tracing::warn!(
                            "the content folder {shown} was replaced or came back; watching it afresh and reloading everything"
                        );
                        let _ = tx.send(Vec::new());
                    }
                    Err(e) => tracing::warn!("cannot watch the content folder {shown} yet: {e}"),
                }
            }
        }
    }
    drop(debouncer);
}

/// Checks the files the snapshot's page bodies are read from, on a blocking
/// thread. A file found broken is logged, posted on `/status` and answered
/// with one full reload; `broken` holds the files already answered, so a
/// last good page still read from one does not reload everything at every
/// check.
async fn check_bodies(
    state: &Live,
    broken: &mut Vec<Weak<BodyStore>>,
    tx: &UnboundedSender<Batch>,
) {
    let current = state.target.current();
    let found = tokio::task::spawn_blocking(move || current.broken_bodies())
        .await
        .ok()
        .flatten();
    let Some((store, why)) = found else {
        state.notices.edit(|n| n.bodies = None);
        return;
    };
    broken.retain(|seen| seen.strong_count() > 0);
    if broken
        .iter()
        .any(|seen| seen.upgrade().is_some_and(|s| Arc::ptr_eq(&s, &store)))
    {
        return;
    }
    broken.push(Arc::downgrade(&store));
    tracing::error!("{why}; reading everything again from the content folder");
    let message = format!(
        "Page bodies: {why}. Everything is read again from the content folder; pages may show without their text until that is done."
    );
    state.notices.edit(|n| n.bodies = Some(message));
    let _ = tx.send(Vec::new());
}

/// When the snapshot being served was built, for notices.
fn stamp(state: &Live) -> String {
    state
        .target
        .current()
        .loaded_at
        .strftime("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

/// One reload. Returns false when it did not finish in time, so the next one
/// reloads everything.
async fn reload(state: &Live, options: &LoadOptions, everything: bool, paths: Batch) -> bool {
    let options = options.clone();
    let previous = state.target.current();
    reload_with(state, RELOAD_TIMEOUT, move || {
        if everything {
            Site::reload(&options, Some(&previous)).map(Some)
        } else {
            previous.update(&options, &paths)
        }
    })
    .await
}

/// Runs one reload `job` for at most `limit` and applies or reports what
/// came of it.
async fn reload_with(
    state: &Live,
    limit: Duration,
    job: impl FnOnce() -> Result<Option<Site>, BuildError> + Send + 'static,
) -> bool {
    let outcome = bounded(limit, job).await;
    let finished = !matches!(outcome, Outcome::TimedOut);
    if finished {
        state.notices.edit(|n| n.stuck = None);
    }
    match outcome {
        Outcome::Done(Ok(Some(site))) => {
            log_reload(&site);
            // A refusal stands until the settings files are read again.
            if site.full {
                state.notices.edit(|n| n.refused.clear());
            }
            state.target.publish(site);
        }
        Outcome::Done(Ok(None)) => {}
        Outcome::Done(Err(e)) => {
            let dir = &state.target.current().content_dir;
            log_failure(&e, dir);
            if let BuildError::Load(crate::content::LoadError::Settings(problems)) = &e {
                let refused = problems
                    .iter()
                    .map(|p| format!("Reload refused: {}", p.shown_in(dir)))
                    .collect();
                state.notices.edit(|n| n.refused = refused);
            }
        }
        Outcome::Panicked => tracing::error!("reload failed, the last good content stays live"),
        Outcome::TimedOut => {
            let message = format!(
                "The last reload did not finish within {} s; the content shown is from {}. Later changes are still reloaded.",
                limit.as_secs(),
                stamp(state)
            );
            tracing::error!("{message}");
            state.notices.edit(|n| n.stuck = Some(message));
        }
    }
    finished
}

/// How a job run with a time limit ended.
#[derive(Debug)]
pub enum Outcome<T> {
    Done(T),
    Panicked,
    /// Still running, and left to run: a thread stuck in a read cannot be
    /// stopped, and nothing waits for it (not even the process's exit).
    TimedOut,
}

/// Runs `job` on a thread of its own and waits at most `limit` for it. A
/// plain thread, not the runtime's blocking pool: shutting the runtime down
/// waits for every blocking task, so a stuck one would keep the process
/// from exiting on SIGTERM.
pub async fn bounded<T: Send + 'static>(
    limit: Duration,
    job: impl FnOnce() -> T + Send + 'static,
) -> Outcome<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    let started = std::thread::Builder::new()
        .name("waymark-reload".into())
        .spawn(move || {
            let _ = done.send(job());
        });
    if let Err(e) = started {
        tracing::error!("cannot start a reload thread: {e}");
        return Outcome::Panicked;
    }
    match tokio::time::timeout(limit, result).await {
        Ok(Ok(value)) => Outcome::Done(value),
        Ok(Err(_)) => Outcome::Panicked,
        Err(_) => Outcome::TimedOut,
    }
}

fn log_reload(site: &Site) {
    let errors = site.errors().count();
    tracing::info!(
        "reloaded {} pages in {:.0} ms ({errors} problem(s))",
        site.pages.len(),
        site.load_time.as_secs_f64() * 1000.0
    );
    for p in site.errors() {
        tracing::warn!("{}", site.show(p));
    }
}

fn log_failure(error: &BuildError, dir: &Path) {
    match error {
        BuildError::Load(crate::content::LoadError::Settings(problems)) => {
            for p in problems {
                tracing::error!("{}", p.shown_in(dir));
            }
            tracing::error!(
                "reload refused: the last good content stays live until the taxonomy, site settings or synonyms are fixed"
            );
        }
        e => tracing::error!("reload failed, the last good content stays live: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn a_stuck_job_times_out_and_the_next_one_still_runs() {
        let (_keep, stuck) = std::sync::mpsc::channel::<()>();
        let started = Instant::now();
        let outcome = bounded(Duration::from_millis(200), move || stuck.recv()).await;
        assert!(matches!(outcome, Outcome::TimedOut), "{outcome:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        let outcome = bounded(Duration::from_secs(5), || 7).await;
        assert!(matches!(outcome, Outcome::Done(7)), "{outcome:?}");
        let outcome = bounded(Duration::from_secs(5), || panic!("boom")).await;
        assert!(matches!(outcome, Outcome::Panicked), "{outcome:?}");
    }

    /// A stand-in for the server: holds the snapshot and counts publishes.
    struct Served {
        site: Mutex<Arc<Site>>,
        published: std::sync::atomic::AtomicUsize,
    }

    impl Publish for Served {
        fn current(&self) -> Arc<Site> {
            Arc::clone(&self.site.lock().unwrap())
        }

        fn publish(&self, site: Site) {
            *self.site.lock().unwrap() = Arc::new(site);
            self.published
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }

    #[tokio::test]
    async fn a_stuck_reload_is_reported_and_the_next_one_clears_it() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        let options = LoadOptions::new(dir);
        let served = Arc::new(Served {
            site: Mutex::new(Arc::new(Site::load(&options).unwrap())),
            published: Default::default(),
        });
        let state = Live {
            target: served.clone(),
            notices: Arc::default(),
        };
        let (_keep, stuck) = std::sync::mpsc::channel::<()>();
        let finished = reload_with(&state, Duration::from_secs(1), move || {
            let _ = stuck.recv();
            Ok(None)
        })
        .await;
        assert!(!finished);
        let notices = state.notices.notices();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(
            notices[0].starts_with(
                "The last reload did not finish within 1 s; the content shown is from 20"
            ),
            "{notices:?}"
        );
        let finished = reload_with(&state, Duration::from_secs(60), move || {
            Site::reload(&options, None).map(Some)
        })
        .await;
        assert!(finished);
        assert!(state.notices.notices().is_empty());
        assert_eq!(
            served.published.load(std::sync::atomic::Ordering::Relaxed),
            1
        );
    }
}
