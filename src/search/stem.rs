//! Lower case, stop words out, British spelling, then the English stemmer,
//! as one token filter that remembers its answers. A corpus uses a few
//! thousand distinct words many thousands of times, and these steps as
//! separate filters were the largest cost of indexing (see BENCHMARKS.md);
//! a word seen before now costs one hash look-up.

use std::cell::RefCell;

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

/// The token filter: tokens as written in, British stems out, stop words
/// dropped (their positions stay counted, so phrases keep their gaps).
#[derive(Clone, Copy, Debug, Default)]
pub struct EnglishTerms;

impl TokenFilter for EnglishTerms {
    type Tokenizer<T: Tokenizer> = EnglishTermsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        EnglishTermsFilter { tokenizer }
    }
}

#[derive(Clone)]
pub struct EnglishTermsFilter<T> {
    tokenizer: T,
}

impl<T: Tokenizer> Tokenizer for EnglishTermsFilter<T> {
    type TokenStream<'a> = EnglishTermsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EnglishTermsStream {
            tail: self.tokenizer.token_stream(text),
        }
    }
}

pub struct EnglishTermsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for EnglishTermsStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if to_term(&mut self.tail.token_mut().text) {
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
