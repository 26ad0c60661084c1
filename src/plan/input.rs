//! What a SENCO writes into a plan: the child's and family's views, the
//! needs she chose, outcomes, the steps she ticked, who delivers what and the
//! review. It arrives in one request (posted JSON, the plan page's form, or
//! an uploaded saved plan), is used for that one answer and dropped.
//!
//! Nothing here is ever logged: [`PlanInput`]'s `Debug` prints no field, and
//! the errors name the field that is wrong, never what was written in it.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::money::{Rate, RateError};
use super::{ItemsError, MAX_ITEMS, parse_items};

/// The longest text one field may hold, in characters: a long paragraph.
pub const MAX_TEXT: usize = 4000;
/// The most outcome rows a plan may have.
pub const MAX_OUTCOMES: usize = 20;
/// The highest step number; no strategy has this many steps.
pub const MAX_STEP: u32 = 50;

/// A plan as posted or saved: the same document `/plan.json` answers with
/// (less the parts it works out, which are read and ignored).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PlanInput {
    /// Page addresses (`strategies/movement-breaks`) or short ids, in order.
    pub items: Vec<String>,
    /// `plan` (the default) or `session`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
    /// The needs the plan addresses, chosen by the SENCO: need or area ids
    /// from the taxonomy. Absent: none chosen yet (the plan suggests some).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<Vec<String>>,
    /// About the child, and what the child says.
    pub child: Child,
    /// What the family says.
    pub family_views: String,
    /// The date of this plan, as written.
    pub date: String,
    /// The people involved: the child, family and staff.
    pub people: String,
    /// What the plan aims for: each outcome, how progress is measured, by when.
    pub outcomes: Vec<Outcome>,
    /// The steps ticked for each page, numbered from 1; a page not listed
    /// keeps every step.
    pub steps: BTreeMap<String, Vec<u32>>,
    /// Who delivers each strategy, how often, in what group, where, from when.
    pub delivery: BTreeMap<String, Delivery>,
    /// How and when the plan is reviewed.
    pub review: Review,
    /// Hourly rates in pounds by staff id, over the portal's own.
    #[schemars(with = "BTreeMap<String, f64>")]
    pub rates: BTreeMap<String, Rate>,
}

/// About the child, and the child's own views.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Child {
    pub name: String,
    pub year_group: String,
    /// What the child is good at, and what others like about them.
    pub strengths: String,
    pub interests: String,
    /// What helps the child, in their words.
    pub helps: String,
    /// What does not help.
    pub hinders: String,
    /// Anything else the child says about school and this plan.
    pub views: String,
}

/// One outcome row.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Outcome {
    pub outcome: String,
    /// How progress will be measured.
    pub measure: String,
    /// By when, as written.
    pub by: String,
}

/// Who delivers one strategy, and how.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Delivery {
    pub who: String,
    /// How often, when it differs from the page's provision.
    pub how_often: String,
    pub group_size: String,
    #[serde(rename = "where")]
    pub place: String,
    pub start: String,
}

/// The review arrangements.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Review {
    pub date: String,
    /// Who attends.
    pub attendees: String,
    /// How the child takes part.
    pub child_part: String,
}

/// The keys `/plan.json` answers with that a saved plan may carry back but
/// that are worked out again, never read.
pub const WORKED_OUT: &[&str] = &[
    "version",
    "pages",
    "needs_suggested",
    "needs_chosen",
    "costs",
    "share_url",
];

/// Why a posted plan cannot be used: the field, and what is wrong with it.
/// Never the text that was written in the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct InputError {
    pub field: String,
    pub problem: String,
}

impl InputError {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> InputError {
        InputError {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

impl From<ItemsError> for InputError {
    fn from(e: ItemsError) -> InputError {
        InputError::new("items", e.to_string())
    }
}

impl fmt::Debug for PlanInput {
    /// Only the shape: what a SENCO wrote about a child never reaches a log,
    /// even through a stray `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PlanInput {{ {} items, {} outcomes, child fields withheld }}",
            self.items.len(),
            self.outcomes.len()
        )
    }
}

impl PlanInput {
    /// A plan of these pages with nothing written yet.
    pub fn of_items(items: Vec<String>) -> PlanInput {
        PlanInput {
            items,
            ..PlanInput::default()
        }
    }

    /// Reads a posted or uploaded JSON plan. The keys `/plan.json` works out
    /// are dropped first; any other unknown key is an error naming it.
    pub fn from_json(bytes: &[u8]) -> Result<PlanInput, InputError> {
        let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
            InputError::new(
                "the plan",
                format!(
                    "it is not JSON (line {}, column {}); upload a file saved from this portal's plan page",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let Some(object) = value.as_object_mut() else {
            return Err(InputError::new(
                "the plan",
                "it must be a JSON object, such as {\"items\": [\"strategies/movement-breaks\"]}",
            ));
        };
        for key in WORKED_OUT {
            object.remove(*key);
        }
        let input: PlanInput = serde_path_to_error::deserialize(value).map_err(|e| {
            let field = e.path().to_string();
            InputError::new(
                if field == "." {
                    "the plan".into()
                } else {
                    field
                },
                describe(e.inner()),
            )
        })?;
        input.check()
    }

    /// Reads the plan page's form (or a query string): `items`, `needs`,
    /// `child.name`, `family_views`, `outcomes.1.outcome`, `review.date`,
    /// `rate.<staff id>`, `steps.<page>` (step numbers; an empty value marks
    /// the page's list as given, so unticking every step is possible), and
    /// `delivery.<page>.who` and the like. Unknown keys are errors.
    pub fn from_form<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<PlanInput, InputError> {
        let mut input = PlanInput::default();
        let mut items: Vec<String> = Vec::new();
        let mut outcomes: BTreeMap<usize, Outcome> = BTreeMap::new();
        let mut needs_given = false;
        let mut needs = Vec::new();
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref());
            let text = || value.replace("\r\n", "\n");
            match key {
                "items" => items.push(value.to_string()),
                "view" => input.view = Some(value.to_string()),
                // `needs` with an empty value says "the needs were offered",
                // so choosing none is possible.
                "needs" => {
                    needs_given = true;
                    if !value.trim().is_empty() {
                        needs.push(value.trim().to_string());
                    }
                }
                "family_views" => input.family_views = text(),
                "date" => input.date = text(),
                "people" => input.people = text(),
                // Buttons and the "keep on this device" box are the page's own.
                "action" | "keep" => {}
                _ => {
                    if let Some(field) = key.strip_prefix("child.") {
                        let c = &mut input.child;
                        let slot = match field {
                            "name" => &mut c.name,
                            "year_group" => &mut c.year_group,
                            "strengths" => &mut c.strengths,
                            "interests" => &mut c.interests,
                            "helps" => &mut c.helps,
                            "hinders" => &mut c.hinders,
                            "views" => &mut c.views,
                            _ => return Err(unknown(key)),
                        };
                        *slot = text();
                    } else if let Some(field) = key.strip_prefix("review.") {
                        let r = &mut input.review;
                        let slot = match field {
                            "date" => &mut r.date,
                            "attendees" => &mut r.attendees,
                            "child_part" => &mut r.child_part,
                            _ => return Err(unknown(key)),
                        };
                        *slot = text();
                    } else if let Some(rest) = key.strip_prefix("outcomes.") {
                        let (n, field) = rest.split_once('.').ok_or_else(|| unknown(key))?;
                        let n: usize = n
                            .parse()
                            .ok()
                            .filter(|n| (1..=MAX_OUTCOMES).contains(n))
                            .ok_or_else(|| {
                                InputError::new(
                                    key,
                                    format!("outcome rows are numbered 1 to {MAX_OUTCOMES}"),
                                )
                            })?;
                        let row = outcomes.entry(n).or_default();
                        let slot = match field {
                            "outcome" => &mut row.outcome,
                            "measure" => &mut row.measure,
                            "by" => &mut row.by,
                            _ => return Err(unknown(key)),
                        };
                        *slot = text();
                    } else if let Some(page) = key.strip_prefix("steps.") {
                        let list = input.steps.entry(page.to_string()).or_default();
                        if !value.trim().is_empty() {
                            list.push(value.trim().parse().map_err(|_| {
                                InputError::new(key, "a step is given by its number, from 1")
                            })?);
                        }
                    } else if let Some(rest) = key.strip_prefix("delivery.") {
                        let (page, field) = rest.rsplit_once('.').ok_or_else(|| unknown(key))?;
                        let d = input.delivery.entry(page.to_string()).or_default();
                        let slot = match field {
                            "who" => &mut d.who,
                            "how_often" => &mut d.how_often,
                            "group_size" => &mut d.group_size,
                            "where" => &mut d.place,
                            "start" => &mut d.start,
                            _ => return Err(unknown(key)),
                        };
                        *slot = text();
                    } else if let Some(id) = key.strip_prefix(super::money::RATE_PREFIX) {
                        if value.trim().is_empty() {
                            continue;
                        }
                        let rate = Rate::parse(value).map_err(|e| rate_error(key, e))?;
                        if input.rates.insert(id.to_string(), rate).is_some() {
                            return Err(rate_error(key, RateError::Twice(id.to_string())));
                        }
                    } else {
                        return Err(unknown(key));
                    }
                }
            }
        }
        input.items = parse_items(items.iter().map(String::as_str))?;
        if needs_given {
            input.needs = Some(needs);
        }
        // Rows left wholly blank on the form are not outcomes.
        input.outcomes = outcomes
            .into_values()
            .filter(|o| {
                !(o.outcome.trim().is_empty()
                    && o.measure.trim().is_empty()
                    && o.by.trim().is_empty())
            })
            .collect();
        input.check()
    }

    /// Bounds every list and text, so nothing posted can size more than a
    /// plan's worth of work.
    fn check(mut self) -> Result<PlanInput, InputError> {
        // Items as the query reads them: trimmed, folded, at most a hundred.
        self.items = parse_items(self.items.iter().map(String::as_str))?;
        if self
            .view
            .as_deref()
            .is_some_and(|v| !["plan", "session"].contains(&v))
        {
            return Err(InputError::new(
                "view",
                "a posted plan's view is \"plan\" or \"session\"",
            ));
        }
        if self.needs.as_ref().is_some_and(|n| n.len() > 64) {
            return Err(InputError::new("needs", "at most 64 needs can be chosen"));
        }
        if self.outcomes.len() > MAX_OUTCOMES {
            return Err(InputError::new(
                "outcomes",
                format!("a plan has at most {MAX_OUTCOMES} outcomes"),
            ));
        }
        for (what, map_len) in [
            ("steps", self.steps.len()),
            ("delivery", self.delivery.len()),
        ] {
            if map_len > MAX_ITEMS {
                return Err(InputError::new(
                    what,
                    format!("a plan has at most {MAX_ITEMS} pages"),
                ));
            }
        }
        for (page, steps) in &mut self.steps {
            if steps.len() > MAX_STEP as usize || steps.iter().any(|n| !(1..=MAX_STEP).contains(n))
            {
                return Err(InputError::new(
                    format!("steps.{page}"),
                    format!("steps are numbered from 1 to at most {MAX_STEP}"),
                ));
            }
            steps.sort_unstable();
            steps.dedup();
        }
        for (field, text) in self.texts() {
            if text.chars().count() > MAX_TEXT {
                return Err(InputError::new(
                    field,
                    format!(
                        "at most {MAX_TEXT} characters; shorten it, or keep the longer notes in your own copy"
                    ),
                ));
            }
        }
        Ok(self)
    }

    /// Every text field with its name, for bounds (and for tests that check
    /// each one reaches an export).
    pub fn texts(&self) -> Vec<(String, &str)> {
        let c = &self.child;
        let mut out: Vec<(String, &str)> = vec![
            ("child.name".into(), &c.name),
            ("child.year_group".into(), &c.year_group),
            ("child.strengths".into(), &c.strengths),
            ("child.interests".into(), &c.interests),
            ("child.helps".into(), &c.helps),
            ("child.hinders".into(), &c.hinders),
            ("child.views".into(), &c.views),
            ("family_views".into(), &self.family_views),
            ("date".into(), &self.date),
            ("people".into(), &self.people),
            ("review.date".into(), &self.review.date),
            ("review.attendees".into(), &self.review.attendees),
            ("review.child_part".into(), &self.review.child_part),
        ];
        for (i, o) in self.outcomes.iter().enumerate() {
            let n = i + 1;
            out.push((format!("outcomes.{n}.outcome"), &o.outcome));
            out.push((format!("outcomes.{n}.measure"), &o.measure));
            out.push((format!("outcomes.{n}.by"), &o.by));
        }
        for (page, d) in &self.delivery {
            out.push((format!("delivery.{page}.who"), &d.who));
            out.push((format!("delivery.{page}.how_often"), &d.how_often));
            out.push((format!("delivery.{page}.group_size"), &d.group_size));
            out.push((format!("delivery.{page}.where"), &d.place));
            out.push((format!("delivery.{page}.start"), &d.start));
        }
        out
    }

    /// Whether anything about the child or the plan was written: the Word
    /// plan then shows it rather than blank rows to write in.
    pub fn has_writing(&self) -> bool {
        self.texts().iter().any(|(_, t)| !t.trim().is_empty())
    }
}

fn unknown(key: &str) -> InputError {
    InputError::new(
        key,
        "this plan field is not known; see /api/plan.schema.json for the fields a plan has",
    )
}

fn rate_error(key: &str, e: RateError) -> InputError {
    InputError::new(key, e.to_string())
}

/// A serde error in words that never quote the posted value.
pub(crate) fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("unknown field") {
        // "unknown field `x`, expected one of ...": the field name is ours to show.
        return text
            .split(" at line")
            .next()
            .unwrap_or("an unknown field")
            .replace('`', "\"");
    }
    if text.starts_with("invalid type") {
        // "invalid type: string \"...\", expected ...": keep what was expected.
        let expected = text
            .split(", expected ")
            .nth(1)
            .and_then(|t| t.split(" at line").next())
            .unwrap_or("another type");
        return format!("this must be {expected}");
    }
    if text.contains("rate") {
        return text.split(" at line").next().unwrap_or(&text).to_string();
    }
    "this value cannot be read here; see /api/plan.schema.json".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_plan_is_read_with_its_worked_out_parts_ignored() {
        let json = br#"{"items":["strategies/a","strategies/a","b"],"needs":["adhd"],
            "child":{"name":"Sam","strengths":"drawing"},"family_views":"kind",
            "outcomes":[{"outcome":"o","measure":"m","by":"July"}],
            "review":{"date":"1 March"},"rates":{"teaching-assistant":14.5},
            "steps":{"strategies/a":[3,1,3]},"pages":[{"x":1}],"version":1}"#;
        let p = PlanInput::from_json(json).unwrap();
        assert_eq!(p.items, ["strategies/a", "b"]);
        assert_eq!(p.needs.as_deref(), Some(&["adhd".to_string()][..]));
        assert_eq!(p.child.name, "Sam");
        assert_eq!(p.steps["strategies/a"], [1, 3]);
        assert_eq!(p.rates["teaching-assistant"].pence(), 1450);
        assert!(format!("{p:?}").contains("withheld") && !format!("{p:?}").contains("Sam"));
    }

    #[test]
    fn errors_name_the_field_and_never_the_text() {
        let e = PlanInput::from_json(br#"{"child":{"nmae":"Secret"}}"#).unwrap_err();
        assert_eq!(e.field, "child.nmae");
        assert!(e.problem.contains("\"nmae\""), "{e}");
        let e = PlanInput::from_json(br#"{"outcomes":"Secret words"}"#).unwrap_err();
        assert_eq!(e.field, "outcomes");
        assert!(!e.to_string().contains("Secret"), "{e}");
        let e = PlanInput::from_json(br#"{"rates":{"teaching-assistant":-3}}"#).unwrap_err();
        assert_eq!(e.field, "rates.teaching-assistant");
        let long = format!(r#"{{"family_views":"{}"}}"#, "x".repeat(MAX_TEXT + 1));
        let e = PlanInput::from_json(long.as_bytes()).unwrap_err();
        assert_eq!(e.field, "family_views");
        let e = PlanInput::from_json(br#"{"steps":{"a":[0]}}"#).unwrap_err();
        assert_eq!(e.field, "steps.a");
        let e = PlanInput::from_json(b"[1]").unwrap_err();
        assert_eq!(e.field, "the plan");
    }

    #[test]
    fn the_form_gives_the_same_plan() {
        let form = [
            ("items", "strategies/a,b"),
            ("needs", ""),
            ("needs", "adhd"),
            ("child.name", "Sam"),
            ("outcomes.2.outcome", "second"),
            ("outcomes.1.outcome", "first"),
            ("outcomes.3.outcome", ""),
            ("steps.strategies/a", ""),
            ("steps.strategies/a", "2"),
            ("steps.b", ""),
            ("delivery.strategies/a.where", "library"),
            ("rate.teaching-assistant", "14.50"),
            ("rate.teacher", ""),
            ("action", "docx"),
        ];
        let p = PlanInput::from_form(form).unwrap();
        assert_eq!(p.items, ["strategies/a", "b"]);
        assert_eq!(p.needs.as_deref(), Some(&["adhd".to_string()][..]));
        let outcomes: Vec<&str> = p.outcomes.iter().map(|o| o.outcome.as_str()).collect();
        assert_eq!(outcomes, ["first", "second"]);
        assert_eq!(p.steps["strategies/a"], [2]);
        assert!(p.steps["b"].is_empty(), "every step of b unticked");
        assert_eq!(p.delivery["strategies/a"].place, "library");
        assert_eq!(p.rates.len(), 1);
        let e = PlanInput::from_form([("child.age", "9")]).unwrap_err();
        assert_eq!(e.field, "child.age");
        let e = PlanInput::from_form([("outcomes.99.outcome", "x")]).unwrap_err();
        assert_eq!(e.field, "outcomes.99.outcome");
    }
}
