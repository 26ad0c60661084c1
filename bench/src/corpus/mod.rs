//! `gen`: a content folder of N pages derived from the bundled corpus by
//! seeded recombination, so sizes scale honestly. This module names the
//! pages and writes them; `mixer` makes each one.

mod front_matter;
mod mixer;
mod source;
mod thesaurus;

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, anyhow, bail};

use crate::rng::{Rng, fnv, mix};
use mixer::Mixer;
use source::{Source, read_sources};

/// One page to write: where, and which bundled page it is derived from.
#[derive(Debug, Clone)]
pub struct Planned {
    pub slug: String,
    pub base: usize,
    pub suffix: (String, Option<String>),
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
    // The portal refuses two pages with one short id (six letters of a
    // CRC-32: at 100,000 pages a few pairs are expected to share one), so
    // a clashing page takes a number on the end, as an editor would rename it.
    let mut short_ids = std::collections::HashSet::with_capacity(total);
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
            let at = |name: &str| {
                if split {
                    format!("{folder}/part-{:03}/{name}", j / 1000 + 1)
                } else {
                    format!("{folder}/{name}")
                }
            };
            let mut slug = at(&name);
            let mut n = 2;
            while !short_ids.insert(waymark::content::page::short_id(&slug)) {
                slug = at(&format!("{name}-{n}"));
                n += 1;
            }
            planned.push(Planned { slug, base, suffix });
        }
    }
    Ok(planned)
}

pub fn generate(source: &Path, out: &Path, pages: usize, seed: u64, reuse: bool) -> Result<()> {
    let started = Instant::now();
    let (sources, fingerprint) = read_sources(source)?;
    if sources.is_empty() {
        bail!("no pages in {}", source.display());
    }
    let stamp = format!("v2 pages={pages} seed={seed} source={fingerprint:016x}\n");
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use waymark::content::LoadOptions;
    use waymark::site::Site;

    use super::generate;

    fn bundled() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
    }

    fn pages_of(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
        let mut pages: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| {
                let text = std::fs::read_to_string(e.path()).expect("a written page");
                (e.path().strip_prefix(dir).unwrap().to_path_buf(), text)
            })
            .collect();
        pages.sort();
        pages
    }

    /// A seed gives the same pages every time, and they load as a portal
    /// without an error: the corpora of BENCHMARKS.md can be remade.
    #[test]
    fn a_seed_gives_the_same_valid_corpus() {
        let work = tempfile::tempdir().expect("a temporary folder");
        let (a, b) = (work.path().join("a"), work.path().join("b"));
        generate(&bundled(), &a, 60, 8, false).expect("the first corpus");
        generate(&bundled(), &b, 60, 8, false).expect("the second corpus");
        let pages = pages_of(&a);
        assert_eq!(pages.len(), 60);
        assert!(pages == pages_of(&b), "the same seed wrote different pages");

        let site = Site::load(&LoadOptions::new(&a)).expect("the corpus loads");
        assert_eq!(site.pages.len(), 60);
        let errors: Vec<String> = site.errors().map(|p| format!("{p:?}")).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
