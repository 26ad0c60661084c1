//! What the index cache keeps of a snapshot besides the tantivy files: its
//! pages, problems and vocabulary, in plain serde types of our own written
//! with postcard, so a change to a page's serialised form for the API can
//! never change what is read back here. The pages' bodies go to a file of
//! their own ([`write_bodies`]), which a warm start reads in place.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::content::BodyStore;
use crate::content::page::{
    Evidence, Heading, InternalLink, Link, Meta, Page, Provision, Source, SourceType,
};
use crate::problem::{Kind, Problem, Severity};
use crate::search::vocabulary::Vocabulary;

/// The pages, problems and vocabulary of one snapshot.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredSite {
    pages: Vec<StoredPage>,
    problems: Vec<StoredProblem>,
    file_problems: Vec<StoredProblem>,
    vocabulary: Vec<(String, u32)>,
}

/// A [`StoredSite`] turned back into what a snapshot holds.
pub struct Restored {
    pub pages: Vec<Arc<Page>>,
    pub problems: Vec<Problem>,
    pub file_problems: Vec<Problem>,
    pub vocabulary: Vocabulary,
}

/// Why stored bytes could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum StoredError {
    #[error("cannot decode the stored pages: {0}")]
    Decode(#[from] postcard::Error),
    #[error("a stored page has an impossible date, source type or body")]
    Invalid,
}

/// Where a page's body is in the file of bodies: its start, then the
/// lengths of its Markdown and of its text, which follows.
pub type Place = (u64, u32, u32);

/// Writes every page's body (Markdown, then text) to `out`, one after
/// another, and returns their places, in the pages' order.
pub fn write_bodies(
    pages: &[Arc<Page>],
    out: &mut crate::cache::disk::Streamed,
) -> std::io::Result<Vec<Place>> {
    let too_long = || std::io::Error::other("a page body over 4 GiB");
    pages
        .iter()
        .map(|page| {
            let at = out.written();
            let (markdown, text) = (page.markdown(), page.text());
            out.write_all(markdown.as_bytes())?;
            out.write_all(text.as_bytes())?;
            Ok((
                at,
                u32::try_from(markdown.len()).map_err(|_| too_long())?,
                u32::try_from(text.len()).map_err(|_| too_long())?,
            ))
        })
        .collect()
}

impl StoredSite {
    /// `places` are the pages' bodies' places, from [`write_bodies`].
    pub fn of(
        pages: &[Arc<Page>],
        places: &[Place],
        problems: &[Problem],
        file_problems: &[Problem],
        vocabulary: &Vocabulary,
    ) -> StoredSite {
        let mut words: Vec<(String, u32)> = vocabulary
            .counts()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        // Sorted, so the same snapshot always gives the same bytes.
        words.sort_unstable();
        StoredSite {
            pages: pages
                .iter()
                .zip(places)
                .map(|(p, place)| StoredPage::of(p, *place))
                .collect(),
            problems: problems.iter().map(StoredProblem::of).collect(),
            file_problems: file_problems.iter().map(StoredProblem::of).collect(),
            vocabulary: words,
        }
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_allocvec(self)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<StoredSite, StoredError> {
        Ok(postcard::from_bytes(bytes)?)
    }

    /// The snapshot's parts, the pages' bodies read from `bodies`.
    pub fn restore(self, bodies: &Arc<BodyStore>) -> Result<Restored, StoredError> {
        let pages = self
            .pages
            .into_iter()
            .map(|p| p.restore(bodies).map(Arc::new))
            .collect::<Option<Vec<_>>>()
            .ok_or(StoredError::Invalid)?;
        Ok(Restored {
            pages,
            problems: self
                .problems
                .into_iter()
                .map(StoredProblem::restore)
                .collect(),
            file_problems: self
                .file_problems
                .into_iter()
                .map(StoredProblem::restore)
                .collect(),
            vocabulary: Vocabulary::from_counts(self.vocabulary),
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredProblem {
    path: PathBuf,
    line: usize,
    col: usize,
    error: bool,
    kind: Kind,
    message: String,
}

impl StoredProblem {
    fn of(p: &Problem) -> StoredProblem {
        StoredProblem {
            path: p.path.clone(),
            line: p.line,
            col: p.col,
            error: p.is_error(),
            kind: p.kind,
            message: p.message.clone(),
        }
    }

    fn restore(self) -> Problem {
        Problem {
            path: self.path,
            line: self.line,
            col: self.col,
            severity: if self.error {
                Severity::Error
            } else {
                Severity::Warning
            },
            kind: self.kind,
            message: self.message,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredPage {
    slug: String,
    url: String,
    meta: StoredMeta,
    /// Where its body is in the file of bodies.
    body: Place,
    /// Level, anchor id, text and byte offset of each heading.
    headings: Vec<(u8, String, String, u64)>,
    /// Target, line and column of each internal link.
    internal_links: Vec<(String, u64, u64)>,
    source: PathBuf,
    stale: bool,
    unlinked: Vec<String>,
}

/// A cited source's title, address and type id.
type StoredSource = (String, String, String);

#[derive(Debug, Serialize, Deserialize)]
struct StoredMeta {
    title: String,
    summary: String,
    kind: String,
    needs: Vec<String>,
    tier: Option<String>,
    ingredients: Vec<String>,
    phases: Vec<String>,
    pfa: Vec<String>,
    cycle: Vec<String>,
    tags: Vec<String>,
    /// Title and address.
    links: Vec<(String, String)>,
    /// Strength, then each source's title, address and type id.
    evidence: Option<(String, Vec<StoredSource>)>,
    /// Sessions a week, minutes, weeks, group size and staff role.
    provision: Option<(f64, f64, f64, u32, String)>,
    duration_minutes: Option<u32>,
    /// Year, month and day.
    updated: (i16, i8, i8),
    frameworks: BTreeMap<String, Vec<String>>,
    draft: bool,
}

impl StoredPage {
    fn of(page: &Page, place: Place) -> StoredPage {
        // Destructured, so a field added to `Page` or `Meta` fails to compile
        // here until the cache keeps it too.
        let Page {
            slug,
            url,
            meta,
            body: _,
            headings,
            internal_links,
            source,
            stale,
            unlinked,
        } = page;
        let Meta {
            title,
            summary,
            kind,
            needs,
            tier,
            ingredients,
            phases,
            pfa,
            cycle,
            tags,
            links,
            evidence,
            provision,
            duration_minutes,
            updated,
            frameworks,
            draft,
        } = meta;
        StoredPage {
            slug: slug.clone(),
            url: url.clone(),
            meta: StoredMeta {
                title: title.clone(),
                summary: summary.clone(),
                kind: kind.clone(),
                needs: needs.clone(),
                tier: tier.clone(),
                ingredients: ingredients.clone(),
                phases: phases.clone(),
                pfa: pfa.clone(),
                cycle: cycle.clone(),
                tags: tags.clone(),
                links: links
                    .iter()
                    .map(|l| (l.title.clone(), l.url.clone()))
                    .collect(),
                evidence: evidence.as_ref().map(|e| {
                    let sources = e
                        .sources
                        .iter()
                        .map(|s| (s.title.clone(), s.url.clone(), type_id(s.kind).to_string()))
                        .collect();
                    (e.strength.clone(), sources)
                }),
                provision: provision.as_ref().map(|p| {
                    (
                        p.sessions_per_week,
                        p.session_minutes,
                        p.weeks,
                        p.group_size,
                        p.staff.clone(),
                    )
                }),
                duration_minutes: *duration_minutes,
                updated: (updated.year(), updated.month(), updated.day()),
                frameworks: frameworks.clone(),
                draft: *draft,
            },
            body: place,
            headings: headings
                .iter()
                .map(|h| (h.level, h.id.clone(), h.text.clone(), h.offset as u64))
                .collect(),
            internal_links: internal_links
                .iter()
                .map(|l| (l.target.clone(), l.line as u64, l.col as u64))
                .collect(),
            source: source.clone(),
            stale: *stale,
            unlinked: unlinked.clone(),
        }
    }

    /// The page, or `None` when a date, source type or body cannot be one.
    fn restore(self, bodies: &Arc<BodyStore>) -> Option<Page> {
        let m = self.meta;
        let evidence = match m.evidence {
            None => None,
            Some((strength, sources)) => Some(Evidence {
                strength,
                sources: sources
                    .into_iter()
                    .map(|(title, url, kind)| {
                        SourceType::parse(&kind).map(|kind| Source { title, url, kind })
                    })
                    .collect::<Option<Vec<_>>>()?,
            }),
        };
        let (year, month, day) = m.updated;
        let updated = jiff::civil::Date::new(year, month, day).ok()?;
        let (at, markdown_len, text_len) = self.body;
        let body = bodies.body(at, markdown_len, text_len)?;
        let markdown_len = u64::from(markdown_len);
        let headings = self
            .headings
            .into_iter()
            .map(|(level, id, text, offset)| {
                // An offset past the Markdown would panic when a section is cut.
                (offset <= markdown_len).then_some(Heading {
                    level,
                    id,
                    text,
                    offset: offset as usize,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Page {
            slug: self.slug,
            url: self.url,
            meta: Meta {
                title: m.title,
                summary: m.summary,
                kind: m.kind,
                needs: m.needs,
                tier: m.tier,
                ingredients: m.ingredients,
                phases: m.phases,
                pfa: m.pfa,
                cycle: m.cycle,
                tags: m.tags,
                links: m
                    .links
                    .into_iter()
                    .map(|(title, url)| Link { title, url })
                    .collect(),
                evidence,
                provision: m.provision.map(
                    |(sessions_per_week, session_minutes, weeks, group_size, staff)| Provision {
                        sessions_per_week,
                        session_minutes,
                        weeks,
                        group_size,
                        staff,
                    },
                ),
                duration_minutes: m.duration_minutes,
                updated,
                frameworks: m.frameworks,
                draft: m.draft,
            },
            body,
            headings,
            internal_links: self
                .internal_links
                .into_iter()
                .map(|(target, line, col)| InternalLink {
                    target,
                    line: line as usize,
                    col: col as usize,
                })
                .collect(),
            source: self.source,
            stale: self.stale,
            unlinked: self.unlinked,
        })
    }
}

fn type_id(kind: SourceType) -> &'static str {
    SourceType::ALL
        .iter()
        .find(|(t, _)| *t == kind)
        .map_or("research", |(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_comes_back_as_it_was_stored() {
        let taxonomy = crate::taxonomy::Taxonomy::builtin();
        let need = taxonomy.needs_in_order()[0].0.id;
        let text = format!(
            "---\ntitle: A page\nsummary: A page.\nkind: strategy\nevidence:\n  strength: practice\n  sources:\n    - title: A report\n      url: https://example.org/r\n      type: statutory\nneeds: [{need}]\ntier: universal\nupdated: 2026-08-15\nlinks:\n  - title: More\n    url: https://example.org/more\n---\n## What you can do\n\n1. One [link](/strategies/other#x).\n2. Two.\n"
        );
        let page = crate::content::test_page("strategies/a-page", &text);
        let mut vocabulary = Vocabulary::default();
        vocabulary.add_text("ear defenders ear");
        vocabulary.finish();
        let problem = Problem::warning(
            Kind::Settings,
            "x.md",
            crate::problem::Pos::new(3, 4),
            "a warning",
        );
        let dir = tempfile::tempdir().unwrap();
        let mut writer = crate::cache::disk::Writer::new(dir.path()).unwrap();
        let places = writer
            .add_streamed("bodies.bin", |out| {
                write_bodies(std::slice::from_ref(&page), out)
            })
            .unwrap();
        let stored = StoredSite::of(
            std::slice::from_ref(&page),
            &places,
            std::slice::from_ref(&problem),
            &[],
            &vocabulary,
        );
        let bytes = stored.to_bytes().unwrap();
        let length = (page.markdown().len() + page.text().len()) as u64;
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(page.markdown().as_bytes()).unwrap();
        file.write_all(page.text().as_bytes()).unwrap();
        let bodies =
            BodyStore::read_only(file, length, std::path::Path::new("bodies.bin")).unwrap();
        let back = StoredSite::from_bytes(&bytes)
            .unwrap()
            .restore(&bodies)
            .unwrap();
        assert_eq!(*back.pages[0], *page);
        // A body's place past the end of its file is refused.
        let short = BodyStore::read_only(
            tempfile::tempfile().unwrap(),
            length - 1,
            std::path::Path::new("short"),
        )
        .unwrap();
        assert!(
            StoredSite::from_bytes(&bytes)
                .unwrap()
                .restore(&short)
                .is_err()
        );
        assert_eq!(back.problems, vec![problem]);
        assert!(back.vocabulary.contains("defenders"));
        assert!(StoredSite::from_bytes(&bytes[..bytes.len() / 2]).is_err());
    }
}
