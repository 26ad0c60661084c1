//! A posted strategy: its JSON keys and the strategy page's form, every
//! number bounded and every id checked, each error naming its field. Nothing
//! posted is logged or kept.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::plan::MAX_ITEMS;
use crate::plan::input::{InputError, MAX_TEXT, describe};
use crate::plan::money::{RATE_PREFIX, Rate, Rates};
use crate::site::Site;

/// The largest cost that may be given, in pounds.
pub const MAX_COST: f64 = 10_000_000.0;
/// The most pupils an activity may be for.
pub const MAX_PUPILS: u32 = 100_000;
/// The most staff hours a week.
pub const MAX_HOURS: f64 = 168.0;
/// The most weeks (five school years).
pub const MAX_WEEKS: f64 = 200.0;

/// The strategy as posted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StrategyInput {
    #[serde(default)]
    pub school: School,
    /// The years covered, as text ("2026 to 2027").
    #[serde(default)]
    pub years: String,
    #[serde(default)]
    pub review: Review,
    /// Hourly rates in pounds by staff id, over the portal's own.
    #[serde(default)]
    pub rates: Rates,
    #[serde(default)]
    pub activities: Vec<ActivityInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct School {
    #[serde(default)]
    pub name: String,
}

/// When the whole strategy is next reviewed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Review {
    #[serde(default)]
    pub date: String,
}

/// One activity as the school wrote it; what is absent comes from the page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// The page's address.
    pub item: String,
    #[serde(default)]
    pub barrier: String,
    #[serde(default)]
    pub cohort: String,
    #[serde(default)]
    pub pupils: Option<u32>,
    #[serde(default)]
    pub staff: Option<String>,
    #[serde(default)]
    pub hours_a_week: Option<f64>,
    #[serde(default)]
    pub weeks: Option<f64>,
    /// Pounds; overrides the worked-out cost.
    #[serde(default)]
    pub cost: Option<f64>,
    #[serde(default)]
    pub funding: Option<String>,
    #[serde(default)]
    pub measure: String,
    #[serde(default)]
    pub review: String,
}

/// Keys `/strategy.json` works out, dropped when it is posted back.
const WORKED_OUT: &[&str] = &[
    "version",
    "totals",
    "funding_sources",
    "frameworks",
    "multi_year",
];
const ACTIVITY_WORKED_OUT: &[&str] = &[
    "title",
    "url",
    "tier",
    "hours_a_week_used",
    "cost_worked_out",
    "headings",
];

/// The fields of an activity in the form, after `activities.N.`.
pub const ACTIVITY_FIELDS: &[&str] = &[
    "item",
    "barrier",
    "cohort",
    "pupils",
    "staff",
    "hours_a_week",
    "weeks",
    "cost",
    "funding",
    "measure",
    "review",
];

impl StrategyInput {
    /// Reads a posted JSON strategy; unknown keys are errors naming them.
    pub fn from_json(bytes: &[u8]) -> Result<StrategyInput, InputError> {
        let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
            InputError::new(
                "the strategy",
                format!("it is not JSON (line {}, column {})", e.line(), e.column()),
            )
        })?;
        let Some(object) = value.as_object_mut() else {
            return Err(InputError::new(
                "the strategy",
                "it must be a JSON object, such as {\"activities\": [{\"item\": \"strategies/movement-breaks\"}]}",
            ));
        };
        for key in WORKED_OUT {
            object.remove(*key);
        }
        if let Some(serde_json::Value::Array(list)) = object.get_mut("activities") {
            for a in list.iter_mut().filter_map(|a| a.as_object_mut()) {
                for key in ACTIVITY_WORKED_OUT {
                    a.remove(*key);
                }
            }
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
            let field = e.path().to_string();
            InputError::new(
                if field == "." {
                    "the strategy".into()
                } else {
                    field
                },
                describe(e.inner()),
            )
        })
    }

    /// Reads the strategy page's form: `school.name`, `years`, `review.date`,
    /// `rate.<staff id>`, `activities.N.<field>` (N from 1) and `items`
    /// (pages added with nothing written). Empty values are absent.
    pub fn from_form<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<StrategyInput, InputError> {
        let mut input = StrategyInput::default();
        let mut rows: BTreeMap<usize, ActivityInput> = BTreeMap::new();
        let mut items: Vec<String> = Vec::new();
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref().trim());
            let number = |field: &str| -> Result<Option<f64>, InputError> {
                if value.is_empty() {
                    return Ok(None);
                }
                value
                    .trim_start_matches('£')
                    .replace(',', "")
                    .parse::<f64>()
                    .map(Some)
                    .map_err(|_| InputError::new(field, "give a number, such as 12.5"))
            };
            match key {
                "school.name" => input.school.name = value.to_string(),
                "years" => input.years = value.to_string(),
                "review.date" => input.review.date = value.to_string(),
                "items" => items.extend(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                ),
                _ if key.starts_with(RATE_PREFIX) => {
                    let id = &key[RATE_PREFIX.len()..];
                    if let Some(pounds) = number(key)? {
                        let rate = Rate::from_pounds(pounds)
                            .map_err(|e| InputError::new(key, e.to_string()))?;
                        input.rates.insert(id.to_string(), rate);
                    }
                }
                _ => {
                    let unknown = || InputError::new(key, "this is not a field of the strategy");
                    let rest = key.strip_prefix("activities.").ok_or_else(unknown)?;
                    let (n, field) = rest.split_once('.').ok_or_else(unknown)?;
                    let n: usize = n
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_ITEMS).contains(n))
                        .ok_or_else(unknown)?;
                    let row = rows.entry(n).or_default();
                    let text = value.to_string();
                    let some = (!value.is_empty()).then(|| text.clone());
                    match field {
                        "item" => row.item = text,
                        "barrier" => row.barrier = text,
                        "cohort" => row.cohort = text,
                        "measure" => row.measure = text,
                        "review" => row.review = text,
                        "staff" => row.staff = some,
                        "funding" => row.funding = some,
                        "pupils" => {
                            row.pupils = match number(key)? {
                                None => None,
                                Some(p)
                                    if p >= 0.0
                                        && p.fract() == 0.0
                                        && p <= f64::from(MAX_PUPILS) =>
                                {
                                    Some(p as u32)
                                }
                                Some(_) => {
                                    return Err(InputError::new(
                                        key,
                                        format!(
                                            "give a whole number of pupils from 0 to {MAX_PUPILS}"
                                        ),
                                    ));
                                }
                            }
                        }
                        "hours_a_week" => row.hours_a_week = number(key)?,
                        "weeks" => row.weeks = number(key)?,
                        "cost" => row.cost = number(key)?,
                        _ => return Err(unknown()),
                    }
                }
            }
        }
        // Rows with no page (a removed one) are dropped.
        input.activities = rows.into_values().filter(|a| !a.item.is_empty()).collect();
        for item in items {
            if !input.activities.iter().any(|a| a.item == item) {
                input.activities.push(ActivityInput {
                    item,
                    ..ActivityInput::default()
                });
            }
        }
        Ok(input)
    }

    /// Every bound and id: the pages are the site's, the staff and funding
    /// ids known, numbers in range, texts not too long.
    pub fn check(&self, site: &Site) -> Result<(), InputError> {
        if self.activities.len() > MAX_ITEMS {
            return Err(InputError::new(
                "activities",
                format!("a strategy can hold at most {MAX_ITEMS} activities"),
            ));
        }
        for (field, text) in [
            ("school.name", &self.school.name),
            ("years", &self.years),
            ("review.date", &self.review.date),
        ] {
            long(field, text)?;
        }
        for id in self.rates.keys() {
            if site.taxonomy.staff(id).is_none() {
                return Err(InputError::new(
                    format!("rates.{id}"),
                    site.taxonomy.check_staff(id).unwrap_err(),
                ));
            }
        }
        let funding = super::funding_sources(site);
        for (i, a) in self.activities.iter().enumerate() {
            let at = |f: &str| format!("activities[{i}].{f}");
            if site.page(&a.item).is_none() {
                return Err(InputError::new(
                    at("item"),
                    format!("there is no page \"{}\"", a.item),
                ));
            }
            for (f, text) in [
                ("barrier", &a.barrier),
                ("cohort", &a.cohort),
                ("measure", &a.measure),
                ("review", &a.review),
            ] {
                long(&at(f), text)?;
            }
            if let Some(p) = a.pupils
                && p > MAX_PUPILS
            {
                return Err(InputError::new(
                    at("pupils"),
                    format!("give a whole number of pupils from 0 to {MAX_PUPILS}"),
                ));
            }
            if let Some(s) = &a.staff {
                site.taxonomy
                    .check_staff(s)
                    .map_err(|m| InputError::new(at("staff"), m))?;
            }
            if let Some(f) = &a.funding
                && !funding.iter().any(|(id, _)| id == f)
            {
                let ids: Vec<&str> = funding.iter().map(|(id, _)| id.as_str()).collect();
                return Err(InputError::new(
                    at("funding"),
                    crate::taxonomy::unknown_message("funding source", f, &ids),
                ));
            }
            for (f, value, max) in [
                ("hours_a_week", a.hours_a_week, MAX_HOURS),
                ("weeks", a.weeks, MAX_WEEKS),
                ("cost", a.cost, MAX_COST),
            ] {
                if let Some(v) = value
                    && !(v.is_finite() && (0.0..=max).contains(&v) && two_places(v))
                {
                    return Err(InputError::new(
                        at(f),
                        format!("give a number from 0 to {max}, to at most two decimal places"),
                    ));
                }
            }
        }
        Ok(())
    }
}

fn long(field: &str, text: &str) -> Result<(), InputError> {
    if text.chars().count() > MAX_TEXT {
        return Err(InputError::new(
            field,
            format!("it is longer than {MAX_TEXT} characters; shorten it"),
        ));
    }
    Ok(())
}

fn two_places(v: f64) -> bool {
    ((v * 100.0).round() - v * 100.0).abs() < 1e-6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_rows_in_order_and_drops_removed_ones() {
        let input = StrategyInput::from_form([
            ("school.name", "Hill School"),
            ("activities.2.item", "b"),
            ("activities.2.cost", "£1,200.50"),
            ("activities.1.item", "a"),
            ("activities.1.pupils", "30"),
            ("activities.3.item", ""),
            ("items", "c,a"),
            ("rate.teaching-assistant", "14.5"),
        ])
        .unwrap();
        let items: Vec<&str> = input.activities.iter().map(|a| a.item.as_str()).collect();
        assert_eq!(items, ["a", "b", "c"]);
        assert_eq!(input.activities[1].cost, Some(1200.5));
        assert_eq!(input.activities[0].pupils, Some(30));
        assert_eq!(input.rates["teaching-assistant"].pence(), 1450);
        let e = StrategyInput::from_form([("activities.1.cost", "lots")]).unwrap_err();
        assert_eq!(e.field, "activities.1.cost");
        let e = StrategyInput::from_form([("child.name", "x")]).unwrap_err();
        assert_eq!(e.field, "child.name");
    }

    #[test]
    fn json_drops_worked_out_keys_and_names_unknown_ones() {
        let ok = StrategyInput::from_json(
            br#"{"school":{"name":"S"},"totals":{},"activities":[{"item":"a","title":"A","cost":5}]}"#,
        )
        .unwrap();
        assert_eq!(ok.activities[0].cost, Some(5.0));
        let e =
            StrategyInput::from_json(br#"{"activities":[{"item":"a","child":"x"}]}"#).unwrap_err();
        assert_eq!(e.field, "activities[0].child");
        assert!(e.problem.contains("child"), "{e}");
    }
}
