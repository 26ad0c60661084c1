//! Plans and sessions: the views, the exports read back by the tools people
//! use (a DOCX reader, a CSV reader, a Markdown parser), bad input, and
//! collecting pages without JavaScript through the plan cookie.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{bundled, get, get_bytes, send, state};
use tower::ServiceExt;
use waymark::plan::Plan;
use waymark::plan::export::{CSV_COLUMNS, FORMATS, Format, View};
use waymark::routes::Route;
use waymark::web::app;

const THREE: &str = "strategies/movement-breaks-for-attention,strategies/small-group-nurture-sessions,strategies/salt-programme-delivery-by-teaching-assistant";

#[tokio::test]
async fn the_plan_view_has_steps_measures_blanks_and_provision() {
    let s = state(bundled());
    let (status, _, html) = get(&s, &format!("/plan?items={THREE}")).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "Movement breaks for attention",
        "Small-group nurture sessions",
        "What we will do: untick the steps this plan leaves out",
        "<summary>How you will know it is working</summary>",
        "How progress will be measured",
        "Review arrangements",
        "Staff hours a week by role: Teaching assistant",
        "Attachment and trauma",
        "The portal keeps none of it",
        "formaction=\"/plan.docx\"",
        "name=\"items\" value=\"strategies/movement-breaks-for-attention,",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
}

#[tokio::test]
async fn unknown_slugs_are_named_duplicates_folded_and_more_than_100_refused() {
    let s = state(bundled());
    let (status, _, html) = get(
        &s,
        &format!(
            "/plan?items={THREE},strategies/no-such-page,strategies/movement-breaks-for-attention"
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("One page in this link was not found"));
    assert!(html.contains("<code>strategies/no-such-page</code>"));
    assert_eq!(
        html.matches("<h3><a href=\"/strategies/movement-breaks-for-attention\">")
            .count(),
        1,
        "a duplicate is folded"
    );

    let many: Vec<String> = (0..101).map(|i| format!("strategies/p{i}")).collect();
    let (status, _, html) = get(&s, &format!("/plan?items={}", many.join(","))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("A plan can hold at most 100 pages; this one lists more."));
    let (status, _, _) = get(&s, "/plan.csv?items=".to_string().as_str()).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_session_groups_by_key_ingredient_with_facilitator_notes_and_timings() {
    let s = state(bundled());
    let five = format!("{THREE},resources/one-page-profile,guidance/ingredient-personalisation");
    let (status, _, html) = get(&s, &format!("/plan?items={five}&view=session")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Running order"));
    assert!(
        html.contains("<td>0:00</td><td>5</td><td></td><td>Welcome and aims</td>"),
        "timings start at 0:00"
    );
    assert!(html.contains("<h2>Personalisation</h2>"));
    assert!(
        html.contains("Facilitator notes"),
        "the matching training page's notes"
    );
    let (status, _, present) = get(&s, &format!("/plan?items={five}&view=present")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(present.contains("data-present"));
    let count = present.matches("<section class=\"slide ").count();
    assert!(
        count >= 8,
        "a title slide, agenda, sections, five items and a close"
    );
    for n in 1..=count {
        assert!(
            present.contains(&format!("Slide {n} of {count}</p>")),
            "slide {n} says where it is"
        );
    }
    // Without JavaScript: one long page, each slide linked to the next.
    assert!(present.contains("<a href=\"#slide-2\">Next slide</a>"));
    assert!(present.contains(&format!(
        "<a href=\"#slide-{}\">Previous slide</a>",
        count - 1
    )));
    assert!(present.contains("<summary>Speaker notes for slide "));
    // The slides as a file, posted as the plan page posts.
    let posted = send(
        &s,
        Request::post("/plan.pptx")
            .header("content-type", "application/json")
            .body(Body::from(format!(
                "{{\"items\": [\"{}\"], \"view\": \"session\"}}",
                five.replace(',', "\",\"")
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(posted.status, StatusCode::OK);
    assert_eq!(
        posted.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    );
    assert!(posted.body.starts_with("PK"), "a zip file");
}

/// Ten pages and more across several key ingredients, with long strategies.
pub const TEN: &str = "strategies/movement-breaks-for-attention,strategies/small-group-nurture-sessions,strategies/salt-programme-delivery-by-teaching-assistant,strategies/precision-teaching,strategies/structured-work-systems,strategies/comic-strip-conversations,resources/one-page-profile,guidance/ingredient-personalisation,training/culture-leadership-session,strategies/brave-steps-ladder,strategies/worry-time-and-daily-check-ins";

#[tokio::test]
async fn slides_fit_split_long_strategies_and_carry_the_notes() {
    use waymark::plan::slides::{SlideKind, deck};
    let s = state(bundled());
    let site = s.site();
    let plan = Plan::new(&site, TEN.split(',').map(String::from).collect());
    assert_eq!(plan.pages.len(), 11);
    let slides = deck(
        &plan,
        "https://send.example",
        jiff::civil::Date::constant(2026, 12, 7),
    );
    assert_eq!(slides[0].kind, SlideKind::Title);
    assert!(slides[0].text().contains("7 December 2026"));
    assert!(slides[1].heading.starts_with("Agenda"));
    for slide in &slides {
        assert!(
            slide.body_lines() <= slide.room(),
            "{:?} holds {} lines, room for {}",
            slide.heading,
            slide.body_lines(),
            slide.room()
        );
    }
    // Every step of every strategy is on a slide, whole.
    let words: String = slides
        .iter()
        .map(|s| s.text())
        .collect::<Vec<_>>()
        .join("\n");
    for page in &plan.pages {
        for step in page.steps() {
            let plain = waymark::plan::slides::blocks(&step).join(" ");
            let first: String = plain
                .split_whitespace()
                .take(6)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(words.contains(&first), "{}: {first}", page.slug);
        }
    }
    // A long strategy is split into parts rather than cut.
    assert!(slides.iter().any(|s| s.heading.contains("(part 2 of")));
    // Each ingredient has a section slide whose notes are its facilitator notes.
    let sections: Vec<_> = slides
        .iter()
        .filter(|s| s.kind == SlideKind::Section)
        .collect();
    assert_eq!(sections.len(), plan.by_ingredient().len());
    assert!(
        sections.iter().any(|s| !s.notes.is_empty()),
        "facilitator notes as speaker notes"
    );
    assert!(slides.last().unwrap().kind == SlideKind::Closing);
    assert!(
        words.contains("https://send.example/strategies/precision-teaching"),
        "links on the close"
    );
}

#[tokio::test]
async fn the_powerpoint_holds_one_slide_a_web_slide_with_its_notes() {
    let s = state(bundled());
    let (status, content_type, pptx) =
        get_bytes(&s, &format!("/plan.pptx?items={TEN}&view=session")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    );
    let (_, _, present) = get(&s, &format!("/plan?items={TEN}&view=present")).await;
    let web_slides = present.matches("<section class=\"slide ").count();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(pptx.clone())).expect("a zip");
    let names: Vec<String> = archive.file_names().map(String::from).collect();
    let slide_count = names
        .iter()
        .filter(|n| n.starts_with("ppt/slides/slide") && n.ends_with(".xml"))
        .count();
    assert_eq!(slide_count, web_slides, "one slide a web slide");
    // Every part is well-formed XML, and the presentation lists each slide.
    for name in &names {
        let text = common::zip_part(&pptx, name);
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let presentation = common::zip_part(&pptx, "ppt/presentation.xml");
    assert_eq!(presentation.matches("<p:sldId ").count(), web_slides);
    let types = common::zip_part(&pptx, "[Content_Types].xml");
    assert_eq!(
        types.matches("presentationml.slide+xml").count(),
        web_slides,
        "each slide has its content type"
    );
    // The section slides carry the facilitator notes as speaker notes.
    let notes: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("ppt/notesSlides/notesSlide"))
        .collect();
    assert!(!notes.is_empty());
    let all_notes: String = notes.iter().map(|n| common::zip_part(&pptx, n)).collect();
    assert!(all_notes.contains("<p:ph type=\"body\" idx=\"1\"/>"));
    assert!(
        all_notes.contains("The page: "),
        "each page's address in its notes"
    );
    let last = common::zip_part(&pptx, &format!("ppt/slides/slide{web_slides}.xml"));
    assert!(last.contains(&format!("Slide {web_slides} of {web_slides}")));
    let _ = archive.by_name("ppt/slides/slide1.xml").expect("slide 1");
}

/// A session of two training pages (one of 60 minutes, one of 75) and a
/// strategy under the first page's ingredient.
const TIMED: &str = "training/culture-leadership-session,strategies/movement-breaks-for-attention,training/social-emotional-mental-health-session";

#[tokio::test]
async fn a_session_uses_each_training_pages_own_length_against_the_target() {
    let s = state(bundled());
    let site = s.site();
    let items: Vec<String> = TIMED.split(',').map(String::from).collect();
    let plan = Plan::new(&site, items);
    let order = plan.running_order();
    let minutes_of = |title_start: &str| {
        order
            .iter()
            .find(|slot| slot.title.starts_with(title_start))
            .map(|slot| slot.minutes)
    };
    assert_eq!(
        minutes_of("Staff session: does our school day"),
        Some(60),
        "{order:?}"
    );
    assert_eq!(minutes_of("Movement breaks"), Some(8));
    assert!(order.iter().any(|slot| slot.minutes == 75), "{order:?}");
    // Welcome 5, 60, 75, a strategy 8, close 10.
    assert_eq!(plan.session_minutes(), 158);

    let (status, _, html) = get(&s, &format!("/plan?items={TIMED}&view=session&target=90")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("158 minutes of 90"),
        "the total beside the target"
    );
    assert!(
        html.contains("68 minutes more than the 90 you have"),
        "a warning when over"
    );
    let (_, _, fits) = get(&s, &format!("/plan?items={TIMED}&view=session&target=200")).await;
    assert!(fits.contains("fits the 200 you have"));
    assert!(!fits.contains("more than the"));
    for bad in ["0", "601", "sixty", "-5"] {
        let (status, _, html) = get(
            &s,
            &format!("/plan?items={TIMED}&view=session&target={bad}"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "target={bad}");
        assert!(html.contains("give target as a whole number of minutes from 1 to 600"));
    }
}

#[tokio::test]
async fn a_session_names_each_ingredient_once_with_its_notes_first_and_no_pupil_plan() {
    let s = state(bundled());
    let (_, _, html) = get(&s, &format!("/plan?items={TIMED}&view=session")).await;
    // The ingredient is named once in the running order, not before each page.
    assert!(
        !html.contains("Culture, leadership and management: "),
        "label repeated"
    );
    let notes = html
        .find("Facilitator notes for")
        .expect("the ingredient's notes");
    let first_page = html.find("class=\"plan-item\"").expect("a page");
    assert!(
        notes < first_page,
        "notes come before the ingredient's pages"
    );
    for pupil in [
        "About the child",
        "Provision map (CSV)",
        "Saved plan (JSON",
        "/plan.csv?",
    ] {
        assert!(!html.contains(pupil), "a session offers {pupil:?}");
    }
    // Printed, links are paths: the handout says whose (no base_url is set).
    assert!(html.contains("<p class=\"print-only\">Links are pages of "));
    let (_, _, md) = get(&s, &format!("/plan.md?items={TIMED}&view=session")).await;
    assert!(md.contains("| Key ingredient |"), "{md}");
    let notes = md
        .find("### Facilitator notes for")
        .expect("notes in Markdown");
    let first_page = md
        .find("### Staff session: does our school day")
        .expect("page");
    assert!(notes < first_page);
    let (_, _, csv) = get(&s, &format!("/plan.csv?items={TIMED}&view=session")).await;
    assert!(csv.contains("start,minutes,key ingredient,item"), "{csv}");
    assert!(!csv.contains("pupil"), "not the provision map");

    // A training page offers its session, with the pages it links to.
    let (_, _, page) = get(&s, "/training/culture-leadership-session").await;
    let link = page
        .split("href=\"")
        .find(|h| h.contains("view=session"))
        .and_then(|h| h.split('"').next())
        .expect("Use this session")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(page.contains("Use this session"));
    assert!(
        link.starts_with("/plan?items=training%2Fculture-leadership-session"),
        "{link}"
    );
    let (status, _, session) = get(&s, &link).await;
    assert_eq!(status, StatusCode::OK, "{link}: {session}");
    assert!(
        session.contains("Running order"),
        "{link}: {}",
        &session[session.find("<main").unwrap_or(0)..][..1500]
    );
}

#[tokio::test]
async fn the_word_document_is_valid_and_reads_back() {
    let s = state(bundled());
    let (status, content_type, docx) = get_bytes(&s, &format!("/plan.docx?items={THREE}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    // It is a zip holding word/document.xml with our headings and blanks.
    let xml = common::zip_part(&docx, "word/document.xml");
    for text in [
        "SEN support plan",
        "Movement breaks for attention",
        "What we will do",
        "How progress will be measured",
        "Year group or class",
        "Provision",
    ] {
        assert!(xml.contains(text), "document.xml lacks {text:?}");
    }
    assert!(
        xml.contains("<w:tbl>"),
        "tables for the blanks and provision"
    );
    // A DOCX reader opens it.
    let doc = docx_rs::read_docx(&docx).expect("a readable Word document");
    let json = doc.json();
    assert!(json.contains("Small-group nurture sessions"));
    // The session exports too.
    let (status, _, session) =
        get_bytes(&s, &format!("/plan.docx?items={THREE}&view=session")).await;
    assert_eq!(status, StatusCode::OK);
    docx_rs::read_docx(&session).expect("a readable session document");
}

#[tokio::test]
async fn the_csv_is_a_provision_map_with_the_right_columns() {
    let s = state(bundled());
    let (status, content_type, csv_bytes) =
        get_bytes(&s, &format!("/plan.csv?items={THREE}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/csv"));
    let mut reader =
        csv::Reader::from_reader(csv_bytes.strip_prefix("\u{feff}".as_bytes()).unwrap());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers, CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let nurture = rows
        .iter()
        .find(|r| &r[0] == "Small-group nurture sessions")
        .unwrap();
    let site = bundled();
    let p = site
        .page("strategies/small-group-nurture-sessions")
        .unwrap()
        .meta
        .provision
        .clone()
        .unwrap();
    let weekly = p.sessions_per_week * p.session_minutes / 60.0;
    assert_eq!(
        nurture[10].parse::<f64>().unwrap(),
        (weekly * 100.0).round() / 100.0
    );
    let per_pupil = weekly * p.weeks / f64::from(p.group_size);
    assert!((nurture[11].parse::<f64>().unwrap() - per_pupil).abs() < 0.01);
    assert!(nurture[14].ends_with("/strategies/small-group-nurture-sessions"));
    assert!(!nurture[15].is_empty(), "a review measure");
}

#[tokio::test]
async fn the_markdown_export_renders() {
    let s = state(bundled());
    let (status, _, md) = get_bytes(&s, &format!("/plan.md?items={THREE}")).await;
    assert_eq!(status, StatusCode::OK);
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with("# SEN support plan\n"));
    let html = waymark::content::markdown::render(&md).html;
    assert!(html.contains("<h3 id=\"movement-breaks-for-attention\">"));
    assert!(html.contains("<table>"));
    assert!(md.contains("| Outcome | How progress will be measured | By when |"));
}

/// The formats' list is the one place a format is named: each is listed
/// once, has its own route in the router, and that route answers with the
/// format's own content type, file name and bytes.
#[tokio::test]
async fn every_export_format_is_listed_once_and_answered_at_its_own_route() {
    let site = bundled();
    let s = state(bundled());
    let mut paths: Vec<&str> = FORMATS.iter().map(|f| f.path()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/plan.csv",
            "/plan.docx",
            "/plan.json",
            "/plan.md",
            "/plan.pptx"
        ]
    );
    for (i, format) in FORMATS.iter().enumerate() {
        assert!(
            FORMATS[..i]
                .iter()
                .all(|f| f.id() != format.id() && f.file_extension() != format.file_extension()),
            "{} is listed twice",
            format.id()
        );
        let routes: Vec<&Route> = Route::ALL
            .iter()
            .filter(|r| r.path() == format.path())
            .collect();
        assert_eq!(
            routes,
            [&Route::PlanExport(Format(*format))],
            "{}",
            format.id()
        );
        for (view, query) in [(View::Plan, ""), (View::Session, "&view=session")] {
            let uri = format!("{}?items={THREE}{query}", format.path());
            let answer = send(&s, Request::get(&uri).body(Body::empty()).unwrap()).await;
            assert_eq!(answer.status, StatusCode::OK, "{uri}");
            assert_eq!(
                answer.headers["content-type"],
                format.content_type(),
                "{uri}"
            );
            let disposition = answer.headers["content-disposition"].to_str().unwrap();
            assert_eq!(
                disposition,
                format!("attachment; filename=\"{}\"", format.file_name(view)),
                "{uri}"
            );
            assert!(
                disposition.ends_with(&format!(".{}\"", format.file_extension())),
                "{uri}"
            );
            let (_, _, bytes) = get_bytes(&s, &uri).await;
            let items: Vec<String> = THREE.split(',').map(str::to_string).collect();
            let plan = Plan::new(&site, items);
            // The share link names pages by short id, so it fits on a line.
            let short: Vec<String> = plan.pages.iter().map(|p| p.short_id()).collect();
            let share = format!(
                "http://127.0.0.1:3000/plan?items={}{query}",
                short.join(",")
            );
            let rendered = format.render(&plan, view, &share).unwrap();
            if format.id() == "docx" {
                // A Word file carries the time it was made (core.xml), so
                // two made a second apart differ there: compare the body.
                assert_eq!(
                    common::zip_part(&bytes, "word/document.xml"),
                    common::zip_part(&rendered, "word/document.xml"),
                    "{uri} answers its own format"
                );
            } else {
                assert_eq!(bytes, rendered, "{uri} answers its own format");
            }
        }
    }
    // The plan page offers each format once, in the list's order, as a
    // button that posts the plan form (what is written goes with it); the
    // session page, which holds nothing written, as a link, and only the
    // formats a session has (no provision map or saved pupil plan).
    let (_, _, html) = get(&s, &format!("/plan?items={THREE}")).await;
    let (_, _, session) = get(&s, &format!("/plan?items={THREE}&view=session")).await;
    for (page, opening, close, is_session) in [
        (
            &html,
            "<button type=\"submit\" formaction=\"{}\"",
            "</button>",
            false,
        ),
        (&session, "<a href=\"{}?items=", "</a>", true),
    ] {
        let mut offered = Vec::new();
        for format in FORMATS {
            if !is_session && !format.in_plan() {
                assert!(!page.contains(format.path()), "{}", format.id());
                continue;
            }
            if is_session && !format.in_session() {
                assert!(!page.contains(format.path()), "{}", format.id());
                continue;
            }
            let link = opening.replace("{}", format.path());
            assert_eq!(page.matches(&link).count(), 1, "{}", format.id());
            let at = page.find(&link).unwrap();
            let (anchor, _) = page[at..].split_once(close).unwrap();
            assert!(
                anchor.ends_with(&format!(">{}", format.label())),
                "{anchor}"
            );
            offered.push(at);
        }
        assert!(offered.is_sorted(), "{offered:?}");
    }
    // No route reads the extension at request time: an unknown one is no export.
    let (status, _, _) = get(&s, &format!("/plan.txt?items={THREE}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_are_collected_without_javascript_through_the_cookie() {
    let s = state(bundled());
    let post = |body: String, cookie: Option<&str>| {
        let mut request =
            Request::post("/plan/add").header("content-type", "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            request = request.header("cookie", c);
        }
        app(s.clone()).oneshot(request.body(Body::from(body)).unwrap())
    };
    // From a search: two ticked results, then back to the search.
    let response = post("items=strategies%2Femotion-coaching&items=strategies%2Fno-such&return=%2Fsearch%3Fq%3Dcalm".into(), None).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/search?q=calm&added=1",
        "back to the search, with a note"
    );
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.starts_with("waymark_plan=strategies/emotion-coaching;"),
        "{cookie}"
    );
    // From a page: one more, kept with the first.
    let jar = cookie.split(';').next().unwrap().to_string();
    let response = post(
        "items=strategies%2Fcalming-breathing-and-grounding&return=https%3A%2F%2Fevil.example%2F"
            .into(),
        Some(&jar),
    )
    .await
    .unwrap();
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("/plan?items="),
        "an outside return address is ignored: {location}"
    );
    let jar = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        jar,
        "waymark_plan=strategies/emotion-coaching.strategies/calming-breathing-and-grounding"
    );
    // "Your plan" leads to the plan's own shareable address.
    let response = app(s.clone())
        .oneshot(
            Request::get("/plan")
                .header("cookie", &jar)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        response.headers()["location"],
        "/plan?items=strategies%2Femotion-coaching%2Cstrategies%2Fcalming-breathing-and-grounding"
    );
    // Removing and reordering on the plan page.
    let response = app(s.clone())
        .oneshot(
            Request::post("/plan/update")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(
                    "items=strategies%2Fcalming-breathing-and-grounding&view=session",
                ))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        response.headers()["location"],
        "/plan?items=strategies%2Fcalming-breathing-and-grounding&view=session"
    );
}

#[tokio::test]
async fn pages_and_search_results_offer_add_to_plan() {
    let s = state(bundled());
    let (_, _, page) = get(&s, "/strategies/emotion-coaching").await;
    assert!(page.contains("<form class=\"add-to-plan\" method=\"post\" action=\"/plan/add\">"));
    assert!(page.contains("name=\"items\" value=\"strategies/emotion-coaching\""));
    let (_, _, results) = get(&s, "/search?q=calm").await;
    assert!(results.contains("<form id=\"plan-form\" method=\"post\" action=\"/plan/add\">"));
    assert!(results.contains("form=\"plan-form\" name=\"items\" value=\""));
    assert!(results.contains("Add selected to plan"));
    let (_, _, back) = get(&s, "/search?q=calm&added=2").await;
    assert!(back.contains("Added 2 pages to your plan."));
    let (_, _, page) = get(&s, "/strategies/emotion-coaching?added=1").await;
    assert!(page.contains("Added 1 page to your plan."));
}

/// "Empty the plan" can be undone: the emptied plan offers its pages back,
/// and putting them back makes them the plan again.
#[tokio::test]
async fn emptying_the_plan_can_be_undone() {
    let s = state(bundled());
    let update = |body: String| {
        let request = Request::post("/plan/update")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .unwrap();
        waymark::web::service(s.clone()).oneshot(request)
    };
    let previous = form_urlencoded::Serializer::new(String::new())
        .append_pair("items", "")
        .append_pair("previous", THREE)
        .finish();
    let emptied = update(previous).await.unwrap();
    assert_eq!(emptied.status(), StatusCode::SEE_OTHER);
    assert!(
        emptied.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0"),
        "the collected plan is emptied"
    );
    let location = emptied.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/plan?restore="), "{location}");
    let (status, _, html) = get(&s, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Your plan was emptied."));
    assert!(html.contains("Undo: put back the 3 pages"));
    assert!(html.contains(&format!("name=\"items\" value=\"{THREE}\"")));
    // The undo form puts the same pages back.
    let undo = update(format!(
        "items={}",
        form_urlencoded::byte_serialize(THREE.as_bytes()).collect::<String>()
    ))
    .await
    .unwrap();
    let back = undo.headers()["location"].to_str().unwrap();
    assert!(
        back.starts_with("/plan?items=strategies%2Fmovement-breaks"),
        "{back}"
    );
    // The button that empties the plan asks first (with JavaScript).
    let (_, _, page) = get(&s, &format!("/plan?items={THREE}")).await;
    assert!(page.contains("data-confirm=\"Empty the plan? You can undo this straight after.\""));
}
