//! Live reload against the real binary (issue #14, findings 5 and 7): a FIFO
//! among the settings files neither wedges reloading nor SIGTERM, and a
//! content folder that is replaced or removed is noticed, reported and
//! watched again when it is back. Port 0 on 127.0.0.1, bounded waits.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use common::{TODAY, fixture, http_get};

struct Server {
    child: Child,
    addr: String,
    /// The staff listener, for /status.
    admin: String,
    /// Every line the server has logged so far.
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn logged(&self, text: &str) -> bool {
        self.log.lock().unwrap().iter().any(|l| l.contains(text))
    }

    /// Waits up to `limit` for a log line containing `text`.
    fn wait_for_log(&self, text: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        while !self.logged(text) {
            assert!(
                Instant::now() < deadline,
                "never logged {text:?}; log:\n{}",
                self.log.lock().unwrap().join("\n")
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
                self.log.lock().unwrap().join("\n")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM, then the exit within `limit`.
    fn terminate(&mut self, limit: Duration) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "did not stop in {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn start(content: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--admin-addr",
            "127.0.0.1:0",
            "--content",
        ])
        .arg(content)
        .env("WAYMARK_TODAY", TODAY)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    let lines = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            for (i, marker) in [
                "staff pages (/status, /metrics) on http://",
                "listening on http://",
            ]
            .into_iter()
            .enumerate()
            {
                if let Some(at) = line.find(marker) {
                    let _ = tx.send((i, line[at + marker.len()..].trim().to_string()));
                }
            }
            lines.lock().unwrap().push(line);
        }
    });
    let mut admin = String::new();
    let addr = loop {
        match rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server says where it listens")
        {
            (0, at) => admin = at,
            (_, at) => break at,
        }
    };
    assert!(!admin.is_empty(), "the staff address is logged first");
    Server {
        child,
        addr,
        admin,
        log,
    }
}

/// A content folder with one page, `movement-breaks`.
fn content_in(dir: &Path) {
    std::fs::create_dir_all(dir.join("strategies")).unwrap();
    std::fs::copy(
        fixture("valid/strategies/movement-breaks.md"),
        dir.join("strategies/movement-breaks.md"),
    )
    .unwrap();
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
    content_in(&content);
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
    for line in server.log.lock().unwrap().iter() {
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
    content_in(&content);
    let fresh = dir.path().join("content.new");
    content_in(&fresh);
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
    content_in(&content);
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
