//! `reload`: the time from saving a page to its new word being found by a
//! watching server's `/api/search`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::output::{emit, millis};
use crate::rng::{Rng, unique_word};
use crate::server::{Server, http_get};

pub fn reload(bin: &Path, content: &Path, runs: u32, corpus: &str) -> Result<()> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no pages in {}", content.display());
    }
    let mut server = Server::spawn(bin, content, true)?;
    server.wait_healthy(Duration::from_secs(120))?;
    // Let the watcher settle after start.
    std::thread::sleep(Duration::from_millis(500));
    let mut rng = Rng::new(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    );
    for round in 1..=runs {
        let file = &files[(round as usize * 7919 + files.len() / 3) % files.len()];
        let slug = file
            .strip_prefix(content)
            .unwrap_or(file)
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        let word = unique_word(&mut rng);
        // The word goes first in the body: a "Related" section at the end
        // is navigation, left out of the index.
        let old = fs::read_to_string(file)?;
        let body_at = old
            .strip_prefix("---\n")
            .and_then(|rest| rest.find("\n---\n"))
            .map_or(0, |end| end + 4 + 5);
        let text = format!(
            "{}\nReload check: {word}.\n{}",
            &old[..body_at],
            &old[body_at..]
        );
        let target = format!("/api/search?q={word}");
        let needle = format!("\"slug\":\"{slug}\"");
        let started = Instant::now();
        fs::write(file, &text)?;
        let elapsed = loop {
            let (status, body) = http_get(server.addr, &target)?;
            if status == 200 && body.contains(&needle) && body.contains("\"did_you_mean\":null") {
                break started.elapsed();
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("{slug} was not found by its new word within 30 s");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        emit("reload_ms", corpus, round, millis(elapsed), "ms");
        std::thread::sleep(Duration::from_millis(400));
    }
    Ok(())
}
