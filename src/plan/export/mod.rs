//! A plan or session taken away, in every format behind one [`Export`]
//! trait: Markdown (`markdown`), a CSV provision map (`csv`), a Word
//! document (`docx`), a saved plan (`json`) and the session's slides as
//! PowerPoint (`pptx`). [`FORMATS`] lists them; the router gives each one the
//! route [`Export::path`] names, so a new format is a file beside these and
//! a line in [`FORMATS`].

pub mod csv;
pub mod docx;
pub mod escape;
pub mod json;
pub mod markdown;
pub(crate) mod ooxml;
pub mod pptx;

use super::Plan;

pub use csv::CSV_COLUMNS;
pub use escape::{md_text, quote_markdown};

/// The privacy note every export carries.
pub const PRIVACY: &str = "Waymark stores nothing about any child. What is written in this plan went only into this document: keep it as you keep any pupil record.";

/// Which layout to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// An assess-plan-do-review plan for a pupil.
    Plan,
    /// A staff session grouped by key ingredient.
    Session,
}

impl View {
    /// The downloaded file's name, less its extension.
    pub fn file_stem(self) -> &'static str {
        match self {
            View::Plan => "waymark-plan",
            View::Session => "waymark-session",
        }
    }
}

/// Why an export could not be made. Its text is for the log only: the
/// person asking is told the export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Csv(#[from] ::csv::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The Word document could not be packed into its zip file.
    #[error(transparent)]
    Docx(Box<dyn std::error::Error + Send + Sync>),
}

/// One format a plan or session can be downloaded in.
pub trait Export: Sync {
    /// A short name for the format, unique among [`FORMATS`].
    fn id(&self) -> &'static str;

    /// The route that answers with this format: `/plan.` and the extension
    /// the downloaded file gets.
    fn path(&self) -> &'static str;

    /// The `Content-Type` of the answer.
    fn content_type(&self) -> &'static str;

    /// The link's text on the plan page ("Word document").
    fn label(&self) -> &'static str;

    /// The plan or session in this format; `share_url` is the plan's own
    /// absolute address, quoted in the export.
    fn render(&self, plan: &Plan, view: View, share_url: &str) -> Result<Vec<u8>, ExportError>;

    /// Whether a pupil's plan offers this format (slides are the session's).
    fn in_plan(&self) -> bool {
        true
    }

    /// Whether a staff session offers this format (a session has no pupil
    /// plan to save and no provision map).
    fn in_session(&self) -> bool {
        true
    }

    /// The downloaded file's extension, without the dot: the path's.
    fn file_extension(&self) -> &'static str {
        let path = self.path();
        path.rsplit_once('.')
            .map_or(path, |(_, extension)| extension)
    }

    /// The downloaded file's name.
    fn file_name(&self, view: View) -> String {
        format!("{}.{}", view.file_stem(), self.file_extension())
    }
}

/// Every export format, each answered at its own route, in the order the
/// plan page offers them.
pub const FORMATS: &[&dyn Export] = &[
    &docx::Word,
    &markdown::Markdown,
    &csv::ProvisionMap,
    &json::SavedPlan,
    &pptx::Slides,
];

/// One of [`FORMATS`], as a route names it: chosen when the router is
/// built, never by reading the request's path.
#[derive(Clone, Copy)]
pub struct Format(pub &'static dyn Export);

impl Format {
    pub fn exporter(self) -> &'static dyn Export {
        self.0
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Format) -> bool {
        self.0.id() == other.0.id()
    }
}

impl Eq for Format {}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.id())
    }
}

/// `https://host` from a share URL, for links to single pages.
fn base_of(url: &str) -> &str {
    match url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(end) => &url[..end],
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_is_listed_once_at_its_own_route() {
        for (i, format) in FORMATS.iter().enumerate() {
            for earlier in &FORMATS[..i] {
                assert_ne!(earlier.id(), format.id(), "{} listed twice", format.id());
                assert_ne!(earlier.path(), format.path(), "{}", format.id());
            }
            assert!(format.path().starts_with("/plan."), "{}", format.id());
        }
    }

    #[test]
    fn downloads_are_named_by_view_and_extension() {
        let names: Vec<String> = FORMATS.iter().map(|f| f.file_name(View::Plan)).collect();
        assert_eq!(
            names,
            [
                "waymark-plan.docx",
                "waymark-plan.md",
                "waymark-plan.csv",
                "waymark-plan.json",
                "waymark-session.pptx"
            ]
        );
        assert_eq!(
            markdown::Markdown.file_name(View::Session),
            "waymark-session.md"
        );
    }

    #[test]
    fn a_share_url_gives_its_scheme_and_host() {
        assert_eq!(
            base_of("https://example.org/send/plan?items=a"),
            "https://example.org"
        );
        assert_eq!(
            base_of("http://127.0.0.1:3000/plan"),
            "http://127.0.0.1:3000"
        );
        assert_eq!(base_of("no-scheme"), "no-scheme");
    }
}
