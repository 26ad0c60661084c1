//! The plan's sections, in the one order every format shows them: about
//! the child, what the child says, what the family says, needs, outcomes,
//! provision (steps and delivery per strategy), the costed summary, review
//! arrangements, resources. Each format lays these out its own way; none
//! decides what is in them.

use super::input::{Delivery, Outcome};
use super::{Plan, number};
use crate::content::Page;
use crate::taxonomy::Facet;

/// The document's title.
pub const TITLE: &str = "SEN support plan";

/// The section headings, in order.
pub const ABOUT: &str = "About the child";
pub const CHILD_SAYS: &str = "What the child says";
pub const FAMILY_SAYS: &str = "What the family says";
pub const NEEDS: &str = "Needs this plan addresses";
pub const OUTCOMES: &str = "Outcomes";
pub const PROVISION: &str = "Provision";
pub const COSTS: &str = "Costed provision";
pub const REVIEW: &str = "Review arrangements";
pub const RESOURCES: &str = "Resources";

/// Beside the outcomes: what makes one worth writing down.
pub const SMART_PROMPT: &str = "Make each outcome SMART: specific (what the child will do), measurable (how you will tell), achievable in the time, relevant to the needs above, and time-bound (by when).";

/// The outcome table's columns.
pub const OUTCOME_COLUMNS: [&str; 3] = ["Outcome", "How progress will be measured", "By when"];

/// The review table's columns.
pub const REVIEW_COLUMNS: [&str; 3] = ["Review date", "Who attends", "How the child takes part"];

/// Blank outcome rows a plan with none written leaves for writing in.
pub const BLANK_OUTCOMES: usize = 3;

/// One labelled line and what was written for it (maybe nothing).
pub struct Field {
    pub label: &'static str,
    /// The form field's name, so the web view and the parsers agree.
    pub key: &'static str,
    pub value: String,
}

/// What the needs section says: the SENCO's choice, or only suggestions.
pub enum Needs {
    /// Chosen by the SENCO (may be none).
    Chosen(Vec<String>),
    /// Not chosen yet: what the chosen pages are tagged with, offered as
    /// suggestions and never stated as the child's needs.
    Suggested(Vec<String>),
}

/// One strategy as the plan's provision section shows it.
pub struct StrategyPart<'a> {
    pub page: &'a Page,
    /// The ticked steps, each with its number on the page, as Markdown.
    pub steps: Vec<(u32, String)>,
    /// Who, how often, group size, where, from when, evidence.
    pub delivery: Vec<Field>,
}

impl<'a> Plan<'a> {
    /// Name, year group, the plan's date, the review date, people involved.
    pub fn about(&self) -> Vec<Field> {
        let i = &self.input;
        vec![
            field("Name", "child.name", &i.child.name),
            field(
                "Year group or class",
                "child.year_group",
                &i.child.year_group,
            ),
            field("Date of this plan", "date", &i.date),
            field("Date of the next review", "review.date", &i.review.date),
            field(
                "People involved (child, family, staff)",
                "people",
                &i.people,
            ),
        ]
    }

    /// The child's own words: strengths, interests, what helps, what does
    /// not, and anything else.
    pub fn child_says(&self) -> Vec<Field> {
        let c = &self.input.child;
        vec![
            field(
                "Strengths: what I am good at",
                "child.strengths",
                &c.strengths,
            ),
            field(
                "What I enjoy and am interested in",
                "child.interests",
                &c.interests,
            ),
            field("What helps me", "child.helps", &c.helps),
            field("What does not help me", "child.hinders", &c.hinders),
            field("Anything else I want to say", "child.views", &c.views),
        ]
    }

    /// What the family says.
    pub fn family_says(&self) -> Field {
        field(
            "What the family says about their child and this plan",
            "family_views",
            &self.input.family_views,
        )
    }

    /// The needs section: the chosen needs' labels, or suggestions.
    pub fn needs_section(&self) -> Needs {
        match &self.input.needs {
            Some(ids) => Needs::Chosen(ids.iter().map(|id| self.need_label(id)).collect()),
            None => Needs::Suggested(
                self.suggested_needs()
                    .into_iter()
                    .map(|(_, label)| label)
                    .collect(),
            ),
        }
    }

    /// A need or area id's label.
    pub fn need_label(&self, id: &str) -> String {
        let t = &self.site.taxonomy;
        t.areas
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.label.clone())
            .unwrap_or_else(|| t.label(Facet::NEED, id).to_string())
    }

    /// Outcome rows as written, or [`BLANK_OUTCOMES`] blank rows to write in.
    pub fn outcome_rows(&self) -> Vec<[String; 3]> {
        if self.input.outcomes.is_empty() {
            return vec![Default::default(); BLANK_OUTCOMES];
        }
        self.input
            .outcomes
            .iter()
            .map(|o: &Outcome| [o.outcome.clone(), o.measure.clone(), o.by.clone()])
            .collect()
    }

    /// Each chosen strategy with its ticked steps and how it is delivered.
    pub fn strategy_parts(&self) -> Vec<StrategyPart<'a>> {
        self.strategies()
            .map(|page| {
                let ticked = self.input.steps.get(&page.slug);
                let steps = (1..)
                    .zip(page.steps())
                    .filter(|(n, _)| ticked.is_none_or(|t| t.contains(n)))
                    .collect();
                StrategyPart {
                    page,
                    steps,
                    delivery: self.delivery_fields(page),
                }
            })
            .collect()
    }

    /// Who delivers a strategy and how: what the SENCO wrote, else what the
    /// page's provision block says.
    fn delivery_fields(&self, page: &Page) -> Vec<Field> {
        let given = self
            .input
            .delivery
            .get(&page.slug)
            .cloned()
            .unwrap_or_default();
        let Delivery {
            who,
            how_often,
            group_size,
            place,
            start,
        } = given;
        let provision = page.meta.provision.as_ref();
        let or = |written: String, default: Option<String>| {
            if written.trim().is_empty() {
                default.unwrap_or_default()
            } else {
                written
            }
        };
        let staff = provision.map(|p| {
            self.site
                .taxonomy
                .staff(&p.staff)
                .map_or(p.staff.clone(), |s| s.label.clone())
        });
        let often = provision.map(|p| {
            format!(
                "{}, {} minutes each, for {} weeks",
                frequency(p.sessions_per_week),
                number(p.session_minutes),
                number(p.weeks)
            )
        });
        vec![
            Field {
                label: "Delivered by",
                key: "who",
                value: or(who, staff),
            },
            Field {
                label: "How often",
                key: "how_often",
                value: or(how_often, often),
            },
            Field {
                label: "Group size",
                key: "group_size",
                value: or(group_size, provision.map(|p| p.group_size.to_string())),
            },
            Field {
                label: "Where",
                key: "where",
                value: place,
            },
            Field {
                label: "Start date",
                key: "start",
                value: start,
            },
            Field {
                label: "Evidence",
                key: "",
                value: self.evidence_label(page),
            },
        ]
    }

    /// The review table's one row.
    pub fn review_row(&self) -> [String; 3] {
        let r = &self.input.review;
        [r.date.clone(), r.attendees.clone(), r.child_part.clone()]
    }
}

/// "3 sessions a week", "1 session a week", and for fewer than one a week
/// "1 session every 4 weeks" (0.25 a week reads oddly).
pub fn frequency(per_week: f64) -> String {
    if per_week == 1.0 {
        "1 session a week".into()
    } else if per_week > 0.0 && per_week < 1.0 {
        format!("1 session every {} weeks", number(1.0 / per_week))
    } else {
        format!("{} sessions a week", number(per_week))
    }
}

fn field(label: &'static str, key: &'static str, value: &str) -> Field {
    Field {
        label,
        key,
        value: value.to_string(),
    }
}
