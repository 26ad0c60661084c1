//! Query mixes: the fixed mix of `bench/queries.txt`, and a larger mix of
//! distinct queries for wrk (`queries`).

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use waymark::search::parse_search;
use waymark::taxonomy::{Facet, Taxonomy};

use crate::rng::Rng;

/// The query strings of a file: one a line, `#` comments and blanks skipped.
pub fn read_queries(path: &Path) -> Result<Vec<String>> {
    let text = fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
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

pub fn write_queries(base: &Path, out: &Path, count: usize, seed: u64) -> Result<()> {
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
