//! Suggesting a section's needs, tier and kind from its heading path and
//! text, using the taxonomy's ids and labels and the synonym groups.
//!
//! Each need, area and tier gets a list of phrases: its id read as words,
//! each part of its label (split at brackets, colons, commas and slashes),
//! and every member of a synonym group one of those phrases is in. The
//! heading path counts far more than the text: a council's headings name
//! the area and the level; the text under them names many things in passing.

use crate::search::synonyms::{Synonyms, words};
use crate::taxonomy::Taxonomy;

/// A word in the headings counts this many times a word in the text.
const HEADING_WEIGHT: usize = 20;
/// The text alone must name a need this often before it is suggested.
const TEXT_ALONE: usize = 3;

/// What was worked out for one section.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub needs: Vec<String>,
    pub tier: Option<String>,
    pub kind: &'static str,
}

struct Term {
    id: String,
    /// The area a need belongs to (None for an area or a tier).
    area: Option<String>,
    phrases: Vec<Vec<String>>,
}

/// The phrases of every need, area and tier, built once for a document.
pub struct Inferrer {
    needs: Vec<Term>,
    areas: Vec<Term>,
    tiers: Vec<Term>,
}

/// A label's parts: the text outside brackets split at colons, slashes and
/// semicolons; inside brackets (where labels list abbreviations and
/// examples) at commas too.
fn label_parts(label: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for (n, segment) in label.split('(').enumerate() {
        let (inside, outside) = match segment.split_once(')') {
            Some((i, o)) if n > 0 => (i, o),
            _ => ("", segment),
        };
        parts.extend(inside.split([',', ':', '/', ';']).map(str::to_string));
        parts.extend(outside.split([':', '/', ';']).map(str::to_string));
    }
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| p.len() > 1)
        .collect()
}

fn phrases(id: &str, label: &str, synonyms: &Synonyms) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut add = |p: Vec<String>| {
        if !p.is_empty() && !out.contains(&p) {
            out.push(p);
        }
    };
    let base: Vec<Vec<String>> = std::iter::once(id.replace('-', " "))
        .chain(label_parts(label))
        .map(|p| words(&p))
        .collect();
    for p in base {
        // "Anxiety and mental health": the leading term alone names the need
        // when the synonyms know it as a word of its own.
        if let Some(at) = p.iter().position(|w| w == "and") {
            let lead = p[..at].to_vec();
            if synonyms
                .find_in(&lead)
                .iter()
                .any(|(start, len, _)| *start == 0 && *len == lead.len())
            {
                for (_, _, group) in synonyms.find_in(&lead) {
                    for member in synonyms.group(group) {
                        add(member.clone());
                    }
                }
            }
        }
        for (start, len, group) in synonyms.find_in(&p) {
            // Only a synonym of the whole phrase means the same thing.
            if start == 0 && len == p.len() {
                for member in synonyms.group(group) {
                    add(member.clone());
                }
            }
        }
        add(p);
    }
    out
}

/// How often any of `phrases` occurs in `text` (as whole words).
fn count(phrases: &[Vec<String>], text: &[String]) -> usize {
    phrases
        .iter()
        .map(|p| text.windows(p.len()).filter(|w| *w == &p[..]).count())
        .sum()
}

impl Inferrer {
    pub fn new(taxonomy: &Taxonomy, synonyms: &Synonyms) -> Self {
        let mut needs = Vec::new();
        let mut areas = Vec::new();
        for area in &taxonomy.areas {
            areas.push(Term {
                id: area.id.clone(),
                area: None,
                phrases: phrases(&area.id, &area.label, synonyms),
            });
            for need in &area.needs {
                needs.push(Term {
                    id: need.id.clone(),
                    area: Some(area.id.clone()),
                    phrases: phrases(&need.id, &need.label, synonyms),
                });
            }
        }
        let tiers = taxonomy
            .tiers
            .iter()
            .map(|t| Term {
                id: t.id.clone(),
                area: None,
                phrases: phrases(&t.id, &t.label, synonyms),
            })
            .collect();
        Inferrer {
            needs,
            areas,
            tiers,
        }
    }

    /// Suggests needs, tier and kind for a section under `headings` (the
    /// document's headings down to the section's own) with `text`.
    pub fn suggest(&self, headings: &[String], text: &str) -> Suggestion {
        let head = words(&headings.join(" . "));
        let own = words(headings.last().map_or("", String::as_str));
        let body = words(text);
        let score = |t: &Term| count(&t.phrases, &head) * HEADING_WEIGHT + count(&t.phrases, &body);

        // Needs named in the headings; else the area named there; else the
        // need the text names most, if it names it often enough.
        let mut needs: Vec<String> = self
            .needs
            .iter()
            .filter(|t| count(&t.phrases, &head) > 0)
            .map(|t| t.id.clone())
            .collect();
        if needs.is_empty() {
            needs = self
                .areas
                .iter()
                .filter(|t| count(&t.phrases, &head) > 0)
                .map(|t| t.id.clone())
                .collect();
        } else {
            // A need and its own area both named: the need says it.
            let named_areas: Vec<&str> = self
                .needs
                .iter()
                .filter(|t| needs.contains(&t.id))
                .filter_map(|t| t.area.as_deref())
                .collect();
            needs.retain(|id| !named_areas.contains(&id.as_str()));
        }
        if needs.is_empty()
            && let Some(best) = self
                .needs
                .iter()
                .chain(&self.areas)
                .map(|t| (score(t), t))
                .filter(|(s, _)| *s >= TEXT_ALONE)
                .max_by_key(|(s, _)| *s)
        {
            needs.push(best.1.id.clone());
        }

        // The tier the section's own heading names, else the path's, else
        // the text's; the lowest tier wins a tie.
        let mut tier = None;
        for scope in [&own, &head, &body] {
            let mut best = (0, None);
            for t in &self.tiers {
                let c = count(&t.phrases, scope);
                if c > best.0 {
                    best = (c, Some(t.id.clone()));
                }
            }
            if best.1.is_some() {
                tier = best.1;
                break;
            }
        }

        let has = |list: &[&str]| list.iter().any(|w| own.iter().any(|o| o == w));
        let kind = if has(&["training", "course", "workshop"]) {
            "training"
        } else if has(&["resource", "resources", "toolkit", "template", "templates"])
            && !needs.is_empty()
            && tier.is_some()
        {
            "resource"
        } else {
            // A strategy must cite evidence and, above universal, cost its
            // provision: nothing a document import can know, so an editor
            // turns a guidance draft into a strategy.
            "guidance"
        };
        Suggestion { needs, tier, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_name_the_need_and_the_tier() {
        let inf = Inferrer::new(&Taxonomy::builtin(), &Synonyms::builtin());
        let s = inf.suggest(
            &[
                "Communication and interaction".into(),
                "Autistic pupils: SEN support".into(),
            ],
            "Use visual timetables.",
        );
        assert_eq!(s.needs, ["autism"]);
        assert_eq!(s.tier.as_deref(), Some("targeted"));
        let s = inf.suggest(
            &[
                "Cognition and learning".into(),
                "Universal provision".into(),
            ],
            "Chunk instructions.",
        );
        assert_eq!(s.needs, ["cognition-learning"]);
        assert_eq!(s.tier.as_deref(), Some("universal"));
        assert_eq!(s.kind, "guidance");
    }
}
