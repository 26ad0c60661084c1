//! The site snapshot: one immutable value holding the pages, the taxonomy,
//! the settings, the search index and the problems found, swapped whole when
//! content changes. A change to some pages builds the next snapshot from this
//! one, re-reading and re-indexing only those pages ([`Site::update`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::SiteConfig;
use crate::content::{
    self, Before, ChangeSet, Changed, ExtraSettings, LoadError, LoadOptions, Loaded, Page,
};
use crate::problem::{Pos, Problem};
use crate::search::{SearchIndex, SearchRequest, SearchResults, Synonyms};
use crate::taxonomy::Taxonomy;

/// Everything the portal serves, as of one load of the content folder.
#[derive(Debug)]
pub struct Site {
    pub taxonomy: Taxonomy,
    pub config: SiteConfig,
    /// Valid pages sorted by slug.
    pub pages: Vec<Arc<Page>>,
    by_slug: HashMap<String, usize>,
    pub search: SearchIndex,
    /// Problems and warnings found while loading.
    pub problems: Vec<Problem>,
    /// The problems found in files themselves (not broken links).
    file_problems: Vec<Problem>,
    pub taxonomy_from_folder: bool,
    /// When this snapshot was built.
    pub loaded_at: jiff::Timestamp,
    /// How long loading and indexing took.
    pub load_time: Duration,
    /// Whether this snapshot read everything afresh, settings files included
    /// (false: it updated some pages of the one before).
    pub full: bool,
    /// The content folder it was loaded from, as given: problems are shown
    /// relative to it on `/status` and in the log.
    pub content_dir: PathBuf,
    /// Which snapshot this is, counted by the app state that serves it, so
    /// cached answers are never taken from another snapshot.
    pub generation: u64,
}

/// Where the snapshot being served lives, as live reload sees it: the one
/// served now, and a way to serve the next. The web server provides it, so
/// reloading needs to know nothing of how requests share a snapshot.
pub trait Publish: Send + Sync + 'static {
    /// The snapshot being served.
    fn current(&self) -> Arc<Site>;
    /// Serves `site` from now on.
    fn publish(&self, site: Site);
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

    /// Loads everything again after `previous`: pages whose files now have
    /// problems keep their last good versions (see [`content::load`]).
    pub fn reload(options: &LoadOptions, previous: Option<&Site>) -> Result<Site, BuildError> {
        let next = Site::next(options, previous, &ChangeSet::everything())?;
        Ok(next.expect("a full load always gives a snapshot"))
    }

    /// The next snapshot after files changed: only the changed pages are
    /// re-read and re-indexed. A change to the taxonomy, site settings or
    /// synonyms, or to a folder, reloads everything. `None` when nothing that
    /// matters changed (an editor's temporary file, say).
    pub fn update(
        &self,
        options: &LoadOptions,
        changed: &[PathBuf],
    ) -> Result<Option<Site>, BuildError> {
        let changes = ChangeSet::observe(options, &self.before(), changed)?;
        Site::next(options, Some(self), &changes)
    }

    /// What the loader needs to know of this snapshot to apply changes to it.
    fn before(&self) -> Before<'_> {
        Before {
            taxonomy: &self.taxonomy,
            config: &self.config,
            taxonomy_from_folder: self.taxonomy_from_folder,
            pages: &self.pages,
            file_problems: &self.file_problems,
        }
    }

    /// Applies `changes` to `previous` (or loads afresh) and indexes the
    /// result: the whole index when everything was read, else only the
    /// changed pages' documents.
    fn next(
        options: &LoadOptions,
        previous: Option<&Site>,
        changes: &ChangeSet,
    ) -> Result<Option<Site>, BuildError> {
        let started = Instant::now();
        let mut synonyms = SynonymsFile(None);
        let Some(loaded) =
            content::load(options, previous.map(Site::before), changes, &mut synonyms)?
        else {
            return Ok(None);
        };
        let read = started.elapsed();
        let by_slug = index_slugs(&loaded.pages);
        let (search, full) = match (&loaded.changed, previous) {
            (Changed::Pages { removed, fresh }, Some(previous)) => {
                let removed: Vec<&Page> = removed.iter().map(|p| &**p).collect();
                // An updated page's tie-break comes from its new position; the
                // others keep theirs, so equal scores keep a fixed order.
                let added: Vec<(usize, &Page)> = fresh
                    .iter()
                    .filter_map(|s| by_slug.get(s).map(|&i| (i, &*loaded.pages[i])))
                    .collect();
                let search = previous.search.update(&removed, &added, &loaded.taxonomy)?;
                (search, false)
            }
            _ => {
                let synonyms = synonyms.0.unwrap_or_else(Synonyms::builtin);
                let search = SearchIndex::build(&loaded.pages, &loaded.taxonomy, &synonyms)?;
                tracing::debug!(
                    "read and rendered {} pages in {:.0} ms, indexed them in {:.0} ms",
                    loaded.pages.len(),
                    read.as_secs_f64() * 1e3,
                    (started.elapsed() - read).as_secs_f64() * 1e3
                );
                (search, true)
            }
        };
        Ok(Some(Site {
            by_slug,
            taxonomy: loaded.taxonomy,
            config: loaded.config,
            pages: loaded.pages,
            search,
            problems: loaded.problems,
            file_problems: loaded.file_problems,
            taxonomy_from_folder: loaded.taxonomy_from_folder,
            loaded_at: jiff::Timestamp::now(),
            load_time: started.elapsed(),
            full,
            content_dir: options.content_dir.clone(),
            generation: 0,
        }))
    }

    pub fn page(&self, slug: &str) -> Option<&Page> {
        self.by_slug.get(slug).map(|&i| &*self.pages[i])
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

    /// A problem as staff see it: its path relative to the content folder.
    pub fn show(&self, problem: &Problem) -> String {
        problem.shown_in(&self.content_dir).to_string()
    }
}

fn index_slugs(pages: &[Arc<Page>]) -> HashMap<String, usize> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.clone(), i))
        .collect()
}

/// The search's `synonyms.yaml`, read by the content loader with the other
/// settings files; `None` until a file is read (the built-in groups apply).
struct SynonymsFile(Option<Synonyms>);

impl ExtraSettings for SynonymsFile {
    fn file_name(&self) -> &'static str {
        "synonyms.yaml"
    }

    fn read(&mut self, text: &str) -> Vec<(Pos, String)> {
        match Synonyms::parse(text) {
            Ok(synonyms) => {
                self.0 = Some(synonyms);
                Vec::new()
            }
            Err(errors) => errors.into_iter().map(|e| (e.pos, e.message)).collect(),
        }
    }
}

/// Reads and checks a content folder, its settings files included, without
/// building a search index: what `waymark check` reports.
pub fn check(options: &LoadOptions) -> Result<Loaded, LoadError> {
    let mut synonyms = SynonymsFile(None);
    let loaded = content::load(options, None, &ChangeSet::everything(), &mut synonyms)?;
    Ok(loaded.expect("a full load always gives a snapshot"))
}
