//! The school's inclusion strategy: a whole-school collection of pages, each
//! an activity with the barrier it removes, who benefits, staff time, cost,
//! funding source, measure and review date, totalled exactly by layer,
//! funding source and framework heading. It holds nothing about any child.

pub mod export;
pub mod input;

use std::collections::BTreeMap;

use crate::content::Page;
use crate::framework::{self, Framework};
use crate::plan::input::InputError;
use crate::plan::money::{Money, Rates};
use crate::plan::number;
use crate::site::Site;
use crate::taxonomy::Facet;

pub use input::{ActivityInput, StrategyInput};

/// The funding sources every school has, in the order they are shown; an
/// authority may add more in `site.yaml` under `funding:`.
pub const FUNDING: &[(&str, &str)] = &[
    ("core-budget", "Core budget"),
    ("notional-sen-budget", "Notional SEN budget"),
    ("inclusive-mainstream-fund", "Inclusive mainstream fund"),
    ("other", "Other"),
];

/// The key totals use for activities with no tier or no funding source.
pub const NONE: &str = "none";

/// Where a page's "what you might see" is, offered as a prompt for the barrier.
pub const WHAT_YOU_MIGHT_SEE: &str = "what-you-might-see";

/// One activity: a page and what the school wrote about it.
#[derive(Debug)]
pub struct Activity<'a> {
    pub page: &'a Page,
    pub input: ActivityInput,
    /// The staff role used: the school's, else the page's.
    pub staff: Option<String>,
    /// Staff hours a week used: the school's, else the page's.
    pub hours_a_week: Option<f64>,
    /// Weeks used: the school's, else the page's.
    pub weeks: Option<f64>,
    /// The cost worked out from the rate, to the penny (None without one).
    pub worked_out: Option<Money>,
    /// The cost used: the school's own, else the worked-out one.
    pub cost: Option<Money>,
}

impl Activity<'_> {
    /// The page's tier, or [`NONE`].
    pub fn tier(&self) -> &str {
        self.page.meta.tier.as_deref().unwrap_or(NONE)
    }

    /// The funding source id, or [`NONE`].
    pub fn funding(&self) -> &str {
        self.input.funding.as_deref().unwrap_or(NONE)
    }

    /// The cost as shown: "£1,234.56", or a visible gap.
    pub fn cost_text(&self) -> String {
        self.cost
            .map_or_else(|| MISSING.to_string(), |c| c.to_string())
    }

    /// Staff and time in a few words: "Teaching assistant, 1.5 hours a week for 10 weeks".
    pub fn time_text(&self, site: &Site) -> String {
        let role = self
            .staff
            .as_deref()
            .map(|s| site.taxonomy.staff(s).map_or(s, |t| t.label.as_str()));
        let mut parts = Vec::new();
        if let Some(role) = role {
            parts.push(role.to_string());
        }
        match (self.hours_a_week, self.weeks) {
            (Some(h), Some(w)) => parts.push(format!(
                "{} hours a week for {} weeks",
                number(h),
                number(w)
            )),
            (Some(h), None) => parts.push(format!("{} hours a week", number(h))),
            (None, Some(w)) => parts.push(format!("{} weeks", number(w))),
            (None, None) => {}
        }
        parts.join(", ")
    }

    /// Who benefits: the cohort and the approximate number of pupils.
    pub fn who_text(&self) -> String {
        match (self.input.cohort.trim(), self.input.pupils) {
            ("", None) => String::new(),
            (c, None) => c.to_string(),
            ("", Some(n)) => format!("about {n} pupils"),
            (c, Some(n)) => format!("{c} (about {n} pupils)"),
        }
    }
}

/// What a missing cost shows as: never a zero.
pub const MISSING: &str = "No cost yet";

/// A labelled total.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    pub id: String,
    pub label: String,
    pub cost: Money,
    /// How many activities it counts.
    pub count: usize,
    /// How many of those have no cost (not in `cost`).
    pub missing: usize,
}

impl Total {
    /// Whether any activity in it has a cost: a total of none is a gap, never £0.00.
    pub fn known(&self) -> bool {
        self.missing < self.count
    }

    /// "£1,234.56", with any activities left out named, or a visible gap.
    pub fn cost_text(&self) -> String {
        match (self.known(), self.missing) {
            (false, _) => "No cost yet".to_string(),
            (true, 0) => self.cost.to_string(),
            (true, n) => format!("{} ({} without a cost)", self.cost, n),
        }
    }

    /// Pounds and pence for a spreadsheet, blank for a gap.
    pub fn cell(&self) -> String {
        if self.known() {
            self.cost.pounds()
        } else {
            String::new()
        }
    }
}

/// One framework's headings, each with the activities' total under it.
#[derive(Debug, Clone)]
pub struct FrameworkTotals<'a> {
    pub framework: &'a Framework,
    pub items: Vec<Total>,
}

/// Every total of a strategy; each an exact sum of the activities' costs
/// (each to the penny).
#[derive(Debug, Clone)]
pub struct Totals<'a> {
    pub all: Money,
    pub by_funding: Vec<Total>,
    pub by_tier: Vec<Total>,
    pub by_framework: Vec<FrameworkTotals<'a>>,
    /// How many activities have no cost.
    pub missing: usize,
}

/// A strategy, checked against the site.
#[derive(Debug)]
pub struct Strategy<'a> {
    pub site: &'a Site,
    pub school: String,
    pub years: String,
    pub review: String,
    /// site.yaml's rates with the school's put over them.
    pub rates: Rates,
    pub activities: Vec<Activity<'a>>,
    /// What was posted, for the rates and fields the school gave.
    pub input: StrategyInput,
}

/// Every funding source: the built-in ones, then site.yaml's.
pub fn funding_sources(site: &Site) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = FUNDING
        .iter()
        .map(|(id, label)| (id.to_string(), label.to_string()))
        .collect();
    for (id, label) in &site.config.funding {
        if let Some(known) = out.iter_mut().find(|(i, _)| i == id) {
            known.1.clone_from(label);
        } else {
            out.push((id.clone(), label.clone()));
        }
    }
    out
}

impl<'a> Strategy<'a> {
    /// A strategy of these pages with nothing written yet.
    pub fn of_items(site: &'a Site, items: &[String]) -> Result<Strategy<'a>, InputError> {
        let input = StrategyInput {
            activities: items
                .iter()
                .map(|item| ActivityInput {
                    item: item.clone(),
                    ..ActivityInput::default()
                })
                .collect(),
            ..StrategyInput::default()
        };
        Strategy::from_input(site, input)
    }

    /// The strategy a school posted, every id and number checked.
    pub fn from_input(site: &'a Site, input: StrategyInput) -> Result<Strategy<'a>, InputError> {
        input.check(site)?;
        let mut rates = site.config.rates.clone();
        rates.extend(input.rates.clone());
        let mut activities = Vec::new();
        for (i, a) in input.activities.iter().enumerate() {
            let page = site.page(&a.item).ok_or_else(|| {
                InputError::new(
                    format!("activities[{i}].item"),
                    format!("there is no page \"{}\"", a.item),
                )
            })?;
            let provision = page.meta.provision.as_ref();
            let staff = a
                .staff
                .clone()
                .or_else(|| provision.map(|p| p.staff.clone()));
            let weeks = a.weeks.or_else(|| provision.map(|p| p.weeks));
            let hours_a_week = a
                .hours_a_week
                .or_else(|| provision.map(|p| p.staff_hours_per_week()));
            let rate = staff.as_deref().and_then(|s| rates.get(s)).copied();
            let worked_out = match (rate, a.hours_a_week, weeks, provision) {
                (Some(rate), Some(h), Some(w), _) => Some(Money::for_hours(h, w, rate)),
                // The page's own sessions, so the cost is exactly the plan's.
                (Some(rate), None, Some(w), Some(p)) => {
                    Some(Money::over(p.sessions_per_week, p.session_minutes, w, rate))
                }
                _ => None,
            }
            .map(|m| Money::from_pence(m.rounded_pence()));
            let cost = a
                .cost
                .map(|pounds| Money::from_pence((pounds * 100.0).round() as i128))
                .or(worked_out);
            activities.push(Activity {
                page,
                input: a.clone(),
                staff,
                hours_a_week,
                weeks,
                worked_out,
                cost,
            });
        }
        Ok(Strategy {
            site,
            school: input.school.name.trim().to_string(),
            years: input.years.trim().to_string(),
            review: input.review.date.trim().to_string(),
            rates,
            activities,
            input,
        })
    }

    /// Whether the years covered span more than one school year
    /// ("2026 to 2029"), so the strategy is reviewed every year.
    pub fn multi_year(&self) -> bool {
        let years: Vec<u32> = self
            .years
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| w.len() == 4)
            .filter_map(|w| w.parse().ok())
            .collect();
        match (years.iter().min(), years.iter().max()) {
            (Some(a), Some(b)) => b - a >= 2,
            _ => false,
        }
    }

    /// The label of a funding source id.
    pub fn funding_label(&self, id: &str) -> String {
        if id == NONE {
            return "No funding source given".to_string();
        }
        funding_sources(self.site)
            .into_iter()
            .find(|(i, _)| i == id)
            .map_or_else(|| id.to_string(), |(_, l)| l)
    }

    /// The label of a tier id (the authority's), or "No layer".
    pub fn tier_label(&self, id: &str) -> String {
        if id == NONE {
            return "No layer given".to_string();
        }
        self.site.taxonomy.label(Facet::TIER, id).to_string()
    }

    /// The framework headings an activity serves, by framework.
    pub fn headings(&self, activity: &Activity) -> Vec<(&'a Framework, Vec<String>)> {
        let meta = &activity.page.meta;
        self.site
            .taxonomy
            .frameworks
            .iter()
            .map(|f| {
                let labels = framework::page_items(&f.id, &meta.ingredients, &meta.frameworks)
                    .into_iter()
                    .filter_map(|id| f.item(id).map(|i| i.label.clone()))
                    .collect();
                (f, labels)
            })
            .collect()
    }

    /// Every total, each an exact sum of the activities' costs.
    pub fn totals(&self) -> Totals<'a> {
        let known = |pick: &dyn Fn(&Activity) -> bool| -> (Money, usize, usize) {
            let chosen: Vec<&Activity> = self.activities.iter().filter(|a| pick(a)).collect();
            let missing = chosen.iter().filter(|a| a.cost.is_none()).count();
            (
                chosen.iter().filter_map(|a| a.cost).sum(),
                chosen.len(),
                missing,
            )
        };
        let (all, _, _) = known(&|_| true);
        let missing = self.activities.iter().filter(|a| a.cost.is_none()).count();

        let mut by_funding = Vec::new();
        let mut ids: Vec<String> = funding_sources(self.site)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        ids.push(NONE.to_string());
        for id in ids {
            let (cost, count, missing) = known(&|a| a.funding() == id);
            if count > 0 {
                by_funding.push(Total {
                    label: self.funding_label(&id),
                    id,
                    cost,
                    count,
                    missing,
                });
            }
        }

        let mut by_tier = Vec::new();
        let mut tiers: Vec<String> = self
            .site
            .taxonomy
            .tiers
            .iter()
            .map(|t| t.id.clone())
            .collect();
        tiers.push(NONE.to_string());
        for id in tiers {
            let (cost, count, missing) = known(&|a| a.tier() == id);
            if count > 0 {
                by_tier.push(Total {
                    label: self.tier_label(&id),
                    id,
                    cost,
                    count,
                    missing,
                });
            }
        }

        let by_framework = self
            .site
            .taxonomy
            .frameworks
            .iter()
            .map(|f| FrameworkTotals {
                framework: f,
                items: f
                    .items
                    .iter()
                    .filter_map(|item| {
                        let (cost, count, missing) = known(&|a| {
                            let m = &a.page.meta;
                            framework::page_items(&f.id, &m.ingredients, &m.frameworks)
                                .contains(&item.id.as_str())
                        });
                        (count > 0).then(|| Total {
                            id: item.id.clone(),
                            label: item.label.clone(),
                            cost,
                            count,
                            missing,
                        })
                    })
                    .collect(),
            })
            .collect();
        Totals {
            all,
            by_funding,
            by_tier,
            by_framework,
            missing,
        }
    }

    /// The staff roles used with no rate, as (id, label).
    pub fn roles_without_rate(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for a in &self.activities {
            if let Some(s) = &a.staff
                && a.input.cost.is_none()
                && !self.rates.contains_key(s)
                && !out.iter().any(|(i, _)| i == s)
            {
                let label = self.site.taxonomy.staff(s).map_or(s.as_str(), |t| &t.label);
                out.push((s.clone(), label.to_string()));
            }
        }
        out
    }

    /// A plain summary for parents, in a few sentences.
    pub fn summary_for_parents(&self) -> Vec<String> {
        let totals = self.totals();
        let school = if self.school.is_empty() {
            "Our school"
        } else {
            &self.school
        };
        let years = if self.years.is_empty() {
            String::new()
        } else {
            format!(" in {}", self.years)
        };
        let n = self.activities.len();
        let what = count(n, "activity", "activities");
        let mut out = vec![if n > 0 && totals.missing == n {
            // No cost is known yet: say so rather than print £0.00.
            format!(
                "{school} is planning {what}{years} to remove barriers to learning and taking part in school life. Their costs are still to be worked out."
            )
        } else {
            format!(
                "{school} is spending {} on {what}{years} to remove barriers to learning and taking part in school life.",
                totals.all
            )
        }];
        if totals.missing > 0 && totals.missing < n {
            out.push(format!(
                "The cost of {} of them is still to be worked out, so the full amount will be higher.",
                totals.missing
            ));
        }
        out.push("Some help is for every pupil in every class; some is for smaller groups who need more for a while. None of it is about one named child.".to_string());
        out.push(
            "We check each activity against the measure written beside it, and we will tell you what worked when we review the strategy."
                .to_string(),
        );
        if !self.review.is_empty() {
            out.push(format!("Our next review is on {}.", self.review));
        }
        out
    }
}

/// A count of `what` ("3 activities").
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Pounds to two decimals as a JSON number.
pub fn pounds(m: Money) -> f64 {
    m.rounded_pence() as f64 / 100.0
}

/// The totals by id, for JSON: null where no activity has a cost.
pub fn by_id(totals: &[Total]) -> BTreeMap<String, Option<f64>> {
    totals
        .iter()
        .map(|t| (t.id.clone(), t.known().then(|| pounds(t.cost))))
        .collect()
}
