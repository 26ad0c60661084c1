//! A plan or session taken away: Markdown, a CSV provision map, and a Word
//! document with headings, tables and blanks for what only the school knows.

use std::io::Cursor;

use docx_rs::{Docx, Paragraph, Run, Style, StyleType, Table, TableCell, TableRow};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::taxonomy::Facet;

use super::{FACILITATOR_NOTES, MEASURES, PROVISION_COLUMNS, Plan, STEPS, clock, number};

/// Rows left blank in the child's details table; the server never sees these.
const CHILD_DETAILS: &[&str] = &[
    "Name",
    "Date of birth",
    "Year group or class",
    "Date of this plan",
    "Date of the next review",
    "People involved (child, family, staff)",
];

/// The privacy note every export carries.
pub const PRIVACY: &str = "Waymark stores nothing about any child: this plan is only a list of pages. Write the child's details, outcomes and review dates in your own copy.";

/// Which layout to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// An assess-plan-do-review plan for a pupil.
    Plan,
    /// A staff session grouped by key ingredient.
    Session,
}

// ------------------------------------------------------------------ Markdown

/// The plan or session as Markdown.
pub fn markdown(plan: &Plan, view: View, share_url: &str) -> String {
    let mut out = String::new();
    match view {
        View::Plan => {
            out.push_str("# SEN support plan\n\n");
            out.push_str(&format!(
                "Built with {} from {} pages. Share link: {}\n\n",
                md_text(&plan.site.config.name),
                plan.pages.len(),
                md_link(share_url)
            ));
            out.push_str("| About the child | |\n|---|---|\n");
            for row in CHILD_DETAILS {
                out.push_str(&format!("| {row} | |\n"));
            }
            out.push('\n');
            let needs = plan.needs();
            if !needs.is_empty() {
                out.push_str("## Needs this plan addresses\n\n");
                for need in needs {
                    out.push_str(&format!("- {}\n", md_text(&need)));
                }
                out.push('\n');
            }
            for page in plan.strategies() {
                out.push_str(&format!(
                    "## {}\n\n{}\n\n",
                    md_text(&page.meta.title),
                    md_text(&page.meta.summary)
                ));
                if let Some(steps) = page.section(STEPS) {
                    out.push_str(&format!(
                        "### What you can do\n\n{}\n\n",
                        shift_headings(&quote_markdown(steps))
                    ));
                }
                if let Some(measures) = page.section(MEASURES) {
                    out.push_str(&format!(
                        "### How you will know it is working\n\n{}\n\n",
                        shift_headings(&quote_markdown(measures))
                    ));
                }
                out.push_str("| Outcome we want | How we will measure it | Review date | What happened |\n|---|---|---|---|\n| | | | |\n\n");
            }
            let rows = plan.provision();
            if !rows.is_empty() {
                out.push_str("## Provision\n\n");
                out.push_str(&markdown_row(
                    PROVISION_COLUMNS.iter().map(|c| (*c).to_string()),
                ));
                out.push_str(&markdown_row(
                    PROVISION_COLUMNS.iter().map(|_| "---".to_string()),
                ));
                for r in &rows {
                    out.push_str(&markdown_row(r.cells(plan).iter().map(|c| cell(c))));
                }
                out.push_str("\nStaff hours a week by role: ");
                let totals: Vec<String> = plan
                    .hours_by_role()
                    .iter()
                    .map(|(role, h)| format!("{} {}", md_text(role), number(*h)))
                    .collect();
                out.push_str(&totals.join("; "));
                out.push_str("\n\n");
            }
            let resources: Vec<_> = plan.resources().collect();
            if !resources.is_empty() {
                out.push_str("## Resources\n\n");
                for r in resources {
                    out.push_str(&format!(
                        "- [{}]({}{})\n",
                        md_text(&r.meta.title),
                        base_of(share_url),
                        r.url
                    ));
                }
                out.push('\n');
            }
        }
        View::Session => {
            out.push_str(&format!(
                "# Staff session ({} minutes)\n\n",
                plan.session_minutes()
            ));
            out.push_str(&format!(
                "Built with {}. Share link: {}\n\n",
                md_text(&plan.site.config.name),
                md_link(share_url)
            ));
            out.push_str("## Running order\n\n| Time | Minutes | Item |\n|---|---|---|\n");
            for slot in plan.running_order() {
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    clock(slot.start_minute),
                    slot.minutes,
                    cell(&slot.title)
                ));
            }
            out.push('\n');
            for group in plan.by_ingredient() {
                out.push_str(&format!("## {}\n\n", md_text(&group.label)));
                for page in &group.pages {
                    out.push_str(&format!(
                        "### {}\n\n{}\n\n",
                        md_text(&page.meta.title),
                        md_text(&page.meta.summary)
                    ));
                    if let Some(steps) = page.section(STEPS) {
                        out.push_str(&format!("{}\n\n", shift_headings(&quote_markdown(steps))));
                    }
                }
                if let Some(notes) = group.training.and_then(|t| t.section(FACILITATOR_NOTES)) {
                    out.push_str(&format!(
                        "### Facilitator notes\n\n{}\n\n",
                        shift_headings(&quote_markdown(notes))
                    ));
                }
            }
        }
    }
    out.push_str(&format!("---\n\n{PRIVACY}\n"));
    out
}

/// Moves headings inside a quoted section down so they sit under ours.
fn shift_headings(markdown: &str) -> String {
    markdown
        .lines()
        .map(|l| {
            if l.starts_with('#') {
                format!("###{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn markdown_row(cells: impl Iterator<Item = String>) -> String {
    format!("| {} |\n", cells.collect::<Vec<_>>().join(" | "))
}

fn cell(text: &str) -> String {
    md_text(text).replace('|', "\\|")
}

// The Markdown export is opened in Markdown viewers, many of which render
// raw HTML and follow any link. The portal sanitises a page when it renders
// it; the export quotes the same text, so it must not carry markup or
// script links that the portal itself would never serve (found by
// tests/hostile.rs: a title or a "What you can do" section holding
// `<script>` or `[x](javascript:...)` came through live).

/// Text from content or settings (a title, a label), escaped so that a
/// Markdown viewer shows it as written: no HTML, no link, no autolink, no
/// emphasis or code, no heading marks taken away.
pub fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '<' | '>' | '[' | ']' | '`' | '&' | '*' | '_' | '~' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A link that shows its own address: `[address](address)`, not an
/// autolink, so the export holds no `<` for a viewer to read as a tag.
fn md_link(url: &str) -> String {
    let mut target = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '(' => target.push_str("%28"),
            ')' => target.push_str("%29"),
            '<' => target.push_str("%3C"),
            '>' => target.push_str("%3E"),
            ' ' => target.push_str("%20"),
            c if c.is_control() => {}
            c => target.push(c),
        }
    }
    format!("[{}]({target})", md_text(&target))
}

/// Whether a link target is relative or http, https or mailto, read the way
/// a browser reads a scheme (ASCII whitespace and control characters
/// dropped, case ignored).
fn safe_target(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !(c.is_ascii_whitespace() || c.is_ascii_control()))
        .collect::<String>()
        .to_ascii_lowercase();
    let Some(end) = squeezed.find([':', '/', '?', '#']) else {
        return true;
    };
    let candidate = &squeezed[..end];
    let is_scheme = squeezed[end..].starts_with(':')
        && candidate.starts_with(|c: char| c.is_ascii_alphabetic())
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    !is_scheme || matches!(candidate, "http" | "https" | "mailto")
}

/// The byte edits that make one reading of `markdown` safe: each raw HTML
/// span's `<` shown as text, each unsafe link or image opened with an
/// escaped bracket (or an escaped `<`, for an autolink) so it stays text.
fn unsafe_spans(markdown: &str, options: Options) -> Vec<(usize, &'static str, usize)> {
    let mut edits = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                for (i, _) in markdown[range.clone()].match_indices('<') {
                    edits.push((range.start + i, "&lt;", 1));
                }
            }
            // A viewer with heading attributes on reads `# T {onclick=x}` as
            // an attribute block: escaping its brace leaves it as text.
            Event::Start(Tag::Heading { classes, attrs, .. })
                if !classes.is_empty() || !attrs.is_empty() =>
            {
                if let Some(i) = markdown[range.clone()].rfind('{') {
                    edits.push((range.start + i, "\\", 0));
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !safe_target(&dest_url) =>
            {
                let at = markdown[range.clone()]
                    .find(['[', '<'])
                    .map_or(range.start, |i| range.start + i);
                if markdown[at..].starts_with('<') {
                    edits.push((at, "&lt;", 1));
                } else {
                    edits.push((at, "\\", 0));
                }
            }
            _ => {}
        }
    }
    edits
}

/// A page's own Markdown, quoted in the export with raw HTML shown as text
/// and links to anything but http, https, mailto or the portal left as text,
/// under both plain CommonMark and every extension a viewer may turn on.
/// Each round of edits can let a new construct appear (an escaped tag's
/// inner text may read as a link), so it repeats until a reading finds
/// nothing; text that never settles is quoted whole as a code block.
pub fn quote_markdown(markdown: &str) -> String {
    let mut text = markdown.to_string();
    for _ in 0..16 {
        let mut edits = unsafe_spans(&text, Options::empty());
        edits.extend(unsafe_spans(&text, Options::all()));
        edits.extend(raw_angles(&text));
        if edits.is_empty() {
            return text;
        }
        edits.sort_unstable();
        edits.dedup_by_key(|e| e.0);
        for (at, with, remove) in edits.into_iter().rev() {
            text.replace_range(at..at + remove, with);
        }
    }
    let longest = text.split(|c| c != '~').map(str::len).max().unwrap_or(0);
    let fence = "~".repeat(longest.max(2) + 1);
    format!("{fence}\n{text}\n{fence}")
}

/// The edits that show every `<` outside code as text. Viewers disagree on
/// what is a tag (`<a:b onmouseover=...>` is text to pulldown-cmark and a
/// tag to others), so none is left for any of them to read as one. A `<`
/// escaped with a backslash is text to every viewer already.
fn raw_angles(markdown: &str) -> Vec<(usize, &'static str, usize)> {
    if !markdown.contains('<') {
        return Vec::new();
    }
    let code: Vec<std::ops::Range<usize>> = Parser::new_ext(markdown, Options::all())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect();
    let mut edits = Vec::new();
    // Both in document order: one walk over the code ranges.
    let mut next = 0;
    for (i, _) in markdown.match_indices('<') {
        while next < code.len() && code[next].end <= i {
            next += 1;
        }
        let in_code = code.get(next).is_some_and(|r| r.contains(&i));
        let backslashes = markdown.as_bytes()[..i]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if !in_code && backslashes % 2 == 0 {
            edits.push((i, "&lt;", 1));
        }
    }
    edits
}

/// `https://host` from a share URL.
fn base_of(url: &str) -> &str {
    match url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(end) => &url[..end],
        None => url,
    }
}

// ------------------------------------------------------------------ CSV

/// The CSV provision map's columns.
pub const CSV_COLUMNS: &[&str] = &[
    "title",
    "needs",
    "tier",
    "phases",
    "evidence strength",
    "sessions a week",
    "minutes",
    "weeks",
    "group size",
    "staff",
    "staff hours a week",
    "staff hours per pupil over the intervention",
    "link",
    "review measure",
];

/// One row per page (strategies first as listed), for a provision map.
pub fn csv(plan: &Plan, share_url: &str) -> Result<String, csv::Error> {
    let t = &plan.site.taxonomy;
    let base = base_of(share_url);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_COLUMNS)?;
    let rows = plan.provision();
    for page in plan.strategies() {
        let m = &page.meta;
        let labels = |facet: Facet, ids: &[String]| {
            ids.iter()
                .map(|id| t.label(facet, id))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let row = rows.iter().find(|r| r.page.slug == page.slug);
        let p = m.provision.as_ref();
        let measure = page
            .section(MEASURES)
            .map(|s| {
                crate::content::markdown::render(s)
                    .text
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let record = [
            m.title.clone(),
            labels(Facet::NEED, &m.needs),
            m.tier
                .as_deref()
                .map_or(String::new(), |id| t.label(Facet::TIER, id).to_string()),
            labels(Facet::PHASE, &m.phases),
            plan.evidence_label(page),
            p.map_or(String::new(), |p| number(p.sessions_per_week)),
            p.map_or(String::new(), |p| number(p.session_minutes)),
            p.map_or(String::new(), |p| number(p.weeks)),
            p.map_or(String::new(), |p| p.group_size.to_string()),
            row.map_or(String::new(), |r| r.staff_label.clone()),
            row.map_or(String::new(), |r| number(r.staff_hours_per_week)),
            row.map_or(String::new(), |r| number(r.hours_per_pupil)),
            format!("{base}{}", page.url),
            measure,
        ];
        w.write_record(record.iter().map(|c| inert_cell(c)))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A CSV cell that a spreadsheet will not run as a formula: one starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
/// (the usual defence against formula injection). Found by
/// tests/hostile.rs: a title `=HYPERLINK(...)` reached the provision map live.
fn inert_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

// ------------------------------------------------------------------ Word

/// Text as a Word document may hold it: XML 1.0 forbids most control
/// characters even escaped, and one in a title (YAML's "\a", say) made
/// word/document.xml malformed, so Word refused the whole plan (found by
/// tests/hostile.rs). They carry nothing a reader needs, so they are dropped.
fn xml_text(text: &str) -> String {
    text.chars().filter(|&c| xml_char(c)).collect()
}

/// Whether XML 1.0 allows a character in a document, less the C1 controls
/// (allowed, but nothing a reader needs). U+FFFE and U+FFFF are not
/// characters at all: one in a title made Word refuse the file.
fn xml_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{FFFE}' | '\u{FFFF}' => false,
        c => !c.is_control(),
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
pub fn docx(plan: &Plan, view: View, share_url: &str) -> Result<Vec<u8>, String> {
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
    doc.build().pack(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes.into_inner())
}
