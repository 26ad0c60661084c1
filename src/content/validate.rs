//! Validation of front matter: required fields by kind, every id against the
//! taxonomy, dates, and the `evidence` and `provision` blocks. Every problem
//! is collected, each pointing at the line where the fault is written.

use std::path::Path;

use jiff::civil::Date;

use crate::problem::{Kind, Pos, Problem};
use crate::taxonomy::{Facet, Taxonomy, unknown_message};

use super::frontmatter::{RawFrontMatter, RawLink, RawSource};
use super::locate::Locator;
use super::page::{Evidence, Link, Meta, Provision, Source, SourceType};

/// A page whose review date is older than this many days gets a warning.
pub const REVIEW_AFTER_DAYS: i32 = 365;

/// What validation needs besides the page itself.
pub struct Context<'a> {
    pub taxonomy: &'a Taxonomy,
    /// Today, for the review-date warning (fixed in tests).
    pub today: Date,
    /// The file path problems are reported against.
    pub path: &'a Path,
}

struct Report<'a> {
    cx: &'a Context<'a>,
    loc: &'a Locator<'a>,
    problems: Vec<Problem>,
}

impl Report<'_> {
    fn error(&mut self, kind: Kind, pos: Pos, message: impl Into<String>) {
        self.problems
            .push(Problem::error(kind, self.cx.path, pos, message));
    }

    fn missing(&mut self, field: &str, why: &str) {
        let pos = self.loc.start();
        self.error(
            Kind::MissingField,
            pos,
            format!("missing required field \"{field}\"{why}"),
        );
    }

    /// A required, non-empty text field.
    fn text(&mut self, field: &str, value: Option<&String>) -> String {
        match value.map(|v| v.trim()) {
            Some(v) if !v.is_empty() => v.to_string(),
            Some(_) => {
                let pos = self.loc.key_or_start(field);
                self.error(Kind::MissingField, pos, format!("\"{field}\" is empty"));
                String::new()
            }
            None => {
                self.missing(field, "");
                String::new()
            }
        }
    }

    /// One id checked against a facet, reported where it is written.
    fn id(&mut self, facet: Facet, key: &str, id: &str) -> bool {
        match self.cx.taxonomy.check(facet, id) {
            Ok(()) => true,
            Err(unknown) => {
                let message = unknown.to_string();
                let pos = self
                    .loc
                    .value(key, id)
                    .unwrap_or_else(|| self.loc.key_or_start(key));
                self.error(Kind::UnknownId, pos, message);
                false
            }
        }
    }

    /// A list of ids: each checked, duplicates refused.
    fn ids(&mut self, facet: Facet, key: &str, ids: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            if out.contains(id) {
                let pos = self
                    .loc
                    .value(key, id)
                    .unwrap_or_else(|| self.loc.key_or_start(key));
                self.error(
                    Kind::RepeatedId,
                    pos,
                    format!("{} \"{id}\" is listed twice", facet.name()),
                );
                continue;
            }
            if self.id(facet, key, id) {
                out.push(id.clone());
            }
        }
        out
    }

    fn link(&mut self, parent: &str, what: &str, raw: &RawLink) -> Option<Link> {
        let title = raw.title.as_deref().map(str::trim).unwrap_or("");
        let url = raw.url.as_deref().map(str::trim).unwrap_or("");
        // Point at whichever half of the link is written: its url, else its title.
        let pos = if url.is_empty() {
            title_pos(self.loc, parent, title)
        } else {
            self.loc
                .nested_value(parent, "url", url)
                .unwrap_or_else(|| self.loc.key_or_start(parent))
        };
        let mut ok = true;
        if title.is_empty() {
            self.error(
                Kind::BadLink,
                pos,
                format!("{what} needs a \"title\" as well as a \"url\""),
            );
            ok = false;
        }
        if url.is_empty() {
            self.error(
                Kind::BadLink,
                pos,
                format!("{what} needs a \"url\" as well as a \"title\""),
            );
            ok = false;
        } else if !is_https_url(url) {
            self.error(
                Kind::BadLink,
                pos,
                format!("{what} url \"{url}\" must be a full https:// address"),
            );
            ok = false;
        }
        ok.then(|| Link {
            title: title.to_string(),
            url: url.to_string(),
        })
    }
}

fn title_pos(loc: &Locator, parent: &str, title: &str) -> Pos {
    loc.nested_value(parent, "title", title)
        .filter(|_| !title.is_empty())
        .or_else(|| loc.nested(parent, "title"))
        .unwrap_or_else(|| loc.key_or_start(parent))
}

/// Whether `url` is an absolute https address with a host.
pub fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// Validates front matter. Returns the page's metadata when there were no
/// errors (warnings alone do not stop a page), and every problem found.
pub fn validate(raw: &RawFrontMatter, loc: &Locator, cx: &Context) -> (Option<Meta>, Vec<Problem>) {
    let mut r = Report {
        cx,
        loc,
        problems: Vec::new(),
    };

    let title = r.text("title", raw.title.as_ref());
    let summary = r.text("summary", raw.summary.as_ref());

    let kind = match raw.kind.as_deref() {
        None => {
            r.missing(
                "kind",
                "; use one of: strategy, resource, guidance, training",
            );
            None
        }
        Some(k) => r.id(Facet::KIND, "kind", k).then(|| k.to_string()),
    };
    let classified = matches!(kind.as_deref(), Some("strategy" | "resource"));

    let needs = match raw.needs.as_deref() {
        Some(list) if !list.is_empty() => r.ids(Facet::NEED, "needs", list),
        _ => {
            if classified {
                r.missing(
                    "needs",
                    " (a strategy or resource lists the needs or areas it serves)",
                );
            }
            Vec::new()
        }
    };

    let tier = match raw.tier.as_deref() {
        Some(t) => r.id(Facet::TIER, "tier", t).then(|| t.to_string()),
        None => {
            if classified {
                r.missing("tier", " (the lowest tier at which it is ordinarily used)");
            }
            None
        }
    };

    let ingredients = r.ids(
        Facet::INGREDIENT,
        "ingredients",
        raw.ingredients.as_deref().unwrap_or_default(),
    );
    let phases = match raw.phases.as_deref() {
        Some(list) if !list.is_empty() => r.ids(Facet::PHASE, "phases", list),
        _ => cx.taxonomy.phases.iter().map(|p| p.id.clone()).collect(),
    };
    let pfa = r.ids(Facet::PFA, "pfa", raw.pfa.as_deref().unwrap_or_default());
    let cycle = r.ids(
        Facet::CYCLE,
        "cycle",
        raw.cycle.as_deref().unwrap_or_default(),
    );

    let mut tags = Vec::new();
    for tag in raw.tags.as_deref().unwrap_or_default() {
        let tag = tag.trim();
        if tag.is_empty() {
            let pos = loc.key_or_start("tags");
            r.error(Kind::InvalidValue, pos, "a tag is empty");
        } else {
            tags.push(tag.to_string());
        }
    }

    let links: Vec<Link> = raw
        .links
        .iter()
        .filter_map(|l| r.link("links", "a link", l))
        .collect();

    let frameworks = validate_frameworks(&mut r, raw);
    let evidence = validate_evidence(&mut r, raw, kind.as_deref());
    let provision = validate_provision(&mut r, raw, kind.as_deref(), tier.as_deref());
    let duration_minutes = validate_duration(&mut r, raw, kind.as_deref());

    let updated = match raw.updated.as_deref().map(str::trim) {
        None => {
            r.missing(
                "updated",
                " (the date the page was last reviewed, as YYYY-MM-DD)",
            );
            None
        }
        Some(text) => match parse_iso_date(text) {
            Ok(date) => {
                let age = (cx.today - date).get_days();
                let pos = loc
                    .value("updated", text)
                    .unwrap_or_else(|| loc.key_or_start("updated"));
                if date > cx.today {
                    r.error(Kind::BadDate, pos, format!("updated date {date} is in the future; use the date the page was last reviewed"));
                } else if age > REVIEW_AFTER_DAYS {
                    r.problems.push(Problem::warning(
                        Kind::ReviewDue,
                        cx.path,
                        pos,
                        format!("last reviewed {date}, over a year ago; check the page is still right and update the date"),
                    ));
                }
                Some(date)
            }
            Err(message) => {
                let pos = loc
                    .value("updated", text)
                    .unwrap_or_else(|| loc.key_or_start("updated"));
                r.error(Kind::BadDate, pos, message);
                None
            }
        },
    };

    let meta = match (kind, updated) {
        (Some(kind), Some(updated)) => Some(Meta {
            title,
            summary,
            kind,
            needs,
            tier,
            ingredients,
            phases,
            pfa,
            cycle,
            tags,
            links,
            evidence,
            provision,
            duration_minutes,
            updated,
            frameworks,
            draft: raw.draft == Some(true),
        }),
        _ => None,
    };
    if raw.draft == Some(true) {
        r.problems.push(draft_warning(raw, cx));
    }
    if let Some(meta) = &meta {
        check_added_facets(&mut r, meta);
    }
    let has_errors = r.problems.iter().any(Problem::is_error);
    (meta.filter(|_| !has_errors), r.problems)
}

/// What an editor marks a value with to say it still needs them.
pub const EDITOR_MARK: &str = "TODO";

/// The warning every draft gets: it is not served, and what is still to
/// fill in (fields left empty, or holding [`EDITOR_MARK`]).
fn draft_warning(raw: &RawFrontMatter, cx: &Context) -> Problem {
    let marked =
        |v: Option<&String>| v.is_none_or(|v| v.trim().is_empty() || v.contains(EDITOR_MARK));
    let empty = |v: Option<&Vec<String>>| {
        v.is_none_or(|v| v.is_empty() || v.iter().any(|s| s.contains(EDITOR_MARK)))
    };
    let mut todo = Vec::new();
    for (field, open) in [
        ("title", marked(raw.title.as_ref())),
        ("summary", marked(raw.summary.as_ref())),
        ("needs", empty(raw.needs.as_ref())),
        ("tier", marked(raw.tier.as_ref())),
        ("phases", empty(raw.phases.as_ref())),
        ("tags", empty(raw.tags.as_ref())),
        ("links", raw.links.is_empty()),
        (
            "evidence",
            raw.evidence.as_ref().is_none_or(|e| e.sources.is_empty()),
        ),
    ] {
        if open {
            todo.push(field);
        }
    }
    let rest = if todo.is_empty() {
        "; remove `draft: true` to publish it".to_string()
    } else {
        format!("; still to fill in: {}", todo.join(", "))
    };
    Problem::warning(
        Kind::Draft,
        cx.path,
        Pos::START,
        format!("draft: not served{rest}"),
    )
}

/// The facets whose ids `validate` checks field by field, because their
/// fields also decide what a page must give (a strategy's needs and tier,
/// its evidence). Every other facet's ids are checked from its entry in the
/// table, so a new facet is checked without code here.
const CHECKED_BY_FIELD: [Facet; 8] = [
    Facet::NEED,
    Facet::TIER,
    Facet::INGREDIENT,
    Facet::PHASE,
    Facet::PFA,
    Facet::CYCLE,
    Facet::KIND,
    Facet::EVIDENCE,
];

/// Checks the ids of every facet not in [`CHECKED_BY_FIELD`], where each
/// facet's entry says they are written.
fn check_added_facets(r: &mut Report, meta: &Meta) {
    for facet in
        r.cx.taxonomy
            .facets
            .iter()
            .filter(|f| !CHECKED_BY_FIELD.contains(f))
    {
        let ids = facet.values(meta);
        let spec = facet.spec();
        if !spec.multi && ids.len() > 1 {
            let top = spec.field.split('.').next().unwrap_or(spec.field);
            let pos = r.loc.key_or_start(top);
            r.error(
                Kind::InvalidValue,
                pos,
                format!(
                    "\"{}\" gives {} {} ids ({}); a page has at most one",
                    spec.field,
                    ids.len(),
                    spec.key,
                    ids.join(", ")
                ),
            );
        }
        for id in ids {
            let Err(unknown) = r.cx.taxonomy.check(facet, id) else {
                continue;
            };
            let field = facet.spec().field;
            let pos = match field.split_once('.') {
                Some((parent, child)) => r
                    .loc
                    .nested_value(parent, child, id)
                    .unwrap_or_else(|| r.loc.key_or_start(parent)),
                None => r
                    .loc
                    .value(field, id)
                    .unwrap_or_else(|| r.loc.key_or_start(field)),
            };
            r.error(Kind::UnknownId, pos, unknown.to_string());
        }
    }
}

/// `frameworks: {framework id: [item ids]}`: each framework known, each
/// item one of its own, none twice.
fn validate_frameworks(r: &mut Report, raw: &RawFrontMatter) -> crate::framework::Tags {
    let mut out = crate::framework::Tags::new();
    for (framework_id, ids) in raw.frameworks.iter().flatten() {
        let Some(framework) = r.cx.taxonomy.framework(framework_id) else {
            let known: Vec<&str> =
                r.cx.taxonomy
                    .frameworks
                    .iter()
                    .map(|f| f.id.as_str())
                    .collect();
            let pos = r
                .loc
                .nested("frameworks", framework_id)
                .unwrap_or_else(|| r.loc.key_or_start("frameworks"));
            let message = if known.is_empty() {
                format!(
                    "unknown framework \"{framework_id}\"; there is no frameworks/*.yaml in the content folder"
                )
            } else {
                unknown_message("framework", framework_id, &known)
            };
            r.error(Kind::UnknownId, pos, message);
            continue;
        };
        let mut kept: Vec<String> = Vec::new();
        for id in ids {
            let pos = r
                .loc
                .nested_value("frameworks", framework_id, id)
                .unwrap_or_else(|| r.loc.key_or_start("frameworks"));
            if kept.contains(id) {
                r.error(
                    Kind::RepeatedId,
                    pos,
                    format!("{framework_id} \"{id}\" is listed twice"),
                );
            } else if framework.item(id).is_none() {
                let items: Vec<&str> = framework.items.iter().map(|i| i.id.as_str()).collect();
                r.error(
                    Kind::UnknownId,
                    pos,
                    unknown_message(framework_id, id, &items),
                );
            } else {
                kept.push(id.clone());
            }
        }
        out.insert(framework_id.clone(), kept);
    }
    out
}

fn validate_evidence(r: &mut Report, raw: &RawFrontMatter, kind: Option<&str>) -> Option<Evidence> {
    let Some(evidence) = &raw.evidence else {
        if kind == Some("strategy") {
            r.missing(
                "evidence",
                " (a strategy says how strong its evidence is: strong, moderate, emerging or practice)",
            );
        }
        return None;
    };
    let strength = match evidence.strength.as_deref() {
        None => {
            let pos = r.loc.key_or_start("evidence");
            r.error(
                Kind::MissingField,
                pos,
                "evidence needs a \"strength\": strong, moderate, emerging or practice",
            );
            return None;
        }
        Some(s) => {
            if r.cx.taxonomy.check(Facet::EVIDENCE, s).is_err() {
                let message = r.cx.taxonomy.check(Facet::EVIDENCE, s).unwrap_err();
                let pos = r
                    .loc
                    .nested_value("evidence", "strength", s)
                    .unwrap_or_else(|| r.loc.key_or_start("evidence"));
                r.error(
                    Kind::UnknownId,
                    pos,
                    format!("evidence strength: {message}"),
                );
                return None;
            }
            s.to_string()
        }
    };
    let sources: Vec<Source> = evidence
        .sources
        .iter()
        .filter_map(|s| source(r, s))
        .collect();
    let shows = evidence.sources.iter().any(|s| {
        s.kind
            .as_deref()
            .and_then(SourceType::parse)
            .is_some_and(SourceType::shows_what_works)
    });
    if strength == "practice" && shows {
        let pos = r
            .loc
            .nested("evidence", "sources")
            .unwrap_or_else(|| r.loc.key_or_start("evidence"));
        r.error(Kind::InvalidValue, pos, "evidence strength \"practice\" cites research or a guidance report; choose the strength that source supports (emerging, moderate or strong), or cite only statutory and professional sources");
    } else if strength != "practice" && !shows {
        let pos = r
            .loc
            .nested("evidence", "strength")
            .unwrap_or_else(|| r.loc.key_or_start("evidence"));
        r.error(Kind::InvalidValue, pos, format!("evidence strength \"{strength}\" needs at least one source of type research or guidance-report that supports this practice; statutory and professional sources say what must or should be done, not what works. Use \"practice\" where no such publication exists"));
    }
    Some(Evidence { strength, sources })
}

/// One evidence source: a checked link and a known `type`.
fn source(r: &mut Report, raw: &RawSource) -> Option<Source> {
    let link = r.link("evidence", "an evidence source", &raw.link());
    let types = SourceType::ALL.map(|(_, id)| id).join(", ");
    let kind = match raw.kind.as_deref().map(str::trim) {
        None | Some("") => {
            let pos = match raw.url.as_deref() {
                Some(url) => r.loc.nested_value("evidence", "url", url.trim()),
                None => None,
            }
            .unwrap_or_else(|| r.loc.key_or_start("evidence"));
            r.error(
                Kind::MissingField,
                pos,
                format!("an evidence source needs a \"type\": one of {types}"),
            );
            None
        }
        Some(id) => match SourceType::parse(id) {
            Some(kind) => Some(kind),
            None => {
                let pos = r
                    .loc
                    .nested_value("evidence", "type", id)
                    .unwrap_or_else(|| r.loc.key_or_start("evidence"));
                r.error(
                    Kind::UnknownId,
                    pos,
                    format!("evidence source type \"{id}\" is not one of {types}"),
                );
                None
            }
        },
    };
    let (link, kind) = (link?, kind?);
    Some(Source {
        title: link.title,
        url: link.url,
        kind,
    })
}

fn validate_provision(
    r: &mut Report,
    raw: &RawFrontMatter,
    kind: Option<&str>,
    tier: Option<&str>,
) -> Option<Provision> {
    let Some(p) = &raw.provision else {
        if kind == Some("strategy") && matches!(tier, Some("targeted" | "specialist")) {
            r.missing(
                "provision",
                " (a targeted or specialist strategy gives sessions_per_week, session_minutes, weeks, group_size and staff)",
            );
        }
        return None;
    };
    let number = |r: &mut Report, field: &str, value: Option<f64>, whole: bool| -> Option<f64> {
        match value {
            None => {
                let pos = r.loc.key_or_start("provision");
                r.error(
                    Kind::MissingField,
                    pos,
                    format!("provision needs \"{field}\""),
                );
                None
            }
            Some(v) if !(v.is_finite() && v > 0.0) || (whole && v.fract() != 0.0) => {
                let pos = r
                    .loc
                    .nested("provision", field)
                    .unwrap_or_else(|| r.loc.key_or_start("provision"));
                let what = if whole {
                    "a positive whole number"
                } else {
                    "a positive number"
                };
                r.error(
                    Kind::InvalidValue,
                    pos,
                    format!("provision.{field} must be {what}, not {v}"),
                );
                None
            }
            Some(v) => Some(v),
        }
    };
    let sessions = number(r, "sessions_per_week", p.sessions_per_week, false);
    let minutes = number(r, "session_minutes", p.session_minutes, false);
    let weeks = number(r, "weeks", p.weeks, false);
    let group = number(r, "group_size", p.group_size, true);
    let staff = match p.staff.as_deref() {
        None => {
            let pos = r.loc.key_or_start("provision");
            r.error(
                Kind::MissingField,
                pos,
                "provision needs \"staff\" (who delivers it, such as teaching-assistant)",
            );
            None
        }
        Some(s) => match r.cx.taxonomy.check_staff(s) {
            Ok(()) => Some(s.to_string()),
            Err(message) => {
                let pos = r
                    .loc
                    .nested_value("provision", "staff", s)
                    .unwrap_or_else(|| r.loc.key_or_start("provision"));
                r.error(Kind::UnknownId, pos, message);
                None
            }
        },
    };
    Some(Provision {
        sessions_per_week: sessions?,
        session_minutes: minutes?,
        weeks: weeks?,
        group_size: group? as u32,
        staff: staff?,
    })
}

/// The longest a training page may say it runs: a whole day, so a
/// session's total cannot overflow however many pages it holds.
pub const MAX_DURATION_MINUTES: u32 = 24 * 60;

/// `duration_minutes`: a positive whole number of minutes, on a training
/// page only (a session gives other kinds of page a fixed slot).
fn validate_duration(r: &mut Report, raw: &RawFrontMatter, kind: Option<&str>) -> Option<u32> {
    let v = raw.duration_minutes?;
    let pos = r.loc.key_or_start("duration_minutes");
    if kind.is_some_and(|k| k != "training") {
        r.error(
            Kind::InvalidValue,
            pos,
            "duration_minutes is for training pages only (the length of a ready staff session)",
        );
        return None;
    }
    if !(v.is_finite() && v > 0.0 && v.fract() == 0.0) || v > f64::from(MAX_DURATION_MINUTES) {
        r.error(
            Kind::InvalidValue,
            pos,
            format!(
                "duration_minutes must be a positive whole number of minutes, at most {MAX_DURATION_MINUTES}, not {v}"
            ),
        );
        return None;
    }
    Some(v as u32)
}

/// Parses a `YYYY-MM-DD` date with a message that says what is wrong.
pub fn parse_iso_date(text: &str) -> Result<Date, String> {
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(format!(
            "date \"{text}\" is not an ISO date; write it as YYYY-MM-DD, for example 2026-09-01"
        ));
    }
    text.parse::<Date>()
        .map_err(|_| format!("date \"{text}\" does not exist; check the month and day"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::content::parse_page;
    use crate::problem::Severity;

    const BASE: &str = "title: Movement breaks\nsummary: Short breaks.\nkind: strategy\nneeds: [adhd]\ntier: universal\nevidence:\n  strength: practice\nupdated: 2026-09-01\n";

    /// Parses a page made of `yaml` front matter and returns its problems as
    /// `line:col: message` (warnings marked), for exact comparison.
    fn problems(yaml: &str) -> Vec<String> {
        let taxonomy = Taxonomy::builtin();
        let cx = Context {
            taxonomy: &taxonomy,
            today: Date::constant(2026, 11, 23),
            path: Path::new("p.md"),
        };
        let text = format!("---\n{yaml}---\nBody\n");
        let (_, found) = parse_page(&text, "strategies/p", &cx);
        found
            .iter()
            .map(|p| {
                let w = if p.severity == Severity::Warning {
                    "warning: "
                } else {
                    ""
                };
                format!("{}:{}: {w}{}", p.line, p.col, p.message)
            })
            .collect()
    }

    fn with(replace: &str, by: &str) -> String {
        assert!(BASE.contains(replace), "{replace}");
        BASE.replace(replace, by)
    }

    #[test]
    fn a_valid_page_has_no_problems() {
        assert!(problems(BASE).is_empty(), "{:?}", problems(BASE));
    }

    #[test]
    fn misspelt_need_points_at_the_id() {
        assert_eq!(
            problems(&with("needs: [adhd]", "needs: [adhd, autsim]")),
            ["5:15: unknown need \"autsim\"; did you mean \"autism\"?"]
        );
    }

    #[test]
    fn missing_title_points_at_the_opening_line() {
        assert_eq!(
            problems(&with("title: Movement breaks\n", "")),
            ["1:1: missing required field \"title\""]
        );
    }

    #[test]
    fn empty_title_points_at_the_field() {
        assert_eq!(
            problems(&with("title: Movement breaks", "title: \"  \"")),
            ["2:1: \"title\" is empty"]
        );
    }

    #[test]
    fn unknown_tier_and_kind_get_suggestions() {
        assert_eq!(
            problems(&with("tier: universal", "tier: univeral")),
            ["6:7: unknown tier \"univeral\"; did you mean \"universal\"?"]
        );
        assert_eq!(
            problems(&with("kind: strategy", "kind: stratgy")),
            ["4:7: unknown kind \"stratgy\"; did you mean \"strategy\"?"]
        );
    }

    #[test]
    fn strategies_and_resources_need_needs_and_a_tier() {
        let yaml = with("needs: [adhd]\ntier: universal\n", "");
        assert_eq!(
            problems(&yaml),
            [
                "1:1: missing required field \"needs\" (a strategy or resource lists the needs or areas it serves)",
                "1:1: missing required field \"tier\" (the lowest tier at which it is ordinarily used)",
            ]
        );
        // Guidance needs neither.
        let guidance = "title: G\nsummary: S.\nkind: guidance\nupdated: 2026-09-01\n";
        assert!(problems(guidance).is_empty());
    }

    #[test]
    fn dates_must_be_iso_real_and_not_in_the_future() {
        assert_eq!(
            problems(&with("2026-09-01", "1 Sept 2026")),
            [
                "9:10: date \"1 Sept 2026\" is not an ISO date; write it as YYYY-MM-DD, for example 2026-09-01"
            ]
        );
        assert_eq!(
            problems(&with("2026-09-01", "2026-02-30")),
            ["9:10: date \"2026-02-30\" does not exist; check the month and day"]
        );
        assert_eq!(
            problems(&with("2026-09-01", "2027-01-01")),
            [
                "9:10: updated date 2027-01-01 is in the future; use the date the page was last reviewed"
            ]
        );
    }

    #[test]
    fn an_old_review_date_is_only_a_warning() {
        assert_eq!(
            problems(&with("2026-09-01", "2025-01-01")),
            [
                "9:10: warning: last reviewed 2025-01-01, over a year ago; check the page is still right and update the date"
            ]
        );
    }

    #[test]
    fn a_strategy_needs_evidence() {
        assert_eq!(
            problems(&with("evidence:\n  strength: practice\n", "")),
            [
                "1:1: missing required field \"evidence\" (a strategy says how strong its evidence is: strong, moderate, emerging or practice)"
            ]
        );
    }

    #[test]
    fn evidence_sources_match_the_strength() {
        assert_eq!(
            problems(&with("strength: practice", "strength: strong")),
            [
                "8:3: evidence strength \"strong\" needs at least one source of type research or guidance-report that supports this practice; statutory and professional sources say what must or should be done, not what works. Use \"practice\" where no such publication exists"
            ]
        );
        assert_eq!(
            problems(&with("strength: practice", "strength: stong")),
            ["8:13: evidence strength: unknown evidence \"stong\"; did you mean \"strong\"?"]
        );
        let sourced = with(
            "strength: practice\n",
            "strength: moderate\n  sources:\n    - title: Report\n      url: http://example.org/r\n      type: research\n    - url: https://example.org/s\n      type: research\n",
        );
        assert_eq!(
            problems(&sourced),
            [
                "11:12: an evidence source url \"http://example.org/r\" must be a full https:// address",
                "13:12: an evidence source needs a \"title\" as well as a \"url\"",
            ]
        );
    }

    #[test]
    fn every_source_has_a_known_type_and_statutory_sources_are_not_evidence() {
        let source = |strength: &str, kind: &str| {
            with(
                "strength: practice\n",
                &format!(
                    "strength: {strength}\n  sources:\n    - title: Report\n      url: https://example.org/r\n{kind}"
                ),
            )
        };
        assert_eq!(
            problems(&source("moderate", "")),
            [
                "8:3: evidence strength \"moderate\" needs at least one source of type research or guidance-report that supports this practice; statutory and professional sources say what must or should be done, not what works. Use \"practice\" where no such publication exists",
                "11:12: an evidence source needs a \"type\": one of research, guidance-report, statutory, professional",
            ]
        );
        assert_eq!(
            problems(&source("moderate", "      type: study\n")),
            [
                "8:3: evidence strength \"moderate\" needs at least one source of type research or guidance-report that supports this practice; statutory and professional sources say what must or should be done, not what works. Use \"practice\" where no such publication exists",
                "12:13: evidence source type \"study\" is not one of research, guidance-report, statutory, professional",
            ]
        );
        // The Code of Practice sets out duties; it is not evidence that a
        // practice works.
        assert_eq!(
            problems(&source("moderate", "      type: statutory\n")),
            [
                "8:3: evidence strength \"moderate\" needs at least one source of type research or guidance-report that supports this practice; statutory and professional sources say what must or should be done, not what works. Use \"practice\" where no such publication exists"
            ]
        );
        assert!(problems(&source("practice", "      type: statutory\n")).is_empty());
        assert!(problems(&source("practice", "      type: professional\n")).is_empty());
        assert!(problems(&source("moderate", "      type: guidance-report\n")).is_empty());
        assert!(problems(&source("emerging", "      type: research\n")).is_empty());
        assert_eq!(
            problems(&source("practice", "      type: research\n")),
            [
                "9:3: evidence strength \"practice\" cites research or a guidance report; choose the strength that source supports (emerging, moderate or strong), or cite only statutory and professional sources"
            ]
        );
    }

    #[test]
    fn targeted_strategies_need_a_complete_provision_block() {
        assert_eq!(
            problems(&with("tier: universal", "tier: targeted")),
            [
                "1:1: missing required field \"provision\" (a targeted or specialist strategy gives sessions_per_week, session_minutes, weeks, group_size and staff)"
            ]
        );
        let partial = with(
            "tier: universal\n",
            "tier: specialist\nprovision:\n  sessions_per_week: 0\n  session_minutes: 30\n  group_size: 1\n  staff: therapists\n",
        );
        assert_eq!(
            problems(&partial),
            [
                "7:1: provision needs \"weeks\"",
                "8:3: provision.sessions_per_week must be a positive number, not 0",
                "11:10: unknown staff \"therapists\"; did you mean \"therapist\"?",
            ]
        );
    }

    #[test]
    fn duration_is_a_whole_number_of_minutes_on_a_training_page() {
        let training = "title: Staff session\nsummary: An hour.\nkind: training\nduration_minutes: 60\nupdated: 2026-09-01\n";
        assert!(problems(training).is_empty(), "{:?}", problems(training));
        for bad in ["0", "-5", "45.5", "1441"] {
            let yaml =
                training.replace("duration_minutes: 60", &format!("duration_minutes: {bad}"));
            let found = problems(&yaml);
            assert_eq!(found.len(), 1, "{bad}: {found:?}");
            assert!(
                found[0].starts_with(
                    "5:1: duration_minutes must be a positive whole number of minutes, at most 1440"
                ),
                "{bad}: {found:?}"
            );
        }
        let words = training.replace("duration_minutes: 60", "duration_minutes: an hour");
        let found = problems(&words);
        assert!(
            found.len() == 1 && found[0].starts_with("5:") && found[0].contains("duration_minutes"),
            "{found:?}"
        );
        assert_eq!(
            problems(&with("updated:", "duration_minutes: 20\nupdated:")),
            [
                "9:1: duration_minutes is for training pages only (the length of a ready staff session)"
            ]
        );
    }

    #[test]
    fn ids_listed_twice_are_refused() {
        assert_eq!(
            problems(&with("needs: [adhd]", "needs: [adhd, adhd]")),
            ["5:9: need \"adhd\" is listed twice"]
        );
    }

    #[test]
    fn links_need_a_title_and_an_https_url() {
        let yaml = with(
            "updated:",
            "links:\n  - title: NHS\n    url: www.nhs.uk\nupdated:",
        );
        assert_eq!(
            problems(&yaml),
            ["11:10: a link url \"www.nhs.uk\" must be a full https:// address"]
        );
    }

    #[test]
    fn https_urls_are_recognised() {
        assert!(is_https_url("https://www.nice.org.uk/guidance/cg170"));
        assert!(!is_https_url("https://"));
        assert!(!is_https_url("http://example.org"));
        assert!(!is_https_url("https://exa mple.org"));
    }
}
