//! `waymark import` through the real binary: a Word document made here and
//! the council-shaped fixture become drafts that `waymark check` accepts,
//! with suggested needs and tiers scored against known answers; bad input is
//! refused naming the file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use docx_rs::{
    AbstractNumbering, Docx, Hyperlink, HyperlinkType, IndentLevel, Level, LevelJc, LevelText,
    NumberFormat, Numbering, NumberingId, Paragraph, Run, Start, Table, TableCell, TableRow,
};

const BIN: &str = env!("CARGO_BIN_EXE_waymark");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");
const CONTENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/content");

fn waymark(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("runs waymark")
}

/// `waymark import FILE --out OUT` with the bundled content's taxonomy.
fn import_into(file: &Path, out: &Path) -> Output {
    waymark(&[
        "import",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--content",
        CONTENT,
    ])
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn md_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in walk(dir) {
        if entry.extension().is_some_and(|e| e == "md") {
            found.push(entry);
        }
    }
    found.sort();
    found
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn heading(level: u8, t: &str) -> Paragraph {
    Paragraph::new()
        .style(&format!("Heading{level}"))
        .add_run(Run::new().add_text(t))
}

fn item(numbering: usize, depth: usize, t: &str) -> Paragraph {
    Paragraph::new()
        .numbering(NumberingId::new(numbering), IndentLevel::new(depth))
        .add_run(Run::new().add_text(t))
}

fn bullets() -> AbstractNumbering {
    let mut a = AbstractNumbering::new(2);
    for depth in 0..3 {
        a = a.add_level(Level::new(
            depth,
            Start::new(1),
            NumberFormat::new("bullet"),
            LevelText::new("•"),
            LevelJc::new("left"),
        ));
    }
    a
}

/// The Word document the first test imports: two heading levels, a nested
/// list, a table, a link, bold and italic.
fn word_document(path: &Path) {
    let doc = Docx::new()
        .add_abstract_numbering(bullets())
        .add_numbering(Numbering::new(2, 2))
        .add_paragraph(heading(1, "Provision guide"))
        .add_paragraph(heading(2, "Autism"))
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text("Use a "))
                .add_run(Run::new().add_text("visual timetable").bold())
                .add_run(Run::new().add_text(" every "))
                .add_run(Run::new().add_text("single").italic())
                .add_run(Run::new().add_text(" day. See the "))
                .add_hyperlink(
                    Hyperlink::new("https://example.org/guide", HyperlinkType::External)
                        .add_run(Run::new().add_text("national guide")),
                )
                .add_run(Run::new().add_text(".")),
        )
        .add_paragraph(item(2, 0, "Prepare for change"))
        .add_paragraph(item(2, 1, "Show the new room first"))
        .add_paragraph(item(2, 0, "Offer a quiet space"))
        .add_table(Table::new(vec![
            TableRow::new(vec![
                TableCell::new()
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Who"))),
                TableCell::new()
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text("What"))),
            ]),
            TableRow::new(vec![
                TableCell::new()
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Teacher"))),
                TableCell::new()
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text("Plans the day"))),
            ]),
        ]))
        .add_paragraph(heading(2, "Dyslexia"))
        .add_paragraph(
            Paragraph::new().add_run(Run::new().add_text("Teach phonics in small steps.")),
        )
        .add_paragraph(item(2, 0, "Check each step"));
    let file = fs::File::create(path).unwrap();
    doc.build().pack(file).unwrap();
}

/// A content folder with the bundled taxonomy and synonyms and the drafts.
fn site_with(drafts: &Path, dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    for name in ["taxonomy.yaml", "synonyms.yaml"] {
        fs::copy(Path::new(CONTENT).join(name), dir.join(name)).unwrap();
    }
    for page in md_files(drafts) {
        let rel = page.strip_prefix(drafts).unwrap();
        let to = dir.join(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&page, &to).unwrap();
    }
    if drafts.join("images").is_dir() {
        fs::create_dir_all(dir.join("images")).unwrap();
    }
}

#[test]
fn a_word_document_becomes_drafts_that_check_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("guide.docx");
    word_document(&doc);
    let out = tmp.path().join("out");
    let run = import_into(&doc, &out);
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run).contains("imported 2 page(s) at heading level 2"),
        "{}",
        text(&run)
    );

    let autism = fs::read_to_string(out.join("guidance/autism.md")).unwrap();
    for kept in [
        "**visual timetable**",
        "*single*",
        "[national guide](<https://example.org/guide>)",
        "- Prepare for change\n    - Show the new room first\n- Offer a quiet space",
        "| Who | What |\n| --- | --- |\n| Teacher | Plans the day |",
        "draft: true",
        "needs: [autism]",
    ] {
        assert!(autism.contains(kept), "missing {kept:?} in:\n{autism}");
    }

    // Writing again over the same folder is refused without --force.
    let again = import_into(&doc, &out);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(text(&again).contains("already exists"), "{}", text(&again));

    let site = tmp.path().join("site");
    site_with(&out, &site);
    let check = waymark(&["check", "--content", site.to_str().unwrap()]);
    let said = text(&check);
    assert!(check.status.success(), "{said}");
    assert_eq!(
        said.matches("warning: draft: not served").count(),
        2,
        "{said}"
    );
    assert!(
        said.contains("guidance/autism.md:1:1: warning: draft: not served; still to fill in:"),
        "{said}"
    );

    // A live page linking to a draft links to a page not served.
    fs::write(
        site.join("guidance/live.md"),
        "---\ntitle: Live\nsummary: A live page.\nkind: guidance\nupdated: 2026-09-01\n---\n\nSee [autism](/guidance/autism).\n",
    )
    .unwrap();
    let check = waymark(&["check", "--content", site.to_str().unwrap()]);
    let said = text(&check);
    assert_eq!(check.status.code(), Some(1), "{said}");
    assert!(
        said.contains("/guidance/autism is a draft, not served"),
        "{said}"
    );

    // Removing `draft: true` publishes them: no draft warnings, still clean.
    for page in md_files(&site) {
        let text = fs::read_to_string(&page).unwrap();
        fs::write(&page, text.replace("draft: true\n", "")).unwrap();
    }
    let check = waymark(&["check", "--content", site.to_str().unwrap()]);
    let said = text(&check);
    assert!(check.status.success(), "{said}");
    assert!(!said.contains("draft"), "{said}");
}

#[derive(serde::Deserialize)]
struct Answers {
    sections: Vec<Answer>,
}

#[derive(serde::Deserialize)]
struct Answer {
    area: String,
    title: String,
    needs: Vec<String>,
    tier: String,
}

/// The front matter fields the score reads: title, needs and tier.
fn front(page: &str) -> (String, Vec<String>, Option<String>) {
    let mut title = String::new();
    let mut needs = Vec::new();
    let mut tier = None;
    for line in page.lines().skip(1).take_while(|l| *l != "---") {
        if let Some(v) = line.strip_prefix("title: ") {
            title = serde_json::from_str(v).unwrap();
        } else if let Some(v) = line.strip_prefix("needs: ") {
            needs = v
                .trim_matches(['[', ']'])
                .split(", ")
                .map(str::to_string)
                .collect();
        } else if let Some(v) = line.strip_prefix("tier: ") {
            tier = Some(v.to_string());
        }
    }
    (title, needs, tier)
}

/// Imports `file` at the level import chooses (3, where the lists of
/// strategies are) and scores it: (needs right, tier right, of).
fn score(file: &Path, out: &Path) -> (usize, usize, usize) {
    let run = import_into(file, out);
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run).contains("at heading level 3"),
        "the default level is the one the strategies are listed at: {}",
        text(&run)
    );
    let answers: Answers = serde_yaml_ng_or_json(
        &fs::read_to_string(Path::new(FIXTURES).join("answers.yaml")).unwrap(),
    );
    let pages: Vec<_> = md_files(out)
        .iter()
        .map(|p| front(&fs::read_to_string(p).unwrap()))
        .collect();
    let (mut needs_right, mut tier_right) = (0, 0);
    for a in &answers.sections {
        let long = format!("{}: {}", a.area, a.title);
        let Some((_, needs, tier)) = pages.iter().find(|(t, _, _)| *t == a.title || *t == long)
        else {
            println!("no page for {long}");
            continue;
        };
        if *needs == a.needs {
            needs_right += 1;
        } else {
            println!("needs for {long}: {needs:?}, expected {:?}", a.needs);
        }
        if tier.as_deref() == Some(a.tier.as_str()) {
            tier_right += 1;
        } else {
            println!("tier for {long}: {tier:?}, expected {}", a.tier);
        }
    }
    (needs_right, tier_right, answers.sections.len())
}

/// answers.yaml is written in YAML's flow style, which the crate's own YAML
/// reader reads; the test reads it through the library.
fn serde_yaml_ng_or_json(text: &str) -> Answers {
    waymark::yaml::from_str(text).expect("answers.yaml reads")
}

fn assert_score(what: &str, (needs, tier, of): (usize, usize, usize)) {
    println!("{what}: needs right for {needs} of {of} sections, tier for {tier} of {of}");
    assert!(
        needs * 4 >= of * 3,
        "{what}: needs right for only {needs} of {of}"
    );
    assert!(
        tier * 4 >= of * 3,
        "{what}: tier right for only {tier} of {of}"
    );
}

#[test]
fn the_council_guidance_imports_with_needs_and_tiers_mostly_right() {
    let tmp = tempfile::tempdir().unwrap();
    let html = Path::new(FIXTURES).join("council-guidance.html");
    let out = tmp.path().join("html");
    assert_score("html", score(&html, &out));

    // The import keeps the fixture's nested list and its table.
    let dyslexia = fs::read_to_string(out.join("guidance/dyslexia-sen-support.md")).unwrap();
    assert!(
        dyslexia.contains("such as:\n    - voice notes"),
        "{dyslexia}"
    );

    // The same content as a Word document scores the same.
    let docx = tmp.path().join("council-guidance.docx");
    council_docx(&html, &docx);
    assert_score("docx", score(&docx, &tmp.path().join("docx")));

    // Every draft passes check, and still does once published.
    let site = tmp.path().join("site");
    site_with(&out, &site);
    let check = waymark(&["check", "--content", site.to_str().unwrap()]);
    assert!(check.status.success(), "{}", text(&check));
    for page in md_files(&site) {
        let t = fs::read_to_string(&page).unwrap();
        fs::write(&page, t.replace("draft: true\n", "")).unwrap();
    }
    let check = waymark(&["check", "--content", site.to_str().unwrap()]);
    assert!(check.status.success(), "{}", text(&check));
}

/// The fixture's headings, paragraphs and bullet lists written as a Word
/// document, read line by line from the HTML (which the fixture keeps one
/// element a line).
fn council_docx(html: &Path, to: &Path) {
    let strip = |s: &str| {
        let mut out = String::new();
        let mut tag = false;
        for c in s.chars() {
            match c {
                '<' => tag = true,
                '>' => tag = false,
                c if !tag => out.push(c),
                _ => {}
            }
        }
        out.trim().to_string()
    };
    let mut doc = Docx::new()
        .add_abstract_numbering(bullets())
        .add_numbering(Numbering::new(2, 2));
    let mut depth = 0usize;
    for line in fs::read_to_string(html).unwrap().lines() {
        let l = line.trim();
        if let Some(level) = ["<h1>", "<h2>", "<h3>"]
            .iter()
            .position(|h| l.starts_with(h))
        {
            doc = doc.add_paragraph(heading(level as u8 + 1, &strip(l)));
        } else if l.starts_with("<ul>") {
            depth += 1;
        } else if l.starts_with("</ul>") {
            depth -= 1;
        } else if l.starts_with("<li>") {
            doc = doc.add_paragraph(item(2, depth - 1, &strip(l)));
        } else if l.starts_with("<p>") {
            doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(strip(l))));
        }
    }
    doc.build().pack(fs::File::create(to).unwrap()).unwrap();
}

#[test]
fn bad_input_is_refused_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out = out.to_str().unwrap();

    let fake = tmp.path().join("notes.docx");
    fs::write(&fake, "just some text, not a Word document").unwrap();
    let run = waymark(&["import", fake.to_str().unwrap(), "--out", out]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(
        text(&run).contains("notes.docx: is not a Word document"),
        "{}",
        text(&run)
    );

    let big = tmp.path().join("huge.docx");
    let f = fs::File::create(&big).unwrap();
    f.set_len(50 * 1024 * 1024 + 1).unwrap();
    let run = waymark(&["import", big.to_str().unwrap(), "--out", out]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(
        text(&run).contains("huge.docx: is 52428801 bytes, over the"),
        "{}",
        text(&run)
    );

    let run = waymark(&[
        "import",
        tmp.path().join("gone.docx").to_str().unwrap(),
        "--out",
        out,
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run));
    assert!(
        text(&run).contains("gone.docx: no such file"),
        "{}",
        text(&run)
    );

    let txt = tmp.path().join("notes.txt");
    fs::write(&txt, "text").unwrap();
    let run = waymark(&["import", txt.to_str().unwrap(), "--out", out]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run));
    assert!(
        text(&run).contains("notes.txt: only .docx"),
        "{}",
        text(&run)
    );

    assert!(!Path::new(out).exists(), "nothing is written for bad input");
}
