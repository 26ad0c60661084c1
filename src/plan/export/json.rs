//! The whole plan as JSON: what the SENCO wrote (the keys a plan is posted
//! with) and what the portal works out from it (pages, steps, costs). Saved,
//! it opens again as the same plan; posted, the worked-out keys are ignored.
//! `/api/plan.schema.json` is [`schema`], made from these types.

use schemars::JsonSchema;
use serde::Serialize;

use super::{Export, ExportError, View};
use crate::plan::input::PlanInput;
use crate::plan::money::Money;
use crate::plan::outline::Needs;
use crate::plan::{Plan, number};

/// The document's version; a later shape gets a new number.
pub const VERSION: u32 = 1;

/// A plan, saved or posted.
#[derive(Serialize, JsonSchema)]
pub struct PlanDocument {
    /// Worked out: the document's version.
    #[schemars(extend("readOnly" = true))]
    pub version: u32,
    #[serde(flatten)]
    pub input: PlanInput,
    /// Worked out: the plan's own short address.
    #[schemars(extend("readOnly" = true))]
    pub share_url: String,
    /// Worked out: needs the chosen pages are tagged with, offered to choose
    /// from; not the child's needs.
    #[schemars(extend("readOnly" = true))]
    pub needs_suggested: Vec<Term>,
    /// Worked out: the chosen `needs` with their labels (absent: none chosen).
    #[schemars(extend("readOnly" = true))]
    pub needs_chosen: Option<Vec<Term>>,
    /// Worked out: each page found, in order.
    #[schemars(extend("readOnly" = true))]
    pub pages: Vec<PageOut>,
    /// Worked out: the costed provision's totals.
    #[schemars(extend("readOnly" = true))]
    pub costs: Costs,
}

/// A taxonomy id and its label.
#[derive(Serialize, JsonSchema)]
pub struct Term {
    pub id: String,
    pub label: String,
}

/// A chosen page as the plan uses it.
#[derive(Serialize, JsonSchema)]
pub struct PageOut {
    /// The page's address, as `items` gives it.
    pub address: String,
    pub short_id: String,
    pub title: String,
    pub kind: String,
    pub tier: Option<String>,
    /// The evidence strength's label, when the page has one.
    pub evidence: Option<String>,
    /// Every step on the page, each marked ticked or not.
    pub steps: Vec<Step>,
    /// Who delivers it and how, as the plan shows it (written or from the page).
    pub delivery: std::collections::BTreeMap<String, String>,
    pub provision: Option<ProvisionOut>,
}

/// One numbered step of a page.
#[derive(Serialize, JsonSchema)]
pub struct Step {
    pub number: u32,
    /// The step as plain text.
    pub text: String,
    pub ticked: bool,
}

/// A page's provision and its costing.
#[derive(Serialize, JsonSchema)]
pub struct ProvisionOut {
    pub staff: String,
    pub sessions_per_week: f64,
    pub session_minutes: f64,
    pub weeks: f64,
    pub group_size: u32,
    pub staff_hours_per_week: f64,
    pub staff_hours_per_pupil: f64,
    /// Ordinarily available: no extra cost.
    pub universal: bool,
    /// Pounds, rounded to the penny; null without a rate or when universal.
    pub cost_a_week: Option<f64>,
    pub cost_over_the_intervention: Option<f64>,
}

/// The plan's cost totals, exact sums rounded to the penny.
#[derive(Serialize, JsonSchema)]
pub struct Costs {
    pub total_a_week: Option<f64>,
    pub total_over_the_interventions: Option<f64>,
    /// Staff roles in the plan with no hourly rate yet.
    pub roles_without_rate: Vec<String>,
}

/// The saved plan: JSON.
pub struct SavedPlan;

impl Export for SavedPlan {
    fn id(&self) -> &'static str {
        "json"
    }

    fn path(&self) -> &'static str {
        "/plan.json"
    }

    fn content_type(&self) -> &'static str {
        "application/json"
    }

    fn label(&self) -> &'static str {
        "Saved plan (JSON, to open again next term)"
    }

    fn in_session(&self) -> bool {
        false
    }

    fn render(&self, plan: &Plan, _view: View, share_url: &str) -> Result<Vec<u8>, ExportError> {
        let mut bytes = serde_json::to_vec_pretty(&document(plan, share_url))?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

fn pounds(m: Money) -> f64 {
    m.rounded_pence() as f64 / 100.0
}

/// The plan as its JSON document.
pub fn document(plan: &Plan, share_url: &str) -> PlanDocument {
    let rows = plan.provision();
    let parts = plan.strategy_parts();
    let pages = plan
        .pages
        .iter()
        .map(|page| {
            let part = parts.iter().find(|p| p.page.slug == page.slug);
            let ticked: Vec<u32> =
                part.map_or_else(Vec::new, |p| p.steps.iter().map(|(n, _)| *n).collect());
            let steps = page
                .steps()
                .iter()
                .enumerate()
                .map(|(i, md)| {
                    let n = i as u32 + 1;
                    Step {
                        number: n,
                        text: crate::content::markdown::one_line(md),
                        ticked: ticked.contains(&n),
                    }
                })
                .collect();
            let delivery = part.map_or_else(Default::default, |p| {
                p.delivery
                    .iter()
                    .filter(|f| !f.key.is_empty())
                    .map(|f| (f.key.to_string(), f.value.clone()))
                    .collect()
            });
            let provision = rows.iter().find(|r| r.page.slug == page.slug).map(|r| {
                let p = page.meta.provision.as_ref().expect("rows have provision");
                ProvisionOut {
                    staff: p.staff.clone(),
                    sessions_per_week: p.sessions_per_week,
                    session_minutes: p.session_minutes,
                    weeks: p.weeks,
                    group_size: p.group_size,
                    staff_hours_per_week: number(r.staff_hours_per_week).parse().unwrap_or(0.0),
                    staff_hours_per_pupil: number(r.hours_per_pupil).parse().unwrap_or(0.0),
                    universal: r.universal,
                    cost_a_week: r.cost_a_week().map(pounds),
                    cost_over_the_intervention: r.cost_over_intervention().map(pounds),
                }
            });
            PageOut {
                address: page.slug.clone(),
                short_id: page.short_id(),
                title: page.meta.title.clone(),
                kind: page.meta.kind.clone(),
                tier: page.meta.tier.clone(),
                evidence: page
                    .meta
                    .evidence
                    .as_ref()
                    .map(|_| plan.evidence_label(page)),
                steps,
                delivery,
                provision,
            }
        })
        .collect();
    let totals = plan.cost_totals();
    let term = |(id, label): (String, String)| Term { id, label };
    PlanDocument {
        version: VERSION,
        input: plan.input.clone(),
        share_url: share_url.to_string(),
        needs_suggested: plan.suggested_needs().into_iter().map(term).collect(),
        needs_chosen: match plan.needs_section() {
            Needs::Chosen(_) => plan.input.needs.as_ref().map(|ids| {
                ids.iter()
                    .map(|id| Term {
                        id: id.clone(),
                        label: plan.need_label(id),
                    })
                    .collect()
            }),
            Needs::Suggested(_) => None,
        },
        pages,
        costs: Costs {
            total_a_week: totals.map(|t| pounds(t.0)),
            total_over_the_interventions: totals.map(|t| pounds(t.1)),
            roles_without_rate: plan
                .roles_without_rate()
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
        },
    }
}

/// The JSON Schema of [`PlanDocument`], served at `/api/plan.schema.json`.
pub fn schema() -> serde_json::Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(PlanDocument)).expect("a schema is JSON");
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "$id".into(),
            serde_json::Value::String("/api/plan.schema.json".into()),
        );
        object.insert(
            "description".into(),
            serde_json::Value::String(
                "A Waymark plan as saved from /plan.json, and as posted to /plan, /plan.docx, /plan.md, /plan.csv and /plan.json. Properties marked readOnly are worked out by the portal and ignored when posted.".into(),
            ),
        );
    }
    schema
}
