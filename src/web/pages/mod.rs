//! HTML pages, one file per family, each handler beside its template
//! struct. Every page works without JavaScript.

mod errors;
mod home;
mod listing;
mod page;
mod search;
mod status;
mod theme;

pub use errors::{BadRequestTemplate, NotFoundTemplate, bad_request, not_found};
pub use home::{HomeTemplate, home};
pub use listing::{ListingTemplate, ingredient, need, tier};
pub use page::{PageTemplate, page_or_not_found};
pub use search::{SearchTemplate, search, search_page};
pub use status::{StatusTemplate, staff_only, status};
pub use theme::{theme_css, theme_file};

use crate::site::Site;

pub(super) fn count_pages(site: &Site, test: impl Fn(&crate::content::Page) -> bool) -> usize {
    site.pages.iter().filter(|p| test(p)).count()
}

/// Pages that list a need or area id, or (for an area) any of its needs.
pub(super) fn pages_for_need<'a>(
    site: &'a Site,
    id: &'a str,
) -> impl Iterator<Item = &'a crate::content::Page> + 'a {
    let area = site.taxonomy.area(id);
    site.pages.iter().map(|p| &**p).filter(move |p| {
        p.has_need(id) || area.is_some_and(|a| a.needs.iter().any(|n| p.has_need(&n.id)))
    })
}

/// `/search` with a query string, or bare when there is none.
pub(super) fn search_href(query: String) -> String {
    crate::routes::search(&query)
}
