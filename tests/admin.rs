//! The staff (admin) listener and the public one (issue #14, finding 8):
//! `/status` and `/metrics` only for staff, editors' notices only for staff,
//! and a "searched and not found" report that cannot hold a child's name.
//! Through both routers with `oneshot`, then against the real binary.

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use common::server::{PUBLIC, STAFF, Server, serve_command};
use common::*;
use waymark::web::{AppState, Audience};

fn valid() -> AppState {
    state(site(fixture("valid")))
}

#[tokio::test]
async fn status_and_metrics_are_for_staff_only() {
    let staff = valid();
    let public = staff.public();
    assert_eq!(staff.audience, Audience::Staff);
    for uri in ["/status", "/metrics"] {
        // The 404 page offers a search for the address's last word, so the
        // unknown address compared with ends in the same word.
        let other = format!("/no-such-folder{uri}");
        let (_, _, unknown) = get(&public, &other).await;
        let (status, _, body) = get(&public, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "public {uri}");
        assert_eq!(
            body.replace(
                &format!("<code>{uri}</code>"),
                &format!("<code>{other}</code>")
            ),
            unknown,
            "public {uri} is the 404 of any unknown address"
        );
        let (status, _, _) = get(&staff, uri).await;
        assert_eq!(status, StatusCode::OK, "staff {uri}");
    }
    // Under a base path too.
    let mounted = AppState::new(site(fixture("valid"))).with_base_path("/send");
    let (status, _) = get_service(&mounted, "/send/status").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get_service(&mounted.staff(), "/send/status").await;
    assert_eq!(status, StatusCode::OK);
    for s in [&staff, &public] {
        let (status, _, body) = get(s, "/healthz").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    }
}

async fn get_service(s: &AppState, uri: &str) -> (StatusCode, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = waymark::web::service(s.clone())
        .oneshot(
            axum::http::Request::get(uri)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn the_public_footer_does_not_link_to_status() {
    let staff = valid();
    let public = staff.public();
    // A search answered for staff first is kept; the public gets the kept
    // answer, which must hold nothing for staff only.
    get(&staff, "/search?q=ear").await;
    for uri in [
        "/",
        "/search?q=ear",
        "/strategies/ear-defenders",
        "/nowhere",
    ] {
        let (_, _, body) = get(&public, uri).await;
        assert!(!body.contains("/status"), "{uri} links to /status");
    }
}

#[tokio::test]
async fn the_newer_version_notice_is_for_editors_only() {
    let mut site = site(fixture("valid"));
    let page = site
        .pages
        .iter_mut()
        .find(|p| p.slug == "strategies/ear-defenders")
        .expect("the fixture has the page");
    Arc::get_mut(page).unwrap().stale = true;
    let staff = AppState::new(site).staff();
    let (_, _, body) = get(&staff, "/strategies/ear-defenders").await;
    assert!(
        body.contains("you are reading its last good version"),
        "{body}"
    );
    let (status, _, body) = get(&staff.public(), "/strategies/ear-defenders").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("last good version"), "{body}");
}

#[tokio::test]
async fn a_childs_name_searched_three_times_never_reaches_status() {
    let s = valid();
    // Each of these finds nothing in the fixture except the third, which
    // finds the ear defenders page.
    let queries = [
        "Jaydon+Smithers",
        "weighted+blanket+for+Jaydon+Smithers",
        "ear+defenders+for+Jaydon+Smithers",
        "trampoline",
    ];
    for _ in 0..3 {
        for q in queries {
            // Both search routes, and the kept answers (asked again).
            get(&s, &format!("/search?q={q}")).await;
            get(&s, &format!("/api/search?q={q}")).await;
        }
    }
    // Through the public listener as well: it counts into the same report.
    get(&s.public(), "/search?q=Jaydon+Smithers").await;
    let (_, _, status) = get(&s, "/status").await;
    for name in ["jaydon", "smithers"] {
        assert!(!status.contains(name), "{name} is on /status:\n{status}");
    }
    assert!(
        status.contains("<td>weighted blanket</td><td>6</td>"),
        "the real words of a query that found nothing still count:\n{status}"
    );
    assert!(
        status.contains("<td>trampoline</td><td>6</td>"),
        "an everyday word the content lacks is counted:\n{status}"
    );
}

// ------------------------------------------------------------ the real binary

/// The binary on the valid fixture with `args`, its admin address only
/// from `args` (never from the environment).
fn start(args: &[&str]) -> Server {
    Server::spawn(
        serve_command()
            .args(["--no-watch", "--content"])
            .arg(fixture("valid"))
            .args(args)
            .env_remove("WAYMARK_ADMIN_ADDR")
            .env("NO_COLOR", "1"),
    )
}

fn status_of(addr: &str, target: &str) -> u16 {
    http_get(addr, target).0
}

#[test]
fn the_binary_serves_status_only_on_the_admin_address() {
    let mut server = start(&["--admin-addr", "127.0.0.1:0"]);
    let public = server.wait_for(PUBLIC);
    let staff = server.wait_for(STAFF);
    assert_ne!(public, staff);
    assert!(
        !staff.ends_with(":0") && !staff.ends_with(":3001"),
        "port 0 picks a free port and logs it: {staff}"
    );
    assert_eq!(
        server
            .log()
            .iter()
            .filter(|l| l.contains(PUBLIC))
            .collect::<Vec<_>>()
            .len(),
        1,
        "only the public address is logged as \"listening on\""
    );
    assert_eq!(status_of(&public, "/status"), 404);
    assert_eq!(status_of(&public, "/metrics"), 404);
    assert_eq!(status_of(&staff, "/status"), 200);
    assert_eq!(status_of(&staff, "/metrics"), 200);
    assert_eq!(status_of(&staff, "/strategies/ear-defenders"), 200);
    assert_eq!(status_of(&public, "/healthz"), 200);
    assert_eq!(status_of(&staff, "/healthz"), 200);
    server.terminate(Duration::from_secs(10));
}

#[test]
fn admin_off_serves_no_staff_pages() {
    let mut server = start(&["--admin-addr", "off"]);
    let public = server.wait_for(PUBLIC);
    assert!(!server.log().iter().any(|l| l.contains(STAFF)));
    assert_eq!(status_of(&public, "/status"), 404);
    server.terminate(Duration::from_secs(10));
}

#[test]
fn a_taken_default_admin_address_is_a_warning() {
    let Ok(_held) = std::net::TcpListener::bind("127.0.0.1:3001") else {
        println!("note: 127.0.0.1:3001 is in use here, so this test cannot hold it; skipped");
        return;
    };
    let mut server = start(&[]);
    let public = server.wait_for(PUBLIC);
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.contains("WARN") && l.contains("127.0.0.1:3001")),
        "{:#?}",
        server.log()
    );
    assert!(!server.log().iter().any(|l| l.contains(STAFF)));
    assert_eq!(status_of(&public, "/healthz"), 200);
    server.terminate(Duration::from_secs(10));
}

#[test]
fn a_taken_explicit_admin_address_is_an_error() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = held.local_addr().unwrap().to_string();
    let mut server = start(&["--admin-addr", &addr]);
    let code = server
        .exit_within(Duration::from_secs(30))
        .expect("the server did not refuse")
        .code();
    assert_eq!(code, Some(2));
    // The log ends with the process: read it to the end.
    let log = server.final_log();
    assert!(
        log.iter()
            .any(|l| l.contains(&addr) && l.contains("staff pages")),
        "the error names the address and what it was for: {log:#?}"
    );
}
