//! Layers of content: a council's folder over a base folder (`extends:` or
//! `--content` twice) replaces, hides and adds pages, and search, listings,
//! links, `waymark check`, `/status` and live reload all see the merged site.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::server::{Server, serve_command};
use common::{get, get_json, http_get, options, root, state};
use waymark::content::LoadError;
use waymark::site::{BuildError, Site};

fn page(title: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\nsummary: About {title}.\nkind: guidance\nupdated: 2026-09-01\n---\n{body}\n"
    )
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A base folder of three pages (`a` links to `b`) and an overlay beside it
/// that replaces `c`, hides `b` and adds `d`.
fn layers() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("starter");
    write(
        &base.join("strategies/a.md"),
        &page("Alpha", "Alpha words. See [the beta page](/strategies/b)."),
    );
    write(&base.join("strategies/b.md"), &page("Beta", "Bramble."));
    write(
        &base.join("strategies/c.md"),
        &page("Gamma", "Gamma words from the starter."),
    );
    let local = dir.path().join("local");
    write(
        &local.join("site.yaml"),
        "name: Our portal\nextends: ../starter\nhide:\n  - strategies/b\n",
    );
    write(
        &local.join("strategies/c.md"),
        &page("Gamma", "Gamma words, ours."),
    );
    write(
        &local.join("strategies/d.md"),
        &page("Delta", "Delta words."),
    );
    dir
}

async fn total(s: &waymark::web::AppState, q: &str) -> u64 {
    let (_, json) = get_json(s, &format!("/api/search?q={q}")).await;
    json["total"].as_u64().unwrap()
}

#[tokio::test]
async fn an_overlay_replaces_hides_and_adds_pages_in_search_listings_and_links() {
    let dir = layers();
    let site = Site::load(&options(dir.path().join("local"))).unwrap();
    assert_eq!(site.problems, [], "a link to a hidden page is no problem");
    let slugs: Vec<&str> = site.pages.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, ["strategies/a", "strategies/c", "strategies/d"]);
    assert_eq!(site.layers.len(), 2);
    let s = state(site);

    assert_eq!(
        total(&s, "bramble").await,
        0,
        "the hidden page is not indexed"
    );
    assert_eq!(total(&s, "delta").await, 1, "the added page is");
    assert_eq!(total(&s, "ours").await, 1, "the local version is indexed");
    assert_eq!(total(&s, "starter").await, 0, "the replaced one is not");

    let (status, _, _) = get(&s, "/strategies/b").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, alpha) = get(&s, "/strategies/a").await;
    assert!(alpha.contains("See the beta page."), "{alpha}");
    assert!(!alpha.contains("href=\"/strategies/b\""));
    let (_, _, gamma) = get(&s, "/strategies/c").await;
    assert!(gamma.contains("Gamma words, ours."));

    let (_, json) = get_json(&s, "/api/search?q=").await;
    let listed: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["slug"].as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(!listed.contains(&"strategies/b"));
    let (_, _, status) = get(&s, "/status").await;
    assert!(status.contains("starter</code>"), "the layers are listed");
}

fn check(args: &[&Path]) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_waymark"));
    command.arg("check");
    for a in args {
        command.arg("--content").arg(a);
    }
    let out = command.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap(), text)
}

#[test]
fn check_sees_the_merged_site_and_names_the_layer_a_problem_is_in() {
    let dir = layers();
    let local = dir.path().join("local");
    let (code, text) = check(&[&local]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("checked 3 pages: 0 problem(s)"), "{text}");

    write(
        &local.join("strategies/d.md"),
        &page("Delta", "[x](/strategies/nowhere)"),
    );
    let (code, text) = check(&[&local]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("local/strategies/d.md:"), "{text}");

    write(
        &local.join("strategies/d.md"),
        &page("Delta", "Delta words."),
    );
    let base = dir.path().join("starter");
    write(
        &base.join("strategies/a.md"),
        &page("Alpha", "[x](/strategies/nowhere)"),
    );
    let (code, text) = check(&[&local]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("local/../starter/strategies/a.md:"), "{text}");
}

#[test]
fn two_content_flags_stack_lowest_first_and_an_unknown_hide_is_a_warning() {
    let dir = layers();
    let local = dir.path().join("local");
    write(
        &local.join("site.yaml"),
        "name: Our portal\nhide:\n  - strategies/b\n  - strategies/zzz\n",
    );
    let base = dir.path().join("starter");
    let (code, text) = check(&[&base, &local]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("checked 3 pages: 0 problem(s), 1 warning(s)"),
        "{text}"
    );
    assert!(
        text.contains("site.yaml:4:5: warning: hide: no layer has a page at \"strategies/zzz\""),
        "{text}"
    );
    // Alone, the overlay is its own two pages.
    let (_, text) = check(&[&local]);
    assert!(text.contains("checked 2 pages"), "{text}");
}

fn settings_problems(err: BuildError) -> Vec<String> {
    match err {
        BuildError::Load(LoadError::Settings(problems)) => {
            problems.iter().map(ToString::to_string).collect()
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_circle_of_extends_and_a_missing_base_are_refused_at_the_line() {
    let dir = layers();
    let local = dir.path().join("local");
    write(
        &dir.path().join("starter/site.yaml"),
        "name: Starter\n\nextends: ../local\n",
    );
    let problems = settings_problems(Site::load(&options(local.clone())).unwrap_err());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("starter/site.yaml:3:1:"),
        "{problems:?}"
    );
    assert!(problems[0].contains("circle"), "{problems:?}");

    write(
        &local.join("site.yaml"),
        "name: Our portal\nextends: ../nowhere\n",
    );
    let problems = settings_problems(Site::load(&options(local)).unwrap_err());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("local/site.yaml:2:1:"), "{problems:?}");
    assert!(problems[0].contains("\"../nowhere\""), "{problems:?}");
}

#[test]
fn a_change_to_a_base_page_shows_through_unless_replaced() {
    let dir = layers();
    let server = Server::start(
        serve_command()
            .args(["--admin-addr", "off", "--content"])
            .arg(dir.path().join("local")),
        false,
    );
    let total = |q: &str| -> u64 {
        let (_, body) = http_get(&server.addr, &format!("/api/search?q={q}"));
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    let wait_for = |q: &str, want: u64| {
        let deadline = Instant::now() + Duration::from_secs(15);
        while total(q) != want {
            assert!(Instant::now() < deadline, "{q} never reached {want}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let base = dir.path().join("starter");
    // The replaced page changes underneath: nothing local changes.
    write(
        &base.join("strategies/c.md"),
        &page("Gamma", "Gamma trampoline."),
    );
    write(
        &base.join("strategies/a.md"),
        &page("Alpha", "Alpha rebound."),
    );
    wait_for("rebound", 1);
    assert_eq!(total("trampoline"), 0);
}

#[tokio::test]
async fn the_2026_example_relabels_the_tiers_and_notes_they_are_proposals() {
    let site = Site::load(&options(root().join("examples/national-2026"))).unwrap();
    assert_eq!(site.errors().count(), 0);
    assert_eq!(
        site.pages.len(),
        common::bundled().pages.len(),
        "every bundled page shows through"
    );
    let s = state(site);
    assert_eq!(
        common::tier_labels(&s).await,
        ["Universal", "Targeted", "Targeted Plus", "Specialist"]
    );
    let (status, _, tier) = get(&s, "/tiers/specialist").await;
    assert_eq!(status, StatusCode::OK);
    assert!(tier.contains("<h1>Targeted Plus</h1>"), "{tier}");
    assert!(tier.contains("class=\"tier-note\""));
    assert!(tier.contains("published in February 2026. They are not yet law"));
    let (_, _, need) = get(&s, "/needs/autism").await;
    assert!(!need.contains("tier-note"), "the note is for tier pages");
}

#[tokio::test]
async fn the_content_zip_of_an_overlay_is_the_merged_site_and_checks_clean() {
    let dir = layers();
    // Each layer brings its own synonyms; the download holds both.
    write(
        &dir.path().join("starter/synonyms.yaml"),
        "groups:\n  - [bramble, blackberry]\n",
    );
    write(
        &dir.path().join("local/synonyms.yaml"),
        "groups:\n  - [delta, river mouth]\n",
    );
    let site = Site::load(&options(dir.path().join("local"))).unwrap();
    assert_eq!(site.problems, []);
    let s = state(site);
    let (status, _, bytes) = common::get_bytes(&s, "/download/content.zip").await;
    assert_eq!(status, StatusCode::OK);
    let unpacked = tempfile::tempdir().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    zip.extract(unpacked.path()).unwrap();
    let read = |name: &str| std::fs::read_to_string(unpacked.path().join(name)).ok();
    assert!(
        read("strategies/a.md").unwrap().contains("Alpha words"),
        "a base page"
    );
    assert!(
        read("strategies/c.md").unwrap().contains("ours"),
        "the local version"
    );
    assert!(read("strategies/d.md").is_some(), "the added page");
    assert!(read("strategies/b.md").is_none(), "not the hidden page");
    let site_yaml = read("site.yaml").unwrap();
    assert!(!site_yaml.contains("extends"), "{site_yaml}");
    assert!(
        site_yaml.contains("strategies/b"),
        "hide stays: {site_yaml}"
    );
    let synonyms = read("synonyms.yaml").unwrap();
    assert!(
        synonyms.contains("blackberry") && synonyms.contains("river mouth"),
        "{synonyms}"
    );
    let (code, out) = check(&[unpacked.path()]);
    assert_eq!(code, 0, "{out}");
}
