//! Reading a Word document (`.docx`, through `docx-rs`) into the outline:
//! paragraphs styled `Heading N` are headings, numbered paragraphs are list
//! items at their numbering level, tables keep their cells.

use std::collections::HashMap;

use docx_rs::{
    DocumentChild, Docx, DrawingData, HyperlinkData, Paragraph, ParagraphChild, ReadDocxOptions,
    RunChild, RunProperty, Table, TableCellContent, TableChild, TableRowChild,
};

use super::outline::{Block, Inline, Item, Outline, Picture, push_text};

/// Reads the document in `bytes`; the error says what the reader refused.
pub fn read(bytes: &[u8]) -> Result<Outline, String> {
    let docx = docx_rs::read_docx_with_options(
        bytes,
        ReadDocxOptions::default().with_image_previews(false),
    )
    .map_err(|e| format!("not a Word document it can read ({e})"))?;
    let reader = Reader::new(&docx);
    let mut outline = Outline::default();
    for child in &docx.document.children {
        match child {
            DocumentChild::Paragraph(p) => reader.paragraph(p, &mut outline.blocks),
            DocumentChild::Table(t) => outline.blocks.push(reader.table(t)),
            _ => {}
        }
    }
    outline.pictures = reader.pictures.into_values().collect();
    outline.pictures.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(outline)
}

struct Reader<'a> {
    docx: &'a Docx,
    /// Hyperlink relationship id to its address.
    links: HashMap<&'a str, &'a str>,
    /// Image relationship id to the picture saved for it.
    pictures: HashMap<String, Picture>,
}

impl<'a> Reader<'a> {
    fn new(docx: &'a Docx) -> Self {
        let links = docx
            .hyperlinks
            .iter()
            .map(|(id, url, _)| (id.as_str(), url.as_str()))
            .collect();
        let pictures = docx
            .images
            .iter()
            .enumerate()
            .map(|(n, (id, path, image, _))| {
                let ext = path
                    .rsplit('.')
                    .next()
                    .filter(|e| e.len() <= 4 && e.chars().all(|c| c.is_ascii_alphanumeric()))
                    .unwrap_or("png")
                    .to_ascii_lowercase();
                (
                    id.clone(),
                    Picture {
                        file: format!("image-{}.{ext}", n + 1),
                        bytes: image.0.clone(),
                    },
                )
            })
            .collect();
        Reader {
            docx,
            links,
            pictures,
        }
    }

    /// Whether numbering `id` at `level` counts (decimal, letters, roman)
    /// rather than bullets.
    fn ordered(&self, id: usize, level: usize) -> bool {
        let numberings = &self.docx.numberings;
        let Some(abstract_id) = numberings
            .numberings
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.abstract_num_id)
        else {
            return false;
        };
        numberings
            .abstract_nums
            .iter()
            .find(|a| a.id == abstract_id)
            .and_then(|a| a.levels.iter().find(|l| l.level == level))
            .is_some_and(|l| l.format.val != "bullet" && l.format.val != "none")
    }

    fn paragraph(&self, p: &Paragraph, blocks: &mut Vec<Block>) {
        let mut inlines = Vec::new();
        self.children(&p.children, &mut inlines);
        let style = p.property.style.as_ref().map(|s| s.val.as_str());
        if let Some(level) = style.and_then(heading_level) {
            let text = super::outline::plain(&inlines);
            if !text.is_empty() {
                blocks.push(Block::Heading { level, text });
            }
            return;
        }
        let numbering = p
            .property
            .numbering_property
            .as_ref()
            .and_then(|n| Some((n.id.as_ref()?.id, n.level.as_ref().map_or(0, |l| l.val))));
        // Numbering id 0 means "no numbering" in Word.
        let numbering = numbering.filter(|(id, _)| *id != 0).or_else(|| {
            style
                .filter(|s| s.to_ascii_lowercase().starts_with("listbullet"))
                .map(|_| (0, 0))
        });
        if let Some((id, depth)) = numbering {
            let item = Item {
                depth,
                ordered: id != 0 && self.ordered(id, depth),
                text: inlines,
            };
            match blocks.last_mut() {
                Some(Block::List(items)) => items.push(item),
                _ => blocks.push(Block::List(vec![item])),
            }
            return;
        }
        if !super::outline::plain(&inlines).is_empty()
            || inlines.iter().any(|i| matches!(i, Inline::Image { .. }))
        {
            blocks.push(Block::Paragraph(inlines));
        }
    }

    fn children(&self, children: &[ParagraphChild], out: &mut Vec<Inline>) {
        for child in children {
            match child {
                ParagraphChild::Run(run) => self.run(&run.run_property, &run.children, out),
                ParagraphChild::Insert(_) => {}
                ParagraphChild::Hyperlink(link) => {
                    let mut text = Vec::new();
                    self.children(&link.children, &mut text);
                    let url = match &link.link {
                        HyperlinkData::External { rid, path } => self
                            .links
                            .get(rid.as_str())
                            .map(|u| u.to_string())
                            .unwrap_or_else(|| path.clone()),
                        HyperlinkData::Anchor { .. } => String::new(),
                    };
                    if url.starts_with("https://") || url.starts_with("http://") {
                        out.push(Inline::Link { text, url });
                    } else {
                        out.extend(text);
                    }
                }
                _ => {}
            }
        }
    }

    fn run(&self, property: &RunProperty, children: &[RunChild], out: &mut Vec<Inline>) {
        // docx-rs keeps the on/off value private; it serialises as a bool.
        let on =
            |v: Option<serde_json::Value>| v.is_some_and(|v| v == serde_json::Value::Bool(true));
        let bold = on(property
            .bold
            .as_ref()
            .and_then(|b| serde_json::to_value(b).ok()));
        let italic = on(property
            .italic
            .as_ref()
            .and_then(|i| serde_json::to_value(i).ok()));
        for child in children {
            match child {
                RunChild::Text(t) => push_text(out, &t.text, bold, italic),
                RunChild::Tab(_) | RunChild::Break(_) => push_text(out, " ", bold, italic),
                RunChild::Drawing(d) => {
                    if let Some(DrawingData::Pic(pic)) = &d.data
                        && let Some(picture) = self.pictures.get(&pic.id)
                    {
                        out.push(Inline::Image {
                            file: picture.file.clone(),
                            alt: String::new(),
                        });
                    }
                }
                _ => {}
            }
        }
    }

    fn table(&self, table: &Table) -> Block {
        let mut rows = Vec::new();
        for TableChild::TableRow(row) in &table.rows {
            let mut cells = Vec::new();
            for TableRowChild::TableCell(cell) in &row.cells {
                let mut inlines = Vec::new();
                for content in &cell.children {
                    if let TableCellContent::Paragraph(p) = content {
                        if !inlines.is_empty() {
                            push_text(&mut inlines, " ", false, false);
                        }
                        self.children(&p.children, &mut inlines);
                    }
                }
                cells.push(inlines);
            }
            rows.push(cells);
        }
        Block::Table(rows)
    }
}

/// The level of a heading style (`Heading1`, `heading 2`, `Title` as 1).
fn heading_level(style: &str) -> Option<u8> {
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if s == "title" {
        return Some(1);
    }
    s.strip_prefix("heading")
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| (1..=6).contains(n))
}
