//! `waymark-bench`: the measurement harness behind BENCHMARKS.md (issue #8).
//!
//! - `gen` writes a content folder of N pages derived from the bundled
//!   corpus by seeded recombination (sections, paragraphs, list order,
//!   synonyms, front matter), so sizes scale honestly;
//! - `render` writes every page's HTML through the real router, for Pagefind;
//! - `build` times one full load (read, validate, render, index) and reports
//!   the peak resident memory;
//! - `search` times the portal's search for a fixed mix of real queries;
//! - `queries` writes a larger mix of distinct queries for wrk;
//! - `coldstart` and `reload` time a real `waymark serve` process;
//! - `report` turns the results file into the tables of BENCHMARKS.md.
//!
//! Every figure is printed as JSON lines, `{"figure", "corpus", "round",
//! "value", "unit"}`, which `bench/run.sh` collects into one results file.
//!
//! One module a subcommand (`corpus` for `gen`, `render`, `timings` for
//! `build`, `update` and `search`, `queries`, `coldstart`, `reload`,
//! `report`), beside the shared pieces: the counting allocator (`heap`), the
//! seeded generator (`rng`), the figure printer (`output`) and the child
//! server (`server`).

mod coldstart;
mod corpus;
mod heap;
mod output;
mod queries;
mod reload;
mod render;
mod report;
mod rng;
mod server;
mod timings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// The same allocator as the `waymark` binary (src/main.rs), so build and
// search timings and peak memory are what the portal itself gets.
#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

#[derive(Debug, Parser)]
#[command(
    name = "waymark-bench",
    about = "Benchmarks for Waymark: corpus generator, timings and the report of BENCHMARKS.md"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a content folder of N pages derived from the bundled corpus.
    Gen {
        #[arg(long)]
        pages: usize,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, default_value_t = 8)]
        seed: u64,
        /// The corpus to derive from.
        #[arg(long, value_name = "DIR", default_value = "content")]
        source: PathBuf,
        /// Keep OUT as it is when it was generated with the same pages, seed and source.
        #[arg(long)]
        reuse: bool,
    },
    /// Write every page's HTML, as served, to OUT/{slug}/index.html.
    Render {
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Time one full build (load, validate, render, index) and report peak memory.
    Build {
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        /// The corpus's name in the results.
        #[arg(long, default_value = "bundled")]
        corpus: String,
        #[arg(long, default_value_t = 1)]
        round: u32,
        /// Also count live heap bytes (peak and after), at some cost in time.
        #[arg(long)]
        heap: bool,
    },
    /// Time the portal's search for every query of a file, several passes.
    Search {
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, value_name = "FILE", default_value = "bench/queries.txt")]
        queries: PathBuf,
        /// Timed passes over the queries (after one untimed pass).
        #[arg(long, default_value_t = 10)]
        iterations: u32,
        #[arg(long, default_value = "bundled")]
        corpus: String,
    },
    /// Write COUNT distinct query strings (words and filters) for the wrk mix.
    Queries {
        #[arg(long, default_value_t = 1000)]
        count: usize,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_name = "FILE", default_value = "bench/queries.txt")]
        queries: PathBuf,
        #[arg(long, default_value_t = 8)]
        seed: u64,
    },
    /// Time from spawning `waymark serve` to the first 200 on /healthz.
    Coldstart {
        /// The waymark binary.
        #[arg(long, value_name = "FILE", default_value = "target/release/waymark")]
        bin: PathBuf,
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: u32,
        #[arg(long, default_value = "bundled")]
        corpus: String,
        /// Pass --no-watch to the server.
        #[arg(long)]
        no_watch: bool,
        /// Also time warm starts with the index cache in DIR (emptied first),
        /// each round after a cold one.
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Time from saving a page to its new word being found by /api/search.
    /// Edits the files of DIR: give it a copy.
    Reload {
        #[arg(long, value_name = "FILE", default_value = "target/release/waymark")]
        bin: PathBuf,
        /// A copy of a corpus; its pages are edited.
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, default_value_t = 11)]
        runs: u32,
        #[arg(long, default_value = "bundled")]
        corpus: String,
    },
    /// Time `Site::update` in process after one page is saved (live reload
    /// without the watcher). Edits the files of DIR: give it a copy.
    Update {
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, default_value_t = 11)]
        runs: u32,
        #[arg(long, default_value = "bundled")]
        corpus: String,
    },
    /// Print a TCP port on 127.0.0.1 that is free just now (for the script).
    Port,
    /// Print the Markdown tables (figures, ratios, targets) from a results file.
    Report {
        #[arg(long, value_name = "FILE")]
        results: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Gen {
            pages,
            out,
            seed,
            source,
            reuse,
        } => corpus::generate(&source, &out, pages, seed, reuse),
        Command::Render { content, out } => render::render(&content, &out),
        Command::Build {
            content,
            corpus,
            round,
            heap,
        } => timings::build(&content, &corpus, round, heap),
        Command::Search {
            content,
            queries,
            iterations,
            corpus,
        } => timings::search(&content, &queries, iterations, &corpus),
        Command::Queries {
            count,
            out,
            queries,
            seed,
        } => queries::write_queries(&queries, &out, count, seed),
        Command::Coldstart {
            bin,
            content,
            runs,
            corpus,
            no_watch,
            cache_dir,
        } => coldstart::coldstart(
            &bin,
            &content,
            runs,
            &corpus,
            no_watch,
            cache_dir.as_deref(),
        ),
        Command::Reload {
            bin,
            content,
            runs,
            corpus,
        } => reload::reload(&bin, &content, runs, &corpus),
        Command::Update {
            content,
            runs,
            corpus,
        } => timings::update(&content, runs, &corpus),
        Command::Port => server::free_port().map(|port| println!("{port}")),
        Command::Report { results } => report::report(&results),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use clap::{CommandFactory, Parser};

    use super::{Cli, Command};

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// The default query mix is named relative to the repository's root,
    /// where `bench/run.sh` runs the tool; the golden dump reads the same file.
    #[test]
    fn the_default_query_mix_exists_at_the_root() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let search = Cli::parse_from(["waymark-bench", "search", "--content", "c"]);
        let queries = Cli::parse_from(["waymark-bench", "queries", "--out", "o"]);
        for cli in [search, queries] {
            let (Command::Search { queries, .. } | Command::Queries { queries, .. }) = cli.command
            else {
                panic!("another subcommand was parsed");
            };
            assert!(
                root.join(&queries).is_file(),
                "{} is not a file at the repository's root",
                queries.display()
            );
        }
    }
}
