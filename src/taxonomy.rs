//! The taxonomy: every id a page may use (needs in their areas, tiers, key
//! ingredients, phases, PfA outcomes, cycle stages, evidence strengths, staff
//! and kinds) with the labels people see.
//!
//! It is data (`content/taxonomy.yaml`), not code, so an authority can relabel
//! it; the ids themselves are a stable contract and `validate` refuses a file
//! that drops one the portal relies on.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

pub use crate::facet::Facet;
use crate::facet::{Facets, TermList, Terms};
use crate::framework::Framework;
use crate::suggest::did_you_mean;

/// The built-in taxonomy, used when a content folder has no `taxonomy.yaml`.
pub const BUILTIN_YAML: &str = include_str!("../content/taxonomy.yaml");

/// A labelled id: a tier, ingredient, phase and so on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub id: String,
    pub label: String,
    pub description: String,
}

/// A broad area of need with the needs it contains.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    pub label: String,
    pub description: String,
    pub needs: Vec<Term>,
}

/// The whole taxonomy, as written in `taxonomy.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    pub areas: Vec<Area>,
    pub tiers: Vec<Term>,
    pub ingredients: Vec<Term>,
    pub phases: Vec<Term>,
    pub pfa: Vec<Term>,
    pub cycle: Vec<Term>,
    pub evidence: Vec<Term>,
    pub staff: Vec<Term>,
    pub kinds: Vec<Term>,
    /// The facets pages are classified by: the standard ones unless a
    /// caller adds more (see [`Taxonomy::with_facets`]).
    #[serde(skip)]
    pub facets: Facets,
    /// The frameworks read from `frameworks/*.yaml` (none when built in).
    #[serde(skip)]
    pub frameworks: Vec<Framework>,
}

/// The ids the portal's own logic depends on; a taxonomy file must keep them.
const REQUIRED: &[(&str, &[&str])] = &[
    (
        "tiers",
        &["universal", "targeted", "specialist", "statutory"],
    ),
    ("kinds", &["strategy", "resource", "guidance", "training"]),
    ("evidence", &["strong", "moderate", "emerging", "practice"]),
    (
        "phases",
        &["early-years", "primary", "secondary", "post-16"],
    ),
];

impl Taxonomy {
    pub fn builtin() -> Taxonomy {
        serde_yaml_ng::from_str(BUILTIN_YAML).expect("the built-in taxonomy is valid YAML")
    }

    /// Checks the taxonomy's own consistency: ids well formed and unique
    /// across areas and needs, and the ids the portal depends on present.
    /// Returns every fault, each naming the id or list it is about.
    pub fn validate(&self) -> Vec<Fault> {
        let mut faults = Vec::new();
        let mut seen_needs = HashSet::new();
        for area in &self.areas {
            check_id(&area.id, "area", &mut faults);
            if !seen_needs.insert(area.id.as_str()) {
                faults.push(Fault::RepeatedNeed(area.id.clone()));
            }
            for need in &area.needs {
                check_id(&need.id, "need", &mut faults);
                if !seen_needs.insert(need.id.as_str()) {
                    faults.push(Fault::RepeatedNeed(need.id.clone()));
                }
            }
        }
        if self.areas.is_empty() {
            faults.push(Fault::NoAreas);
        }
        for (list, terms) in self.lists() {
            let mut seen = HashSet::new();
            for term in terms {
                check_id(&term.id, list, &mut faults);
                if !seen.insert(term.id.as_str()) {
                    faults.push(Fault::Repeated {
                        list,
                        id: term.id.clone(),
                    });
                }
            }
        }
        for (list, ids) in REQUIRED {
            let terms = self.list(list);
            for id in *ids {
                if !terms.iter().any(|t| t.id == *id) {
                    faults.push(Fault::Required { list, id });
                }
            }
        }
        faults
    }

    fn lists(&self) -> [(&'static str, &Vec<Term>); 8] {
        [
            ("tiers", &self.tiers),
            ("ingredients", &self.ingredients),
            ("phases", &self.phases),
            ("pfa", &self.pfa),
            ("cycle", &self.cycle),
            ("evidence", &self.evidence),
            ("staff", &self.staff),
            ("kinds", &self.kinds),
        ]
    }

    fn list(&self, name: &str) -> &Vec<Term> {
        self.lists()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t)
            .expect("a known list name")
    }

    /// The flat terms of a facet (for `need`: the areas and their needs, areas first in each group).
    pub fn terms(&self, facet: Facet) -> Vec<TermRef<'_>> {
        match facet.spec().terms {
            Terms::Areas => self.needs_in_order().into_iter().map(|(t, _)| t).collect(),
            Terms::List(list) => self.term_list(list).iter().map(Term::as_ref).collect(),
        }
    }

    /// One flat list of the taxonomy.
    pub fn term_list(&self, list: TermList) -> &[Term] {
        match list {
            TermList::Tiers => &self.tiers,
            TermList::Ingredients => &self.ingredients,
            TermList::Phases => &self.phases,
            TermList::Pfa => &self.pfa,
            TermList::Cycle => &self.cycle,
            TermList::Evidence => &self.evidence,
            TermList::Staff => &self.staff,
            TermList::Kinds => &self.kinds,
        }
    }

    fn term_list_mut(&mut self, list: TermList) -> &mut Vec<Term> {
        match list {
            TermList::Tiers => &mut self.tiers,
            TermList::Ingredients => &mut self.ingredients,
            TermList::Phases => &mut self.phases,
            TermList::Pfa => &mut self.pfa,
            TermList::Cycle => &mut self.cycle,
            TermList::Evidence => &mut self.evidence,
            TermList::Staff => &mut self.staff,
            TermList::Kinds => &mut self.kinds,
        }
    }

    /// The same taxonomy classifying pages by another facet table.
    pub fn with_facets(mut self, facets: Facets) -> Taxonomy {
        self.facets = facets;
        self
    }

    /// The facet path a page with this id is filed under: `/id`, or for an
    /// area facet `/area` or `/area/need` (`None` for an unknown need).
    pub fn facet_path(&self, facet: Facet, id: &str) -> Option<String> {
        if facet.is_areas() {
            self.need_path(id)
        } else {
            Some(format!("/{id}"))
        }
    }

    /// Areas and needs in display order, each with its area (None for an area itself).
    pub fn needs_in_order(&self) -> Vec<(TermRef<'_>, Option<&Area>)> {
        let mut out = Vec::new();
        for area in &self.areas {
            out.push((area.as_ref(), None));
            for need in &area.needs {
                out.push((need.as_ref(), Some(area)));
            }
        }
        out
    }

    /// Looks up an area by id.
    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// The area a need belongs to, or the area itself when `id` is an area.
    pub fn area_of(&self, id: &str) -> Option<&Area> {
        self.areas
            .iter()
            .find(|a| a.id == id || a.needs.iter().any(|n| n.id == id))
    }

    /// The hierarchical facet path of a need or area id: `/area` or `/area/need`.
    pub fn need_path(&self, id: &str) -> Option<String> {
        let area = self.area_of(id)?;
        Some(if area.id == id {
            format!("/{}", area.id)
        } else {
            format!("/{}/{}", area.id, id)
        })
    }

    /// The term for an id in a facet, if the id is known.
    pub fn term(&self, facet: Facet, id: &str) -> Option<TermRef<'_>> {
        self.terms(facet).into_iter().find(|t| t.id == id)
    }

    /// The label of an id, or the id itself when unknown.
    pub fn label<'a>(&'a self, facet: Facet, id: &'a str) -> &'a str {
        self.term(facet, id).map_or(id, |t| t.label)
    }

    /// The framework with this id.
    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }

    /// The staff term for an id (staff is not a search facet).
    pub fn staff(&self, id: &str) -> Option<&Term> {
        self.staff.iter().find(|t| t.id == id)
    }

    /// Checks an id against a facet, with a did-you-mean in the message:
    /// `unknown need "autsim"; did you mean "autism"?`
    pub fn check(&self, facet: Facet, id: &str) -> Result<(), UnknownId> {
        if self.term(facet, id).is_some() {
            return Ok(());
        }
        let ids: Vec<&str> = self.terms(facet).iter().map(|t| t.id).collect();
        Err(UnknownId(unknown_message(facet.name(), id, &ids)))
    }

    /// Checks a staff id, the same way as [`Taxonomy::check`].
    pub fn check_staff(&self, id: &str) -> Result<(), String> {
        if self.staff(id).is_some() {
            return Ok(());
        }
        let ids: Vec<&str> = self.staff.iter().map(|t| t.id.as_str()).collect();
        Err(unknown_message("staff", id, &ids))
    }

    /// Applies an authority's label overrides. Unknown groups and ids are
    /// refused with a message each, so a typo in `site.yaml` never passes silently.
    pub fn relabel(&mut self, labels: &Labels) -> Vec<String> {
        let mut faults = Vec::new();
        for (group, overrides) in labels {
            for (id, label) in overrides {
                let known = if group == "staff" {
                    self.check_staff(id)
                } else if let Some(facet) = self.facets.find(group) {
                    self.check(facet, id).map_err(|e| e.0)
                } else {
                    let groups: Vec<&str> = self
                        .facets
                        .iter()
                        .map(|f| f.name())
                        .chain(["staff"])
                        .collect();
                    faults.push(format!(
                        "labels: {}",
                        unknown_message("label group", group, &groups)
                    ));
                    break;
                };
                match known {
                    Ok(()) => self.set_label(group, id, label),
                    Err(message) => faults.push(format!("labels.{group}: {message}")),
                }
            }
        }
        faults
    }

    fn set_label(&mut self, group: &str, id: &str, label: &str) {
        let terms = match self.facets.find(group).map(|f| f.spec().terms) {
            None => &mut self.staff,
            Some(Terms::Areas) => {
                for area in &mut self.areas {
                    if area.id == id {
                        area.label = label.to_string();
                        return;
                    }
                    if let Some(n) = area.needs.iter_mut().find(|n| n.id == id) {
                        n.label = label.to_string();
                        return;
                    }
                }
                return;
            }
            Some(Terms::List(list)) => self.term_list_mut(list),
        };
        if let Some(term) = terms.iter_mut().find(|t| t.id == id) {
            term.label = label.to_string();
        }
    }

    /// The position of a tier in the order lowest first (unknown tiers last).
    pub fn tier_rank(&self, id: &str) -> usize {
        self.tiers
            .iter()
            .position(|t| t.id == id)
            .unwrap_or(self.tiers.len())
    }
}

/// A fault in a taxonomy file, naming the id or the list it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    /// `what` is `area`, `need` or a list's name.
    #[error("{what} id \"{id}\" is not valid; use lowercase letters, digits and single hyphens")]
    BadId { what: &'static str, id: String },
    #[error("need or area id \"{0}\" appears twice")]
    RepeatedNeed(String),
    #[error("`areas` is empty; list at least one area of need")]
    NoAreas,
    #[error("{list} id \"{id}\" appears twice")]
    Repeated { list: &'static str, id: String },
    #[error(
        "`{list}` has no \"{id}\"; ids are a stable contract and cannot be removed (relabel it in site.yaml instead)"
    )]
    Required {
        list: &'static str,
        id: &'static str,
    },
}

impl Fault {
    /// The top-level key of the list the fault is about, when it is about a whole list.
    pub fn list(&self) -> Option<&str> {
        match self {
            Fault::NoAreas => Some("areas"),
            Fault::Required { list, .. } => Some(list),
            _ => None,
        }
    }

    /// The id the fault names, if any.
    pub fn id(&self) -> Option<&str> {
        match self {
            Fault::BadId { id, .. } | Fault::RepeatedNeed(id) | Fault::Repeated { id, .. } => {
                Some(id)
            }
            Fault::Required { id, .. } => Some(id),
            Fault::NoAreas => None,
        }
    }
}

/// Label overrides from `site.yaml`: facet name (or `staff`) to id to label.
pub type Labels = BTreeMap<String, BTreeMap<String, String>>;

impl Term {
    pub fn as_ref(&self) -> TermRef<'_> {
        TermRef {
            id: &self.id,
            label: &self.label,
            description: &self.description,
        }
    }
}

impl Area {
    /// This area seen as a plain term (id, label, description).
    pub fn as_ref(&self) -> TermRef<'_> {
        TermRef {
            id: &self.id,
            label: &self.label,
            description: &self.description,
        }
    }
}

/// A borrowed view of a labelled id, so areas and plain terms can be listed together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TermRef<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub description: &'a str,
}

fn check_id(id: &str, what: &'static str, faults: &mut Vec<Fault>) {
    if !is_id(id) {
        faults.push(Fault::BadId {
            what,
            id: id.to_string(),
        });
    }
}

/// Whether a string is a well-formed id: lowercase words of letters and digits joined by single hyphens.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// An id a facet does not have; the message says which facet, and offers
/// the nearest id or the valid ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownId(pub String);

/// `unknown need "autsim"; did you mean "autism"?`, or the list of valid ids
/// when nothing is close.
pub fn unknown_message(what: &str, given: &str, valid: &[&str]) -> String {
    match did_you_mean(given, valid.iter().copied()) {
        Some(best) => format!("unknown {what} \"{given}\"; did you mean \"{best}\"?"),
        None if valid.len() <= 12 => format!(
            "unknown {what} \"{given}\"; expected one of: {}",
            valid.join(", ")
        ),
        None => format!("unknown {what} \"{given}\"; the valid ids are listed in taxonomy.yaml"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_taxonomy_has_no_faults() {
        assert_eq!(Taxonomy::builtin().validate(), Vec::<Fault>::new());
    }

    #[test]
    fn faults_name_their_id_or_list_and_read_as_before() {
        let mut t = Taxonomy::builtin();
        let first_tier = t.tiers[0].clone();
        t.tiers.push(first_tier);
        t.kinds.retain(|k| k.id != "training");
        t.pfa[0].id = "Bad Id".into();
        let area = t.areas[0].id.clone();
        t.areas[1].needs[0].id = area.clone();
        let faults = t.validate();
        assert_eq!(
            faults,
            vec![
                Fault::RepeatedNeed(area.clone()),
                Fault::Repeated {
                    list: "tiers",
                    id: "universal".into()
                },
                Fault::BadId {
                    what: "pfa",
                    id: "Bad Id".into()
                },
                Fault::Required {
                    list: "kinds",
                    id: "training"
                },
            ]
        );
        let shown: Vec<String> = faults.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                format!("need or area id \"{area}\" appears twice"),
                "tiers id \"universal\" appears twice".to_string(),
                "pfa id \"Bad Id\" is not valid; use lowercase letters, digits and single hyphens"
                    .to_string(),
                "`kinds` has no \"training\"; ids are a stable contract and cannot be removed (relabel it in site.yaml instead)".to_string(),
            ]
        );
        assert_eq!(faults[3].list(), Some("kinds"));
        assert_eq!(faults[3].id(), Some("training"));
        assert_eq!(faults[2].list(), None);
        assert_eq!(faults[2].id(), Some("Bad Id"));
        t.areas.clear();
        assert!(t.validate().contains(&Fault::NoAreas));
        assert_eq!(Fault::NoAreas.list(), Some("areas"));
    }
}
