//! The site snapshot: one immutable value holding the pages, the taxonomy,
//! the settings, the search index and the problems found, built in one go so
//! it can be swapped whole when content changes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::config::SiteConfig;
use crate::content::{self, LoadError, LoadOptions, Page};
use crate::problem::Problem;
use crate::search::{SearchIndex, SearchRequest, SearchResults};
use crate::taxonomy::Taxonomy;

/// Everything the portal serves, as of one load of the content folder.
#[derive(Debug)]
pub struct Site {
    pub taxonomy: Taxonomy,
    pub config: SiteConfig,
    /// Valid pages sorted by slug; a page's index here is its `ord` in the search index.
    pub pages: Vec<Page>,
    by_slug: HashMap<String, usize>,
    pub search: SearchIndex,
    /// Problems and warnings found while loading.
    pub problems: Vec<Problem>,
    pub taxonomy_from_folder: bool,
    /// When this snapshot was built.
    pub loaded_at: jiff::Timestamp,
    /// How long loading and indexing took.
    pub load_time: Duration,
}

/// Why a snapshot could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("building the search index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
}

impl Site {
    /// Loads a content folder and indexes it.
    pub fn load(options: &LoadOptions) -> Result<Site, BuildError> {
        Site::reload(options, None)
    }

    /// Loads again after `previous`: pages whose files now have problems keep
    /// their last good versions (see [`content::load_after`]).
    pub fn reload(options: &LoadOptions, previous: Option<&Site>) -> Result<Site, BuildError> {
        let started = Instant::now();
        let loaded = content::load_after(options, previous.map_or(&[], |s| s.pages.as_slice()))?;
        let search = SearchIndex::build(&loaded.pages, &loaded.taxonomy, &loaded.synonyms)?;
        let by_slug = loaded
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        Ok(Site {
            taxonomy: loaded.taxonomy,
            config: loaded.config,
            pages: loaded.pages,
            by_slug,
            search,
            problems: loaded.problems,
            taxonomy_from_folder: loaded.taxonomy_from_folder,
            loaded_at: jiff::Timestamp::now(),
            load_time: started.elapsed(),
        })
    }

    pub fn page(&self, slug: &str) -> Option<&Page> {
        self.by_slug.get(slug).map(|&i| &self.pages[i])
    }

    /// Runs a search against this snapshot.
    pub fn search(&self, request: &SearchRequest) -> tantivy::Result<SearchResults> {
        let pages = crate::search::Pages {
            list: &self.pages,
            by_slug: &self.by_slug,
        };
        self.search.search(request, &pages, &self.taxonomy)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.is_error())
    }
}
