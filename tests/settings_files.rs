//! Settings files, the logo and page YAML follow the page rules (issue #14,
//! findings 5 and 6): regular files only, inside their folder, bounded in
//! size, and YAML nesting refused before any parser sees it, each refusal a
//! problem naming the file. And `/status` shows paths relative to the
//! content folder, never the server's own.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::{fixture, get, one_page_in, options, state};
use waymark::content::{self, LoadError};
use waymark::problem::Problem;
use waymark::site::{BuildError, Site};

/// Text that only the outside file holds: it must never reach a problem.
const SECRET: &str = "outside-secret-first-line";

/// A small valid content folder: one page and a site.yaml.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    one_page_in(dir.path());
    std::fs::copy(fixture("valid/site.yaml"), dir.path().join("site.yaml")).unwrap();
    dir
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
}

/// Runs `job` on a thread and fails if it has not finished within `limit`,
/// so a read that blocks fails the test instead of hanging it.
fn within<T: Send + 'static>(limit: Duration, job: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(job());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}

/// Loads `dir` (within 5 s) expecting the settings to be refused.
fn refused(dir: &Path) -> Vec<Problem> {
    let dir = dir.to_path_buf();
    match within(Duration::from_secs(5), move || Site::load(&options(dir))) {
        Err(BuildError::Load(LoadError::Settings(problems))) => problems,
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("the settings were accepted"),
    }
}

fn only(problems: &[Problem], file: &str) -> Problem {
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].path.ends_with(file), "{problems:?}");
    problems[0].clone()
}

#[test]
fn a_fifo_or_folder_named_like_a_settings_file_is_refused_at_once() {
    for name in ["synonyms.yaml", "taxonomy.yaml", "site.yaml"] {
        let dir = folder();
        let _ = std::fs::remove_file(dir.path().join(name));
        mkfifo(&dir.path().join(name));
        let problem = only(&refused(dir.path()), name);
        assert!(problem.message.contains("named pipe"), "{problem}");

        let dir = folder();
        let _ = std::fs::remove_file(dir.path().join(name));
        std::fs::create_dir(dir.path().join(name)).unwrap();
        let problem = only(&refused(dir.path()), name);
        assert!(problem.message.contains("a folder"), "{problem}");
    }
}

#[test]
fn a_sparse_2_gb_synonyms_yaml_is_refused_without_reading_it() {
    let dir = folder();
    std::fs::File::create(dir.path().join("synonyms.yaml"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let started = Instant::now();
    let problem = only(&refused(dir.path()), "synonyms.yaml");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        problem.message.contains("over the 1 MiB limit"),
        "{problem}"
    );
}

#[test]
fn settings_linked_outside_the_folder_are_refused_and_never_shown() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("elsewhere.yaml");
    std::fs::write(&target, format!("{SECRET}: 1\nname: x\n")).unwrap();
    for name in ["taxonomy.yaml", "site.yaml", "synonyms.yaml"] {
        let dir = folder();
        let _ = std::fs::remove_file(dir.path().join(name));
        std::os::unix::fs::symlink(&target, dir.path().join(name)).unwrap();
        let problems = refused(dir.path());
        let problem = only(&problems, name);
        assert!(problem.message.contains("symbolic link"), "{problem}");
        let shown = format!("{problems:?} {problem}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains("elsewhere"), "{shown}");
    }
    // A link to nothing is reported, not taken for a missing file.
    let dir = folder();
    std::os::unix::fs::symlink("nowhere.yaml", dir.path().join("taxonomy.yaml")).unwrap();
    let problem = only(&refused(dir.path()), "taxonomy.yaml");
    assert!(problem.message.contains("does not exist"), "{problem}");
    // A link that stays inside the folder is followed.
    let dir = folder();
    std::fs::rename(dir.path().join("site.yaml"), dir.path().join("real.yaml")).unwrap();
    std::os::unix::fs::symlink("real.yaml", dir.path().join("site.yaml")).unwrap();
    let site = Site::load(&options(dir.path().to_path_buf())).unwrap();
    assert_eq!(site.config.name, "Fixture Portal");
}

/// A site.yaml naming `logo`, with an image outside the folder and one inside.
fn with_logo(logo: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("outside.svg"),
        format!("<svg><!-- {SECRET} --></svg>"),
    )
    .unwrap();
    let dir = folder();
    let logo = logo.replace("OUTSIDE", &outside.path().display().to_string());
    let site = std::fs::read_to_string(dir.path().join("site.yaml")).unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        format!("{site}logo: \"{logo}\"\n"),
    )
    .unwrap();
    (dir, outside)
}

#[tokio::test]
async fn a_logo_must_lie_inside_the_folder_of_site_yaml() {
    let logo_line = 5;
    let relative_out = {
        let (dir, outside) = with_logo("../x/outside.svg");
        let out = dir.path().parent().unwrap().join("x");
        // `../x/outside.svg` really exists, beside the content folder.
        std::fs::create_dir_all(&out).unwrap();
        std::fs::copy(outside.path().join("outside.svg"), out.join("outside.svg")).unwrap();
        let problem = only(&refused(dir.path()), "site.yaml");
        std::fs::remove_dir_all(&out).unwrap();
        problem
    };
    let (dir, _outside) = with_logo("OUTSIDE/outside.svg");
    let absolute = only(&refused(dir.path()), "site.yaml");
    let (dir, outside) = with_logo("linked.svg");
    std::os::unix::fs::symlink(
        outside.path().join("outside.svg"),
        dir.path().join("linked.svg"),
    )
    .unwrap();
    let linked = only(&refused(dir.path()), "site.yaml");
    let (dir, _outside) = with_logo("pipe.svg");
    mkfifo(&dir.path().join("pipe.svg"));
    let pipe = only(&refused(dir.path()), "site.yaml");
    for problem in [&relative_out, &absolute, &linked, &pipe] {
        assert_eq!(problem.line, logo_line, "{problem}");
        assert!(problem.message.starts_with("logo \""), "{problem}");
        assert!(!problem.message.contains(SECRET), "{problem}");
    }
    assert!(
        relative_out.message.contains("without \"..\""),
        "{relative_out}"
    );
    assert!(absolute.message.contains("inside the folder"), "{absolute}");
    assert!(linked.message.contains("symbolic link"), "{linked}");
    assert!(pipe.message.contains("named pipe"), "{pipe}");

    // A logo inside the folder is read and served under /theme/.
    let (dir, _outside) = with_logo("images/logo.svg");
    std::fs::create_dir(dir.path().join("images")).unwrap();
    std::fs::write(dir.path().join("images/logo.svg"), "<svg>inside</svg>").unwrap();
    let site = Site::load(&options(dir.path().to_path_buf())).unwrap();
    let name = site.config.theme.logo.as_ref().unwrap().name.clone();
    let (status, _, body) = get(&state(site), &format!("/theme/{name}")).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "<svg>inside</svg>")
    );
}

/// Loads a folder holding one page with `yaml` as its front matter, within
/// `limit`, and returns the problems.
fn page_problems(yaml: String, limit: Duration) -> Vec<Problem> {
    let dir = folder();
    let text = format!("---\n{yaml}\n---\nBody.\n");
    assert!(text.len() as u64 <= content::loader::MAX_PAGE_BYTES);
    std::fs::write(dir.path().join("strategies/deep.md"), text).unwrap();
    let path = dir.path().to_path_buf();
    let started = Instant::now();
    let loaded = within(Duration::from_secs(60), move || {
        waymark::site::check(&options(path)).unwrap()
    });
    assert!(
        started.elapsed() < limit,
        "took {:?} to refuse",
        started.elapsed()
    );
    assert_eq!(loaded.pages.len(), 1, "the deep page is left out");
    loaded
        .problems
        .into_iter()
        .filter(|p| p.path.ends_with("deep.md"))
        .collect()
}

#[test]
fn deep_nesting_in_a_page_is_refused_fast_at_its_line() {
    let head = "title: Deep\nsummary: Deep.\nkind: strategy\n";
    let cases = [
        format!("{head}tags: {}", "[".repeat(80_000)),
        format!("{head}tags: {}", "[".repeat(1024 * 1024 - 200)),
        format!(
            "{head}tags: {}x{}",
            "{a: ".repeat(100_000),
            "}".repeat(100_000)
        ),
        format!(
            "{head}tags:\n{}",
            (0..1_200)
                .map(|i| format!("{}- \n", " ".repeat(i)))
                .collect::<String>()
        ),
    ];
    for (i, yaml) in cases.into_iter().enumerate() {
        let problems = page_problems(yaml, Duration::from_secs(2));
        assert_eq!(problems.len(), 1, "case {i}: {problems:?}");
        assert!(
            problems[0].message.contains("nested"),
            "case {i}: {problems:?}"
        );
        // The fences' first line is 1, so `tags` is on line 5.
        assert!(problems[0].line >= 5, "case {i}: {problems:?}");
        if i < 3 {
            assert_eq!(problems[0].line, 5, "case {i}: {problems:?}");
        }
    }
}

#[test]
fn an_alias_in_a_page_is_refused_before_it_can_multiply() {
    let mut yaml = String::from("title: Laughs\nsummary: Deep.\nkind: strategy\nx0: &a0 [lol]\n");
    for i in 1..9 {
        let p = i - 1;
        yaml.push_str(&format!(
            "x{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let problems = page_problems(yaml, Duration::from_secs(2));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("aliases"), "{problems:?}");
    assert_eq!(problems[0].line, 6, "{problems:?}");
}

#[test]
fn a_page_replaced_by_a_fifo_is_refused_by_a_live_update() {
    let dir = folder();
    let site = Site::load(&options(dir.path().to_path_buf())).unwrap();
    let page = dir.path().join("strategies/movement-breaks.md");
    std::fs::remove_file(&page).unwrap();
    mkfifo(&page);
    let path = dir.path().to_path_buf();
    let changed: Vec<PathBuf> = vec![page];
    let next = within(Duration::from_secs(5), move || {
        site.update(&options(path), &changed).unwrap().unwrap()
    });
    let problem = next
        .problems
        .iter()
        .find(|p| p.path.ends_with("movement-breaks.md"))
        .expect("the pipe is reported");
    assert!(problem.message.contains("named pipe"), "{problem}");
    // The last good version stays live.
    assert!(
        next.page("strategies/movement-breaks")
            .is_some_and(|p| p.stale)
    );
}

#[tokio::test]
async fn status_shows_problems_relative_to_the_content_folder() {
    let dir = folder();
    let absolute = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(
        absolute.join("strategies/broken.md"),
        "---\ntitle: Broken\n---\nNo summary.\n",
    )
    .unwrap();
    let site = Site::load(&options(absolute.clone())).unwrap();
    assert!(site.errors().count() > 0);
    let (status, _, body) = get(&state(site), "/status").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<code>strategies/broken.md:"), "{body}");
    assert!(
        !body.contains(&*absolute.to_string_lossy()),
        "/status shows the server's path: {body}"
    );
}
