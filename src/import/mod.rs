//! `waymark import`: a council's Word document or saved web page made into
//! draft pages. One step a module: `docx` and `html` read a document into
//! the shared `outline`, `split` cuts it at a heading level, `infer`
//! suggests each section's needs, tier and kind, and `write` (here) saves
//! the pages and images under the output folder only.

pub mod docx;
pub mod html;
pub mod infer;
pub mod outline;
pub mod split;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::fsread::{self, Refusal};
use crate::search::synonyms::Synonyms;
use crate::taxonomy::Taxonomy;

use outline::{Block, Outline};

/// A document larger than this is refused before it is read.
pub const MAX_DOCUMENT_BYTES: u64 = 50 * 1024 * 1024;
/// An image larger than this is left out, with a note in the summary.
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;
/// A summary is cut at a word boundary before this many characters.
pub const MAX_SUMMARY_CHARS: usize = 240;

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: only .docx (Word) and .html files can be imported", path.display())]
    WrongExtension { path: PathBuf },
    #[error("{}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("{}: already exists; use --force to overwrite it", path.display())]
    Exists { path: PathBuf },
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: the document has no headings to split at", path.display())]
    NoHeadings { path: PathBuf },
}

impl ImportError {
    /// 2 for a bad argument, 1 for a document that cannot be imported.
    pub fn exit_code(&self) -> u8 {
        match self {
            ImportError::WrongExtension { .. } | ImportError::Exists { .. } => 2,
            _ => 1,
        }
    }
}

/// What to import and where.
pub struct Options<'a> {
    pub file: &'a Path,
    pub out: &'a Path,
    pub split_level: Option<u8>,
    pub force: bool,
    pub taxonomy: &'a Taxonomy,
    pub synonyms: &'a Synonyms,
    pub today: Date,
}

/// One page written, and what its editor still has to do.
#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    pub title: String,
    pub needs: Vec<String>,
    pub tier: Option<String>,
    pub kind: &'static str,
}

/// What an import did.
#[derive(Debug)]
pub struct Report {
    pub split_level: u8,
    pub pages: Vec<Written>,
    pub images: usize,
    /// Images left out, as notes for the editor.
    pub skipped: Vec<String>,
}

/// Reads `file` into an outline, after checking its type and size.
pub fn read(file: &Path) -> Result<Outline, ImportError> {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let unreadable = |reason: String| ImportError::Unreadable {
        path: file.to_path_buf(),
        reason,
    };
    if !matches!(ext.as_deref(), Some("docx" | "html" | "htm")) {
        return Err(ImportError::WrongExtension {
            path: file.to_path_buf(),
        });
    }
    let bytes = fsread::read_regular(file, MAX_DOCUMENT_BYTES).map_err(|e| match e {
        Refusal::NotFound => unreadable("no such file".into()),
        other => unreadable(other.to_string()),
    })?;
    if ext.as_deref() == Some("docx") {
        // A .docx is a zip archive: check its first bytes before unpacking.
        if !bytes.starts_with(b"PK\x03\x04") {
            return Err(unreadable(
                "is not a Word document (a .docx file is a zip archive, and this one is not); save it from Word as .docx".into(),
            ));
        }
        docx::read(&bytes).map_err(unreadable)
    } else {
        let text = String::from_utf8(bytes)
            .map_err(|_| unreadable("is not UTF-8 text; save the page as UTF-8".into()))?;
        Ok(html::read(&text))
    }
}

/// Imports `options.file` into draft pages under `options.out`.
pub fn run(options: &Options) -> Result<Report, ImportError> {
    let outline = read(options.file)?;
    let level = options
        .split_level
        .or_else(|| split::default_level(&outline.blocks))
        .ok_or_else(|| ImportError::NoHeadings {
            path: options.file.to_path_buf(),
        })?;
    let sections = split::split(&outline.blocks, level);
    let inferrer = infer::Inferrer::new(options.taxonomy, options.synonyms);

    // Every path is worked out, and checked for files already there, before
    // anything is written, so a refused import leaves the folder as it was.
    let mut planned = Vec::new();
    let mut used = std::collections::HashSet::new();
    for section in &sections {
        let text = outline::markdown(&section.blocks, level);
        let plain_text = section_text(&section.blocks);
        let suggestion = inferrer.suggest(&section.path, &plain_text);
        let folder = match suggestion.kind {
            "training" => "training",
            "resource" => "resources",
            "strategy" => "strategies",
            _ => "guidance",
        };
        let base = slugify(&section.title);
        let mut slug = base.clone();
        let mut n = 2;
        while !used.insert(format!("{folder}/{slug}")) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        let path = options.out.join(folder).join(format!("{slug}.md"));
        let summary = summary(&plain_text, &section.title);
        let page =
            front_matter(&section.title, &summary, &suggestion, options.today) + "\n" + &text;
        planned.push((path, page, section.title.clone(), suggestion));
    }
    let mut images = Vec::new();
    let mut skipped = Vec::new();
    for p in &outline.pictures {
        if p.bytes.len() > MAX_IMAGE_BYTES {
            skipped.push(format!(
                "{} is {} bytes, over the {MAX_IMAGE_BYTES}-byte limit; add it by hand",
                p.file,
                p.bytes.len()
            ));
        } else {
            images.push((options.out.join("images").join(&p.file), &p.bytes));
        }
    }
    if !options.force {
        for path in planned
            .iter()
            .map(|p| &p.0)
            .chain(images.iter().map(|i| &i.0))
        {
            if path.exists() {
                return Err(ImportError::Exists { path: path.clone() });
            }
        }
    }
    let mut pages = Vec::new();
    for (path, page, title, s) in planned {
        write(&path, page.as_bytes())?;
        pages.push(Written {
            path,
            title,
            needs: s.needs,
            tier: s.tier,
            kind: s.kind,
        });
    }
    for (path, bytes) in &images {
        write(path, bytes)?;
    }
    Ok(Report {
        split_level: level,
        pages,
        images: images.len(),
        skipped,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ImportError> {
    let fail = |source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut file = fs::File::create(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)
}

/// The plain text of a section, for the summary and the suggestions.
fn section_text(blocks: &[Block]) -> String {
    let mut parts = Vec::new();
    for b in blocks {
        match b {
            Block::Heading { text, .. } => parts.push(text.clone()),
            Block::Paragraph(i) => parts.push(outline::plain(i)),
            Block::List(items) => parts.extend(items.iter().map(|i| outline::plain(&i.text))),
            Block::Table(rows) => parts.extend(rows.iter().flatten().map(|c| outline::plain(c))),
        }
    }
    parts.join("\n")
}

/// The first sentence of the text, cut at a word before the limit; the
/// title when there is no text.
fn summary(text: &str, title: &str) -> String {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or(title);
    let sentence = match first.find(". ") {
        Some(end) => &first[..=end],
        None => first,
    };
    if sentence.chars().count() <= MAX_SUMMARY_CHARS {
        return sentence.trim().to_string();
    }
    let mut out = String::new();
    for word in sentence.split_whitespace() {
        if out.chars().count() + word.chars().count() + 2 > MAX_SUMMARY_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out + "…"
}

/// A heading made into a file name: lower-case letters, digits and hyphens.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

/// A YAML string in double quotes.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn front_matter(title: &str, summary: &str, s: &infer::Suggestion, today: Date) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", quoted(title)));
    out.push_str(&format!("summary: {}\n", quoted(summary)));
    out.push_str(&format!("kind: {}\n", s.kind));
    if !s.needs.is_empty() {
        out.push_str(&format!("needs: [{}]\n", s.needs.join(", ")));
    }
    if let Some(tier) = &s.tier {
        out.push_str(&format!("tier: {tier}\n"));
    }
    out.push_str(&format!("updated: {today}\n"));
    out.push_str("draft: true\n---\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_the_first_sentence_within_the_limit() {
        assert_eq!(
            summary("Use short steps. Then more.", "T"),
            "Use short steps."
        );
        assert_eq!(summary("", "Title"), "Title");
        let long = "word ".repeat(100);
        let s = summary(&long, "T");
        assert!(s.chars().count() <= MAX_SUMMARY_CHARS && s.ends_with('…'));
    }

    #[test]
    fn slugs_are_addresses() {
        assert_eq!(
            slugify("SEN support: autism & ADHD"),
            "sen-support-autism-adhd"
        );
        assert_eq!(slugify("!!"), "section");
    }
}
