//! `coldstart`: the time from spawning `waymark serve` to its first 200 on
//! `/healthz`.

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
) -> Result<()> {
    for round in 1..=runs {
        let started = Instant::now();
        let mut server = Server::spawn(bin, content, !no_watch)?;
        server.wait_healthy(Duration::from_secs(60))?;
        let elapsed = started.elapsed();
        drop(server);
        let figure = if no_watch {
            "coldstart_nowatch_ms"
        } else {
            "coldstart_ms"
        };
        emit(figure, corpus, round, millis(elapsed), "ms");
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}
