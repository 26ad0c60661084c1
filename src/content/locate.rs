//! Finding where a field or value stands in the front matter text, so every
//! problem can point at its line and column even when the YAML parser gives
//! no position (a bad id is valid YAML; only we know it is wrong).

use crate::problem::Pos;
use crate::yaml::YamlError;

/// A line-based index of a front matter block.
pub struct Locator<'a> {
    lines: Vec<&'a str>,
    /// The file line on which the YAML's first line stands.
    first_line: usize,
}

impl<'a> Locator<'a> {
    pub fn new(yaml: &'a str, first_line: usize) -> Self {
        Locator {
            lines: yaml.lines().collect(),
            first_line,
        }
    }

    fn file_pos(&self, index: usize, byte_col: usize) -> Pos {
        let col = self.lines[index][..byte_col].chars().count() + 1;
        Pos::new(index + self.first_line, col)
    }

    /// Moves an error positioned in the YAML text to its place in the file.
    pub fn file_error(&self, mut e: YamlError) -> YamlError {
        e.pos.line += self.first_line - 1;
        e
    }

    /// The opening `---` line: where problems about the whole block point.
    pub fn start(&self) -> Pos {
        Pos::new(self.first_line - 1, 1)
    }

    fn top_level_key(line: &str) -> Option<&str> {
        let first = line.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_' || first == '"' || first == '\'') {
            return None;
        }
        let (key, _) = line.split_once(':')?;
        Some(key.trim().trim_matches(|c| c == '"' || c == '\''))
    }

    /// The lines (as indexes) that belong to a top-level key: its own line and
    /// every line up to the next top-level key.
    fn block(&self, key: &str) -> Option<std::ops::Range<usize>> {
        let start = self
            .lines
            .iter()
            .position(|l| Self::top_level_key(l) == Some(key))?;
        let end = self.lines[start + 1..]
            .iter()
            .position(|l| Self::top_level_key(l).is_some())
            .map_or(self.lines.len(), |i| start + 1 + i);
        Some(start..end)
    }

    /// Where a top-level key is written.
    pub fn key(&self, key: &str) -> Option<Pos> {
        self.block(key).map(|r| self.file_pos(r.start, 0))
    }

    /// Where a top-level key is written, or the start of the block.
    pub fn key_or_start(&self, key: &str) -> Pos {
        self.key(key).unwrap_or_else(|| self.start())
    }

    /// Where a nested key (`strength` under `evidence`) is written.
    pub fn nested(&self, parent: &str, child: &str) -> Option<Pos> {
        let range = self.block(parent)?;
        for i in range.skip(1) {
            let line = self.lines[i];
            let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
            if let Some(rest) = trimmed.strip_prefix(child)
                && rest.trim_start().starts_with(':')
            {
                return Some(self.file_pos(i, line.len() - trimmed.len()));
            }
        }
        None
    }

    /// Where `value` is written inside the block of `key` (on the key's line
    /// or below it), matched as a whole word.
    pub fn value(&self, key: &str, value: &str) -> Option<Pos> {
        let range = self.block(key)?;
        self.find_in(range, value)
    }

    /// Like [`Locator::value`] but inside a nested key's lines.
    pub fn nested_value(&self, parent: &str, child: &str, value: &str) -> Option<Pos> {
        let range = self.block(parent)?;
        for i in range {
            let line = self.lines[i];
            let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
            if trimmed.starts_with(child)
                && let Some(pos) = self.find_in(i..i + 1, value)
            {
                return Some(pos);
            }
        }
        self.value(parent, value)
    }

    fn find_in(&self, range: std::ops::Range<usize>, value: &str) -> Option<Pos> {
        if value.is_empty() {
            return None;
        }
        for i in range {
            let line = self.lines[i];
            let mut from = 0;
            while let Some(found) = line[from..].find(value) {
                let at = from + found;
                let before = line[..at].chars().next_back();
                let after = line[at + value.len()..].chars().next();
                let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
                if !is_word(before) && !is_word(after) {
                    return Some(self.file_pos(i, at));
                }
                from = at + value.len();
            }
        }
        None
    }

    /// The field written on a file line: `title`, or `provision.weeks` for a
    /// nested key. Used to name the field in a YAML type error.
    pub fn field_at(&self, file_line: usize) -> Option<String> {
        let index = file_line.checked_sub(self.first_line)?;
        let line = self.lines.get(index)?;
        let top = (0..=index)
            .rev()
            .find_map(|i| Self::top_level_key(self.lines[i]))?;
        if Self::top_level_key(line).is_some() {
            return Some(top.to_string());
        }
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        match trimmed.split_once(':') {
            Some((child, _)) if !child.contains(' ') && !child.is_empty() => {
                Some(format!("{top}.{child}"))
            }
            _ => Some(top.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "title: Movement breaks\nneeds: [adhd, autsim]\nphases:\n  - primary\n  - secundary\nevidence:\n  strength: strongish\n  sources:\n    - title: A\n      url: http://x\n";

    #[test]
    fn finds_keys_values_and_nested_keys() {
        let loc = Locator::new(YAML, 2);
        assert_eq!(loc.key("title"), Some(Pos::new(2, 1)));
        assert_eq!(loc.value("needs", "autsim"), Some(Pos::new(3, 15)));
        assert_eq!(loc.value("phases", "secundary"), Some(Pos::new(6, 5)));
        assert_eq!(loc.nested("evidence", "strength"), Some(Pos::new(8, 3)));
        assert_eq!(
            loc.nested_value("evidence", "url", "http://x"),
            Some(Pos::new(11, 12))
        );
        assert_eq!(loc.key("tier"), None);
        assert_eq!(loc.start(), Pos::new(1, 1));
    }

    #[test]
    fn matches_whole_words_only() {
        let loc = Locator::new("needs: [adhd-like, adhd]\n", 2);
        assert_eq!(loc.value("needs", "adhd"), Some(Pos::new(2, 20)));
    }

    #[test]
    fn names_the_field_on_a_line() {
        let loc = Locator::new(YAML, 2);
        assert_eq!(loc.field_at(2).as_deref(), Some("title"));
        assert_eq!(loc.field_at(8).as_deref(), Some("evidence.strength"));
        assert_eq!(loc.field_at(6).as_deref(), Some("phases"));
    }
}
