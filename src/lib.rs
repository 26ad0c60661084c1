//! Waymark: a searchable portal of a local authority's ordinarily available
//! provision for children and young people with SEND.
//!
//! The pipeline, one module a step: `content` loads and validates Markdown
//! pages against the `taxonomy` (whose searchable classifications are the
//! table in `facet`) and `config`; `site` builds an immutable snapshot with
//! its `search` index; `plan` turns chosen pages into plans and their
//! exports; `web` serves it all on the addresses listed in `routes`; `watch`
//! publishes a new snapshot when a file changes; `cli` is the command line.
//! Layers point down: `content` knows nothing of `search` or `web`, and
//! `search` nothing of `web`.
//!
//! # Caches
//!
//! Every cache in the process, who owns it and when it goes. Only the index
//! cache is written to disk, and none holds anything about a child.
//!
//! | cache | owner | lifetime and bound |
//! |---|---|---|
//! | per-segment facet values ([`search::facets::FacetWarmer`]) | the snapshot's `SearchIndex`, through tantivy's warmer | read when a segment first appears in a searcher; dropped when no searcher holds that segment, and with the index |
//! | words already scored for snippets (`search::snippet::Snippets::seen`) | one search | gone when the search's answer is made |
//! | token and stem maps (`search::stem`) | each thread, `thread_local!` | process lifetime; emptied when a thread's map passes 200,000 words, so a hostile query mix cannot grow it |
//! | the corpus vocabulary and spelling lists (`search::vocabulary`, `search::spelling`) | the snapshot | built with the index, dropped with the snapshot |
//! | search answers, with lazily compressed copies ([`web::cache`]) | `AppState`, shared by both listeners | keyed by snapshot generation and query string (a new snapshot empties it); at most 2,048 answers and 64 MiB |
//! | "searched and not found" counts ([`web::missing`]) | `AppState` | normalised words and counts only; at most 500 queries; lost on restart |
//! | the built index, pages and vocabulary on disk ([`cache`]) | `waymark serve`, in `--cache-dir` | written after a full build or a start that applied changes; used while every input's fingerprint matches; one folder per content folder |
//! | fingerprinted static assets (`web::assets::ASSETS`) | the process, made once | the bytes compiled into the binary, so they never change |
//! | the theme stylesheet and logo ([`theme`]) | the snapshot | remade when `site.yaml` or the logo changes |

pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod facet;
pub mod fingerprint;
pub mod framework;
pub mod fsread;
pub mod healthz;
pub mod import;
pub mod open_data;
pub mod plan;
pub mod problem;
pub mod routes;
pub mod search;
pub mod site;
pub mod strategy;
pub mod suggest;
pub mod taxonomy;
pub mod theme;
pub mod watch;
pub mod web;
pub mod yaml;
