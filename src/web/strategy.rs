//! The school's inclusion strategy over HTTP: `/strategy` (the page, as one
//! form), `POST /strategy`, the exports `/strategy.docx`, `.md`, `.csv`,
//! `.json` (GET for the pages only, POST with what the school wrote), and
//! `POST /strategy/add`, which collects pages without JavaScript.
//!
//! The pages being collected live in their own cookie, apart from the plan's,
//! holding only page addresses. What is posted is never logged or kept;
//! answers to it carry `Cache-Control: no-store`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{DefaultBodyLimit, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};

use crate::plan::input::InputError;
use crate::plan::{MAX_ITEMS, number, parse_items};
use crate::site::Site;
use crate::strategy::export::{self, Format};
use crate::strategy::input::{ActivityInput, StrategyInput};
use crate::strategy::{Strategy, WHAT_YOU_MIGHT_SEE, funding_sources};

use super::AppState;
use super::cookies::AddError;
use super::error::{ApiError, AppError};
use super::pages::bad_request;
use super::posted::BodyError;
use super::views::Chrome;

/// The cookie holding the strategy's pages: addresses joined by `.`.
pub const COOKIE: &str = "waymark_strategy";
/// The largest strategy that can be posted.
pub const MAX_STRATEGY_BYTES: usize = 512 * 1024;

/// The pages in the strategy cookie.
pub fn cookie_items(headers: &HeaderMap) -> Vec<String> {
    super::cookies::pages(headers, COOKIE)
}

fn set_cookie(items: &[String]) -> HeaderValue {
    super::cookies::set_pages(COOKIE, items)
}

/// `items=a,b` from a query, or the cookie's pages.
fn query_items(raw: Option<&str>, headers: &HeaderMap) -> Result<Vec<String>, String> {
    let given: Vec<String> = raw
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k == "items")
                .map(|(_, v)| v.into_owned())
                .collect()
        })
        .unwrap_or_default();
    if given.is_empty() {
        return Ok(cookie_items(headers));
    }
    parse_items(given.iter().map(String::as_str)).map_err(|e| e.to_string())
}

/// One activity as the form shows it.
pub struct ActivityView {
    pub n: usize,
    pub item: String,
    pub title: String,
    pub url: String,
    pub layer: String,
    pub headings: Vec<(String, String)>,
    /// The page's "what you might see", a line each.
    pub prompt: Vec<String>,
    pub input: ActivityInput,
    pub pupils: String,
    pub hours: String,
    pub hours_placeholder: String,
    pub weeks: String,
    pub weeks_placeholder: String,
    pub cost: String,
    pub cost_placeholder: String,
    pub cost_text: String,
    pub has_cost: bool,
    pub staff: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "strategy.html")]
pub struct StrategyTemplate {
    chrome: Chrome,
    school: String,
    years: String,
    review: String,
    activities: Vec<ActivityView>,
    staff: Vec<(String, String)>,
    funding: Vec<(String, String)>,
    rates: Vec<(String, String, String)>,
    tables: Vec<(String, Vec<[String; 3]>)>,
    total_line: String,
    summary: Vec<String>,
    cover: Vec<String>,
    formats: Vec<(&'static str, &'static str)>,
    framework_note: &'static str,
    missing_rates: Vec<String>,
    added: Option<usize>,
    columns: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

fn render(site: &Site, s: &Strategy, added: Option<usize>) -> Response {
    let opt = |v: Option<f64>| v.map(number).unwrap_or_default();
    let activities = s
        .activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let headings = s
                .headings(a)
                .into_iter()
                .filter(|(_, l)| !l.is_empty())
                .map(|(f, l)| (f.label.clone(), l.join(", ")))
                .collect();
            ActivityView {
                n: i + 1,
                item: a.page.slug.clone(),
                title: a.page.meta.title.clone(),
                url: a.page.url.clone(),
                layer: s.tier_label(a.tier()),
                headings,
                prompt: a
                    .page
                    .section(WHAT_YOU_MIGHT_SEE)
                    .map(|md| {
                        crate::content::markdown::analyse(&md)
                            .text
                            .lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                pupils: a.input.pupils.map(|p| p.to_string()).unwrap_or_default(),
                hours: opt(a.input.hours_a_week),
                hours_placeholder: opt(a.hours_a_week),
                weeks: opt(a.input.weeks),
                weeks_placeholder: opt(a.weeks),
                cost: opt(a.input.cost),
                cost_placeholder: a.worked_out.map(|m| m.pounds()).unwrap_or_default(),
                cost_text: a.cost_text(),
                has_cost: a.cost.is_some(),
                staff: a.staff.clone().unwrap_or_default(),
                input: a.input.clone(),
            }
        })
        .collect();
    let mut roles: Vec<String> = s
        .activities
        .iter()
        .filter_map(|a| a.staff.clone())
        .collect();
    roles.sort();
    roles.dedup();
    let rates = roles
        .iter()
        .map(|id| {
            let label = site.taxonomy.staff(id).map_or(id.as_str(), |t| &t.label);
            let value = s
                .input
                .rates
                .get(id)
                .map(|r| r.pounds())
                .unwrap_or_default();
            (id.clone(), label.to_string(), value)
        })
        .collect();
    StrategyTemplate {
        chrome: Chrome::new(site, "Your school's inclusion strategy"),
        school: s.input.school.name.clone(),
        years: s.input.years.clone(),
        review: s.input.review.date.clone(),
        activities,
        staff: site
            .taxonomy
            .staff
            .iter()
            .map(|t| (t.id.clone(), t.label.clone()))
            .collect(),
        funding: funding_sources(site),
        rates,
        tables: export::total_tables(s),
        total_line: export::total_line(s),
        summary: s.summary_for_parents(),
        cover: export::cover(s),
        formats: Format::ALL.iter().map(|f| (f.path(), f.label())).collect(),
        framework_note: export::FRAMEWORK_NOTE,
        missing_rates: s.roles_without_rate().into_iter().map(|(_, l)| l).collect(),
        added,
        columns: export::ACTIVITY_COLUMNS,
        rows: s
            .activities
            .iter()
            .map(|a| export::activity_cells(s, a))
            .collect(),
    }
    .into_response()
}

/// `GET /strategy`: the strategy of the pages in the query or the cookie.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let site = state.site();
    let items = match query_items(raw.as_deref(), &headers) {
        Ok(items) => items,
        Err(e) => return bad_request(&site, &e),
    };
    let added = match super::plan::added_note(raw.as_deref()) {
        Ok(a) => a,
        Err(e) => return bad_request(&site, &e),
    };
    // A page since removed from the portal is dropped, not an error.
    let items: Vec<String> = items
        .into_iter()
        .filter(|i| site.page(i).is_some())
        .collect();
    super::off_loop(move || match Strategy::of_items(&site, &items) {
        Ok(s) => render(&site, &s, added),
        Err(e) => bad_request(&site, &e.to_string()),
    })
    .await
}

/// `POST /strategy`: the page with what was posted written in it (a
/// `remove=N` drops that activity first).
pub fn show_posted() -> MethodRouter<AppState> {
    axum::routing::post(|State(state): State<AppState>, request: Request| {
        posted(state, request, None)
    })
    .layer(DefaultBodyLimit::max(MAX_STRATEGY_BYTES))
}

/// `GET` and `POST` of one export route.
pub fn download(format: Format) -> MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery| async move {
            let site = state.site();
            let items = match query_items(raw.as_deref(), &headers) {
                Ok(items) => items,
                Err(e) => return bad_request(&site, &e),
            };
            super::off_loop(move || match Strategy::of_items(&site, &items) {
                Ok(s) => export_as(&s, format),
                Err(e) => bad_request(&site, &e.to_string()),
            })
            .await
        },
    )
    .post(move |State(state): State<AppState>, request: Request| {
        posted(state, request, Some(format))
    })
    .layer(DefaultBodyLimit::max(MAX_STRATEGY_BYTES))
}

fn export_as(s: &Strategy, format: Format) -> Response {
    match format.render(s) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, format.content_type().to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", format.file_name()),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => AppError::failed("export", e).into_response(),
    }
}

enum Read {
    Json(StrategyInput),
    /// The form, and the activity to remove (from 1), if any.
    Form(StrategyInput, Option<usize>),
}

/// Reads the posted strategy as JSON or the page's form, at most
/// [`MAX_STRATEGY_BYTES`]; never logged.
async fn read_posted(request: Request) -> Result<Read, Response> {
    let kind = super::posted::media_type(request.headers());
    let json = match kind.as_str() {
        "application/json" => true,
        "application/x-www-form-urlencoded" => false,
        _ => {
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Post a strategy as JSON (Content-Type: application/json) or as the strategy page's form.\n",
            )
                .into_response());
        }
    };
    let bytes = super::posted::bytes(request, MAX_STRATEGY_BYTES)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The strategy is too large to read.\n",
            )
                .into_response(),
            BodyError::CutOff => (
                StatusCode::BAD_REQUEST,
                "The strategy could not be read in full; try again.\n",
            )
                .into_response(),
        })?;
    if json {
        return StrategyInput::from_json(&bytes)
            .map(Read::Json)
            .map_err(json_error);
    }
    let mut remove = None;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes)
        .into_owned()
        .filter(|(k, v)| {
            if k == "remove" {
                remove = v.parse().ok();
                false
            } else {
                true
            }
        })
        .collect();
    StrategyInput::from_form(pairs)
        .map(|input| Read::Form(input, remove))
        .map_err(|e| {
            (
                StatusCode::BAD_REQUEST,
                format!("The strategy could not be used: {e}.\n"),
            )
                .into_response()
        })
}

fn json_error(e: InputError) -> Response {
    AppError::Api {
        status: StatusCode::BAD_REQUEST,
        body: ApiError {
            error: format!("The strategy could not be used: {e}."),
            parameter: Some(e.field),
            value: None,
        },
    }
    .into_response()
}

async fn posted(state: AppState, request: Request, format: Option<Format>) -> Response {
    let site = state.site();
    let read = read_posted(request).await;
    let mut response = super::off_loop(move || {
        let (input, json) = match read {
            Ok(Read::Json(input)) => (input, true),
            Ok(Read::Form(mut input, remove)) => {
                if let Some(n) = remove.filter(|n| (1..=input.activities.len()).contains(n)) {
                    input.activities.remove(n - 1);
                }
                (input, false)
            }
            Err(response) => return response,
        };
        let items: Vec<String> = input.activities.iter().map(|a| a.item.clone()).collect();
        let strategy = match Strategy::from_input(&site, input) {
            Ok(s) => s,
            Err(e) if json => return json_error(e),
            Err(e) => return bad_request(&site, &format!("The strategy could not be used: {e}.")),
        };
        let mut response = match format {
            Some(format) => export_as(&strategy, format),
            None => render(&site, &strategy, None),
        };
        if format.is_none() {
            // The page's list of pages (never what was written) is remembered.
            response
                .headers_mut()
                .insert(header::SET_COOKIE, set_cookie(&items));
        }
        response
    })
    .await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /strategy/add`: adds pages to the strategy being collected, then
/// shows the strategy.
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
                &format!("A strategy can hold at most {MAX_ITEMS} pages. Remove some first."),
            );
        }
    };
    // To the strategy, with a note of what was added: the next step is
    // writing about it there.
    let target = format!("/strategy?added={count}");
    (
        [(header::SET_COOKIE, set_cookie(&items))],
        Redirect::to(&target),
    )
        .into_response()
}
