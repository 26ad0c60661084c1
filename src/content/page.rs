//! A validated page: its front matter in typed form and its rendered body.

use std::borrow::Cow;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Serialize;

use super::body::Body;

/// An outside link or a cited source: a title and an https address.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// How strong the evidence for a strategy is, and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Evidence {
    pub strength: String,
    pub sources: Vec<Source>,
}

impl Evidence {
    /// The sources that show what works (research and guidance reports, and
    /// professional bodies' advice), in the order written.
    pub fn evidence_sources(&self) -> impl Iterator<Item = &Source> {
        self.sources
            .iter()
            .filter(|s| s.kind != SourceType::Statutory)
    }

    /// The statutory sources: what the law says, which is not evidence of
    /// what works.
    pub fn law(&self) -> impl Iterator<Item = &Source> {
        self.sources
            .iter()
            .filter(|s| s.kind == SourceType::Statutory)
    }
}

/// A cited publication and the kind of publication it is.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Source {
    pub title: String,
    pub url: String,
    #[serde(rename = "type")]
    pub kind: SourceType,
}

/// How the title of an area's descriptors of need begins; the area's label follows.
pub const DESCRIPTORS_TITLE: &str = "Descriptors of need: ";

/// What kind of publication a source is. Only research and guidance reports
/// can carry a strength above `practice`; statutory sources say what must be
/// done, not what works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SourceType {
    Research,
    GuidanceReport,
    Statutory,
    Professional,
}

impl SourceType {
    /// Every type with the id written in front matter.
    pub const ALL: [(SourceType, &'static str); 4] = [
        (SourceType::Research, "research"),
        (SourceType::GuidanceReport, "guidance-report"),
        (SourceType::Statutory, "statutory"),
        (SourceType::Professional, "professional"),
    ];

    /// The type written as `id`, if it is one.
    pub fn parse(id: &str) -> Option<SourceType> {
        Self::ALL.iter().find(|(_, s)| *s == id).map(|(t, _)| *t)
    }

    /// Whether a source of this type can support a strength above `practice`.
    pub fn shows_what_works(self) -> bool {
        matches!(self, SourceType::Research | SourceType::GuidanceReport)
    }
}

/// What a provision map needs to cost an intervention.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Provision {
    pub sessions_per_week: f64,
    pub session_minutes: f64,
    pub weeks: f64,
    pub group_size: u32,
    pub staff: String,
}

impl Provision {
    /// Staff hours a week for one group.
    pub fn staff_hours_per_week(&self) -> f64 {
        self.sessions_per_week * self.session_minutes / 60.0
    }
}

/// The validated front matter of a page, ids checked against the taxonomy.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Meta {
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub needs: Vec<String>,
    pub tier: Option<String>,
    pub ingredients: Vec<String>,
    /// The phases the page is for; every phase when the page names none.
    pub phases: Vec<String>,
    pub pfa: Vec<String>,
    pub cycle: Vec<String>,
    pub tags: Vec<String>,
    pub links: Vec<Link>,
    pub evidence: Option<Evidence>,
    pub provision: Option<Provision>,
    /// A training page's length in minutes, when it gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<u32>,
    #[serde(serialize_with = "iso_date")]
    #[schemars(with = "String", extend("format" = "date"))]
    pub updated: Date,
    /// Framework id to the ids of its items the page serves (checked).
    /// (`default` marks it optional in `/api/openapi.json`'s schema.)
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub frameworks: crate::framework::Tags,
    /// Still being written (`draft: true`): checked, never served or indexed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
}

fn iso_date<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

/// A heading in a page's body, with the anchor id it carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// Byte offset of the heading in the page's Markdown body.
    #[serde(skip)]
    pub offset: usize,
}

/// A link in a page's body to somewhere in the portal, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InternalLink {
    /// The address as written: `/strategies/x#anchor` or `#anchor`.
    pub target: String,
    pub line: usize,
    pub col: usize,
}

/// One page of the portal, ready to serve and index.
///
/// It keeps its Markdown, not its HTML: the HTML is made again when a page
/// is shown ([`Page::html`], well under a millisecond), so a large corpus
/// is not held in memory twice. Serialised, a page is what
/// `/api/pages/{slug}` answers: slug, url, every front matter field and html.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub slug: String,
    pub url: String,
    pub meta: Meta,
    /// The Markdown after the front matter and its plain text (for the
    /// index and snippets), in memory or in the file of page bodies.
    pub body: Body,
    pub headings: Vec<Heading>,
    /// Links in the body to other pages of the portal.
    pub internal_links: Vec<InternalLink>,
    /// The file the page was read from.
    pub source: std::path::PathBuf,
    /// True when the file now has a problem and this is its last good version.
    pub stale: bool,
    /// Addresses of hidden pages this page links to: those links are shown
    /// as their text alone.
    pub unlinked: Vec<String>,
}

/// A page as `/api/pages/{slug}` answers it (and as its JSON Schema is made).
#[derive(Serialize, JsonSchema)]
pub struct PageAnswer<'a> {
    pub slug: &'a str,
    pub url: &'a str,
    #[serde(flatten)]
    pub meta: &'a Meta,
    /// The body as sanitised HTML.
    pub html: String,
}

impl Serialize for Page {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        PageAnswer {
            slug: &self.slug,
            url: &self.url,
            meta: &self.meta,
            html: self.html(),
        }
        .serialize(serializer)
    }
}

/// Letters of a short id: RFC 4648 base32, lower case, so an id is read
/// aloud and typed without doubt (no 0/O or 1/l pairs).
const SHORT_ID_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// How many letters a short id has: 30 bits, enough that thousands of pages
/// are very unlikely to share one (a clash fails the load, see
/// `Site::load`).
pub const SHORT_ID_LEN: usize = 6;

/// A page's short id from its slug: six base32 letters of the slug's
/// CRC-32, the same on every build and machine, so a plan's link of short
/// ids keeps working while the slugs do.
pub fn short_id(slug: &str) -> String {
    let hash = crc32fast::hash(slug.as_bytes());
    (0..SHORT_ID_LEN)
        .map(|i| char::from(SHORT_ID_ALPHABET[((hash >> (27 - 5 * i)) & 31) as usize]))
        .collect()
}

impl Page {
    /// The page's short id, for links that must fit on a line: see [`short_id`].
    pub fn short_id(&self) -> String {
        short_id(&self.slug)
    }

    /// The Markdown body as written: the source of its HTML and of exports.
    pub fn markdown(&self) -> Cow<'_, str> {
        self.body.markdown()
    }

    /// The body as plain text, for the index and snippets.
    pub fn text(&self) -> Cow<'_, str> {
        self.body.text()
    }

    /// The body as sanitised HTML, made from the Markdown.
    pub fn html(&self) -> String {
        let html = super::markdown::render(&self.markdown()).html;
        if self.unlinked.is_empty() {
            html
        } else {
            super::layers::unlink(&html, &self.unlinked)
        }
    }

    pub fn is_kind(&self, kind: &str) -> bool {
        self.meta.kind == kind
    }

    /// Whether this is an area's descriptors of need: a guidance page titled
    /// "Descriptors of need: <area label>" (the contract in INTERFACE.md).
    pub fn is_descriptors(&self) -> bool {
        self.is_kind("guidance") && self.meta.title.starts_with(DESCRIPTORS_TITLE)
    }

    pub fn has_need(&self, need: &str) -> bool {
        self.meta.needs.iter().any(|n| n == need)
    }

    /// The steps a plan can tick: the items of the first ordered list under
    /// "What you can do", as Markdown, numbered from 1 by their place.
    pub fn steps(&self) -> Vec<String> {
        self.section("what-you-can-do")
            .map(|md| super::markdown::ordered_list_items(&md))
            .unwrap_or_default()
    }

    /// The Markdown under a heading (by anchor id), up to the next heading of
    /// the same or a higher level: "what-you-can-do" gives that section's steps.
    pub fn section(&self, id: &str) -> Option<String> {
        let i = self.headings.iter().position(|h| h.id == id)?;
        let heading = &self.headings[i];
        let markdown = self.markdown();
        let from = markdown.get(heading.offset..)?;
        let start = from
            .find('\n')
            .map_or(markdown.len(), |n| heading.offset + n + 1);
        let end = self.headings[i + 1..]
            .iter()
            .find(|h| h.level <= heading.level)
            .map_or(markdown.len(), |h| h.offset);
        Some(markdown.get(start..end.max(start))?.trim().to_string())
    }
}

#[cfg(test)]
mod short_id_tests {
    use super::*;

    #[test]
    fn a_short_id_is_six_base32_letters_fixed_by_the_slug() {
        let id = short_id("strategies/movement-breaks-for-attention");
        assert_eq!(id.len(), SHORT_ID_LEN);
        assert!(id.bytes().all(|b| SHORT_ID_ALPHABET.contains(&b)), "{id}");
        // Fixed: the same on every build and machine.
        assert_eq!(id, short_id("strategies/movement-breaks-for-attention"));
        assert_eq!(short_id(""), "aaaaaa");
        assert_ne!(id, short_id("strategies/movement-breaks-for-attentio"));
    }
}
