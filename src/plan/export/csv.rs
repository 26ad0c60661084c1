//! The plan as a CSV provision map: one row per strategy (with the plan's
//! own details repeated on each, as provision-mapping sheets keep them), for a
//! spreadsheet. A session's CSV is its running order instead. The file starts with a
//! UTF-8 byte-order mark: without one, Excel reads it in the local code page
//! and "£" or "é" come out garbled.

use super::escape::inert_cell;
use super::{Export, ExportError, View, base_of};
use crate::content::markdown::one_line;
use crate::plan::outline::Needs;
use crate::plan::{MEASURES, NO_EXTRA_COST, Plan, UNIVERSAL, number};
use crate::taxonomy::Facet;

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
    "cost a week",
    "cost over the intervention",
    "link",
    "review measure",
    "steps",
    "delivered by",
    "how often",
    "where",
    "start date",
    "pupil",
    "year group",
    "date of plan",
    "people involved",
    "needs addressed",
    "outcomes",
    "review date",
    "review attendees",
    "how the child takes part",
    "strengths",
    "interests",
    "what helps",
    "what does not help",
    "child's views",
    "family's views",
];

/// The columns from "pupil" on: the same for every row of one plan.
const PLAN_COLUMNS: usize = 15;

/// A CSV provision map, for a spreadsheet.
pub struct ProvisionMap;

impl Export for ProvisionMap {
    fn id(&self) -> &'static str {
        "csv"
    }

    fn path(&self) -> &'static str {
        "/plan.csv"
    }

    fn content_type(&self) -> &'static str {
        "text/csv; charset=utf-8"
    }

    fn label(&self) -> &'static str {
        "Provision map (CSV)"
    }

    fn in_session(&self) -> bool {
        false
    }

    /// The map for a plan; a session, which has no provision to map, gets
    /// its running order (and the session page does not offer it).
    fn render(&self, plan: &Plan, view: View, share_url: &str) -> Result<Vec<u8>, ExportError> {
        match view {
            View::Plan => Ok(csv(plan, share_url)?),
            View::Session => Ok(running_order(plan)?),
        }
    }
}

/// A session's running order, one row a slot.
pub fn running_order(plan: &Plan) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    w.write_record(["start", "minutes", "key ingredient", "item"])?;
    for slot in plan.running_order() {
        let row = [
            crate::plan::clock(slot.start_minute),
            slot.minutes.to_string(),
            slot.ingredient.unwrap_or_default(),
            slot.title,
        ];
        w.write_record(row.iter().map(|c| inert_cell(c)))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The byte-order mark the file starts with, so Excel reads it as UTF-8.
pub const BOM: &str = "\u{feff}";

/// One row per page (strategies first as listed), for a provision map.
/// Costs are pounds and pence with no sign, so a spreadsheet can add them;
/// blank without a rate; "No extra cost" for a universal strategy.
pub fn csv(plan: &Plan, share_url: &str) -> Result<Vec<u8>, csv::Error> {
    let t = &plan.site.taxonomy;
    let base = base_of(share_url);
    let mut w = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    w.write_record(CSV_COLUMNS)?;
    let rows = plan.provision();
    let shared = plan_cells(plan);
    let parts = plan.strategy_parts();
    if parts.is_empty() && plan.input.has_writing() {
        // Nothing to map, but what was written still goes with the file.
        let mut record = vec![String::new(); CSV_COLUMNS.len() - PLAN_COLUMNS];
        record.extend(shared.iter().cloned());
        w.write_record(record.iter().map(|c| inert_cell(c)))?;
    }
    for part in &parts {
        let page = part.page;
        let m = &page.meta;
        let labels = |facet: Facet, ids: &[String]| {
            ids.iter()
                .map(|id| t.label(facet, id))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let row = rows.iter().find(|r| r.page.slug == page.slug);
        let p = m.provision.as_ref();
        let cost = |m: Option<crate::plan::money::Money>| {
            if is_universal(page) {
                NO_EXTRA_COST.to_string()
            } else {
                m.map_or_else(String::new, |m| m.pounds())
            }
        };
        let measure = page
            .section(MEASURES)
            .map(|m| one_line(&m))
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
            cost(row.and_then(|r| r.cost_a_week())),
            cost(row.and_then(|r| r.cost_over_intervention())),
            format!("{base}{}", page.url),
            measure,
        ];
        let steps: Vec<String> = part
            .steps
            .iter()
            .map(|(n, md)| format!("{n}. {}", one_line(md)))
            .collect();
        let delivered = |key: &str| {
            part.delivery
                .iter()
                .find(|f| f.key == key)
                .map_or(String::new(), |f| f.value.clone())
        };
        let record = record
            .into_iter()
            .chain([
                steps.join(" "),
                delivered("who"),
                delivered("how_often"),
                delivered("where"),
                delivered("start"),
            ])
            .chain(shared.iter().cloned());
        w.write_record(record.map(|c| inert_cell(&c)))?;
    }
    // Every cell is a `String`, so the bytes are UTF-8 already.
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The plan's own cells, from "pupil" to "family's views".
fn plan_cells(plan: &Plan) -> Vec<String> {
    let i = &plan.input;
    let needs = match plan.needs_section() {
        Needs::Chosen(needs) => needs.join("; "),
        Needs::Suggested(_) => String::new(),
    };
    let outcomes: Vec<String> = i
        .outcomes
        .iter()
        .map(|o| format!("{} (measured by: {}; by: {})", o.outcome, o.measure, o.by))
        .collect();
    let c = &i.child;
    let cells = vec![
        c.name.clone(),
        c.year_group.clone(),
        i.date.clone(),
        i.people.clone(),
        needs,
        outcomes.join("; "),
        i.review.date.clone(),
        i.review.attendees.clone(),
        i.review.child_part.clone(),
        c.strengths.clone(),
        c.interests.clone(),
        c.helps.clone(),
        c.hinders.clone(),
        c.views.clone(),
        i.family_views.clone(),
    ];
    debug_assert_eq!(cells.len(), PLAN_COLUMNS);
    cells
}

fn is_universal(page: &crate::content::Page) -> bool {
    page.meta.tier.as_deref() == Some(UNIVERSAL)
}
