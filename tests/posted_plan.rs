//! Plans posted with what a SENCO wrote about a child: each export carries
//! every field back, nothing reaches a log (captured at trace level, every
//! target) or a cache, answers say `no-store`, needs appear only when
//! chosen, unticked steps are left out and costs are hours times rate.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{bundled, state};
use http_body_util::BodyExt;
use tower::ServiceExt;
use waymark::web::AppState;

/// Every log line any test in this binary causes, at every level.
fn log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buffer);
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(Arc::clone(&sink)))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
        buffer
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const TA_PAGE: &str = "strategies/small-group-nurture-sessions";
const UNIVERSAL_PAGE: &str = "strategies/movement-breaks-for-attention";

/// A plan with a distinct marker in every field a SENCO can write.
fn marked_plan() -> (serde_json::Value, Vec<String>) {
    let mut markers = Vec::new();
    let mut m = |field: &str| {
        let marker = format!("Qz{}Marker", field.replace(['.', '_', '/', '-'], ""));
        markers.push(marker.clone());
        marker
    };
    let plan = serde_json::json!({
        "items": [UNIVERSAL_PAGE, TA_PAGE],
        "needs": ["adhd", "semh"],
        "child": {
            "name": m("child.name"),
            "year_group": m("child.year_group"),
            "strengths": m("child.strengths"),
            "interests": m("child.interests"),
            "helps": m("child.helps"),
            "hinders": m("child.hinders"),
            "views": m("child.views"),
        },
        "family_views": m("family_views"),
        "date": m("date"),
        "people": m("people"),
        "outcomes": [
            {"outcome": m("outcome1"), "measure": m("measure1"), "by": m("by1")},
            {"outcome": m("outcome2"), "measure": m("measure2"), "by": m("by2")},
        ],
        "review": {
            "date": m("review.date"),
            "attendees": m("review.attendees"),
            "child_part": m("review.child_part"),
        },
        "delivery": {
            TA_PAGE: {
                "who": m("delivery.who"),
                "where": m("delivery.where"),
                "start": m("delivery.start"),
            }
        },
        "rates": {"teaching-assistant": 14.37},
        "steps": {TA_PAGE: [1, 3]},
    });
    (plan, markers)
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

async fn post(state: &AppState, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
    let request = Request::post(path)
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    let response = waymark::web::service(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        body: response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    }
}

/// [`post`] with a plan as JSON.
async fn post_json(state: &AppState, path: &str, plan: &serde_json::Value) -> Answer {
    post(
        state,
        path,
        "application/json",
        plan.to_string().into_bytes(),
    )
    .await
}

/// The text a reader sees in an export: a Word file's document.xml, or
/// the bytes as they are.
fn readable(path: &str, bytes: &[u8]) -> String {
    if path.ends_with(".docx") {
        common::zip_part(bytes, "word/document.xml")
    } else {
        String::from_utf8(bytes.to_vec()).expect("UTF-8")
    }
}

/// The Markdown plan's needs section, up to the next section.
fn needs_section(md: &str) -> &str {
    md.split("## Needs this plan addresses")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a needs section")
}

const EXPORTS: [&str; 4] = ["/plan.docx", "/plan.md", "/plan.csv", "/plan.json"];

#[tokio::test]
async fn what_is_written_comes_back_in_every_export_and_nowhere_else() {
    let log = log();
    let s = state(bundled());
    // A search first, so the answer cache holds something to look in.
    let (status, _, _) = common::get(&s, "/search?q=ear+defenders").await;
    assert_eq!(status, StatusCode::OK);
    let cached_before = s.answers.len();
    assert!(cached_before > 0, "searches are cached");

    let (plan, markers) = marked_plan();
    let body = serde_json::to_vec(&plan).unwrap();
    for path in EXPORTS {
        let answer = post(&s, path, "application/json", body.clone()).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.headers["cache-control"], "no-store", "{path}");
        let text = readable(path, &answer.body);
        for marker in &markers {
            assert!(text.contains(marker), "{path} lacks {marker}");
        }
    }
    // The plan page itself, posted as the form it is and as an upload.
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("items", &format!("{UNIVERSAL_PAGE},{TA_PAGE}"))
        .append_pair("child.name", &markers[0])
        .append_pair("family_views", &markers[7])
        .finish();
    let page = post(
        &s,
        "/plan",
        "application/x-www-form-urlencoded",
        form.into_bytes(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers["cache-control"], "no-store");
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains(&markers[0]) && html.contains(&markers[7]));

    // Nothing written reached a log line or a cached answer; and an answer
    // asked for again without the plan does not carry it.
    let logged = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(
        !logged.is_empty(),
        "the subscriber captures the portal's log"
    );
    for marker in &markers {
        assert!(!logged.contains(marker), "{marker} was logged");
    }
    assert_eq!(s.answers.len(), cached_before, "a posted plan was cached");
    for path in EXPORTS {
        let (_, _, again) =
            common::get_bytes(&s, &format!("{path}?items={UNIVERSAL_PAGE},{TA_PAGE}")).await;
        let text = readable(path, &again);
        for marker in &markers {
            assert!(!text.contains(marker), "{path} kept {marker}");
        }
    }
}

#[tokio::test]
async fn needs_appear_only_when_chosen_and_unticked_steps_are_left_out() {
    let s = state(bundled());
    // Not chosen: the Markdown suggests and never asserts.
    let plain = serde_json::json!({"items": [TA_PAGE, "resources/one-page-profile"]});
    let md = post_json(&s, "/plan.md", &plain).await;
    let md = String::from_utf8(md.body).unwrap();
    let needs = needs_section(&md);
    assert!(needs.contains("Not chosen yet"), "{needs}");
    assert!(
        !needs.contains("\n- "),
        "no need is listed as the child's: {needs}"
    );

    // Chosen: exactly those, in the order chosen.
    let mut chosen = plain.clone();
    chosen["needs"] = serde_json::json!(["speech-language-communication"]);
    chosen["steps"] = serde_json::json!({TA_PAGE: [2]});
    let md = post_json(&s, "/plan.md", &chosen).await;
    let md = String::from_utf8(md.body).unwrap();
    let needs = needs_section(&md);
    let listed: Vec<&str> = needs.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(
        listed,
        ["- Speech, language and communication needs (SLCN)"]
    );

    // Only step 2 of the page's steps is in the plan.
    let site = bundled();
    let steps = site.page(TA_PAGE).unwrap().steps();
    assert!(steps.len() >= 3);
    let first_words = |step: &str| -> String {
        waymark::content::markdown::render(step)
            .text
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let plain_md = waymark::content::markdown::render(&md).text;
    let plain_md = plain_md.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        plain_md.contains(&first_words(&steps[1])),
        "the ticked step"
    );
    for (i, step) in steps.iter().enumerate().filter(|(i, _)| *i != 1) {
        assert!(
            !plain_md.contains(&first_words(step)),
            "unticked step {} is in the plan",
            i + 1
        );
    }
    // The JSON marks each step ticked or not.
    let json = post_json(&s, "/plan.json", &chosen).await;
    let json: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
    let ticked: Vec<bool> = json["pages"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ticked"].as_bool().unwrap())
        .collect();
    assert_eq!(ticked.iter().filter(|t| **t).count(), 1);
    assert!(ticked[1]);
    assert_eq!(
        json["needs_chosen"][0]["id"],
        "speech-language-communication"
    );
}

#[tokio::test]
async fn costs_are_hours_times_the_posted_rate() {
    let s = state(bundled());
    let site = bundled();
    let p = site.page(TA_PAGE).unwrap().meta.provision.clone().unwrap();
    assert_eq!(p.staff, "teaching-assistant");
    let plan = serde_json::json!({"items": [TA_PAGE], "rates": {"teaching-assistant": 14.37}});
    let answer = post_json(&s, "/plan.json", &plan).await;
    assert_eq!(answer.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    let provision = &json["pages"][0]["provision"];
    // Whole pence from exact hundredths: hours a week x 1437p, then x weeks.
    let hours = p.sessions_per_week * p.session_minutes / 60.0;
    let week = (hours * 1437.0).round() / 100.0;
    let over = (hours * p.weeks * 1437.0).round() / 100.0;
    assert_eq!(provision["cost_a_week"].as_f64().unwrap(), week);
    assert_eq!(
        provision["cost_over_the_intervention"].as_f64().unwrap(),
        over
    );
    assert_eq!(
        json["costs"]["total_over_the_interventions"]
            .as_f64()
            .unwrap(),
        over
    );
    // The CSV shows the same money beside the hours.
    let csv = post_json(&s, "/plan.csv", &plan).await;
    let text = String::from_utf8(csv.body).unwrap();
    assert!(text.contains(&format!("{over:.2}")), "{text}");
}

#[tokio::test]
async fn a_saved_plan_opens_again_and_bad_plans_name_their_field() {
    let s = state(bundled());
    let (plan, markers) = marked_plan();
    let saved = post_json(&s, "/plan.json", &plan).await;
    // The saved file, uploaded as a browser without JavaScript sends it.
    let boundary = "XyZBoundary";
    let mut body = Vec::new();
    write!(
        body,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"plan\"; filename=\"plan.json\"\r\nContent-Type: application/json\r\n\r\n"
    )
    .unwrap();
    body.extend_from_slice(&saved.body);
    write!(body, "\r\n--{boundary}--\r\n").unwrap();
    let page = post(
        &s,
        "/plan",
        &format!("multipart/form-data; boundary={boundary}"),
        body,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = String::from_utf8(page.body).unwrap();
    for marker in &markers {
        assert!(html.contains(marker), "the reopened plan lacks {marker}");
    }
    assert!(
        html.contains("value=\"adhd\" checked"),
        "chosen needs stay chosen"
    );
    // Saved again, it is the same plan.
    let again = post(&s, "/plan.json", "application/json", saved.body.clone()).await;
    assert_eq!(again.body, saved.body);

    // A wrong field is named; what was written is not repeated back.
    for (bad, field) in [
        (r#"{"child":{"nmae":"QzSecret"}}"#, "child.nmae"),
        (r#"{"outcomes":"QzSecret"}"#, "outcomes"),
        (r#"{"needs":["no-such-need"]}"#, "needs"),
        (r#"{"rates":{"dinner-lady":9}}"#, "rates"),
        (
            r#"{"items":["strategies/x"],"steps":{"strategies/y":[1]}}"#,
            "steps.strategies/y",
        ),
    ] {
        let answer = post(
            &s,
            "/plan.docx",
            "application/json",
            bad.as_bytes().to_vec(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(json["parameter"], field, "{bad}");
        assert!(
            !json["error"].as_str().unwrap().contains("QzSecret"),
            "{bad}"
        );
    }
    let long = serde_json::json!({"family_views": "x".repeat(200_000)});
    let answer = post_json(&s, "/plan.md", &long).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let huge = vec![b' '; 600 * 1024];
    let answer = post(&s, "/plan.md", "application/json", huge).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    let answer = post(&s, "/plan.md", "text/plain", b"hello".to_vec()).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn the_schema_describes_the_saved_plan() {
    let s = state(bundled());
    let (status, content_type, bytes) = common::get_bytes(&s, "/api/plan.schema.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/schema+json");
    let schema: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    for key in [
        "items",
        "needs",
        "child",
        "family_views",
        "outcomes",
        "review",
        "rates",
        "steps",
    ] {
        assert!(properties.contains_key(key), "{key}");
        assert!(schema["properties"][key].get("readOnly").is_none(), "{key}");
    }
    for key in ["pages", "costs", "needs_suggested", "share_url", "version"] {
        assert_eq!(schema["properties"][key]["readOnly"], true, "{key}");
    }
    // Every key of a saved plan is a property the schema names.
    let (plan, _) = marked_plan();
    let saved = post_json(&s, "/plan.json", &plan).await;
    let saved: serde_json::Value = serde_json::from_slice(&saved.body).unwrap();
    for key in saved.as_object().unwrap().keys() {
        assert!(properties.contains_key(key), "{key} is not in the schema");
    }
}
