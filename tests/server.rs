//! The real binary, serving on port 0: it starts, answers over TCP, reloads
//! a saved page, refuses an over-long target and shuts down on SIGTERM.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::server::{PUBLIC, Server, serve_command};
use common::{copy_dir, fixture, http_get};

/// The binary on `content` with `extra` options, the staff listener on a
/// port of its own.
fn start(content: &Path, extra: &[&str]) -> Server {
    Server::start(
        serve_command()
            .args(["--admin-addr", "127.0.0.1:0", "--content"])
            .arg(content)
            .args(extra),
        true,
    )
}

#[test]
fn serves_over_tcp_and_shuts_down_gracefully_on_sigterm() {
    let mut server = start(&fixture("valid"), &["--no-watch"]);
    let (status, body) = http_get(&server.addr, "/healthz");
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, body) = http_get(
        &server.addr,
        "/api/search?q=&need=communication-interaction",
    );
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["total"], 3);
    assert_eq!(json["facets"]["need"]["autism"], 1);

    let long = format!("/api/search?q={}", "x".repeat(65 * 1024));
    let (status, _) = http_get(&server.addr, &long);
    assert_eq!(status, 414);

    let status = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "exits cleanly after SIGTERM: {status:?}");
}

#[test]
fn a_saved_page_goes_live_and_a_broken_one_never_breaks_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path();
    std::fs::create_dir_all(content.join("strategies")).unwrap();
    for name in ["movement-breaks.md", "ear-defenders.md"] {
        std::fs::copy(
            fixture("valid/strategies").join(name),
            content.join("strategies").join(name),
        )
        .unwrap();
    }
    let server = start(content, &[]);
    let total = |q: &str| -> u64 {
        let (_, body) = http_get(&server.addr, &format!("/api/search?q={q}"));
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(total("trampoline"), 0);
    let wait_for = |q: &str, want: u64| {
        let deadline = Instant::now() + Duration::from_secs(15);
        while total(q) != want {
            assert!(Instant::now() < deadline, "{q} never reached {want}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };

    // An editor saves a new page: it goes live without a restart.
    std::fs::write(
        content.join("strategies/trampoline.md"),
        "---\ntitle: Trampoline time\nsummary: A short bounce before lessons.\nkind: guidance\nupdated: 2026-09-01\n---\nBounce.\n",
    )
    .unwrap();
    wait_for("trampoline", 1);

    // A broken save: the last good version stays live, marked, and /status
    // names the problem.
    std::fs::write(
        content.join("strategies/trampoline.md"),
        "---\ntitle: Trampoline time\n",
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (_, status) = http_get(&server.admin, "/status");
        if status.contains("trampoline.md:1:1: front matter is not closed") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the problem never reached /status"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        total("trampoline"),
        1,
        "the last good version is still served"
    );
    let (_, page) = http_get(&server.admin, "/strategies/trampoline");
    assert!(page.contains("you are reading its last good version"));
    let (_, page) = http_get(&server.addr, "/strategies/trampoline");
    assert!(
        page.contains("Bounce.") && !page.contains("last good version"),
        "the editors' notice is for staff only"
    );
    assert_eq!(total("defenders"), 1);

    // Fixed: the new version goes live and the notice goes.
    std::fs::write(
        content.join("strategies/trampoline.md"),
        "---\ntitle: Trampoline time\nsummary: A short bounce before lessons.\nkind: guidance\nupdated: 2026-09-01\n---\nBounce and rebound.\n",
    )
    .unwrap();
    wait_for("rebound", 1);
    let (_, page) = http_get(&server.addr, "/strategies/trampoline");
    assert!(!page.contains("last good version"));

    // Renamed (an editor's save-as, or a tidy-up): the old address goes,
    // the new one comes.
    std::fs::rename(
        content.join("strategies/trampoline.md"),
        content.join("strategies/bounce.md"),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while http_get(&server.addr, "/strategies/bounce").0 != 200 {
        assert!(Instant::now() < deadline, "the renamed page never appeared");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(http_get(&server.addr, "/strategies/trampoline").0, 404);
    assert_eq!(total("rebound"), 1);

    // Written to a temporary file and renamed over the page, as many editors save.
    std::fs::write(
        content.join("strategies/.bounce.md.tmp"),
        "---\ntitle: Trampoline time\nsummary: A short bounce before lessons.\nkind: guidance\nupdated: 2026-09-01\n---\nBounce and spring.\n",
    )
    .unwrap();
    std::fs::rename(
        content.join("strategies/.bounce.md.tmp"),
        content.join("strategies/bounce.md"),
    )
    .unwrap();
    wait_for("spring", 1);
    assert_eq!(total("rebound"), 0);

    // Deleted: gone.
    std::fs::remove_file(content.join("strategies/bounce.md")).unwrap();
    wait_for("trampoline", 0);

    // A folder of pages moved in.
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("extra")).unwrap();
    std::fs::write(
        outside.path().join("extra/rebound-therapy.md"),
        "---\ntitle: Rebound therapy\nsummary: Movement on a trampoline with a trained adult.\nkind: guidance\nupdated: 2026-09-01\n---\nBounce.\n",
    )
    .unwrap();
    std::fs::rename(outside.path().join("extra"), content.join("extra")).unwrap();
    wait_for("trampoline", 1);

    // A broken taxonomy: the whole last good site stays live.
    std::fs::write(content.join("taxonomy.yaml"), "areas: [\n").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(total("defenders"), 1);
    let (status, _) = http_get(&server.addr, "/healthz");
    assert_eq!(status, 200);

    // Fixed (here, by relabelling a tier): everything reloads with it.
    let fixed = waymark::taxonomy::BUILTIN_YAML
        .replace("\"Universal: quality first teaching\"", "Everyday teaching");
    std::fs::write(content.join("taxonomy.yaml"), fixed).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while !http_get(&server.addr, "/api/taxonomy")
        .1
        .contains("Everyday teaching")
    {
        assert!(
            Instant::now() < deadline,
            "the fixed taxonomy never went live"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(total("defenders"), 1);
}

#[test]
fn searches_during_changes_never_fail_or_tear() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().to_path_buf();
    std::fs::create_dir_all(content.join("strategies")).unwrap();
    for name in [
        "movement-breaks.md",
        "ear-defenders.md",
        "social-stories.md",
    ] {
        std::fs::copy(
            fixture("valid/strategies").join(name),
            content.join("strategies").join(name),
        )
        .unwrap();
    }
    let server = start(&content, &[]);
    let addr = server.addr.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let searcher = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut answers = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (status, body) = http_get(&addr, "/api/search?q=&kind=strategy");
                assert_eq!(status, 200, "{body}");
                let json: serde_json::Value =
                    serde_json::from_str(&body).expect("a whole JSON answer");
                let total = json["total"].as_u64().unwrap();
                let listed = json["results"].as_array().unwrap().len() as u64;
                // The page being edited is there or not, never half there.
                assert!(total == 3 || total == 4, "total {total}");
                assert_eq!(
                    total, listed,
                    "the count and the list come from one snapshot"
                );
                assert_eq!(json["facets"]["kind"]["strategy"].as_u64().unwrap(), total);
                answers += 1;
            }
            answers
        })
    };
    let page = content.join("strategies/changing.md");
    for i in 0..30 {
        if i % 3 == 2 {
            let _ = std::fs::remove_file(&page);
        } else {
            std::fs::write(
                &page,
                format!("---\ntitle: Changing {i}\nsummary: Edited again.\nkind: strategy\nneeds: [adhd]\ntier: universal\nevidence:\n  strength: practice\nupdated: 2026-09-01\n---\nVersion {i}.\n"),
            )
            .unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let answers = searcher.join().expect("every answer was whole");
    assert!(answers > 20, "only {answers} searches ran");
}

/// Reads one HTTP answer's status line from a stream.
fn read_status(stream: &mut TcpStream) -> String {
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_request_in_flight_at_sigterm_is_finished_before_exit() {
    let mut server = start(&fixture("valid"), &["--no-watch"]);
    // A form post whose body arrives in two parts, SIGTERM between them: the
    // server is part-way through this request when told to stop.
    let body = "items=strategies%2Fmovement-breaks&return=%2Fplan";
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /plan/add HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        server.addr,
        body.len(),
        &body[..10]
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.sigterm();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server left before its request in flight was answered"
    );
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let status = read_status(&mut stream);
    assert!(
        status.starts_with("HTTP/1.1 303"),
        "the request in flight was answered: {status}"
    );
    let exit = server
        .exit_within(Duration::from_secs(10))
        .expect("the server stops");
    assert!(exit.success(), "exits cleanly: {exit:?}");
}

#[test]
fn json_logs_are_one_object_a_line_and_never_hold_a_query() {
    let mut server = Server::spawn(
        serve_command()
            .args(["--admin-addr", "off", "--no-watch", "--content"])
            .arg(fixture("valid"))
            .env("WAYMARK_LOG_FORMAT", "json")
            .env("RUST_LOG", "info,waymark::http=debug"),
    );
    // Every line must be JSON, so the address is read from the message
    // field rather than found in the raw line.
    let deadline = Instant::now() + Duration::from_secs(30);
    server.addr = loop {
        let found = server.log().iter().find_map(|line| {
            let json: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            json["message"]
                .as_str()
                .and_then(|m| m.strip_prefix(PUBLIC))
                .map(str::to_string)
        });
        if let Some(addr) = found {
            break addr;
        }
        assert!(Instant::now() < deadline, "no address: {:#?}", server.log());
        std::thread::sleep(Duration::from_millis(10));
    };
    let (status, _) = http_get(&server.addr, "/search?q=secret+name+of+a+child");
    assert_eq!(status, 200);
    let (status, _) = http_get(&server.addr, "/plan?items=strategies/movement-breaks");
    assert_eq!(status, 200);
    server.terminate(Duration::from_secs(10));
    let lines = server.final_log();
    let requests: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|j| j["message"].as_str().is_some_and(|m| m.starts_with("GET ")))
        .collect();
    assert_eq!(requests.len(), 2, "{lines:#?}");
    for line in &lines {
        assert!(!line.contains("secret"), "a query reached the log: {line}");
        assert!(
            !line.contains("movement-breaks"),
            "plan items reached the log: {line}"
        );
        let json: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            json["timestamp"].is_string() && json["level"].is_string(),
            "{line}"
        );
    }
}

#[test]
fn a_content_folder_that_disappears_leaves_the_last_good_site_served() {
    let outside = tempfile::tempdir().unwrap();
    let content = outside.path().join("content");
    copy_dir(&fixture("valid"), &content);
    let server = start(&content, &[]);
    let (status, before) = http_get(&server.addr, "/api/search?q=");
    assert_eq!(status, 200);
    // The folder goes (a failed mount, a deploy that deletes first)...
    std::fs::rename(&content, outside.path().join("gone")).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    // ...and the portal keeps answering with what it had.
    let (status, after) = http_get(&server.addr, "/api/search?q=");
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&before).unwrap()["total"],
        serde_json::from_str::<serde_json::Value>(&after).unwrap()["total"]
    );
    let (status, _) = http_get(&server.addr, "/strategies/movement-breaks");
    assert_eq!(status, 200);
    let (status, _) = http_get(&server.addr, "/healthz");
    assert_eq!(status, 200);
    // Unreadable files, where permissions bind (not for root): the same.
    #[cfg(unix)]
    if !running_as_root() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::rename(outside.path().join("gone"), &content).unwrap();
        std::thread::sleep(Duration::from_millis(800));
        let strategies = content.join("strategies");
        std::fs::set_permissions(&strategies, std::fs::Permissions::from_mode(0o000)).unwrap();
        std::thread::sleep(Duration::from_millis(800));
        let (status, _) = http_get(&server.addr, "/strategies/movement-breaks");
        std::fs::set_permissions(&strategies, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(
            status, 200,
            "an unreadable folder keeps its pages' last good versions"
        );
    }
}

#[cfg(unix)]
fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
