//! A check that search speed-ups keep every answer: with
//! `WAYMARK_GOLDEN_CONTENT=DIR WAYMARK_GOLDEN_OUT=FILE`, the ignored test
//! below writes every answer (hits, scores, snippets, facet counts,
//! did-you-mean) for the benchmark queries and a few more to FILE, so two
//! builds' files can be compared byte for byte.
//!
//! The answers do not depend on how many threads built the index: it is one
//! segment with the pages in slug order (`search::build`). A test below
//! also compares the answers with page bodies kept in memory and in their
//! file (`content::body`).

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::path::Path;

    use crate::content::LoadOptions;
    use crate::search::parse_search;
    use crate::site::Site;

    /// Cases the benchmark mix has few of: typos, exclusions, other sorts and
    /// later pages, several facets ticked at once.
    const EXTRA: &[&str] = &[
        "q=dyslxia",
        "q=autisim",
        "q=concentraton+problems",
        "q=behaviuor+plan",
        "q=sensroy+brekas",
        "q=asd+suport&phase=primary",
        "q=ear+defenders+-autism",
        "q=%22ear+defenders%22&sort=updated",
        "q=reading&sort=title&page=2",
        "q=reading&page=3",
        "q=anxiety&need=autism&need=adhd&phase=primary&tier=targeted",
        "need=autism&phase=secondary&kind=guidance",
        "q=xqzzy+wibble",
        "q=",
        "q=the+and+of",
        "q=can%27t+remember+instructions",
        "q=visual+timetable+now+and+next+board+for+autism+in+reception",
    ];

    #[test]
    #[ignore = "needs WAYMARK_GOLDEN_CONTENT and WAYMARK_GOLDEN_OUT"]
    fn dump_answers() {
        let (Ok(content), Ok(out)) = (
            std::env::var("WAYMARK_GOLDEN_CONTENT"),
            std::env::var("WAYMARK_GOLDEN_OUT"),
        ) else {
            return;
        };
        let site = Site::load(&LoadOptions::new(Path::new(&content))).expect("content loads");
        std::fs::write(out, dump(&site)).expect("dump written");
    }

    /// Every answer to the benchmark queries and [`EXTRA`]: hits with their
    /// scores as bits and snippets, facet counts and did-you-mean.
    fn dump(site: &Site) -> String {
        let bench = std::fs::read_to_string("bench/queries.txt").expect("query mix");
        let lines = bench
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .chain(EXTRA.iter().copied());
        let mut dump = String::new();
        for line in lines {
            let request = parse_search(Some(line), &site.taxonomy).expect("query parses");
            let r = site.search(&request).expect("search runs");
            writeln!(
                dump,
                "## {line}\ntotal {}\ndym {:?}",
                r.total, r.did_you_mean
            )
            .unwrap();
            for (facet, counts) in &r.facets {
                writeln!(dump, "facet {} {counts:?}", facet.name()).unwrap();
            }
            for hit in &r.hits {
                writeln!(
                    dump,
                    "hit {} {:08x}\n  {}",
                    hit.ord,
                    hit.score.to_bits(),
                    hit.snippet
                )
                .unwrap();
            }
        }
        dump
    }

    /// Page bodies kept in their file give the same pages, pages shown and
    /// answers as bodies kept in memory, and a page saved again goes to the
    /// same file.
    #[test]
    fn bodies_in_a_file_answer_as_bodies_in_memory() {
        let held = Site::load(&LoadOptions::new("content")).expect("content loads");
        let dir = tempfile::tempdir().expect("a folder");
        let options = LoadOptions {
            body_dir: Some(dir.path().to_path_buf()),
            ..LoadOptions::new("content")
        };
        let filed = Site::load(&options).expect("content loads");
        assert!(held.pages.iter().all(|p| p.body.store().is_none()));
        let store = filed.pages[0]
            .body
            .store()
            .expect("bodies in a file")
            .clone();
        assert!(filed.pages.iter().all(|p| {
            p.body
                .store()
                .is_some_and(|s| std::sync::Arc::ptr_eq(s, &store))
        }));
        assert_eq!(held.pages, filed.pages);
        for (a, b) in held.pages.iter().zip(&filed.pages) {
            assert_eq!(a.html(), b.html(), "{}", a.slug);
            assert_eq!(a.steps(), b.steps(), "{}", a.slug);
        }
        assert_eq!(dump(&held), dump(&filed));
        // A live update: the changed page's new body joins the same file.
        let before = store.bytes();
        let page = &filed.pages[3];
        let next = filed
            .update(&options, std::slice::from_ref(&page.source))
            .expect("update")
            .expect("a page was read again");
        let again = next.page(&page.slug).expect("still served");
        assert!(
            again
                .body
                .store()
                .is_some_and(|s| std::sync::Arc::ptr_eq(s, &store))
        );
        assert!(store.bytes() > before);
        assert_eq!(again.markdown(), page.markdown());
    }

    /// Where the file of bodies cannot be made, the pages are served with
    /// their bodies in memory.
    #[test]
    fn bodies_stay_in_memory_when_their_file_cannot_be_made() {
        let options = LoadOptions {
            body_dir: Some("/proc/waymark-no-such-folder".into()),
            ..LoadOptions::new("content")
        };
        let site = Site::load(&options).expect("content loads");
        assert!(site.pages.iter().all(|p| p.body.store().is_none()));
        assert!(site.pages.iter().all(|p| !p.markdown().is_empty()));
    }
}
