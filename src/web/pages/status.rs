//! The staff status page, and the 404 its address gives on the public listener.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;

use super::{count_pages, not_found};
use crate::web::AppState;
use crate::web::views::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "status.html")]
pub struct StatusTemplate {
    chrome: Chrome,
    pages: usize,
    by_kind: Vec<(String, usize)>,
    by_tier: Vec<(String, usize)>,
    stale: Vec<(String, String)>,
    errors: Vec<String>,
    warnings: Vec<String>,
    /// Why live reload is not keeping up (a refused settings file, a stuck
    /// reload, a missing content folder), from [`crate::watch::ReloadState`].
    reload_notices: Vec<String>,
    loaded_at: String,
    load_ms: String,
    reloads: u64,
    taxonomy_source: String,
    missing: Vec<(String, u64)>,
    min_shown: u64,
    /// `base_url` from site.yaml: whole addresses in print and exports.
    base_url: Option<String>,
    /// The content folders, lowest first, when there is more than one.
    layers: Vec<String>,
}

pub async fn status(State(state): State<AppState>) -> StatusTemplate {
    let site = state.site();
    StatusTemplate {
        chrome: Chrome::new(&site, "Content status"),
        base_url: site.config.base_url.clone(),
        layers: if site.layers.len() > 1 {
            site.layers
                .iter()
                .map(|l| l.display().to_string())
                .collect()
        } else {
            Vec::new()
        },
        pages: site.pages.len(),
        by_kind: site
            .taxonomy
            .kinds
            .iter()
            .map(|k| (k.label.clone(), count_pages(&site, |p| p.meta.kind == k.id)))
            .collect(),
        by_tier: site
            .taxonomy
            .tiers
            .iter()
            .map(|t| {
                (
                    t.label.clone(),
                    count_pages(&site, |p| p.meta.tier.as_deref() == Some(&t.id)),
                )
            })
            .collect(),
        stale: site
            .pages
            .iter()
            .filter(|p| p.stale)
            .map(|p| (p.url.clone(), p.meta.title.clone()))
            .collect(),
        errors: site.errors().map(|p| site.show(p)).collect(),
        warnings: site.warnings().map(|p| site.show(p)).collect(),
        reload_notices: state.reload.notices(),
        loaded_at: site.loaded_at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
        load_ms: format!("{:.0}", site.load_time.as_secs_f64() * 1000.0),
        reloads: state.metrics.reloads(),
        taxonomy_source: if site.taxonomy_from_folder {
            "taxonomy.yaml in the content folder".into()
        } else {
            "the built-in taxonomy (the content folder has no taxonomy.yaml)".into()
        },
        missing: state.missing.top(20),
        min_shown: crate::web::missing::MIN_SHOWN,
    }
}

/// `/status` and `/metrics` on the public listener: the 404 page of any
/// unknown address, so nothing tells a visitor they exist elsewhere.
pub async fn staff_only(State(state): State<AppState>, uri: Uri) -> Response {
    not_found(&state.site(), uri.path())
}
