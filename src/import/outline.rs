//! The document outline both readers produce (headings, paragraphs, nested
//! lists, tables, emphasis, links, images) and how it is written as Markdown.

/// A run of text inside a block.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text {
        text: String,
        bold: bool,
        italic: bool,
    },
    Link {
        text: Vec<Inline>,
        url: String,
    },
    /// An image, by its file name under the output's `images/` folder.
    Image {
        file: String,
        alt: String,
    },
}

/// One item of a list, at a depth (0 for the outermost list).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub depth: usize,
    pub ordered: bool,
    pub text: Vec<Inline>,
}

/// A block of the document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(Vec<Inline>),
    /// A list's items in order; nesting is each item's depth.
    List(Vec<Item>),
    /// Rows of cells; the first row is the header.
    Table(Vec<Vec<Vec<Inline>>>),
}

/// An image found in the document: the name it is saved as and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub file: String,
    pub bytes: Vec<u8>,
}

/// A whole document read.
#[derive(Debug, Default)]
pub struct Outline {
    pub blocks: Vec<Block>,
    pub pictures: Vec<Picture>,
}

/// Appends text to `inlines`, joining it to the last run when the emphasis
/// is the same (a Word paragraph often splits one word over several runs).
pub fn push_text(inlines: &mut Vec<Inline>, text: &str, bold: bool, italic: bool) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text {
        text: last,
        bold: b,
        italic: i,
    }) = inlines.last_mut()
        && *b == bold
        && *i == italic
    {
        last.push_str(text);
        return;
    }
    inlines.push(Inline::Text {
        text: text.to_string(),
        bold,
        italic,
    });
}

/// The plain text of some inlines, spaces collapsed.
pub fn plain(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text { text, .. } => out.push_str(text),
            Inline::Link { text, .. } => out.push_str(&plain(text)),
            Inline::Image { .. } => {}
        }
    }
    collapse(&out)
}

/// Runs of white space made one space, ends trimmed.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters that would start Markdown syntax inside a text run.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Inlines as one line of Markdown.
pub fn inline_markdown(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text { text, bold, italic } => {
                let text = text.replace(['\n', '\r', '\t'], " ");
                // Emphasis marks must touch the words, so spaces stay outside.
                let core = text.trim();
                if core.is_empty() {
                    out.push_str(&text);
                    continue;
                }
                let lead = &text[..text.len() - text.trim_start().len()];
                let trail = &text[text.trim_end().len()..];
                let mark = match (bold, italic) {
                    (true, true) => "***",
                    (true, false) => "**",
                    (false, true) => "*",
                    (false, false) => "",
                };
                out.push_str(lead);
                out.push_str(mark);
                out.push_str(&escape(core));
                out.push_str(mark);
                out.push_str(trail);
            }
            Inline::Link { text, url } => {
                let label = inline_markdown(text);
                let label = if label.trim().is_empty() {
                    escape(url)
                } else {
                    label.trim().to_string()
                };
                out.push_str(&format!(
                    "[{label}](<{}>)",
                    url.replace(['<', '>', ' '], "")
                ));
            }
            Inline::Image { file, alt } => {
                out.push_str(&format!("![{}](../images/{file})", escape(alt)));
            }
        }
    }
    collapse(&out)
}

/// Blocks as a Markdown body. Headings are written from `##` down, keeping
/// their depth below `base` (the level the page was split at).
pub fn markdown(blocks: &[Block], base: u8) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading { level, text } => {
                let depth = (level.saturating_sub(base) + 1).clamp(2, 6) as usize;
                out.push_str(&format!("{} {}\n\n", "#".repeat(depth), escape(text)));
            }
            Block::Paragraph(inlines) => {
                let text = inline_markdown(inlines);
                if !text.is_empty() {
                    out.push_str(&text);
                    out.push_str("\n\n");
                }
            }
            Block::List(items) => {
                let mut numbers = [0usize; 10];
                let mut last_depth = 0;
                for (n, item) in items.iter().enumerate() {
                    // A list may not skip a level: an item at most one deeper
                    // than the one before it.
                    let depth = if n == 0 {
                        0
                    } else {
                        item.depth.min(last_depth + 1).min(9)
                    };
                    for deeper in numbers.iter_mut().skip(depth + 1) {
                        *deeper = 0;
                    }
                    last_depth = depth;
                    let marker = if item.ordered {
                        numbers[depth] += 1;
                        format!("{}.", numbers[depth])
                    } else {
                        "-".to_string()
                    };
                    out.push_str(&"    ".repeat(depth));
                    out.push_str(&marker);
                    out.push(' ');
                    out.push_str(&inline_markdown(&item.text));
                    out.push('\n');
                }
                out.push('\n');
            }
            Block::Table(rows) => {
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                if width == 0 {
                    continue;
                }
                for (r, row) in rows.iter().enumerate() {
                    out.push('|');
                    for c in 0..width {
                        let cell = row.get(c).map(|c| inline_markdown(c)).unwrap_or_default();
                        out.push_str(&format!(" {cell} |"));
                    }
                    out.push('\n');
                    if r == 0 {
                        out.push('|');
                        out.push_str(&" --- |".repeat(width));
                        out.push('\n');
                    }
                }
                out.push('\n');
            }
        }
    }
    out.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str, bold: bool, italic: bool) -> Inline {
        Inline::Text {
            text: text.into(),
            bold,
            italic,
        }
    }

    #[test]
    fn emphasis_links_lists_and_tables_are_written_as_markdown() {
        let blocks = vec![
            Block::Heading {
                level: 3,
                text: "Inside".into(),
            },
            Block::Paragraph(vec![
                t("Use ", false, false),
                t("visual ", true, false),
                t("timetables", false, true),
                Inline::Link {
                    text: vec![t(" guide", false, false)],
                    url: "https://example.org/a".into(),
                },
            ]),
            Block::List(vec![
                Item {
                    depth: 0,
                    ordered: false,
                    text: vec![t("one", false, false)],
                },
                Item {
                    depth: 2,
                    ordered: true,
                    text: vec![t("deeper", false, false)],
                },
            ]),
            Block::Table(vec![
                vec![vec![t("A", false, false)], vec![t("B", false, false)]],
                vec![vec![t("1", false, false)]],
            ]),
        ];
        assert_eq!(
            markdown(&blocks, 2),
            "## Inside\n\nUse **visual** *timetables*[guide](<https://example.org/a>)\n\n- one\n    1. deeper\n\n| A | B |\n| --- | --- |\n| 1 |  |\n"
        );
    }
}
