//! The plan or session as a Word document, with headings, tables and blanks
//! for what only the school knows.

use std::io::Cursor;

use docx_rs::{Docx, Paragraph, Run, Style, StyleType, Table, TableCell, TableRow};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::escape::xml_text;
use super::{CHILD_DETAILS, Export, ExportError, PRIVACY, View, base_of};
use crate::plan::{FACILITATOR_NOTES, MEASURES, PROVISION_COLUMNS, Plan, STEPS, clock, number};

/// A Word document.
pub struct Word;

impl Export for Word {
    fn id(&self) -> &'static str {
        "docx"
    }

    fn path(&self) -> &'static str {
        "/plan.docx"
    }

    fn content_type(&self) -> &'static str {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    }

    fn label(&self) -> &'static str {
        "Word document"
    }

    fn render(&self, plan: &Plan, view: View, share_url: &str) -> Result<Vec<u8>, ExportError> {
        docx(plan, view, share_url)
    }
}

fn heading(level: usize, text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(xml_text(text)))
        .style(&format!("Heading{level}"))
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(xml_text(text)))
}

fn text_cell(text: &str, bold: bool) -> TableCell {
    let run = Run::new().add_text(xml_text(text));
    TableCell::new().add_paragraph(Paragraph::new().add_run(if bold { run.bold() } else { run }))
}

fn table(header: &[&str], rows: Vec<Vec<String>>) -> Table {
    let mut all = vec![TableRow::new(
        header.iter().map(|h| text_cell(h, true)).collect(),
    )];
    for row in rows {
        all.push(TableRow::new(
            row.iter().map(|c| text_cell(c, false)).collect(),
        ));
    }
    Table::new(all)
}

/// Markdown blocks as Word paragraphs: lists numbered or bulleted, bold kept.
fn blocks(markdown: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut runs: Vec<(String, bool)> = Vec::new();
    let mut bold = false;
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut prefix = String::new();
    let flush = |runs: &mut Vec<(String, bool)>, prefix: &mut String, out: &mut Vec<Paragraph>| {
        if runs.iter().all(|(t, _)| t.trim().is_empty()) {
            runs.clear();
            return;
        }
        let mut p = Paragraph::new();
        if !prefix.is_empty() {
            p = p.add_run(Run::new().add_text(xml_text(prefix)));
            prefix.clear();
        }
        for (text, b) in runs.drain(..) {
            let run = Run::new().add_text(xml_text(&text));
            p = p.add_run(if b { run.bold() } else { run });
        }
        out.push(p);
    };
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        match event {
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut runs, &mut prefix, &mut out);
                let depth = lists.len().saturating_sub(1);
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_string(),
                };
                prefix = format!("{}{marker}", "    ".repeat(depth));
            }
            Event::Start(Tag::Strong) => bold = true,
            Event::End(TagEnd::Strong) => bold = false,
            Event::Text(t) | Event::Code(t) => runs.push((t.to_string(), bold)),
            Event::SoftBreak | Event::HardBreak => runs.push((" ".to_string(), bold)),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => {
                flush(&mut runs, &mut prefix, &mut out);
            }
            Event::End(TagEnd::TableCell) => runs.push(("  ".to_string(), bold)),
            _ => {}
        }
    }
    flush(&mut runs, &mut prefix, &mut out);
    out
}

fn styled() -> Docx {
    let heading_style = |id: &str, name: &str, size: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .size(size)
            .bold()
    };
    Docx::new()
        .add_style(heading_style("Heading1", "Heading 1", 36))
        .add_style(heading_style("Heading2", "Heading 2", 28))
        .add_style(heading_style("Heading3", "Heading 3", 24))
}

/// The plan or session as a Word document.
pub fn docx(plan: &Plan, view: View, share_url: &str) -> Result<Vec<u8>, ExportError> {
    let mut doc = styled();
    match view {
        View::Plan => {
            doc = doc
                .add_paragraph(heading(1, "SEN support plan"))
                .add_paragraph(para(&format!(
                    "Built with {} from {} pages. Share link: {share_url}",
                    plan.site.config.name,
                    plan.pages.len()
                )))
                .add_paragraph(heading(2, "About the child"))
                .add_table(table(
                    &["", ""],
                    CHILD_DETAILS
                        .iter()
                        .map(|r| vec![(*r).to_string(), String::new()])
                        .collect(),
                ));
            let needs = plan.needs();
            if !needs.is_empty() {
                doc = doc.add_paragraph(heading(2, "Needs this plan addresses"));
                for need in needs {
                    doc = doc.add_paragraph(para(&format!("• {need}")));
                }
            }
            for page in plan.strategies() {
                doc = doc
                    .add_paragraph(heading(2, &page.meta.title))
                    .add_paragraph(
                        Paragraph::new()
                            .add_run(Run::new().add_text(xml_text(&page.meta.summary)).italic()),
                    );
                if let Some(steps) = page.section(STEPS) {
                    doc = doc.add_paragraph(heading(3, "What you can do"));
                    for p in blocks(steps) {
                        doc = doc.add_paragraph(p);
                    }
                }
                if let Some(measures) = page.section(MEASURES) {
                    doc = doc.add_paragraph(heading(3, "How you will know it is working"));
                    for p in blocks(measures) {
                        doc = doc.add_paragraph(p);
                    }
                }
                doc = doc.add_table(table(
                    &[
                        "Outcome we want",
                        "How we will measure it",
                        "Review date",
                        "What happened",
                    ],
                    vec![vec![String::new(); 4], vec![String::new(); 4]],
                ));
            }
            let rows = plan.provision();
            if !rows.is_empty() {
                let body = rows.iter().map(|r| r.cells(plan)).collect();
                doc = doc
                    .add_paragraph(heading(2, "Provision"))
                    .add_table(table(PROVISION_COLUMNS, body));
                for (role, hours) in plan.hours_by_role() {
                    doc = doc.add_paragraph(para(&format!(
                        "{role}: {} staff hours a week",
                        number(hours)
                    )));
                }
            }
            let resources: Vec<_> = plan.resources().collect();
            if !resources.is_empty() {
                doc = doc.add_paragraph(heading(2, "Resources"));
                for r in resources {
                    doc = doc.add_paragraph(para(&format!(
                        "• {}: {}{}",
                        r.meta.title,
                        base_of(share_url),
                        r.url
                    )));
                }
            }
        }
        View::Session => {
            doc = doc
                .add_paragraph(heading(
                    1,
                    &format!("Staff session ({} minutes)", plan.session_minutes()),
                ))
                .add_paragraph(para(&format!(
                    "Built with {}. Share link: {share_url}",
                    plan.site.config.name
                )))
                .add_paragraph(heading(2, "Running order"))
                .add_table(table(
                    &["Time", "Minutes", "Item"],
                    plan.running_order()
                        .into_iter()
                        .map(|s| vec![clock(s.start_minute), s.minutes.to_string(), s.title])
                        .collect(),
                ));
            for group in plan.by_ingredient() {
                doc = doc.add_paragraph(heading(2, &group.label));
                for page in &group.pages {
                    doc = doc
                        .add_paragraph(heading(3, &page.meta.title))
                        .add_paragraph(para(&page.meta.summary));
                    for p in page.section(STEPS).map(blocks).unwrap_or_default() {
                        doc = doc.add_paragraph(p);
                    }
                }
                if let Some(notes) = group.training.and_then(|t| t.section(FACILITATOR_NOTES)) {
                    doc = doc.add_paragraph(heading(3, "Facilitator notes"));
                    for p in blocks(notes) {
                        doc = doc.add_paragraph(p);
                    }
                }
            }
        }
    }
    doc = doc.add_paragraph(para(PRIVACY));
    let mut bytes = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut bytes)
        .map_err(|e| ExportError::Docx(Box::new(e)))?;
    Ok(bytes.into_inner())
}
