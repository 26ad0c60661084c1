//! Search: the tantivy schema (`schema`), building the index from pages
//! (`build`) and running a query with filters, facet counts and snippets
//! (`query`).

pub mod build;
pub mod query;
pub mod schema;

pub use build::SearchIndex;
pub use query::{
    Filters, MAX_QUERY_BYTES, PER_PAGE, SearchHit, SearchRequest, SearchResults, Sort,
};
