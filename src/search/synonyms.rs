//! The field's vocabulary: groups of words and phrases that mean the same
//! thing in SEND practice ("SALT", "speech and language therapy"), from the
//! content-owned `synonyms.yaml`. A query that contains any member of a group
//! also searches for every other member, phrases included, both ways.

use serde::Deserialize;

use crate::problem::Pos;
use crate::yaml;

/// The built-in synonyms, used when a content folder has none.
pub const BUILTIN_YAML: &str = include_str!("../../content/synonyms.yaml");

/// `synonyms.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    groups: Vec<Vec<String>>,
}

/// Synonym groups, each member split into lower-case words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Synonyms {
    groups: Vec<Vec<Vec<String>>>,
}

/// A problem in the synonyms file, positioned in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymError {
    pub pos: Pos,
    pub message: String,
}

/// Splits text into lower-case words of letters and digits, the way queries are split.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl Synonyms {
    pub fn builtin() -> Synonyms {
        Synonyms::parse(BUILTIN_YAML).expect("the built-in synonyms are valid")
    }

    /// Reads and checks a synonyms file: every group has at least two
    /// members, no member is empty, and no member is in two groups.
    pub fn parse(text: &str) -> Result<Synonyms, Vec<SynonymError>> {
        let file: File = yaml::from_str(text).map_err(|e| {
            vec![SynonymError {
                pos: e.pos,
                message: e.message,
            }]
        })?;
        let mut errors = Vec::new();
        let mut seen: Vec<(Vec<String>, usize)> = Vec::new();
        let mut groups = Vec::new();
        let starts = group_lines(text);
        for (g, group) in file.groups.iter().enumerate() {
            let from = starts.get(g).copied().unwrap_or(0);
            let first = group.first().map_or("", String::as_str);
            let pos = find(text, from, first);
            if group.len() < 2 {
                errors.push(SynonymError {
                    pos,
                    message: format!("group {} has {} member(s); a group lists at least two words or phrases that mean the same", g + 1, group.len()),
                });
                continue;
            }
            let mut members = Vec::new();
            for member in group {
                let split = words(member);
                let pos = find(text, from, member);
                if split.is_empty() {
                    errors.push(SynonymError {
                        pos,
                        message: format!("group {} has an empty member", g + 1),
                    });
                    continue;
                }
                if let Some((_, other)) = seen.iter().find(|(w, other)| *w == split && *other != g)
                {
                    errors.push(SynonymError {
                        pos,
                        message: format!(
                            "\"{member}\" is in group {} and group {}; put it in one group",
                            other + 1,
                            g + 1
                        ),
                    });
                    continue;
                }
                seen.push((split.clone(), g));
                if !members.contains(&split) {
                    members.push(split);
                }
            }
            groups.push(members);
        }
        if errors.is_empty() {
            Ok(Synonyms { groups })
        } else {
            Err(errors)
        }
    }

    /// Finds synonym members in a query's words, longest first, left to right.
    /// Returns (start, length, group index) for each match.
    pub fn find_in(&self, query: &[String]) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < query.len() {
            let mut best: Option<(usize, usize)> = None;
            for (g, group) in self.groups.iter().enumerate() {
                for member in group {
                    let n = member.len();
                    if i + n <= query.len()
                        && query[i..i + n] == member[..]
                        && best.is_none_or(|(len, _)| n > len)
                    {
                        best = Some((n, g));
                    }
                }
            }
            match best {
                Some((n, g)) => {
                    found.push((i, n, g));
                    i += n;
                }
                None => i += 1,
            }
        }
        found
    }

    /// The members of a group, each as its words.
    pub fn group(&self, index: usize) -> &[Vec<String>] {
        &self.groups[index]
    }

    /// Every word that appears in any member (for the did-you-mean vocabulary).
    pub fn all_words(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().flatten().flatten().map(String::as_str)
    }
}

/// The line (from 0) where each group starts: the list items under
/// `groups:`, at the indentation of the first one.
fn group_lines(text: &str) -> Vec<usize> {
    let items: Vec<(usize, usize)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("- "))
        .map(|(i, l)| (i, l.len() - l.trim_start().len()))
        .collect();
    let indent = items.first().map_or(0, |(_, n)| *n);
    items
        .into_iter()
        .filter(|(_, n)| *n == indent)
        .map(|(i, _)| i)
        .collect()
}

/// Where `needle` is first written at or after line `from` (from 0).
pub(crate) fn find(text: &str, from: usize, needle: &str) -> Pos {
    if needle.is_empty() {
        return Pos::new(from + 1, 1);
    }
    text.lines()
        .enumerate()
        .skip(from)
        .find_map(|(i, line)| {
            line.find(needle)
                .map(|at| Pos::new(i + 1, line[..at].chars().count() + 1))
        })
        .unwrap_or(Pos::new(from + 1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_file_is_valid_and_finds_phrases_longest_first() {
        let s = Synonyms::builtin();
        let q = words("speech and language therapy for ASD");
        let found = s.find_in(&q);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (0, 4));
        let salt = s.group(found[0].2);
        assert!(salt.contains(&vec!["salt".to_string()]));
        let autism = s.group(found[1].2);
        assert!(autism.contains(&vec!["autism".to_string()]));
    }

    #[test]
    fn malformed_files_are_reported_with_positions() {
        let errors = Synonyms::parse("groups:\n  - [alone]\n  - [tea, cuppa]\n  - [tea, brew]\n")
            .unwrap_err();
        assert_eq!(errors[0].pos, Pos::new(2, 6));
        assert!(errors[0].message.starts_with("group 1 has 1 member(s)"));
        assert_eq!(
            errors[1].message,
            "\"tea\" is in group 2 and group 3; put it in one group"
        );
        let errors = Synonyms::parse("group:\n  - [a, b]\n").unwrap_err();
        assert_eq!(
            errors[0].message,
            "unknown field \"group\"; did you mean \"groups\"?"
        );
    }
}
