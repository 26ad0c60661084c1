//! The `waymark` binary: everything is in the library; see `waymark::cli`.

// mimalloc: loading allocates many small strings and DOM nodes on every
// core, which the system allocator serialises; see BENCHMARKS.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    waymark::cli::run()
}
