//! Checks every internal link between pages: the page it points at exists
//! (or it is one of the portal's own routes), and so does the heading anchor.

use std::collections::HashMap;

use crate::problem::{Kind, Pos, Problem};
use crate::routes::Route;
use crate::suggest::did_you_mean;
use crate::taxonomy::Taxonomy;

use std::sync::Arc;

use super::page::Page;

/// One problem per link that leads nowhere. Pages stay served: a broken
/// link is the editor's to fix, not a reason to hide the page.
pub fn check(pages: &[Arc<Page>], taxonomy: &Taxonomy) -> Vec<Problem> {
    check_with_drafts(pages, &[], taxonomy)
}

/// As [`check`], where `drafts` are the addresses of draft pages: a link to
/// one leads to a page not served, and its message says so.
pub fn check_with_drafts(
    pages: &[Arc<Page>],
    drafts: &[&str],
    taxonomy: &Taxonomy,
) -> Vec<Problem> {
    let by_slug: HashMap<&str, &Page> = pages.iter().map(|p| (p.slug.as_str(), &**p)).collect();
    let mut problems = Vec::new();
    for page in pages {
        for link in &page.internal_links {
            if let Err(message) = resolve(&link.target, page, &by_slug, taxonomy) {
                let slug = link.target.split(['#', '?']).next().unwrap_or("");
                let slug = slug.trim_start_matches('/').trim_end_matches('/');
                let message = if drafts.contains(&slug) {
                    format!(
                        "link {}: /{slug} is a draft, not served until its editor removes `draft: true`",
                        link.target
                    )
                } else {
                    message
                };
                problems.push(Problem::error(
                    Kind::BrokenLink,
                    &page.source,
                    Pos::new(link.line, link.col),
                    message,
                ));
            }
        }
    }
    problems
}

fn resolve(
    target: &str,
    page: &Page,
    by_slug: &HashMap<&str, &Page>,
    taxonomy: &Taxonomy,
) -> Result<(), String> {
    let (path, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let slug = path.trim_start_matches('/').trim_end_matches('/');
    let linked = if path.is_empty() {
        Some(page)
    } else {
        by_slug.get(slug).copied()
    };
    match linked {
        Some(linked) => match fragment {
            Some(anchor) if !linked.headings.iter().any(|h| h.id == anchor) => {
                let ids: Vec<&str> = linked.headings.iter().map(|h| h.id.as_str()).collect();
                let hint = match did_you_mean(anchor, ids.iter().copied()) {
                    Some(best) => format!("; did you mean \"#{best}\"?"),
                    None if ids.is_empty() => "; that page has no headings".to_string(),
                    None => format!("; its anchors are: {}", ids.join(", ")),
                };
                Err(format!(
                    "link {target}: {} has no heading with the anchor \"{anchor}\"{hint}",
                    linked.url
                ))
            }
            _ => Ok(()),
        },
        None => {
            // A listing's address: its facet's route, then one of its ids.
            for facet in taxonomy.facets.iter() {
                let Some(folder) = facet.spec().route.and_then(|r| r.first_folder()) else {
                    continue;
                };
                if let Some(id) = slug.strip_prefix(folder).and_then(|s| s.strip_prefix('/')) {
                    return taxonomy
                        .check(facet, id)
                        .map_err(|m| format!("link {target}: {m}"));
                }
            }
            let route = path.trim_end_matches('/');
            if Route::ALL
                .iter()
                .any(|r| r.is_link_target() && r.path().trim_end_matches('/') == route)
            {
                return Ok(());
            }
            let hint = match did_you_mean(slug, by_slug.keys().copied()) {
                Some(best) => format!("; did you mean /{best}?"),
                None => String::new(),
            };
            Err(format!("link {target} leads to no page{hint}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::content::parse_page;
    use crate::content::validate::{Context, parse_iso_date};

    /// The link problems of one page whose body links to each of `targets`.
    fn problems(targets: &[&str]) -> Vec<String> {
        let taxonomy = Taxonomy::builtin();
        let body: String = targets.iter().map(|t| format!("[x]({t})\n\n")).collect();
        let text = format!(
            "---\ntitle: T\nsummary: S.\nkind: guidance\nneeds: [autism]\nupdated: 2026-08-15\n---\n{body}"
        );
        let cx = Context {
            taxonomy: &taxonomy,
            today: parse_iso_date("2026-09-01").unwrap(),
            path: Path::new("t.md"),
        };
        let (page, found) = parse_page(&text, "guidance/t", &cx);
        let page = Arc::new(page.unwrap_or_else(|| panic!("{found:?}")));
        check(&[page], &taxonomy)
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn links_to_public_routes_and_listings_are_known_and_staff_pages_are_not() {
        assert_eq!(
            problems(&[
                "/",
                "/search?q=x",
                "/plan",
                "/needs/autism",
                "/tiers/universal/"
            ]),
            Vec::<String>::new()
        );
        let found = problems(&["/status", "/needs/autsim", "/metrics"]);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("/status leads to no page"), "{found:?}");
        assert!(found[1].contains("autsim"), "{found:?}");
    }
}
