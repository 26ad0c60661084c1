//! The site snapshot: one immutable value holding the pages, the taxonomy,
//! the settings, the search index and the problems found, swapped whole when
//! content changes. A change to some pages builds the next snapshot from this
//! one, re-reading and re-indexing only those pages ([`Site::update`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::SiteConfig;
use crate::content::loader::LoadedSettings;
use crate::content::{
    self, Before, ChangeSet, Changed, ExtraSettings, LoadError, LoadOptions, Loaded, Page,
};
use crate::problem::{Pos, Problem};
use crate::search::lexicon::{FileError, Lexicon, Phrases, StopWords};
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
    /// Pages by short id ([`Page::short_id`]): no two pages share one.
    by_short_id: HashMap<String, usize>,
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
    /// The content folders read, lowest first, the top (`content_dir`) last.
    pub layers: Vec<PathBuf>,
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
    /// Two pages' slugs give the same short id, so a plan link could not
    /// tell them apart: renaming either page's file ends it.
    #[error(
        "the pages {first} and {second} have the same short id {id}: rename one of the two files"
    )]
    ShortIdClash {
        id: String,
        first: String,
        second: String,
    },
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
            layers: &self.layers,
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
        let mut files = SearchFiles::default();
        let Some(loaded) = content::load(options, previous.map(Site::before), changes, &mut files)?
        else {
            return Ok(None);
        };
        let read = started.elapsed();
        let by_slug = index_slugs(&loaded.pages);
        let by_short_id = index_short_ids(&loaded.pages)?;
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
                let (synonyms, lexicon) = files.settings();
                let search =
                    SearchIndex::build(&loaded.pages, &loaded.taxonomy, &synonyms, &lexicon)?;
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
            by_short_id,
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
            layers: loaded.layers,
            generation: 0,
        }))
    }

    /// A snapshot made of parts kept by the index cache (`crate::cache`):
    /// settings read afresh, pages and index as they were stored.
    pub(crate) fn from_parts(parts: Parts, started: Instant) -> Result<Site, BuildError> {
        let by_slug = index_slugs(&parts.pages);
        let by_short_id = index_short_ids(&parts.pages)?;
        Ok(Site {
            by_slug,
            by_short_id,
            taxonomy: parts.settings.taxonomy,
            config: parts.settings.config,
            pages: parts.pages,
            search: parts.search,
            problems: parts.problems,
            file_problems: parts.file_problems,
            taxonomy_from_folder: parts.settings.taxonomy_from_folder,
            loaded_at: jiff::Timestamp::now(),
            load_time: started.elapsed(),
            full: true,
            content_dir: parts.content_dir,
            layers: parts.settings.stack.dirs.clone(),
            generation: 0,
        })
    }

    /// The problems found in files themselves, for the index cache to keep.
    pub(crate) fn file_problems(&self) -> &[Problem] {
        &self.file_problems
    }

    pub fn page(&self, slug: &str) -> Option<&Page> {
        self.by_slug.get(slug).map(|&i| &*self.pages[i])
    }

    /// The page a plan names, by slug or else by short id.
    pub fn page_or_short_id(&self, item: &str) -> Option<&Page> {
        self.page(item)
            .or_else(|| self.by_short_id.get(item).map(|&i| &*self.pages[i]))
    }

    /// The first file of page bodies this snapshot reads from that is no
    /// longer as written ([`content::BodyStore::check`]), with what is
    /// wrong. A few files at most (one per load), each checked once.
    pub fn broken_bodies(&self) -> Option<(Arc<content::BodyStore>, String)> {
        let mut seen: Vec<&Arc<content::BodyStore>> = Vec::new();
        for store in self.pages.iter().filter_map(|p| p.body.store()) {
            if seen.iter().any(|s| Arc::ptr_eq(s, store)) {
                continue;
            }
            seen.push(store);
            if let Err(why) = store.check() {
                return Some((Arc::clone(store), why));
            }
        }
        None
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

    /// A problem as staff see it: its path relative to the content folder,
    /// or for a base layer's file, from that layer's folder name
    /// (`starter/strategies/x.md`), so the layer it comes from is plain.
    pub fn show(&self, problem: &Problem) -> String {
        let bases = &self.layers[..self.layers.len().saturating_sub(1)];
        if let Some(base) = bases.iter().find(|l| problem.path.starts_with(l)) {
            return problem.shown_in(base.parent().unwrap_or(base)).to_string();
        }
        problem.shown_in(&self.content_dir).to_string()
    }
}

/// What [`Site::from_parts`] puts together.
pub(crate) struct Parts {
    pub settings: LoadedSettings,
    pub pages: Vec<Arc<Page>>,
    pub search: SearchIndex,
    pub problems: Vec<Problem>,
    pub file_problems: Vec<Problem>,
    pub content_dir: PathBuf,
}

/// Reads a content folder's settings files alone, with the search's word
/// files: what a warm start reads before opening the cached index.
pub(crate) fn read_settings(
    options: &LoadOptions,
) -> Result<(LoadedSettings, Synonyms, Lexicon), LoadError> {
    let mut files = SearchFiles::default();
    let settings = content::loader::load_settings(options, &mut files)?;
    let (synonyms, lexicon) = files.settings();
    Ok((settings, synonyms, lexicon))
}

fn index_slugs(pages: &[Arc<Page>]) -> HashMap<String, usize> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.clone(), i))
        .collect()
}

/// Pages by short id; two pages with one short id fail the load.
fn index_short_ids(pages: &[Arc<Page>]) -> Result<HashMap<String, usize>, BuildError> {
    let mut out: HashMap<String, usize> = HashMap::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        if let Some(&j) = out.get(&page.short_id()) {
            return Err(BuildError::ShortIdClash {
                id: page.short_id(),
                first: pages[j].slug.clone(),
                second: page.slug.clone(),
            });
        }
        out.insert(page.short_id(), i);
    }
    Ok(out)
}

/// The search's word files, read by the content loader with the other
/// settings files; each `None` until its file is read (the built-in one
/// applies).
#[derive(Default)]
struct SearchFiles {
    synonyms: Option<Synonyms>,
    /// The groups of every synonyms file read so far, lowest layer first:
    /// a higher layer's file adds to a base's.
    synonym_groups: Vec<Vec<String>>,
    stop: Option<StopWords>,
    phrases: Option<Phrases>,
}

impl SearchFiles {
    /// What the search reads queries with: each file's settings, or the
    /// built-in ones where the folder has none.
    fn settings(self) -> (Synonyms, Lexicon) {
        let stop = self.stop.unwrap_or_else(StopWords::builtin);
        let phrases = self.phrases.unwrap_or_else(Phrases::builtin);
        (
            self.synonyms.unwrap_or_else(Synonyms::builtin),
            Lexicon::new(stop, &phrases),
        )
    }
}

impl SearchFiles {
    /// Keeps a layer's synonyms: alone, as read; over another layer's, the
    /// groups of both (checked again as one file, so a word in a group of
    /// each is reported).
    fn add_synonyms(&mut self, synonyms: Synonyms, text: &str) -> Vec<(Pos, String)> {
        #[derive(serde::Deserialize)]
        struct Groups {
            groups: Vec<Vec<String>>,
        }
        let Ok(file) = crate::yaml::from_str::<Groups>(text) else {
            self.synonyms = Some(synonyms);
            return Vec::new();
        };
        let first = self.synonym_groups.is_empty();
        self.synonym_groups.extend(file.groups);
        if first {
            self.synonyms = Some(synonyms);
            return Vec::new();
        }
        // YAML reads JSON, so the merged groups are handed over as JSON.
        let merged = serde_json::json!({ "groups": self.synonym_groups }).to_string();
        match Synonyms::parse(&merged) {
            Ok(all) => {
                self.synonyms = Some(all);
                Vec::new()
            }
            Err(errors) => errors
                .into_iter()
                .map(|e| {
                    (
                        Pos::START,
                        format!("with the base layer's synonyms: {}", e.message),
                    )
                })
                .collect(),
        }
    }
}

impl ExtraSettings for SearchFiles {
    fn file_names(&self) -> &'static [&'static str] {
        &["synonyms.yaml", "stopwords.yaml", "phrases.yaml"]
    }

    fn read(&mut self, name: &str, text: &str) -> Vec<(Pos, String)> {
        let faults =
            |errors: Vec<FileError>| errors.into_iter().map(|e| (e.pos, e.message)).collect();
        match name {
            "stopwords.yaml" => match StopWords::parse(text) {
                Ok(stop) => {
                    self.stop = Some(stop);
                    Vec::new()
                }
                Err(errors) => faults(errors),
            },
            "phrases.yaml" => match Phrases::parse(text) {
                Ok(phrases) => {
                    self.phrases = Some(phrases);
                    Vec::new()
                }
                Err(errors) => faults(errors),
            },
            _ => match Synonyms::parse(text) {
                Ok(synonyms) => self.add_synonyms(synonyms, text),
                Err(errors) => errors.into_iter().map(|e| (e.pos, e.message)).collect(),
            },
        }
    }
}

/// Reads and checks a content folder, its settings files included, without
/// building a search index: what `waymark check` reports.
pub fn check(options: &LoadOptions) -> Result<Loaded, LoadError> {
    let mut files = SearchFiles::default();
    let loaded = content::load(options, None, &ChangeSet::everything(), &mut files)?;
    Ok(loaded.expect("a full load always gives a snapshot"))
}

#[cfg(test)]
mod short_id_tests {

    use super::*;

    fn page(slug: &str) -> Arc<Page> {
        let taxonomy = Taxonomy::builtin();
        let need = taxonomy.needs_in_order()[0].0.id;
        let text = format!(
            "---\ntitle: A page\nsummary: A page.\nkind: strategy\nevidence:\n  strength: practice\nneeds: [{need}]\ntier: universal\nupdated: 2026-08-15\n---\nText.\n"
        );
        crate::content::test_page(slug, &text)
    }

    /// Two slugs with one short id, found by a search once (CRC-32 is
    /// linear, so similar names clash rarely).
    fn clashing_slugs() -> (String, String) {
        let (a, b) = ("strategies/p2289854", "strategies/p8022000");
        assert_eq!(content::short_id(a), content::short_id(b));
        (a.to_string(), b.to_string())
    }

    #[test]
    fn two_pages_with_one_short_id_fail_the_load_naming_both() {
        let (a, b) = clashing_slugs();
        let err = index_short_ids(&[page(&a), page(&b)])
            .unwrap_err()
            .to_string();
        assert!(err.contains(&a) && err.contains(&b), "{err}");
        assert!(err.contains("same short id"), "{err}");
        let ok = index_short_ids(&[page(&a), page("strategies/other")]).unwrap();
        assert_eq!(ok.len(), 2);
    }
}
