//! "Searched and not found": which queries found nothing, so editors can see
//! what teachers look for and do not find.
//!
//! Only normalised query text and a count are kept: no address, no time, no
//! person. A query keeps only its known words (words the content uses, or
//! words of `content/known_words.txt`, a list of everyday English
//! and SEND words), so a child's name typed into search is dropped before
//! anything is counted. The table is bounded, and a query is shown only once
//! it has been seen at least [`MIN_SHOWN`] times. The report is on the staff
//! listener's `/status` only.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::search::lexicon::is_real_word;
use crate::search::stem::STOP_WORDS;
use crate::search::synonyms::words;
use crate::site::Site;

/// Distinct queries kept at most.
pub const CAPACITY: usize = 500;
/// Times a query must be seen before it is listed.
pub const MIN_SHOWN: u64 = 3;
/// Characters of a query kept.
const MAX_CHARS: usize = 100;

#[derive(Debug, Default)]
pub struct MissingQueries {
    counts: Mutex<HashMap<String, u64>>,
}

/// Whether a lower-case word may be counted: the content (with the synonyms
/// file) uses it, or its stem is a listed word's stem.
pub fn is_known(site: &Site, word: &str) -> bool {
    site.search.vocabulary.contains(word) || is_real_word(word)
}

/// The query's known words, lower case, joined by single spaces and cut to
/// 100 characters; `None` when no known word is left. Stop words ("for",
/// "the") are dropped too: alone they say nothing about what was missing.
pub fn normalise(q: &str, known: impl Fn(&str) -> bool) -> Option<String> {
    let kept: Vec<String> = words(q)
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()) && known(w))
        .collect();
    let cut: String = kept.join(" ").chars().take(MAX_CHARS).collect();
    (!cut.is_empty()).then_some(cut)
}

impl MissingQueries {
    /// Counts a search on `site` that found nothing, by its known words.
    pub fn record(&self, q: &str, total: usize, site: &Site) {
        if total > 0 {
            return;
        }
        if let Some(key) = normalise(q, |w| is_known(site, w)) {
            self.count(key);
        }
    }

    fn count(&self, key: String) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        if let Some(n) = counts.get_mut(&key) {
            *n += 1;
            return;
        }
        if counts.len() >= CAPACITY {
            // Make room by forgetting the least-seen query.
            if let Some(least) = counts
                .iter()
                .min_by_key(|(_, n)| **n)
                .map(|(k, _)| k.clone())
            {
                counts.remove(&least);
            }
        }
        counts.insert(key, 1);
    }

    /// The most frequent queries seen at least [`MIN_SHOWN`] times.
    pub fn top(&self, n: usize) -> Vec<(String, u64)> {
        let Ok(counts) = self.counts.lock() else {
            return Vec::new();
        };
        let mut list: Vec<(String, u64)> = counts
            .iter()
            .filter(|(_, c)| **c >= MIN_SHOWN)
            .map(|(q, c)| (q.clone(), *c))
            .collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list.truncate(n);
        list
    }

    pub fn len(&self) -> usize {
        self.counts.lock().map_or(0, |c| c.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records as a search that found nothing, with every word known.
    fn miss(m: &MissingQueries, q: &str) {
        if let Some(key) = normalise(q, |_| true) {
            m.count(key);
        }
    }

    #[test]
    fn shows_only_queries_seen_three_times_normalised() {
        let m = MissingQueries::default();
        for q in [
            "Weighted  Blanket",
            "weighted blanket",
            "WEIGHTED blanket!",
            "a child's name",
        ] {
            miss(&m, q);
        }
        assert_eq!(m.top(10), [("weighted blanket".to_string(), 3)]);
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn stays_bounded_under_a_flood_of_distinct_queries() {
        let m = MissingQueries::default();
        for _ in 0..3 {
            miss(&m, "sensory room");
        }
        for i in 0..(CAPACITY * 4) {
            miss(&m, &format!("query number {i}"));
        }
        assert!(m.len() <= CAPACITY);
        assert_eq!(
            m.top(1),
            [("sensory room".to_string(), 3)],
            "a frequent query survives the flood"
        );
    }

    #[test]
    fn only_listed_words_are_kept() {
        let listed = |w: &str| is_real_word(w);
        assert_eq!(
            normalise("Trampolines for Jaydon Smithers", listed).as_deref(),
            Some("trampolines")
        );
        assert_eq!(
            normalise("ear defenders for Aisha", listed).as_deref(),
            Some("ear defenders")
        );
        assert_eq!(normalise("Jaydon Smithers", listed), None);
        assert_eq!(normalise("for the", listed), None, "stop words alone");
    }
}
