//! `report`: the Markdown tables of BENCHMARKS.md (figures, ratios, targets)
//! from a results file.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result};

#[derive(Debug, Clone, serde::Deserialize)]
struct Record {
    figure: String,
    corpus: String,
    #[serde(default)]
    round: u32,
    value: f64,
    unit: String,
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn stats(values: &[f64]) -> Option<(f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    Some((v[0], median(&v), v[v.len() - 1]))
}

fn fmt(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x.abs() >= 1000.0 {
        format!("{x:.0}")
    } else if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else if x.abs() >= 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// Figure names and what they mean, in table order.
const FIGURES: &[(&str, &str)] = &[
    ("pages", "pages loaded"),
    ("corpus_md_mib", "corpus size on disk (Markdown)"),
    (
        "build_ms",
        "full build in process (load, validate, render, index)",
    ),
    ("build_peak_rss_mib", "peak memory of a build (VmHWM)"),
    ("build_wall_ms", "build command, whole process (wall)"),
    ("build_maxrss_mib", "build command, whole process (max RSS)"),
    ("search_p50_us", "search in process, p50 of one pass"),
    ("search_p99_us", "search in process, p99 of one pass"),
    ("search_all_p90_us", "search in process, p90 of all passes"),
    (
        "search_all_max_us",
        "search in process, slowest of all passes",
    ),
    (
        "http_api_rps",
        "GET /api/search?q=ear+defenders, requests/s",
    ),
    (
        "http_api_p50_ms",
        "GET /api/search?q=ear+defenders, p50 latency",
    ),
    (
        "http_api_p99_ms",
        "GET /api/search?q=ear+defenders, p99 latency",
    ),
    ("nginx_api_rps", "nginx, the same JSON bytes, requests/s"),
    (
        "nginx_api_p50_ms",
        "nginx, the same JSON bytes, p50 latency",
    ),
    (
        "nginx_api_p99_ms",
        "nginx, the same JSON bytes, p99 latency",
    ),
    (
        "http_html_rps",
        "GET /search?q=ear+defenders (HTML), requests/s",
    ),
    (
        "http_html_p50_ms",
        "GET /search?q=ear+defenders (HTML), p50 latency",
    ),
    (
        "http_html_p99_ms",
        "GET /search?q=ear+defenders (HTML), p99 latency",
    ),
    ("nginx_html_rps", "nginx, the same HTML bytes, requests/s"),
    (
        "nginx_html_p50_ms",
        "nginx, the same HTML bytes, p50 latency",
    ),
    (
        "nginx_html_p99_ms",
        "nginx, the same HTML bytes, p99 latency",
    ),
    (
        "http_longmix_rps",
        "GET /api/search, 100,000 distinct queries (no repeats), requests/s",
    ),
    (
        "http_longmix_p50_ms",
        "GET /api/search, 100,000 distinct queries (no repeats), p50 latency",
    ),
    (
        "http_longmix_p99_ms",
        "GET /api/search, 100,000 distinct queries (no repeats), p99 latency",
    ),
    (
        "http_mix_rps",
        "GET /api/search, 1,000 distinct queries (repeated), requests/s",
    ),
    (
        "http_mix_p50_ms",
        "GET /api/search, 1,000 distinct queries (repeated), p50 latency",
    ),
    (
        "http_mix_p99_ms",
        "GET /api/search, 1,000 distinct queries (repeated), p99 latency",
    ),
    (
        "http_api_errors",
        "/api/search run: errors and non-2xx answers",
    ),
    (
        "http_html_errors",
        "/search run: errors and non-2xx answers",
    ),
    (
        "http_mix_errors",
        "query mix run: errors and non-2xx answers",
    ),
    (
        "http_longmix_errors",
        "100,000-query run: errors and non-2xx answers",
    ),
    (
        "nginx_api_errors",
        "nginx JSON run: errors and non-2xx answers",
    ),
    (
        "nginx_html_errors",
        "nginx HTML run: errors and non-2xx answers",
    ),
    ("coldstart_ms", "cold start: spawn to first 200 on /healthz"),
    (
        "serve_rss_start_mib",
        "serving process, resident size before any request",
    ),
    (
        "serve_rss_after_mib",
        "serving process, resident size after every wrk run",
    ),
    (
        "plan_docx_ms",
        "GET /plan.docx, a Word plan of ten strategies",
    ),
    (
        "session_pptx_ms",
        "GET /plan.pptx?view=session, a deck of ten pages",
    ),
    (
        "import_ms",
        "waymark import of the 20-section fixture (wall)",
    ),
    ("import_pages", "pages written by that import"),
    ("coldstart_nowatch_ms", "cold start with --no-watch"),
    (
        "warmstart_ms",
        "warm start (index cache, nothing changed): spawn to first 200 on /healthz",
    ),
    ("warmstart_nowatch_ms", "warm start with --no-watch"),
    (
        "coldstart_writing_cache_ms",
        "cold start writing the index cache (first start)",
    ),
    (
        "coldstart_writing_cache_nowatch_ms",
        "cold start writing the index cache, --no-watch",
    ),
    ("reload_ms", "live reload: save to visible in /api/search"),
    (
        "update_ms",
        "live reload in process: Site::update for one page",
    ),
    ("held_markdown_mib", "held after a build: pages' Markdown"),
    ("held_text_mib", "held after a build: pages' plain text"),
    (
        "filed_bodies_mib",
        "kept in the file of page bodies after a build (not in memory)",
    ),
    (
        "held_index_mib",
        "held after a build: search index (tantivy)",
    ),
    ("index_segments", "index segments after a build"),
    (
        "heap_peak_mib",
        "live heap bytes at the peak of a build (counted)",
    ),
    ("heap_after_mib", "live heap bytes after a build (counted)"),
    ("pagefind_ms", "Pagefind indexing the rendered HTML (wall)"),
    ("pagefind_peak_rss_mib", "Pagefind peak memory (max RSS)"),
    (
        "pair_build_ms",
        "Waymark's full build in process, paired with Pagefind",
    ),
    (
        "pair_build_wall_ms",
        "Waymark's build command (wall), paired with Pagefind",
    ),
    ("html_mib", "rendered HTML given to Pagefind"),
];

const CORPORA: &[&str] = &["bundled", "10k", "100k", "fixture"];

pub fn report(path: &Path) -> Result<()> {
    let text = fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let records: Vec<Record> = text
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let values = |figure: &str, corpus: &str| -> Vec<f64> {
        records
            .iter()
            .filter(|r| r.figure == figure && r.corpus == corpus && r.value.is_finite())
            .map(|r| r.value)
            .collect()
    };
    let by_round = |figure: &str, corpus: &str| -> BTreeMap<u32, f64> {
        records
            .iter()
            .filter(|r| r.figure == figure && r.corpus == corpus)
            .map(|r| (r.round, r.value))
            .collect()
    };
    let med = |figure: &str, corpus: &str| stats(&values(figure, corpus)).map(|s| s.1);

    println!("### Figures\n");
    println!("| figure | corpus | n | min | median | max | unit |");
    println!("|---|---|--:|--:|--:|--:|---|");
    for (figure, label) in FIGURES {
        for corpus in CORPORA {
            let v = values(figure, corpus);
            let Some((lo, mid, hi)) = stats(&v) else {
                continue;
            };
            let unit = records
                .iter()
                .find(|r| r.figure == *figure)
                .map_or("", |r| r.unit.as_str());
            println!(
                "| {label} | {corpus} | {} | {} | {} | {} | {unit} |",
                v.len(),
                fmt(lo),
                fmt(mid),
                fmt(hi)
            );
        }
    }
    // p50/p99 over every sample of every pass (a single figure per corpus).
    println!("\nSearch in process over every sample of every pass:\n");
    println!("| corpus | p50 µs | p90 µs | p99 µs | max µs |");
    println!("|---|--:|--:|--:|--:|");
    for corpus in CORPORA {
        let get = |f: &str| med(f, corpus).map_or("–".to_string(), fmt);
        if med("search_all_p50_us", corpus).is_none() {
            continue;
        }
        println!(
            "| {corpus} | {} | {} | {} | {} |",
            get("search_all_p50_us"),
            get("search_all_p90_us"),
            get("search_all_p99_us"),
            get("search_all_max_us")
        );
    }

    // Ratios, each from measurements taken side by side in the same round.
    println!("\n### Ratios\n");
    println!("| ratio | corpus | n | min | median | max |");
    println!("|---|---|--:|--:|--:|--:|");
    let mut ratios: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    let paired = |num: &str, den: &str, corpus: &str| -> Vec<f64> {
        let a = by_round(num, corpus);
        let b = by_round(den, corpus);
        a.iter()
            .filter_map(|(round, x)| b.get(round).map(|y| x / y))
            .filter(|r| r.is_finite())
            .collect()
    };
    for corpus in CORPORA {
        for (name, num, den) in [
            (
                "/api/search ÷ nginx, requests/s",
                "http_api_rps",
                "nginx_api_rps",
            ),
            (
                "/search (HTML) ÷ nginx, requests/s",
                "http_html_rps",
                "nginx_html_rps",
            ),
        ] {
            let r = paired(num, den, corpus);
            if !r.is_empty() {
                ratios.insert((name.to_string(), corpus.to_string()), r);
            }
        }
        // Pagefind's time over Waymark's full build of the same pages, round
        // by round (the two run one after the other, taking turns to go first).
        for (name, den) in [
            ("Pagefind time ÷ Waymark build time", "pair_build_ms"),
            (
                "Pagefind time ÷ Waymark build command (whole process)",
                "pair_build_wall_ms",
            ),
        ] {
            let r = paired("pagefind_ms", den, corpus);
            if !r.is_empty() {
                ratios.insert((name.to_string(), corpus.to_string()), r);
            }
        }
        // Each build's peak over the corpus's size on disk.
        if let Some(size) = med("corpus_md_mib", corpus) {
            let peaks: Vec<f64> = values("build_peak_rss_mib", corpus)
                .iter()
                .map(|x| x / size)
                .collect();
            if !peaks.is_empty() {
                ratios.insert(
                    ("build peak memory ÷ corpus size".into(), corpus.to_string()),
                    peaks,
                );
            }
        }
    }
    for ((name, corpus), r) in &ratios {
        if let Some((lo, mid, hi)) = stats(r) {
            println!(
                "| {name} | {corpus} | {} | {} | {} | {} |",
                r.len(),
                fmt(lo),
                fmt(mid),
                fmt(hi)
            );
        }
    }

    // Targets of issue #8, judged on medians.
    println!("\n### Targets\n");
    println!("| target | measured (median) | verdict |");
    println!("|---|--:|---|");
    let ratio_med = |name: &str, corpus: &str| {
        ratios
            .get(&(name.to_string(), corpus.to_string()))
            .and_then(|r| stats(r))
            .map(|s| s.1)
    };
    let at_most = |label: &str, value: Option<f64>, limit: f64, unit: &str| {
        let (shown, verdict) = match value {
            None => ("not measured".to_string(), "–".to_string()),
            Some(v) if v <= limit => (format!("{} {unit}", fmt(v)), "met".to_string()),
            Some(v) => (
                format!("{} {unit}", fmt(v)),
                format!(
                    "missed by {} {unit} ({:.1}× the limit)",
                    fmt(v - limit),
                    v / limit
                ),
            ),
        };
        println!("| {label} | {shown} | {verdict} |");
    };
    let at_least = |label: &str, value: Option<f64>, limit: f64, unit: &str| {
        let (shown, verdict) = match value {
            None => ("not measured".to_string(), "–".to_string()),
            Some(v) if v >= limit => (format!("{} {unit}", fmt(v)), "met".to_string()),
            Some(v) => (
                format!("{} {unit}", fmt(v)),
                format!(
                    "missed by {} {unit} (reaches {:.0}% of the target)",
                    fmt(limit - v),
                    100.0 * v / limit
                ),
            ),
        };
        println!("| {label} | {shown} | {verdict} |");
    };
    at_most(
        "build 10k pages ≤ 1 s",
        med("build_ms", "10k"),
        1000.0,
        "ms",
    );
    at_most(
        "build 100k pages ≤ 10 s",
        med("build_ms", "100k"),
        10_000.0,
        "ms",
    );
    for (corpus, times) in [("bundled", 10.0), ("10k", 20.0)] {
        at_least(
            &format!("build ≥ {times}× faster than Pagefind ({corpus}, paired)"),
            ratio_med("Pagefind time ÷ Waymark build time", corpus),
            times,
            "×",
        );
    }
    at_most(
        "peak memory at 100k ≤ 2× corpus size",
        ratio_med("build peak memory ÷ corpus size", "100k"),
        2.0,
        "×",
    );
    let all = |f: &str, c: &str| med(f, c);
    at_most(
        "search at 10k, p50 ≤ 1 ms",
        all("search_all_p50_us", "10k"),
        1000.0,
        "µs",
    );
    at_most(
        "search at 10k, p99 ≤ 3 ms",
        all("search_all_p99_us", "10k"),
        3000.0,
        "µs",
    );
    at_most(
        "search at 100k, p50 ≤ 3 ms",
        all("search_all_p50_us", "100k"),
        3000.0,
        "µs",
    );
    for corpus in ["bundled", "10k"] {
        at_least(
            &format!("/api/search ÷ nginx same bytes ≥ 1.0 ({corpus})"),
            ratio_med("/api/search ÷ nginx, requests/s", corpus),
            1.0,
            "×",
        );
    }
    at_least(
        "query mix at 10k ≥ 2,000 requests/s (1,000 distinct queries)",
        med("http_mix_rps", "10k"),
        2000.0,
        "req/s",
    );
    at_least(
        "the same, no query repeated (100,000 distinct)",
        med("http_longmix_rps", "10k"),
        2000.0,
        "req/s",
    );
    at_most(
        "no query repeated, p99 < 50 ms",
        med("http_longmix_p99_ms", "10k"),
        50.0,
        "ms",
    );
    at_most(
        "live reload at 10k ≤ 300 ms",
        med("reload_ms", "10k"),
        300.0,
        "ms",
    );
    at_most(
        "cold start, bundled ≤ 300 ms",
        med("coldstart_ms", "bundled"),
        300.0,
        "ms",
    );
    at_most(
        "cold start, 10k ≤ 1.5 s",
        med("coldstart_ms", "10k"),
        1500.0,
        "ms",
    );
    at_most(
        "warm start, 10k ≤ 300 ms",
        med("warmstart_ms", "10k"),
        300.0,
        "ms",
    );
    Ok(())
}
