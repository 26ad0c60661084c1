//! The full build of the bundled corpus in process: read, validate, render
//! Markdown and index, as `Site::load` does at start and on a full reload.
//! Kept short: ten samples after a one-second warm-up.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use waymark::content::LoadOptions;
use waymark::site::Site;

// The same allocator as the `waymark` binary (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn content_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

fn build(c: &mut Criterion) {
    let options = LoadOptions::new(content_dir());
    let mut group = c.benchmark_group("build");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("bundled", |b| {
        b.iter(|| Site::load(&options).expect("the bundled content loads"));
    });
    group.finish();
}

criterion_group!(benches, build);
criterion_main!(benches);
