//! Every address the portal answers itself, in one list: the router is
//! built from it (`web::app`), and the content loader refuses a page whose
//! first folder would be shadowed by one of them. Adding a route here
//! without a handler, or a handler without a route, does not compile.
//! The plan's export routes come from the formats' own list
//! ([`crate::plan::export::FORMATS`]), one route a format.

use crate::plan::export::{FORMATS, Format};

/// One of the portal's own routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Home,
    Need,
    Tier,
    Ingredient,
    Search,
    Status,
    ThemeCss,
    ThemeFile,
    Static,
    Plan,
    PlanAdd,
    PlanUpdate,
    /// `/plan.docx`, `/plan.md`, ...: one route for each export format.
    PlanExport(Format),
    ApiSearch,
    ApiPage,
    ApiTaxonomy,
    Sitemap,
    Feed,
    Healthz,
    Metrics,
}

impl Route {
    /// Every route, in the order the router adds them: the portal's own,
    /// then one for each export format.
    pub const ALL: [Route; Route::OWN.len() + FORMATS.len()] = {
        let mut all = [Route::Home; Route::OWN.len() + FORMATS.len()];
        let mut i = 0;
        while i < Route::OWN.len() {
            all[i] = Route::OWN[i];
            i += 1;
        }
        let mut j = 0;
        while j < FORMATS.len() {
            all[i + j] = Route::PlanExport(Format(FORMATS[j]));
            j += 1;
        }
        all
    };

    /// The portal's own routes, less the export formats'.
    const OWN: [Route; 19] = [
        Route::Home,
        Route::Need,
        Route::Tier,
        Route::Ingredient,
        Route::Search,
        Route::Status,
        Route::ThemeCss,
        Route::ThemeFile,
        Route::Static,
        Route::Plan,
        Route::PlanAdd,
        Route::PlanUpdate,
        Route::ApiSearch,
        Route::ApiPage,
        Route::ApiTaxonomy,
        Route::Sitemap,
        Route::Feed,
        Route::Healthz,
        Route::Metrics,
    ];

    /// The route's path as the router matches it.
    pub fn path(self) -> &'static str {
        match self {
            Route::Home => "/",
            Route::Need => "/needs/{id}",
            Route::Tier => "/tiers/{id}",
            Route::Ingredient => "/ingredients/{id}",
            Route::Search => "/search",
            Route::Status => "/status",
            Route::ThemeCss => "/site.css",
            Route::ThemeFile => "/theme/{file}",
            Route::Static => "/static/{file}",
            Route::Plan => "/plan",
            Route::PlanAdd => "/plan/add",
            Route::PlanUpdate => "/plan/update",
            Route::PlanExport(format) => format.exporter().path(),
            Route::ApiSearch => "/api/search",
            Route::ApiPage => "/api/pages/{*slug}",
            Route::ApiTaxonomy => "/api/taxonomy",
            Route::Sitemap => "/sitemap.xml",
            Route::Feed => "/feed.xml",
            Route::Healthz => "/healthz",
            Route::Metrics => "/metrics",
        }
    }

    /// The first folder of the route's path, less any extension
    /// (`/plan.docx` gives `plan`, `/sitemap.xml` gives `sitemap`), or
    /// `None` for the home page.
    pub fn first_folder(self) -> Option<&'static str> {
        let first = self.path().trim_start_matches('/').split('/').next()?;
        let stem = first.split('.').next().unwrap_or(first);
        (!stem.is_empty()).then_some(stem)
    }
}

/// Whether a page's first folder is one of the portal's own.
pub fn is_reserved(first_folder: &str) -> bool {
    Route::ALL
        .iter()
        .any(|r| r.first_folder() == Some(first_folder))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_listed_once_and_its_first_folder_is_reserved() {
        for (i, route) in Route::ALL.iter().enumerate() {
            assert!(
                !Route::ALL[..i].contains(route),
                "{route:?} is listed twice"
            );
            if let Some(first) = route.first_folder() {
                assert!(is_reserved(first), "{route:?}");
            }
        }
        for first in ["theme", "plan", "api", "static", "sitemap", "feed", "site"] {
            assert!(is_reserved(first), "{first}");
        }
        assert!(!is_reserved("strategies"));
    }
}
