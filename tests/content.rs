//! The bundled content: it loads without a problem and covers what the
//! skeleton promises (guidance for every area, strategies across the areas
//! and tiers). Its internal links are checked by the loader, so a broken one
//! fails `the_bundled_content_loads_cleanly`.

mod common;

use common::bundled;
use waymark::taxonomy::Facet;

#[test]
fn the_bundled_content_loads_cleanly() {
    let site = bundled();
    let problems: Vec<String> = site.problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(site.pages.len() >= 24, "{} pages", site.pages.len());
}

#[test]
fn every_area_has_guidance_and_strategies_at_each_sen_tier() {
    let site = bundled();
    for area in &site.taxonomy.areas {
        assert!(
            site.pages
                .iter()
                .any(|p| p.is_kind("guidance") && p.meta.needs == [area.id.clone()]),
            "no guidance page for {}",
            area.id
        );
        for tier in ["universal", "targeted", "specialist"] {
            let n = site
                .pages
                .iter()
                .filter(|p| p.is_kind("strategy") && p.meta.tier.as_deref() == Some(tier))
                .filter(|p| {
                    p.meta
                        .needs
                        .iter()
                        .any(|n| site.taxonomy.area_of(n).is_some_and(|a| a.id == area.id))
                })
                .count();
            assert!(n >= 1, "no {tier} strategy for {}", area.id);
        }
    }
}

#[test]
fn the_bundled_taxonomy_holds_every_contract_id() {
    let t = bundled().taxonomy;
    let expect: &[(Facet, &[&str])] = &[
        (
            Facet::NEED,
            &[
                "communication-interaction",
                "speech-language-communication",
                "autism",
                "cognition-learning",
                "moderate-learning-difficulties",
                "severe-learning-difficulties",
                "profound-multiple-learning-difficulties",
                "specific-learning-difficulties",
                "semh",
                "anxiety-mental-health",
                "adhd",
                "attachment-trauma",
                "emotional-regulation",
                "sensory-physical",
                "vision-impairment",
                "hearing-impairment",
                "multi-sensory-impairment",
                "physical-disability",
                "sensory-processing",
                "medical-needs",
            ],
        ),
        (
            Facet::TIER,
            &["universal", "targeted", "specialist", "statutory"],
        ),
        (
            Facet::INGREDIENT,
            &[
                "culture-leadership",
                "high-quality-teaching",
                "use-of-expertise",
                "personalisation",
                "evidence-based-strategies",
                "progress-tracking",
                "communication-collaboration",
            ],
        ),
        (
            Facet::PHASE,
            &["early-years", "primary", "secondary", "post-16"],
        ),
        (
            Facet::PFA,
            &[
                "employment",
                "independent-living",
                "community-inclusion",
                "good-health",
            ],
        ),
        (Facet::CYCLE, &["assess", "plan", "do", "review"]),
        (
            Facet::EVIDENCE,
            &["strong", "moderate", "emerging", "practice"],
        ),
        (
            Facet::KIND,
            &["strategy", "resource", "guidance", "training"],
        ),
    ];
    for (facet, ids) in expect {
        let have: Vec<&str> = t.terms(*facet).iter().map(|term| term.id).collect();
        assert_eq!(have, *ids, "{}", facet.name());
    }
    let staff: Vec<&str> = t.staff.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        staff,
        [
            "teacher",
            "teaching-assistant",
            "senco",
            "specialist-teacher",
            "therapist",
            "educational-psychologist",
            "mentor",
            "communication-support-worker",
            "intervenor",
            "job-coach"
        ]
    );
}
