//! Runs the real `waymark` binary on fixture folders and compares its output.

mod common;

use std::process::{Command, Output};

use common::{TODAY, fixture, root};

fn waymark(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .current_dir(root())
        .env("WAYMARK_TODAY", TODAY)
        .env_remove("WAYMARK_CONTENT")
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn check_on_the_bundled_content_is_clean() {
    let out = waymark(&["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(
        stdout(&out),
        "",
        "no problems and no warnings in the bundled content"
    );
}

#[test]
fn check_on_a_valid_fixture_exits_0() {
    let out = waymark(&["check", "--content", "tests/fixtures/valid"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("checked 5 pages: 0 problem(s), 0 warning(s)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_reports_each_problem_with_its_line_and_exits_1() {
    let out = waymark(&["check", "--content", "tests/fixtures/invalid"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "tests/fixtures/invalid/strategies/missing-title.md:1:1: missing required field \"title\"\n\
         tests/fixtures/invalid/strategies/misspelt-need.md:5:9: unknown need \"autsim\"; did you mean \"autism\"?\n\
         tests/fixtures/invalid/strategies/unclosed.md:1:1: front matter is not closed; did you forget to close it with a line `---` before the page's text?\n"
    );
}

#[test]
fn check_collects_every_kind_of_problem() {
    let out = waymark(&["check", "--content", "tests/fixtures/many-problems"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("many_problems", stdout(&out));
}

#[test]
fn check_json_lists_problems_with_positions() {
    let out = waymark(&[
        "check",
        "--content",
        "tests/fixtures/invalid",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], 3);
    assert_eq!(report["warnings"], 0);
    // One page loaded and three that failed: four checked, as the text says.
    assert_eq!(report["pages"], 4);
    let first = &report["problems"][1];
    assert_eq!(
        first["path"],
        "tests/fixtures/invalid/strategies/misspelt-need.md"
    );
    assert_eq!(first["line"], 5);
    assert_eq!(first["col"], 9);
    assert_eq!(first["severity"], "error");
    assert_eq!(
        first["message"],
        "unknown need \"autsim\"; did you mean \"autism\"?"
    );
}

#[test]
fn check_counts_the_same_pages_in_text_and_json() {
    for folder in [
        "tests/fixtures/valid",
        "tests/fixtures/invalid",
        "tests/fixtures/many-problems",
    ] {
        let text = stderr(&waymark(&["check", "--content", folder]));
        let json = waymark(&["check", "--content", folder, "--format", "json"]);
        let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        let said = text
            .lines()
            .find_map(|l| l.strip_prefix("checked "))
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("{folder}: {text}"));
        assert_eq!(said, report["pages"].to_string(), "{folder}");
        let files = walk_md(&root().join(folder));
        assert_eq!(
            report["pages"], files,
            "{folder}: every page file counted once"
        );
    }
}

/// How many Markdown files a folder holds, at any depth.
fn walk_md(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                walk_md(&path)
            } else {
                usize::from(path.extension().is_some_and(|x| x == "md"))
            }
        })
        .sum()
}

#[test]
fn warnings_print_but_do_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("old.md"),
        "---\ntitle: Old\nsummary: Old page.\nkind: guidance\nupdated: 2024-01-01\n---\n",
    )
    .unwrap();
    let out = waymark(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).ends_with("old.md:5:10: warning: last reviewed 2024-01-01, over a year ago; check the page is still right and update the date\n"), "{}", stdout(&out));
}

#[test]
fn an_oversized_page_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!(
        "---\ntitle: Big\nsummary: Big.\nkind: guidance\nupdated: 2026-09-01\n---\n{}",
        "word ".repeat(220_000)
    );
    std::fs::write(dir.path().join("big.md"), big).unwrap();
    let out = waymark(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("big.md:1:1: file is 1100068 bytes, over the 1 MiB limit for one page; split it into smaller pages"), "{}", stdout(&out));
}

#[test]
fn an_unreadable_folder_exits_2() {
    let out = waymark(&["check", "--content", "tests/fixtures/no-such-folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read the content folder tests/fixtures/no-such-folder"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_broken_taxonomy_stops_check_with_its_problems() {
    let out = waymark(&["check", "--content", "tests/fixtures/bad-taxonomy"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("tests/fixtures/bad-taxonomy/taxonomy.yaml:1:1: `areas` is empty; list at least one area of need\n"), "{}", stdout(&out));
    assert!(stdout(&out).contains("taxonomy.yaml:2:1: `tiers` has no \"targeted\""));
}

#[test]
fn search_prints_results_and_json() {
    let out = waymark(&[
        "search",
        "ear defenders",
        "--content",
        "tests/fixtures/valid",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("1 result(s) for \"ear defenders\"\n"),
        "{text}"
    );
    assert!(text.contains("Ear defenders and a quieter classroom [Universal: quality first teaching] (/strategies/ear-defenders)"), "{text}");

    let out = waymark(&[
        "search",
        "",
        "--need",
        "communication-interaction",
        "--json",
        "--content",
        "tests/fixtures/valid",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total"], 3);
    assert_eq!(json["facets"]["need"]["autism"], 1);
    assert_eq!(json["facets"]["need"]["communication-interaction"], 3);
}

#[test]
fn search_with_an_unknown_id_exits_2() {
    let out = waymark(&[
        "search",
        "x",
        "--tier",
        "targetted",
        "--content",
        "tests/fixtures/valid",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "error: --tier: unknown tier \"targetted\"; did you mean \"targeted\"?"
    );
}

#[test]
fn strict_serve_refuses_content_with_problems() {
    let out = waymark(&[
        "serve",
        "--content",
        "tests/fixtures/invalid",
        "--strict",
        "--addr",
        "127.0.0.1:0",
        "--admin-addr",
        "off",
        "--no-watch",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("3 problem(s) in the content; --strict refuses to start"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn version_and_help_exit_0() {
    let out = waymark(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("waymark "));
    let out = waymark(&["help"]);
    assert_eq!(out.status.code(), Some(0));
    for command in ["serve", "check", "search"] {
        assert!(stdout(&out).contains(command), "{}", stdout(&out));
    }
}

#[test]
fn environment_variables_set_options_and_flags_win() {
    let out = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["check"])
        .current_dir(root())
        .env("WAYMARK_TODAY", TODAY)
        .env("WAYMARK_CONTENT", fixture("invalid"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["check", "--content", "tests/fixtures/valid"])
        .current_dir(root())
        .env("WAYMARK_TODAY", TODAY)
        .env("WAYMARK_CONTENT", fixture("invalid"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn two_files_at_one_address_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let page = "---\ntitle: Calm\nsummary: Calm.\nkind: guidance\nupdated: 2026-09-01\n---\n";
    std::fs::write(dir.path().join("calm.MD"), page).unwrap();
    std::fs::write(dir.path().join("calm.md"), page).unwrap();
    let out = waymark(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("calm.md:1:1: duplicate slug \"calm\": "),
        "{text}"
    );
    assert!(
        text.contains("calm.MD already uses the address /calm; rename one of them"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_content_folder_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(
        &secret,
        "---\ntitle: Secret\nsummary: S.\nkind: guidance\nupdated: 2026-09-01\n---\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("leak.md")).unwrap();
    let out = waymark(&["check", "--content", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("leak.md:1:1: is a symbolic link to somewhere outside the content folder; Waymark only reads pages inside it"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn malformed_stop_word_and_phrase_files_are_reported_with_their_lines() {
    let out = waymark(&["check", "--content", "tests/fixtures/bad-words"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "tests/fixtures/bad-words/phrases.yaml:4:11: \"zones out\" is in entry 1 and entry 2; put it in one\n\
         tests/fixtures/bad-words/stopwords.yaml:1:16: \"all the time\" in filler is not one word; list single words (a phrase belongs in phrases.yaml)\n\
         tests/fixtures/bad-words/stopwords.yaml:2:18: \"very\" is listed twice (in filler and questions); list it once\n"
    );
}

#[test]
fn a_malformed_synonyms_file_is_reported_with_its_line() {
    let out = waymark(&["check", "--content", "tests/fixtures/bad-synonyms"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "tests/fixtures/bad-synonyms/synonyms.yaml:3:6: group 2 has 1 member(s); a group lists at least two words or phrases that mean the same\n\
         tests/fixtures/bad-synonyms/synonyms.yaml:4:6: \"salt\" is in group 1 and group 3; put it in one group\n"
    );
}
