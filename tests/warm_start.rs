//! The index cache (`--cache-dir`): a second start opens what the first
//! kept and answers exactly as a full build does; a changed page is seen
//! after a restart; a damaged or out-of-date cache is never trusted, and
//! the portal builds in full, says why, and answers as a full build does.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::server::{Server, serve_command};
use common::{copy_dir, http_get, root};

/// Searches whose JSON answers are compared byte for byte.
const QUERIES: &[&str] = &[
    "/api/search?q=ear+defenders",
    "/api/search?q=autism&per_page=50",
    "/api/search?q=movment+breaks",
    "/api/search?q=reading&sort=updated",
    "/api/search?q=visual+timetable&page=2",
    "/api/search?q=",
    "/api/search?q=xyzzy+plugh",
];

const OPENED: &str = "index: opened from cache";
const FULL: &str = "index: full build, the cache was not used";

/// A copy of the bundled content, and an empty cache folder beside it.
fn content_and_cache() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&root().join("content"), &content);
    let cache = dir.path().join("cache");
    (dir, content, cache)
}

/// A server on `content`, with the cache in `cache` (`None`: no cache).
fn serve(content: &Path, cache: Option<&Path>) -> Server {
    let mut command = serve_command();
    command
        .arg("--content")
        .arg(content)
        .args(["--admin-addr", "off", "--no-watch"]);
    match cache {
        Some(cache) => command.arg("--cache-dir").arg(cache),
        None => command.arg("--no-cache"),
    };
    Server::start(&mut command, false)
}

fn answers(server: &Server) -> Vec<String> {
    QUERIES
        .iter()
        .map(|q| {
            let (status, body) = http_get(&server.addr, q);
            assert_eq!(status, 200, "{q}: {body}");
            body
        })
        .collect()
}

/// The log lines saying how the index was come by.
fn how_started(server: &Server) -> String {
    server
        .log()
        .into_iter()
        .filter(|l| l.contains("index: "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The answers of a full build with no cache at all.
fn cold_answers(content: &Path) -> Vec<String> {
    answers(&serve(content, None))
}

/// Every file of the cache in use, by path inside it.
fn cache_files(cache: &Path) -> Vec<PathBuf> {
    let hashed = std::fs::read_dir(cache)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let current = hashed.join("current");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&current)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

#[test]
fn a_second_start_opens_the_cache_and_answers_as_a_full_build_does() {
    let (_dir, content, cache) = content_and_cache();
    let cold = cold_answers(&content);
    let first = serve(&content, Some(&cache));
    assert!(
        how_started(&first).contains("there is no cache yet"),
        "{}",
        how_started(&first)
    );
    assert_eq!(answers(&first), cold);
    drop(first);
    let second = serve(&content, Some(&cache));
    assert!(
        how_started(&second).contains(OPENED),
        "{}",
        how_started(&second)
    );
    assert_eq!(
        answers(&second),
        cold,
        "warm answers differ from a full build's"
    );
    // The page API too: a page's HTML is made from the stored Markdown.
    let page = "/api/pages/strategies/sensory-ear-defenders-reducing-classroom-noise";
    let (status, body) = http_get(&second.addr, page);
    let (_, cold_body) = http_get(&serve(&content, None).addr, page);
    assert_eq!((status, body), (200, cold_body));
}

#[test]
fn a_page_changed_between_starts_is_seen_and_the_others_kept() {
    let (_dir, content, cache) = content_and_cache();
    drop(serve(&content, Some(&cache)));
    let page = content.join("strategies/sensory-ear-defenders-reducing-classroom-noise.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let (front, body) = text.split_at(text.find("\n---\n").unwrap() + 5);
    std::fs::write(&page, format!("{front}Try a quokkaphone first.\n\n{body}")).unwrap();
    let second = serve(&content, Some(&cache));
    assert!(
        how_started(&second).contains("opened from cache, 1 changed file(s) applied"),
        "{}",
        how_started(&second)
    );
    let (_, found) = http_get(&second.addr, "/api/search?q=quokkaphone");
    assert!(
        found.contains("strategies/sensory-ear-defenders-reducing-classroom-noise"),
        "{found}"
    );
    let (_, other) = http_get(&second.addr, "/api/search?q=autism");
    assert!(other.contains("\"total\":"), "{other}");
    drop(second);
    // The cache now holds the change.
    let third = serve(&content, Some(&cache));
    assert!(
        how_started(&third).contains(OPENED),
        "{}",
        how_started(&third)
    );
    assert!(
        !how_started(&third).contains("applied"),
        "{}",
        how_started(&third)
    );
    let (_, found) = http_get(&third.addr, "/api/search?q=quokkaphone");
    assert!(
        found.contains("strategies/sensory-ear-defenders-reducing-classroom-noise"),
        "{found}"
    );
}

#[test]
fn each_damaged_cache_file_means_a_full_build_with_the_right_answers() {
    let (_dir, content, cache) = content_and_cache();
    let cold = cold_answers(&content);
    drop(serve(&content, Some(&cache)));
    let files = cache_files(&cache);
    assert!(files.len() >= 4, "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("bodies.bin")), "{files:?}");
    for n in 0..files.len() {
        // Listed again each time: a rebuilt index names its files afresh.
        let file = &cache_files(&cache)[n];
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let mut bytes = std::fs::read(file).unwrap();
        if n % 2 == 0 && !bytes.is_empty() {
            bytes.truncate(bytes.len() / 2);
        } else {
            let at = bytes.len() / 2;
            match bytes.get_mut(at) {
                Some(b) => *b ^= 0x55,
                None => bytes.push(1),
            }
        }
        std::fs::write(file, bytes).unwrap();
        let server = serve(&content, Some(&cache));
        let log = how_started(&server);
        assert!(log.contains(FULL), "{name}: {log}");
        assert!(log.contains("damaged"), "{name}: {log}");
        assert_eq!(answers(&server), cold, "{name}");
        drop(server);
        let server = serve(&content, Some(&cache));
        assert!(how_started(&server).contains(OPENED), "{name}: rewritten");
    }
}

#[test]
fn a_cache_out_of_date_means_a_full_build_with_the_right_answers() {
    let (_dir, content, cache) = content_and_cache();
    drop(serve(&content, Some(&cache)));
    // A settings file changed: every page may read otherwise.
    let synonyms = content.join("synonyms.yaml");
    let text = std::fs::read_to_string(&synonyms).unwrap();
    std::fs::write(&synonyms, format!("{text}\n# a comment\n")).unwrap();
    let server = serve(&content, Some(&cache));
    let log = how_started(&server);
    assert!(
        log.contains(FULL) && log.contains("synonyms.yaml changed"),
        "{log}"
    );
    assert_eq!(answers(&server), cold_answers(&content));
    drop(server);
    // Another format of cache.
    let manifest = cache_files(&cache)
        .into_iter()
        .find(|f| f.ends_with("manifest.bin"))
        .unwrap();
    let mut bytes = std::fs::read(&manifest).unwrap();
    bytes[8] = bytes[8].wrapping_add(1);
    std::fs::write(&manifest, bytes).unwrap();
    let server = serve(&content, Some(&cache));
    let log = how_started(&server);
    assert!(log.contains(FULL) && log.contains("cache format"), "{log}");
    drop(server);
    // Another day: review dates and their warnings may read otherwise.
    let mut command = serve_command();
    command
        .arg("--content")
        .arg(&content)
        .args(["--admin-addr", "off", "--no-watch", "--cache-dir"])
        .arg(&cache)
        .env("WAYMARK_TODAY", "2027-03-01");
    let server = Server::start(&mut command, false);
    let log = how_started(&server);
    assert!(log.contains(FULL) && log.contains("out of date"), "{log}");
    drop(server);
    // A page removed.
    std::fs::remove_file(
        content.join("strategies/sensory-ear-defenders-reducing-classroom-noise.md"),
    )
    .unwrap();
    let server = serve(&content, Some(&cache));
    let log = how_started(&server);
    assert!(
        log.contains("changed file(s) applied") || log.contains(FULL),
        "{log}"
    );
    let (_, found) = http_get(
        &server.addr,
        "/api/pages/strategies/sensory-ear-defenders-reducing-classroom-noise",
    );
    assert!(!found.contains("\"slug\""), "{found}");
}

#[test]
fn a_cache_folder_inside_the_content_folder_is_refused() {
    let (_dir, content, _) = content_and_cache();
    let output = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("serve")
        .arg("--content")
        .arg(&content)
        .args(["--addr", "127.0.0.1:0", "--admin-addr", "off", "--no-watch"])
        .arg("--cache-dir")
        .arg(content.join("strategies/../.cache"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("inside the content folder"), "{err}");
    assert!(!content.join(".cache").exists());
}

/// After a warm start the page bodies are read in place from the cache's
/// `bodies.bin`. Truncated under a running portal, it is noticed within a
/// few seconds, logged once, and everything is read again from the content
/// folder: pages are whole again, with no restart.
#[test]
fn a_cache_file_truncated_while_serving_means_everything_is_read_again() {
    let (_dir, content, cache) = content_and_cache();
    drop(serve(&content, Some(&cache)));
    let mut command = serve_command();
    command
        .arg("--content")
        .arg(&content)
        .args(["--admin-addr", "off", "--cache-dir"])
        .arg(&cache);
    let server = Server::start(&mut command, false);
    assert!(
        how_started(&server).contains(OPENED),
        "{}",
        how_started(&server)
    );
    let page = "/api/pages/strategies/sensory-ear-defenders-reducing-classroom-noise";
    let (status, whole) = http_get(&server.addr, page);
    assert_eq!(status, 200);
    assert!(whole.contains("ear defenders"), "{whole}");

    let bodies = cache_files(&cache)
        .into_iter()
        .find(|f| f.ends_with("bodies.bin"))
        .unwrap();
    std::fs::File::options()
        .write(true)
        .open(&bodies)
        .unwrap()
        .set_len(0)
        .unwrap();
    server.wait_for("reading everything again from the content folder");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (status, now) = http_get(&server.addr, page);
        assert_eq!(status, 200, "{now}");
        if now == whole {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the page was not whole again: {now}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(answers(&server), cold_answers(&content));
    let log = server.log();
    let found: Vec<_> = log
        .iter()
        .filter(|l| l.contains("shorter than the"))
        .collect();
    assert_eq!(found.len(), 1, "logged once: {log:#?}");
    assert!(
        found[0].contains("bodies.bin is 0 bytes long"),
        "{}",
        found[0]
    );
}
