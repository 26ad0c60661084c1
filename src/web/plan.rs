//! Plans and sessions over HTTP: `/plan` (plan, session and presenter
//! views), the exports `/plan.docx`, `/plan.md`, `/plan.csv`, and the forms
//! that collect pages into the plan without JavaScript.
//!
//! The plan being collected lives in one strictly necessary cookie that
//! holds only page slugs; a plan itself is its URL. Neither is ever logged.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{DefaultBodyLimit, Form, FromRequest, Multipart, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};

use crate::content::markdown;
use crate::plan::export::{Export, FORMATS, Format, View};
use crate::plan::input::{InputError, PlanInput};
use crate::plan::money::{RATE_PREFIX, RateError, Rates, parse_rates};
use crate::plan::outline::{self, Field, Needs, StrategyPart};
use crate::plan::slides;
use crate::plan::{
    FACILITATOR_NOTES, ItemsError, MAX_ITEMS, MAX_TARGET_MINUTES, MEASURES, MONEY_COLUMNS,
    PROVISION_COLUMNS, Plan, STEPS, TARGETS, clock, number, parse_items,
};
use crate::site::Site;

use super::AppState;
use super::cookies::AddError;
use super::error::{ApiError, AppError};
use super::pages::bad_request;
use super::posted::BodyError;
use super::views::Chrome;

/// The cookie that holds the plan being collected: slugs joined by `.`
/// (a plan too long for it lives in its URL only).
pub const COOKIE: &str = "waymark_plan";

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
    super::cookies::pages(headers, COOKIE)
}

fn set_cookie(items: &[String]) -> HeaderValue {
    super::cookies::set_pages(COOKIE, items)
}

/// `items` and `view` from a query string.
struct PlanQuery {
    items: Option<Vec<String>>,
    /// `restore`: the pages of a plan just emptied, offered back.
    restore: Vec<String>,
    view: String,
    /// `rate.<staff id>=<pounds>`: the SENCO's own hourly rates, over site.yaml's.
    rates: Rates,
    /// `target`: the session length the trainer has, in minutes.
    target: Option<u32>,
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
    #[error(
        "The target length \"{0}\" cannot be used; give target as a whole number of minutes from 1 to {MAX_TARGET_MINUTES}, such as target=60."
    )]
    Target(String),
}

/// The plan's query string; `known` says whether a staff id is in the taxonomy.
fn read_query(raw: Option<&str>, known: impl Fn(&str) -> bool) -> Result<PlanQuery, QueryError> {
    let rates = parse_rates(form_urlencoded::parse(raw.unwrap_or("").as_bytes()), known)?;
    let mut values = Vec::new();
    let mut restore = Vec::new();
    let mut given = false;
    let mut view = "plan".to_string();
    let mut target = None;
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "items" => {
                given = true;
                values.push(value.into_owned());
            }
            "restore" => restore.push(value.into_owned()),
            "view" => view = value.into_owned(),
            "target" if value.is_empty() => target = None,
            "target" => {
                let minutes = value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|m| (1..=MAX_TARGET_MINUTES).contains(m))
                    .ok_or_else(|| QueryError::Target(value.chars().take(20).collect()))?;
                target = Some(minutes);
            }
            _ => {}
        }
    }
    let restore = parse_items(restore.iter().map(String::as_str))?;
    let items = if given {
        Some(parse_items(values.iter().map(String::as_str))?)
    } else {
        None
    };
    if !["plan", "session", "present"].contains(&view.as_str()) {
        return Err(QueryError::View(view));
    }
    Ok(PlanQuery {
        items,
        restore,
        view,
        rates,
        target,
    })
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
    /// Place in the plan, from 1: names its controls' forms.
    index: usize,
    slug: String,
    url: String,
    title: String,
    summary: String,
    kind: String,
    evidence: String,
    steps_html: Option<String>,
    measures_html: Option<String>,
    /// The page's numbered steps, each ticked or not, for the plan form.
    steps: Vec<StepView>,
    /// Who delivers it and how: (label, field name, value).
    delivery: Vec<(String, String, String)>,
    remove_items: String,
    up_items: Option<String>,
    down_items: Option<String>,
}

/// One step of a strategy on the plan form.
pub struct StepView {
    number: u32,
    html: String,
    ticked: bool,
}

/// A need offered on the plan form.
pub struct NeedOption {
    id: String,
    label: String,
    checked: bool,
    /// A chosen page is tagged with it.
    suggested: bool,
}

/// A labelled text field of the plan form.
pub struct FieldView {
    label: &'static str,
    name: &'static str,
    value: String,
    /// A paragraph's room rather than a line's.
    long: bool,
}

impl FieldView {
    fn from(field: Field, long: bool) -> FieldView {
        FieldView {
            label: field.label,
            name: field.key,
            value: field.value,
            long,
        }
    }
}

/// One slide of the presenter view.
pub struct SlideView {
    number: usize,
    class: &'static str,
    kicker: String,
    heading: String,
    lead: String,
    points: Vec<String>,
    first_step: Option<u32>,
    notes: Vec<String>,
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
    about: Vec<FieldView>,
    child_says: Vec<FieldView>,
    family: FieldView,
    /// Every need and area, with the chosen ones checked.
    need_options: Vec<(String, Vec<NeedOption>)>,
    /// Whether the SENCO has chosen needs (else only suggestions show).
    needs_chosen: bool,
    smart_prompt: &'static str,
    outcome_columns: [&'static str; 3],
    /// Outcome rows: those written, then blanks to write in.
    outcomes: Vec<(usize, [String; 3])>,
    review: Vec<FieldView>,
    /// The pages of a plan just emptied, to put back: ("the 3 pages", items).
    restore: Option<(String, String)>,
    /// What was written came in this request (a posted plan).
    posted: bool,
    items: Vec<PlanItem>,
    resources: Vec<PlanItem>,
    missing: Vec<String>,
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
    /// `base_url`, put before the session's links so a printed handout
    /// shows whole addresses; empty when none is set.
    link_base: String,
    /// The portal's name, printed beside paths when there is no `base_url`.
    portal: String,
    /// The session's slides (the presenter view only).
    slides: Vec<SlideView>,
    /// The running order: (start, minutes, key ingredient or blank, item).
    running: Vec<(String, u32, String, String)>,
    minutes: u32,
    /// The session length the trainer chose, in minutes.
    target: Option<u32>,
    /// Minutes the running order runs past the target.
    over_by: Option<u32>,
    /// The target lengths offered: (minutes, link, chosen).
    target_links: Vec<(u32, String, bool)>,
    share_url: String,
    plan_url: String,
    session_url: String,
    present_url: String,
    export_query: String,
    /// The export formats this view offers, each linked with `export_query`.
    formats: Vec<&'static dyn Export>,
    privacy: &'static str,
}

fn section_html(page: &crate::content::Page, id: &str) -> Option<String> {
    page.section(id).map(|md| markdown::render(&md).html)
}

/// A chosen page on the plan page; `part` is its provision part, when it is
/// a strategy (worked out once for the whole plan by the caller).
fn item_view(
    plan: &Plan,
    page: &crate::content::Page,
    order: &[String],
    part: Option<&StrategyPart>,
) -> PlanItem {
    let i = order.iter().position(|s| *s == page.slug).unwrap_or(0);
    let moved = |from: usize, to: usize| {
        let mut o = order.to_vec();
        o.swap(from, to);
        o.join(",")
    };
    let ticked: Vec<u32> =
        part.map_or_else(Vec::new, |p| p.steps.iter().map(|(n, _)| *n).collect());
    let steps = page
        .steps()
        .iter()
        .enumerate()
        .map(|(n, md)| StepView {
            number: n as u32 + 1,
            html: markdown::render(md).html,
            ticked: ticked.contains(&(n as u32 + 1)),
        })
        .collect();
    let delivery = part.map_or_else(Vec::new, |p| {
        p.delivery
            .iter()
            .filter(|f| !f.key.is_empty())
            .map(|f| {
                (
                    f.label.to_string(),
                    format!("delivery.{}.{}", page.slug, f.key),
                    f.value.clone(),
                )
            })
            .collect()
    });
    PlanItem {
        index: i + 1,
        slug: page.slug.clone(),
        steps,
        delivery,
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
    plan: Plan,
    view: &str,
    base: &str,
    posted: bool,
    target: Option<u32>,
) -> PlanTemplate {
    let rates = plan.input.rates.clone();
    let order: Vec<String> = plan.pages.iter().map(|p| p.slug.clone()).collect();
    // Each strategy's steps and delivery, worked out once for every item.
    let parts = plan.strategy_parts();
    let part_of = |page: &crate::content::Page| parts.iter().find(|p| p.page.slug == page.slug);
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
                .map(|p| item_view(&plan, p, &order, part_of(p)))
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
    let suggested: Vec<String> = plan
        .suggested_needs()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let chosen = plan.input.needs.clone();
    let option = |id: &str, label: &str| NeedOption {
        id: id.to_string(),
        label: label.to_string(),
        checked: chosen.as_ref().is_some_and(|c| c.iter().any(|n| n == id)),
        suggested: suggested.iter().any(|n| n == id),
    };
    let need_options = site
        .taxonomy
        .areas
        .iter()
        .map(|area| {
            let mut options = vec![option(
                &area.id,
                &format!("{} (the whole area)", area.label),
            )];
            options.extend(area.needs.iter().map(|n| option(&n.id, &n.label)));
            (area.label.clone(), options)
        })
        .collect();
    let written = plan.outcome_rows();
    let blanks = if plan.input.outcomes.is_empty() { 0 } else { 2 };
    let outcomes = written
        .into_iter()
        .chain(std::iter::repeat_with(Default::default).take(blanks))
        .enumerate()
        .map(|(i, row)| (i + 1, row))
        .collect();
    let review_row = plan.review_row();
    // The review date is asked for once, under "About the child".
    let review = outline::REVIEW_COLUMNS
        .iter()
        .zip(["review.date", "review.attendees", "review.child_part"])
        .zip(review_row)
        .filter(|((_, name), _)| *name != "review.date")
        .map(|((label, name), value)| FieldView {
            label,
            name,
            value,
            long: true,
        })
        .collect();
    PlanTemplate {
        chrome: Chrome::new(site, title),
        view: view.to_string(),
        about: plan
            .about()
            .into_iter()
            .map(|f| {
                let long = f.key == "people";
                FieldView::from(f, long)
            })
            .collect(),
        child_says: plan
            .child_says()
            .into_iter()
            .map(|f| FieldView::from(f, true))
            .collect(),
        family: FieldView::from(plan.family_says(), true),
        needs_chosen: matches!(plan.needs_section(), Needs::Chosen(_)),
        need_options,
        smart_prompt: outline::SMART_PROMPT,
        outcome_columns: outline::OUTCOME_COLUMNS,
        outcomes,
        review,
        restore: None,
        posted,
        items: plan
            .strategies()
            .map(|p| item_view(&plan, p, &order, part_of(p)))
            .collect(),
        resources: plan
            .resources()
            .map(|p| item_view(&plan, p, &order, None))
            .collect(),
        missing: plan.missing.clone(),
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
        link_base: site
            .config
            .base_url
            .as_deref()
            .map_or_else(String::new, |b| b.trim_end_matches('/').to_string()),
        portal: site.config.name.clone(),
        slides: if view == "present" {
            slides::deck(&plan, base, crate::clock::today())
                .into_iter()
                .enumerate()
                .map(|(i, s)| SlideView {
                    number: i + 1,
                    class: s.kind.class(),
                    kicker: s.kicker,
                    heading: s.heading,
                    lead: s.lead,
                    points: s.points,
                    first_step: s.first_step,
                    notes: s.notes,
                })
                .collect()
        } else {
            Vec::new()
        },
        running: plan
            .running_order()
            .into_iter()
            .map(|s| {
                (
                    clock(s.start_minute),
                    s.minutes,
                    s.ingredient.unwrap_or_default(),
                    s.title,
                )
            })
            .collect(),
        minutes: plan.session_minutes(),
        target,
        over_by: target.and_then(|t| plan.session_minutes().checked_sub(t).filter(|m| *m > 0)),
        target_links: TARGETS
            .iter()
            .map(|&t| {
                let url = format!("{}&target={t}", plan_url(&order, "session"));
                (t, url, target == Some(t))
            })
            .collect(),
        share_url,
        plan_url: plan_url(&order, "plan"),
        session_url: plan_url(&order, "session"),
        present_url: plan_url(&order, "present"),
        export_query: export_query.finish(),
        formats: FORMATS
            .iter()
            .copied()
            .filter(|f| {
                if view == "plan" {
                    f.in_plan()
                } else {
                    f.in_session()
                }
            })
            .collect(),
        privacy: PRIVACY,
    }
}

/// What the plan page says about what is written on it.
pub const PRIVACY: &str = "What you write about the child stays in this browser tab (and on this device only if you tick the box below), and goes only into the documents you download. The portal keeps none of it: the plan's address holds only its pages.";

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
    let restore = query.restore;
    // A plan quotes up to a hundred pages' sections, each rendered here.
    super::off_loop(move || {
        let mut input = PlanInput::of_items(items);
        input.rates = query.rates;
        let plan = match Plan::from_input(&site, input) {
            Ok(plan) => plan,
            Err(e) => return bad_request(&site, &e.to_string()),
        };
        let mut page = render_plan(&site, plan, &query.view, &base, false, query.target);
        if !restore.is_empty() {
            let what = match restore.len() {
                1 => "the page".to_string(),
                n => format!("the {n} pages"),
            };
            page.restore = Some((what, restore.join(",")));
        }
        page.into_response()
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
    .post(move |State(state): State<AppState>, request: Request| {
        posted(state, request, Some(format))
    })
    .layer(DefaultBodyLimit::max(MAX_PLAN_BYTES))
}

/// `POST /plan`: the plan page with what was posted written in it.
pub fn show_posted() -> MethodRouter<AppState> {
    post(|State(state): State<AppState>, request: Request| posted(state, request, None))
        .layer(DefaultBodyLimit::max(MAX_PLAN_BYTES))
}

/// The largest plan that can be posted: a hundred pages with every field
/// written at length is well under this.
pub const MAX_PLAN_BYTES: usize = 512 * 1024;

/// How a plan was posted, for answering an error the same way.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Posted {
    Json,
    Form,
    Upload,
}

/// Why a posted plan cannot be answered.
enum PostError {
    /// The plan's content is wrong: a 400 naming the field.
    Input(Posted, InputError),
    /// Not JSON, a form or an upload: 415.
    Unsupported,
    /// Larger than [`MAX_PLAN_BYTES`], or cut off: 413 or 400.
    Body(StatusCode, &'static str),
}

/// Reads the posted plan in whichever of the three ways it came. The body
/// is read whole, at most [`MAX_PLAN_BYTES`], and never logged.
async fn read_posted(state: &AppState, request: Request) -> Result<(Posted, PlanInput), PostError> {
    let kind = super::posted::media_type(request.headers());
    let too_big = |e: BodyError| match e {
        BodyError::TooLarge => PostError::Body(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The plan is too large to read. Shorten the longest fields, or keep long notes in your own copy.",
        ),
        BodyError::CutOff => PostError::Body(
            StatusCode::BAD_REQUEST,
            "The plan could not be read in full; try again.",
        ),
    };
    match kind.as_str() {
        "application/json" => {
            let bytes = super::posted::bytes(request, MAX_PLAN_BYTES)
                .await
                .map_err(too_big)?;
            PlanInput::from_json(&bytes)
                .map(|p| (Posted::Json, p))
                .map_err(|e| PostError::Input(Posted::Json, e))
        }
        "application/x-www-form-urlencoded" => {
            let bytes = super::posted::bytes(request, MAX_PLAN_BYTES)
                .await
                .map_err(too_big)?;
            PlanInput::from_form(form_urlencoded::parse(&bytes))
                .map(|p| (Posted::Form, p))
                .map_err(|e| PostError::Input(Posted::Form, e))
        }
        "multipart/form-data" => {
            let mut multipart = Multipart::from_request(request, state).await.map_err(|_| {
                PostError::Body(
                    StatusCode::BAD_REQUEST,
                    "The upload could not be read; choose the file again.",
                )
            })?;
            let no_file = || {
                PostError::Input(
                    Posted::Upload,
                    InputError {
                        field: "plan".into(),
                        problem: "choose a plan file (.json) saved from the plan page, then Open"
                            .into(),
                    },
                )
            };
            while let Some(field) = multipart.next_field().await.map_err(|_| {
                PostError::Body(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The file is too large or was cut off; a saved plan is a small .json file.",
                )
            })? {
                if field.name() != Some("plan") {
                    continue;
                }
                let bytes = field.bytes().await.map_err(|_| {
                    PostError::Body(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "The file is too large or was cut off; a saved plan is a small .json file.",
                    )
                })?;
                if bytes.is_empty() {
                    return Err(no_file());
                }
                return PlanInput::from_json(&bytes)
                    .map(|p| (Posted::Upload, p))
                    .map_err(|e| PostError::Input(Posted::Upload, e));
            }
            Err(no_file())
        }
        _ => Err(PostError::Unsupported),
    }
}

/// One posted plan, answered as its format (or the plan page), with
/// `Cache-Control: no-store`: what was written is in this answer only.
async fn posted(state: AppState, request: Request, format: Option<Format>) -> Response {
    let site = state.site();
    let read = read_posted(&state, request).await;
    let base = state.public_base(&site);
    let mut response = super::off_loop(move || {
        let (how, input) = match read {
            Ok(read) => read,
            Err(e) => return post_error(&site, e),
        };
        let view = match input.view.as_deref() {
            Some("session") => View::Session,
            _ => View::Plan,
        };
        let plan = match Plan::from_input(&site, input) {
            Ok(plan) => plan,
            Err(e) => return post_error(&site, PostError::Input(how, e)),
        };
        match format {
            Some(format) => {
                let name = if view == View::Plan {
                    "plan"
                } else {
                    "session"
                };
                export_plan(plan, view, name, &base, format)
            }
            None => render_plan(&site, plan, "plan", &base, true, None).into_response(),
        }
    })
    .await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn post_error(site: &Site, e: PostError) -> Response {
    match e {
        PostError::Input(Posted::Json, e) => AppError::Api {
            status: StatusCode::BAD_REQUEST,
            body: ApiError {
                error: format!("The plan could not be used: {e}."),
                parameter: Some(e.field),
                value: None,
            },
        }
        .into_response(),
        PostError::Input(_, e) => bad_request(site, &format!("The plan could not be used: {e}.")),
        PostError::Unsupported => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Post a plan as JSON (Content-Type: application/json), as the plan page's form, or as an uploaded saved plan.\n",
        )
            .into_response(),
        PostError::Body(status, text) => (status, format!("{text}\n")).into_response(),
    }
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
        let mut input = PlanInput::of_items(items);
        input.rates = query.rates;
        match Plan::from_input(&site, input) {
            Ok(plan) => export_plan(plan, view, &query.view, &base, format),
            Err(e) => bad_request(&site, &e.to_string()),
        }
    })
    .await
}

/// One export of a plan or session, as a download.
fn export_plan(plan: Plan, view: View, view_name: &str, base: &str, format: Format) -> Response {
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
    /// The pages before "Empty the plan", offered back afterwards.
    #[serde(default)]
    previous: String,
    #[serde(default)]
    view: Option<String>,
}

pub fn local_path(path: Option<&str>) -> Option<&str> {
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
    let (items, count) = match super::cookies::add_pages(&site, cookie_items(&headers), &pairs) {
        Ok(added) => added,
        Err(AddError::Items(e)) => return bad_request(&site, &e.to_string()),
        Err(AddError::Full) => {
            return bad_request(
                &site,
                &format!(
                    "A plan can hold at most {MAX_ITEMS} pages. Remove some pages from your plan first."
                ),
            );
        }
    };
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
    let previous = match parse_items([form.previous.as_str()]) {
        Ok(previous) => previous,
        Err(e) => return bad_request(&site, &e.to_string()),
    };
    // Emptied: the empty plan offers its pages back, so it can be undone.
    let target = if items.is_empty() && !previous.is_empty() {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("restore", &previous.join(","));
        crate::routes::plan(&s.finish())
    } else {
        plan_url(&items, view)
    };
    (
        [(header::SET_COOKIE, set_cookie(&items))],
        Redirect::to(&target),
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
