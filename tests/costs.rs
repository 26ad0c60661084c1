//! Costed provision (#16): rates from site.yaml and from the plan page's
//! form, money worked out exactly and rounded only when shown, in the CSV
//! (with its byte-order mark), the Markdown export and the web plan.

mod common;

use axum::http::StatusCode;
use common::{bundled, get, get_bytes, one_page_in, options, state};
use waymark::content::LoadError;
use waymark::plan::Plan;
use waymark::plan::export::CSV_COLUMNS;
use waymark::plan::money::Rate;
use waymark::site::{BuildError, Site};

/// A universal strategy without provision, a targeted one (3 x 60 minutes a
/// week for 12 weeks, a teaching assistant) and a specialist one (3 x 15
/// minutes for 12 weeks, a teaching assistant).
const THREE: &str = "strategies/movement-breaks-for-attention,strategies/small-group-nurture-sessions,strategies/salt-programme-delivery-by-teaching-assistant";

/// The bundled site with site.yaml rates set.
fn with_rates(rates: &[(&str, &str)]) -> Site {
    let mut site = bundled();
    for (id, pounds) in rates {
        site.config
            .rates
            .insert((*id).to_string(), Rate::parse(pounds).unwrap());
    }
    site
}

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(bytes.strip_prefix("\u{feff}".as_bytes()).unwrap());
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    (headers, reader.records().map(Result::unwrap).collect())
}

fn column(headers: &[String], name: &str) -> usize {
    headers.iter().position(|h| h == name).unwrap()
}

#[tokio::test]
async fn the_csv_starts_with_a_bom_and_has_the_cost_columns_beside_the_hours() {
    let s = state(bundled());
    let (status, _, bytes) = get_bytes(&s, &format!("/plan.csv?items={THREE}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "a UTF-8 byte-order mark"
    );
    let (headers, rows) = csv_rows(&bytes);
    assert_eq!(headers, CSV_COLUMNS);
    let hours = column(&headers, "staff hours per pupil over the intervention");
    assert_eq!(headers[hours + 1], "cost a week");
    assert_eq!(headers[hours + 2], "cost over the intervention");
    // Without a rate the cost cells are blank; a universal strategy costs nothing extra.
    let nurture = rows
        .iter()
        .find(|r| &r[0] == "Small-group nurture sessions")
        .unwrap();
    assert_eq!(&nurture[hours + 1], "");
    assert_eq!(&nurture[hours + 2], "");
    let universal = rows
        .iter()
        .find(|r| &r[0] == "Movement breaks for attention")
        .unwrap();
    assert_eq!(&universal[hours + 1], "No extra cost");
}

#[tokio::test]
async fn costs_are_hours_times_the_site_rate_and_the_query_rate_overrides_it() {
    let s = state(with_rates(&[("teaching-assistant", "14.50")]));
    let (_, _, bytes) = get_bytes(&s, &format!("/plan.csv?items={THREE}")).await;
    let (headers, rows) = csv_rows(&bytes);
    let week = column(&headers, "cost a week");
    let over = column(&headers, "cost over the intervention");
    let row = |title: &str| rows.iter().find(|r| &r[0] == title).unwrap().clone();
    // 3 hours a week x £14.50; x 12 weeks.
    let nurture = row("Small-group nurture sessions");
    assert_eq!((&nurture[week], &nurture[over]), ("43.50", "522.00"));
    // 0.75 hours a week x £14.50 = £10.875, shown as £10.88; x 12 = £130.50 exactly.
    let salt = row("Delivering a speech and language therapy programme");
    assert_eq!((&salt[week], &salt[over]), ("10.88", "130.50"));

    // The form's rate, in the query, wins over site.yaml's.
    let (status, _, bytes) = get_bytes(
        &s,
        &format!("/plan.csv?items={THREE}&rate.teaching-assistant=10"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, rows) = csv_rows(&bytes);
    let nurture = rows
        .iter()
        .find(|r| &r[0] == "Small-group nurture sessions")
        .unwrap();
    assert_eq!((&nurture[week], &nurture[over]), ("30.00", "360.00"));
}

#[tokio::test]
async fn the_plan_page_and_markdown_show_costs_totals_and_the_rate_form() {
    let s = state(with_rates(&[("teaching-assistant", "14.50")]));
    let (status, _, html) = get(&s, &format!("/plan?items={THREE}")).await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "<th scope=\"col\">Cost a week</th>",
        "<td>£43.50</td>",
        "<td>£522.00</td>",
        // £43.50 + £10.875 = £54.375, rounded once: £54.38. Over: £522 + £130.50.
        "Total cost: £54.38 a week; £652.50 over the interventions.",
        "name=\"rate.teaching-assistant\" value=\"14.50\"",
        "Ordinarily available at no extra cost: Movement breaks for attention.",
    ] {
        assert!(html.contains(expected), "missing {expected:?}");
    }
    let (_, _, md) = get(
        &s,
        &format!("/plan.md?items={THREE}&rate.teaching-assistant=20"),
    )
    .await;
    assert!(
        md.contains("| Cost a week | Cost over the intervention |"),
        "{md}"
    );
    assert!(
        md.contains("Total cost: £75.00 a week; £900.00 over the interventions."),
        "{md}"
    );

    // Without a rate: blank costs and a prompt naming the role.
    let s = state(bundled());
    let (_, _, html) = get(&s, &format!("/plan?items={THREE}")).await;
    assert!(html.contains("Costs are blank until an hourly rate is set for: Teaching assistant."));
    assert!(!html.contains("Total cost:"));
    assert!(html.contains("name=\"rate.teaching-assistant\" value=\"\""));
}

#[tokio::test]
async fn a_bad_rate_parameter_is_a_400_naming_it() {
    let s = state(bundled());
    for (query, named) in [
        ("rate.wizard=10", "\"wizard\""),
        ("rate.teacher=0", "\"0\""),
        ("rate.teacher=1000.01", "\"1000.01\""),
        ("rate.teacher=ten", "\"ten\""),
        ("rate.teacher=1&rate.teacher=2", "\"teacher\""),
    ] {
        for path in ["/plan", "/plan.csv"] {
            let (status, _, body) = get(&s, &format!("{path}?items={THREE}&{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?{query}");
            assert!(
                body.contains(&named.replace('"', "&#34;")),
                "{query}: {body}"
            );
        }
    }
    let (status, _, _) = get(&s, &format!("/plan?items={THREE}&rate.teacher=1000")).await;
    assert_eq!(status, StatusCode::OK);
}

/// A content folder with one page and `site` as its site.yaml.
fn folder(site: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    one_page_in(dir.path());
    std::fs::write(dir.path().join("site.yaml"), site).unwrap();
    dir
}

fn settings_problems(dir: &tempfile::TempDir) -> Vec<String> {
    match Site::load(&options(dir.path().to_path_buf())) {
        Err(BuildError::Load(LoadError::Settings(problems))) => {
            problems.iter().map(ToString::to_string).collect()
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("the settings were accepted"),
    }
}

#[test]
fn rates_in_site_yaml_are_read_and_a_bad_one_is_a_problem_on_its_line() {
    let good = folder("name: Test\nrates:\n  teaching-assistant: 14.5\n  teacher: 32\n");
    let site = Site::load(&options(good.path().to_path_buf())).unwrap();
    assert_eq!(site.config.rates["teaching-assistant"].pence(), 1450);
    let plan = Plan::new(&site, Vec::new());
    assert_eq!(plan.rates["teacher"].pounds(), "32.00");

    let unknown = folder("name: Test\nrates:\n  teacher: 32\n  wizard: 10\n");
    let problems = settings_problems(&unknown);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("site.yaml:4:3:"), "{problems:?}");
    assert!(problems[0].contains("\"wizard\""), "{problems:?}");

    for (bad, line) in [
        ("  teacher: -3\n", "site.yaml:3:"),
        ("  teacher: 1001\n", "site.yaml:3:"),
        ("  teacher: .nan\n", "site.yaml:3:"),
        ("  teacher: 1.005\n", "site.yaml:3:"),
    ] {
        let dir = folder(&format!("name: Test\nrates:\n{bad}"));
        let problems = settings_problems(&dir);
        assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
        assert!(problems[0].contains(line), "{bad}: {problems:?}");
        assert!(problems[0].contains("rate"), "{bad}: {problems:?}");
    }
}

/// Totals are sums of exact costs rounded once: rounding each row first
/// would give £3.33 + £8.33 = £11.66 a week and £26.67 + £66.67 = £93.34.
#[tokio::test]
async fn totals_are_rounded_once_not_row_by_row() {
    let s = state(bundled());
    // 20 minutes once a week (1/3 hour) and 10 minutes five times (5/6 hour),
    // each for 8 weeks, by a teaching assistant at £10 an hour.
    let items = "strategies/comic-strip-conversations,strategies/backward-chaining-life-skills";
    let (status, _, md) = get(
        &s,
        &format!("/plan.md?items={items}&rate.teaching-assistant=10"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for expected in ["£3.33", "£8.33", "£26.67", "£66.67"] {
        assert!(md.contains(expected), "missing {expected}: {md}");
    }
    assert!(
        md.contains("Total cost: £11.67 a week; £93.33 over the interventions."),
        "{md}"
    );
}

/// The text of a Word document's body, run by run.
fn word_text(docx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip file");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("word/document.xml").expect("a body"),
        &mut xml,
    )
    .unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    doc.descendants()
        .filter(|n| n.has_tag_name("t"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("|")
}

#[tokio::test]
async fn the_word_plan_has_a_costed_provision_table_with_totals() {
    let s = state(with_rates(&[("teaching-assistant", "14.50")]));
    let (status, _, docx) = get_bytes(&s, &format!("/plan.docx?items={THREE}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = word_text(&docx);
    for expected in [
        "Costed provision",
        "Cost a week",
        "£43.50",
        "£522.00",
        "Total",
        "£54.38",
        "£652.50",
        "Ordinarily available at no extra cost: Movement breaks for attention.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert!(!text.contains("Costs are blank until"));

    let s = state(bundled());
    let (_, _, docx) = get_bytes(&s, &format!("/plan.docx?items={THREE}")).await;
    let text = word_text(&docx);
    assert!(text.contains("Costs are blank until an hourly rate is set for: Teaching assistant."));
    assert!(!text.contains("£"), "no money without a rate: {text}");
}
