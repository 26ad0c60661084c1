//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod html_safety;
pub mod server;

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use waymark::content::LoadOptions;
use waymark::site::Site;
use waymark::web::{AppState, app};

/// The date tests treat as today, so review-date warnings never drift.
pub const TODAY: &str = "2026-12-06";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

pub fn options(content: PathBuf) -> LoadOptions {
    LoadOptions {
        today: TODAY.parse().unwrap(),
        ..LoadOptions::new(content)
    }
}

/// Puts the valid fixture's one strategy, `strategies/movement-breaks`,
/// into `dir`: the smallest content folder that loads.
pub fn one_page_in(dir: &std::path::Path) {
    std::fs::create_dir_all(dir.join("strategies")).unwrap();
    std::fs::copy(
        fixture("valid/strategies/movement-breaks.md"),
        dir.join("strategies/movement-breaks.md"),
    )
    .unwrap();
}

pub fn site(content: PathBuf) -> Site {
    Site::load(&options(content)).expect("the content loads")
}

pub fn bundled() -> Site {
    site(root().join("content"))
}

/// The staff listener's view (the whole portal plus `/status`, `/metrics`
/// and editors' notices), so tests can read `/status`; tests of what the
/// public sees use `state(..).public()`.
pub fn state(site: Site) -> AppState {
    AppState::new(site).staff()
}

/// Sends one GET through the router and returns status, content type and body.
pub async fn get(state: &AppState, uri: &str) -> (StatusCode, String, String) {
    let (status, content_type, bytes) = get_bytes(state, uri).await;
    (status, content_type, String::from_utf8(bytes).unwrap())
}

/// Like [`get`], for a body that is not text (a Word document, say).
pub async fn get_bytes(state: &AppState, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let response = app(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, content_type, bytes.to_vec())
}

pub async fn get_json(state: &AppState, uri: &str) -> (StatusCode, serde_json::Value) {
    let (status, content_type, body) = get(state, uri).await;
    assert!(
        content_type.starts_with("application/json"),
        "{uri}: {content_type}"
    );
    (status, serde_json::from_str(&body).unwrap())
}

/// A plain HTTP/1.1 GET over TCP to a running binary, with a 10 s read
/// timeout; returns the status code (0 when there was no answer) and body.
pub fn http_get(addr: &str, target: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// A whole answer through the router: status, headers and body as text.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

/// Sends any request through the whole service (nested under the base
/// path, when the state has one).
pub async fn send(state: &AppState, request: Request<Body>) -> Answer {
    let response = waymark::web::service(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// One part of an Office file (a zip), such as `word/document.xml` or
/// `ppt/presentation.xml`, as text.
pub fn zip_part(file: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(file)).expect("a zip file");
    let mut text = String::new();
    archive
        .by_name(name)
        .expect(name)
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Copies a folder and everything under it to `to`, which is made.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The tiers' labels as `/api/taxonomy` gives them, in order.
pub async fn tier_labels(state: &AppState) -> Vec<String> {
    let (_, json) = get_json(state, "/api/taxonomy").await;
    json["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap().to_string())
        .collect()
}
