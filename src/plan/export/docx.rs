//! The plan or session as a Word document, with headings, tables and blanks
//! for what only the school knows.

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, Docx, Footer, HeightRule, IndentLevel, Level, LevelJc, LevelOverride,
    LevelText, LineSpacing, LineSpacingType, NumPages, NumberFormat, Numbering, NumberingId,
    PageMargin, PageNum, Paragraph, Pic, Run, RunFonts, SpecialIndentType, Start, Style, StyleType,
    Table, TableCell, TableLayoutType, TableRow, WidthType,
};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::escape::xml_text;
use super::ooxml;
use super::{Export, ExportError, PRIVACY, View, base_of};
use crate::plan::outline::{self, Needs};
use crate::plan::{
    FACILITATOR_NOTES, MEASURES, MONEY_COLUMNS, PROVISION_COLUMNS, Plan, STEPS, clock, number,
};

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

/// A4 portrait with 2 cm margins, in twentieths of a point (dxa).
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN: i32 = 1134;
/// The width a table may take: the page less both margins.
const TEXT_WIDTH: usize = 11906 - 2 * 1134;

/// The one body font, 11 pt (sizes are in half-points).
const FONT: &str = "Arial";
const BODY_SIZE: usize = 22;

/// Numbering instance of the bulleted lists; numbered lists get their own
/// instances above it, so each one restarts at 1. docx-rs always writes an
/// abstract numbering and an instance numbered 1 of its own, hence from 10.
const BULLETS: usize = 10;
const ABSTRACT_BULLETS: usize = 10;
const ABSTRACT_NUMBERS: usize = 11;

pub(crate) fn heading(level: usize, text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(xml_text(text)))
        .style(&format!("Heading{level}"))
        .keep_next(true)
}

pub(crate) fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(xml_text(text)))
}

pub(crate) fn bullet(text: &str) -> Paragraph {
    para(text).numbering(NumberingId::new(BULLETS), IndentLevel::new(0))
}

/// A cell of one paragraph per line of `text` (Word ignores a newline
/// inside a paragraph's text).
fn text_cell(text: &str, bold: bool, width: usize, size: usize) -> TableCell {
    let mut cell = TableCell::new().width(width, WidthType::Dxa);
    let text = text.trim_end();
    for line in text.split('\n') {
        let run = Run::new().add_text(xml_text(line)).size(size);
        cell = cell.add_paragraph(Paragraph::new().add_run(if bold { run.bold() } else { run }));
    }
    cell
}

/// Column widths from shares of the text width, the last taking what
/// rounding leaves.
fn widths(shares: &[usize]) -> Vec<usize> {
    let total: usize = shares.iter().sum();
    let mut out: Vec<usize> = shares.iter().map(|s| TEXT_WIDTH * s / total).collect();
    let used: usize = out.iter().sum();
    if let Some(last) = out.last_mut() {
        *last += TEXT_WIDTH - used;
    }
    out
}

/// A table under a labelled header row (bold, repeated on each page: see
/// [`ooxml::repeat_header_rows`]); no row splits across a page. Rows left
/// blank for writing in are given a height so there is room to write.
pub(crate) fn table(header: &[&str], rows: Vec<Vec<String>>, shares: &[usize]) -> Table {
    sized_table(header, rows, shares, BODY_SIZE)
}

/// [`table`] with text of its own size, for tables of many narrow columns.
pub(crate) fn sized_table(
    header: &[&str],
    rows: Vec<Vec<String>>,
    shares: &[usize],
    size: usize,
) -> Table {
    let grid = widths(shares);
    let mut all = vec![
        TableRow::new(
            header
                .iter()
                .zip(&grid)
                .map(|(h, w)| text_cell(h, true, *w, size))
                .collect(),
        )
        .cant_split(),
    ];
    for row in rows {
        let blank = row.iter().all(|c| c.trim().is_empty());
        let mut tr = TableRow::new(
            row.iter()
                .zip(&grid)
                .map(|(c, w)| text_cell(c, false, *w, size))
                .collect(),
        )
        .cant_split();
        if blank {
            tr = tr.row_height(850.0).height_rule(HeightRule::AtLeast);
        }
        all.push(tr);
    }
    Table::new(all)
        .set_grid(grid)
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// Numbered lists made while writing the document: each gets its own
/// numbering instance so it restarts at 1.
pub(crate) struct Lists {
    numbered: Vec<usize>,
}

impl Lists {
    pub(crate) fn new() -> Lists {
        Lists {
            numbered: Vec::new(),
        }
    }

    /// A new numbered list starting at 1.
    fn restart(&mut self) -> usize {
        let id = BULLETS + 1 + self.numbered.len();
        self.numbered.push(id);
        id
    }

    pub(crate) fn add_to(self, mut doc: Docx) -> Docx {
        let level = |i: usize, format: &str, text: String| {
            Level::new(
                i,
                Start::new(1),
                NumberFormat::new(format),
                LevelText::new(text),
                LevelJc::new("left"),
            )
            .indent(
                Some(360 * (i as i32 + 1) + 360),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            )
        };
        let marks = ["\u{2022}", "\u{25E6}", "\u{25AA}"];
        let mut bullets = AbstractNumbering::new(ABSTRACT_BULLETS);
        let mut numbers = AbstractNumbering::new(ABSTRACT_NUMBERS);
        for i in 0..3 {
            bullets = bullets.add_level(level(i, "bullet", marks[i].to_string()));
            let format = ["decimal", "lowerLetter", "lowerRoman"][i];
            numbers = numbers.add_level(level(i, format, format!("%{}.", i + 1)));
        }
        doc = doc
            .add_abstract_numbering(bullets)
            .add_abstract_numbering(numbers)
            .add_numbering(Numbering::new(BULLETS, ABSTRACT_BULLETS));
        for id in self.numbered {
            doc = doc.add_numbering(
                Numbering::new(id, ABSTRACT_NUMBERS).add_override(LevelOverride::new(0).start(1)),
            );
        }
        doc
    }
}

/// Markdown blocks as Word paragraphs, bold kept, lists as Word lists:
/// ordered lists numbered (each from 1), others bulleted. With `steps`,
/// every top-level list is numbered, all in one sequence from 1.
fn blocks(markdown: &str, lists: &mut Lists, steps: bool) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut runs: Vec<(String, bool)> = Vec::new();
    let mut bold = false;
    // The numbering instance of each open list.
    let mut open: Vec<usize> = Vec::new();
    let mut item: Option<(usize, usize)> = None;
    let steps_list = if steps { Some(lists.restart()) } else { None };
    let flush = |runs: &mut Vec<(String, bool)>,
                 item: &mut Option<(usize, usize)>,
                 out: &mut Vec<Paragraph>| {
        if runs.iter().all(|(t, _)| t.trim().is_empty()) {
            runs.clear();
            return;
        }
        let mut p = Paragraph::new();
        if let Some((id, depth)) = item.take() {
            p = p.numbering(NumberingId::new(id), IndentLevel::new(depth.min(2)));
        }
        for (text, b) in runs.drain(..) {
            let run = Run::new().add_text(xml_text(&text));
            p = p.add_run(if b { run.bold() } else { run });
        }
        out.push(p);
    };
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS,
    ) {
        match event {
            Event::Start(Tag::List(start)) => {
                flush(&mut runs, &mut item, &mut out);
                let id = match (open.is_empty(), steps_list, start) {
                    (true, Some(id), _) => id,
                    (_, _, Some(_)) => lists.restart(),
                    _ => BULLETS,
                };
                open.push(id);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut runs, &mut item, &mut out);
                open.pop();
            }
            Event::Start(Tag::Item) => {
                flush(&mut runs, &mut item, &mut out);
                if let Some(id) = open.last() {
                    item = Some((*id, open.len() - 1));
                }
            }
            Event::Start(Tag::Strong) => bold = true,
            Event::End(TagEnd::Strong) => bold = false,
            Event::Text(t) | Event::Code(t) => runs.push((t.to_string(), bold)),
            // A task list's box as a character, as the page shows it: a
            // document to fill in on paper, not a form.
            Event::TaskListMarker(done) => {
                runs.push((
                    if done { "\u{2611} " } else { "\u{2610} " }.to_string(),
                    bold,
                ));
            }
            Event::SoftBreak | Event::HardBreak => runs.push((" ".to_string(), bold)),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::Heading(_)
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => {
                flush(&mut runs, &mut item, &mut out);
            }
            Event::End(TagEnd::TableCell) => runs.push(("  ".to_string(), bold)),
            _ => {}
        }
    }
    flush(&mut runs, &mut item, &mut out);
    out
}

/// Styles, page, font and footer: the frame every plan and session shares.
pub(crate) fn styled(authority: &str) -> Docx {
    let heading_style = |id: &str, name: &str, size: usize, level: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(size)
            .bold()
            .outline_lvl(level)
            .line_spacing(LineSpacing::new().before(240).after(120))
    };
    let small = |text: &str| Run::new().add_text(xml_text(text)).size(18);
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(small(&format!("{authority} \u{2013} Page ")))
            .add_page_num(PageNum::new())
            .add_run(small(" of "))
            .add_num_pages(NumPages::new())
            .style("Footer"),
    );
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN)
                .header(567)
                .footer(567),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .cs(FONT)
                .east_asia(FONT),
        )
        .default_size(BODY_SIZE)
        .default_line_spacing(
            LineSpacing::new()
                .line(288)
                .line_rule(LineSpacingType::Auto)
                .after(120),
        )
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .size(48)
                .bold()
                .line_spacing(LineSpacing::new().after(240)),
        )
        // The page number fields take their size from the paragraph's style.
        .add_style(
            Style::new("Footer", StyleType::Paragraph)
                .name("footer")
                .based_on("Normal")
                .size(18),
        )
        .add_style(heading_style("Heading1", "heading 1", 36, 0))
        .add_style(heading_style("Heading2", "heading 2", 30, 1))
        .add_style(heading_style("Heading3", "heading 3", 26, 2))
        .footer(footer)
}

/// The authority's logo, 1.5 cm high (at most 6 cm wide), when it is a
/// PNG: docx-rs embeds PNG only, and an SVG or other logo is left out of
/// the Word document rather than converted.
fn logo(plan: &Plan) -> Option<Pic> {
    let logo = plan.site.config.theme.logo.as_ref()?;
    let bytes: &[u8] = &logo.bytes;
    if logo.content_type != "image/png" || bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let dimension =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let (width, height) = (dimension(16), dimension(20));
    if width == 0 || height == 0 {
        return None;
    }
    // English Metric Units: 360,000 to the centimetre.
    let high: u64 = 540_000;
    let wide = (high * u64::from(width) / u64::from(height)).min(2_160_000);
    let high = wide * u64::from(height) / u64::from(width);
    Some(
        Pic::new_with_dimensions(bytes.to_vec(), width, height)
            .size(u32::try_from(wide).ok()?, u32::try_from(high).ok()?),
    )
}

pub(crate) fn title(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(xml_text(text)))
        .style("Title")
}

/// The plan or session as a Word document.
pub fn docx(plan: &Plan, view: View, share_url: &str) -> Result<Vec<u8>, ExportError> {
    let authority = plan.site.config.name.as_str();
    let mut doc = styled(authority);
    let mut lists = Lists::new();
    let document_title = match view {
        View::Plan => outline::TITLE.to_string(),
        View::Session => format!("Staff session ({} minutes)", plan.session_minutes()),
    };
    let logo = logo(plan);
    if let Some(pic) = logo.clone() {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)));
    }
    doc = doc.add_paragraph(title(&document_title));
    match view {
        View::Plan => {
            doc = doc.add_paragraph(para(&format!(
                "Built with {authority} from {} pages. Share link: {share_url}",
                plan.pages.len()
            )));
            doc = plan_sections(doc, plan, &mut lists);
            let rows = plan.provision();
            if !rows.is_empty() {
                let body = rows.iter().map(|r| r.cells(plan)).collect();
                // Many columns at 9 pt: each wide enough that no heading
                // word breaks; a column added later gets an even share.
                let shares: Vec<usize> = PROVISION_COLUMNS
                    .iter()
                    .map(|c| match *c {
                        "Strategy" => 16,
                        "Delivered by" | "Sessions a week" | "Evidence" => 12,
                        "Minutes" => 11,
                        "Weeks" | "Group size" => 9,
                        _ => 10,
                    })
                    .collect();
                doc = doc
                    .add_paragraph(heading(2, "Provision map"))
                    .add_table(sized_table(PROVISION_COLUMNS, body, &shares, 18));
                for (role, hours) in plan.hours_by_role() {
                    doc = doc.add_paragraph(
                        bullet(&format!("{role}: {} staff hours a week", number(hours)))
                            .line_spacing(LineSpacing::new().before(120)),
                    );
                }
                doc = costs(doc, plan, &rows);
            }
            let universal = plan.universal_strategies();
            if !universal.is_empty() {
                let titles: Vec<&str> = universal.iter().map(|p| p.meta.title.as_str()).collect();
                doc = doc.add_paragraph(
                    para(&format!(
                        "Ordinarily available at no extra cost: {}.",
                        titles.join("; ")
                    ))
                    .line_spacing(LineSpacing::new().before(120)),
                );
            }
            doc = doc
                .add_paragraph(heading(1, outline::REVIEW))
                .add_table(table(
                    &outline::REVIEW_COLUMNS,
                    vec![plan.review_row().to_vec()],
                    &[25, 35, 40],
                ));
            let resources: Vec<_> = plan.resources().collect();
            if !resources.is_empty() {
                doc = doc.add_paragraph(heading(1, outline::RESOURCES));
                for r in resources {
                    doc = doc.add_paragraph(bullet(&format!(
                        "{}: {}{}",
                        r.meta.title,
                        base_of(share_url),
                        r.url
                    )));
                }
            }
        }
        View::Session => {
            doc = doc
                .add_paragraph(para(&format!(
                    "Built with {authority}. Share link: {share_url}"
                )))
                .add_paragraph(heading(1, "Running order"))
                .add_table(table(
                    &["Time", "Minutes", "Key ingredient", "Item"],
                    plan.running_order()
                        .into_iter()
                        .map(|s| {
                            vec![
                                clock(s.start_minute),
                                s.minutes.to_string(),
                                s.ingredient.unwrap_or_default(),
                                s.title,
                            ]
                        })
                        .collect(),
                    &[12, 12, 30, 46],
                ));
            for group in plan.by_ingredient() {
                doc = doc.add_paragraph(heading(1, &group.label));
                // The ingredient's notes first, so they read as its own.
                if let Some(notes) = group.training.and_then(|t| t.section(FACILITATOR_NOTES)) {
                    doc = doc.add_paragraph(heading(
                        2,
                        &format!("Facilitator notes for {}", group.label),
                    ));
                    for p in blocks(&notes, &mut lists, false) {
                        doc = doc.add_paragraph(p);
                    }
                }
                for page in &group.pages {
                    doc = doc
                        .add_paragraph(heading(2, &page.meta.title))
                        .add_paragraph(para(&page.meta.summary));
                    if let Some(steps) = page.section(STEPS) {
                        for p in blocks(&steps, &mut lists, true) {
                            doc = doc.add_paragraph(p);
                        }
                    }
                }
            }
        }
    }
    doc = lists.add_to(doc.add_paragraph(para(PRIVACY)));
    let mut bytes = Cursor::new(Vec::new());
    let alt = format!("{authority} logo");
    ooxml::finish(
        doc.build(),
        &document_title,
        authority,
        logo.is_some().then_some(alt.as_str()),
    )
    .pack(&mut bytes)
    .map_err(|e| ExportError::Docx(Box::new(e)))?;
    Ok(bytes.into_inner())
}

/// About the child, the child's and family's views, needs, outcomes, and
/// each strategy with its delivery, ticked steps and measures, in
/// [`outline`]'s order.
fn plan_sections(mut doc: Docx, plan: &Plan, lists: &mut Lists) -> Docx {
    let pairs = |fields: Vec<outline::Field>| -> Vec<Vec<String>> {
        fields
            .into_iter()
            .map(|f| vec![f.label.to_string(), f.value])
            .collect()
    };
    doc = doc
        .add_paragraph(heading(1, outline::ABOUT))
        .add_table(table(
            &["Detail", "For this child"],
            pairs(plan.about()),
            &[35, 65],
        ))
        .add_paragraph(heading(1, outline::CHILD_SAYS))
        .add_table(table(
            &["Question", "In the child's words"],
            pairs(plan.child_says()),
            &[35, 65],
        ))
        .add_paragraph(heading(1, outline::FAMILY_SAYS));
    let family = plan.family_says();
    doc = doc
        .add_table(table(&[family.label], vec![vec![family.value]], &[100]))
        .add_paragraph(heading(1, outline::NEEDS));
    match plan.needs_section() {
        Needs::Chosen(needs) if needs.is_empty() => {
            doc = doc.add_paragraph(para("No needs chosen yet."));
        }
        Needs::Chosen(needs) => {
            for need in needs {
                doc = doc.add_paragraph(bullet(&need));
            }
        }
        Needs::Suggested(needs) => {
            let mut text = "Not chosen yet. Choose the needs this plan addresses".to_string();
            if !needs.is_empty() {
                text.push_str(&format!(
                    "; the chosen pages are about: {}",
                    needs.join("; ")
                ));
            }
            text.push('.');
            doc = doc.add_paragraph(para(&text));
        }
    }
    doc = doc
        .add_paragraph(heading(1, outline::OUTCOMES))
        // Kept with the table it explains (seen split across pages).
        .add_paragraph(para(outline::SMART_PROMPT).keep_next(true))
        .add_table(table(
            &outline::OUTCOME_COLUMNS,
            plan.outcome_rows()
                .into_iter()
                .map(|r| r.to_vec())
                .collect(),
            &[45, 35, 20],
        ));
    let parts = plan.strategy_parts();
    if !parts.is_empty() {
        doc = doc.add_paragraph(heading(1, outline::PROVISION));
    }
    for part in parts {
        let page = part.page;
        doc = doc
            .add_paragraph(heading(2, &page.meta.title))
            .add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(xml_text(&page.meta.summary)).italic()),
            )
            .add_table(table(
                &["Detail", "This plan"],
                pairs(part.delivery),
                &[30, 70],
            ))
            .add_paragraph(heading(3, "What we will do"));
        if part.steps.is_empty() {
            doc = doc.add_paragraph(para("No steps ticked."));
        } else {
            // The ticked steps as one numbered list, each quoted as written.
            let list: String = part
                .steps
                .iter()
                .map(|(_, step)| format!("1. {step}\n"))
                .collect();
            for p in blocks(&list, lists, true) {
                doc = doc.add_paragraph(p);
            }
        }
        if let Some(measures) = page.section(MEASURES) {
            doc = doc.add_paragraph(heading(3, "How you will know it is working"));
            for p in blocks(&measures, lists, false) {
                doc = doc.add_paragraph(p);
            }
        }
    }
    doc
}

/// The costed provision: each strategy's staff time and money, the totals,
/// and which roles still need a rate. A table of its own, so the provision
/// table above keeps columns wide enough to read on A4.
fn costs(doc: Docx, plan: &Plan, rows: &[crate::plan::ProvisionRow]) -> Docx {
    let column = |name: &str| PROVISION_COLUMNS.iter().position(|c| *c == name);
    let (Some(strategy), Some(hours)) = (column("Strategy"), column("Staff hours a week")) else {
        return doc;
    };
    let header: Vec<&str> = ["Strategy", "Staff hours a week"]
        .into_iter()
        .chain(MONEY_COLUMNS.iter().copied())
        .collect();
    let mut body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let cells = r.cells(plan);
            [cells[strategy].clone(), cells[hours].clone()]
                .into_iter()
                .chain(r.money_cells())
                .collect()
        })
        .collect();
    if let Some((week, over)) = plan.cost_totals() {
        let mut total = vec!["Total".to_string(), String::new()];
        total.resize(header.len() - 2, String::new());
        total.push(week.to_string());
        total.push(over.to_string());
        body.push(total);
    }
    let mut doc = doc
        .add_paragraph(heading(2, outline::COSTS))
        .add_table(table(&header, body, &[32, 16, 18, 17, 17]));
    if let Some(prompt) = plan.rate_prompt() {
        doc = doc.add_paragraph(para(&prompt).line_spacing(LineSpacing::new().before(120)));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use docx_rs::BuildXML;

    #[test]
    fn task_list_boxes_are_characters_in_word() {
        let mut lists = Lists::new();
        let xml: String = blocks("- [ ] Ask\n- [x] Done\n", &mut lists, false)
            .iter()
            .map(|p| String::from_utf8(p.build()).unwrap())
            .collect();
        assert!(
            xml.contains("\u{2610} ") && xml.contains("\u{2611} "),
            "{xml}"
        );
        assert!(!xml.contains("[ ]") && !xml.contains("[x]"), "{xml}");
    }
}
