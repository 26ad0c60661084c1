//! `waymark-bench`: the measurement harness behind BENCHMARKS.md (issue #8).
//!
//! - `gen` writes a content folder of N pages derived from the bundled
//!   corpus by seeded recombination (sections, paragraphs, list order,
//!   synonyms, front matter), so sizes scale honestly;
//! - `render` writes every page's HTML through the real router, for Pagefind;
//! - `build` times one full load (read, validate, render, index) and reports
//!   the peak resident memory;
//! - `search` times the portal's search for a fixed mix of real queries;
//! - `queries` writes a larger mix of distinct queries for wrk;
//! - `coldstart` and `reload` time a real `waymark serve` process;
//! - `report` turns the results file into the tables of BENCHMARKS.md.
//!
//! Every figure is printed as JSON lines, `{"figure", "corpus", "round",
//! "value", "unit"}`, which `bench/run.sh` collects into one results file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use clap::{Parser, Subcommand};
use serde_yaml_ng::Value;

use waymark::content::LoadOptions;
use waymark::search::SearchRequest;
use waymark::search::parse_search;
use waymark::site::Site;
use waymark::taxonomy::{Facet, Taxonomy};

// The same allocator as the `waymark` binary (src/main.rs), so build and
// search timings and peak memory are what the portal itself gets.
#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// mimalloc, as in the portal's binary, counting live heap bytes when
/// `build --heap` asks (off, the cost is one relaxed load a call): the peak
/// of what the program holds, beside the peak RSS the kernel reports, tells
/// data from allocator slack.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

impl Counting {
    fn grew(by: usize) {
        let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed to mimalloc unchanged; only counters change.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            Counting::grew(layout.size());
        }
        // SAFETY: the caller's guarantees for `alloc` hold for mimalloc's.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        // SAFETY: as for `alloc`.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            Counting::grew(layout.size());
        }
        // SAFETY: as for `alloc`.
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            if new_size >= layout.size() {
                Counting::grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        // SAFETY: as for `alloc`.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "waymark-bench",
    about = "Benchmarks for Waymark: corpus generator, timings and the report of BENCHMARKS.md"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a content folder of N pages derived from the bundled corpus.
    Gen {
        #[arg(long)]
        pages: usize,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, default_value_t = 8)]
        seed: u64,
        /// The corpus to derive from.
        #[arg(long, value_name = "DIR", default_value = "content")]
        source: PathBuf,
        /// Keep OUT as it is when it was generated with the same pages, seed and source.
        #[arg(long)]
        reuse: bool,
    },
    /// Write every page's HTML, as served, to OUT/{slug}/index.html.
    Render {
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Time one full build (load, validate, render, index) and report peak memory.
    Build {
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        /// The corpus's name in the results.
        #[arg(long, default_value = "bundled")]
        corpus: String,
        #[arg(long, default_value_t = 1)]
        round: u32,
        /// Also count live heap bytes (peak and after), at some cost in time.
        #[arg(long)]
        heap: bool,
    },
    /// Time the portal's search for every query of a file, several passes.
    Search {
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, value_name = "FILE", default_value = "benches/queries.txt")]
        queries: PathBuf,
        /// Timed passes over the queries (after one untimed pass).
        #[arg(long, default_value_t = 10)]
        iterations: u32,
        #[arg(long, default_value = "bundled")]
        corpus: String,
    },
    /// Write COUNT distinct query strings (words and filters) for the wrk mix.
    Queries {
        #[arg(long, default_value_t = 1000)]
        count: usize,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_name = "FILE", default_value = "benches/queries.txt")]
        queries: PathBuf,
        #[arg(long, default_value_t = 8)]
        seed: u64,
    },
    /// Time from spawning `waymark serve` to the first 200 on /healthz.
    Coldstart {
        /// The waymark binary.
        #[arg(long, value_name = "FILE", default_value = "target/release/waymark")]
        bin: PathBuf,
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: u32,
        #[arg(long, default_value = "bundled")]
        corpus: String,
        /// Pass --no-watch to the server.
        #[arg(long)]
        no_watch: bool,
    },
    /// Time from saving a page to its new word being found by /api/search.
    /// Edits the files of DIR: give it a copy.
    Reload {
        #[arg(long, value_name = "FILE", default_value = "target/release/waymark")]
        bin: PathBuf,
        /// A copy of a corpus; its pages are edited.
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, default_value_t = 11)]
        runs: u32,
        #[arg(long, default_value = "bundled")]
        corpus: String,
    },
    /// Time `Site::update` in process after one page is saved (live reload
    /// without the watcher). Edits the files of DIR: give it a copy.
    Update {
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, default_value_t = 11)]
        runs: u32,
        #[arg(long, default_value = "bundled")]
        corpus: String,
    },
    /// Print a TCP port on 127.0.0.1 that is free just now (for the script).
    Port,
    /// Print the Markdown tables (figures, ratios, targets) from a results file.
    Report {
        #[arg(long, value_name = "FILE")]
        results: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Gen {
            pages,
            out,
            seed,
            source,
            reuse,
        } => generate(&source, &out, pages, seed, reuse),
        Command::Render { content, out } => render(&content, &out),
        Command::Build {
            content,
            corpus,
            round,
            heap,
        } => build(&content, &corpus, round, heap),
        Command::Search {
            content,
            queries,
            iterations,
            corpus,
        } => search(&content, &queries, iterations, &corpus),
        Command::Queries {
            count,
            out,
            queries,
            seed,
        } => write_queries(&queries, &out, count, seed),
        Command::Coldstart {
            bin,
            content,
            runs,
            corpus,
            no_watch,
        } => coldstart(&bin, &content, runs, &corpus, no_watch),
        Command::Reload {
            bin,
            content,
            runs,
            corpus,
        } => reload(&bin, &content, runs, &corpus),
        Command::Update {
            content,
            runs,
            corpus,
        } => update(&content, runs, &corpus),
        Command::Port => free_port().map(|port| println!("{port}")),
        Command::Report { results } => report(&results),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

// ------------------------------------------------------------------ output

/// Prints one figure as a JSON line.
fn emit(figure: &str, corpus: &str, round: u32, value: f64, unit: &str) {
    let line = serde_json::json!({
        "figure": figure,
        "corpus": corpus,
        "round": round,
        "value": (value * 1000.0).round() / 1000.0,
        "unit": unit,
    });
    // A closed stdout (`| head`) ends the output, not the program.
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Peak and current resident memory of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

// --------------------------------------------------------------------- rng

/// SplitMix64: small, fast and the same on every machine, so a seed always
/// gives the same corpus.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Mixes two numbers into a seed.
fn mix(a: u64, b: u64) -> u64 {
    Rng::new(a.wrapping_mul(0x100_0000_01b3) ^ b.rotate_left(17)).next()
}

/// FNV-1a, for the fingerprint of the source corpus.
fn fnv(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

// ------------------------------------------------------------ source pages

#[derive(Debug, Clone, Default)]
struct Provision {
    sessions_per_week: f64,
    session_minutes: f64,
    weeks: f64,
    group_size: u32,
    staff: String,
}

/// A bundled page's front matter, as much of it as a derived page needs.
#[derive(Debug, Clone, Default)]
struct Meta {
    title: String,
    summary: String,
    kind: String,
    needs: Vec<String>,
    tier: Option<String>,
    ingredients: Vec<String>,
    /// Empty when the page names none (every phase).
    phases: Vec<String>,
    pfa: Vec<String>,
    cycle: Vec<String>,
    tags: Vec<String>,
    links: Vec<(String, String)>,
    evidence: Option<(String, Vec<(String, String)>)>,
    provision: Option<Provision>,
}

/// One bundled page split into the parts a derived page is made from.
#[derive(Debug, Clone)]
struct Source {
    slug: String,
    /// The first folder: strategies, resources, guidance or training.
    folder: String,
    meta: Meta,
    /// The body before the first `## ` heading.
    preamble: String,
    /// (`## heading` line, the text under it).
    sections: Vec<(String, String)>,
}

fn text_of(map: &Value, key: &str) -> Option<String> {
    map.get(key).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

fn list_of(map: &Value, key: &str) -> Vec<String> {
    match map.get(key) {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn links_of(value: Option<&Value>) -> Vec<(String, String)> {
    match value {
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|l| Some((text_of(l, "title")?, text_of(l, "url")?)))
            .collect(),
        _ => Vec::new(),
    }
}

fn number_of(map: &Value, key: &str) -> f64 {
    map.get(key).and_then(Value::as_f64).unwrap_or(1.0)
}

fn parse_meta(yaml: &str) -> Result<Meta> {
    let v: Value = serde_yaml_ng::from_str(yaml)?;
    let evidence = v.get("evidence").map(|e| {
        (
            text_of(e, "strength").unwrap_or_else(|| "practice".into()),
            links_of(e.get("sources")),
        )
    });
    let provision = v.get("provision").map(|p| Provision {
        sessions_per_week: number_of(p, "sessions_per_week"),
        session_minutes: number_of(p, "session_minutes"),
        weeks: number_of(p, "weeks"),
        group_size: number_of(p, "group_size") as u32,
        staff: text_of(p, "staff").unwrap_or_else(|| "teaching-assistant".into()),
    });
    Ok(Meta {
        title: text_of(&v, "title").unwrap_or_default(),
        summary: text_of(&v, "summary").unwrap_or_default(),
        kind: text_of(&v, "kind").unwrap_or_default(),
        needs: list_of(&v, "needs"),
        tier: text_of(&v, "tier"),
        ingredients: list_of(&v, "ingredients"),
        phases: list_of(&v, "phases"),
        pfa: list_of(&v, "pfa"),
        cycle: list_of(&v, "cycle"),
        tags: list_of(&v, "tags"),
        links: links_of(v.get("links")),
        evidence,
        provision,
    })
}

/// Splits a page file into front matter and body, then the body into sections.
fn parse_source(slug: &str, text: &str) -> Result<Source> {
    let text = text.replace("\r\n", "\n");
    let rest = text
        .strip_prefix("---\n")
        .ok_or_else(|| anyhow!("{slug}: no front matter"))?;
    let end = rest
        .find("\n---\n")
        .ok_or_else(|| anyhow!("{slug}: unclosed front matter"))?;
    let meta = parse_meta(&rest[..end]).with_context(|| format!("{slug}: front matter"))?;
    let body = &rest[end + 5..];
    let mut preamble = String::new();
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        if line.starts_with("## ") {
            sections.push((line.to_string(), String::new()));
        } else {
            let target = match sections.last_mut() {
                Some((_, text)) => text,
                None => &mut preamble,
            };
            target.push_str(line);
            target.push('\n');
        }
    }
    Ok(Source {
        slug: slug.to_string(),
        folder: slug.split('/').next().unwrap_or("").to_string(),
        meta,
        preamble,
        sections,
    })
}

fn read_sources(dir: &Path) -> Result<(Vec<Source>, u64)> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let mut fingerprint = 0xcbf2_9ce4_8422_2325;
    let mut sources = Vec::new();
    for path in files {
        let text = fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
        let slug = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        fingerprint = fnv(fingerprint, slug.as_bytes());
        fingerprint = fnv(fingerprint, text.as_bytes());
        sources.push(parse_source(&slug, &text)?);
    }
    for name in ["taxonomy.yaml", "site.yaml", "synonyms.yaml"] {
        if let Ok(bytes) = fs::read(dir.join(name)) {
            fingerprint = fnv(fingerprint, &bytes);
        }
    }
    Ok((sources, fingerprint))
}

// ---------------------------------------------------------------- synonyms

/// Lowercase words of ASCII letters and digits, with their byte spans; an
/// apostrophe or any other mark splits words, as in the portal's synonyms.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphanumeric() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

/// Synonym groups with the way each member is written in the corpus, for
/// swapping one wording for another ("ear defenders" for "ear muffs").
#[derive(Debug, Default)]
struct Thesaurus {
    /// Each phrase as lowercase words, with its group.
    phrases: Vec<(Vec<String>, usize)>,
    /// Phrase indexes by first word.
    by_first: HashMap<String, Vec<usize>>,
    /// Each group's members that the corpus writes, as written (the most
    /// common spelling).
    written: Vec<Vec<(usize, String)>>,
}

impl Thesaurus {
    fn new(yaml: &str, corpus: &[&str]) -> Thesaurus {
        let mut t = Thesaurus::default();
        let groups: Vec<Vec<String>> = serde_yaml_ng::from_str::<Value>(yaml)
            .ok()
            .and_then(|v| v.get("groups").cloned())
            .and_then(|g| serde_yaml_ng::from_value(g).ok())
            .unwrap_or_default();
        for (g, group) in groups.iter().enumerate() {
            for member in group {
                let words: Vec<String> = word_spans(member)
                    .iter()
                    .map(|&(a, b)| member[a..b].to_ascii_lowercase())
                    .collect();
                if words.is_empty() {
                    continue;
                }
                t.by_first
                    .entry(words[0].clone())
                    .or_default()
                    .push(t.phrases.len());
                t.phrases.push((words, g));
            }
        }
        let mut counts: HashMap<(usize, String), usize> = HashMap::new();
        for text in corpus {
            for line in text.lines() {
                let spans = word_spans(line);
                let mut i = 0;
                while i < spans.len() {
                    match t.longest_at(line, &spans, i) {
                        Some((phrase, n)) => {
                            let surface = &line[spans[i].0..spans[i + n - 1].1];
                            if swappable(surface) {
                                *counts.entry((phrase, surface.to_string())).or_default() += 1;
                            }
                            i += n;
                        }
                        None => i += 1,
                    }
                }
            }
        }
        let mut best: BTreeMap<usize, (usize, String)> = BTreeMap::new();
        for ((phrase, surface), n) in counts {
            let entry = best.entry(phrase).or_insert((0, String::new()));
            if n > entry.0 || (n == entry.0 && surface < entry.1) {
                *entry = (n, surface);
            }
        }
        t.written = vec![Vec::new(); groups.len()];
        for (phrase, (words, group)) in t.phrases.iter().enumerate() {
            // As the corpus writes it, else as synonyms.yaml does: a short
            // single word is an abbreviation (LSA), a phrase stays lowercase;
            // a phrase with a lone letter ("can t") has lost an apostrophe.
            let surface = match best.get(&phrase) {
                Some((_, s)) => s.clone(),
                None if words
                    .iter()
                    .any(|w| w.len() < 2 || w.bytes().any(|b| b.is_ascii_digit())) =>
                {
                    continue;
                }
                None if words.len() == 1 && words[0].len() <= 6 => words[0].to_ascii_uppercase(),
                None if words.len() == 1 => continue,
                None => words.join(" "),
            };
            t.written[*group].push((phrase, surface));
        }
        t
    }

    /// The longest phrase starting at word `i`: (phrase index, words).
    fn longest_at(&self, line: &str, spans: &[(usize, usize)], i: usize) -> Option<(usize, usize)> {
        let word = |k: usize| line[spans[k].0..spans[k].1].to_ascii_lowercase();
        let candidates = self.by_first.get(&word(i))?;
        let mut found: Option<(usize, usize)> = None;
        for &p in candidates {
            let words = &self.phrases[p].0;
            if i + words.len() > spans.len() || found.is_some_and(|(_, n)| n >= words.len()) {
                continue;
            }
            if words.iter().enumerate().all(|(k, w)| word(i + k) == *w) {
                found = Some((p, words.len()));
            }
        }
        found
    }

    /// The line with some phrases swapped for another member of their group.
    fn vary(&self, line: &str, rng: &mut Rng, p: f64) -> String {
        let spans = word_spans(line);
        let mut out = String::with_capacity(line.len() + 16);
        let mut copied = 0;
        let mut i = 0;
        while i < spans.len() {
            let Some((phrase, n)) = self.longest_at(line, &spans, i) else {
                i += 1;
                continue;
            };
            let (start, end) = (spans[i].0, spans[i + n - 1].1);
            let surface = &line[start..end];
            let group = &self.written[self.phrases[phrase].1];
            let others: Vec<&(usize, String)> = group
                .iter()
                .filter(|(q, s)| *q != phrase && !s.eq_ignore_ascii_case(surface))
                .collect();
            if swappable(surface) && !others.is_empty() && rng.chance(p) {
                let replacement = &rng.pick(&others).1;
                out.push_str(&line[copied..start]);
                out.push_str(&match_case(surface, replacement));
                copied = end;
            }
            i += n;
        }
        out.push_str(&line[copied..]);
        out
    }
}

/// Only phrases of several words, or abbreviations in capitals, are swapped:
/// a single ordinary word ("worried", "attention") would break the grammar.
fn swappable(surface: &str) -> bool {
    surface.contains(' ')
        || (surface.len() >= 2
            && surface
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
}

/// `replacement` with a capital first letter when `original` had one (and
/// is not an abbreviation in capitals).
fn match_case(original: &str, replacement: &str) -> String {
    let capital = original.chars().next().is_some_and(char::is_uppercase);
    let mut chars = replacement.chars();
    match chars.next() {
        Some(first) if capital && first.is_lowercase() => {
            first.to_uppercase().collect::<String>() + chars.as_str()
        }
        _ => replacement.to_string(),
    }
}

// ------------------------------------------------------------------- gen

/// One page to write: where, and which bundled page it is derived from.
#[derive(Debug, Clone)]
struct Planned {
    slug: String,
    base: usize,
    suffix: (String, Option<String>),
}

const STAMP: &str = ".waymark-bench-gen";

const STOPWORDS: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "also",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "could",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "every",
    "from",
    "further",
    "have",
    "having",
    "here",
    "into",
    "itself",
    "just",
    "more",
    "most",
    "much",
    "once",
    "only",
    "other",
    "ought",
    "over",
    "same",
    "should",
    "some",
    "such",
    "than",
    "that",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "under",
    "until",
    "very",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "whom",
    "will",
    "with",
    "would",
    "your",
    "yours",
    "yourself",
    "might",
    "many",
    "often",
    "without",
    "within",
    "still",
    "where",
    "whose",
    "will",
    "cannot",
];

/// Distinct plain words of the corpus for title suffixes: lowercase letters
/// only, 5 to 10 long, no stop words, sorted so a seed always picks the same.
fn suffix_words(sources: &[Source]) -> Vec<String> {
    let stop: HashSet<&str> = STOPWORDS.iter().copied().collect();
    let mut words: Vec<String> = sources
        .iter()
        .flat_map(|s| s.sections.iter().map(|(_, t)| t.as_str()))
        .flat_map(|t| t.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|w| {
            (5..=10).contains(&w.len())
                && w.bytes().all(|b| b.is_ascii_lowercase())
                && !stop.contains(w)
        })
        .map(str::to_string)
        .collect();
    words.sort();
    words.dedup();
    words
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A unique pair of words for the `j`th page of a folder, with no number in
/// it: `j` goes through an invertible map of `0..V²` (a multiplier coprime
/// with V²), then reads as two digits in base V. A pair of the same word
/// stands for that word alone, so the suffixes stay unique.
fn suffix_for(j: usize, words: &[String], seed: u64) -> (String, Option<String>) {
    let v = words.len() as u64;
    let space = v * v;
    let mut multiplier = 1_000_003 + (seed % 1000) * 2;
    while gcd(multiplier, space) != 1 {
        multiplier += 1;
    }
    let index = ((j as u64 % space) * multiplier + seed * 7919) % space;
    let (a, b) = ((index / v) as usize, (index % v) as usize);
    if a == b {
        (words[a].clone(), None)
    } else {
        (words[a].clone(), Some(words[b].clone()))
    }
}

/// How many pages each folder gets: the bundled proportions, rounded so they add up to `total`.
fn shares(sources: &[Source], total: usize) -> Vec<(String, usize)> {
    let mut folders: BTreeMap<String, usize> = BTreeMap::new();
    for s in sources {
        *folders.entry(s.folder.clone()).or_default() += 1;
    }
    let n = sources.len();
    let mut out: Vec<(String, usize, f64)> = folders
        .into_iter()
        .map(|(f, c)| {
            let exact = total as f64 * c as f64 / n as f64;
            (f, exact.floor() as usize, exact.fract())
        })
        .collect();
    let mut left = total - out.iter().map(|o| o.1).sum::<usize>();
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|&a, &b| out[b].2.total_cmp(&out[a].2).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        out[i].1 += 1;
        left -= 1;
    }
    out.into_iter().map(|(f, c, _)| (f, c)).collect()
}

/// The last part of a slug, cut to its first four words.
fn short_name(slug: &str) -> String {
    let last = slug.rsplit('/').next().unwrap_or(slug);
    last.split('-').take(4).collect::<Vec<_>>().join("-")
}

fn plan(sources: &[Source], total: usize, seed: u64) -> Result<Vec<Planned>> {
    let words = suffix_words(sources);
    if words.len() < 50 {
        bail!("the source corpus has too few distinct words to name pages");
    }
    let mut planned = Vec::with_capacity(total);
    for (folder, count) in shares(sources, total) {
        let mut bases: Vec<usize> = (0..sources.len())
            .filter(|&i| sources[i].folder == folder)
            .collect();
        let mut rng = Rng::new(mix(seed, fnv(0xcbf2_9ce4_8422_2325, folder.as_bytes())));
        rng.shuffle(&mut bases);
        let split = count > 1000;
        for j in 0..count {
            let base = bases[j % bases.len()];
            let suffix = suffix_for(j, &words, seed);
            let name = match &suffix {
                (a, Some(b)) => format!("{}-{a}-{b}", short_name(&sources[base].slug)),
                (a, None) => format!("{}-{a}", short_name(&sources[base].slug)),
            };
            let slug = if split {
                format!("{folder}/part-{:03}/{name}", j / 1000 + 1)
            } else {
                format!("{folder}/{name}")
            };
            planned.push(Planned { slug, base, suffix });
        }
    }
    Ok(planned)
}

/// What every derived page draws on: the sources, sections and paragraphs by
/// folder, the synonyms, and which derived pages stand for each bundled one.
struct Mixer<'a> {
    sources: &'a [Source],
    /// (folder, heading) → (source, section) that have it.
    sections: HashMap<(String, String), Vec<(usize, usize)>>,
    /// folder → plain paragraphs of its pages.
    paragraphs: HashMap<String, Vec<String>>,
    /// folder → tags used in it.
    tags: HashMap<String, Vec<String>>,
    /// bundled slug → slugs of the pages derived from it.
    derived: HashMap<String, Vec<String>>,
    thesaurus: Thesaurus,
    staff: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
enum Block {
    List,
    Table,
    Heading,
    Paragraph,
}

fn block_kind(block: &str) -> Block {
    let first = block.lines().next().unwrap_or("");
    if first.starts_with('#') {
        Block::Heading
    } else if first.starts_with('|') {
        Block::Table
    } else if list_marker(first).is_some() {
        Block::List
    } else {
        Block::Paragraph
    }
}

/// The length of a top-level list marker (`- `, `* `, `12. `) that starts a line.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && line[digits..].starts_with(". ")).then_some(digits + 2)
}

fn is_ordered(line: &str) -> bool {
    line.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

impl<'a> Mixer<'a> {
    fn new(sources: &'a [Source], planned: &[Planned], synonyms: &str) -> Mixer<'a> {
        let mut sections: HashMap<(String, String), Vec<(usize, usize)>> = HashMap::new();
        let mut paragraphs: HashMap<String, Vec<String>> = HashMap::new();
        let mut tags: HashMap<String, Vec<String>> = HashMap::new();
        let mut staff: Vec<String> = Vec::new();
        for (i, s) in sources.iter().enumerate() {
            for (k, (heading, text)) in s.sections.iter().enumerate() {
                sections
                    .entry((s.folder.clone(), heading.clone()))
                    .or_default()
                    .push((i, k));
                for block in text.split("\n\n") {
                    let block = block.trim_matches('\n');
                    if block_kind(block) == Block::Paragraph && block.len() > 80 {
                        paragraphs
                            .entry(s.folder.clone())
                            .or_default()
                            .push(block.to_string());
                    }
                }
            }
            tags.entry(s.folder.clone())
                .or_default()
                .extend(s.meta.tags.iter().cloned());
            if let Some(p) = &s.meta.provision
                && !staff.contains(&p.staff)
            {
                staff.push(p.staff.clone());
            }
        }
        if staff.is_empty() {
            staff.push("teaching-assistant".into());
        }
        staff.sort();
        let mut derived: HashMap<String, Vec<String>> = HashMap::new();
        for p in planned {
            derived
                .entry(sources[p.base].slug.clone())
                .or_default()
                .push(p.slug.clone());
        }
        let corpus: Vec<&str> = sources
            .iter()
            .flat_map(|s| {
                std::iter::once(s.meta.summary.as_str())
                    .chain(s.sections.iter().map(|(_, t)| t.as_str()))
            })
            .collect();
        Mixer {
            sources,
            sections,
            paragraphs,
            tags,
            derived,
            thesaurus: Thesaurus::new(synonyms, &corpus),
            staff,
        }
    }

    /// A source page of the same folder other than `base`, for borrowing.
    fn donor(&self, base: usize, rng: &mut Rng) -> &'a Source {
        let folder = &self.sources[base].folder;
        for _ in 0..8 {
            let d = rng.below(self.sources.len());
            if d != base && &self.sources[d].folder == folder {
                return &self.sources[d];
            }
        }
        &self.sources[base]
    }

    fn page(&self, p: &Planned, seed: u64, index: usize) -> String {
        let mut rng = Rng::new(mix(seed, index as u64));
        let base = &self.sources[p.base];
        let meta = self.meta(p, &mut rng);
        let mut body = String::with_capacity(8192);
        body.push_str(&self.vary_text(&base.preamble, &base.folder, &mut rng));
        for (heading, text) in &base.sections {
            let borrowed = if heading != "## Related" && rng.chance(0.45) {
                self.sections
                    .get(&(base.folder.clone(), heading.clone()))
                    .filter(|c| c.len() > 1)
                    .map(|c| {
                        let (s, k) = *rng.pick(c);
                        self.sources[s].sections[k].1.as_str()
                    })
            } else {
                None
            };
            body.push_str(heading);
            body.push('\n');
            body.push_str(&self.vary_text(borrowed.unwrap_or(text), &base.folder, &mut rng));
        }
        let body = self.relink(&body, &mut rng);
        let mut out = front_matter(&meta, &mut rng);
        out.push_str(body.trim_start_matches('\n'));
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }

    fn meta(&self, p: &Planned, rng: &mut Rng) -> Meta {
        let base = &self.sources[p.base];
        let donor = self.donor(p.base, rng);
        let mut m = base.meta.clone();
        m.title = match &p.suffix {
            (a, Some(b)) => format!("{}: {a} and {b}", m.title),
            (a, None) => format!("{}: {a}", m.title),
        };
        m.summary = self.thesaurus.vary(&m.summary, rng, 0.6);
        let classified = matches!(m.kind.as_str(), "strategy" | "resource");
        if classified && rng.chance(0.3) {
            add_one(&mut m.needs, &donor.meta.needs, rng);
        }
        if rng.chance(0.3) {
            add_one(&mut m.ingredients, &donor.meta.ingredients, rng);
        }
        if rng.chance(0.25) {
            add_one(&mut m.pfa, &donor.meta.pfa, rng);
        }
        if rng.chance(0.25) {
            add_one(&mut m.cycle, &donor.meta.cycle, rng);
        }
        if m.phases.len() > 1 && rng.chance(0.2) {
            let drop = rng.below(m.phases.len());
            m.phases.remove(drop);
        }
        if classified && donor.meta.tier.is_some() && rng.chance(0.15) {
            m.tier = donor.meta.tier.clone();
        }
        // Tags: the page's own, a few of its folder's, in a new order.
        let mut tags = m.tags.clone();
        if let Some(pool) = self.tags.get(&base.folder) {
            for _ in 0..rng.below(3) {
                let tag = rng.pick(pool);
                if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                    tags.push(tag.clone());
                }
            }
        }
        rng.shuffle(&mut tags);
        m.tags = tags;
        let needs_provision =
            m.kind == "strategy" && matches!(m.tier.as_deref(), Some("targeted" | "specialist"));
        if needs_provision || m.provision.is_some() {
            let mut p = m
                .provision
                .clone()
                .or_else(|| donor.meta.provision.clone())
                .unwrap_or_default();
            p.sessions_per_week = *rng.pick(&[1.0, 2.0, 3.0, 3.0, 4.0, 5.0]);
            p.session_minutes = *rng.pick(&[10.0, 15.0, 20.0, 20.0, 30.0, 45.0, 60.0]);
            p.weeks = *rng.pick(&[6.0, 6.0, 8.0, 10.0, 12.0, 20.0, 36.0]);
            p.group_size = 1 + rng.below(6) as u32;
            if p.staff.is_empty() || rng.chance(0.2) {
                p.staff = rng.pick(&self.staff).clone();
            }
            m.provision = Some(p);
        }
        if m.kind == "strategy" && m.evidence.is_none() {
            m.evidence = Some(("practice".into(), Vec::new()));
        }
        m
    }

    /// Varies a run of Markdown: list items reordered, some paragraphs
    /// swapped for another page's, wordings swapped for synonyms.
    fn vary_text(&self, text: &str, folder: &str, rng: &mut Rng) -> String {
        let mut out = String::with_capacity(text.len() + 64);
        let mut first = true;
        for block in text.split("\n\n") {
            if !first {
                out.push_str("\n\n");
            }
            first = false;
            let kind = block_kind(block.trim_start_matches('\n'));
            let varied = match kind {
                Block::List if rng.chance(0.5) => reorder_list(block, rng),
                Block::Paragraph if rng.chance(0.12) => match self.paragraphs.get(folder) {
                    Some(pool) if !block.trim().is_empty() => rng.pick(pool).clone(),
                    _ => block.to_string(),
                },
                _ => block.to_string(),
            };
            if kind == Block::Heading {
                out.push_str(&varied);
                continue;
            }
            let mut lines = varied.split('\n').peekable();
            while let Some(line) = lines.next() {
                if line.starts_with('#') {
                    out.push_str(line);
                } else {
                    out.push_str(&self.thesaurus.vary(line, rng, 0.35));
                }
                if lines.peek().is_some() {
                    out.push('\n');
                }
            }
        }
        out
    }

    /// Internal links point at pages of the generated set: a link to a
    /// bundled page goes to one derived from it, or becomes plain text when
    /// none was; links to the portal's own routes stay; anchors are dropped
    /// (headings differ between derived pages).
    fn relink(&self, body: &str, rng: &mut Rng) -> String {
        let mut out = String::with_capacity(body.len());
        let mut rest = body;
        while let Some(open) = rest.find('[') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let link = after.find(']').and_then(|close| {
                let text = &after[..close];
                let target_start = close + 1;
                if text.contains('[') || !after[target_start..].starts_with('(') {
                    return None;
                }
                let target_len = after[target_start + 1..].find(')')?;
                let target = &after[target_start + 1..target_start + 1 + target_len];
                Some((text, target, target_start + 1 + target_len + 1))
            });
            let Some((text, target, used)) = link else {
                out.push('[');
                rest = after;
                continue;
            };
            rest = &after[used..];
            if !(target.starts_with('/') || target.starts_with('#')) {
                out.push_str(&format!("[{text}]({target})"));
                continue;
            }
            let path = target.split(['#', '?']).next().unwrap_or("");
            let slug = path.trim_matches('/');
            let route = slug.is_empty() && !target.starts_with('#')
                || ["needs/", "tiers/", "ingredients/"]
                    .iter()
                    .any(|p| slug.starts_with(p))
                || ["search", "plan", "status"].contains(&slug);
            if route {
                out.push_str(&format!("[{text}]({target})"));
            } else if let Some(pages) = self.derived.get(slug).filter(|p| !p.is_empty()) {
                out.push_str(&format!("[{text}](/{})", rng.pick(pages)));
            } else {
                out.push_str(text);
            }
        }
        out.push_str(rest);
        out
    }
}

fn add_one(list: &mut Vec<String>, from: &[String], rng: &mut Rng) {
    if from.is_empty() {
        return;
    }
    let pick = rng.pick(from);
    if !list.contains(pick) {
        list.push(pick.clone());
    }
}

/// A list block with its top-level items in a new order (ordered lists renumbered).
fn reorder_list(block: &str, rng: &mut Rng) -> String {
    let trimmed = block.trim_end_matches('\n');
    let tail = &block[trimmed.len()..];
    let mut items: Vec<Vec<&str>> = Vec::new();
    let mut lead: Vec<&str> = Vec::new();
    for line in trimmed.split('\n') {
        if list_marker(line).is_some() {
            items.push(vec![line]);
        } else if let Some(item) = items.last_mut() {
            item.push(line);
        } else {
            lead.push(line);
        }
    }
    if items.len() < 2 {
        return block.to_string();
    }
    let ordered = is_ordered(items[0][0]);
    rng.shuffle(&mut items);
    let mut out: Vec<String> = lead.iter().map(|l| l.to_string()).collect();
    for (n, item) in items.iter().enumerate() {
        for (k, line) in item.iter().enumerate() {
            if k == 0 && ordered {
                let marker = list_marker(line).unwrap_or(0);
                out.push(format!("{}. {}", n + 1, &line[marker..]));
            } else {
                out.push(line.to_string());
            }
        }
    }
    out.join("\n") + tail
}

/// A YAML string in double quotes.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn id_list(ids: &[String]) -> String {
    format!("[{}]", ids.join(", "))
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn front_matter(m: &Meta, rng: &mut Rng) -> String {
    let mut y = String::from("---\n");
    let mut line = |s: String| {
        y.push_str(&s);
        y.push('\n');
    };
    line(format!("title: {}", quoted(&m.title)));
    line(format!("summary: {}", quoted(&m.summary)));
    line(format!("kind: {}", m.kind));
    if !m.needs.is_empty() {
        line(format!("needs: {}", id_list(&m.needs)));
    }
    if let Some(tier) = &m.tier {
        line(format!("tier: {tier}"));
    }
    if !m.ingredients.is_empty() {
        line(format!("ingredients: {}", id_list(&m.ingredients)));
    }
    if !m.phases.is_empty() {
        line(format!("phases: {}", id_list(&m.phases)));
    }
    if !m.pfa.is_empty() {
        line(format!("pfa: {}", id_list(&m.pfa)));
    }
    if !m.cycle.is_empty() {
        line(format!("cycle: {}", id_list(&m.cycle)));
    }
    if !m.tags.is_empty() {
        let tags: Vec<String> = m.tags.iter().map(|t| quoted(t)).collect();
        line(format!("tags: [{}]", tags.join(", ")));
    }
    if !m.links.is_empty() {
        line("links:".into());
        for (title, url) in &m.links {
            line(format!("  - title: {}", quoted(title)));
            line(format!("    url: {url}"));
        }
    }
    if let Some((strength, sources)) = &m.evidence {
        line("evidence:".into());
        line(format!("  strength: {strength}"));
        if sources.is_empty() {
            line("  sources: []".into());
        } else {
            line("  sources:".into());
            for (title, url) in sources {
                line(format!("    - title: {}", quoted(title)));
                line(format!("      url: {url}"));
            }
        }
    }
    if let Some(p) = &m.provision {
        line("provision:".into());
        line(format!(
            "  sessions_per_week: {}",
            number(p.sessions_per_week)
        ));
        line(format!("  session_minutes: {}", number(p.session_minutes)));
        line(format!("  weeks: {}", number(p.weeks)));
        line(format!("  group_size: {}", p.group_size));
        line(format!("  staff: {}", p.staff));
    }
    // Reviewed some time in the year up to 2026-11-23.
    let days = rng.below(365) as i64;
    let updated = jiff::civil::Date::constant(2026, 11, 23)
        .checked_sub(jiff::Span::new().days(days))
        .unwrap_or(jiff::civil::Date::constant(2026, 11, 23));
    line(format!("updated: {updated}"));
    line("---".into());
    y.push('\n');
    y
}

fn generate(source: &Path, out: &Path, pages: usize, seed: u64, reuse: bool) -> Result<()> {
    let started = Instant::now();
    let (sources, fingerprint) = read_sources(source)?;
    if sources.is_empty() {
        bail!("no pages in {}", source.display());
    }
    let stamp = format!("v1 pages={pages} seed={seed} source={fingerprint:016x}\n");
    let stamp_path = out.join(STAMP);
    if reuse && fs::read_to_string(&stamp_path).is_ok_and(|s| s == stamp) {
        eprintln!(
            "{} already holds {pages} pages from seed {seed}; kept",
            out.display()
        );
        return Ok(());
    }
    if out.exists() {
        let empty = fs::read_dir(out)?.next().is_none();
        if !empty && !stamp_path.exists() {
            bail!(
                "{} exists and was not written by `waymark-bench gen`; choose another folder",
                out.display()
            );
        }
        fs::remove_dir_all(out).with_context(|| format!("removing {}", out.display()))?;
    }
    fs::create_dir_all(out)?;
    for entry in fs::read_dir(source)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            fs::copy(entry.path(), out.join(entry.file_name()))?;
        }
    }
    let synonyms = fs::read_to_string(source.join("synonyms.yaml")).unwrap_or_default();
    let planned = plan(&sources, pages, seed)?;
    let mixer = Mixer::new(&sources, &planned, &synonyms);
    let mut folders: Vec<PathBuf> = planned
        .iter()
        .filter_map(|p| out.join(&p.slug).parent().map(Path::to_path_buf))
        .collect();
    folders.sort();
    folders.dedup();
    for f in &folders {
        fs::create_dir_all(f)?;
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let written: Result<Vec<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (mixer, planned) = (&mixer, &planned);
                scope.spawn(move || -> Result<u64> {
                    let mut bytes = 0;
                    for i in (t..planned.len()).step_by(threads) {
                        let text = mixer.page(&planned[i], seed, i);
                        bytes += text.len() as u64;
                        let path = out.join(format!("{}.md", planned[i].slug));
                        fs::write(&path, text).with_context(|| format!("{}", path.display()))?;
                    }
                    Ok(bytes)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| anyhow!("a writer thread panicked"))?)
            .collect()
    });
    let bytes: u64 = written?.iter().sum();
    fs::write(&stamp_path, stamp)?;
    eprintln!(
        "wrote {pages} pages ({:.1} MB of Markdown, {:.0} bytes a page) to {} in {:.1} s",
        bytes as f64 / 1e6,
        bytes as f64 / pages.max(1) as f64,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ------------------------------------------------------- build and search

fn load(content: &Path) -> Result<(Site, Duration)> {
    let started = Instant::now();
    let site = Site::load(&LoadOptions::new(content))
        .map_err(|e| anyhow!("cannot load {}: {e}", content.display()))?;
    Ok((site, started.elapsed()))
}

fn build(content: &Path, corpus: &str, round: u32, heap: bool) -> Result<()> {
    // Freed memory counts only what was allocated while counting, so the
    // counters start at zero and the build is nearly all that runs.
    COUNTING.store(heap, Ordering::Relaxed);
    let (site, elapsed) = load(content)?;
    COUNTING.store(false, Ordering::Relaxed);
    let (peak, now) = memory_kib();
    let mib = |n: usize| n as f64 / 1_048_576.0;
    if heap {
        let (live, top) = (LIVE.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed));
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
    // Where the memory goes: the texts each page keeps, and the index.
    // (Pages no longer keep their HTML; it is made when a page is shown.)
    let (mut markdown, mut text) = (0, 0);
    for page in &site.pages {
        markdown += page.markdown.len();
        text += page.text.len();
    }
    emit("held_markdown_mib", corpus, round, mib(markdown), "MiB");
    emit("held_text_mib", corpus, round, mib(text), "MiB");
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
fn update(content: &Path, runs: u32, corpus: &str) -> Result<()> {
    let options = LoadOptions::new(content);
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

/// The query strings of a file: one a line, `#` comments and blanks skipped.
fn read_queries(path: &Path) -> Result<Vec<String>> {
    let text = fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn search(content: &Path, queries: &Path, iterations: u32, corpus: &str) -> Result<()> {
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

/// Values a query may filter on: every id of every facet.
fn filter_values(taxonomy: &Taxonomy) -> Vec<(&'static str, String)> {
    let mut values = Vec::new();
    for facet in Facet::ALL {
        for term in taxonomy.terms(facet) {
            values.push((facet.name(), term.id.to_string()));
        }
    }
    values
}

fn write_queries(base: &Path, out: &Path, count: usize, seed: u64) -> Result<()> {
    let taxonomy = Taxonomy::builtin();
    let lines = read_queries(base)?;
    // The words of each base query, as they would be typed.
    let words: Vec<String> = lines
        .iter()
        .filter_map(|l| {
            form_urlencoded::parse(l.as_bytes())
                .find(|(k, _)| k == "q")
                .map(|(_, v)| v.into_owned())
        })
        .filter(|q| !q.trim().is_empty())
        .collect();
    let filters = filter_values(&taxonomy);
    let common: Vec<(&str, &str)> = vec![
        ("phase", "early-years"),
        ("phase", "primary"),
        ("phase", "secondary"),
        ("phase", "post-16"),
        ("tier", "universal"),
        ("tier", "targeted"),
        ("kind", "strategy"),
        ("kind", "resource"),
    ];
    let mut rng = Rng::new(seed);
    let mut seen: HashSet<String> = HashSet::new();
    let mut result: Vec<String> = Vec::new();
    // Every base query as it is, then words with filters teachers tick.
    for l in &lines {
        if seen.insert(l.clone()) {
            result.push(l.clone());
        }
    }
    let mut attempts = 0;
    while result.len() < count && attempts < count * 50 {
        attempts += 1;
        let mut s = form_urlencoded::Serializer::new(String::new());
        let q = rng.pick(&words);
        // Now and then a typo: two letters swapped.
        if q.len() > 5 && rng.chance(0.08) {
            let mut bytes = q.clone().into_bytes();
            let i = 1 + rng.below(bytes.len() - 2);
            if bytes[i].is_ascii_alphabetic() && bytes[i + 1].is_ascii_alphabetic() {
                bytes.swap(i, i + 1);
            }
            s.append_pair("q", &String::from_utf8(bytes).unwrap_or_else(|_| q.clone()));
        } else {
            s.append_pair("q", q);
        }
        let n = [0, 1, 1, 1, 2, 2, 3][rng.below(7)];
        let mut ticked: Vec<(&str, &str)> = Vec::new();
        for _ in 0..n {
            let (k, v) = if rng.chance(0.5) {
                *rng.pick(&common)
            } else {
                let (k, v) = rng.pick(&filters);
                (*k, v.as_str())
            };
            if !ticked.contains(&(k, v)) {
                ticked.push((k, v));
                s.append_pair(k, v);
            }
        }
        if rng.chance(0.05) {
            s.append_pair("sort", "updated");
        }
        let line = s.finish();
        if parse_search(Some(&line), &taxonomy).is_ok() && seen.insert(line.clone()) {
            result.push(line);
        }
    }
    if result.len() < count {
        bail!("could only make {} distinct queries", result.len());
    }
    result.truncate(count.max(lines.len()));
    let mut file = fs::File::create(out)?;
    for line in &result {
        writeln!(file, "{line}")?;
    }
    eprintln!(
        "wrote {} distinct queries to {}",
        result.len(),
        out.display()
    );
    Ok(())
}

// ----------------------------------------------------------------- render

fn render(content: &Path, out: &Path) -> Result<()> {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    let started = Instant::now();
    let (site, _) = load(content)?;
    let slugs: Vec<String> = site.pages.iter().map(|p| p.slug.clone()).collect();
    let app = waymark::web::app(waymark::web::AppState::new(site));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let bytes = runtime.block_on(async move {
        let mut bytes = 0usize;
        let mut tasks = tokio::task::JoinSet::new();
        let mut pending = slugs.into_iter();
        loop {
            while tasks.len() < 16 {
                let Some(slug) = pending.next() else { break };
                let app = app.clone();
                let out = out.to_path_buf();
                tasks.spawn(async move {
                    let request = Request::get(format!("/{slug}")).body(Body::empty())?;
                    let response = app.oneshot(request).await?;
                    if !response.status().is_success() {
                        bail!("/{slug} answered {}", response.status());
                    }
                    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
                    let dir = out.join(&slug);
                    tokio::fs::create_dir_all(&dir).await?;
                    tokio::fs::write(dir.join("index.html"), &body).await?;
                    Ok::<usize, anyhow::Error>(body.len())
                });
            }
            match tasks.join_next().await {
                Some(done) => bytes += done??,
                None => break,
            }
        }
        Ok::<usize, anyhow::Error>(bytes)
    })?;
    eprintln!(
        "rendered {:.1} MB of HTML to {} in {:.1} s",
        bytes as f64 / 1e6,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ------------------------------------------------------ a real server

/// A port on 127.0.0.1 that nothing listens on just now.
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A plain HTTP/1.1 GET on a new connection: (status, body).
fn http_get(addr: SocketAddr, target: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_nodelay(true)?;
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    Ok((status, body))
}

/// A `waymark serve` child, stopped when dropped.
struct Server {
    child: std::process::Child,
    addr: SocketAddr,
}

impl Server {
    fn spawn(bin: &Path, content: &Path, watch: bool) -> Result<Server> {
        let port = free_port()?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut command = Process::new(bin);
        command
            .arg("serve")
            .arg("--content")
            .arg(content)
            .arg("--addr")
            .arg(addr.to_string())
            // No staff listener: runs side by side must not contend for 3001.
            .args(["--admin-addr", "off"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if !watch {
            command.arg("--no-watch");
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        Ok(Server { child, addr })
    }

    /// Polls /healthz every millisecond until it answers 200.
    fn wait_healthy(&mut self, limit: Duration) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Ok((200, _)) = http_get(self.addr, "/healthz") {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited with {status} before it was healthy");
            }
            if started.elapsed() > limit {
                bail!("no 200 from /healthz within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn coldstart(bin: &Path, content: &Path, runs: u32, corpus: &str, no_watch: bool) -> Result<()> {
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

/// A word no page holds and no spelling correction reaches: ten random letters.
fn unique_word(rng: &mut Rng) -> String {
    (0..10)
        .map(|_| (b'a' + rng.below(26) as u8) as char)
        .collect::<String>()
}

fn reload(bin: &Path, content: &Path, runs: u32, corpus: &str) -> Result<()> {
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

// ----------------------------------------------------------------- report

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
    ("coldstart_nowatch_ms", "cold start with --no-watch"),
    ("reload_ms", "live reload: save to visible in /api/search"),
    (
        "update_ms",
        "live reload in process: Site::update for one page",
    ),
    ("held_markdown_mib", "held after a build: pages' Markdown"),
    ("held_text_mib", "held after a build: pages' plain text"),
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
    ("html_mib", "rendered HTML given to Pagefind"),
];

const CORPORA: &[&str] = &["bundled", "10k", "100k"];

fn report(path: &Path) -> Result<()> {
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
        // Pagefind's time over Waymark's build: both medians of the same run.
        if let (Some(p), Some(b)) = (med("pagefind_ms", corpus), med("build_ms", corpus)) {
            ratios.insert(
                (
                    "Pagefind time ÷ Waymark build time".into(),
                    corpus.to_string(),
                ),
                vec![p / b],
            );
        }
        if let (Some(w), Some(b)) = (med("pagefind_ms", corpus), med("build_wall_ms", corpus)) {
            ratios.insert(
                (
                    "Pagefind time ÷ Waymark build command (whole process)".into(),
                    corpus.to_string(),
                ),
                vec![w / b],
            );
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
    for corpus in CORPORA {
        let r = ratio_med("Pagefind time ÷ Waymark build time", corpus);
        if r.is_some() {
            at_least(
                &format!("build ≥ 10× faster than Pagefind ({corpus})"),
                r,
                10.0,
                "×",
            );
        }
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
    Ok(())
}
