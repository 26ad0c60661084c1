//! "Searched and not found": which queries found nothing, so editors can see
//! what teachers look for and do not find.
//!
//! Only normalised query text and a count are kept: no address, no time, no
//! person. The table is bounded, and a query is shown only once it has been
//! seen at least [`MIN_SHOWN`] times, so a child's name typed once never is.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::search::synonyms::words;

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

/// Lower-case words joined by single spaces, cut to 100 characters.
pub fn normalise(q: &str) -> Option<String> {
    let joined = words(q).join(" ");
    let cut: String = joined.chars().take(MAX_CHARS).collect();
    (!cut.is_empty()).then_some(cut)
}

impl MissingQueries {
    /// Counts a search that found nothing.
    pub fn record(&self, q: &str, total: usize) {
        if total > 0 {
            return;
        }
        let Some(key) = normalise(q) else { return };
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

    #[test]
    fn shows_only_queries_seen_three_times_normalised() {
        let m = MissingQueries::default();
        for q in [
            "Weighted  Blanket",
            "weighted blanket",
            "WEIGHTED blanket!",
            "a child's name",
        ] {
            m.record(q, 0);
        }
        m.record("found something", 4);
        assert_eq!(m.top(10), [("weighted blanket".to_string(), 3)]);
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn stays_bounded_under_a_flood_of_distinct_queries() {
        let m = MissingQueries::default();
        for _ in 0..3 {
            m.record("sensory room", 0);
        }
        for i in 0..(CAPACITY * 4) {
            m.record(&format!("query number {i}"), 0);
        }
        assert!(m.len() <= CAPACITY);
        assert_eq!(
            m.top(1),
            [("sensory room".to_string(), 3)],
            "a frequent query survives the flood"
        );
    }
}
