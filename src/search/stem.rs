//! British spelling then the English stemmer, as one token filter that
//! remembers its answers. A corpus uses a few thousand distinct words many
//! thousands of times, and stemming was the largest cost of indexing (see
//! BENCHMARKS.md); a word seen before costs one hash look-up.

use std::cell::RefCell;

use frostem::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::spelling::british;

/// Words remembered per thread before the memory starts again.
const MAX_REMEMBERED: usize = 200_000;

thread_local! {
    // FxHash: the keys are short words from our own pages, and SipHash's
    // protection against chosen keys costs more than the stemming it saves.
    static STEMS: RefCell<(Stemmer, FxHashMap<String, String>)> =
        RefCell::new((Stemmer::new(Algorithm::English), FxHashMap::default()));
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

/// The token filter: lowercased tokens in, British stems out.
#[derive(Clone, Copy, Debug, Default)]
pub struct BritishStemmer;

impl TokenFilter for BritishStemmer {
    type Tokenizer<T: Tokenizer> = BritishStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        BritishStemmerFilter { tokenizer }
    }
}

#[derive(Clone)]
pub struct BritishStemmerFilter<T> {
    tokenizer: T,
}

impl<T: Tokenizer> Tokenizer for BritishStemmerFilter<T> {
    type TokenStream<'a> = BritishStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        BritishStemmerStream {
            tail: self.tokenizer.token_stream(text),
        }
    }
}

pub struct BritishStemmerStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for BritishStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        normalise_in_place(&mut self.tail.token_mut().text);
        true
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
}
