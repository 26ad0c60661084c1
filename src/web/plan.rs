//! Plans and sessions over HTTP: `/plan` (plan, session and presenter
//! views), the exports `/plan.docx`, `/plan.md`, `/plan.csv`, and the forms
//! that collect pages into the plan without JavaScript.
//!
//! The plan being collected lives in one strictly necessary cookie that
//! holds only page slugs; a plan itself is its URL. Neither is ever logged.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};

use crate::content::markdown;
use crate::plan::export::{Export, FORMATS, Format, PRIVACY, View};
use crate::plan::money::{RATE_PREFIX, RateError, Rates, parse_rates};
use crate::plan::{
    FACILITATOR_NOTES, ItemsError, MAX_ITEMS, MEASURES, MONEY_COLUMNS, PROVISION_COLUMNS, Plan,
    STEPS, clock, number, parse_items,
};
use crate::site::Site;

use super::AppState;
use super::error::AppError;
use super::pages::bad_request;
use super::views::Chrome;

/// The cookie that holds the plan being collected: slugs joined by `.`.
pub const COOKIE: &str = "waymark_plan";
/// Browsers keep cookies to about 4 KB; a longer plan lives in its URL only.
const COOKIE_MAX: usize = 3800;

/// `added=N` from a query string: how many pages the last form added to the
/// plan, at most [`MAX_ITEMS`]. Anything else is an error naming `added`.
pub fn added_note(query: Option<&str>) -> Result<Option<usize>, String> {
    let Some(query) = query else { return Ok(None) };
    let Some((_, value)) = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "added")
    else {
        return Ok(None);
    };
    match value.parse::<usize>() {
        Ok(n) if n <= MAX_ITEMS => Ok(Some(n)),
        _ => Err(format!(
            "The parameter added=\"{value}\" cannot be used: it counts pages added to a plan, from 0 to {MAX_ITEMS}."
        )),
    }
}

/// The slugs in the plan cookie, if any.
pub fn cookie_items(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            pair.trim()
                .strip_prefix(&format!("{COOKIE}="))
                .map(str::to_string)
        })
        .flat_map(|v| v.split('.').map(str::to_string).collect::<Vec<_>>())
        .filter(|s| crate::content::slug::check(s).is_ok())
        .take(MAX_ITEMS)
        .collect()
}

fn set_cookie(items: &[String]) -> HeaderValue {
    let mut value = String::new();
    for slug in items {
        if value.len() + slug.len() + 1 > COOKIE_MAX {
            break;
        }
        if !value.is_empty() {
            value.push('.');
        }
        value.push_str(slug);
    }
    let max_age = if value.is_empty() { 0 } else { 90 * 24 * 3600 };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; Max-Age={max_age}; SameSite=Lax"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("waymark_plan=; Path=/; Max-Age=0"))
}

/// `items` and `view` from a query string.
struct PlanQuery {
    items: Option<Vec<String>>,
    view: String,
    /// `rate.<staff id>=<pounds>`: the SENCO's own hourly rates, over site.yaml's.
    rates: Rates,
}

/// Why a plan's query string cannot be used; the text is shown to the person.
#[derive(Debug, thiserror::Error)]
enum QueryError {
    #[error(transparent)]
    Items(#[from] ItemsError),
    #[error("There is no \"{0}\" view of a plan; use view=plan, view=session or view=present.")]
    View(String),
    #[error(
        "The hourly rates cannot be used: {0}. Give rate.<staff role>=<pounds an hour>, such as rate.teaching-assistant=14.50."
    )]
    Rate(#[from] RateError),
}

/// The plan's query string; `known` says whether a staff id is in the taxonomy.
fn read_query(raw: Option<&str>, known: impl Fn(&str) -> bool) -> Result<PlanQuery, QueryError> {
    let rates = parse_rates(form_urlencoded::parse(raw.unwrap_or("").as_bytes()), known)?;
    let mut values = Vec::new();
    let mut given = false;
    let mut view = "plan".to_string();
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "items" => {
                given = true;
                values.push(value.into_owned());
            }
            "view" => view = value.into_owned(),
            _ => {}
        }
    }
    let items = if given {
        Some(parse_items(values.iter().map(String::as_str))?)
    } else {
        None
    };
    if !["plan", "session", "present"].contains(&view.as_str()) {
        return Err(QueryError::View(view));
    }
    Ok(PlanQuery { items, view, rates })
}

fn plan_url(items: &[String], view: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("items", &items.join(","));
    if view != "plan" {
        s.append_pair("view", view);
    }
    crate::routes::plan(&s.finish())
}

/// The plan's absolute address for sharing, its pages by short id
/// ([`crate::content::Page::short_id`]) between plain commas (allowed in a
/// query, and short ids are only letters and digits), so the link fits on
/// one line.
fn share_url(plan: &Plan, base: &str, view: &str) -> String {
    let ids: Vec<String> = plan.pages.iter().map(|p| p.short_id()).collect();
    let mut query = format!("items={}", ids.join(","));
    if view != "plan" {
        query.push('&');
        query.push_str(
            &form_urlencoded::Serializer::new(String::new())
                .append_pair("view", view)
                .finish(),
        );
    }
    format!("{base}{}", crate::routes::plan(&query))
}

// ------------------------------------------------------------------ views

/// A chosen page as the plan view shows it.
pub struct PlanItem {
    url: String,
    title: String,
    summary: String,
    kind: String,
    evidence: String,
    steps_html: Option<String>,
    measures_html: Option<String>,
    remove_items: String,
    up_items: Option<String>,
    down_items: Option<String>,
}

pub struct GroupView {
    label: String,
    items: Vec<PlanItem>,
    notes_html: Option<String>,
    training_url: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan.html")]
pub struct PlanTemplate {
    chrome: Chrome,
    view: String,
    items: Vec<PlanItem>,
    resources: Vec<PlanItem>,
    missing: Vec<String>,
    needs: Vec<String>,
    columns: Vec<&'static str>,
    provision: Vec<Vec<String>>,
    totals: Vec<(String, String)>,
    /// Total cost a week and over the interventions, in pounds and pence.
    cost_totals: Option<(String, String)>,
    /// Which roles still need a rate before costs can be shown.
    rate_prompt: Option<String>,
    /// The rates form: (staff id, label, pounds or blank) per role in the plan.
    rate_fields: Vec<(String, String, String)>,
    /// The chosen universal strategies' titles: no extra cost.
    universal: Vec<String>,
    /// The pages' slugs, comma-separated, for the rates form.
    items_value: String,
    groups: Vec<GroupView>,
    running: Vec<(String, u32, String)>,
    minutes: u32,
    share_url: String,
    plan_url: String,
    session_url: String,
    present_url: String,
    export_query: String,
    /// The export formats, each linked with `export_query`.
    formats: &'static [&'static dyn Export],
    privacy: &'static str,
}

fn section_html(page: &crate::content::Page, id: &str) -> Option<String> {
    page.section(id).map(|md| markdown::render(md).html)
}

fn item_view(plan: &Plan, page: &crate::content::Page, order: &[String]) -> PlanItem {
    let i = order.iter().position(|s| *s == page.slug).unwrap_or(0);
    let moved = |from: usize, to: usize| {
        let mut o = order.to_vec();
        o.swap(from, to);
        o.join(",")
    };
    PlanItem {
        url: page.url.clone(),
        title: page.meta.title.clone(),
        summary: page.meta.summary.clone(),
        kind: plan
            .site
            .taxonomy
            .label(crate::taxonomy::Facet::KIND, &page.meta.kind)
            .to_string(),
        evidence: plan.evidence_label(page),
        steps_html: section_html(page, STEPS),
        measures_html: section_html(page, MEASURES),
        remove_items: order
            .iter()
            .filter(|s| **s != page.slug)
            .cloned()
            .collect::<Vec<_>>()
            .join(","),
        up_items: (i > 0).then(|| moved(i, i - 1)),
        down_items: (i + 1 < order.len()).then(|| moved(i, i + 1)),
    }
}

fn render_plan(
    site: &Site,
    items: Vec<String>,
    rates: Rates,
    view: &str,
    base: &str,
) -> PlanTemplate {
    let plan = Plan::new(site, items).with_rates(rates.clone());
    let order: Vec<String> = plan.pages.iter().map(|p| p.slug.clone()).collect();
    let share_url = share_url(&plan, base, view);
    let provision = plan
        .provision()
        .iter()
        .map(|r| r.cells(&plan).into_iter().chain(r.money_cells()).collect())
        .collect();
    let rate_fields = plan
        .roles_used()
        .into_iter()
        .map(|(id, label)| {
            let value = plan.rates.get(&id).map_or_else(String::new, |r| r.pounds());
            (id, label, value)
        })
        .collect();
    let groups = plan
        .by_ingredient()
        .into_iter()
        .map(|g| GroupView {
            label: g.label.clone(),
            items: g
                .pages
                .iter()
                .map(|p| item_view(&plan, p, &order))
                .collect(),
            notes_html: g.training.and_then(|t| section_html(t, FACILITATOR_NOTES)),
            training_url: g.training.map(|t| t.url.clone()),
        })
        .collect();
    let title = match view {
        "session" => "Staff session",
        "present" => "Present the session",
        _ => "Your plan",
    };
    let mut export_query = form_urlencoded::Serializer::new(String::new());
    export_query.append_pair("items", &order.join(","));
    if view != "plan" {
        export_query.append_pair("view", "session");
    }
    // The SENCO's own rates go with the exports (they say nothing about a child).
    for (id, rate) in &rates {
        export_query.append_pair(&format!("{RATE_PREFIX}{id}"), &rate.pounds());
    }
    PlanTemplate {
        chrome: Chrome::new(site, title),
        view: view.to_string(),
        items: plan
            .strategies()
            .map(|p| item_view(&plan, p, &order))
            .collect(),
        resources: plan
            .resources()
            .map(|p| item_view(&plan, p, &order))
            .collect(),
        missing: plan.missing.clone(),
        needs: plan.needs(),
        columns: PROVISION_COLUMNS
            .iter()
            .chain(MONEY_COLUMNS)
            .copied()
            .collect(),
        cost_totals: plan
            .cost_totals()
            .map(|(week, over)| (week.to_string(), over.to_string())),
        rate_prompt: plan.rate_prompt(),
        rate_fields,
        universal: plan
            .universal_strategies()
            .iter()
            .map(|p| p.meta.title.clone())
            .collect(),
        items_value: order.join(","),
        provision,
        totals: plan
            .hours_by_role()
            .into_iter()
            .map(|(r, h)| (r, number(h)))
            .collect(),
        groups,
        running: plan
            .running_order()
            .into_iter()
            .map(|s| (clock(s.start_minute), s.minutes, s.title))
            .collect(),
        minutes: plan.session_minutes(),
        share_url,
        plan_url: plan_url(&order, "plan"),
        session_url: plan_url(&order, "session"),
        present_url: plan_url(&order, "present"),
        export_query: export_query.finish(),
        formats: FORMATS,
        privacy: PRIVACY,
    }
}

/// `GET /plan`: the plan in the URL; with no `items`, the plan being
/// collected (from the cookie), redirected to its own shareable URL.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let site = state.site();
    let query = match read_query(raw.as_deref(), |id| site.taxonomy.staff(id).is_some()) {
        Ok(q) => q,
        Err(e) => return bad_request(&site, &e.to_string()),
    };
    let items = match query.items {
        Some(items) => items,
        None => {
            let collected = cookie_items(&headers);
            if !collected.is_empty() {
                return Redirect::to(&plan_url(&collected, &query.view)).into_response();
            }
            Vec::new()
        }
    };
    let base = state.public_base(&site);
    // A plan quotes up to a hundred pages' sections, each rendered here.
    super::off_loop(move || {
        render_plan(&site, items, query.rates, &query.view, &base).into_response()
    })
    .await
}

/// `GET /plan.docx`, `/plan.md`, `/plan.csv`: the handler of one export
/// route, bound to its format when the router is built.
pub fn download(format: Format) -> MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery| {
            download_as(format, state, headers, raw)
        },
    )
}

async fn download_as(
    format: Format,
    state: AppState,
    headers: HeaderMap,
    raw: Option<String>,
) -> Response {
    let site = state.site();
    let query = match read_query(raw.as_deref(), |id| site.taxonomy.staff(id).is_some()) {
        Ok(q) => q,
        Err(e) => return bad_request(&site, &e.to_string()),
    };
    let items = query.items.unwrap_or_else(|| cookie_items(&headers));
    let view = if query.view == "plan" {
        View::Plan
    } else {
        View::Session
    };
    let base = state.public_base(&site);
    // Word documents and a hundred pages' sections take a while to make.
    super::off_loop(move || {
        export_answer(&site, items, query.rates, view, &query.view, &base, format)
    })
    .await
}

/// One export of a plan or session, as a download.
fn export_answer(
    site: &Site,
    items: Vec<String>,
    rates: Rates,
    view: View,
    view_name: &str,
    base: &str,
    format: Format,
) -> Response {
    let plan = Plan::new(site, items).with_rates(rates);
    let share = share_url(&plan, base, view_name);
    let exporter = format.exporter();
    match exporter.render(&plan, view, &share) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, exporter.content_type().to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", exporter.file_name(view)),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => AppError::failed("export", e).into_response(),
    }
}

// ------------------------------------------------------------------ collecting

/// The plan page's form for a removal or a move: the whole new list.
#[derive(Debug, serde::Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    items: String,
    #[serde(default)]
    view: Option<String>,
}

fn local_path(path: Option<&str>) -> Option<&str> {
    // Browsers drop tabs and newlines from a URL before reading it, so
    // `/<TAB>/evil.example` would lead to another site (found by
    // tests/traversal.rs); no control character or space is let through.
    path.filter(|p| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.contains('\\')
            && !p.chars().any(|c| c.is_control() || c.is_whitespace())
            && p.len() < 2048
    })
}

/// `POST /plan/add`: adds pages to the plan being collected, then returns
/// to the page the person was on.
pub async fn add(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let site = state.site();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let mut items = cookie_items(&headers);
    let adding: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "items")
        .map(|(_, v)| v.as_str())
        .collect();
    let added = match parse_items(adding) {
        Ok(a) => a,
        Err(e) => return bad_request(&site, &e.to_string()),
    };
    let mut count = 0;
    for slug in added.into_iter().filter(|s| site.page(s).is_some()) {
        if !items.contains(&slug) {
            items.push(slug);
            count += 1;
        }
    }
    if items.len() > MAX_ITEMS {
        return bad_request(
            &site,
            &format!(
                "A plan can hold at most {MAX_ITEMS} pages. Remove some pages from your plan first."
            ),
        );
    }
    let back = pairs
        .iter()
        .find(|(k, _)| k == "return")
        .map(|(_, v)| v.as_str());
    // Back where the person was, with a note of what was added.
    let target = local_path(back).map_or_else(
        || plan_url(&items, "plan"),
        |path| {
            let (path, fragment) = path.split_once('#').unwrap_or((path, ""));
            let joiner = if path.contains('?') { '&' } else { '?' };
            let fragment = if fragment.is_empty() {
                String::new()
            } else {
                format!("#{fragment}")
            };
            format!("{path}{joiner}added={count}{fragment}")
        },
    );
    (
        [(header::SET_COOKIE, set_cookie(&items))],
        Redirect::to(&target),
    )
        .into_response()
}

/// `POST /plan/update`: makes a given list the plan being collected (after a
/// removal or a move on the plan page) and shows it.
pub async fn update(State(state): State<AppState>, Form(form): Form<UpdateForm>) -> Response {
    let site = state.site();
    let items = match parse_items([form.items.as_str()]) {
        Ok(items) => items,
        Err(e) => return bad_request(&site, &e.to_string()),
    };
    let view = match form.view.as_deref() {
        Some("session") => "session",
        _ => "plan",
    };
    (
        [(header::SET_COOKIE, set_cookie(&items))],
        Redirect::to(&plan_url(&items, view)),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_plan_query_names_what_is_wrong_in_the_words_shown_before() {
        let view = read_query(Some("items=a&view=slides"), |_| true)
            .err()
            .unwrap();
        assert!(matches!(&view, QueryError::View(v) if v == "slides"));
        assert_eq!(
            view.to_string(),
            "There is no \"slides\" view of a plan; use view=plan, view=session or view=present."
        );
        let many: Vec<String> = (0..101).map(|i| format!("p{i}")).collect();
        let items = read_query(Some(&format!("items={}", many.join(","))), |_| true)
            .err()
            .unwrap();
        assert!(matches!(items, QueryError::Items(ItemsError::TooMany)));
        assert_eq!(
            items.to_string(),
            "A plan can hold at most 100 pages; this one lists more. Remove some pages and try again."
        );
    }
}
