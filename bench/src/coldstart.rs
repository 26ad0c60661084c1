//! `coldstart`: the time from spawning `waymark serve` to its first 200 on
//! `/healthz`, with the index cache off (a full build every time) and, given
//! `--cache-dir`, also with it (a warm start), round by round.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::output::{emit, millis};
use crate::server::Server;

pub fn coldstart(
    bin: &Path,
    content: &Path,
    runs: u32,
    corpus: &str,
    no_watch: bool,
    cache: Option<&Path>,
) -> Result<()> {
    let suffix = if no_watch { "_nowatch_ms" } else { "_ms" };
    if let Some(dir) = cache {
        // A fresh cache: this start builds in full and writes it.
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        let elapsed = start(bin, content, no_watch, Some(dir))?;
        emit(
            &format!("coldstart_writing_cache{suffix}"),
            corpus,
            1,
            millis(elapsed),
            "ms",
        );
    }
    for round in 1..=runs {
        let elapsed = start(bin, content, no_watch, None)?;
        emit(
            &format!("coldstart{suffix}"),
            corpus,
            round,
            millis(elapsed),
            "ms",
        );
        if let Some(dir) = cache {
            let elapsed = start(bin, content, no_watch, Some(dir))?;
            emit(
                &format!("warmstart{suffix}"),
                corpus,
                round,
                millis(elapsed),
                "ms",
            );
        }
    }
    Ok(())
}

/// One start, timed to the first 200 on /healthz.
fn start(bin: &Path, content: &Path, no_watch: bool, cache: Option<&Path>) -> Result<Duration> {
    let started = Instant::now();
    let mut server = Server::spawn_cached(bin, content, !no_watch, cache)?;
    server.wait_healthy(Duration::from_secs(60))?;
    let elapsed = started.elapsed();
    drop(server);
    std::thread::sleep(Duration::from_millis(200));
    Ok(elapsed)
}
