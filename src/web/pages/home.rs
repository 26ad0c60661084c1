//! The home page: the areas of need, the tiers, the key ingredients and the
//! assess-plan-do-review cycle, each with its number of pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::routes;
use crate::site::Site;
use crate::taxonomy::Facet;

use super::{count_pages, pages_for_need};
use crate::web::AppState;
use crate::web::views::{Chrome, TermView};

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomeTemplate {
    chrome: Chrome,
    tagline: String,
    areas: Vec<AreaView>,
    tiers: Vec<TermView>,
    ingredients: Vec<TermView>,
    cycle: Vec<TermView>,
    total: usize,
}

pub struct AreaView {
    term: TermView,
    needs: Vec<TermView>,
}

/// Each term of a facet with the number of pages filed under it and where
/// it leads.
fn term_views(site: &Site, facet: Facet, url: impl Fn(&str) -> String) -> Vec<TermView> {
    site.taxonomy
        .terms(facet)
        .into_iter()
        .map(|term| {
            TermView::new(
                term,
                count_pages(site, |p| facet.values(&p.meta).contains(&term.id)),
                url(term.id),
            )
        })
        .collect()
}

/// `GET /`: counts every page, so it is made off the event loop.
pub async fn home(State(state): State<AppState>) -> Response {
    let site = state.site();
    crate::web::off_loop(move || home_page(&site).into_response()).await
}

fn home_page(site: &Site) -> HomeTemplate {
    let t = &site.taxonomy;
    let areas = t
        .areas
        .iter()
        .map(|area| AreaView {
            term: TermView::new(
                area.as_ref(),
                pages_for_need(site, &area.id).count(),
                routes::need(&area.id),
            ),
            needs: area
                .needs
                .iter()
                .map(|n| {
                    TermView::new(
                        n.as_ref(),
                        count_pages(site, |p| p.has_need(&n.id)),
                        routes::need(&n.id),
                    )
                })
                .collect(),
        })
        .collect();
    let tiers = term_views(site, Facet::TIER, routes::tier);
    let ingredients = term_views(site, Facet::INGREDIENT, routes::ingredient);
    let cycle = term_views(site, Facet::CYCLE, |id| routes::search_for("cycle", id));
    HomeTemplate {
        chrome: Chrome::new(site, site.config.name.clone()),
        tagline: site.config.tagline.clone(),
        areas,
        tiers,
        ingredients,
        cycle,
        total: site.pages.len(),
    }
}
