//! Pages related to a page, for the "More like this" list under it: those
//! that share the most needs, then key ingredients, with it, suit the same
//! age phase, and are not already linked from its text.

use std::sync::Arc;

use super::page::Page;

/// Related pages shown at most.
pub const MAX_RELATED: usize = 5;

/// A shared need counts this many times a shared ingredient.
const NEED_WEIGHT: usize = 3;

impl Page {
    /// Up to [`MAX_RELATED`] other pages of `pages` that share at least one
    /// need and one age phase with this one (a page given no phases suits
    /// every phase), leaving out pages its text already links to (its
    /// written "Related" list among them); most shared first (a need
    /// counting three ingredients), then by title.
    pub fn related<'a>(&self, pages: &'a [Arc<Page>]) -> Vec<&'a Page> {
        let shared = |mine: &[String], theirs: &[String]| {
            theirs.iter().filter(|id| mine.contains(id)).count()
        };
        let linked = |p: &Page| {
            self.internal_links.iter().any(|l| {
                let target = l.target.split(['#', '?']).next().unwrap_or("");
                target.trim_end_matches('/') == p.url
            })
        };
        let mut scored: Vec<(usize, &Page)> = pages
            .iter()
            .map(|p| &**p)
            .filter(|p| p.slug != self.slug)
            .filter(|p| shared(&self.meta.phases, &p.meta.phases) > 0)
            .filter(|p| !linked(p))
            .map(|p| {
                let needs = shared(&self.meta.needs, &p.meta.needs);
                let ingredients = shared(&self.meta.ingredients, &p.meta.ingredients);
                (needs * NEED_WEIGHT + ingredients, p)
            })
            .filter(|(score, p)| {
                *score >= NEED_WEIGHT && p.meta.needs.iter().any(|n| self.meta.needs.contains(n))
            })
            .collect();
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.meta.title.cmp(&b.1.meta.title))
        });
        scored
            .into_iter()
            .take(MAX_RELATED)
            .map(|(_, p)| p)
            .collect()
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    use crate::taxonomy::Taxonomy;

    fn page(slug: &str, title: &str, needs: &str, ingredients: &str) -> Arc<Page> {
        page_with(slug, title, needs, ingredients, "", "Text.")
    }

    /// A page with its phases (none given: every phase) and body.
    fn page_with(
        slug: &str,
        title: &str,
        needs: &str,
        ingredients: &str,
        phases: &str,
        body: &str,
    ) -> Arc<Page> {
        let phases = if phases.is_empty() {
            String::new()
        } else {
            format!("phases: [{phases}]\n")
        };
        let text = format!(
            "---\ntitle: {title}\nsummary: A page.\nkind: strategy\nevidence:\n  strength: practice\nneeds: [{needs}]\ntier: universal\ningredients: [{ingredients}]\n{phases}updated: 2026-08-15\n---\n{body}\n"
        );
        crate::content::test_page(slug, &text)
    }

    #[test]
    fn only_pages_for_the_same_phase_and_not_already_linked() {
        let t = Taxonomy::builtin();
        let need = t
            .needs_in_order()
            .into_iter()
            .find(|(_, area)| area.is_some())
            .unwrap()
            .0
            .id;
        let ingredient = t.ingredients[0].id.as_str();
        let phase = |i: usize| t.phases[i].id.as_str();
        let last = t.phases.len() - 1;
        let this = page_with(
            "strategies/this",
            "This",
            need,
            ingredient,
            phase(1),
            "## Related\n\n- [Written](/strategies/written#steps)\n",
        );
        let pages = vec![
            Arc::clone(&this),
            page_with("strategies/same", "Same", need, ingredient, phase(1), "x"),
            page_with("strategies/every", "Every", need, ingredient, "", "x"),
            page_with(
                "strategies/older",
                "Older",
                need,
                ingredient,
                phase(last),
                "x",
            ),
            page_with(
                "strategies/written",
                "Written",
                need,
                ingredient,
                phase(1),
                "x",
            ),
        ];
        assert_eq!(
            slugs(this.related(&pages)),
            ["strategies/every", "strategies/same"]
        );
    }

    fn slugs(pages: Vec<&Page>) -> Vec<&str> {
        pages.iter().map(|p| p.slug.as_str()).collect()
    }

    #[test]
    fn shared_needs_weigh_more_than_shared_ingredients() {
        let t = Taxonomy::builtin();
        let needs: Vec<&str> = t
            .needs_in_order()
            .iter()
            .filter(|(_, area)| area.is_some())
            .map(|(n, _)| n.id)
            .collect();
        let ingredient = t.ingredients[0].id.as_str();
        let other = t.ingredients[1].id.as_str();
        let (a, b) = (needs[0], needs[1]);
        let this = page("this", "This", &format!("{a}, {b}"), ingredient);
        let pages = vec![
            Arc::clone(&this),
            // One shared need and the ingredient: 4.
            page("one-need", "Zebra", a, ingredient),
            // Two shared needs: 6.
            page("two-needs", "Yak", &format!("{a}, {b}"), other),
            // One shared need, no ingredient: 3, tied, so by title.
            page("tie-b", "Bee", b, other),
            page("tie-a", "Ant", a, other),
            // Only the ingredient: never related.
            page("ingredient-only", "Cat", needs[2], ingredient),
        ];
        assert_eq!(
            slugs(this.related(&pages)),
            ["two-needs", "one-need", "tie-a", "tie-b"]
        );
    }

    #[test]
    fn at_most_five_and_never_itself() {
        let t = Taxonomy::builtin();
        let need = t
            .needs_in_order()
            .into_iter()
            .find(|(_, area)| area.is_some())
            .unwrap()
            .0
            .id;
        let ingredient = t.ingredients[0].id.as_str();
        let pages: Vec<Arc<Page>> = (0..8)
            .map(|i| page(&format!("p{i}"), &format!("Page {i}"), need, ingredient))
            .collect();
        let related = pages[0].related(&pages);
        assert_eq!(related.len(), MAX_RELATED);
        assert!(related.iter().all(|p| p.slug != "p0"));
        assert_eq!(slugs(related), ["p1", "p2", "p3", "p4", "p5"]);
    }
}
