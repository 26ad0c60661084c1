//! Plans and sessions: a list of page slugs (from the URL) turned into an
//! assess-plan-do-review plan for a SENCO or a staff session for a trainer,
//! and exported as Markdown, CSV and Word (`export`, one format a file).
//!
//! A plan is only slugs. Nothing about a child reaches the server: the
//! exports leave blanks for the child's details, outcomes and review dates.

pub mod export;
pub mod input;
pub mod money;
pub mod outline;
pub mod slides;

use crate::content::Page;
use crate::site::Site;
use crate::taxonomy::Facet;
use input::{InputError, PlanInput};
use money::{Money, Rate, Rates};

/// The tier whose strategies are ordinarily available at no extra cost.
pub const UNIVERSAL: &str = "universal";

/// A plan holds at most this many pages.
pub const MAX_ITEMS: usize = 100;

/// The sections of a strategy page a plan quotes.
pub const STEPS: &str = "what-you-can-do";
pub const MEASURES: &str = "how-you-will-know-it-is-working";
pub const FACILITATOR_NOTES: &str = "facilitator-notes";

/// Why a list of pages cannot be a plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemsError {
    #[error(
        "A plan can hold at most {MAX_ITEMS} pages; this one lists more. Remove some pages and try again."
    )]
    TooMany,
}

/// Reads `items`: slugs separated by commas (or given as repeated keys),
/// duplicates folded, order kept. More than [`MAX_ITEMS`] is an error that
/// says the limit. Reading stops at the first slug past the limit and each
/// slug is checked against a set, so a long list costs no more than the
/// limit's worth of work (a scan of the list for each slug made 120,000
/// slugs take half a minute).
pub fn parse_items<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<String>, ItemsError> {
    let mut items: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<&'a str> = std::collections::HashSet::new();
    for value in values {
        for slug in value
            .split([',', ' ', '\n'])
            .map(|s| s.trim().trim_matches('/'))
        {
            if slug.is_empty() || !seen.insert(slug) {
                continue;
            }
            if items.len() == MAX_ITEMS {
                return Err(ItemsError::TooMany);
            }
            items.push(slug.to_string());
        }
    }
    Ok(items)
}

/// A plan resolved against a site snapshot.
pub struct Plan<'a> {
    pub site: &'a Site,
    /// The pages found, in the order given.
    pub pages: Vec<&'a Page>,
    /// Slugs that name no page (shown in a note, never an error).
    pub missing: Vec<String>,
    pub items: Vec<String>,
    /// Hourly rates by staff id: site.yaml's, then any the SENCO gave.
    pub rates: Rates,
    /// What the SENCO wrote, for this one answer (empty for a plan from a
    /// URL). Its `steps` and `delivery` are keyed by page slug.
    pub input: PlanInput,
}

/// One intervention's costing, from its `provision` block.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvisionRow<'a> {
    pub page: &'a Page,
    pub staff_label: String,
    pub staff_hours_per_week: f64,
    /// Staff hours per pupil over the whole intervention.
    pub hours_per_pupil: f64,
    /// The hourly rate of the role that delivers it, when one is known.
    pub rate: Option<Rate>,
    /// A universal strategy: ordinarily available, at no extra cost.
    pub universal: bool,
}

/// The money columns beside [`PROVISION_COLUMNS`] (the Word export adds
/// them at merge; Markdown and the web page show them now).
pub const MONEY_COLUMNS: &[&str] = &[
    "Staff hours over the intervention",
    "Cost a week",
    "Cost over the intervention",
];

/// What a universal strategy's cost cells say.
pub const NO_EXTRA_COST: &str = "No extra cost";

/// The columns of a plan's provision table, in every format.
pub const PROVISION_COLUMNS: &[&str] = &[
    "Strategy",
    "Delivered by",
    "Sessions a week",
    "Minutes",
    "Weeks",
    "Group size",
    "Staff hours a week",
    "Staff hours per pupil in all",
    "Evidence",
];

impl ProvisionRow<'_> {
    fn provision(&self) -> &crate::content::page::Provision {
        self.page
            .meta
            .provision
            .as_ref()
            .expect("rows have provision")
    }

    /// Staff hours over the whole intervention, for one group.
    pub fn hours_over_intervention(&self) -> f64 {
        self.staff_hours_per_week * self.provision().weeks
    }

    /// Hours a week x rate, exact; `None` without a rate or when universal.
    pub fn cost_a_week(&self) -> Option<Money> {
        let p = self.provision();
        let rate = self.rate.filter(|_| !self.universal)?;
        Some(Money::a_week(p.sessions_per_week, p.session_minutes, rate))
    }

    /// Hours a week x rate x weeks, exact; `None` as [`Self::cost_a_week`].
    pub fn cost_over_intervention(&self) -> Option<Money> {
        let p = self.provision();
        let rate = self.rate.filter(|_| !self.universal)?;
        Some(Money::over(
            p.sessions_per_week,
            p.session_minutes,
            p.weeks,
            rate,
        ))
    }

    /// The cells under [`MONEY_COLUMNS`]: costs in pounds and pence, blank
    /// without a rate, "No extra cost" for a universal strategy.
    pub fn money_cells(&self) -> Vec<String> {
        let cost = |m: Option<Money>| {
            if self.universal {
                NO_EXTRA_COST.to_string()
            } else {
                m.map_or_else(String::new, |m| m.to_string())
            }
        };
        vec![
            number(self.hours_over_intervention()),
            cost(self.cost_a_week()),
            cost(self.cost_over_intervention()),
        ]
    }

    /// The row's cells, matching [`PROVISION_COLUMNS`].
    pub fn cells(&self, plan: &Plan) -> Vec<String> {
        let p = self
            .page
            .meta
            .provision
            .as_ref()
            .expect("rows have provision");
        vec![
            self.page.meta.title.clone(),
            self.staff_label.clone(),
            number(p.sessions_per_week),
            number(p.session_minutes),
            number(p.weeks),
            p.group_size.to_string(),
            number(self.staff_hours_per_week),
            number(self.hours_per_pupil),
            plan.evidence_label(self.page),
        ]
    }
}

/// A key ingredient and the plan's pages filed under it, for a session.
pub struct IngredientGroup<'a> {
    pub id: String,
    pub label: String,
    pub pages: Vec<&'a Page>,
    /// The training page for this ingredient, when there is one.
    pub training: Option<&'a Page>,
}

/// One line of a session's running order.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub start_minute: u32,
    pub minutes: u32,
    /// The key ingredient, on the first line of its group only, so each
    /// ingredient is named once.
    pub ingredient: Option<String>,
    pub title: String,
}

/// Minutes a session gives each page: a training page's own
/// `duration_minutes`, else a slot by kind.
pub fn minutes_for(page: &Page) -> u32 {
    if let Some(minutes) = page.meta.duration_minutes {
        return minutes;
    }
    match page.meta.kind.as_str() {
        "training" => 20,
        "guidance" => 10,
        _ => 8,
    }
}

/// The longest target length a trainer may choose, in minutes (`target=`).
pub const MAX_TARGET_MINUTES: u32 = 600;

/// The target lengths the session page offers, in minutes.
pub const TARGETS: [u32; 3] = [30, 60, 90];

impl<'a> Plan<'a> {
    pub fn new(site: &'a Site, items: Vec<String>) -> Plan<'a> {
        let mut pages = Vec::new();
        let mut missing = Vec::new();
        for slug in &items {
            match site.page_or_short_id(slug) {
                Some(p) => pages.push(p),
                None => missing.push(slug.clone()),
            }
        }
        Plan {
            site,
            pages,
            missing,
            items: items.clone(),
            rates: site.config.rates.clone(),
            input: PlanInput::of_items(items.clone()),
        }
    }

    /// The plan a SENCO posted: its pages, rates and writing, checked
    /// against the site (needs and staff ids known, steps and delivery only
    /// for the plan's own pages, step numbers within each page's steps).
    pub fn from_input(site: &'a Site, mut input: PlanInput) -> Result<Plan<'a>, InputError> {
        let plan = Plan::new(site, std::mem::take(&mut input.items));
        let t = &site.taxonomy;
        if let Some(needs) = &input.needs {
            for id in needs {
                if t.areas.iter().all(|a| a.id != *id) && t.check(Facet::NEED, id).is_err() {
                    return Err(InputError {
                        field: "needs".into(),
                        problem: format!("\"{id}\" is not a need or area id; see /api/taxonomy"),
                    });
                }
            }
        }
        money::check_staff(&input.rates, |id| t.staff(id).is_some()).map_err(|e| InputError {
            field: "rates".into(),
            problem: e.to_string(),
        })?;
        // Keys may be short ids; the plan looks them up by slug.
        let slug_of = |what: &str, key: &str| -> Result<&'a Page, InputError> {
            site.page_or_short_id(key.trim_matches('/'))
                .filter(|p| plan.pages.iter().any(|q| q.slug == p.slug))
                .ok_or_else(|| InputError {
                    field: format!("{what}.{key}"),
                    problem: "this is not one of the plan's pages (its items)".into(),
                })
        };
        let mut steps = std::collections::BTreeMap::new();
        for (key, numbers) in std::mem::take(&mut input.steps) {
            let page = slug_of("steps", &key)?;
            let count = page.steps().len() as u32;
            if let Some(n) = numbers.iter().find(|n| **n > count) {
                return Err(InputError {
                    field: format!("steps.{key}"),
                    problem: format!("step {n} is past the page's last step, {count}"),
                });
            }
            steps.insert(page.slug.clone(), numbers);
        }
        let mut delivery = std::collections::BTreeMap::new();
        for (key, d) in std::mem::take(&mut input.delivery) {
            delivery.insert(slug_of("delivery", &key)?.slug.clone(), d);
        }
        input.steps = steps;
        input.delivery = delivery;
        let rates = std::mem::take(&mut input.rates);
        let mut plan = plan.with_rates(rates.clone());
        input.items = plan.items.clone();
        input.rates = rates;
        plan.input = input;
        Ok(plan)
    }

    /// The plan with `overrides` (the SENCO's own rates) put over site.yaml's.
    pub fn with_rates(mut self, overrides: Rates) -> Plan<'a> {
        self.rates.extend(overrides);
        self
    }

    /// The staff roles (id, label) that deliver costed provision in this plan
    /// but have no rate, in the taxonomy's order: the page asks for them.
    pub fn roles_without_rate(&self) -> Vec<(String, String)> {
        self.roles_used()
            .into_iter()
            .filter(|(id, _)| !self.rates.contains_key(id))
            .collect()
    }

    /// The staff roles (id, label) that deliver non-universal provision in
    /// this plan, in the taxonomy's order.
    pub fn roles_used(&self) -> Vec<(String, String)> {
        let rows = self.provision();
        self.site
            .taxonomy
            .staff
            .iter()
            .filter(|role| {
                rows.iter()
                    .any(|r| !r.universal && r.provision().staff == role.id)
            })
            .map(|role| (role.id.clone(), role.label.clone()))
            .collect()
    }

    /// Total cost a week and over the intervention of the rows with a rate:
    /// exact sums, rounded only when shown. `None` when no row has a cost.
    pub fn cost_totals(&self) -> Option<(Money, Money)> {
        let rows = self.provision();
        let costed: Vec<_> = rows
            .iter()
            .filter_map(|r| Some((r.cost_a_week()?, r.cost_over_intervention()?)))
            .collect();
        (!costed.is_empty()).then(|| {
            (
                costed.iter().map(|c| c.0).sum(),
                costed.iter().map(|c| c.1).sum(),
            )
        })
    }

    /// The chosen universal strategies: ordinarily available, no extra cost.
    pub fn universal_strategies(&self) -> Vec<&'a Page> {
        self.strategies()
            .filter(|p| p.meta.tier.as_deref() == Some(UNIVERSAL))
            .collect()
    }

    /// The sentence the money columns carry when some roles have no rate.
    pub fn rate_prompt(&self) -> Option<String> {
        let missing = self.roles_without_rate();
        (!missing.is_empty()).then(|| {
            let labels: Vec<String> = missing.into_iter().map(|(_, l)| l).collect();
            format!(
                "Costs are blank until an hourly rate is set for: {}. Enter rates in pounds an hour on the plan page, or ask whoever runs the portal to set them in site.yaml.",
                labels.join(", ")
            )
        })
    }

    /// The slugs of the pages found, comma-separated, for links.
    pub fn items_param(&self) -> String {
        self.pages
            .iter()
            .map(|p| p.slug.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The needs the chosen pages are tagged with (id, label), in taxonomy
    /// order: suggestions for the SENCO, never the plan's needs until she
    /// chooses them.
    pub fn suggested_needs(&self) -> Vec<(String, String)> {
        self.site
            .taxonomy
            .needs_in_order()
            .into_iter()
            .filter(|(t, _)| self.pages.iter().any(|p| p.has_need(t.id)))
            .map(|(t, _)| (t.id.to_string(), t.label.to_string()))
            .collect()
    }

    pub fn strategies(&self) -> impl Iterator<Item = &'a Page> + '_ {
        self.pages
            .iter()
            .copied()
            .filter(|p| !p.is_kind("resource"))
    }

    pub fn resources(&self) -> impl Iterator<Item = &'a Page> + '_ {
        self.pages.iter().copied().filter(|p| p.is_kind("resource"))
    }

    /// The costing of each chosen intervention with a provision block.
    pub fn provision(&self) -> Vec<ProvisionRow<'a>> {
        self.pages
            .iter()
            .filter_map(|p| {
                let pr = p.meta.provision.as_ref()?;
                let weekly = pr.staff_hours_per_week();
                Some(ProvisionRow {
                    page: p,
                    staff_label: self
                        .site
                        .taxonomy
                        .staff(&pr.staff)
                        .map_or(pr.staff.clone(), |s| s.label.clone()),
                    staff_hours_per_week: weekly,
                    hours_per_pupil: weekly * pr.weeks / f64::from(pr.group_size.max(1)),
                    rate: self.rates.get(&pr.staff).copied(),
                    universal: p.meta.tier.as_deref() == Some(UNIVERSAL),
                })
            })
            .collect()
    }

    /// Staff hours a week by staff role, in the taxonomy's order of roles.
    pub fn hours_by_role(&self) -> Vec<(String, f64)> {
        let rows = self.provision();
        self.site
            .taxonomy
            .staff
            .iter()
            .filter_map(|role| {
                let total: f64 = rows
                    .iter()
                    .filter(|r| {
                        r.page
                            .meta
                            .provision
                            .as_ref()
                            .is_some_and(|p| p.staff == role.id)
                    })
                    .map(|r| r.staff_hours_per_week)
                    .sum();
                (total > 0.0).then(|| (role.label.clone(), total))
            })
            .collect()
    }

    pub fn evidence_label(&self, page: &Page) -> String {
        page.meta.evidence.as_ref().map_or_else(String::new, |e| {
            self.site
                .taxonomy
                .label(Facet::EVIDENCE, &e.strength)
                .to_string()
        })
    }

    /// The pages grouped by key ingredient (each page under its first one, in
    /// the taxonomy's order), with the ingredient's training page.
    pub fn by_ingredient(&self) -> Vec<IngredientGroup<'a>> {
        let t = &self.site.taxonomy;
        let mut groups: Vec<IngredientGroup<'a>> = t
            .ingredients
            .iter()
            .map(|i| IngredientGroup {
                id: i.id.clone(),
                label: i.label.clone(),
                pages: Vec::new(),
                training: self
                    .site
                    .pages
                    .iter()
                    .find(|p| p.is_kind("training") && p.meta.ingredients.contains(&i.id))
                    .map(|p| &**p),
            })
            .collect();
        let mut other = IngredientGroup {
            id: "other".into(),
            label: "Other pages".into(),
            pages: Vec::new(),
            training: None,
        };
        for page in &self.pages {
            let first = t
                .ingredients
                .iter()
                .position(|i| page.meta.ingredients.contains(&i.id));
            match first {
                Some(i) => groups[i].pages.push(page),
                None => other.pages.push(page),
            }
        }
        groups.push(other);
        groups.retain(|g| !g.pages.is_empty());
        groups
    }

    /// A session's running order: a welcome, each page by ingredient, and a
    /// close with next steps, with start times from the beginning.
    pub fn running_order(&self) -> Vec<Slot> {
        let mut slots = Vec::new();
        let mut at = 0;
        let mut push = |ingredient: Option<String>, title: String, minutes: u32| {
            slots.push(Slot {
                start_minute: at,
                minutes,
                ingredient,
                title,
            });
            at += minutes;
        };
        push(None, "Welcome and aims".into(), 5);
        for group in self.by_ingredient() {
            for (i, page) in group.pages.iter().enumerate() {
                let label = (i == 0).then(|| group.label.clone());
                push(label, page.meta.title.clone(), minutes_for(page));
            }
        }
        push(None, "Agree next steps and a follow-up task".into(), 10);
        slots
    }

    /// Minutes the whole session takes.
    pub fn session_minutes(&self) -> u32 {
        self.running_order().iter().map(|s| s.minutes).sum()
    }
}

/// `1.5` as "1.5", `2.0` as "2", to two decimal places at most.
pub fn number(n: f64) -> String {
    let s = format!("{n:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Minutes from the start as "0:05".
pub fn clock(minutes: u32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_split_folded_and_limited() {
        assert_eq!(parse_items(["a,b, a", "c"]).unwrap(), ["a", "b", "c"]);
        assert_eq!(parse_items(["/strategies/x/,"]).unwrap(), ["strategies/x"]);
        let many: Vec<String> = (0..101).map(|i| format!("p{i}")).collect();
        let joined = many.join(",");
        let err = parse_items([joined.as_str()]).unwrap_err().to_string();
        assert!(
            err.starts_with("A plan can hold at most 100 pages; this one lists more."),
            "{err}"
        );
    }

    #[test]
    fn numbers_and_clock_times_read_naturally() {
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(2.0), "2");
        assert_eq!(number(0.333333), "0.33");
        assert_eq!(clock(65), "1:05");
    }
}
