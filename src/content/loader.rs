//! Loads a content folder: reads the taxonomy and site settings, then every
//! `**/*.md` page, collecting every problem instead of stopping at the first.
//! A later load applies a [`ChangeSet`] to the one before by the same path,
//! reading again only the page files that changed.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::facet::Facets;
use crate::framework::Framework;
use crate::fsread::{self, Refusal};
use crate::problem::{self, Kind, Pos, Problem};
use crate::taxonomy::Taxonomy;
use crate::yaml;

use super::body::{Body, BodyStore};
use super::changes::ChangeSet;
use super::layers;
use super::page::Page;
use super::parse_page;
use super::validate::Context;

/// A page file larger than this is refused.
pub const MAX_PAGE_BYTES: u64 = 1024 * 1024;

/// Where to load from.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The top layer: the folder of the council's own pages, whose
    /// `site.yaml` gives the settings.
    pub content_dir: PathBuf,
    /// Folders under it given on the command line (`--content` more than
    /// once), lowest first. Each may `extends:` further folders, as the top
    /// may; [`super::layers::resolve`] works out the whole stack.
    pub base_dirs: Vec<PathBuf>,
    /// `site.yaml` to use instead of the one in the content folder.
    pub site_file: Option<PathBuf>,
    /// Today's date, for review-date warnings.
    pub today: Date,
    /// The facets pages are classified by (the standard ones by default).
    pub facets: Facets,
    /// A folder for the file of page bodies ([`super::body`]); `None` keeps
    /// them in memory.
    pub body_dir: Option<PathBuf>,
}

impl LoadOptions {
    /// Layers given lowest first: the last is the top, the rest its bases.
    /// Panics on an empty list (clap always gives at least the default).
    pub fn stacked(dirs: &[PathBuf]) -> Self {
        let (top, bases) = dirs.split_last().expect("at least one content folder");
        LoadOptions {
            base_dirs: bases.to_vec(),
            ..LoadOptions::new(top)
        }
    }

    pub fn new(content_dir: impl Into<PathBuf>) -> Self {
        LoadOptions {
            content_dir: content_dir.into(),
            base_dirs: Vec::new(),
            site_file: None,
            today: crate::clock::today(),
            facets: Facets::default(),
            body_dir: None,
        }
    }
}

/// The file of page bodies new pages go to, when `options` keeps bodies in
/// a file: the one the pages `kept` are in (a few pages read again), or a
/// new one (everything read again, so the old file goes with the old
/// snapshot).
/// `None`, and the pages keep their bodies in memory, when there is no such
/// folder or the file cannot be made there (logged).
fn body_store(options: &LoadOptions, kept: &[Arc<Page>]) -> Option<Arc<BodyStore>> {
    let dir = options.body_dir.as_ref()?;
    if let Some(store) = kept
        .iter()
        .find_map(|p| p.body.store().filter(|s| s.writable()))
    {
        return Some(Arc::clone(store));
    }
    match BodyStore::create_in(dir) {
        Ok(store) => Some(store),
        Err(e) => {
            tracing::warn!(
                "page bodies are kept in memory: cannot make their file in {}: {e}",
                dir.display()
            );
            None
        }
    }
}

/// `page` with its body in `store`, unless another snapshot shares it (a
/// last good version, already stored where it was).
fn stored(page: Arc<Page>, store: &Arc<BodyStore>) -> Arc<Page> {
    match Arc::try_unwrap(page) {
        Ok(mut page) => {
            let body = std::mem::replace(&mut page.body, Body::held(String::new(), String::new()));
            page.body = body.into_store(store);
            Arc::new(page)
        }
        Err(shared) => shared,
    }
}

/// Everything read from a content folder.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub taxonomy: Taxonomy,
    pub config: SiteConfig,
    /// Valid pages, sorted by slug, shared with the snapshots built on them.
    pub pages: Vec<Arc<Page>>,
    /// Every problem and warning, sorted by file and line.
    pub problems: Vec<Problem>,
    /// The problems found in files themselves (not broken links between pages).
    pub file_problems: Vec<Problem>,
    /// Whether the taxonomy came from the content folder (false: built in).
    pub taxonomy_from_folder: bool,
    /// Which pages this load changed from the one before.
    pub changed: Changed,
    /// The content folders read, lowest first, the top last. Each page's
    /// [`Page::source`] lies in one of them (see [`super::layers::relative`]).
    pub layers: Vec<PathBuf>,
}

impl Loaded {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }
}

/// Which pages a load changed, so whatever is built on the pages (the
/// search index) changes only those.
#[derive(Debug, Clone)]
pub enum Changed {
    /// Everything was read afresh, settings files included.
    All,
    /// Only some page files were read again.
    Pages {
        /// The last load's versions of the page files read again.
        removed: Vec<Arc<Page>>,
        /// The slugs of the pages read from those files now.
        fresh: Vec<String>,
    },
}

/// The content as last loaded, which a change set is applied to.
#[derive(Debug, Clone, Copy)]
pub struct Before<'a> {
    pub taxonomy: &'a Taxonomy,
    pub config: &'a SiteConfig,
    pub taxonomy_from_folder: bool,
    pub pages: &'a [Arc<Page>],
    pub file_problems: &'a [Problem],
    /// The content folders, lowest first.
    pub layers: &'a [PathBuf],
}

/// Settings files in the content folder whose meaning belongs to a layer
/// above the content (the search's `synonyms.yaml`, `stopwords.yaml` and
/// `phrases.yaml`). The loader reads them by the rules of every settings
/// file and reports their faults with theirs, so a bad one refuses the load
/// as a bad taxonomy does, without the content knowing what the files hold.
pub trait ExtraSettings {
    /// Their names in the content folder.
    fn file_names(&self) -> &'static [&'static str];
    /// Takes the text of the file `name`: keeps what it means, or returns
    /// each fault and where in the text it is. With layers, each layer's
    /// file is handed over, lowest first.
    fn read(&mut self, name: &str, text: &str) -> Vec<(Pos, String)>;
}

/// Why nothing could be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the content folder {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a folder; point --content at the folder that holds the pages", .0.display())]
    NotAFolder(PathBuf),
    #[error("cannot read the site settings {}: {source}", path.display())]
    SiteFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The taxonomy, site settings or synonyms are invalid, so no page can be checked.
    #[error("{} problem(s) in the taxonomy, site settings or synonyms", .0.len())]
    Settings(Vec<Problem>),
}

/// Loads a content folder, or applies a change set to the last load: full
/// and partial loads are one path. Everything is read afresh when the change
/// set says so, when there is no last load, or when the last load or this
/// one finds a duplicate slug (which file wins depends on every file, so any
/// change may settle it). Otherwise only the changed page files are read
/// again, and the other pages are kept as they were. Either way a page whose
/// file now has a problem keeps its last good version, marked stale, so an
/// editor's mistake never takes a page offline. `None` when there is nothing
/// to do.
pub fn load(
    options: &LoadOptions,
    before: Option<Before>,
    changes: &ChangeSet,
    extra: &mut dyn ExtraSettings,
) -> Result<Option<Loaded>, LoadError> {
    match before {
        Some(_) if changes.is_empty() => Ok(None),
        // With layers, or pages hidden, which file serves an address depends
        // on every layer: a change anywhere reads everything again.
        Some(before)
            if !changes.everything
                && !has_duplicate(before.file_problems)
                && before.layers.len() <= 1
                && before.config.hide.is_empty() =>
        {
            let loaded = load_pages(options, before, &changes.pages)?;
            // Which of two files at one address is served depends on the
            // order of every file, not on which changed: a fresh load
            // decides, as it would after a restart.
            if has_duplicate(&loaded.file_problems) {
                return load_everything(options, before.pages, extra).map(Some);
            }
            Ok(Some(loaded))
        }
        _ => {
            let previous = before.map_or(&[][..], |b| b.pages);
            load_everything(options, previous, extra).map(Some)
        }
    }
}

fn has_duplicate(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.kind == Kind::DuplicateSlug)
}

/// Reads the page files `sources` again (or drops those that are gone) and
/// keeps every other page and setting of `before`.
fn load_pages(
    options: &LoadOptions,
    before: Before,
    sources: &[PathBuf],
) -> Result<Loaded, LoadError> {
    let dir = &options.content_dir;
    let root = fs::canonicalize(dir).map_err(|source| LoadError::Unreadable {
        path: dir.clone(),
        source,
    })?;
    let kept: Vec<Arc<Page>> = before
        .pages
        .iter()
        .filter(|p| !sources.contains(&p.source))
        .cloned()
        .collect();
    let mut problems: Vec<Problem> = before
        .file_problems
        .iter()
        .filter(|p| !sources.contains(&p.path))
        .cloned()
        .collect();
    let mut files = Vec::new();
    for source in sources {
        let Ok(meta) = fs::symlink_metadata(source) else {
            continue; // removed
        };
        if meta.file_type().is_symlink()
            && let Some(problem) = symlink_problem(&root, source)
        {
            problems.push(problem);
            continue;
        }
        files.push((source.clone(), super::slug::of(dir, source)));
    }
    let read = apply(
        options,
        before.taxonomy,
        before.pages,
        kept,
        problems,
        &files,
        &BTreeSet::new(),
    );
    Ok(Loaded {
        taxonomy: before.taxonomy.clone(),
        config: before.config.clone(),
        pages: read.pages,
        problems: read.problems,
        file_problems: read.file_problems,
        taxonomy_from_folder: before.taxonomy_from_folder,
        changed: Changed::Pages {
            removed: before
                .pages
                .iter()
                .filter(|p| sources.contains(&p.source))
                .cloned()
                .collect(),
            fresh: read.fresh,
        },
        layers: before.layers.to_vec(),
    })
}

/// Reads the settings files and every page afresh, from every layer.
fn load_everything(
    options: &LoadOptions,
    previous: &[Arc<Page>],
    extra: &mut dyn ExtraSettings,
) -> Result<Loaded, LoadError> {
    let dir = &options.content_dir;
    let meta = fs::metadata(dir).map_err(|source| LoadError::Unreadable {
        path: dir.clone(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(LoadError::NotAFolder(dir.clone()));
    }
    let settings = load_settings(options, extra)?;
    let stack = &settings.stack;
    let mut problems = Vec::new();
    let mut layered: Vec<(usize, PathBuf, String)> = Vec::new();
    for (i, layer) in stack.dirs.iter().enumerate() {
        for (path, slug) in page_files(layer, &mut problems)? {
            layered.push((i, path, slug));
        }
    }
    // A page in a higher layer replaces every file at its address below.
    let mut top_layer: HashMap<&str, usize> = HashMap::new();
    for (i, _, slug) in &layered {
        let at = top_layer.entry(slug.as_str()).or_insert(*i);
        *at = (*at).max(*i);
    }
    problems.extend(layers::unknown_hidden(stack, |slug| {
        top_layer.contains_key(slug)
    }));
    let hidden = stack.hidden();
    let files: Vec<(PathBuf, String)> = layered
        .iter()
        .filter(|(i, _, slug)| top_layer[slug.as_str()] == *i && !hidden.contains(slug))
        .map(|(_, path, slug)| (path.clone(), slug.clone()))
        .collect();
    let read = apply(
        options,
        &settings.taxonomy,
        previous,
        Vec::new(),
        problems,
        &files,
        &hidden,
    );
    Ok(Loaded {
        taxonomy: settings.taxonomy,
        config: settings.config,
        pages: read.pages,
        problems: read.problems,
        file_problems: read.file_problems,
        taxonomy_from_folder: settings.taxonomy_from_folder,
        changed: Changed::All,
        layers: settings.stack.dirs,
    })
}

/// A content folder's settings files, read and checked without its pages.
#[derive(Debug, Clone)]
pub struct LoadedSettings {
    pub taxonomy: Taxonomy,
    pub config: SiteConfig,
    pub taxonomy_from_folder: bool,
    /// The content folders, lowest first, and what the site hides.
    pub stack: layers::Stack,
}

/// Reads the taxonomy, site settings, frameworks and `extra`'s files of a
/// content folder and the folders under it, without their pages: a full load
/// starts with it, and a warm start from the index cache needs nothing more
/// (`crate::cache`).
pub fn load_settings(
    options: &LoadOptions,
    extra: &mut dyn ExtraSettings,
) -> Result<LoadedSettings, LoadError> {
    let dir = &options.content_dir;
    let stack = layers::resolve(options)?;
    let mut roots = Vec::with_capacity(stack.dirs.len());
    for layer in &stack.dirs {
        roots.push(
            fs::canonicalize(layer).map_err(|source| LoadError::Unreadable {
                path: layer.clone(),
                source,
            })?,
        );
    }
    let root = roots.last().expect("the top layer").clone();
    // The taxonomy and frameworks come from the highest layer that has them.
    let highest = |has: &dyn Fn(&Path) -> bool| {
        (0..stack.dirs.len())
            .rev()
            .find(|&i| has(&stack.dirs[i]))
            .unwrap_or(stack.dirs.len() - 1)
    };
    let t = highest(&|d: &Path| fs::symlink_metadata(d.join("taxonomy.yaml")).is_ok());
    let mut settings_problems = Vec::new();
    let (taxonomy, taxonomy_from_folder) =
        load_taxonomy(&stack.dirs[t], &roots[t], &mut settings_problems)?;
    // site.yaml's rates name staff roles from the folder's taxonomy, else the built-in one.
    let staff: Vec<String> = match &taxonomy {
        Some(t) => t.staff.iter().map(|s| s.id.clone()).collect(),
        None => Taxonomy::builtin()
            .staff
            .into_iter()
            .map(|s| s.id)
            .collect(),
    };
    let mut config = load_site(
        dir,
        &root,
        options.site_file.as_deref(),
        &staff,
        &mut settings_problems,
    )?;
    // Lowest first: a later file adds to (synonyms) or replaces what is read.
    for (layer, layer_root) in stack.dirs.iter().zip(&roots) {
        load_extra(layer, layer_root, extra, &mut settings_problems);
    }
    let mut taxonomy = taxonomy
        .unwrap_or_else(Taxonomy::builtin)
        .with_facets(options.facets.clone());
    let f = highest(&|d: &Path| d.join("frameworks").is_dir());
    taxonomy.frameworks =
        load_frameworks(&stack.dirs[f], &roots[f], &taxonomy, &mut settings_problems);
    // The bases' labels, under the top layer's own.
    let mut labels = stack.base_labels.clone();
    if let Some((config, _)) = &config {
        for (facet, ids) in &config.labels {
            labels.entry(facet.clone()).or_default().extend(ids.clone());
        }
    }
    let site_path = config.as_ref().map_or_else(
        || {
            options
                .site_file
                .clone()
                .unwrap_or_else(|| dir.join("site.yaml"))
        },
        |(_, p)| p.clone(),
    );
    for fault in taxonomy.relabel(&labels) {
        settings_problems.push(Problem::error(
            Kind::Settings,
            &site_path,
            Pos::START,
            fault,
        ));
    }
    if !settings_problems.is_empty() {
        problem::sort(&mut settings_problems);
        return Err(LoadError::Settings(settings_problems));
    }
    let mut config = config.take().map(|(c, _)| c).unwrap_or_default();
    config.labels = labels;
    Ok(LoadedSettings {
        taxonomy,
        config,
        taxonomy_from_folder,
        stack,
    })
}

/// What [`apply`] makes of some page files.
struct Applied {
    pages: Vec<Arc<Page>>,
    problems: Vec<Problem>,
    file_problems: Vec<Problem>,
    fresh: Vec<String>,
}

/// Reads `files` (each with its slug) and adds their pages to `kept`: two
/// files at one address are refused, the pages sorted by slug, and the links
/// between all of them checked. `problems` are the file problems so far.
fn apply(
    options: &LoadOptions,
    taxonomy: &Taxonomy,
    previous: &[Arc<Page>],
    kept: Vec<Arc<Page>>,
    mut problems: Vec<Problem>,
    files: &[(PathBuf, String)],
    hidden: &BTreeSet<String>,
) -> Applied {
    let store = body_store(options, &kept);
    let store = store.as_ref();
    // Each file is read, checked and rendered on its own, so the files are
    // shared out over every core; the results come back in the files' order.
    // Each body goes to the file of bodies as soon as it is made, so a
    // large corpus is never all in memory at once.
    let results: Vec<(Option<Arc<Page>>, Vec<Problem>)> = files
        .par_iter()
        .map(|(path, slug)| {
            let cx = Context {
                taxonomy,
                today: options.today,
                path,
            };
            let (page, problems) = load_file(slug, &cx, previous);
            let page = match store {
                Some(store) => page.map(|p| stored(p, store)),
                None => page,
            };
            (page, problems)
        })
        .collect();
    let mut pages = kept;
    let mut fresh = Vec::new();
    for (page, found) in results {
        problems.extend(found);
        fresh.extend(
            page.iter()
                .filter(|p| !p.meta.draft)
                .map(|p| p.slug.clone()),
        );
        pages.extend(page);
    }
    // Drafts are checked like any page but never served; links to them are
    // reported as links to a page not served.
    let (drafts, pages): (Vec<_>, Vec<_>) = pages.into_iter().partition(|p| p.meta.draft);
    let drafts: Vec<&str> = drafts.iter().map(|p| p.slug.as_str()).collect();
    let mut unique = dedupe(pages, &options.content_dir, &mut problems);
    unique.sort_by(|a, b| a.slug.cmp(&b.slug));
    if !hidden.is_empty() {
        for page in &mut unique {
            *page = unlink_hidden(page, hidden);
        }
    }
    problem::sort(&mut problems);
    let file_problems = problems.clone();
    problems.extend(super::links::check_with_drafts(&unique, &drafts, taxonomy));
    problem::sort(&mut problems);
    Applied {
        pages: unique,
        problems,
        file_problems,
        fresh,
    }
}

/// `page` without its links to hidden pages: they are shown as plain text
/// ([`Page::unlinked`]) and are no broken links.
fn unlink_hidden(page: &Arc<Page>, hidden: &BTreeSet<String>) -> Arc<Page> {
    let target_slug = |target: &str| {
        let path = target.split(['#', '?']).next().unwrap_or("");
        path.trim_matches('/').to_string()
    };
    if !page
        .internal_links
        .iter()
        .any(|l| hidden.contains(&target_slug(&l.target)))
    {
        return Arc::clone(page);
    }
    let mut page = Page::clone(page);
    let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut page.internal_links)
        .into_iter()
        .partition(|l| hidden.contains(&target_slug(&l.target)));
    page.internal_links = kept;
    for link in gone {
        let slug = target_slug(&link.target);
        if !page.unlinked.contains(&slug) {
            page.unlinked.push(slug);
        }
    }
    Arc::new(page)
}

/// Reads and checks one page file. A file with a problem keeps its last good
/// version from `previous` (marked stale), so an editor's mistake never takes
/// a page offline; the problems come back either way.
pub fn load_file(
    slug: &str,
    cx: &Context,
    previous: &[Arc<Page>],
) -> (Option<Arc<Page>>, Vec<Problem>) {
    let path = cx.path;
    let last_good = || {
        previous.iter().find(|p| p.source == path).map(|p| {
            Arc::new(Page {
                stale: true,
                ..Page::clone(p)
            })
        })
    };
    let text = match read_page(path) {
        Ok(text) => text,
        Err(p) => return (last_good(), vec![*p]),
    };
    if let Err(message) = super::slug::check(slug) {
        return (
            None,
            vec![Problem::error(Kind::BadSlug, path, Pos::START, message)],
        );
    }
    let (page, found) = parse_page(&text, slug, cx);
    (page.map(Arc::new).or_else(last_good), found)
}

/// Two files that would serve at one address: keeps the first (in the order
/// given), reports the rest.
fn dedupe(pages: Vec<Arc<Page>>, dir: &Path, problems: &mut Vec<Problem>) -> Vec<Arc<Page>> {
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut unique = Vec::with_capacity(pages.len());
    for page in pages {
        match seen.get(&page.slug) {
            Some(first) => problems.push(Problem::error(
                Kind::DuplicateSlug,
                &page.source,
                Pos::START,
                format!(
                    "duplicate slug \"{}\": {} already uses the address {}; rename one of them",
                    page.slug,
                    first.strip_prefix(dir).unwrap_or(first).display(),
                    page.url
                ),
            )),
            None => {
                seen.insert(page.slug.clone(), page.source.clone());
                unique.push(page);
            }
        }
    }
    unique
}

/// A problem when `path` is a symbolic link that leads outside `root` (the
/// canonical content folder) or to something that is not a file.
fn symlink_problem(root: &Path, path: &Path) -> Option<Problem> {
    match fs::canonicalize(path) {
        Ok(target) if target.starts_with(root) && target.is_file() => None,
        _ => Some(Problem::error(
            Kind::FileRead,
            path,
            Pos::START,
            "is a symbolic link to somewhere outside the content folder; Waymark only reads pages inside it",
        )),
    }
}

/// A settings file larger than this is refused, as a page is.
pub const MAX_SETTINGS_BYTES: u64 = 1024 * 1024;

/// What reading a settings file found.
pub(super) enum Settings {
    /// There is no such file: the built-in settings apply.
    Missing,
    /// The file was refused or unreadable; the problem is recorded.
    Refused,
    Text(String),
}

/// Reads a settings file by the page rules: a regular file of at most
/// [`MAX_SETTINGS_BYTES`], and (when `root`, the canonical content folder,
/// is given) inside that folder once symbolic links are resolved. A refusal
/// becomes a problem naming the file, never showing a link's target.
pub(super) fn read_settings_file(
    path: &Path,
    root: Option<&Path>,
    problems: &mut Vec<Problem>,
) -> Settings {
    let read = match root {
        Some(root) => fsread::read_inside(root, path, MAX_SETTINGS_BYTES),
        None => fsread::read_regular(path, MAX_SETTINGS_BYTES),
    };
    // A link that leads nowhere is a mistake to report, not a missing file.
    let read = match read {
        Err(Refusal::NotFound) if fs::symlink_metadata(path).is_ok() => Err(Refusal::Io(
            std::io::Error::other("it is a symbolic link to a file that does not exist"),
        )),
        other => other,
    };
    match read {
        Ok(bytes) => Settings::Text(String::from_utf8_lossy(&bytes).into_owned()),
        Err(Refusal::NotFound) => Settings::Missing,
        Err(Refusal::TooLarge { size, .. }) => {
            problems.push(Problem::error(
                Kind::FileRead,
                path,
                Pos::START,
                format!("file is {size} bytes, over the 1 MiB limit for a settings file"),
            ));
            Settings::Refused
        }
        Err(refusal) => {
            problems.push(Problem::error(
                Kind::FileRead,
                path,
                Pos::START,
                refusal.to_string(),
            ));
            Settings::Refused
        }
    }
}

fn load_taxonomy(
    dir: &Path,
    root: &Path,
    problems: &mut Vec<Problem>,
) -> Result<(Option<Taxonomy>, bool), LoadError> {
    let path = dir.join("taxonomy.yaml");
    let text = match read_settings_file(&path, Some(root), problems) {
        Settings::Text(text) => text,
        Settings::Missing => return Ok((None, false)),
        Settings::Refused => return Ok((None, true)),
    };
    match yaml::from_str::<Taxonomy>(&text) {
        Ok(taxonomy) => {
            let faults = taxonomy.validate();
            if faults.is_empty() {
                return Ok((Some(taxonomy), true));
            }
            for fault in faults {
                // Point at the list a fault is about (`tiers` ...), else at the id it names.
                let pos = fault
                    .list()
                    .and_then(|key| find_key(&text, key))
                    .or_else(|| fault.id().and_then(|id| find_word(&text, id)))
                    .unwrap_or(Pos::START);
                problems.push(Problem::error(
                    Kind::Taxonomy,
                    &path,
                    pos,
                    fault.to_string(),
                ));
            }
            Ok((None, true))
        }
        Err(e) => {
            problems.push(Problem::error(Kind::Yaml, &path, e.pos, e.message));
            Ok((None, true))
        }
    }
}

/// Reads every `frameworks/*.yaml` in name order; each fault is a problem
/// at the line and column it is about. A folder that is not there is no
/// framework at all.
fn load_frameworks(
    dir: &Path,
    root: &Path,
    taxonomy: &Taxonomy,
    problems: &mut Vec<Problem>,
) -> Vec<Framework> {
    let Ok(entries) = fs::read_dir(dir.join("frameworks")) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    let ingredients: Vec<&str> = taxonomy.ingredients.iter().map(|t| t.id.as_str()).collect();
    let mut frameworks: Vec<Framework> = Vec::new();
    for path in paths {
        let Settings::Text(text) = read_settings_file(&path, Some(root), problems) else {
            continue;
        };
        match yaml::from_str::<Framework>(&text) {
            Ok(framework) => {
                let mut faults = framework.validate(&text, &ingredients);
                if frameworks.iter().any(|f| f.id == framework.id) {
                    faults.push((
                        find_key(&text, "id").unwrap_or(Pos::START),
                        format!(
                            "framework id \"{}\" is used by another file in frameworks/",
                            framework.id
                        ),
                    ));
                }
                if faults.is_empty() {
                    frameworks.push(framework);
                }
                for (pos, message) in faults {
                    problems.push(Problem::error(Kind::Taxonomy, &path, pos, message));
                }
            }
            Err(e) => problems.push(Problem::error(Kind::Yaml, &path, e.pos, e.message)),
        }
    }
    frameworks
}

/// Hands each extra settings file to `extra` when there is one; for one
/// that is missing, `extra` keeps what it holds (its built-in settings).
fn load_extra(dir: &Path, root: &Path, extra: &mut dyn ExtraSettings, problems: &mut Vec<Problem>) {
    for name in extra.file_names() {
        let path = dir.join(name);
        if let Settings::Text(text) = read_settings_file(&path, Some(root), problems) {
            for (pos, message) in extra.read(name, &text) {
                problems.push(Problem::error(Kind::Settings, &path, pos, message));
            }
        }
    }
}

fn load_site(
    dir: &Path,
    root: &Path,
    explicit: Option<&Path>,
    staff: &[String],
    problems: &mut Vec<Problem>,
) -> Result<Option<(SiteConfig, PathBuf)>, LoadError> {
    let path = explicit.map_or_else(|| dir.join("site.yaml"), Path::to_path_buf);
    // A file named on the command line may lie anywhere; the one in the
    // content folder must stay inside it.
    let inside = explicit.is_none().then_some(root);
    let text = match read_settings_file(&path, inside, problems) {
        Settings::Text(text) => text,
        Settings::Missing if explicit.is_some() => {
            return Err(LoadError::SiteFile {
                path,
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        Settings::Missing | Settings::Refused => return Ok(None),
    };
    match yaml::from_str::<SiteConfig>(&text) {
        Ok(mut config) => {
            let mut faults = config.validate();
            let rate_faults = config.rate_faults(|id| staff.iter().any(|s| s == id));
            for (id, message) in &rate_faults {
                let pos = find_rate(&text, id).unwrap_or(Pos::START);
                problems.push(Problem::error(Kind::Settings, &path, pos, message.clone()));
            }
            if faults.is_empty() && rate_faults.is_empty() {
                let base = path.parent().unwrap_or(Path::new("."));
                match config.build_theme(base) {
                    Ok(()) => return Ok(Some((config, path))),
                    Err(message) => faults.push(("logo", message)),
                }
            }
            for (field, message) in faults {
                let pos = find_key(&text, field).unwrap_or(Pos::START);
                problems.push(Problem::error(Kind::Settings, &path, pos, message));
            }
            Ok(None)
        }
        Err(e) => {
            problems.push(Problem::error(Kind::Yaml, &path, e.pos, e.message));
            Ok(None)
        }
    }
}

pub(super) fn find_key(text: &str, key: &str) -> Option<Pos> {
    text.lines()
        .position(|l| l.starts_with(key) && l[key.len()..].trim_start().starts_with(':'))
        .map(|i| Pos::new(i + 1, 1))
}

/// The line of `id:` under `rates:`, at its first character.
fn find_rate(text: &str, id: &str) -> Option<Pos> {
    let start = find_key(text, "rates")?.line;
    text.lines()
        .enumerate()
        .skip(start)
        .take_while(|(_, l)| l.is_empty() || l.starts_with([' ', '\t', '#']))
        .find_map(|(i, l)| {
            let key = l.trim_start();
            let indent = l.len() - key.len();
            let key = key.trim_start_matches(['"', '\'']);
            (key.starts_with(id)
                && key[id.len()..]
                    .trim_start_matches(['"', '\''])
                    .starts_with(':'))
            .then(|| Pos::new(i + 1, indent + 1))
        })
}

fn find_word(text: &str, word: &str) -> Option<Pos> {
    text.lines().enumerate().find_map(|(i, l)| {
        l.find(word)
            .map(|at| Pos::new(i + 1, l[..at].chars().count() + 1))
    })
}

/// Every page file under `dir`, sorted, with its slug. Hidden files and
/// folders (names starting with `.`) are skipped; symbolic links are followed
/// only when they stay inside the content folder.
fn page_files(
    dir: &Path,
    problems: &mut Vec<Problem>,
) -> Result<Vec<(PathBuf, String)>, LoadError> {
    let root = fs::canonicalize(dir).map_err(|source| LoadError::Unreadable {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                if e.depth() == 0 {
                    return Err(LoadError::Unreadable {
                        path,
                        source: e
                            .into_io_error()
                            .unwrap_or_else(|| std::io::Error::other("walk failed")),
                    });
                }
                // The walker's own message repeats the full path; the
                // problem already names the file.
                let why = e.io_error().map_or_else(
                    || "cannot read: a folder loop".to_string(),
                    |io| format!("cannot read: {io}"),
                );
                problems.push(Problem::error(Kind::FileRead, path, Pos::START, why));
                continue;
            }
        };
        let path = entry.path();
        let is_md = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("md"));
        if !is_md {
            // A linked folder is never walked into. One that leads outside
            // the content folder is reported, so an editor knows the pages
            // in it are not read (it was skipped silently before; found by
            // tests/traversal.rs).
            if entry.path_is_symlink()
                && path.is_dir()
                && fs::canonicalize(path).is_ok_and(|target| !target.starts_with(&root))
            {
                problems.push(Problem::error(
                    Kind::FileRead,
                    path,
                    Pos::START,
                    "is a symbolic link to a folder outside the content folder; Waymark only reads pages inside it",
                ));
            }
            continue;
        }
        if entry.path_is_symlink() {
            if let Some(problem) = symlink_problem(&root, path) {
                problems.push(problem);
                continue;
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let slug = super::slug::of(dir, path);
        files.push((path.to_path_buf(), slug));
    }
    Ok(files)
}

/// Reads a page's bytes as UTF-8 text, refusing files over the size limit
/// and pointing at the first byte that is not UTF-8.
fn read_page(path: &Path) -> Result<String, Box<Problem>> {
    let err =
        |pos: Pos, message: String| Box::new(Problem::error(Kind::FileRead, path, pos, message));
    let bytes = fsread::read_regular(path, MAX_PAGE_BYTES).map_err(|refusal| match refusal {
        Refusal::TooLarge { size, .. } => err(
            Pos::START,
            format!(
                "file is {size} bytes, over the 1 MiB limit for one page; split it into smaller pages"
            ),
        ),
        other => err(Pos::START, other.to_string()),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let bad = e.as_bytes()[valid.len()];
        // Safe: `valid` is the prefix the decoder accepted.
        let text = std::str::from_utf8(valid).unwrap_or_default();
        let line = text.matches('\n').count() + 1;
        let col = text.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        err(
            Pos::new(line, col),
            format!("invalid UTF-8 (byte 0x{bad:02x}); save the file with UTF-8 encoding"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoExtra;

    impl ExtraSettings for NoExtra {
        fn file_names(&self) -> &'static [&'static str] {
            &["extra.yaml"]
        }

        fn read(&mut self, _: &str, _: &str) -> Vec<(Pos, String)> {
            Vec::new()
        }
    }

    /// The problems loading a folder whose taxonomy is `yaml` gives.
    fn taxonomy_problems(yaml: &str) -> Vec<Problem> {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("taxonomy.yaml"), yaml).unwrap();
        let options = LoadOptions::new(dir.path());
        match load(&options, None, &ChangeSet::everything(), &mut NoExtra) {
            Err(LoadError::Settings(problems)) => problems,
            other => panic!("{other:?}"),
        }
    }

    /// A folder with one framework file (`values.yaml`) and one page.
    fn framework_folder(framework: &str, page: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("frameworks")).unwrap();
        fs::write(dir.path().join("frameworks/values.yaml"), framework).unwrap();
        fs::write(dir.path().join("page.md"), page).unwrap();
        dir
    }

    const VALUES: &str = "id: values\nlabel: Our values\nitems:\n  - id: belonging\n    label: Belonging\n  - id: voice\n    label: Voice\n";

    fn guidance_page(extra: &str) -> String {
        format!(
            "---\ntitle: A page\nsummary: About it.\nkind: guidance\nupdated: 2026-01-05\n{extra}---\n\nText.\n"
        )
    }

    #[test]
    fn a_framework_file_with_a_repeated_id_is_an_error_at_its_line_and_column() {
        let yaml = format!("{VALUES}  - id: voice\n    label: Voice again\n");
        let dir = framework_folder(&yaml, &guidance_page(""));
        let options = LoadOptions::new(dir.path());
        let Err(LoadError::Settings(problems)) =
            load(&options, None, &ChangeSet::everything(), &mut NoExtra)
        else {
            panic!("a bad framework file refuses the load");
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert!(p.path.ends_with("frameworks/values.yaml"), "{p:?}");
        assert_eq!((p.line, p.col), (8, 9));
        assert_eq!(p.message, "item id \"voice\" appears twice");
    }

    #[test]
    fn pages_are_tagged_to_a_framework_by_known_ids_only() {
        let tagged = guidance_page("frameworks:\n  values: [voice]\n");
        let dir = framework_folder(VALUES, &tagged);
        let options = LoadOptions::new(dir.path());
        let loaded = load(&options, None, &ChangeSet::everything(), &mut NoExtra)
            .unwrap()
            .unwrap();
        assert_eq!(loaded.taxonomy.frameworks.len(), 1);
        assert_eq!(loaded.problems, Vec::<Problem>::new());
        assert_eq!(loaded.pages[0].meta.frameworks["values"], ["voice"]);

        let wrong = guidance_page("frameworks:\n  values: [voice, vioce]\n  valeus: [voice]\n");
        let dir = framework_folder(VALUES, &wrong);
        let options = LoadOptions::new(dir.path());
        let loaded = load(&options, None, &ChangeSet::everything(), &mut NoExtra)
            .unwrap()
            .unwrap();
        let found: Vec<(usize, usize, &str)> = loaded
            .problems
            .iter()
            .map(|p| (p.line, p.col, p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (7, 19, "unknown values \"vioce\"; did you mean \"voice\"?"),
                (
                    8,
                    3,
                    "unknown framework \"valeus\"; did you mean \"values\"?"
                ),
            ]
        );
    }

    fn line_of(text: &str, what: &str) -> usize {
        text.lines().position(|l| l.contains(what)).unwrap() + 1
    }

    #[test]
    fn a_taxonomy_fault_points_at_its_list_or_its_id() {
        let yaml = crate::taxonomy::BUILTIN_YAML.replacen("id: training", "id: courses", 1);
        let problems = taxonomy_problems(&yaml);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, Kind::Taxonomy);
        assert_eq!(problems[0].line, line_of(&yaml, "kinds:"));
        assert_eq!(
            problems[0].message,
            "`kinds` has no \"training\"; ids are a stable contract and cannot be removed (relabel it in site.yaml instead)"
        );

        let yaml = crate::taxonomy::BUILTIN_YAML.replacen("id: targeted", "id: Targeted", 1);
        let problems = taxonomy_problems(&yaml);
        let bad = problems
            .iter()
            .find(|p| p.message.starts_with("tiers id \"Targeted\""))
            .unwrap();
        assert_eq!(bad.kind, Kind::Taxonomy);
        assert_eq!(bad.line, line_of(&yaml, "id: Targeted"));
        assert_eq!(
            bad.col,
            yaml.lines()
                .nth(bad.line - 1)
                .unwrap()
                .find("Targeted")
                .unwrap()
                + 1
        );
    }
}
