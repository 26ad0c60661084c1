//! Lower case, stop words out, British spelling, then the English stemmer,
//! as one token filter that remembers its answers. A corpus uses a few
//! thousand distinct words many thousands of times, and these steps as
//! separate filters were the largest cost of indexing (see BENCHMARKS.md);
//! a word seen before now costs one hash look-up.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, PoisonError};

use frostem::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::spelling::british;

/// Words remembered per thread before the memory starts again.
const MAX_REMEMBERED: usize = 200_000;

/// Words too common to index or search for (the list tantivy uses for
/// English). A query's phrase keeps their places, so "out of the room"
/// still matches only those words in that order.
pub const STOP_WORDS: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

thread_local! {
    // FxHash: the keys are short words from our own pages, and SipHash's
    // protection against chosen keys costs more than the stemming it saves.
    static STEMS: RefCell<(Stemmer, FxHashMap<String, String>)> =
        RefCell::new((Stemmer::new(Algorithm::English), FxHashMap::default()));
    // Tokens as written ("Children", "the") to their terms ("children"),
    // or to nothing for a stop word.
    static TERMS: RefCell<FxHashMap<String, Option<String>>> =
        RefCell::new(FxHashMap::default());
}

/// A token as written to its indexed term: `None` for a stop word.
fn term_of(token: &str) -> Option<String> {
    // Lower case one character at a time, as tantivy's `LowerCaser` does.
    let mut lower = String::with_capacity(token.len());
    if token.is_ascii() {
        lower.push_str(token);
        lower.make_ascii_lowercase();
    } else {
        lower.extend(token.chars().flat_map(char::to_lowercase));
    }
    if STOP_WORDS.contains(&lower.as_str()) {
        return None;
    }
    normalise_in_place(&mut lower);
    Some(lower)
}

/// Replaces `token` by its term; false when it is a stop word.
fn to_term(token: &mut String) -> bool {
    TERMS.with(|cell| {
        let mut memory = cell.borrow_mut();
        if let Some(known) = memory.get(token.as_str()) {
            return match known {
                Some(term) => {
                    token.clear();
                    token.push_str(term);
                    true
                }
                None => false,
            };
        }
        let term = term_of(token);
        if memory.len() >= MAX_REMEMBERED {
            memory.clear();
        }
        memory.insert(token.clone(), term.clone());
        match term {
            Some(term) => {
                *token = term;
                true
            }
            None => false,
        }
    })
}

/// A word's British spelling, stemmed: "behaviors" gives "behaviour".
pub fn normalise(word: &str) -> String {
    let mut out = word.to_string();
    normalise_in_place(&mut out);
    out
}

/// [`normalise`], writing over `word` and reusing its allocation.
pub fn normalise_in_place(word: &mut String) {
    STEMS.with(|cell| {
        let mut cell = cell.borrow_mut();
        let (stemmer, memory) = &mut *cell;
        if let Some(stem) = memory.get(word.as_str()) {
            word.clear();
            word.push_str(stem);
            return;
        }
        let stem = stemmer.stem(&british(word)).into_owned();
        if memory.len() >= MAX_REMEMBERED {
            memory.clear();
        }
        memory.insert(std::mem::take(word), stem.clone());
        *word = stem;
    })
}

/// Tokens of this many bytes or more are not indexed (tantivy's
/// `RemoveLongFilter::limit(40)` in the plain analyser, done here when
/// counting, as the long words still count).
pub const MAX_TERM_BYTES: usize = 40;

/// Every token an index build saw, as written, with how many times: the
/// vocabulary's words, counted by the term memory's own look-up instead of a
/// second pass over the pages. Each indexing thread's filter counts on its
/// own and adds its counts here when tantivy drops it, once its segment is
/// written.
#[derive(Debug, Default)]
pub struct TokenCounts(Mutex<FxHashMap<String, u32>>);

impl TokenCounts {
    /// The counts handed in so far, leaving none.
    pub fn take(&self) -> FxHashMap<String, u32> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The token filter: tokens as written in, British stems out, stop words
/// dropped (their positions stay counted, so phrases keep their gaps).
#[derive(Clone, Debug, Default)]
pub struct EnglishTerms {
    counts: Option<Arc<TokenCounts>>,
}

impl EnglishTerms {
    /// The filter for queries and live updates, behind `RemoveLongFilter`.
    pub fn new() -> EnglishTerms {
        EnglishTerms::default()
    }

    /// The filter for a full build, straight after the tokenizer: it also
    /// counts every token into `counts`, and drops tokens too long to index
    /// itself.
    pub fn counting(counts: Arc<TokenCounts>) -> EnglishTerms {
        EnglishTerms {
            counts: Some(counts),
        }
    }
}

impl TokenFilter for EnglishTerms {
    type Tokenizer<T: Tokenizer> = EnglishTermsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        EnglishTermsFilter {
            tokenizer,
            counting: self.counts.map(|shared| Counting {
                shared,
                memory: FxHashMap::default(),
            }),
        }
    }
}

#[derive(Clone)]
pub struct EnglishTermsFilter<T> {
    tokenizer: T,
    counting: Option<Counting>,
}

/// A counting filter's own term memory: tokens as written to their terms and
/// how many times each was seen.
struct Counting {
    shared: Arc<TokenCounts>,
    memory: FxHashMap<String, Counted>,
}

struct Counted {
    term: Option<String>,
    seen: u32,
}

/// A copy starts with no counts, so each count is handed in once.
impl Clone for Counting {
    fn clone(&self) -> Counting {
        Counting {
            shared: self.shared.clone(),
            memory: FxHashMap::default(),
        }
    }
}

impl Drop for Counting {
    fn drop(&mut self) {
        if self.memory.is_empty() {
            return;
        }
        let mut shared = self.shared.0.lock().unwrap_or_else(PoisonError::into_inner);
        for (token, counted) in self.memory.drain() {
            *shared.entry(token).or_insert(0) += counted.seen;
        }
    }
}

/// [`to_term`] for a counting filter: one look-up both counts the token and
/// finds its term. False for a stop word or a token too long to index.
fn counted_term(memory: &mut FxHashMap<String, Counted>, token: &mut String) -> bool {
    if let Some(known) = memory.get_mut(token.as_str()) {
        known.seen += 1;
        return match &known.term {
            Some(term) => {
                token.clear();
                token.push_str(term);
                true
            }
            None => false,
        };
    }
    let term = if token.len() < MAX_TERM_BYTES {
        term_of(token)
    } else {
        None
    };
    memory.insert(
        token.clone(),
        Counted {
            term: term.clone(),
            seen: 1,
        },
    );
    match term {
        Some(term) => {
            *token = term;
            true
        }
        None => false,
    }
}

impl<T: Tokenizer> Tokenizer for EnglishTermsFilter<T> {
    type TokenStream<'a> = EnglishTermsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EnglishTermsStream {
            tail: self.tokenizer.token_stream(text),
            memory: self.counting.as_mut().map(|c| &mut c.memory),
        }
    }
}

pub struct EnglishTermsStream<'a, T> {
    tail: T,
    memory: Option<&'a mut FxHashMap<String, Counted>>,
}

impl<T: TokenStream> TokenStream for EnglishTermsStream<'_, T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let token = &mut self.tail.token_mut().text;
            let kept = match self.memory.as_deref_mut() {
                Some(memory) => counted_term(memory, token),
                None => to_term(token),
            };
            if kept {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_the_british_way_then_stems_and_remembers() {
        assert_eq!(normalise("behaviors"), normalise("behaviours"));
        assert_eq!(normalise("colors"), normalise("colour"));
        assert_eq!(normalise("defenders"), "defend");
        // The second time comes from memory and is the same.
        assert_eq!(normalise("defenders"), "defend");
        assert_eq!(normalise("running"), "run");
    }

    #[test]
    fn tokens_become_terms_and_stop_words_go() {
        for _ in 0..2 {
            // The second time round comes from memory.
            assert_eq!(term_of("Defenders").as_deref(), Some("defend"));
            let mut token = "Behaviors".to_string();
            assert!(to_term(&mut token));
            assert_eq!(token, normalise("behaviour"));
            let mut the = "The".to_string();
            assert!(!to_term(&mut the));
            let mut ecole = "ÉCOLE".to_string();
            assert!(to_term(&mut ecole));
            assert_eq!(ecole, normalise("école"));
        }
    }
}
