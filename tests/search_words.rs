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

/// Searches `q` three times through the router's search page (a query is
/// listed on `/status` once seen three times) and returns the last page.
async fn searched_three_times(s: &waymark::web::AppState, q: &str) -> String {
    let mut body = String::new();
    for _ in 0..3 {
        body = common::get(s, &format!("/search?q={q}")).await.2;
    }
    body
}

#[tokio::test]
async fn a_real_word_no_page_uses_is_not_corrected_and_counts_as_not_found() {
    // The fixture has no page on selective mutism (the bundled content may
    // gain one), and "mutism" is one letter from "autism", which it uses.
    let site = common::site(common::fixture("valid"));
    assert!(
        site.pages
            .iter()
            .all(|p| !p.text().to_lowercase().contains("mutism"))
    );
    let s = common::state(site);
    let body = searched_three_times(&s, "selective+mutism").await;
    assert!(!body.contains("autism</a>"), "{body}");
    assert!(!body.contains("Did you mean") && !body.contains("Including results for"));
    assert!(
        body.contains("No pages about <em>selective mutism</em> yet."),
        "{body}"
    );
    let (_, _, status) = common::get(&s, "/status").await;
    assert!(
        status.contains("<td>selective mutism</td><td>3</td>"),
        "{status}"
    );
    let (_, json) = common::get_json(&s, "/api/search?q=selective+mutism").await;
    assert!(json["did_you_mean"].is_null(), "{json}");
    assert_eq!(json["partial"]["absent"], true, "{json}");
}

#[tokio::test]
async fn the_bundled_content_says_when_it_has_no_page_about_a_real_topic() {
    // Joint hypermobility is a real need in school (fatigue, handwriting,
    // PE) that no bundled page covers; "syndrome" alone matches other pages,
    // so the search must still say the subject has no page.
    let site = common::bundled();
    assert!(
        site.pages
            .iter()
            .all(|p| !p.text().to_lowercase().contains("hypermobil"))
    );
    let s = common::state(site);
    let body = searched_three_times(&s, "hypermobility+syndrome").await;
    assert!(!body.contains("Did you mean") && !body.contains("Including results for"));
    assert!(
        body.contains("No pages about <em>hypermobility syndrome</em> yet."),
        "{body}"
    );
    let (_, _, status) = common::get(&s, "/status").await;
    assert!(
        status.contains("<td>hypermobility syndrome</td><td>3</td>"),
        "{status}"
    );
}

#[tokio::test]
async fn results_matching_part_of_the_query_say_which_words_and_count_as_not_found() {
    // No fixture page speaks of both ear defenders and social stories: the
    // search falls back to pages matching either, and says so.
    let s = common::state(common::site(common::fixture("valid")));
    let body = searched_three_times(&s, "ear+defenders+social+story+braille").await;
    assert!(
        body.contains("No pages match all of your words. Showing pages about"),
        "{body}"
    );
    assert!(body.contains("<em>ear defenders</em>"), "{body}");
    assert!(
        body.contains("Ear defenders and a quieter classroom"),
        "the pages are still shown"
    );
    let (_, _, status) = common::get(&s, "/status").await;
    // Counted, with the words the report keeps (it keeps only words the
    // content or the word list knows).
    assert!(
        status.contains("<td>ear defenders social story"),
        "{status}"
    );
    // A search every word of which a page matches is not partial.
    let body = searched_three_times(&s, "ear+defenders").await;
    assert!(!body.contains("No pages match all"), "{body}");
}

/// A page in a content folder, in the valid fixture's shape.
fn page(dir: &std::path::Path, slug: &str, title: &str, tags: &str, need: &str, kind: &str) {
    let text = format!(
        "---\ntitle: {title}\nsummary: A page about {title}.\nkind: {kind}\nneeds: [{need}]\ntier: universal\ntags: [{tags}]\nevidence:\n  strength: practice\nupdated: 2026-09-01\n---\nSome text about {title}.\n"
    );
    let path = dir.join(format!("{slug}.md"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_title_word_as_typed_beats_another_word_of_its_stem() {
    let dir = tempfile::tempdir().unwrap();
    // Both titles hold the stem "call"; the one first in slug order (which
    // wins a tie) holds "calling", the other "called".
    page(
        dir.path(),
        "strategies/a-calling-out",
        "Calling out",
        "behaviour",
        "adhd",
        "strategy",
    );
    page(
        dir.path(),
        "strategies/b-called-names",
        "Called names",
        "bullying",
        "adhd",
        "strategy",
    );
    let site = common::site(dir.path().to_path_buf());
    assert_eq!(top(&site, "called", 2)[0], "strategies/b-called-names");
    assert_eq!(top(&site, "calling", 2)[0], "strategies/a-calling-out");
}

#[test]
fn a_broad_question_about_a_need_ranks_its_areas_guidance_high() {
    let site = common::bundled();
    for (q, guidance) in [
        (
            "my son is autistic what should school do",
            "guidance/communication-interaction",
        ),
        (
            "my daughter has dyslexia what help can she get",
            "guidance/cognition-learning",
        ),
        ("what is semh", "guidance/semh"),
    ] {
        let found = top(&site, q, 3);
        assert!(
            found.iter().any(|s| s == guidance),
            "{q:?}: {guidance} not in {found:?}"
        );
        // The area's descriptors of need answer it too, after its own page.
        let descriptors = guidance.replace("guidance/", "guidance/descriptors-");
        let found = top(&site, q, 5);
        let at = |slug: &str| found.iter().position(|s| s == slug);
        assert!(
            at(&descriptors).is_some_and(|d| at(guidance).is_some_and(|g| g < d)),
            "{q:?}: {guidance} then {descriptors} not in {found:?}"
        );
    }
    // Many pages have ADHD in their title; a parent's question still finds
    // the area's own page among them, ahead of guidance shared by several
    // areas (the law, funding).
    let found = top(&site, "my son has ADHD what should the school be doing", 5);
    assert!(found.iter().any(|s| s == "guidance/semh"), "{found:?}");
    // A need's name alone keeps its strategy first.
    assert_eq!(
        top(&site, "dyspraxia", 1)[0],
        "strategies/dyspraxia-friendly-practical-lessons"
    );
    // A narrow question about the need keeps its strategy first.
    assert_eq!(
        top(&site, "autism visual timetable", 1)[0],
        "strategies/visual-timetables-now-and-next"
    );
}
