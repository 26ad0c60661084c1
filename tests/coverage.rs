//! The starter corpus's coverage, asserted from the loaded site so it cannot
//! regress: strategies for every need at every SEN support tier, guidance for
//! every area, tier, key ingredient and cycle stage, a training session per
//! ingredient, printable resources, and Preparation for Adulthood throughout.

mod common;

use common::bundled;
use waymark::content::Page;
use waymark::site::Site;

fn has_headings(page: &Page, ids: &[&str]) -> Vec<String> {
    ids.iter()
        .filter(|id| !page.headings.iter().any(|h| h.id == **id))
        .map(|id| format!("{}: no \"{id}\" heading", page.slug))
        .collect()
}

fn words(page: &Page) -> usize {
    page.text().split_whitespace().count()
}

fn guidance_where(site: &Site, test: impl Fn(&Page) -> bool) -> usize {
    site.pages
        .iter()
        .filter(|p| p.is_kind("guidance") && test(p))
        .count()
}

#[test]
fn every_need_has_eight_strategies_across_the_tiers() {
    let site = bundled();
    let mut short = Vec::new();
    for area in &site.taxonomy.areas {
        for need in &area.needs {
            let strategies: Vec<&Page> = site
                .pages
                .iter()
                .map(|p| &**p)
                .filter(|p| p.is_kind("strategy") && p.has_need(&need.id))
                .collect();
            let at = |tier: &str| {
                strategies
                    .iter()
                    .filter(|p| p.meta.tier.as_deref() == Some(tier))
                    .count()
            };
            let (u, t, s) = (at("universal"), at("targeted"), at("specialist"));
            if strategies.len() < 8 || u < 3 || t < 2 || s < 1 {
                short.push(format!(
                    "{}: {} strategies ({u} universal, {t} targeted, {s} specialist)",
                    need.id,
                    strategies.len()
                ));
            }
        }
    }
    assert!(
        short.is_empty(),
        "needs short of strategies:\n{}",
        short.join("\n")
    );
}

#[test]
fn guidance_covers_every_area_tier_ingredient_and_cycle_stage() {
    let site = bundled();
    let t = &site.taxonomy;
    let mut missing = Vec::new();
    for area in &t.areas {
        if guidance_where(&site, |p| p.meta.needs == [area.id.clone()]) == 0 {
            missing.push(format!("area {}", area.id));
        }
    }
    for tier in &t.tiers {
        if guidance_where(&site, |p| p.meta.tier.as_deref() == Some(&tier.id)) == 0 {
            missing.push(format!("tier {}", tier.id));
        }
    }
    for ingredient in &t.ingredients {
        if guidance_where(&site, |p| p.meta.ingredients == [ingredient.id.clone()]) == 0 {
            missing.push(format!("ingredient {}", ingredient.id));
        }
        let training = site
            .pages
            .iter()
            .filter(|p| p.is_kind("training") && p.meta.ingredients.contains(&ingredient.id))
            .count();
        if training == 0 {
            missing.push(format!("training for {}", ingredient.id));
        }
    }
    if guidance_where(&site, |p| p.meta.cycle.len() == t.cycle.len()) == 0 {
        missing.push("the whole assess-plan-do-review cycle".to_string());
    }
    for stage in &t.cycle {
        if guidance_where(&site, |p| p.meta.cycle == [stage.id.clone()]) == 0 {
            missing.push(format!("cycle stage {}", stage.id));
        }
    }
    assert!(
        missing.is_empty(),
        "no guidance for:\n{}",
        missing.join("\n")
    );
}

#[test]
fn there_are_enough_resources_pages_and_pfa_pages() {
    let site = bundled();
    let resources = site.pages.iter().filter(|p| p.is_kind("resource")).count();
    assert!(resources >= 20, "{resources} resource pages");
    for outcome in &site.taxonomy.pfa {
        let n = site
            .pages
            .iter()
            .filter(|p| p.meta.pfa.contains(&outcome.id))
            .count();
        assert!(n >= 10, "{}: {n} pages", outcome.id);
    }
    assert!(site.pages.len() >= 220, "{} pages in all", site.pages.len());
}

#[test]
fn strategy_and_training_pages_have_their_shape_and_substance() {
    let site = bundled();
    let mut faults = Vec::new();
    for page in &site.pages {
        if page.is_kind("strategy") {
            faults.extend(has_headings(
                page,
                &[
                    "what-you-might-see",
                    "what-you-can-do",
                    "adapting-it-by-age",
                    "how-you-will-know-it-is-working",
                    "involving-the-child-and-family",
                    "related",
                ],
            ));
            if words(page) < 250 {
                faults.push(format!("{}: {} words", page.slug, words(page)));
            }
        }
        if page.is_kind("training") {
            faults.extend(has_headings(
                page,
                &[
                    "aims",
                    "agenda",
                    "activities",
                    "discussion-questions",
                    "facilitator-notes",
                    "follow-up-task",
                ],
            ));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn no_two_pages_share_a_title() {
    let site = bundled();
    let mut titles: Vec<String> = site
        .pages
        .iter()
        .map(|p| p.meta.title.to_lowercase())
        .collect();
    titles.sort();
    let dupes: Vec<&String> = titles
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| &w[0])
        .collect();
    assert!(dupes.is_empty(), "{dupes:?}");
}
