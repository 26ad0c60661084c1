//! The school's inclusion strategy through the router: a posted strategy
//! gives the same exact totals in every export and on its page, costs
//! missing a rate show as gaps (never zero), framework files are checked
//! with file, line and column, and a page tagged to a framework is totalled
//! under it. Pages are collected in their own cookie without JavaScript.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{bundled, send, state};
use waymark::web::AppState;

/// Eight activities, costed by hand below: each worked out from the page's
/// sessions (or the school's hours), the posted rates and weeks, rounded
/// to the penny, or given by the school.
fn eight() -> serde_json::Value {
    serde_json::json!({
        "school": {"name": "Hillside Primary"},
        "years": "2026 to 2029",
        "review": {"date": "2027-07-15"},
        "rates": {"teaching-assistant": 14.37, "mentor": 17.45},
        "activities": [
            // 5 x 10 min x 8 weeks x £14.37 = £95.80
            {"item": "strategies/backward-chaining-life-skills", "funding": "inclusive-mainstream-fund",
             "barrier": "Dressing for PE takes the lesson", "cohort": "Year 2", "pupils": 6},
            // 2 x 20 min x 8 x £17.45 = £93.0666.. = £93.07
            {"item": "strategies/brave-steps-ladder", "funding": "inclusive-mainstream-fund"},
            // 3 x 15 min x 8 x £14.37 = £86.22
            {"item": "strategies/co-regulation-and-calm-space", "funding": "notional-sen-budget"},
            // the school's 1.25 hours x 10 x £14.37 = £179.625 = £179.63
            {"item": "strategies/colour-coded-sentence-building", "funding": "core-budget",
             "hours_a_week": 1.25},
            // universal, no staff: the school's own cost
            {"item": "strategies/adhd-seating-and-reducing-distractions", "funding": "other",
             "cost": 250},
            // universal, nothing to work it out from: a gap
            {"item": "strategies/calming-breathing-and-grounding", "funding": "inclusive-mainstream-fund"},
            // worked out £517.32, but the school gives £600.50
            {"item": "strategies/small-group-nurture-sessions", "funding": "inclusive-mainstream-fund",
             "cost": 600.5, "measure": "Boxall profile each term"},
            // a SENCO's time with no SENCO rate: a gap
            {"item": "strategies/emotion-coaching", "staff": "senco", "hours_a_week": 2, "weeks": 3}
        ]
    })
}

async fn post(s: &AppState, uri: &str, body: &serde_json::Value) -> (StatusCode, Vec<u8>) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = tower::ServiceExt::oneshot(waymark::web::service(s.clone()), request)
        .await
        .unwrap();
    let status = response.status();
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "no-store",
        "{uri} is not kept"
    );
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, bytes.to_vec())
}

#[tokio::test]
async fn eight_activities_give_the_same_exact_totals_in_every_export_and_on_the_page() {
    let s = state(bundled());
    let (status, json) = post(&s, "/strategy.json", &eight()).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&json));
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let costs: Vec<Option<f64>> = doc["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["cost"].as_f64())
        .collect();
    assert_eq!(
        costs,
        [
            Some(95.80),
            Some(93.07),
            Some(86.22),
            Some(179.63),
            Some(250.0),
            None,
            Some(600.5),
            None
        ]
    );
    let t = &doc["totals"];
    assert_eq!(t["all"], 1305.22);
    assert_eq!(t["missing"], 2);
    assert_eq!(t["by_funding"]["inclusive-mainstream-fund"], 789.37);
    assert_eq!(t["by_funding"]["notional-sen-budget"], 86.22);
    assert_eq!(t["by_funding"]["core-budget"], 179.63);
    assert_eq!(t["by_funding"]["other"], 250.0);
    assert_eq!(
        t["by_funding"]["none"],
        serde_json::Value::Null,
        "no cost is a gap, not 0"
    );
    assert_eq!(t["by_tier"]["targeted"], 1055.22);
    assert_eq!(t["by_tier"]["universal"], 250.0);
    assert_eq!(doc["activities"][6]["cost_worked_out"], 517.32);
    assert_eq!(doc["multi_year"], true);

    // Posted back as it came, the saved strategy gives the same document.
    let (_, again) = post(&s, "/strategy.json", &doc).await;
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&again).unwrap(),
        doc
    );

    let total = "£1,305.22";
    let (_, md) = post(&s, "/strategy.md", &eight()).await;
    let md = String::from_utf8(md).unwrap();
    assert!(
        md.contains(&format!("Total budgeted: {total} for 8 activities.")),
        "{md}"
    );
    assert!(
        md.contains("| Inclusive mainstream fund | 4 | £789.37 (1 without a cost) |"),
        "{md}"
    );
    assert!(
        md.contains("| No funding source given | 1 | No cost yet |"),
        "{md}"
    );
    assert!(
        md.contains("reviewed annually"),
        "a multi-year strategy says so on its cover"
    );
    assert!(
        md.contains("| Teaching calming breathing and grounding | Universal: quality first teaching |  |  |  | No cost yet |"),
        "a gap shows, never £0.00: {md}"
    );

    let (_, csv) = post(&s, "/strategy.csv", &eight()).await;
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.starts_with('\u{feff}'),
        "the CSV starts with a byte order mark"
    );
    let rows: Vec<Vec<String>> =
        csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
    let cost_of = |label: &str| {
        rows.iter()
            .find(|r| r[0] == label)
            .map(|r| r[9].clone())
            .unwrap_or_else(|| panic!("no row {label}: {rows:?}"))
    };
    assert_eq!(cost_of("Total"), "1305.22");
    assert_eq!(cost_of("Funding: Inclusive mainstream fund"), "789.37");
    assert_eq!(
        cost_of("Funding: No funding source given"),
        "",
        "a gap, never 0.00"
    );
    assert_eq!(
        cost_of("Teaching calming breathing and grounding").as_str(),
        "",
        "a gap is blank"
    );
    let row_sum: i64 = rows[..8]
        .iter()
        .filter(|r| !r[9].is_empty())
        .map(|r| (r[9].parse::<f64>().unwrap() * 100.0).round() as i64)
        .sum();
    assert_eq!(row_sum, 130_522, "the total is the exact sum of the rows");

    let (_, docx) = post(&s, "/strategy.docx", &eight()).await;
    let xml = common::zip_part(&docx, "word/document.xml");
    assert!(xml.contains(&format!("Total budgeted: {total} for 8 activities.")));
    assert!(xml.contains("Hillside Primary") && xml.contains("reviewed annually"));
    assert!(xml.contains("Summary for parents and carers"));

    let (status, page) = post(&s, "/strategy", &eight()).await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains(&format!("Total budgeted: {total} for 8 activities.")));
    assert!(page.contains("£789.37"));
    assert!(
        page.contains("No hourly rate yet for: SENCO"),
        "the missing rate is named"
    );
}

#[tokio::test]
async fn bad_posted_fields_are_named() {
    let s = state(bundled());
    let mut bad = eight();
    bad["activities"][2]["funding"] = "lottery".into();
    let (status, body) = post(&s, "/strategy.json", &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let e: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(e["parameter"], "activities[2].funding");
    let mut bad = eight();
    bad["activities"][0]["cost"] = serde_json::json!(12.345);
    let (_, body) = post(&s, "/strategy.json", &bad).await;
    let e: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(e["parameter"], "activities[0].cost");
}

#[tokio::test]
async fn pages_are_collected_in_their_own_cookie_and_the_form_removes_one() {
    let s = state(bundled());
    let add = send(
        &s,
        Request::post("/strategy/add")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                "items=strategies%2Fbrave-steps-ladder&items=strategies%2Femotion-coaching",
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(add.status, StatusCode::SEE_OTHER);
    let cookie = add.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with(
            "waymark_strategy=strategies/brave-steps-ladder.strategies/emotion-coaching;"
        ),
        "{cookie}"
    );
    let shown = send(
        &s,
        Request::get("/strategy?added=2")
            .header(header::COOKIE, "waymark_strategy=strategies/brave-steps-ladder.strategies/emotion-coaching; waymark_plan=strategies/movement-breaks-for-attention")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("Added 2 pages to your strategy."));
    assert!(
        shown
            .body
            .contains("name=\"activities.2.item\" value=\"strategies/emotion-coaching\"")
    );
    assert!(
        !shown.body.contains("movement-breaks-for-attention\""),
        "the plan's cookie is not the strategy's"
    );
    assert!(
        shown
            .body
            .contains("<li>A child who avoids one particular situation"),
        "the page's 'what you might see' is offered as a prompt, as plain lines"
    );
    assert!(shown.body.contains("31 December 2026"));
    assert!(
        shown
            .body
            .contains("Developing an inclusion strategy using the inclusive mainstream fund")
    );

    let form = "school.name=Hill&activities.1.item=strategies%2Fbrave-steps-ladder&activities.1.cost=12&activities.2.item=strategies%2Femotion-coaching&remove=2";
    let posted = send(
        &s,
        Request::post("/strategy")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap(),
    )
    .await;
    assert_eq!(posted.status, StatusCode::OK);
    assert_eq!(posted.headers[header::CACHE_CONTROL], "no-store");
    assert!(
        posted
            .body
            .contains("Total budgeted: £12.00 for 1 activity.")
    );
    assert!(!posted.body.contains("activities.2.item"));
    assert!(
        posted.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .starts_with("waymark_strategy=strategies/brave-steps-ladder;")
    );

    // With no cost known at all, nothing says £0.00.
    let none = send(
        &s,
        Request::get("/strategy?items=strategies/emotion-coaching")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(
        none.body
            .contains("Total budgeted: no cost yet for 1 activity.")
    );
    assert!(!none.body.contains("£0.00"), "a gap, never a silent zero");

    let home = send(&s, Request::get("/").body(Body::empty()).unwrap()).await;
    assert!(home.body.contains("href=\"/strategy\""));
}

const VALUES: &str = "id: values\nlabel: Our values\nitems:\n  - id: belonging\n    label: Belonging\n  - id: voice\n    label: Pupil voice\n";

fn folder_with(framework: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::one_page_in(dir.path());
    std::fs::create_dir(dir.path().join("frameworks")).unwrap();
    std::fs::write(dir.path().join("frameworks/values.yaml"), framework).unwrap();
    dir
}

#[tokio::test]
async fn a_page_tagged_to_a_framework_is_totalled_under_it() {
    let dir = folder_with(VALUES);
    let page = dir.path().join("strategies/movement-breaks.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let tagged = text.replacen(
        "\nupdated:",
        "\nframeworks:\n  values: [voice]\nupdated:",
        1,
    );
    assert_ne!(text, tagged);
    std::fs::write(&page, tagged).unwrap();
    let s = state(common::site(dir.path().to_path_buf()));
    let body =
        serde_json::json!({"activities": [{"item": "strategies/movement-breaks", "cost": 40}]});
    let (_, json) = post(&s, "/strategy.json", &body).await;
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        doc["activities"][0]["headings"]["values"],
        serde_json::json!(["voice"])
    );
    assert_eq!(doc["totals"]["by_framework"]["values"]["voice"], 40.0);
    let (_, html) = post(&s, "/strategy", &body).await;
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("Spending by framework: Our values"), "{html}");
    assert!(html.contains("Our values: Pupil voice"));
    let (_, md) = post(&s, "/strategy.md", &body).await;
    assert!(
        String::from_utf8(md)
            .unwrap()
            .contains("| Pupil voice | 1 | £40.00 |")
    );
}

#[test]
fn framework_file_errors_give_file_line_and_column() {
    for (yaml, line, col, message) in [
        (
            format!("{VALUES}  - id: voice\n    label: Again\n"),
            8,
            9,
            "item id \"voice\" appears twice",
        ),
        (
            "id: key-ingredients\nlabel: K\nitems:\n  - id: personalisaton\n    label: P\n"
                .to_string(),
            4,
            9,
            "unknown key ingredient \"personalisaton\"; did you mean \"personalisation\"?",
        ),
    ] {
        let dir = folder_with(&yaml);
        let Err(waymark::content::LoadError::Settings(problems)) =
            waymark::site::Site::load(&common::options(dir.path().to_path_buf()))
                .map(|_| ())
                .map_err(|e| match e {
                    waymark::site::BuildError::Load(e) => e,
                    other => panic!("{other:?}"),
                })
        else {
            panic!("a bad framework file stops the load");
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert!(p.path.ends_with("frameworks/values.yaml"));
        assert_eq!((p.line, p.col, p.message.as_str()), (line, col, message));
    }
}

struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn what_a_school_posts_never_reaches_the_log() {
    let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&buffer);
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || Sink(std::sync::Arc::clone(&sink)))
        .finish();
    // Global, so the blocking threads that make the exports log here too.
    tracing::subscriber::set_global_default(subscriber).expect("one subscriber in this binary");
    let s = state(bundled());
    let mut marked = eight();
    marked["school"]["name"] = "QzSchoolMarker".into();
    marked["activities"][0]["barrier"] = "QzBarrierMarker".into();
    for uri in [
        "/strategy",
        "/strategy.json",
        "/strategy.md",
        "/strategy.csv",
        "/strategy.docx",
    ] {
        let (status, _) = post(&s, uri, &marked).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
    }
    let log = String::from_utf8_lossy(&buffer.lock().unwrap()).into_owned();
    assert!(log.contains("/strategy.docx"), "the log is captured: {log}");
    assert!(!log.contains("QzSchoolMarker") && !log.contains("QzBarrierMarker"));
}
