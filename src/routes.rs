//! Every address the portal answers itself, in one list, and the functions
//! that build links to them: the router is built from the list
//! (`web::app`), the content loader refuses a page whose first folder would
//! be shadowed by one of them, and the link checker accepts links to the
//! ones a reader may be sent to. Adding a route here without a handler, or
//! a handler without a route, does not compile. The plan's export routes
//! come from the formats' own list ([`crate::plan::export::FORMATS`]), one
//! route a format.

use crate::plan::export::{FORMATS, Format};
use crate::strategy::export::Format as StrategyFormat;

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
    /// `/preference`: "I work in" a phase, kept in a cookie.
    Preference,
    /// `/plan.docx`, `/plan.md`, ...: one route for each export format.
    PlanExport(Format),
    /// `/strategy`: the school's inclusion strategy.
    Strategy,
    StrategyAdd,
    /// `/strategy.docx`, `/strategy.md`, ...: one route a format.
    StrategyExport(StrategyFormat),
    ApiSearch,
    ApiPage,
    ApiTaxonomy,
    /// `/api/plan.schema.json`: the JSON Schema of a saved or posted plan.
    ApiPlanSchema,
    /// `/api/taxonomy.jsonld`: the taxonomy as a schema.org `DefinedTermSet`.
    ApiTaxonomyJsonLd,
    /// `/api/openapi.json`: the OpenAPI description of every `/api` route.
    ApiOpenApi,
    /// `/download/content.zip`: the content folder as served, with its licence.
    DownloadContent,
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
    const OWN: [Route; 30] = [
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
        Route::Preference,
        Route::Strategy,
        Route::StrategyAdd,
        Route::StrategyExport(StrategyFormat::Docx),
        Route::StrategyExport(StrategyFormat::Markdown),
        Route::StrategyExport(StrategyFormat::Csv),
        Route::StrategyExport(StrategyFormat::Json),
        Route::ApiSearch,
        Route::ApiPage,
        Route::ApiTaxonomy,
        Route::ApiPlanSchema,
        Route::ApiTaxonomyJsonLd,
        Route::ApiOpenApi,
        Route::DownloadContent,
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
            Route::Preference => "/preference",
            Route::PlanExport(format) => format.exporter().path(),
            Route::Strategy => "/strategy",
            Route::StrategyAdd => "/strategy/add",
            Route::StrategyExport(format) => format.path(),
            Route::ApiSearch => "/api/search",
            Route::ApiPage => "/api/pages/{*slug}",
            Route::ApiTaxonomy => "/api/taxonomy",
            Route::ApiPlanSchema => "/api/plan.schema.json",
            Route::ApiTaxonomyJsonLd => "/api/taxonomy.jsonld",
            Route::ApiOpenApi => "/api/openapi.json",
            Route::DownloadContent => "/download/content.zip",
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

    /// What comes before the last segment of a route that ends in a
    /// parameter (`/needs/` for [`Route::Need`]), or `None` for a route
    /// that takes none.
    pub fn prefix(self) -> Option<&'static str> {
        let path = self.path();
        let (prefix, last) = path.rsplit_once('/')?;
        last.starts_with('{').then(|| &path[..prefix.len() + 1])
    }

    /// Whether a content page may link to the route as it is, with no page
    /// behind the link: the public HTML pages that take no id. (`/status`
    /// is for staff only, so a reader following such a link finds nothing.)
    pub fn is_link_target(self) -> bool {
        matches!(
            self,
            Route::Home | Route::Search | Route::Plan | Route::Strategy
        )
    }
}

/// The home page.
pub fn home() -> String {
    Route::Home.path().to_string()
}

/// A section of the home page, by its anchor (`/#tiers`).
pub fn home_section(anchor: &str) -> String {
    format!("{}#{anchor}", Route::Home.path())
}

/// A content page, by its slug: any address no route takes.
pub fn page(slug: &str) -> String {
    format!("{}{slug}", Route::Home.path())
}

/// The address of `route` for one id (`/needs/adhd` for [`Route::Need`]):
/// how a facet's listing is linked from its own route.
pub fn with_id(route: Route, id: &str) -> String {
    let prefix = route.prefix().unwrap_or_else(|| route.path());
    format!("{prefix}{id}")
}

/// The listing of an area or need.
pub fn need(id: &str) -> String {
    with_id(Route::Need, id)
}

/// The listing of a tier (level of support).
pub fn tier(id: &str) -> String {
    with_id(Route::Tier, id)
}

/// The listing of a key ingredient.
pub fn ingredient(id: &str) -> String {
    with_id(Route::Ingredient, id)
}

fn with_query(route: Route, query: &str) -> String {
    if query.is_empty() {
        route.path().to_string()
    } else {
        format!("{}?{query}", route.path())
    }
}

/// The search page with an encoded query string, or bare when it is empty.
pub fn search(query: &str) -> String {
    with_query(Route::Search, query)
}

/// The search page filtered to one id of one facet (`/search?pfa=x`).
/// Ids are taxonomy ids, which need no encoding.
pub fn search_for(facet: &str, id: &str) -> String {
    search(&format!("{facet}={id}"))
}

/// The plan page with an encoded query string, or bare when it is empty.
pub fn plan(query: &str) -> String {
    with_query(Route::Plan, query)
}

/// A file of the site's theme (its stylesheet, its logo).
pub fn theme_file(name: &str) -> String {
    with_id(Route::ThemeFile, name)
}

/// One of the portal's own static files, by its (fingerprinted) name.
pub fn static_file(name: &str) -> String {
    with_id(Route::Static, name)
}

/// Whether a path is under the API's folder (`/api/...`), where an address
/// no route takes is answered in JSON.
pub fn is_api(path: &str) -> bool {
    let api = Route::ApiSearch.first_folder().unwrap_or_default();
    path.strip_prefix('/')
        .and_then(|p| p.strip_prefix(api))
        .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether `path` (no query string) is one the route's pattern matches:
/// `{name}` stands for one non-empty segment, `{*name}` for the rest.
pub fn matches(route: Route, path: &str) -> bool {
    let mut want = route.path().split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with("{*") => return !g.is_empty(),
            (Some(w), Some(g)) if w.starts_with('{') => {
                if g.is_empty() {
                    return false;
                }
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
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
        for first in [
            "theme", "plan", "api", "static", "sitemap", "feed", "site", "download",
        ] {
            assert!(is_reserved(first), "{first}");
        }
        assert!(!is_reserved("strategies"));
    }

    #[test]
    fn every_route_but_home_has_a_reserved_first_segment() {
        for route in Route::ALL {
            match route.first_folder() {
                Some(first) => assert!(is_reserved(first), "{route:?}"),
                None => assert_eq!(route, Route::Home),
            }
        }
        // A folder named like a route file (`plan.md`) is reserved by its stem.
        assert!(is_reserved("plan") && is_reserved("sitemap") && is_reserved("theme"));
    }

    #[test]
    fn every_url_builder_is_matched_by_its_route() {
        let built = [
            (Route::Home, home()),
            (Route::Need, need("autism")),
            (Route::Tier, tier("universal")),
            (Route::Ingredient, ingredient("visual-supports")),
            (Route::Search, search("")),
            (Route::Search, search("q=a%26b&need=adhd")),
            (Route::Search, search_for("pfa", "employment")),
            (Route::Plan, plan("")),
            (Route::Plan, plan("items=a%2Cb")),
            (Route::ThemeFile, theme_file("theme-0123abcd.css")),
            (Route::Static, static_file("style-0123abcd.css")),
        ];
        for (route, url) in built {
            let path = url.split(['?', '#']).next().unwrap_or("");
            assert!(matches(route, path), "{route:?} does not match {url}");
            for other in Route::ALL.into_iter().filter(|r| *r != route) {
                assert!(!matches(other, path), "{other:?} also matches {url}");
            }
        }
        assert_eq!(home_section("tiers"), "/#tiers");
        assert!(matches(
            Route::Home,
            home_section("tiers").split('#').next().unwrap()
        ));
        assert_eq!(search(""), "/search");
        assert_eq!(search("q=x"), "/search?q=x");
        // A content page is any path no route matches.
        let page = page("strategies/visual-timetable");
        assert!(Route::ALL.into_iter().all(|r| !matches(r, &page)), "{page}");
    }

    #[test]
    fn api_paths_are_those_under_the_api_folder() {
        assert!(is_api("/api/search") && is_api("/api/nope") && is_api("/api/"));
        assert!(!is_api("/api") && !is_api("/apis/x") && !is_api("/search"));
    }

    #[test]
    fn the_matcher_tells_routes_apart() {
        assert!(matches(Route::Need, "/needs/autism"));
        assert!(!matches(Route::Need, "/needs/"));
        assert!(!matches(Route::Need, "/needs/autism/x"));
        assert!(matches(Route::ApiPage, "/api/pages/a/b"));
        assert!(!matches(Route::ApiPage, "/api/pages/"));
        assert!(!matches(Route::Search, "/search/x"));
    }

    #[test]
    fn only_public_pages_without_an_id_are_link_targets() {
        let targets: Vec<Route> = Route::ALL
            .into_iter()
            .filter(|r| r.is_link_target())
            .collect();
        assert_eq!(
            targets,
            [Route::Home, Route::Search, Route::Plan, Route::Strategy]
        );
        assert!(!Route::Status.is_link_target());
        assert_eq!(Route::Need.prefix(), Some("/needs/"));
        assert_eq!(Route::Static.prefix(), Some("/static/"));
        assert_eq!(Route::ApiPage.prefix(), Some("/api/pages/"));
        assert_eq!(Route::Search.prefix(), None);
    }
}
