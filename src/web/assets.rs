//! The portal's own assets (stylesheet, script, icon), built into the binary
//! and served under fingerprinted names with a year-long cache, so a browser
//! fetches each version once and a new build can never be served stale.
//!
//! The plain names (`/static/style.css`) still answer, with `no-cache`, for
//! anyone who linked to them. Only the files listed here are served: there is
//! no path to resolve, so nothing outside `static/` can be reached.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::fingerprint::fingerprinted;

/// How long a fingerprinted asset may be cached: a year, and never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Plain names and generated files are revalidated on every use.
pub const REVALIDATE: &str = "no-cache";

/// One asset: its bytes, type and fingerprinted name.
#[derive(Debug)]
pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// `style.1a2b3c4d.css`.
    pub name: String,
}

/// The files of `static/`, compiled in.
const FILES: &[(&str, &[u8], &str)] = &[
    (
        "style.css",
        include_bytes!("../../static/style.css"),
        "text/css; charset=utf-8",
    ),
    (
        "waymark.js",
        include_bytes!("../../static/waymark.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "icon.svg",
        include_bytes!("../../static/icon.svg"),
        "image/svg+xml",
    ),
];

/// Every asset by plain name, and the plain name of every fingerprinted one.
pub struct Assets {
    by_plain: HashMap<&'static str, Asset>,
    by_fingerprint: HashMap<String, &'static str>,
}

pub static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let mut by_plain = HashMap::new();
    let mut by_fingerprint = HashMap::new();
    for &(plain, bytes, content_type) in FILES {
        let name = fingerprinted(plain, bytes);
        by_fingerprint.insert(name.clone(), plain);
        by_plain.insert(
            plain,
            Asset {
                bytes,
                content_type,
                name,
            },
        );
    }
    Assets {
        by_plain,
        by_fingerprint,
    }
});

impl Assets {
    /// The address to link to for a plain name: `/static/style.1a2b3c4d.css`.
    /// Panics on a name that is not compiled in, which is a bug in a template.
    pub fn url(&self, plain: &str) -> String {
        let asset = self
            .by_plain
            .get(plain)
            .unwrap_or_else(|| panic!("no asset named {plain}"));
        crate::routes::static_file(&asset.name)
    }

    /// Finds a requested file and whether its name was fingerprinted.
    pub fn find(&self, file: &str) -> Option<(&Asset, bool)> {
        if let Some(plain) = self.by_fingerprint.get(file) {
            return self.by_plain.get(plain).map(|a| (a, true));
        }
        self.by_plain.get(file).map(|a| (a, false))
    }
}

/// `GET /static/{file}`.
pub async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    match ASSETS.find(&file) {
        Some((asset, fingerprinted)) => respond(asset.bytes, asset.content_type, fingerprinted),
        None => super::pages::not_found(&state.site(), &crate::routes::static_file(&file)),
    }
}

/// A body with its type and the cache header its name deserves.
pub fn respond(
    bytes: impl Into<axum::body::Body>,
    content_type: &'static str,
    immutable: bool,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(if immutable { IMMUTABLE } else { REVALIDATE }),
            ),
        ],
        bytes.into(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_change_with_the_bytes() {
        let a = fingerprinted("style.css", b"a");
        let b = fingerprinted("style.css", b"b");
        assert_ne!(a, b);
        assert!(a.starts_with("style.") && a.ends_with(".css"), "{a}");
        assert_eq!(a.len(), "style..css".len() + 8);
    }

    #[test]
    fn every_asset_is_found_by_both_names() {
        for (plain, _, _) in FILES {
            let url = ASSETS.url(plain);
            let name = url.trim_start_matches(crate::routes::Route::Static.prefix().unwrap());
            assert!(ASSETS.find(name).unwrap().1, "{name} is fingerprinted");
            assert!(!ASSETS.find(plain).unwrap().1, "{plain} is plain");
        }
        assert!(ASSETS.find("../Cargo.toml").is_none());
    }
}
