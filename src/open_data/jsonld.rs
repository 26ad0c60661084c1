//! schema.org JSON-LD: a page as a `LearningResource` aligned to its needs,
//! tier and phases, and the taxonomy as a `DefinedTermSet` of
//! `DefinedTerm`s. Both are built as serde values, never by joining
//! strings; [`script_text`] makes one safe to put inside `<script>`.

use serde::Serialize;

use super::address;
use crate::content::Page;
use crate::facet::Facet;
use crate::facet::TermList;
use crate::routes;
use crate::site::Site;
use crate::taxonomy::TermRef;

const CONTEXT: &str = "https://schema.org";

/// A page as a schema.org `LearningResource`.
#[derive(Debug, Serialize)]
pub struct LearningResource {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    description: String,
    url: String,
    #[serde(rename = "learningResourceType")]
    resource_type: String,
    #[serde(rename = "inLanguage")]
    language: &'static str,
    #[serde(rename = "educationalAlignment")]
    alignment: Vec<Alignment>,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Organisation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<String>,
}

/// One `AlignmentObject`: a need, the tier or a phase the page is for.
#[derive(Debug, Serialize)]
pub struct Alignment {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "alignmentType")]
    alignment_type: &'static str,
    #[serde(rename = "educationalFramework")]
    framework: &'static str,
    #[serde(rename = "targetName")]
    target_name: String,
    #[serde(rename = "targetUrl")]
    target_url: String,
}

/// The authority that publishes the content.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Organisation {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
}

fn publisher(site: &Site) -> Option<Organisation> {
    let name = site.config.authority.trim();
    (!name.is_empty()).then(|| Organisation {
        kind: "GovernmentOrganization",
        name: name.to_string(),
    })
}

fn license(site: &Site) -> Option<String> {
    site.config.license.as_ref().map(|l| l.url.clone())
}

/// The page's `LearningResource`: its needs as subjects, its tier and
/// phases as levels, each pointing at the taxonomy term's listing.
pub fn page(site: &Site, page: &Page) -> LearningResource {
    let t = &site.taxonomy;
    let base = site.config.base_url.as_deref();
    let m = &page.meta;
    let align = |alignment_type, framework, facet: Facet, id: &str, path: String| Alignment {
        kind: "AlignmentObject",
        alignment_type,
        framework,
        target_name: t.label(facet, id).to_string(),
        target_url: address(base, &path),
    };
    let mut alignment: Vec<Alignment> = m
        .needs
        .iter()
        .map(|id| {
            align(
                "educationalSubject",
                "Areas of need (SEND Code of Practice 2015)",
                Facet::NEED,
                id,
                routes::need(id),
            )
        })
        .collect();
    alignment.extend(m.tier.iter().map(|id| {
        align(
            "educationalLevel",
            "Levels of support (the graduated approach)",
            Facet::TIER,
            id,
            routes::tier(id),
        )
    }));
    alignment.extend(m.phases.iter().map(|id| {
        align(
            "educationalLevel",
            "Age phases",
            Facet::PHASE,
            id,
            routes::search_for(Facet::PHASE.name(), id),
        )
    }));
    LearningResource {
        context: CONTEXT,
        kind: "LearningResource",
        name: m.title.clone(),
        description: m.summary.clone(),
        url: address(base, &page.url),
        resource_type: t.label(Facet::KIND, &m.kind).to_string(),
        language: "en-GB",
        alignment,
        date_modified: m.updated.to_string(),
        license: license(site),
        publisher: publisher(site),
        keywords: m.tags.clone(),
    }
}

/// The taxonomy as one `DefinedTermSet` holding a set for each facet.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TermSet {
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    context: Option<&'static str>,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Organisation>,
    // `default` marks these as optional in the answer's schema.
    #[serde(rename = "hasPart", default, skip_serializing_if = "Vec::is_empty")]
    parts: Vec<TermSet>,
    #[serde(
        rename = "hasDefinedTerm",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    terms: Vec<DefinedTerm>,
}

/// One id of the taxonomy with its label.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DefinedTerm {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "termCode")]
    code: String,
    name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(rename = "inDefinedTermSet")]
    set: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// The taxonomy, labels as relabelled by site.yaml: a set for each facet
/// (needs, tiers, ...) and one for the staff roles provision names.
/// `self_url` is where it is published (`/api/taxonomy.jsonld`).
pub fn taxonomy(site: &Site, self_url: &str) -> TermSet {
    let t = &site.taxonomy;
    let base = site.config.base_url.as_deref();
    let own = address(base, self_url);
    let set =
        |key: &str, title: &str, terms: Vec<TermRef<'_>>, url: &dyn Fn(&str) -> Option<String>| {
            let id = format!("{own}#{key}");
            TermSet {
                context: None,
                kind: "DefinedTermSet",
                terms: terms
                    .iter()
                    .map(|term| DefinedTerm {
                        kind: "DefinedTerm",
                        code: term.id.to_string(),
                        name: term.label.to_string(),
                        description: term.description.to_string(),
                        set: id.clone(),
                        url: url(term.id).map(|path| address(base, &path)),
                    })
                    .collect(),
                id,
                name: title.to_string(),
                identifier: Some(key.to_string()),
                license: None,
                publisher: None,
                parts: Vec::new(),
            }
        };
    let mut parts: Vec<TermSet> = t
        .facets
        .iter()
        .map(|facet| {
            let spec = facet.spec();
            let url = |id: &str| {
                Some(match spec.route {
                    Some(route) => routes::with_id(route, id),
                    None => routes::search_for(spec.key, id),
                })
            };
            set(spec.key, spec.title, t.terms(facet), &url)
        })
        .collect();
    let staff = t
        .term_list(TermList::Staff)
        .iter()
        .map(|s| s.as_ref())
        .collect();
    parts.push(set("staff", "Staff who deliver provision", staff, &|_| {
        None
    }));
    TermSet {
        context: Some(CONTEXT),
        kind: "DefinedTermSet",
        id: own,
        name: format!("{}: taxonomy", site.config.name),
        identifier: None,
        license: license(site),
        publisher: publisher(site),
        parts,
        terms: Vec::new(),
    }
}

/// JSON text that is safe inside an HTML `<script>` element: `<`, `>` and
/// `&` (which JSON allows only inside strings) written as `\u` escapes, so
/// no `</script>` or `<!--` in a title can end the element early.
pub fn script_text(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_text_cannot_close_its_element() {
        let value = serde_json::json!({"name": "a </script><script>alert(1)</script> & <!-- b"});
        let text = script_text(&value);
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
