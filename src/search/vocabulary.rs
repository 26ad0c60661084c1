//! The words of the corpus, for typo tolerance and "did you mean": a word a
//! query uses that no page contains is matched to the nearest words that do.

use rustc_hash::FxHashMap;

/// Every word in the pages' titles, summaries, tags and bodies, with how many
/// times it occurs.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    counts: FxHashMap<String, u32>,
    /// Words grouped by length in characters, so a look-up only compares
    /// words whose length could be within the allowed edits.
    by_len: Vec<Vec<String>>,
}

/// How many typos a word may hold: none under five letters, one from five,
/// two from nine (the defaults Meilisearch uses).
pub fn allowed_typos(word: &str) -> usize {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

impl Vocabulary {
    pub fn add_text(&mut self, text: &str) {
        each_word(text, |word| match self.counts.get_mut(word) {
            Some(n) => *n += 1,
            None => {
                self.counts.insert(word.to_string(), 1);
            }
        });
    }

    /// The vocabulary of tokens as the index's tokenizer wrote them, with
    /// their counts (the same words [`add_text`](Self::add_text) finds, in
    /// lower case and summed; call `finish` after).
    pub fn from_token_counts(tokens: FxHashMap<String, u32>) -> Vocabulary {
        let mut counts: FxHashMap<String, u32> = FxHashMap::default();
        counts.reserve(tokens.len());
        for (token, n) in tokens {
            // A token is one word of `each_word`: lower it the same way.
            let word = if token
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            {
                token
            } else if token.is_ascii() {
                token.to_ascii_lowercase()
            } else {
                token.to_lowercase()
            };
            *counts.entry(word).or_insert(0) += n;
        }
        Vocabulary {
            counts,
            by_len: Vec::new(),
        }
    }

    /// Adds another vocabulary's counts to this one (call `finish` after).
    pub fn merge(mut self, other: Vocabulary) -> Vocabulary {
        if self.counts.len() < other.counts.len() {
            return other.merge(self);
        }
        for (word, n) in other.counts {
            *self.counts.entry(word).or_insert(0) += n;
        }
        self
    }

    /// Takes back a text added before (a page replaced or removed).
    pub fn remove_text(&mut self, text: &str) {
        each_word(text, |word| {
            if let Some(n) = self.counts.get_mut(word) {
                *n -= 1;
                if *n == 0 {
                    self.counts.remove(word);
                }
            }
        });
    }

    /// Every word with its count, in no order: what the index cache keeps.
    pub fn counts(&self) -> impl Iterator<Item = (&str, u32)> {
        self.counts.iter().map(|(w, &n)| (w.as_str(), n))
    }

    /// A finished vocabulary from words and their counts (see [`Vocabulary::counts`]).
    pub fn from_counts(counts: impl IntoIterator<Item = (String, u32)>) -> Vocabulary {
        let mut vocabulary = Vocabulary {
            counts: counts.into_iter().collect(),
            by_len: Vec::new(),
        };
        vocabulary.finish();
        vocabulary
    }

    /// Call once after adding or removing texts.
    pub fn finish(&mut self) {
        let mut by_len: Vec<Vec<String>> = Vec::new();
        for word in self.counts.keys() {
            let n = word.chars().count();
            if by_len.len() <= n {
                by_len.resize(n + 1, Vec::new());
            }
            by_len[n].push(word.clone());
        }
        for list in &mut by_len {
            list.sort();
        }
        self.by_len = by_len;
    }

    pub fn contains(&self, word: &str) -> bool {
        self.counts.contains_key(word)
    }

    /// The closest known words to a word the corpus does not contain, within
    /// the allowed typos; the most frequent first, at most `limit`.
    pub fn corrections(&self, word: &str, limit: usize) -> Vec<&str> {
        let allowed = allowed_typos(word);
        if allowed == 0 || self.contains(word) {
            return Vec::new();
        }
        let n = word.chars().count();
        let letters = Letters::of(word);
        let mut best: Vec<(usize, u32, &str)> = Vec::new();
        for len in n.saturating_sub(allowed)..=n + allowed {
            for candidate in self.by_len.get(len).into_iter().flatten() {
                if letters.too_far(candidate, allowed) {
                    continue;
                }
                let d = strsim::damerau_levenshtein(word, candidate);
                if d <= allowed {
                    best.push((d, self.counts[candidate], candidate));
                }
            }
        }
        best.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        let Some(&(closest, _, _)) = best.first() else {
            return Vec::new();
        };
        best.into_iter()
            .take_while(|(d, _, _)| *d == closest)
            .take(limit)
            .map(|(_, _, w)| w)
            .collect()
    }
}

/// Calls `f` with each word of `text` in lower case: the words of
/// `synonyms::words`, but without a new `String` for each. This runs over
/// every word of the corpus when the index is built.
fn each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut lower = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            f(word);
        } else if word.is_ascii() {
            lower.clear();
            lower.push_str(word);
            lower.make_ascii_lowercase();
            f(&lower);
        } else {
            f(&word.to_lowercase());
        }
    }
}

/// A word's ASCII letters as counts, for a cheap lower bound on its edit
/// distance to another word: every edit adds, removes or swaps at most one
/// letter of the multiset (a transposition none), so two words whose
/// letters differ by more than `allowed` on either side are further apart
/// than that. Most of the vocabulary fails this in a few steps, and only the
/// rest is measured exactly (the answers are the same, the scan is cheaper).
struct Letters {
    counts: [u16; 128],
    len: usize,
}

impl Letters {
    fn of(word: &str) -> Letters {
        let mut counts = [0u16; 128];
        let mut len = 0;
        for b in word.bytes().filter(u8::is_ascii) {
            counts[usize::from(b)] += 1;
            len += 1;
        }
        Letters { counts, len }
    }

    /// Whether `other` is surely more than `allowed` edits away. Letters
    /// outside ASCII are left out on both sides, which only lowers the bound.
    fn too_far(&self, other: &str, allowed: usize) -> bool {
        let mut counts = self.counts;
        let (mut extra, mut matched) = (0, 0);
        for b in other.bytes().filter(u8::is_ascii) {
            let c = &mut counts[usize::from(b)];
            if *c > 0 {
                *c -= 1;
                matched += 1;
            } else {
                extra += 1;
                if extra > allowed {
                    return true;
                }
            }
        }
        self.len - matched > allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_word_gives_the_words_synonyms_reads() {
        let text = "Ear-defenders, EAR defenders; ÉCOLE 2nd\u{3a3}\u{391} ök x9 ΣΑΣ";
        let mut seen = Vec::new();
        each_word(text, |w| seen.push(w.to_string()));
        assert_eq!(seen, super::super::synonyms::words(text));
    }

    #[test]
    fn corrects_within_the_allowed_typos_only() {
        let mut v = Vocabulary::default();
        v.add_text("dyslexia autism concentration ear defenders defenders noise");
        v.finish();
        assert_eq!(v.corrections("dyslexa", 3), ["dyslexia"]);
        assert_eq!(v.corrections("autisim", 3), ["autism"]);
        assert_eq!(v.corrections("concentraton", 3), ["concentration"]);
        assert_eq!(v.corrections("defendors", 3), ["defenders"]);
        assert!(
            v.corrections("nois", 3).is_empty(),
            "four letters: no typos allowed"
        );
        assert!(
            v.corrections("autism", 3).is_empty(),
            "known words are not corrected"
        );
        assert!(v.corrections("zebra", 3).is_empty());
    }

    #[test]
    fn the_letter_bound_never_exceeds_the_distance() {
        let words = [
            "autism",
            "autsim",
            "autisim",
            "atuism",
            "dyslexia",
            "dsylexia",
            "dyslexa",
            "café",
            "cafe",
            "caffè",
            "noise",
            "noisy",
            "ear",
            "aer",
            "defenders",
            "defendors",
            "zebra",
        ];
        for a in words {
            let letters = Letters::of(a);
            for b in words {
                let d = strsim::damerau_levenshtein(a, b);
                for allowed in 0..4 {
                    if letters.too_far(b, allowed) {
                        assert!(d > allowed, "{a} {b}: {d} within {allowed}");
                    }
                }
            }
        }
    }
}
