//! A problem found in the content: where it is (file, line, column) and what is wrong.
//!
//! Every check in Waymark reports through this one type, so the command line,
//! the log and `/status` all print problems the same way:
//! `path:line:col: message` or `path:line:col: warning: message`.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// How serious a problem is. Warnings never change `waymark check`'s exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file. Lines and columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
}

impl Problem {
    pub fn error(path: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            line: pos.line,
            col: pos.col,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn warning(path: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(path, pos, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
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
