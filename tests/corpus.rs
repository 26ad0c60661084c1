//! Rules the bundled corpus keeps as a whole, asserted on the loaded site:
//! every evidence source comes from a publisher we have checked, no strategy
//! claims more than its sources can carry, and no page names a particular
//! local authority.

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

/// Phrases that contain an authority's name but name something else, so a
/// page may use them. Each is an institution or a tool, not a council.
const NOT_AUTHORITIES: &[&str] = &[
    // The university that carried out the 2017 DfE research behind the seven key ingredients.
    "Coventry University",
    // The charity that founded the Education Endowment Foundation.
    "Sutton Trust",
    // A university whose researchers author EEF reviews.
    "Durham University",
    // The chart used in continence and toileting care.
    "Bristol Stool",
];

/// Where `word` occurs in `text` as a whole word (no letter or digit either side).
fn whole_word_at(text: &str, word: &str) -> Vec<usize> {
    let boundary = |c: Option<char>| !c.is_some_and(char::is_alphanumeric);
    text.match_indices(word)
        .filter(|(at, _)| {
            boundary(text[..*at].chars().next_back())
                && boundary(text[at + word.len()..].chars().next())
        })
        .map(|(at, _)| at)
        .collect()
}

/// The authority names a text gives, by the rules of the list file.
fn authorities_named(text: &str, names: &[(String, bool)]) -> Vec<String> {
    let mut text = text.to_string();
    for phrase in NOT_AUTHORITIES {
        text = text.replace(phrase, "");
    }
    let mut found = Vec::new();
    for (name, word_too) in names {
        for at in whole_word_at(&text, name) {
            let after = text[at + name.len()..].trim_start();
            if !word_too || after.starts_with("Council") || after.starts_with("Borough") {
                found.push(name.clone());
            }
        }
    }
    // Any other "<Name> County/City/Borough/District Council", such as a
    // district council not in the list; the starter's placeholder is allowed.
    for kind in [
        "County Council",
        "City Council",
        "Borough Council",
        "District Council",
    ] {
        for at in whole_word_at(&text, kind) {
            let before = text[..at].trim_end();
            let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
            if word.starts_with(char::is_uppercase) && word != "Example" {
                found.push(format!("{word} {kind}"));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

fn authority_names() -> Vec<(String, bool)> {
    let list = common::root().join("tests/fixtures/english-local-authorities.txt");
    std::fs::read_to_string(list)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.strip_suffix('*') {
            Some(name) => (name.trim().to_string(), true),
            None => (l.to_string(), false),
        })
        .collect()
}

#[test]
fn authority_names_are_found_as_whole_names_only() {
    let names = authority_names();
    assert!(names.len() > 150, "{} names", names.len());
    let found = |t: &str| authorities_named(t, &names);
    assert_eq!(
        found("In Gloucestershire this is My Plan."),
        ["Gloucestershire"]
    );
    assert_eq!(found("Ask Stoke-on-Trent about it."), ["Stoke-on-Trent"]);
    assert_eq!(found("Kent's core standards"), ["Kent"]);
    assert_eq!(
        found("Mid Devon District Council"),
        ["Devon", "Devon District Council"]
    );
    assert_eq!(
        found("Tewkesbury Borough Council"),
        ["Tewkesbury Borough Council"]
    );
    assert_eq!(
        found("Reading Borough Council"),
        ["Reading", "Reading Borough Council"]
    );
    assert!(found("Reading is slow. Bury the lead. Kentish Town.").is_empty());
    assert!(found("Example County Council, research by Coventry University").is_empty());
    assert!(found("your local authority").is_empty());
}

#[test]
fn no_bundled_page_names_a_particular_authority() {
    let names = authority_names();
    let mut named = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(common::root().join("content")) {
        let entry = entry.unwrap();
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str());
        if !matches!(ext, Some("md" | "yaml")) {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in text.lines().enumerate() {
            for name in authorities_named(line, &names) {
                named.push(format!("{}:{}: {name}", path.display(), n + 1));
            }
        }
    }
    assert!(files > 200, "{files} files read");
    assert!(
        named.is_empty(),
        "pages outside examples/ name a particular authority (say \"your local authority\", \
         and put local names in examples/):\n{}",
        named.join("\n")
    );
}

#[tokio::test]
async fn a_fractional_frequency_shows_in_words_on_the_page() {
    let s = common::state(bundled());
    let (status, _, html) = common::get(
        &s,
        "/strategies/eyfs-area-senco-and-advisory-teacher-involvement",
    )
    .await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert!(html.contains("once every 4 weeks"), "{html}");
    assert!(!html.contains("0.25"), "the raw fraction still shows");
}

/// Each area's descriptors of need, by the title the contract gives them.
fn descriptors_for<'a>(
    site: &'a waymark::site::Site,
    label: &str,
) -> Vec<&'a waymark::content::Page> {
    let title = format!("{}{label}", waymark::content::page::DESCRIPTORS_TITLE);
    site.pages
        .iter()
        .map(|p| &**p)
        .filter(|p| p.is_kind("guidance") && p.meta.title == title)
        .collect()
}

#[test]
fn every_area_has_descriptors_of_need_for_every_level() {
    let site = bundled();
    let mut faults = Vec::new();
    for area in &site.taxonomy.areas {
        let pages = descriptors_for(&site, &area.label);
        let [page] = pages.as_slice() else {
            faults.push(format!("{}: {} descriptors pages", area.id, pages.len()));
            continue;
        };
        if page.meta.needs != [area.id.clone()] {
            faults.push(format!("{}: filed under {:?}", page.slug, page.meta.needs));
        }
        for tier in &site.taxonomy.tiers {
            if !page.headings.iter().any(|h| h.text == tier.label) {
                faults.push(format!("{}: no \"{}\" heading", page.slug, tier.label));
            }
        }
        if !page.text().contains("not thresholds") {
            faults.push(format!(
                "{}: does not say it guides judgement and is not a threshold",
                page.slug
            ));
        }
        let area_page = site.pages.iter().find(|p| {
            p.is_kind("guidance") && p.meta.needs == [area.id.clone()] && !p.is_descriptors()
        });
        if !area_page.is_some_and(|p| p.markdown().contains(&format!("]({})", page.url))) {
            faults.push(format!(
                "{}: the area's guidance page does not link it",
                page.slug
            ));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[tokio::test]
async fn every_tier_listing_links_the_descriptors_of_need() {
    let site = bundled();
    let urls: Vec<String> = site
        .taxonomy
        .areas
        .iter()
        .flat_map(|a| descriptors_for(&site, &a.label))
        .map(|p| p.url.clone())
        .collect();
    assert_eq!(urls.len(), site.taxonomy.areas.len());
    let tiers: Vec<String> = site.taxonomy.tiers.iter().map(|t| t.id.clone()).collect();
    let s = common::state(site);
    for tier in tiers {
        let (status, _, html) = common::get(&s, &format!("/tiers/{tier}")).await;
        assert_eq!(status, axum::http::StatusCode::OK);
        let section = html
            .split("id=\"descriptors\"")
            .nth(1)
            .unwrap_or_else(|| panic!("/tiers/{tier} has no descriptors section"));
        for url in &urls {
            assert!(
                section.contains(&format!("href=\"{url}\"")),
                "/tiers/{tier} does not link {url}"
            );
        }
    }
    // Other listings do not carry the section.
    let (_, _, html) = common::get(&s, "/ingredients/personalisation").await;
    assert!(!html.contains("id=\"descriptors\""));
}

/// Topics teachers and families search for (issue #17): some page's title or
/// tags must name each. A keyword matches where a word starts, ignoring case,
/// so "tics" finds "tics" and "Tics and Tourette's" but not "statistics", and
/// "suspension" also finds "suspensions".
const TOPICS: &[&str] = &[
    "selective mutism",
    "tics",
    "Tourette",
    "developmental language disorder",
    "stammering",
    "self-harm",
    "low mood",
    "at risk",
    "eating difficulties",
    "ARFID",
    "fetal alcohol",
    "demand avoidance",
    "too ill to attend",
    "hospital education",
    "acquired brain injury",
    "cerebral visual impairment",
    "Equality Act",
    "reasonable adjustments",
    "part-time timetable",
    "suspension",
    "AAC",
    "augmentative and alternative communication",
    "speech-to-text",
    "dictation",
    "EAL",
    "bullying",
    "home-to-school travel",
    "notional SEN budget",
    "high needs",
    "disability access fund",
    "early years inclusion fund",
    "tribunal",
    "personal budget",
    "ELSA",
];

/// Needs that teachers most often need specialist help with: three
/// specialist-tier strategies each; every other need two.
const DEEP_NEEDS: &[&str] = &[
    "speech-language-communication",
    "specific-learning-difficulties",
    "anxiety-mental-health",
    "adhd",
    "attachment-trauma",
    "emotional-regulation",
];

/// Whether `keyword` occurs in `text` where a word starts, ignoring case.
fn names_topic(text: &str, keyword: &str) -> bool {
    let (text, keyword) = (text.to_lowercase(), keyword.to_lowercase());
    text.match_indices(&keyword).any(|(at, _)| {
        !text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn names_topic_matches_at_the_start_of_a_word() {
    assert!(names_topic("Tics and Tourette's", "tics"));
    assert!(names_topic("Tics and Tourette's", "Tourette"));
    assert!(!names_topic("characteristics and statistics", "tics"));
    assert!(names_topic("Suspensions and exclusions", "suspension"));
    assert!(!names_topic("a real meal", "EAL"));
    assert!(names_topic("EAL or SEN", "eal"));
    assert!(!names_topic("that risk", "at risk"));
}

#[test]
fn every_topic_is_named_by_some_page() {
    let site = bundled();
    let mut missing = Vec::new();
    for topic in TOPICS {
        let found = site.pages.iter().any(|p| {
            names_topic(&p.meta.title, topic) || p.meta.tags.iter().any(|t| names_topic(t, topic))
        });
        if !found {
            missing.push(format!(
                "topic \"{topic}\": no page's title or tags name it"
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_need_has_specialist_depth() {
    let site = bundled();
    let mut missing = Vec::new();
    for area in &site.taxonomy.areas {
        for need in &area.needs {
            let want = if DEEP_NEEDS.contains(&need.id.as_str()) {
                3
            } else {
                2
            };
            let have = site
                .pages
                .iter()
                .filter(|p| {
                    p.is_kind("strategy")
                        && p.has_need(&need.id)
                        && p.meta.tier.as_deref() == Some("specialist")
                })
                .count();
            if have < want {
                missing.push(format!(
                    "need {}: {have} specialist-tier strategies, wants {want}",
                    need.id
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
