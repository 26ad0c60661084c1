//! Facets as data: one table says, for each way a page is classified, its
//! key, its heading, its listing route, where its ids come from in the
//! taxonomy and how a page's values are read.
//!
//! The schema, the indexing, the filters, the counts, the command line's
//! flags, the API's `facets` map, the search page's filter panel and the
//! validation of pages all go through the table a [`Taxonomy`] carries, so a
//! new facet is one [`FacetSpec`] plus its taxonomy list.
//!
//! [`Taxonomy`]: crate::taxonomy::Taxonomy

use std::fmt;

use crate::content::Meta;
use crate::routes::Route;

/// The most facets a table may hold: a page's facets are checked as the bits
/// of one `u64` when results are counted.
pub const MAX_FACETS: usize = 64;

/// Where a facet's ids are listed in the taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terms {
    /// The areas of need and the needs within them. A need is filed under
    /// its area (`/area/need`), so an area's filter and count take in its
    /// needs, and the filter panel shows needs indented under their area.
    Areas,
    /// One flat list of `taxonomy.yaml`.
    List(TermList),
}

/// The flat lists of `taxonomy.yaml`, by the key they are written under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermList {
    Tiers,
    Ingredients,
    Phases,
    Pfa,
    Cycle,
    Evidence,
    Staff,
    Kinds,
}

/// One facet: everything the portal needs to know to index, filter, count,
/// show and check it.
#[derive(Debug, Clone, Copy)]
pub struct FacetSpec {
    /// The facet's key: its query parameter, JSON key, command-line flag and
    /// index field (`need`, `tier`, ...).
    pub key: &'static str,
    /// Its heading in the filter panel.
    pub title: &'static str,
    /// The listing that shows one of its ids, when it has one.
    pub route: Option<Route>,
    /// Whether a page may carry several of its ids (`tier` and `kind` carry one).
    pub multi: bool,
    /// Where its ids are listed.
    pub terms: Terms,
    /// Where a page writes its ids in front matter (`needs`,
    /// `evidence.strength`), for pointing at a wrong one.
    pub field: &'static str,
    /// Whether its group in the filter panel starts open.
    pub open: bool,
    /// A page's ids for this facet.
    pub values: fn(&Meta) -> Vec<&str>,
    /// The command line's help for its flag.
    pub help: &'static str,
}

fn strings(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

/// The facets every portal has, in the order filters are shown.
const STANDARD: &[FacetSpec] = &[
    FacetSpec {
        key: "need",
        title: "Area of need",
        route: Some(Route::Need),
        multi: true,
        terms: Terms::Areas,
        field: "needs",
        open: true,
        values: |m| strings(&m.needs),
        help: "Need or area id (repeat for several)",
    },
    FacetSpec {
        key: "tier",
        title: "Level of support",
        route: Some(Route::Tier),
        multi: false,
        terms: Terms::List(TermList::Tiers),
        field: "tier",
        open: true,
        values: |m| m.tier.as_deref().into_iter().collect(),
        help: "",
    },
    FacetSpec {
        key: "ingredient",
        title: "Key ingredient",
        route: Some(Route::Ingredient),
        multi: true,
        terms: Terms::List(TermList::Ingredients),
        field: "ingredients",
        open: false,
        values: |m| strings(&m.ingredients),
        help: "",
    },
    FacetSpec {
        key: "phase",
        title: "Age phase",
        route: None,
        multi: true,
        terms: Terms::List(TermList::Phases),
        field: "phases",
        open: true,
        // Validation gives a page naming no phase every phase.
        values: |m| strings(&m.phases),
        help: "",
    },
    FacetSpec {
        key: "pfa",
        title: "Preparation for adulthood",
        route: None,
        multi: true,
        terms: Terms::List(TermList::Pfa),
        field: "pfa",
        open: false,
        values: |m| strings(&m.pfa),
        help: "",
    },
    FacetSpec {
        key: "cycle",
        title: "Assess, plan, do, review",
        route: None,
        multi: true,
        terms: Terms::List(TermList::Cycle),
        field: "cycle",
        open: false,
        values: |m| strings(&m.cycle),
        help: "",
    },
    FacetSpec {
        key: "kind",
        title: "Type of page",
        route: None,
        multi: false,
        terms: Terms::List(TermList::Kinds),
        field: "kind",
        open: false,
        values: |m| vec![m.kind.as_str()],
        help: "",
    },
    FacetSpec {
        key: "evidence",
        title: "Strength of evidence",
        route: None,
        multi: false,
        terms: Terms::List(TermList::Evidence),
        field: "evidence.strength",
        open: false,
        values: |m| m.evidence.iter().map(|e| e.strength.as_str()).collect(),
        help: "",
    },
];

/// A facet of the active table: its entry and its place in the table.
///
/// Facets compare and sort by their place, which is the order they are
/// shown in everywhere.
#[derive(Clone, Copy)]
pub struct Facet {
    index: u8,
    spec: &'static FacetSpec,
}

impl Facet {
    pub const NEED: Facet = Facet::standard(0);
    pub const TIER: Facet = Facet::standard(1);
    pub const INGREDIENT: Facet = Facet::standard(2);
    pub const PHASE: Facet = Facet::standard(3);
    pub const PFA: Facet = Facet::standard(4);
    pub const CYCLE: Facet = Facet::standard(5);
    pub const KIND: Facet = Facet::standard(6);
    pub const EVIDENCE: Facet = Facet::standard(7);

    /// The standard facets, in the order filters are shown: one for each
    /// entry of the table, so an entry is all a new standard facet needs.
    pub const ALL: [Facet; STANDARD.len()] = {
        let mut all = [Facet::NEED; STANDARD.len()];
        let mut i = 0;
        while i < STANDARD.len() {
            all[i] = Facet::standard(i as u8);
            i += 1;
        }
        all
    };

    const fn standard(index: u8) -> Facet {
        Facet {
            index,
            spec: &STANDARD[index as usize],
        }
    }

    /// The key used in URLs, JSON and the command line (`need`, `tier`, ...).
    pub fn name(self) -> &'static str {
        self.spec.key
    }

    /// A heading for the facet in the portal's filter panel.
    pub fn title(self) -> &'static str {
        self.spec.title
    }

    /// The facet's whole entry.
    pub fn spec(self) -> &'static FacetSpec {
        self.spec
    }

    /// Its place in the table, from 0: its bit in a mask of facets.
    pub fn index(self) -> usize {
        usize::from(self.index)
    }

    /// Whether its ids are areas and needs, a need filed under its area.
    pub fn is_areas(self) -> bool {
        self.spec.terms == Terms::Areas
    }

    /// A page's ids for this facet.
    pub fn values(self, meta: &Meta) -> Vec<&str> {
        (self.spec.values)(meta)
    }

    /// A standard facet by key.
    pub fn from_name(name: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl PartialEq for Facet {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index && self.spec.key == other.spec.key
    }
}

impl Eq for Facet {}

impl std::hash::Hash for Facet {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.index.hash(state);
        self.spec.key.hash(state);
    }
}

impl PartialOrd for Facet {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Facet {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.index, self.spec.key).cmp(&(other.index, other.spec.key))
    }
}

impl fmt::Debug for Facet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.spec.key)
    }
}

/// Why a facet cannot join a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FacetError {
    #[error("a facet \"{0}\" is already in the table")]
    Duplicate(&'static str),
    #[error("a table holds at most {MAX_FACETS} facets; \"{0}\" would be one more")]
    TooMany(&'static str),
}

/// The active facet table: the standard facets, then any added.
#[derive(Clone, PartialEq, Eq)]
pub struct Facets {
    all: Vec<Facet>,
}

impl Default for Facets {
    fn default() -> Self {
        Facets {
            all: Facet::ALL.to_vec(),
        }
    }
}

impl fmt::Debug for Facets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.all).finish()
    }
}

impl Facets {
    /// The table with one more facet after the others.
    pub fn with(mut self, spec: &'static FacetSpec) -> Result<Facets, FacetError> {
        if self.find(spec.key).is_some() {
            return Err(FacetError::Duplicate(spec.key));
        }
        let index = u8::try_from(self.all.len())
            .ok()
            .filter(|i| usize::from(*i) < MAX_FACETS)
            .ok_or(FacetError::TooMany(spec.key))?;
        self.all.push(Facet { index, spec });
        Ok(self)
    }

    /// Every facet, in the order filters are shown.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Facet> + '_ {
        self.all.iter().copied()
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// The facet at a place in the table.
    pub fn get(&self, index: usize) -> Option<Facet> {
        self.all.get(index).copied()
    }

    /// A facet by key.
    pub fn find(&self, key: &str) -> Option<Facet> {
        self.iter().find(|f| f.name() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ninth facet: any entry will do, so the tier's under another key.
    fn extra(key: &'static str) -> &'static FacetSpec {
        Box::leak(Box::new(FacetSpec {
            key,
            ..*Facet::TIER.spec()
        }))
    }

    #[test]
    fn the_standard_table_keeps_its_order_and_keys() {
        let keys: Vec<&str> = Facets::default().iter().map(Facet::name).collect();
        assert_eq!(
            keys,
            [
                "need",
                "tier",
                "ingredient",
                "phase",
                "pfa",
                "cycle",
                "kind",
                "evidence"
            ]
        );
        for (i, f) in Facet::ALL.iter().enumerate() {
            assert_eq!(f.index(), i);
        }
    }

    #[test]
    fn a_facet_joins_after_the_others_once_and_the_table_stops_at_64() {
        let facets = Facets::default().with(extra("role")).unwrap();
        let role = facets.find("role").unwrap();
        assert_eq!(role.index(), 8);
        assert!(Facet::EVIDENCE < role);
        assert_eq!(
            facets.clone().with(extra("role")).unwrap_err(),
            FacetError::Duplicate("role")
        );
        let mut table = Facets::default();
        let specs: Vec<&'static FacetSpec> = (0..MAX_FACETS)
            .map(|i| extra(Box::leak(format!("extra{i}").into_boxed_str())))
            .collect();
        let mut refused = None;
        for spec in specs {
            match table.clone().with(spec) {
                Ok(t) => table = t,
                Err(e) => {
                    refused = Some(e);
                    break;
                }
            }
        }
        assert_eq!(table.len(), MAX_FACETS);
        assert_eq!(refused, Some(FacetError::TooMany("extra56")));
    }
}
