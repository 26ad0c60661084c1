//! How a search reads the way people describe a child: words that name no
//! subject, everyday phrases, split words, and real words that are never
//! "corrected" into other words.

mod common;

use waymark::search::SearchRequest;
use waymark::site::Site;

fn top(site: &Site, q: &str, n: usize) -> Vec<String> {
    let results = site
        .search(&SearchRequest::new(q))
        .expect("the search runs");
    results
        .hits
        .iter()
        .take(n)
        .map(|h| site.pages[h.ord].slug.clone())
        .collect()
}

#[test]
fn filler_words_are_not_words_a_page_must_contain() {
    let site = common::bundled();
    // "really", "at", "all", "lessons" name no subject: without the stop
    // list, half of the six words had to match and the attention pages,
    // which say none of "really ... at all ... lessons", were missing.
    let found = top(&site, "really can't concentrate at all in maths lessons", 5);
    assert!(found.iter().any(|s| s.contains("attention")), "{found:?}");
    let found = top(
        &site,
        "my daughter always hates coming into the dining hall",
        5,
    );
    assert_eq!(
        found[0], "strategies/sensory-dining-hall-and-mealtimes",
        "{found:?}"
    );
}

#[test]
fn a_search_of_only_stop_words_still_searches_for_them() {
    let site = common::bundled();
    assert!(!top(&site, "how", 5).is_empty());
}

#[test]
fn everyday_phrases_find_the_pages_words() {
    let site = common::bundled();
    for (q, expected) in [
        (
            "zones out in class",
            "strategies/self-monitoring-of-attention",
        ),
        (
            "kicks off at lunchtime",
            "strategies/personal-regulation-plan-low-arousal-base",
        ),
        ("school refuser", "strategies/ebsa-gradual-return-plan"),
        ("won't go to school", "strategies/ebsa-gradual-return-plan"),
        (
            "won't eat in the hall",
            "strategies/sensory-dining-hall-and-mealtimes",
        ),
        (
            "covers his ears in assembly",
            "strategies/sensory-ear-defenders-reducing-classroom-noise",
        ),
        (
            "clumsy and falls over a lot",
            "strategies/dyspraxia-friendly-practical-lessons",
        ),
        ("has fits", "strategies/medical-epilepsy-seizures-in-class"),
    ] {
        let found = top(&site, q, 5);
        assert!(
            found.iter().any(|s| s == expected),
            "{q:?}: {expected} not in {found:?}"
        );
    }
}

#[test]
fn split_words_are_joined_when_the_joined_word_is_known() {
    let site = common::bundled();
    let found = top(&site, "hand writing", 3);
    assert_eq!(
        found[0], "strategies/physical-handwriting-alternatives",
        "{found:?}"
    );
    let found = top(&site, "melts down", 5);
    assert!(
        found.iter().any(
            |s| s == "strategies/personal-regulation-plan-low-arousal-base"
                || s == "strategies/co-regulation-and-calm-space"
        ),
        "{found:?}"
    );
}
