//! The strategy as a document: JSON (the same model, postable back), CSV
//! (with a byte order mark, for spreadsheets), Markdown and Word (the plan's
//! Word standard: its styles, lists, header rows, footer and properties).
//! Every format shows the same totals, worked out once by [`Strategy::totals`].

use std::collections::BTreeMap;
use std::io::Cursor;

use docx_rs::{BreakType, LineSpacing, Paragraph, Run};
use serde::Serialize;

use super::{Strategy, Totals, by_id, count, pounds};
use crate::plan::export::ExportError;
use crate::plan::export::csv::BOM;
use crate::plan::export::docx::{Lists, bullet, heading, para, sized_table, styled, table, title};
use crate::plan::export::escape::{inert_cell, md_text};
use crate::plan::export::ooxml;
use crate::plan::money::Rates;

/// The JSON document's version.
pub const VERSION: u32 = 1;

/// The document's title.
pub const TITLE: &str = "Inclusion strategy";

/// What the guidance is, as every format cites it.
pub const GUIDANCE: &str = "Department for Education, Developing an inclusion strategy using the inclusive mainstream fund (25 June 2026)";

/// Said in every format: the strategy is about the school, never a child.
pub const PRIVACY: &str = "This strategy is about the whole school. It names no child, and Waymark keeps none of what is written in it.";

/// The formats a strategy is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Markdown,
    Csv,
    Json,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Docx, Format::Markdown, Format::Csv, Format::Json];

    /// The route: `/strategy.docx` and so on.
    pub fn path(self) -> &'static str {
        match self {
            Format::Docx => "/strategy.docx",
            Format::Markdown => "/strategy.md",
            Format::Csv => "/strategy.csv",
            Format::Json => "/strategy.json",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Docx => "Word document",
            Format::Markdown => "Markdown",
            Format::Csv => "Spreadsheet (CSV)",
            Format::Json => "Saved strategy (JSON)",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Docx => "inclusion-strategy.docx",
            Format::Markdown => "inclusion-strategy.md",
            Format::Csv => "inclusion-strategy.csv",
            Format::Json => "inclusion-strategy.json",
        }
    }

    /// The strategy in this format.
    pub fn render(self, strategy: &Strategy) -> Result<Vec<u8>, ExportError> {
        Ok(match self {
            Format::Docx => docx(strategy)?,
            Format::Markdown => markdown(strategy).into_bytes(),
            Format::Csv => csv(strategy)?,
            Format::Json => {
                let mut bytes = serde_json::to_vec_pretty(&document(strategy))
                    .expect("a strategy document is always JSON");
                bytes.push(b'\n');
                bytes
            }
        })
    }
}

/// The strategy as JSON: what was posted, with what is worked out.
#[derive(Serialize)]
pub struct Document {
    pub version: u32,
    pub school: super::input::School,
    pub years: String,
    pub multi_year: bool,
    pub review: super::input::Review,
    pub rates: Rates,
    pub activities: Vec<ActivityOut>,
    pub totals: TotalsOut,
}

#[derive(Serialize)]
pub struct ActivityOut {
    pub item: String,
    pub title: String,
    pub url: String,
    pub tier: Option<String>,
    pub barrier: String,
    pub cohort: String,
    pub pupils: Option<u32>,
    pub staff: Option<String>,
    /// As the school gave it (null: the page's).
    pub hours_a_week: Option<f64>,
    pub hours_a_week_used: Option<f64>,
    pub weeks: Option<f64>,
    /// Pounds as used: the school's, or the worked-out one, or null.
    pub cost: Option<f64>,
    pub cost_worked_out: Option<f64>,
    pub funding: Option<String>,
    pub measure: String,
    pub review: String,
    /// Framework id to the ids of the headings it serves.
    pub headings: BTreeMap<String, Vec<String>>,
}

#[derive(Serialize)]
pub struct TotalsOut {
    pub all: f64,
    pub by_funding: BTreeMap<String, Option<f64>>,
    pub by_tier: BTreeMap<String, Option<f64>>,
    pub by_framework: BTreeMap<String, BTreeMap<String, Option<f64>>>,
    pub missing: usize,
}

/// The JSON document of a strategy.
pub fn document(s: &Strategy) -> Document {
    let totals = s.totals();
    Document {
        version: VERSION,
        school: s.input.school.clone(),
        years: s.input.years.clone(),
        multi_year: s.multi_year(),
        review: s.input.review.clone(),
        rates: s.input.rates.clone(),
        activities: s
            .activities
            .iter()
            .map(|a| {
                let m = &a.page.meta;
                ActivityOut {
                    item: a.page.slug.clone(),
                    title: m.title.clone(),
                    url: a.page.url.clone(),
                    tier: m.tier.clone(),
                    barrier: a.input.barrier.clone(),
                    cohort: a.input.cohort.clone(),
                    pupils: a.input.pupils,
                    staff: a.staff.clone(),
                    hours_a_week: a.input.hours_a_week,
                    hours_a_week_used: a.hours_a_week.map(|h| (h * 100.0).round() / 100.0),
                    weeks: a.weeks,
                    cost: a.cost.map(pounds),
                    cost_worked_out: a.worked_out.map(pounds),
                    funding: a.input.funding.clone(),
                    measure: a.input.measure.clone(),
                    review: a.input.review.clone(),
                    headings: s
                        .site
                        .taxonomy
                        .frameworks
                        .iter()
                        .map(|f| {
                            let ids =
                                crate::framework::page_items(&f.id, &m.ingredients, &m.frameworks);
                            (f.id.clone(), ids.into_iter().map(str::to_string).collect())
                        })
                        .collect(),
                }
            })
            .collect(),
        totals: totals_out(&totals),
    }
}

fn totals_out(t: &Totals) -> TotalsOut {
    TotalsOut {
        all: pounds(t.all),
        by_funding: by_id(&t.by_funding),
        by_tier: by_id(&t.by_tier),
        by_framework: t
            .by_framework
            .iter()
            .map(|f| (f.framework.id.clone(), by_id(&f.items)))
            .collect(),
        missing: t.missing,
    }
}

/// The CSV's columns, one row an activity.
pub const CSV_COLUMNS: &[&str] = &[
    "Activity",
    "Address",
    "Layer",
    "Barrier",
    "Cohort",
    "Pupils",
    "Staff",
    "Hours a week",
    "Weeks",
    "Cost",
    "Funding",
    "Measure",
    "Review",
];

/// The strategy as CSV: a row an activity (cost blank where there is none),
/// then a row for each total.
pub fn csv(s: &Strategy) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    let fail = ExportError::Csv;
    w.write_record(CSV_COLUMNS).map_err(fail)?;
    let opt = |v: Option<f64>| v.map(crate::plan::number).unwrap_or_default();
    for a in &s.activities {
        let row = [
            a.page.meta.title.clone(),
            a.page.url.clone(),
            s.tier_label(a.tier()),
            a.input.barrier.clone(),
            a.input.cohort.clone(),
            a.input.pupils.map(|p| p.to_string()).unwrap_or_default(),
            a.staff
                .as_deref()
                .map(|id| s.site.taxonomy.staff(id).map_or(id, |t| t.label.as_str()))
                .unwrap_or_default()
                .to_string(),
            opt(a.hours_a_week),
            opt(a.weeks),
            a.cost.map(|c| c.pounds()).unwrap_or_default(),
            s.funding_label(a.funding()),
            a.input.measure.clone(),
            a.input.review.clone(),
        ];
        w.write_record(row.iter().map(|c| inert_cell(c)))
            .map_err(fail)?;
    }
    let totals = s.totals();
    let mut total_row = |label: String, cost: String| {
        let mut row = vec![String::new(); CSV_COLUMNS.len()];
        row[0] = label;
        row[9] = cost;
        w.write_record(row.iter().map(|c| inert_cell(c)))
    };
    total_row("Total".into(), totals.all.pounds()).map_err(fail)?;
    for t in &totals.by_tier {
        total_row(format!("Layer: {}", t.label), t.cell()).map_err(fail)?;
    }
    for t in &totals.by_funding {
        total_row(format!("Funding: {}", t.label), t.cell()).map_err(fail)?;
    }
    for f in &totals.by_framework {
        for t in &f.items {
            total_row(format!("{}: {}", f.framework.label, t.label), t.cell()).map_err(fail)?;
        }
    }
    w.into_inner()
        .map_err(|e| ExportError::Csv(e.into_error().into()))
}

/// The cover's lines: school, years, review, and "reviewed annually" when
/// the strategy covers more than one school year.
pub fn cover(s: &Strategy) -> Vec<String> {
    let mut out = Vec::new();
    out.push(if s.school.is_empty() {
        "School: (not given)".to_string()
    } else {
        s.school.clone()
    });
    if !s.years.is_empty() {
        out.push(format!("Years covered: {}", s.years));
    }
    out.push(format!(
        "Date of next review: {}",
        if s.review.is_empty() {
            "(not given)"
        } else {
            &s.review
        }
    ));
    if s.multi_year() {
        out.push("This strategy covers more than one year and is reviewed annually.".to_string());
    }
    out.push(format!("Written following: {GUIDANCE}."));
    out
}

/// The total tables: (heading, rows of label, activities, cost).
pub fn total_tables(s: &Strategy) -> Vec<(String, Vec<[String; 3]>)> {
    let totals = s.totals();
    let rows = |list: &[super::Total]| -> Vec<[String; 3]> {
        list.iter()
            .map(|t| [t.label.clone(), t.count.to_string(), t.cost_text()])
            .collect()
    };
    let mut out = vec![
        ("Spending by layer".to_string(), rows(&totals.by_tier)),
        (
            "Spending by funding source".to_string(),
            rows(&totals.by_funding),
        ),
    ];
    for f in &totals.by_framework {
        out.push((
            format!("Spending by framework: {}", f.framework.label),
            rows(&f.items),
        ));
    }
    out
}

/// The line under the totals: the grand total and any gaps.
pub fn total_line(s: &Strategy) -> String {
    let totals = s.totals();
    let n = s.activities.len();
    if n > 0 && totals.missing == n {
        return format!(
            "Total budgeted: no cost yet for {}. Give an hourly rate or a cost for each.",
            count(n, "activity", "activities")
        );
    }
    let mut line = format!(
        "Total budgeted: {} for {}.",
        totals.all,
        count(n, "activity", "activities")
    );
    if totals.missing > 0 {
        line.push_str(&format!(
            " {} no cost yet and {} not in this total.",
            count(totals.missing, "activity has", "activities have"),
            if totals.missing == 1 { "is" } else { "are" }
        ));
    }
    line
}

/// A note under a framework's table: one activity may serve several headings.
pub const FRAMEWORK_NOTE: &str = "An activity that serves several headings counts under each, so these rows can add up to more than the total.";

/// The activities table's columns.
pub const ACTIVITY_COLUMNS: &[&str] = &[
    "Activity",
    "Layer",
    "Barrier it removes",
    "Who benefits",
    "Staff and time",
    "Cost",
    "Funding",
    "How impact is measured",
    "Review",
];

/// An activity's cells, in [`ACTIVITY_COLUMNS`] order.
pub fn activity_cells(s: &Strategy, a: &super::Activity) -> Vec<String> {
    vec![
        a.page.meta.title.clone(),
        s.tier_label(a.tier()),
        a.input.barrier.clone(),
        a.who_text(),
        a.time_text(s.site),
        a.cost_text(),
        s.funding_label(a.funding()),
        a.input.measure.clone(),
        a.input.review.clone(),
    ]
}

/// The strategy as Markdown.
pub fn markdown(s: &Strategy) -> String {
    let mut out = format!("# {TITLE}\n\n");
    for line in cover(s) {
        out.push_str(&format!("{}  \n", md_text(&line)));
    }
    out.push_str("\n## Summary for parents and carers\n\n");
    for p in s.summary_for_parents() {
        out.push_str(&format!("{}\n\n", md_text(&p)));
    }
    out.push_str("## Spending\n\n");
    out.push_str(&format!("{}\n\n", md_text(&total_line(s))));
    for (i, (name, rows)) in total_tables(s).into_iter().enumerate() {
        out.push_str(&format!("### {}\n\n", md_text(&name)));
        out.push_str("| Heading | Activities | Cost |\n| --- | ---: | ---: |\n");
        for r in rows {
            out.push_str(&row(r.iter()));
        }
        if i >= 2 {
            out.push_str(&format!("\n{FRAMEWORK_NOTE}\n"));
        }
        out.push('\n');
    }
    out.push_str("## Activities\n\n");
    out.push_str(&row(ACTIVITY_COLUMNS.iter()));
    out.push_str(&format!("|{}\n", " --- |".repeat(ACTIVITY_COLUMNS.len())));
    for a in &s.activities {
        out.push_str(&row(activity_cells(s, a).iter()));
    }
    out.push_str(&format!("\n{}\n", md_text(PRIVACY)));
    out
}

fn row<T: AsRef<str>>(cells: impl Iterator<Item = T>) -> String {
    let cells: Vec<String> = cells
        .map(|c| md_text(c.as_ref()).replace('|', "\\|").replace('\n', " "))
        .collect();
    format!("| {} |\n", cells.join(" | "))
}

/// The strategy as a Word document.
pub fn docx(s: &Strategy) -> Result<Vec<u8>, ExportError> {
    let authority = s.site.config.name.as_str();
    let mut doc = styled(authority).add_paragraph(title(TITLE));
    for (i, line) in cover(s).iter().enumerate() {
        // The school's name stands out on the cover.
        doc = doc.add_paragraph(if i == 0 { heading(1, line) } else { para(line) });
    }
    // The cover is a page of its own.
    doc = doc
        .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
        .add_paragraph(heading(1, "Summary for parents and carers"));
    for p in s.summary_for_parents() {
        doc = doc.add_paragraph(para(&p));
    }
    doc = doc
        .add_paragraph(heading(1, "Spending"))
        .add_paragraph(para(&total_line(s)));
    for (i, (name, rows)) in total_tables(s).into_iter().enumerate() {
        doc = doc.add_paragraph(heading(2, &name)).add_table(table(
            &["Heading", "Activities", "Cost"],
            rows.into_iter().map(|r| r.to_vec()).collect(),
            &[6, 2, 3],
        ));
        if i >= 2 {
            doc = doc
                .add_paragraph(para(FRAMEWORK_NOTE).line_spacing(LineSpacing::new().before(120)));
        }
    }
    doc = doc.add_paragraph(heading(1, "Activities"));
    let body: Vec<Vec<String>> = s.activities.iter().map(|a| activity_cells(s, a)).collect();
    doc = doc.add_table(sized_table(
        ACTIVITY_COLUMNS,
        body,
        &[11, 11, 12, 10, 11, 10, 12, 12, 11],
        16,
    ));
    let roles = s.roles_without_rate();
    if !roles.is_empty() {
        doc = doc.add_paragraph(heading(2, "Costs still to work out"));
        for (_, label) in roles {
            doc = doc.add_paragraph(bullet(&format!("No hourly rate yet for: {label}")));
        }
    }
    doc = Lists::new().add_to(
        doc.add_paragraph(Paragraph::new())
            .add_paragraph(para(PRIVACY)),
    );
    let mut bytes = Cursor::new(Vec::new());
    ooxml::finish(doc.build(), TITLE, authority, None)
        .pack(&mut bytes)
        .map_err(|e| ExportError::Docx(Box::new(e)))?;
    Ok(bytes.into_inner())
}
