//! Wordings swapped within their `synonyms.yaml` group ("ear defenders" for
//! "ear muffs"), written as the corpus writes them.

use std::collections::{BTreeMap, HashMap};

use serde_yaml_ng::Value;

use crate::rng::Rng;

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
pub struct Thesaurus {
    /// Each phrase as lowercase words, with its group.
    phrases: Vec<(Vec<String>, usize)>,
    /// Phrase indexes by first word.
    by_first: HashMap<String, Vec<usize>>,
    /// Each group's members that the corpus writes, as written (the most
    /// common spelling).
    written: Vec<Vec<(usize, String)>>,
}

impl Thesaurus {
    pub fn new(yaml: &str, corpus: &[&str]) -> Thesaurus {
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
    pub fn vary(&self, line: &str, rng: &mut Rng, p: f64) -> String {
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
