//! Search: the tantivy schema (`schema`), building the index from pages
//! (`build`), turning typed words into a query (`text`, with `synonyms`,
//! `spelling` and the corpus `vocabulary`), and running it with filters,
//! facet counts and snippets (`query`). A search arrives as a query string
//! (`request`) and leaves as the JSON answer (`answer`) or the web's HTML.

pub mod answer;
pub mod build;
pub mod facets;
mod golden;
pub mod lexicon;
pub mod query;
pub mod request;
pub mod schema;
pub mod snippet;
pub mod spelling;
pub mod stem;
pub mod synonyms;
pub mod text;
pub mod vocabulary;

pub use build::SearchIndex;
pub use query::{
    Filters, MAX_PER_PAGE, MAX_QUERY_BYTES, PER_PAGE, Pages, Partial, SearchHit, SearchRequest,
    SearchResults, Sort, UnknownSort,
};
pub use request::{ParamError, parse_search, query_string};
pub use synonyms::Synonyms;
