//! Rules the bundled corpus keeps as a whole, asserted on the loaded site:
//! every evidence source comes from a publisher we have checked, and no
//! strategy claims more than its sources can carry.

mod common;

use common::bundled;

/// Publishers whose addresses an evidence source may use. Each was checked by
/// hand as the publisher of record for the kind of source cited from it.
/// Adding one is a deliberate change: say in its comment what it publishes
/// and why it can be trusted for that. Charities and services that are
/// useful but not evidence go under a page's `links:` instead.
const PUBLISHERS: &[(&str, &str)] = &[
    // GOV.UK: the SEND Code of Practice, statutory guidance and DfE research reports.
    (
        "www.gov.uk",
        "Department for Education and other departments",
    ),
    // The National Archives' home for Acts and regulations as enacted and in force.
    ("www.legislation.gov.uk", "legislation"),
    // Education Endowment Foundation: guidance reports and the Teaching and Learning Toolkit.
    ("educationendowmentfoundation.org.uk", "EEF"),
    // National Institute for Health and Care Excellence: clinical guidelines.
    ("www.nice.org.uk", "NICE"),
    // NHS health information for the public.
    ("www.nhs.uk", "NHS"),
    // NHS England: national programmes and guidance for services.
    ("www.england.nhs.uk", "NHS England"),
    // Royal College of Speech and Language Therapists: professional guidance.
    ("www.rcslt.org", "RCSLT"),
    // Royal College of Psychiatrists: professional guidance and reports.
    ("www.rcpsych.ac.uk", "RCPsych"),
    // National Autistic Society: professional guidance on autism.
    ("www.autism.org.uk", "National Autistic Society"),
    // Council for Disabled Children: national guidance on the SEND system.
    (
        "councilfordisabledchildren.org.uk",
        "Council for Disabled Children",
    ),
    // Anna Freud: evidence-based guidance on children's mental health in schools.
    ("www.annafreud.org", "Anna Freud"),
];

/// The host of an `https://` address, or `None` for any other scheme.
fn https_host(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end])
}

#[test]
fn https_host_reads_the_host_and_refuses_other_schemes() {
    assert_eq!(
        https_host("https://www.nice.org.uk/guidance/ng87"),
        Some("www.nice.org.uk")
    );
    assert_eq!(https_host("https://www.gov.uk"), Some("www.gov.uk"));
    assert_eq!(https_host("https://example.org?x=1"), Some("example.org"));
    assert_eq!(https_host("http://www.gov.uk/"), None);
}

#[test]
fn every_evidence_source_is_from_a_checked_publisher() {
    let site = bundled();
    let mut strays = Vec::new();
    let mut sources = 0;
    for page in &site.pages {
        let Some(evidence) = &page.meta.evidence else {
            continue;
        };
        for source in &evidence.sources {
            sources += 1;
            let host = https_host(&source.url);
            if !host.is_some_and(|h| PUBLISHERS.iter().any(|(p, _)| *p == h)) {
                strays.push(format!("{}: {} ({})", page.slug, source.url, source.title));
            }
        }
    }
    assert!(
        sources > 0,
        "no evidence sources read: the test would prove nothing"
    );
    assert!(
        strays.is_empty(),
        "evidence sources from publishers not in the checked list (add the publisher \
         to PUBLISHERS with a comment, or move the address to the page's links):\n{}",
        strays.join("\n")
    );
}

#[test]
fn no_strategy_rated_above_practice_rests_on_statutory_sources_alone() {
    let site = bundled();
    // A page that breaks the rule fails validation and is not loaded, so the
    // loaded pages alone cannot show it: the bundled content must load whole.
    let problems: Vec<String> = site.problems.iter().map(|p| p.to_string()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let mut overstated = Vec::new();
    let mut rated = 0;
    for page in site.pages.iter().filter(|p| p.is_kind("strategy")) {
        let Some(evidence) = &page.meta.evidence else {
            continue;
        };
        let shows = evidence.sources.iter().any(|s| s.kind.shows_what_works());
        if evidence.strength != "practice" {
            rated += 1;
            if !shows {
                let kinds: Vec<String> = evidence
                    .sources
                    .iter()
                    .map(|s| format!("{:?}", s.kind))
                    .collect();
                overstated.push(format!("{}: {} on {kinds:?}", page.slug, evidence.strength));
            }
        } else if shows {
            overstated.push(format!(
                "{}: practice, yet cites research or a guidance report (rate it, or move the source to links)",
                page.slug
            ));
        }
    }
    assert!(
        rated > 0,
        "no strategy is rated above practice: the test would prove nothing"
    );
    assert!(overstated.is_empty(), "{}", overstated.join("\n"));
}
