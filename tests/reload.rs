//! Live reload against the real binary (issue #14, findings 5 and 7): a FIFO
//! among the settings files neither wedges reloading nor SIGTERM, and a
//! content folder that is replaced or removed is noticed, reported and
//! watched again when it is back. Port 0 on 127.0.0.1, bounded waits.
//!
//! And in process (issue #15): a snapshot updated from some changed files
//! is the snapshot loading the same folder afresh gives.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::server::{Server, serve_command};
use common::{fixture, http_get, one_page_in};
use waymark::problem::Kind;
use waymark::search::SearchRequest;
use waymark::site::Site;

impl Server {
    /// Waits up to `limit` for a log line containing `text`.
    fn wait_for_log(&self, text: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        while !self.logged(text) {
            assert!(
                Instant::now() < deadline,
                "never logged {text:?}; log:\n{}",
                self.log().join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// How many pages a search finds.
    fn total(&self, q: &str) -> u64 {
        let (_, body) = http_get(&self.addr, &format!("/api/search?q={q}"));
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"]
            .as_u64()
            .unwrap()
    }

    /// Waits up to `limit` for a search to find `want` pages.
    fn wait_for_total(&self, q: &str, want: u64, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.total(q) != want {
            assert!(
                Instant::now() < deadline,
                "{q} never reached {want}; log:\n{}",
                self.log().join("\n")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn start(content: &Path) -> Server {
    Server::start(
        serve_command()
            .args(["--admin-addr", "127.0.0.1:0", "--content"])
            .arg(content),
        true,
    )
}

/// A page about `word` at `strategies/{word}.md`.
fn save_page(dir: &Path, word: &str) {
    std::fs::write(
        dir.join(format!("strategies/{word}.md")),
        format!(
            "---\ntitle: {word} time\nsummary: A short {word} before lessons.\nkind: guidance\nupdated: 2026-09-01\n---\nText.\n"
        ),
    )
    .unwrap();
}

const LIVE: Duration = Duration::from_secs(15);

#[test]
fn a_fifo_named_synonyms_yaml_is_refused_and_reload_and_sigterm_carry_on() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    one_page_in(&content);
    let mut server = start(&content);

    let made = Command::new("mkfifo")
        .arg(content.join("synonyms.yaml"))
        .status()
        .unwrap();
    assert!(made.success());
    server.wait_for_log("synonyms.yaml:1:1: is not an ordinary file", LIVE);
    server.wait_for_log("reload refused", LIVE);
    // The problem names the file relative to the content folder.
    let shown = content.display().to_string();
    for line in server.log().iter() {
        assert!(
            !(line.contains("synonyms.yaml") && line.contains(&shown)),
            "{line}"
        );
    }

    // The last good content stays, and a later save still goes live.
    assert_eq!(http_get(&server.addr, "/strategies/movement-breaks").0, 200);
    save_page(&content, "trampoline");
    server.wait_for_total("trampoline", 1, LIVE);

    // /status, on the staff listener, says why the settings were refused.
    let (status, body) = http_get(&server.admin, "/status");
    assert_eq!(status, 200);
    assert!(body.contains("Reload refused: synonyms.yaml:1:1"), "{body}");

    let exit = server.terminate(Duration::from_secs(5));
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn a_replaced_content_folder_is_watched_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    one_page_in(&content);
    let fresh = dir.path().join("content.new");
    one_page_in(&fresh);
    save_page(&fresh, "trampoline");
    let server = start(&content);
    assert_eq!(server.total("trampoline"), 0);

    std::fs::rename(&content, dir.path().join("content.old")).unwrap();
    std::fs::rename(&fresh, &content).unwrap();
    server.wait_for_total("trampoline", 1, LIVE);

    // Saves in the new folder are noticed: the watch moved with the name.
    save_page(&content, "hopscotch");
    server.wait_for_total("hopscotch", 1, LIVE);
    // And saves in the old one are not served.
    save_page(&dir.path().join("content.old"), "skipping");
    save_page(&content, "juggling");
    server.wait_for_total("juggling", 1, LIVE);
    assert_eq!(server.total("skipping"), 0);
}

#[test]
fn a_removed_content_folder_keeps_serving_is_reported_and_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    one_page_in(&content);
    let server = start(&content);

    let aside = dir.path().join("aside");
    std::fs::rename(&content, &aside).unwrap();
    server.wait_for_log("is gone", LIVE);
    assert_eq!(http_get(&server.addr, "/strategies/movement-breaks").0, 200);
    let (status, body) = http_get(&server.admin, "/status");
    assert_eq!(status, 200);
    assert!(body.contains("The content folder is gone"), "{body}");
    assert!(!body.contains(&*dir.path().to_string_lossy()), "{body}");

    std::fs::rename(&aside, &content).unwrap();
    server.wait_for_log("came back", LIVE);
    save_page(&content, "trampoline");
    server.wait_for_total("trampoline", 1, LIVE);
    let (status, body) = http_get(&server.admin, "/status");
    assert_eq!(status, 200);
    assert!(!body.contains("The content folder is gone"), "{body}");
}

/// A copy of the `valid` fixture, to edit.
fn editable() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(fixture("valid")) {
        let entry = entry.unwrap();
        let to = dir
            .path()
            .join(entry.path().strip_prefix(fixture("valid")).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    dir
}

/// Two snapshots serve the same: pages, problems, and what searches find
/// (the order of equal scores aside: an updated index keeps the others'
/// tie-breaks).
fn assert_same(updated: &Site, afresh: &Site, step: &str) {
    assert_eq!(updated.pages, afresh.pages, "{step}: pages");
    assert_eq!(updated.problems, afresh.problems, "{step}: problems");
    assert_eq!(updated.taxonomy, afresh.taxonomy, "{step}: taxonomy");
    for q in ["", "ear defenders", "movement", "quiet corner", "profile"] {
        let found = |site: &Site| {
            let results = site.search(&SearchRequest::new(q)).unwrap();
            let mut slugs: Vec<String> = results
                .hits
                .iter()
                .map(|h| site.pages[h.ord].slug.clone())
                .collect();
            slugs.sort();
            (results.total, slugs, results.facets)
        };
        assert_eq!(found(updated), found(afresh), "{step}: search {q:?}");
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn updating_some_pages_gives_what_loading_afresh_gives() {
    let dir = editable();
    let root = dir.path().to_path_buf();
    let options = common::options(root.clone());
    let mut site = Site::load(&options).unwrap();
    let at = |p: &str| root.join(p);
    type Step<'a> = (&'a str, bool, Box<dyn Fn() -> Vec<PathBuf> + 'a>);
    let steps: Vec<Step> = vec![
        (
            "a page edited",
            false,
            Box::new(|| {
                let page = at("strategies/movement-breaks.md");
                edit(&page, "title: ", "title: Quiet corner and ");
                vec![page]
            }),
        ),
        (
            "a page added",
            false,
            Box::new(|| {
                save_page(&root, "quiet-corner");
                vec![at("strategies/quiet-corner.md")]
            }),
        ),
        (
            "a page broken: its last good version stays, stale",
            false,
            Box::new(|| {
                let page = at("strategies/ear-defenders.md");
                edit(&page, "kind: strategy", "kind: strategi");
                vec![page]
            }),
        ),
        (
            "a page removed, and a link to it from another",
            false,
            Box::new(|| {
                std::fs::remove_file(at("resources/one-page-profile.md")).unwrap();
                let page = at("guidance/communication-interaction.md");
                std::fs::write(
                    &page,
                    std::fs::read_to_string(&page).unwrap()
                        + "\nSee [the profile](/resources/one-page-profile).\n",
                )
                .unwrap();
                vec![at("resources/one-page-profile.md"), page]
            }),
        ),
        (
            "a second file at one address",
            true,
            Box::new(|| {
                let twin = at("strategies/quiet-corner.MD");
                std::fs::copy(at("strategies/social-stories.md"), &twin).unwrap();
                vec![twin]
            }),
        ),
        (
            "the first of the two removed",
            true,
            Box::new(|| {
                std::fs::remove_file(at("strategies/quiet-corner.md")).unwrap();
                vec![at("strategies/quiet-corner.md")]
            }),
        ),
        (
            "a page mended",
            false,
            Box::new(|| {
                let page = at("strategies/ear-defenders.md");
                edit(&page, "kind: strategi", "kind: strategy");
                vec![page]
            }),
        ),
    ];
    for (step, full, change) in &steps {
        let changed = change();
        let updated = site
            .update(&options, &changed)
            .unwrap()
            .unwrap_or_else(|| panic!("{step}: nothing changed"));
        assert_eq!(updated.full, *full, "{step}: read everything");
        let afresh = Site::reload(&options, Some(&site)).unwrap();
        assert_same(&updated, &afresh, step);
        site = updated;
    }
    // The steps did what they say.
    assert!(site.page("strategies/movement-breaks").is_some());
    assert!(site.page("resources/one-page-profile").is_none());
    let twin = site.page("strategies/quiet-corner").unwrap();
    assert!(twin.source.ends_with("quiet-corner.MD"));
    assert!(!site.page("strategies/ear-defenders").unwrap().stale);
    assert!(
        site.problems
            .iter()
            .any(|p| p.kind == Kind::BrokenLink && p.message.contains("one-page-profile"))
    );
}

#[test]
fn a_duplicate_slug_is_served_as_a_fresh_load_would_serve_it() {
    let dir = editable();
    let root = dir.path().to_path_buf();
    let options = common::options(root.clone());
    let site = Site::load(&options).unwrap();
    // `.MD` sorts before `.md`, so a fresh load keeps the new file and
    // refuses the one that was served.
    let twin = root.join("strategies/movement-breaks.MD");
    std::fs::copy(root.join("strategies/social-stories.md"), &twin).unwrap();
    let updated = site
        .update(&options, std::slice::from_ref(&twin))
        .unwrap()
        .unwrap();
    let afresh = Site::load(&options).unwrap();
    assert_same(&updated, &afresh, "a duplicate added");
    assert_eq!(
        updated.page("strategies/movement-breaks").unwrap().source,
        twin
    );
    let duplicate: Vec<_> = updated
        .problems
        .iter()
        .filter(|p| p.kind == Kind::DuplicateSlug)
        .collect();
    assert_eq!(duplicate.len(), 1, "{duplicate:?}");
    assert!(duplicate[0].path.ends_with("movement-breaks.md"));
}

#[test]
fn a_change_to_nothing_the_portal_reads_builds_nothing() {
    let dir = editable();
    let root = dir.path().to_path_buf();
    let options = common::options(root.clone());
    let site = Site::load(&options).unwrap();
    std::fs::write(root.join("strategies/.movement-breaks.md.swp"), "x").unwrap();
    std::fs::write(root.join("notes.txt"), "x").unwrap();
    let changed = [
        root.join("strategies/.movement-breaks.md.swp"),
        root.join("notes.txt"),
    ];
    assert!(site.update(&options, &changed).unwrap().is_none());
}
