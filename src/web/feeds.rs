//! Feeds for machines: `/sitemap.xml` (every page, its review date as
//! `lastmod`) and `/feed.xml` (an Atom feed of the most recently reviewed
//! pages).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::routes;
use crate::search::query::escape_html;

/// Entries in the Atom feed.
pub const FEED_ENTRIES: usize = 50;

/// Escapes text for XML content and attribute values: the HTML escaping
/// the portal already uses (its entities are valid XML), after dropping the
/// control characters XML 1.0 forbids.
fn xml(text: &str) -> String {
    let allowed: String = text
        .chars()
        .filter(|c| (*c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    escape_html(&allowed)
}

fn xml_response(content_type: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// `GET /sitemap.xml`: a line for every page, made off the event loop.
pub async fn sitemap(State(state): State<AppState>) -> Response {
    let site = state.site();
    let base = state.public_base(&site);
    super::off_loop(move || sitemap_xml(&site, &base)).await
}

fn sitemap_xml(site: &crate::site::Site, base: &str) -> Response {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let home = xml(&format!("{base}{}", routes::home()));
    out.push_str(&format!("  <url><loc>{home}</loc></url>\n"));
    for page in &site.pages {
        out.push_str(&format!(
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            xml(&format!("{base}{}", page.url)),
            page.meta.updated
        ));
    }
    out.push_str("</urlset>\n");
    xml_response("application/xml; charset=utf-8", out)
}

/// `GET /feed.xml`: the most recently reviewed pages, newest first (all
/// pages are sorted, off the event loop).
pub async fn atom(State(state): State<AppState>) -> Response {
    let site = state.site();
    let base = state.public_base(&site);
    super::off_loop(move || atom_xml(&site, &base)).await
}

fn atom_xml(site: &crate::site::Site, base: &str) -> Response {
    let mut pages: Vec<_> = site.pages.iter().collect();
    pages.sort_by(|a, b| {
        b.meta
            .updated
            .cmp(&a.meta.updated)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    pages.truncate(FEED_ENTRIES);
    let updated = pages
        .first()
        .map_or_else(|| "1970-01-01".to_string(), |p| p.meta.updated.to_string());
    let author = if site.config.authority.is_empty() {
        &site.config.name
    } else {
        &site.config.authority
    };
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!(
        "  <title>{}: recently reviewed pages</title>\n",
        xml(&site.config.name)
    ));
    let home = xml(&format!("{base}{}", routes::home()));
    out.push_str(&format!("  <id>{home}</id>\n"));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}{}\"/>\n",
        xml(base),
        routes::Route::Feed.path()
    ));
    out.push_str(&format!("  <link rel=\"alternate\" href=\"{home}\"/>\n"));
    out.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml(author)
    ));
    for page in pages {
        let url = xml(&format!("{base}{}", page.url));
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", xml(&page.meta.title)));
        out.push_str(&format!("    <id>{url}</id>\n"));
        out.push_str(&format!("    <link rel=\"alternate\" href=\"{url}\"/>\n"));
        out.push_str(&format!(
            "    <updated>{}T00:00:00Z</updated>\n",
            page.meta.updated
        ));
        out.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml(&page.meta.summary)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    xml_response("application/atom+xml; charset=utf-8", out)
}
