//! Search latency in process: the query, facet counts and snippets for a
//! page of 20, as `/api/search` runs it, for a handful of representative
//! queries. Runs on the bundled corpus, and also on a generated one when
//! `WAYMARK_BENCH_CONTENT` names its folder (see `waymark-bench gen`).

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use waymark::content::LoadOptions;
use waymark::search::parse_search;
use waymark::site::Site;

// The same allocator as the `waymark` binary (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Words, a filter, a typo, a phrase, filters alone, another sort order.
const QUERIES: &[(&str, &str)] = &[
    ("words", "q=ear+defenders"),
    (
        "words+filters",
        "q=can%27t+sit+still&need=adhd&phase=primary",
    ),
    ("typo", "q=dyslxia"),
    ("phrase", "q=%22social+stories%22"),
    ("filters-only", "q=&need=autism&tier=targeted"),
    ("sort-updated", "q=anxiety&sort=updated"),
];

fn corpora() -> Vec<(String, std::path::PathBuf)> {
    let mut list = vec![(
        "bundled".to_string(),
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"),
    )];
    if let Ok(dir) = std::env::var("WAYMARK_BENCH_CONTENT")
        && !dir.is_empty()
    {
        list.push(("generated".to_string(), dir.into()));
    }
    list
}

fn search(c: &mut Criterion) {
    for (name, dir) in corpora() {
        let site = Site::load(&LoadOptions::new(&dir))
            .unwrap_or_else(|e| panic!("cannot load {}: {e}", dir.display()));
        let mut group = c.benchmark_group(format!("search/{name}"));
        group
            .sample_size(30)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        for (label, query) in QUERIES {
            let request = parse_search(Some(query), &site.taxonomy).expect("valid query");
            group.bench_with_input(BenchmarkId::from_parameter(label), &request, |b, r| {
                b.iter(|| site.search(r).expect("search runs"));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, search);
criterion_main!(benches);
