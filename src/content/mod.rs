//! Content: reading a folder of Markdown pages into validated [`Page`]s.
//!
//! One step per module: `frontmatter` splits and reads the YAML, `locate`
//! finds where a field is written, `validate` checks it against the
//! taxonomy, `markdown` renders the body, `slug` names the page, `changes`
//! sorts changed paths into what they mean, `loader` reads the folder or
//! applies those changes to the last load, `layers` stacks content folders. Beside `Page`: `related` finds a
//! page's related pages, `provision` states what its provision block tells
//! a reader.

pub mod body;
pub mod changes;
mod flat;
pub mod frontmatter;
pub mod layers;
pub mod links;
pub mod loader;
pub mod locate;
pub mod markdown;
pub mod page;
pub mod provision;
pub mod related;
pub mod slug;
pub mod validate;

pub use body::{Body, BodyStore};
pub use changes::ChangeSet;
pub use loader::{Before, Changed, ExtraSettings, LoadError, LoadOptions, Loaded, load};
pub use page::{
    Evidence, Heading, InternalLink, Link, Meta, Page, Provision, Source, SourceType, short_id,
};

use crate::problem::{Kind, Problem};

use locate::Locator;
use validate::Context;

/// Parses one page's text into a [`Page`], or the problems that stop it.
/// Warnings come back alongside a page that is still usable.
pub fn parse_page(text: &str, slug: &str, cx: &Context) -> (Option<Page>, Vec<Problem>) {
    let split = match frontmatter::split(text) {
        Ok(s) => s,
        Err(e) => {
            return (
                None,
                vec![Problem::error(Kind::FrontMatter, cx.path, e.pos, e.message)],
            );
        }
    };
    let locator = Locator::new(split.yaml, split.yaml_line);
    let (raw, errors) = frontmatter::parse(split.yaml, &locator);
    let mut problems: Vec<Problem> = errors
        .into_iter()
        .map(|e| Problem::error(Kind::Yaml, cx.path, e.pos, e.message))
        .collect();
    let Some(raw) = raw else {
        return (None, problems);
    };
    let (meta, found) = validate::validate(&raw, &locator, cx);
    problems.extend(found);
    crate::problem::sort(&mut problems);
    let meta = match meta {
        Some(meta) if !problems.iter().any(Problem::is_error) => meta,
        _ => return (None, problems),
    };
    let rendered = markdown::analyse(split.body);
    // Links come in document order, so lines are counted once, onwards from
    // the last link (counting from the top for each was a twentieth of the build).
    let (mut counted_to, mut line) = (0, split.body_line);
    let internal_links = rendered
        .internal_links
        .into_iter()
        .map(|(target, offset)| {
            if offset < counted_to {
                (counted_to, line) = (0, split.body_line);
            }
            line += split.body[counted_to..offset].matches('\n').count();
            counted_to = offset;
            let before = &split.body[..offset];
            let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            InternalLink { target, line, col }
        })
        .collect();
    let page = Page {
        slug: slug.to_string(),
        url: crate::routes::page(slug),
        meta,
        body: Body::held(split.body.to_string(), rendered.text),
        headings: rendered.headings,
        internal_links,
        source: cx.path.to_path_buf(),
        stale: false,
        unlinked: Vec::new(),
    };
    (Some(page), problems)
}

/// A page parsed from `text` (front matter and body) as `slug`, for unit
/// tests elsewhere in the crate; panics with the problems if it is refused.
#[cfg(test)]
pub(crate) fn test_page(slug: &str, text: &str) -> std::sync::Arc<Page> {
    let taxonomy = crate::taxonomy::Taxonomy::builtin();
    let cx = Context {
        taxonomy: &taxonomy,
        today: validate::parse_iso_date("2026-09-01").unwrap(),
        path: std::path::Path::new("test.md"),
    };
    let (page, problems) = parse_page(text, slug, &cx);
    std::sync::Arc::new(page.unwrap_or_else(|| panic!("{problems:?}")))
}
