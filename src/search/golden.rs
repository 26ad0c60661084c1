//! A check that search speed-ups keep every answer: with
//! `WAYMARK_GOLDEN_CONTENT=DIR WAYMARK_GOLDEN_OUT=FILE`, the ignored test
//! below writes every answer (hits, scores, snippets, facet counts,
//! did-you-mean) for the benchmark queries and a few more to FILE, so two
//! builds' files can be compared byte for byte.
//!
//! Run it on one core (`taskset -c 0`): the index is then written by one
//! thread into the same segments every time. With several, pages land in
//! different segments from run to run, and a score summed over several
//! clauses can differ in its last bit, which reorders near-equal hits.

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
        std::fs::write(out, dump).expect("dump written");
    }
}
