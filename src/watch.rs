//! Live reload: watches the content folder (and an outside site file) and,
//! after each burst of changes, swaps in the next snapshot: only the changed
//! pages re-read and re-indexed, or everything when the taxonomy, settings,
//! synonyms or a folder changed.
//!
//! A reload that fails (a broken taxonomy or site file) leaves the last good
//! snapshot live; a broken page is simply left out of the new snapshot and
//! listed on `/status`.

use std::path::PathBuf;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::content::LoadOptions;
use crate::site::{BuildError, Site};
use crate::web::AppState;

/// How long the watcher waits for a burst of saves to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// Keeps the watch running while it is alive.
pub struct Watcher {
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

/// Starts watching. Reloads run on a blocking thread of the runtime, one at a time.
pub fn spawn(state: AppState, options: LoadOptions) -> notify::Result<Watcher> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<PathBuf>>();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        match result {
            Ok(events) => {
                let paths: Vec<PathBuf> = events
                    .iter()
                    .filter(|e| !e.kind.is_access())
                    .inspect(|e| tracing::debug!("watch event {:?} {:?}", e.kind, e.paths))
                    .flat_map(|e| e.paths.iter().cloned())
                    .collect();
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
            // The watcher lost track (too many events, say): reload everything.
            Err(_) => {
                let _ = tx.send(Vec::new());
            }
        }
    })?;
    debouncer.watch(&options.content_dir, RecursiveMode::Recursive)?;
    if let Some(site_file) = &options.site_file
        && !site_file.starts_with(&options.content_dir)
    {
        debouncer.watch(site_file, RecursiveMode::NonRecursive)?;
    }
    tracing::info!("watching {} for changes", options.content_dir.display());
    tokio::spawn(async move {
        while let Some(mut paths) = rx.recv().await {
            // Changes that arrived while we were waiting are handled together.
            let mut everything = paths.is_empty();
            while let Ok(more) = rx.try_recv() {
                everything |= more.is_empty();
                paths.extend(more);
            }
            let options = options.clone();
            let previous = state.site();
            let built = tokio::task::spawn_blocking(move || {
                if everything {
                    Site::reload(&options, Some(&previous)).map(Some)
                } else {
                    previous.update(&options, &paths)
                }
            })
            .await;
            match built {
                Ok(Ok(Some(site))) => {
                    log_reload(&site);
                    state.swap(site);
                }
                Ok(Ok(None)) => {}
                Ok(Err(e)) => log_failure(&e),
                Err(e) => tracing::error!("reload task failed: {e}"),
            }
        }
    });
    Ok(Watcher {
        _debouncer: debouncer,
    })
}

fn log_reload(site: &Site) {
    let errors = site.errors().count();
    tracing::info!(
        "reloaded {} pages in {:.0} ms ({errors} problem(s))",
        site.pages.len(),
        site.load_time.as_secs_f64() * 1000.0
    );
    for p in site.errors() {
        tracing::warn!("{p}");
    }
}

fn log_failure(error: &BuildError) {
    match error {
        BuildError::Load(crate::content::LoadError::Settings(problems)) => {
            for p in problems {
                tracing::error!("{p}");
            }
            tracing::error!(
                "reload refused: the last good content stays live until the taxonomy, site settings or synonyms are fixed"
            );
        }
        e => tracing::error!("reload failed, the last good content stays live: {e}"),
    }
}
