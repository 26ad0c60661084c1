//! Editor-owned word lists that shape how a query is read, beside
//! `synonyms.yaml`: words that name no subject (`stopwords.yaml`), everyday
//! phrases mapped to the words the pages use (`phrases.yaml`), and a list of
//! real English and SEND words (`known_words.txt`) that a typo correction
//! never turns into another word.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::problem::Pos;
use crate::yaml;

use super::stem::normalise;
use super::synonyms::{find, words};

/// The built-in stop words, used when a content folder has none.
pub const STOPWORDS_YAML: &str = include_str!("../../content/stopwords.yaml");
/// The built-in phrases, used when a content folder has none.
pub const PHRASES_YAML: &str = include_str!("../../content/phrases.yaml");

/// A problem in one of these files, positioned in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub pos: Pos,
    pub message: String,
}

impl From<yaml::YamlError> for FileError {
    fn from(e: yaml::YamlError) -> Self {
        FileError {
            pos: e.pos,
            message: e.message,
        }
    }
}

/// `stopwords.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StopFile {
    #[serde(default)]
    filler: Vec<String>,
    #[serde(default)]
    questions: Vec<String>,
    #[serde(default)]
    people: Vec<String>,
}

/// Words that name no subject: they never count towards the words a page
/// must match, and weigh little.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StopWords {
    words: HashSet<String>,
    /// Words for the people involved, also skipped when matching phrases.
    people: HashSet<String>,
}

impl StopWords {
    pub fn builtin() -> StopWords {
        StopWords::parse(STOPWORDS_YAML).expect("the built-in stop words are valid")
    }

    /// Reads and checks a stop-word file: each item one word, each word in
    /// one list once.
    pub fn parse(text: &str) -> Result<StopWords, Vec<FileError>> {
        let file: StopFile = yaml::from_str(text).map_err(|e| vec![FileError::from(e)])?;
        let mut errors = Vec::new();
        let mut out = StopWords::default();
        let mut seen: HashMap<String, &str> = HashMap::new();
        let lists = [
            ("filler", &file.filler),
            ("questions", &file.questions),
            ("people", &file.people),
        ];
        for (list, items) in lists {
            let from = text
                .lines()
                .position(|l| l.starts_with(&format!("{list}:")))
                .unwrap_or(0);
            for item in items {
                let split = words(item);
                let pos = find(text, from, item);
                let [word] = split.as_slice() else {
                    errors.push(FileError {
                        pos,
                        message: format!(
                            "\"{item}\" in {list} is not one word; list single words (a phrase belongs in phrases.yaml)"
                        ),
                    });
                    continue;
                };
                if let Some(other) = seen.get(word) {
                    errors.push(FileError {
                        pos,
                        message: format!(
                            "\"{word}\" is listed twice (in {other} and {list}); list it once"
                        ),
                    });
                    continue;
                }
                seen.insert(word.clone(), list);
                out.words.insert(word.clone());
                if list == "people" {
                    out.people.insert(word.clone());
                }
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Whether a lower-case word names no subject.
    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// Whether a lower-case word names a person ("his", "daughter").
    pub fn is_person(&self, word: &str) -> bool {
        self.people.contains(word)
    }
}

/// `phrases.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhraseFile {
    phrases: Vec<PhraseEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhraseEntry {
    say: Vec<String>,
    means: String,
}

/// Everyday phrases ("zones out") and the words the pages use for them
/// ("attention"). A phrase is matched by its words' stems, people words
/// and the index's stop words left out, so "flapping her hands" matches
/// "flaps his hands".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Phrases {
    /// Each phrase as its words, and the index of what it means.
    said: Vec<(Vec<String>, usize)>,
    /// What each entry means, as words.
    means: Vec<Vec<String>>,
}

impl Phrases {
    pub fn builtin() -> Phrases {
        Phrases::parse(PHRASES_YAML).expect("the built-in phrases are valid")
    }

    /// Reads and checks a phrases file: every entry says at least one
    /// phrase and means some words, and no phrase is in two entries.
    pub fn parse(text: &str) -> Result<Phrases, Vec<FileError>> {
        let file: PhraseFile = yaml::from_str(text).map_err(|e| vec![FileError::from(e)])?;
        let mut errors = Vec::new();
        let mut out = Phrases::default();
        let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
        let starts: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("- say:"))
            .map(|(i, _)| i)
            .collect();
        for (e, entry) in file.phrases.iter().enumerate() {
            let from = starts.get(e).copied().unwrap_or(0);
            let means = words(&entry.means);
            if means.is_empty() {
                errors.push(FileError {
                    pos: Pos::new(from + 1, 1),
                    message: format!(
                        "entry {} means nothing; give the words the pages use",
                        e + 1
                    ),
                });
                continue;
            }
            if entry.say.is_empty() {
                errors.push(FileError {
                    pos: Pos::new(from + 1, 1),
                    message: format!("entry {} says no phrase; list what people type", e + 1),
                });
                continue;
            }
            for phrase in &entry.say {
                let split = words(phrase);
                let pos = find(text, from, phrase);
                if split.is_empty() {
                    errors.push(FileError {
                        pos,
                        message: format!("entry {} has an empty phrase", e + 1),
                    });
                    continue;
                }
                if split == means {
                    errors.push(FileError {
                        pos,
                        message: format!("\"{phrase}\" means itself; leave it out"),
                    });
                    continue;
                }
                if let Some(other) = seen.get(&split) {
                    if *other != e {
                        errors.push(FileError {
                            pos,
                            message: format!(
                                "\"{phrase}\" is in entry {} and entry {}; put it in one",
                                other + 1,
                                e + 1
                            ),
                        });
                    }
                    continue;
                }
                seen.insert(split.clone(), e);
                out.said.push((split, out.means.len()));
            }
            out.means.push(means);
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Every phrase as its words, with what it means.
    pub fn iter(&self) -> impl Iterator<Item = (&[String], &[String])> {
        self.said
            .iter()
            .map(|(said, m)| (said.as_slice(), self.means[*m].as_slice()))
    }
}

/// Stop words a phrase match may step over, in all.
const PHRASE_GAP: usize = 2;

/// A phrase as stems, and what it means as words.
type Keyed = (Vec<String>, Vec<String>);

/// The stop words and phrases a search reads a query with, phrases keyed by
/// their first word's stem so a query looks up only those that could start
/// at each word.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub stop: StopWords,
    /// Each phrase as stems, with what it means, under its first stem.
    phrases: HashMap<String, Vec<Keyed>>,
}

impl Lexicon {
    pub fn new(stop: StopWords, phrases: &Phrases) -> Lexicon {
        let mut lexicon = Lexicon {
            stop,
            phrases: HashMap::new(),
        };
        for (said, means) in phrases.iter() {
            let keys: Vec<String> = said.iter().filter_map(|w| lexicon.key(w)).collect();
            if let Some(first) = keys.first() {
                lexicon
                    .phrases
                    .entry(first.clone())
                    .or_default()
                    .push((keys.clone(), means.to_vec()));
            }
        }
        for list in lexicon.phrases.values_mut() {
            // Longest first, so "won't eat in the hall" wins over "won't eat".
            list.sort_by_key(|(keys, _)| std::cmp::Reverse(keys.len()));
        }
        lexicon
    }

    pub fn builtin() -> Lexicon {
        Lexicon::new(StopWords::builtin(), &Phrases::builtin())
    }

    /// A word as phrases are matched: its stem, or nothing for a single
    /// letter, a people word or one of the index's stop words.
    fn key(&self, word: &str) -> Option<String> {
        if word.chars().count() < 2
            || self.stop.is_person(word)
            || super::stem::STOP_WORDS.contains(&word)
        {
            return None;
        }
        Some(normalise(word))
    }

    /// Where the phrase `keys` ends (one past its last word, in `keyed`)
    /// when it starts at `keyed[k]`. A stop word the phrase lacks may stand
    /// between two of its words ("writes very slowly" is "writes slowly",
    /// "refuses to do any work" is "refuses to do work"), at most
    /// [`PHRASE_GAP`] of them, so a phrase is not put together from words
    /// far apart.
    fn phrase_end(
        &self,
        query: &[String],
        keyed: &[(usize, String)],
        k: usize,
        keys: &[String],
    ) -> Option<usize> {
        let mut at = k;
        let mut skipped = 0;
        for (n, key) in keys.iter().enumerate() {
            if n > 0 {
                while at < keyed.len()
                    && keyed[at].1 != *key
                    && skipped < PHRASE_GAP
                    && self.stop.contains(&query[keyed[at].0])
                {
                    at += 1;
                    skipped += 1;
                }
            }
            if keyed.get(at).is_none_or(|(_, word)| word != key) {
                return None;
            }
            at += 1;
        }
        Some(at)
    }

    /// The query's words with each phrase replaced by what it means, longest
    /// phrase first, left to right. Skipped words inside a phrase go with it.
    pub fn rewrite(&self, query: &[String]) -> Vec<String> {
        if self.phrases.is_empty() {
            return query.to_vec();
        }
        let keyed: Vec<(usize, String)> = query
            .iter()
            .enumerate()
            .filter_map(|(i, w)| self.key(w).map(|k| (i, k)))
            .collect();
        let mut out = Vec::with_capacity(query.len());
        let mut next = 0; // the first query word not yet written
        let mut k = 0;
        while k < keyed.len() {
            let found = self.phrases.get(&keyed[k].1).and_then(|list| {
                list.iter().find_map(|(keys, means)| {
                    Some((self.phrase_end(query, &keyed, k, keys)?, means))
                })
            });
            match found {
                Some((end, means)) => {
                    out.extend_from_slice(&query[next..keyed[k].0]);
                    out.extend(means.iter().cloned());
                    next = keyed[end - 1].0 + 1;
                    k = end;
                }
                None => k += 1,
            }
        }
        out.extend_from_slice(&query[next..]);
        out
    }
}

/// The stems of `known_words.txt`: real words typed by teachers and parents.
static KNOWN: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../../content/known_words.txt")
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .flat_map(str::split_whitespace)
        .map(|word| normalise(&word.to_lowercase()))
        .collect()
});

/// Whether a lower-case word is a listed real word (compared by stem, so one
/// listed form stands for its plurals and endings).
pub fn is_real_word(word: &str) -> bool {
    KNOWN.contains(&normalise(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_files_are_valid() {
        let stop = StopWords::builtin();
        assert!(stop.contains("really") && stop.contains("how") && stop.contains("daughter"));
        assert!(stop.is_person("his") && !stop.is_person("really"));
        assert!(!stop.contains("autism"));
        assert!(Phrases::builtin().iter().count() > 50);
    }

    #[test]
    fn bad_stop_words_are_reported_with_their_lines() {
        let errors =
            StopWords::parse("filler: [very, all the time]\nquestions: [how, very]\n").unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].pos, Pos::new(1, 16));
        assert!(
            errors[0].message.contains("not one word"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[1].pos, Pos::new(2, 18));
        assert_eq!(
            errors[1].message,
            "\"very\" is listed twice (in filler and questions); list it once"
        );
        let errors = StopWords::parse("fillers: [a]\n").unwrap_err();
        assert!(
            errors[0].message.contains("did you mean \"filler\""),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn bad_phrases_are_reported_with_their_lines() {
        let text = "phrases:\n  - say: [zones out, day dreams]\n    means: attention\n  - say: [zones out]\n    means: focus\n  - say: [x]\n    means: \"\"\n";
        let errors = Phrases::parse(text).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].pos, Pos::new(4, 11));
        assert_eq!(
            errors[0].message,
            "\"zones out\" is in entry 1 and entry 2; put it in one"
        );
        assert_eq!(errors[1].pos, Pos::new(6, 1));
        assert!(errors[1].message.contains("means nothing"));
    }

    fn rewrite(q: &str) -> String {
        Lexicon::builtin().rewrite(&words(q)).join(" ")
    }

    #[test]
    fn phrases_are_replaced_by_stem_skipping_people_and_small_words() {
        assert_eq!(rewrite("zones out in maths"), "attention in maths");
        assert_eq!(rewrite("my son is zoning out"), "my son is attention");
        assert_eq!(rewrite("flapping her hands"), "sensory breaks");
        assert_eq!(rewrite("Kicks off at lunch"), "meltdown at lunch");
        // The longer phrase wins over the shorter one inside it.
        assert_eq!(rewrite("won't eat in the hall"), "dining hall");
        assert_eq!(rewrite("won't eat"), "feeding");
        assert_eq!(rewrite("autism"), "autism");
    }

    #[test]
    fn a_phrase_steps_over_a_few_stop_words_but_not_other_words() {
        // "very" and "any" are filler: the teacher's phrase is still there.
        assert_eq!(rewrite("writes very slowly"), "handwriting");
        assert_eq!(rewrite("refuses to do any work"), "demand avoidance");
        // Only between a phrase's words, and only stop words.
        assert_eq!(
            rewrite("writes neatly but slowly"),
            "writes neatly but slowly"
        );
        // At most two, so a phrase is not made of words far apart.
        assert_eq!(
            rewrite("writes really very quite slowly"),
            "writes really very quite slowly"
        );
    }

    #[test]
    fn real_words_are_known_by_stem_and_names_are_not() {
        assert!(is_real_word("mutism") && is_real_word("selective"));
        assert!(is_real_word("stammering"));
        assert!(!is_real_word("zxqvw"));
    }
}
