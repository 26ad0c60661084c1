//! The plan or session as Markdown, for pasting into a school's own
//! documents; a page's sections are quoted through [`super::escape`].

use super::escape::{md_link, md_text, quote_markdown};
use super::{Export, ExportError, PRIVACY, View, base_of};
use crate::plan::outline::{self, Needs};
use crate::plan::{
    FACILITATOR_NOTES, MEASURES, MONEY_COLUMNS, PROVISION_COLUMNS, Plan, STEPS, clock, number,
};

/// Markdown, for a school's own documents or a Markdown viewer.
pub struct Markdown;

impl Export for Markdown {
    fn id(&self) -> &'static str {
        "markdown"
    }

    fn path(&self) -> &'static str {
        "/plan.md"
    }

    fn content_type(&self) -> &'static str {
        "text/markdown; charset=utf-8"
    }

    fn label(&self) -> &'static str {
        "Markdown"
    }

    fn render(&self, plan: &Plan, view: View, share_url: &str) -> Result<Vec<u8>, ExportError> {
        Ok(markdown(plan, view, share_url).into_bytes())
    }
}

/// The plan or session as Markdown.
pub fn markdown(plan: &Plan, view: View, share_url: &str) -> String {
    let mut out = String::new();
    match view {
        View::Plan => {
            out.push_str(&format!("# {}\n\n", outline::TITLE));
            out.push_str(&format!(
                "Built with {} from {} pages. Share link: {}\n\n",
                md_text(&plan.site.config.name),
                plan.pages.len(),
                md_link(share_url)
            ));
            plan_sections(&mut out, plan);
            let rows = plan.provision();
            if !rows.is_empty() {
                out.push_str(&format!("## {}\n\n", outline::COSTS));
                let columns = || PROVISION_COLUMNS.iter().chain(MONEY_COLUMNS);
                out.push_str(&markdown_row(columns().map(|c| (*c).to_string())));
                out.push_str(&markdown_row(columns().map(|_| "---".to_string())));
                for r in &rows {
                    let cells = r.cells(plan).into_iter().chain(r.money_cells());
                    out.push_str(&markdown_row(cells.map(|c| cell(&c))));
                }
                out.push_str("\nStaff hours a week by role: ");
                let totals: Vec<String> = plan
                    .hours_by_role()
                    .iter()
                    .map(|(role, h)| format!("{} {}", md_text(role), number(*h)))
                    .collect();
                out.push_str(&totals.join("; "));
                out.push_str("\n\n");
                if let Some((week, over)) = plan.cost_totals() {
                    out.push_str(&format!(
                        "Total cost: {week} a week; {over} over the interventions.\n\n"
                    ));
                }
                if let Some(prompt) = plan.rate_prompt() {
                    out.push_str(&format!("{}\n\n", md_text(&prompt)));
                }
            }
            let universal = plan.universal_strategies();
            if !universal.is_empty() {
                let titles: Vec<String> =
                    universal.iter().map(|p| md_text(&p.meta.title)).collect();
                out.push_str(&format!(
                    "Ordinarily available at no extra cost: {}.\n\n",
                    titles.join("; ")
                ));
            }
            out.push_str(&format!("## {}\n\n", outline::REVIEW));
            out.push_str(&markdown_row(
                outline::REVIEW_COLUMNS.iter().map(|c| c.to_string()),
            ));
            out.push_str(&markdown_row(
                outline::REVIEW_COLUMNS.iter().map(|_| "---".to_string()),
            ));
            out.push_str(&markdown_row(plan.review_row().iter().map(|c| cell(c))));
            out.push('\n');
            let resources: Vec<_> = plan.resources().collect();
            if !resources.is_empty() {
                out.push_str(&format!("## {}\n\n", outline::RESOURCES));
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
            out.push_str(
                "## Running order\n\n| Time | Minutes | Key ingredient | Item |\n|---|---|---|---|\n",
            );
            for slot in plan.running_order() {
                out.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    clock(slot.start_minute),
                    slot.minutes,
                    cell(slot.ingredient.as_deref().unwrap_or("")),
                    cell(&slot.title)
                ));
            }
            out.push('\n');
            for group in plan.by_ingredient() {
                out.push_str(&format!("## {}\n\n", md_text(&group.label)));
                // The ingredient's notes come first, so they read as its own
                // and not as the last page's.
                if let Some(notes) = group.training.and_then(|t| t.section(FACILITATOR_NOTES)) {
                    out.push_str(&format!(
                        "### Facilitator notes for {}\n\n{}\n\n",
                        md_text(&group.label),
                        shift_headings(&quote_markdown(&notes))
                    ));
                }
                for page in &group.pages {
                    out.push_str(&format!(
                        "### {}\n\n{}\n\n",
                        md_text(&page.meta.title),
                        md_text(&page.meta.summary)
                    ));
                    if let Some(steps) = page.section(STEPS) {
                        out.push_str(&format!("{}\n\n", shift_headings(&quote_markdown(&steps))));
                    }
                }
            }
        }
    }
    out.push_str(&format!("---\n\n{PRIVACY}\n"));
    out
}

/// About the child, the child's and family's views, needs, outcomes and
/// each strategy's ticked steps and delivery: the plan's sections before
/// its costs, in [`outline`]'s order.
fn plan_sections(out: &mut String, plan: &Plan) {
    out.push_str(&format!("## {}\n\n| | |\n|---|---|\n", outline::ABOUT));
    for f in plan.about() {
        out.push_str(&format!("| {} | {} |\n", f.label, cell(&f.value)));
    }
    out.push_str(&format!("\n## {}\n\n", outline::CHILD_SAYS));
    for f in plan.child_says() {
        written(out, f.label, &f.value);
    }
    out.push_str(&format!("## {}\n\n", outline::FAMILY_SAYS));
    let family = plan.family_says();
    written(out, family.label, &family.value);
    out.push_str(&format!("## {}\n\n", outline::NEEDS));
    match plan.needs_section() {
        Needs::Chosen(needs) if needs.is_empty() => out.push_str("No needs chosen yet.\n\n"),
        Needs::Chosen(needs) => {
            for need in needs {
                out.push_str(&format!("- {}\n", md_text(&need)));
            }
            out.push('\n');
        }
        Needs::Suggested(needs) => {
            out.push_str("Not chosen yet. Choose the needs this plan addresses");
            if !needs.is_empty() {
                let labels: Vec<String> = needs.iter().map(|n| md_text(n)).collect();
                out.push_str(&format!(
                    "; the chosen pages are about: {}",
                    labels.join("; ")
                ));
            }
            out.push_str(".\n\n");
        }
    }
    out.push_str(&format!(
        "## {}\n\n{}\n\n",
        outline::OUTCOMES,
        outline::SMART_PROMPT
    ));
    out.push_str(&markdown_row(
        outline::OUTCOME_COLUMNS.iter().map(|c| c.to_string()),
    ));
    out.push_str(&markdown_row(
        outline::OUTCOME_COLUMNS.iter().map(|_| "---".to_string()),
    ));
    for row in plan.outcome_rows() {
        out.push_str(&markdown_row(row.iter().map(|c| cell(c))));
    }
    out.push('\n');
    let parts = plan.strategy_parts();
    if !parts.is_empty() {
        out.push_str(&format!("## {}\n\n", outline::PROVISION));
    }
    for part in parts {
        let page = part.page;
        out.push_str(&format!(
            "### {}\n\n{}\n\n",
            md_text(&page.meta.title),
            md_text(&page.meta.summary)
        ));
        out.push_str("| | |\n|---|---|\n");
        for f in &part.delivery {
            out.push_str(&format!("| {} | {} |\n", f.label, cell(&f.value)));
        }
        out.push('\n');
        if part.steps.is_empty() {
            out.push_str("No steps ticked.\n\n");
        } else {
            out.push_str("**What we will do**\n\n");
            for (i, (_, step)) in part.steps.iter().enumerate() {
                // Each step is the page's own Markdown, quoted; its nested
                // lines keep their indent under the new number.
                out.push_str(&format!("{}. {}\n", i + 1, quote_markdown(step)));
            }
            out.push('\n');
        }
        if let Some(measures) = page.section(MEASURES) {
            out.push_str(&format!(
                "**How you will know it is working**\n\n{}\n\n",
                shift_headings(&quote_markdown(&measures))
            ));
        }
    }
}

/// A labelled answer: the label in bold, then what was written, line by line.
fn written(out: &mut String, label: &str, value: &str) {
    out.push_str(&format!("**{label}**\n\n"));
    let value = value.trim();
    if value.is_empty() {
        out.push_str("(not written yet)\n\n");
    } else {
        for line in value.lines() {
            out.push_str(&md_text(line));
            out.push_str("  \n");
        }
        out.push('\n');
    }
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
