//! Waymark: a searchable portal of a local authority's ordinarily available
//! provision for children and young people with SEND.
//!
//! The pipeline, one module a step: `content` loads and validates Markdown
//! pages against the `taxonomy` and `config`; `site` builds an immutable
//! snapshot with its `search` index; `web` serves it; `cli` is the command line.

pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod facet;
pub mod fingerprint;
pub mod fsread;
pub mod healthz;
pub mod plan;
pub mod problem;
pub mod routes;
pub mod search;
pub mod site;
pub mod suggest;
pub mod taxonomy;
pub mod theme;
pub mod watch;
pub mod web;
pub mod yaml;
