//! Turning what a person typed into a tantivy query.
//!
//! Words are matched across title, tags, summary and body with boosts;
//! members of a synonym group stand for the whole group; a word no page
//! contains is corrected to the nearest words that do (within the typos its
//! length allows); most of the words must match, and a page where the words
//! stand together as typed ranks higher. `"quoted phrases"` must match as
//! phrases and `-word` leaves out pages with that word. Nothing a person types
//! is a syntax error.

use tantivy::query::{BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Score, Searcher, Term};

use super::lexicon::Lexicon;
use super::schema::TITLE_WORD_BOOST;
use super::synonyms::{Synonyms, words};
use super::vocabulary::Vocabulary;

/// Free words of a query used; the rest of a longer query is ignored.
pub const MAX_WORDS: usize = 64;
/// Quoted phrases of a query used.
const MAX_PHRASES: usize = 8;
/// Unknown words of a query looked up for corrections.
const MAX_CORRECTIONS: usize = 8;
/// Boost for a word matched through a correction, so exact matches rank first.
const CORRECTED: Score = 0.4;
/// Boost for a synonym phrase's words found apart rather than together.
const APART: Score = 0.5;
/// Boost for the words standing together as typed.
const ADJACENT: Score = 1.5;
/// Boost for a stop word: it may break ties, never decide them.
const STOP: Score = 0.1;

/// The parts of a query.
#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    /// Free words, in order.
    pub words: Vec<String>,
    /// `"quoted phrases"`, each as its words.
    pub phrases: Vec<Vec<String>>,
    /// `-excluded` words.
    pub excluded: Vec<String>,
}

/// Splits a query into free words, quoted phrases and exclusions. An
/// unclosed quote runs to the end; anything else is a word.
pub fn parse(q: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut rest = q;
    while let Some(start) = rest.find('"') {
        add_words(&rest[..start], &mut parsed);
        let after = &rest[start + 1..];
        let (phrase, tail) = match after.find('"') {
            Some(end) => (&after[..end], &after[end + 1..]),
            None => (after, ""),
        };
        let w = words(phrase);
        match w.len() {
            0 => {}
            1 => parsed.words.extend(w),
            _ => parsed.phrases.push(w),
        }
        rest = tail;
    }
    add_words(rest, &mut parsed);
    parsed
}

fn add_words(text: &str, parsed: &mut Parsed) {
    for chunk in text.split_whitespace() {
        match chunk.strip_prefix('-') {
            Some(excluded) if excluded.chars().next().is_some_and(char::is_alphanumeric) => {
                parsed.excluded.extend(words(excluded));
            }
            // Single letters ("t" of "can't") carry no meaning alone.
            _ => parsed.words.extend(
                words(chunk)
                    .into_iter()
                    .filter(|w| w.chars().count() > 1 || w.chars().all(|c| c.is_ascii_digit())),
            ),
        }
    }
}

/// What a built query needs from the index.
pub struct Context<'a> {
    pub analyzer: TextAnalyzer,
    pub searcher: &'a Searcher,
    /// Text fields with their boosts.
    pub fields: &'a [(Field, Score)],
    pub synonyms: &'a Synonyms,
    pub vocabulary: &'a Vocabulary,
    pub lexicon: &'a Lexicon,
    /// The unstemmed title field, for a word as typed.
    pub title_words: Option<Field>,
}

/// A query ready to run, and the corrected text when a word was corrected.
pub struct Built {
    pub query: Box<dyn Query>,
    pub did_you_mean: Option<String>,
    /// The words that name the subject, each with its clause, for telling
    /// which of them the results match.
    pub subjects: Vec<Clause>,
}

impl Context<'_> {
    /// The index terms of some text, with their positions.
    fn tokens(&mut self, text: &str) -> Vec<(usize, String)> {
        let mut stream = self.analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.position, token.text.clone()));
        }
        out
    }

    /// Any field containing the term, with the field's boost.
    fn term(&self, token: &str) -> Box<dyn Query> {
        let clauses = self
            .fields
            .iter()
            .map(|(field, boost)| {
                let q = TermQuery::new(
                    Term::from_field_text(*field, token),
                    IndexRecordOption::WithFreqs,
                );
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), *boost)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    /// Words as a phrase (a single term when only one survives analysis).
    fn phrase(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let tokens = self.tokens(text);
        match tokens.len() {
            0 => None,
            1 => {
                let stemmed = self.term(&tokens[0].1);
                let typed = words(text);
                match (self.title_words, typed.as_slice()) {
                    (Some(field), [word]) => {
                        let exact = TermQuery::new(
                            Term::from_field_text(field, word),
                            IndexRecordOption::WithFreqs,
                        );
                        Some(Box::new(BooleanQuery::new(vec![
                            (Occur::Should, stemmed),
                            (
                                Occur::Should,
                                Box::new(BoostQuery::new(Box::new(exact), TITLE_WORD_BOOST)),
                            ),
                        ])))
                    }
                    _ => Some(stemmed),
                }
            }
            _ => {
                let first = tokens[0].0;
                let clauses = self
                    .fields
                    .iter()
                    .map(|(field, boost)| {
                        let terms = tokens
                            .iter()
                            .map(|(pos, t)| (pos - first, Term::from_field_text(*field, t)))
                            .collect();
                        let q = PhraseQuery::new_with_offset(terms);
                        (
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(q), *boost)) as Box<dyn Query>,
                        )
                    })
                    .collect();
                Some(Box::new(BooleanQuery::new(clauses)))
            }
        }
    }

    /// Whether a word is known: a synonym, a word of the corpus, or a form
    /// whose stem some page contains ("hates" when a page says "hated").
    fn known(&mut self, word: &str) -> bool {
        if self.vocabulary.contains(word) {
            return true;
        }
        let tokens = self.tokens(word);
        tokens.iter().any(|(_, token)| {
            self.fields.iter().any(|(field, _)| {
                self.searcher
                    .doc_freq(&Term::from_field_text(*field, token))
                    .is_ok_and(|n| n > 0)
            })
        })
    }

    /// How many of `n` word clauses a page must match: all of one or two,
    /// all but one of three or four, half of five or more. `relaxed` asks
    /// for any one, for a second try when the first found nothing.
    fn required(n: usize, relaxed: bool) -> usize {
        match n {
            _ if relaxed => 1.min(n),
            0..=2 => n,
            3..=4 => n - 1,
            _ => n.div_ceil(2),
        }
    }

    /// Joins two words a person split ("hand writing", "melts down") when
    /// the joined word, or the first word's stem joined to the second, is a
    /// word the pages or the synonyms use.
    fn join_split(&mut self, words: Vec<String>) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            if i + 1 < words.len() && words[i].len() > 1 && words[i + 1].len() > 1 {
                let (a, b) = (&words[i], &words[i + 1]);
                let stem = super::stem::normalise(a);
                let joined = [format!("{a}{b}"), format!("{stem}{b}")]
                    .into_iter()
                    .find(|j| self.vocabulary.contains(j));
                if let Some(joined) = joined
                    && !self.lexicon.stop.contains(&joined)
                {
                    out.push(joined);
                    i += 2;
                    continue;
                }
            }
            out.push(words[i].clone());
            i += 1;
        }
        out
    }

    /// Builds the query for what was typed.
    pub fn build(&mut self, q: &str, relaxed: bool) -> Built {
        let mut parsed = parse(q);
        // A pasted paragraph is searched by its first words; this bounds the
        // work one request can ask for.
        parsed.words.truncate(MAX_WORDS);
        parsed.phrases.truncate(MAX_PHRASES);
        parsed.excluded.truncate(MAX_WORDS);
        // Everyday phrases become the pages' words, then split words are joined.
        let rewritten = self.lexicon.rewrite(&parsed.words);
        parsed.words = self.join_split(rewritten);
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut corrections_left = MAX_CORRECTIONS;

        // Correct words no page contains, so a synonym spelt wrongly still
        // finds its group ("autisim" becomes "autism", then ASC, ASD ...).
        // A real word is never corrected into another ("mutism" is not a
        // typo of "autism"): it stays, matching nothing, and says so.
        let mut corrected_words = parsed.words.clone();
        let mut fixes: Vec<Vec<String>> = vec![Vec::new(); parsed.words.len()];
        let mut absent: Vec<bool> = vec![false; parsed.words.len()];
        for (i, word) in parsed.words.iter().enumerate() {
            if self.known(word) {
                continue;
            }
            if self.lexicon.stop.contains(word) || super::lexicon::is_real_word(word) {
                absent[i] = true;
            } else if corrections_left > 0 {
                corrections_left -= 1;
                fixes[i] = self
                    .vocabulary
                    .corrections(word, 3)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                if let Some(best) = fixes[i].first() {
                    corrected_words[i] = best.clone();
                }
            }
        }
        let corrected_any = fixes.iter().any(|f| !f.is_empty());

        // Free words: synonym groups first, then each remaining word. A word
        // that is neither known, real nor correctable (a name) is left out,
        // so it cannot empty the results. A stop word never counts towards
        // the words a page must match, and weighs little.
        let mut clauses: Vec<Clause> = Vec::new();
        let matches = self.synonyms.find_in(&corrected_words);
        let mut next_match = matches.iter().peekable();
        let mut i = 0;
        while i < corrected_words.len() {
            if let Some(&&(start, len, group)) = next_match.peek()
                && start == i
            {
                next_match.next();
                let members: Vec<String> = self
                    .synonyms
                    .group(group)
                    .iter()
                    .map(|m| m.join(" "))
                    .collect();
                let mut alternatives: Vec<(Occur, Box<dyn Query>)> = members
                    .iter()
                    .filter_map(|m| self.phrase(m))
                    .map(|q| (Occur::Should, q))
                    .collect();
                // A phrase like "can't remember instructions" also matches
                // pages that use most of its words apart.
                if len > 1 {
                    let loose: Vec<(Occur, Box<dyn Query>)> = corrected_words[i..i + len]
                        .to_vec()
                        .iter()
                        .filter(|w| !self.lexicon.stop.contains(w))
                        .filter_map(|w| self.phrase(w))
                        .map(|q| (Occur::Should, q))
                        .collect();
                    let need = Self::required(loose.len(), false);
                    if need > 0 {
                        let apart = BooleanQuery::with_minimum_required_clauses(loose, need);
                        alternatives.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(apart), APART)),
                        ));
                    }
                }
                if !alternatives.is_empty() {
                    let group_query: Box<dyn Query> = Box::new(BooleanQuery::new(alternatives));
                    let fixed = fixes[i..i + len].iter().any(|f| !f.is_empty());
                    clauses.push(Clause {
                        label: parsed.words[i..i + len].join(" "),
                        query: if fixed {
                            Box::new(BoostQuery::new(group_query, CORRECTED))
                        } else {
                            group_query
                        },
                        stop: false,
                        absent: false,
                        alternatives: members,
                    });
                }
                i += len;
                continue;
            }
            let stop = self.lexicon.stop.contains(&corrected_words[i]);
            if fixes[i].is_empty() {
                if let Some(q) = self.phrase(&corrected_words[i]) {
                    clauses.push(Clause {
                        label: parsed.words[i].clone(),
                        query: q,
                        stop,
                        absent: absent[i],
                        alternatives: vec![corrected_words[i].clone()],
                    });
                }
            } else {
                let alternatives: Vec<(Occur, Box<dyn Query>)> = fixes[i]
                    .iter()
                    .filter_map(|f| self.phrase(f))
                    .map(|q| {
                        (
                            Occur::Should,
                            Box::new(BoostQuery::new(q, CORRECTED)) as Box<dyn Query>,
                        )
                    })
                    .collect();
                clauses.push(Clause {
                    label: corrected_words[i].clone(),
                    query: Box::new(BooleanQuery::new(alternatives)),
                    stop,
                    absent: false,
                    alternatives: fixes[i].clone(),
                });
            }
            i += 1;
        }
        // Words that are all stop words are what the person wants found.
        if clauses.iter().all(|c| c.stop) {
            for c in &mut clauses {
                c.stop = false;
            }
        }

        let mut subjects = Vec::new();
        if !clauses.is_empty() {
            let (subject, stop): (Vec<Clause>, Vec<Clause>) =
                clauses.into_iter().partition(|c| !c.stop);
            let required = Self::required(subject.len(), relaxed);
            let core = BooleanQuery::with_minimum_required_clauses(
                subject
                    .iter()
                    .map(|c| (Occur::Should, c.query.box_clone()))
                    .collect(),
                required,
            );
            must.push((Occur::Must, Box::new(core)));
            for c in stop {
                must.push((Occur::Should, Box::new(BoostQuery::new(c.query, STOP))));
            }
            // The words standing together as typed rank higher.
            if parsed.words.len() >= 2
                && let Some(together) = self.phrase(&corrected_words.join(" "))
            {
                must.push((Occur::Should, Box::new(BoostQuery::new(together, ADJACENT))));
            }
            subjects = subject;
        }
        for phrase in &parsed.phrases {
            if let Some(q) = self.phrase(&phrase.join(" ")) {
                must.push((Occur::Must, q));
            }
        }
        let has_positive = must.iter().any(|(o, _)| *o == Occur::Must);
        for word in &parsed.excluded {
            for (_, token) in self.tokens(word) {
                must.push((Occur::MustNot, self.term(&token)));
            }
        }
        let query: Box<dyn Query> = if !has_positive {
            if parsed.excluded.is_empty() {
                Box::new(EmptyQuery)
            } else {
                must.push((Occur::Must, Box::new(tantivy::query::AllQuery)));
                Box::new(BooleanQuery::new(must))
            }
        } else {
            Box::new(BooleanQuery::new(must))
        };
        Built {
            query,
            did_you_mean: corrected_any.then(|| corrected_words.join(" ")),
            subjects,
        }
    }
}

/// One part of a query: a word or synonym group, as a clause.
pub struct Clause {
    /// The words as the person typed them (or as corrected).
    pub label: String,
    pub query: Box<dyn Query>,
    /// A stop word: never required, weighs little.
    pub stop: bool,
    /// A real word that no page contains.
    pub absent: bool,
    /// What the clause searches for: the word, its corrections, or every
    /// member of its synonym group, each as words joined by spaces.
    pub alternatives: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_words_phrases_and_exclusions() {
        let p = parse("ear \"sensory breaks\" -autism can't");
        assert_eq!(p.words, ["ear", "can"]);
        assert_eq!(
            p.phrases,
            [vec!["sensory".to_string(), "breaks".to_string()]]
        );
        assert_eq!(p.excluded, ["autism"]);
    }

    #[test]
    fn odd_syntax_is_only_words() {
        let p = parse("\"unclosed phrase here");
        assert_eq!(p.phrases.len(), 1);
        let p = parse("- AND ( ) title: *");
        assert_eq!(p.words, ["and", "title"]);
        assert!(p.excluded.is_empty());
        assert_eq!(parse(""), Parsed::default());
    }
}
