//! The JSON answer to a search, in the shape INTERFACE.md gives for
//! `/api/search`: the portal's API and `waymark search --json` both print
//! it, so the two cannot drift apart.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::Page;

use super::SearchResults;

/// One result of `/api/search`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ApiHit<'a> {
    pub slug: &'a str,
    pub url: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub kind: &'a str,
    pub needs: &'a [String],
    pub tier: Option<&'a str>,
    pub ingredients: &'a [String],
    pub phases: &'a [String],
    pub pfa: &'a [String],
    pub cycle: &'a [String],
    pub evidence: Option<&'a str>,
    pub updated: String,
    pub snippet: &'a str,
    pub score: f32,
}

/// The body of `/api/search`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ApiSearch<'a> {
    pub query: &'a str,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub results: Vec<ApiHit<'a>>,
    pub facets: BTreeMap<&'static str, BTreeMap<&'a str, u64>>,
    /// The query with misspelt words corrected, when any were (the results
    /// already include pages found through the corrections); otherwise null.
    pub did_you_mean: Option<&'a str>,
    /// Present when no page matches all of the query's subject words: which
    /// of them the results match and which they do not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial: Option<&'a super::Partial>,
}

/// Shapes search results as the contract's JSON.
pub fn search_json<'a>(
    query: &'a str,
    page: usize,
    per_page: usize,
    results: &'a SearchResults,
    pages: &'a [std::sync::Arc<Page>],
) -> ApiSearch<'a> {
    let hits = results
        .hits
        .iter()
        .filter_map(|hit| {
            let p = pages.get(hit.ord)?;
            let m = &p.meta;
            Some(ApiHit {
                slug: &p.slug,
                url: &p.url,
                title: &m.title,
                summary: &m.summary,
                kind: &m.kind,
                needs: &m.needs,
                tier: m.tier.as_deref(),
                ingredients: &m.ingredients,
                phases: &m.phases,
                pfa: &m.pfa,
                cycle: &m.cycle,
                evidence: m.evidence.as_ref().map(|e| e.strength.as_str()),
                updated: m.updated.to_string(),
                snippet: &hit.snippet,
                score: hit.score,
            })
        })
        .collect();
    // The search gives every facet of the table, with or without counts.
    let facets = results
        .facets
        .iter()
        .map(|(f, c)| {
            (
                f.name(),
                c.iter().map(|(id, n)| (id.as_str(), *n)).collect(),
            )
        })
        .collect();
    ApiSearch {
        query,
        total: results.total,
        page,
        per_page,
        results: hits,
        facets,
        did_you_mean: results.did_you_mean.as_deref(),
        partial: results.partial.as_ref(),
    }
}
