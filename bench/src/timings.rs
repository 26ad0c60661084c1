//! In-process timings: a full build (`build`), an incremental update after
//! one saved page (`update`) and the portal's search over a query mix
//! (`search`).

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use waymark::content::LoadOptions;
use waymark::search::SearchRequest;
use waymark::search::parse_search;
use waymark::site::Site;

use crate::heap;
use crate::output::{emit, memory_kib, millis};
use crate::queries::read_queries;
use crate::rng::{Rng, unique_word};

/// Options as `waymark serve` loads with: page bodies in a file in the
/// cache folder.
fn options(content: &Path) -> LoadOptions {
    LoadOptions {
        body_dir: Some(waymark::cache::location::default_base()),
        ..LoadOptions::new(content)
    }
}

pub fn load(content: &Path) -> Result<(Site, Duration)> {
    let started = Instant::now();
    let site = Site::load(&options(content))
        .map_err(|e| anyhow!("cannot load {}: {e}", content.display()))?;
    Ok((site, started.elapsed()))
}

pub fn build(content: &Path, corpus: &str, round: u32, heap: bool) -> Result<()> {
    // Freed memory counts only what was allocated while counting, so the
    // counters start at zero and the build is nearly all that runs.
    heap::count(heap);
    let (site, elapsed) = load(content)?;
    heap::count(false);
    let (peak, now) = memory_kib();
    let mib = |n: usize| n as f64 / 1_048_576.0;
    if heap {
        let (live, top) = heap::live_and_peak();
        emit("heap_peak_mib", corpus, round, mib(top), "MiB");
        emit("heap_after_mib", corpus, round, mib(live), "MiB");
    }
    emit("build_ms", corpus, round, millis(elapsed), "ms");
    emit(
        "build_peak_rss_mib",
        corpus,
        round,
        peak as f64 / 1024.0,
        "MiB",
    );
    emit(
        "build_rss_after_mib",
        corpus,
        round,
        now as f64 / 1024.0,
        "MiB",
    );
    emit("pages", corpus, round, site.pages.len() as f64, "pages");
    emit(
        "build_errors",
        corpus,
        round,
        site.errors().count() as f64,
        "problems",
    );
    // Where the memory goes: the texts each page keeps in memory (none when
    // its body is in the file of page bodies), and the index.
    let (mut markdown, mut text, mut filed) = (0, 0, 0);
    for page in &site.pages {
        if page.body.store().is_some() {
            filed += page.body.markdown_len() + page.body.text_len();
        } else {
            markdown += page.body.markdown_len();
            text += page.body.text_len();
        }
    }
    emit("held_markdown_mib", corpus, round, mib(markdown), "MiB");
    emit("held_text_mib", corpus, round, mib(text), "MiB");
    emit("filed_bodies_mib", corpus, round, mib(filed), "MiB");
    emit(
        "index_segments",
        corpus,
        round,
        site.search.searcher.segment_readers().len() as f64,
        "segments",
    );
    if let Ok(usage) = site.search.searcher.space_usage() {
        emit(
            "held_index_mib",
            corpus,
            round,
            mib(usage.total().get_bytes() as usize),
            "MiB",
        );
    }
    Ok(())
}

/// Times `Site::update` in process for one saved page, `runs` times: what
/// live reload does after the watcher's debounce. Edits the pages of DIR.
pub fn update(content: &Path, runs: u32, corpus: &str) -> Result<()> {
    let options = options(content);
    let (mut site, _) = load(content)?;
    let mut rng = Rng::new(99);
    for round in 1..=runs {
        let page = &site.pages[(round as usize * 7919) % site.pages.len()];
        let path = page.source.clone();
        let old = fs::read_to_string(&path)?;
        let body_at = old
            .strip_prefix("---\n")
            .and_then(|rest| rest.find("\n---\n"))
            .map_or(0, |end| end + 4 + 5);
        let word = unique_word(&mut rng);
        fs::write(
            &path,
            format!(
                "{}\nUpdate check: {word}.\n{}",
                &old[..body_at],
                &old[body_at..]
            ),
        )?;
        let started = Instant::now();
        let next = site
            .update(&options, std::slice::from_ref(&path))
            .map_err(|e| anyhow!("update failed: {e}"))?
            .ok_or_else(|| anyhow!("update saw no change"))?;
        let elapsed = started.elapsed();
        let found = next.search(&SearchRequest::new(&word))?.total;
        if found == 0 {
            bail!("the updated page is not found by its new word");
        }
        emit("update_ms", corpus, round, millis(elapsed), "ms");
        site = next;
    }
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn search(content: &Path, queries: &Path, iterations: u32, corpus: &str) -> Result<()> {
    let (site, _) = load(content)?;
    let lines = read_queries(queries)?;
    let requests: Vec<(String, SearchRequest)> = lines
        .iter()
        .map(|l| {
            parse_search(Some(l), &site.taxonomy)
                .map(|r| (l.clone(), r))
                .map_err(|e| anyhow!("query {l}: {}", e.message))
        })
        .collect::<Result<_>>()?;
    // One untimed pass fills caches, as a running portal's would be.
    for (_, r) in &requests {
        std::hint::black_box(site.search(r)?);
    }
    let mut all = Vec::new();
    let mut by_query: Vec<Vec<f64>> = vec![Vec::new(); requests.len()];
    for pass in 1..=iterations.max(1) {
        let mut times = Vec::with_capacity(requests.len());
        for (i, (_, r)) in requests.iter().enumerate() {
            let started = Instant::now();
            let results = site.search(r)?;
            std::hint::black_box(&results);
            let us = started.elapsed().as_secs_f64() * 1e6;
            times.push(us);
            by_query[i].push(us);
        }
        all.extend_from_slice(&times);
        times.sort_by(f64::total_cmp);
        emit(
            "search_p50_us",
            corpus,
            pass,
            percentile(&times, 50.0),
            "µs",
        );
        emit(
            "search_p99_us",
            corpus,
            pass,
            percentile(&times, 99.0),
            "µs",
        );
    }
    all.sort_by(f64::total_cmp);
    for (name, p) in [
        ("search_all_p50_us", 50.0),
        ("search_all_p90_us", 90.0),
        ("search_all_p99_us", 99.0),
        ("search_all_max_us", 100.0),
    ] {
        emit(name, corpus, 0, percentile(&all, p), "µs");
    }
    // The slowest queries, for whoever makes them faster.
    let mut medians: Vec<(f64, &str)> = by_query
        .iter_mut()
        .zip(&requests)
        .map(|(t, (l, _))| {
            t.sort_by(f64::total_cmp);
            (percentile(t, 50.0), l.as_str())
        })
        .collect();
    medians.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (us, q) in medians.iter().take(5) {
        eprintln!("slow ({corpus}): {us:>9.0} µs  {q}");
    }
    Ok(())
}
