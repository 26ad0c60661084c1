//! The site snapshot: one immutable value holding the pages, the taxonomy,
//! the settings, the search index and the problems found, swapped whole when
//! content changes. A change to some pages builds the next snapshot from this
//! one, re-reading and re-indexing only those pages ([`Site::update`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
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

    /// Loads again after `previous`: pages whose files now have problems keep
    /// their last good versions (see [`content::load_after`]).
    pub fn reload(options: &LoadOptions, previous: Option<&Site>) -> Result<Site, BuildError> {
        let started = Instant::now();
        let loaded = content::load_after(options, previous.map_or(&[], |s| s.pages.as_slice()))?;
        let read = started.elapsed();
        let search = SearchIndex::build(&loaded.pages, &loaded.taxonomy, &loaded.synonyms)?;
        tracing::debug!(
            "read and rendered {} pages in {:.0} ms, indexed them in {:.0} ms",
            loaded.pages.len(),
            read.as_secs_f64() * 1e3,
            (started.elapsed() - read).as_secs_f64() * 1e3
        );
        Ok(Site {
            by_slug: index_slugs(&loaded.pages),
            taxonomy: loaded.taxonomy,
            config: loaded.config,
            pages: loaded.pages,
            search,
            problems: loaded.problems,
            file_problems: loaded.file_problems,
            taxonomy_from_folder: loaded.taxonomy_from_folder,
            loaded_at: jiff::Timestamp::now(),
            load_time: started.elapsed(),
            full: true,
            content_dir: options.content_dir.clone(),
            generation: 0,
        })
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
        let started = Instant::now();
        let dir = &options.content_dir;
        let root = std::fs::canonicalize(dir).map_err(|source| LoadError::Unreadable {
            path: dir.clone(),
            source,
        })?;
        let mut sources: Vec<PathBuf> = Vec::new();
        let mut full = self
            .file_problems
            .iter()
            .any(|p| p.kind == crate::problem::Kind::DuplicateSlug);
        for path in changed {
            let relative = path
                .strip_prefix(&root)
                .or_else(|_| path.strip_prefix(dir))
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| path.clone());
            let is_settings = relative.file_name().is_some_and(|n| {
                ["taxonomy.yaml", "site.yaml", "synonyms.yaml"]
                    .contains(&n.to_string_lossy().as_ref())
            }) || options.site_file.as_deref() == Some(path.as_path())
                // The logo is read with site.yaml, so a new logo reloads it.
                || self
                    .config
                    .logo
                    .as_deref()
                    .is_some_and(|logo| path.ends_with(logo));
            let hidden = relative
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
            let is_page = relative
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"));
            if is_settings
                || path.is_dir()
                || (!is_page && !hidden && !path.exists() && relative.extension().is_none())
            {
                full = true;
            } else if is_page && !hidden {
                let source = dir.join(&relative);
                if !sources.contains(&source) {
                    sources.push(source);
                }
            }
        }
        if full {
            return Site::reload(options, Some(self)).map(Some);
        }
        if sources.is_empty() {
            return Ok(None);
        }

        let mut pages: Vec<Arc<Page>> = self
            .pages
            .iter()
            .filter(|p| !sources.contains(&p.source))
            .cloned()
            .collect();
        let mut file_problems: Vec<Problem> = self
            .file_problems
            .iter()
            .filter(|p| !sources.contains(&p.path))
            .cloned()
            .collect();
        let mut fresh = Vec::new();
        for source in &sources {
            let Ok(meta) = std::fs::symlink_metadata(source) else {
                continue; // deleted
            };
            if meta.file_type().is_symlink()
                && let Some(problem) = content::loader::symlink_problem(&root, source)
            {
                file_problems.push(problem);
                continue;
            }
            let slug = content::slug::of(dir, source);
            let cx = content::validate::Context {
                taxonomy: &self.taxonomy,
                today: options.today,
                path: source,
            };
            let (page, found) = content::loader::load_file(&slug, &cx, &self.pages);
            file_problems.extend(found);
            fresh.extend(page);
        }
        let fresh_slugs: Vec<String> = fresh.iter().map(|p| p.slug.clone()).collect();
        pages.extend(fresh);
        let mut pages = content::loader::dedupe(pages, dir, &mut file_problems);
        pages.sort_by(|a, b| a.slug.cmp(&b.slug));
        crate::problem::sort(&mut file_problems);
        let mut problems = file_problems.clone();
        problems.extend(content::links::check(&pages, &self.taxonomy));
        crate::problem::sort(&mut problems);

        // Only these documents change: the old versions of the changed files
        // and whatever they now hold.
        let removed: Vec<&Page> = self
            .pages
            .iter()
            .filter(|p| sources.contains(&p.source))
            .map(|p| &**p)
            .collect();
        let by_slug = index_slugs(&pages);
        // An updated page's tie-break comes from its new position; the
        // others keep theirs, so equal scores keep a fixed order.
        let added: Vec<(usize, &Page)> = fresh_slugs
            .iter()
            .filter_map(|s| by_slug.get(s).map(|&i| (i, &*pages[i])))
            .collect();
        let search = self.search.update(&removed, &added, &self.taxonomy)?;
        Ok(Some(Site {
            taxonomy: self.taxonomy.clone(),
            config: self.config.clone(),
            by_slug,
            pages,
            search,
            problems,
            file_problems,
            taxonomy_from_folder: self.taxonomy_from_folder,
            loaded_at: jiff::Timestamp::now(),
            load_time: started.elapsed(),
            full: false,
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
