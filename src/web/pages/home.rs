//! The home page: the areas of need, the tiers, the key ingredients and the
//! assess-plan-do-review cycle, each with its number of pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::routes;
use crate::site::Site;

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

/// Each term with the number of pages that carry it and where it leads.
fn term_views(
    site: &Site,
    terms: &[crate::taxonomy::Term],
    carries: impl Fn(&crate::content::Page, &str) -> bool,
    url: impl Fn(&str) -> String,
) -> Vec<TermView> {
    terms
        .iter()
        .map(|term| {
            TermView::new(
                term.as_ref(),
                count_pages(site, |p| carries(p, &term.id)),
                url(&term.id),
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
    let tiers = term_views(
        site,
        &t.tiers,
        |p, id| p.meta.tier.as_deref() == Some(id),
        routes::tier,
    );
    let ingredients = term_views(
        site,
        &t.ingredients,
        |p, id| p.meta.ingredients.iter().any(|i| i == id),
        routes::ingredient,
    );
    let cycle = term_views(
        site,
        &t.cycle,
        |p, id| p.meta.cycle.iter().any(|c| c == id),
        |id| routes::search_for("cycle", id),
    );
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
