//! Open data: what lets other councils and tools reuse the content. Each
//! page's schema.org JSON-LD and the taxonomy's ([`jsonld`]), the content
//! folder as a zip ([`bundle`]) and the JSON API's OpenAPI description
//! ([`openapi`]).

pub mod bundle;
pub mod jsonld;
pub mod openapi;

/// `path` (a portal address such as `/needs/adhd`) made absolute with the
/// site's `base_url` when it gives one; else the path as it is.
pub fn address(base_url: Option<&str>, path: &str) -> String {
    match base_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => path.to_string(),
    }
}
