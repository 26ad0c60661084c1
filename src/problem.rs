//! A problem found in the content: where it is (file, line, column) and what is wrong.
//!
//! Every check in Waymark reports through this one type, so the command line,
//! the log and `/status` all print problems the same way:
//! `path:line:col: message` or `path:line:col: warning: message`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How serious a problem is. Warnings never change `waymark check`'s exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// What sort of fault a problem is, so code that must act on one (a
/// duplicate slug forces a full reload, say) never reads the message text.
/// Not part of any output: the message says it for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub enum Kind {
    /// The file cannot be read, or may not be: unreadable, too large, not
    /// UTF-8, not a regular file, or a symbolic link leading outside the
    /// content folder.
    FileRead,
    /// YAML that cannot be read as the file's fields: a syntax error, a value
    /// of the wrong type, an unknown key.
    Yaml,
    /// A page does not start with a front matter block, or it is not closed.
    FrontMatter,
    /// A required field is missing or empty.
    MissingField,
    /// An id the taxonomy does not have.
    UnknownId,
    /// An id listed twice in one field.
    RepeatedId,
    /// A value present but not acceptable: an empty tag, evidence sources
    /// that do not fit the strength, a provision number that is not positive.
    InvalidValue,
    /// A date that is not a real YYYY-MM-DD date, or is in the future.
    BadDate,
    /// A review date over a year old (a warning).
    ReviewDue,
    /// A link in the front matter without a title or a full https:// url.
    BadLink,
    /// A link in a page's body to a page, heading or id that does not exist.
    BrokenLink,
    /// A file name that cannot be an address or clashes with a portal route.
    BadSlug,
    /// Two files that would serve at one address.
    DuplicateSlug,
    /// `taxonomy.yaml` contradicts itself or drops an id the portal needs.
    Taxonomy,
    /// `site.yaml` or `synonyms.yaml` holds a value that cannot be used.
    Settings,
    /// A page marked `draft: true` (a warning): checked, not served.
    Draft,
}

/// One problem in one file. Lines and columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    #[serde(skip)]
    pub kind: Kind,
    pub message: String,
}

impl Problem {
    pub fn error(
        kind: Kind,
        path: impl Into<PathBuf>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            path: path.into(),
            line: pos.line,
            col: pos.col,
            severity: Severity::Error,
            kind,
            message: message.into(),
        }
    }

    pub fn warning(
        kind: Kind,
        path: impl Into<PathBuf>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(kind, path, pos, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// This problem as staff see it on `/status` and in the server's log:
    /// its path relative to the content folder `dir`, so no server path is
    /// shown (a file outside it, such as a `--site` file, by its name alone).
    /// `waymark check` prints [`Problem`] itself, with the path as given.
    pub fn shown_in<'a>(&'a self, dir: &'a Path) -> impl fmt::Display + 'a {
        Shown { problem: self, dir }
    }
}

struct Shown<'a> {
    problem: &'a Problem,
    dir: &'a Path,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = &self.problem.path;
        let relative = match path.strip_prefix(self.dir) {
            Ok(inside) => inside,
            Err(_) => path.file_name().map_or(path.as_path(), Path::new),
        };
        fmt::Display::fmt(
            &Problem {
                path: relative.to_path_buf(),
                ..self.problem.clone()
            },
            f,
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path.display(), self.line, self.col)?;
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        f.write_str(&self.message)
    }
}

/// A position in a file: line and column, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    pub fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }
}

/// Sorts problems the way a person reads them: by file, then line, then column.
pub fn sort(problems: &mut [Problem]) {
    problems.sort_by(|a, b| {
        (&a.path, a.line, a.col, a.severity, &a.message)
            .cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_in_the_content_folder_no_server_path_appears() {
        let dir = Path::new("/srv/waymark/content");
        let page = Problem::error(
            Kind::BrokenLink,
            dir.join("strategies/a.md"),
            Pos::new(3, 1),
            "bad",
        );
        assert_eq!(page.shown_in(dir).to_string(), "strategies/a.md:3:1: bad");
        let outside = Problem::warning(Kind::Settings, "/etc/waymark/site.yaml", Pos::START, "old");
        assert_eq!(
            outside.shown_in(dir).to_string(),
            "site.yaml:1:1: warning: old"
        );
        assert_eq!(
            page.to_string(),
            "/srv/waymark/content/strategies/a.md:3:1: bad"
        );
    }
}
