//! The index cache: a warm start that opens the index built by the last one
//! instead of building it again.
//!
//! After a full build, `waymark serve` keeps on disk the tantivy index's
//! files, the pages, problems and vocabulary (`stored`) and a fingerprint of
//! every input (`inputs`), in a folder of the cache folder (`location`),
//! written whole and renamed into place (`disk`) before the portal answers.
//! The next start reads the settings files again, compares the fingerprint,
//! and then: with nothing changed, serves what is stored; with some pages
//! changed, applies them as live reload does ([`Site::update`]) and keeps
//! the result; with anything else changed, or a cache it cannot read or
//! trust, builds in full and says why in the log. The index is read into
//! memory, not served from the cache's files, so live reload never writes
//! into the cache; and it is read, not memory-mapped, because a mapped file
//! that something truncates kills the process with SIGBUS at the next
//! access to a lost page. The page bodies are read in place with `pread`,
//! which a shorter file answers with an error instead (see
//! [`BodyStore::check`]).

pub mod disk;
pub mod inputs;
pub mod location;
pub mod stored;

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::Index;
use tantivy::directory::{Directory, RamDirectory};

use crate::content::{BodyStore, LoadOptions};
use crate::search::SearchIndex;
use crate::site::{BuildError, Parts, Site, read_settings};

use disk::{Entry, Unusable};
use inputs::Input;
use stored::StoredSite;

/// How a snapshot was come by, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// No cache in use.
    Built,
    /// Built in full, for the reason given, and then kept.
    Rebuilt(String),
    /// Opened from the cache as it was.
    Opened,
    /// Opened from the cache, with this many changed files applied.
    Updated(usize),
}

/// Loads the snapshot to serve: from the cache in `root` (see
/// [`location::folder`]) when it can be trusted, else by a full build; then
/// writes the cache again if it changed. `None` builds with no cache.
pub fn load(options: &LoadOptions, root: Option<&Path>) -> Result<(Site, Start), BuildError> {
    let Some(root) = root else {
        return Ok((Site::load(options)?, Start::Built));
    };
    // The fingerprint covers one content folder; with layers under it, a
    // change in a base folder would go unseen, so layered content is always
    // built in full.
    if crate::content::layers::resolve(options).map_or(true, |stack| stack.dirs.len() > 1) {
        tracing::info!(
            "index: the cache is not used for layered content (extends or several --content); building in full"
        );
        return Ok((Site::load(options)?, Start::Built));
    }
    let started = Instant::now();
    let current = disk::current(root);
    let mut manifest = disk::read_manifest(&current);
    let before: Vec<Input> = manifest
        .as_mut()
        .map(|m| std::mem::take(&mut m.inputs))
        .unwrap_or_default();
    // The stored pages and index are read while the content is
    // fingerprinted; a cache then found stale is dropped.
    let (scanned, kept) = rayon::join(
        || inputs::scan(options, &before),
        || manifest.and_then(|m| read_kept(&current, m)),
    );
    let inputs = match scanned {
        Ok(inputs) => inputs,
        Err(e) => {
            // The build reports what cannot be read; the cache is skipped.
            tracing::warn!("index: cannot fingerprint the content ({e}), building without a cache");
            return Ok((Site::load(options)?, Start::Built));
        }
    };
    tracing::debug!(
        "index cache: content fingerprinted and cache read at {:.0} ms",
        ms(started)
    );
    let key = inputs::key(options);
    let (site, start) =
        match kept.and_then(|kept| open(options, kept, &key, &before, &inputs, started)) {
            Ok((site, 0)) => return Ok((site, Start::Opened)),
            Ok((site, n)) => (site, Start::Updated(n)),
            Err(why) => (Site::load(options)?, Start::Rebuilt(why.to_string())),
        };
    let writing = Instant::now();
    match write(root, &site, key, inputs) {
        Ok(()) => tracing::info!(
            "index: cache written to {} in {:.0} ms",
            root.display(),
            writing.elapsed().as_secs_f64() * 1e3
        ),
        Err(e) => tracing::warn!("index: cannot write the cache in {}: {e}", root.display()),
    }
    Ok((site, start))
}

/// What a cache holds, read and checked.
struct Kept {
    dir: PathBuf,
    manifest: disk::Manifest,
    restored: stored::Restored,
    index: Index,
}

/// Reads the cache in `dir` that `manifest` describes: the pages and the
/// index side by side, every file checked against the manifest.
fn read_kept(dir: &Path, manifest: disk::Manifest) -> Result<Kept, Unusable> {
    let listed = |name: &str| {
        manifest
            .files
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| Unusable::corrupt(&dir.join(name), "it is missing from the manifest"))
    };
    let (site, bodies) = (listed(disk::SITE)?, listed(disk::BODIES)?);
    let (restored, index) = rayon::join(
        || -> Result<stored::Restored, Unusable> {
            // The bodies are read in place, as a file of bodies nothing
            // writes to: a new cache is a new folder, renamed into place.
            let (file, path) = disk::open_entry(dir, bodies)?;
            let store = BodyStore::read_only(file, bodies.size, &path)
                .map_err(|e| Unusable::corrupt(&path, e))?;
            let bytes = disk::read_entry(dir, site)?;
            StoredSite::from_bytes(&bytes)
                .and_then(|stored| stored.restore(&store))
                .map_err(|e| Unusable::corrupt(&dir.join(disk::SITE), e))
        },
        || read_index(dir, &manifest.files),
    );
    Ok(Kept {
        dir: dir.to_path_buf(),
        restored: restored?,
        index: index?,
        manifest,
    })
}

/// The snapshot a cache holds, with the files changed since applied, and
/// how many there were.
fn open(
    options: &LoadOptions,
    kept: Kept,
    key: &str,
    before: &[Input],
    inputs: &[Input],
    started: Instant,
) -> Result<(Site, usize), Unusable> {
    let Kept {
        dir,
        manifest,
        restored,
        index,
    } = kept;
    if manifest.key != key {
        return Err(Unusable::Stale(
            "the binary, the date, the facets or the content folder differ".into(),
        ));
    }
    let changed = inputs::changed(before, inputs);
    // Only page files are applied one by one; a settings file may change
    // how every page reads.
    if let Some(other) = changed
        .iter()
        .find(|p| p.extension().is_none_or(|e| e != "md"))
    {
        return Err(Unusable::Stale(format!(
            "{} changed",
            other
                .strip_prefix(&options.content_dir)
                .unwrap_or(other)
                .display()
        )));
    }
    let (settings, synonyms, lexicon) =
        read_settings(options).map_err(|e| Unusable::Stale(format!("the settings: {e}")))?;
    let search = SearchIndex::open(
        index,
        &settings.taxonomy,
        &synonyms,
        &lexicon,
        restored.vocabulary,
    )
    .map_err(|e| Unusable::corrupt(&dir.join(disk::INDEX), e))?;
    let site = Site::from_parts(
        Parts {
            settings,
            pages: restored.pages,
            search,
            problems: restored.problems,
            file_problems: restored.file_problems,
            content_dir: options.content_dir.clone(),
        },
        started,
    )
    .map_err(|e| Unusable::Stale(e.to_string()))?;
    tracing::debug!("index cache: snapshot ready at {:.0} ms", ms(started));
    if changed.is_empty() {
        return Ok((site, 0));
    }
    let next = match site.update(options, &changed) {
        Ok(Some(next)) => next,
        Ok(None) => return Ok((site, changed.len())),
        Err(e) => return Err(Unusable::Stale(format!("applying the changes: {e}"))),
    };
    // A cold build drops a page whose file now has a problem, where live
    // reload keeps its last good version: the answers must be a cold build's.
    if next.full || next.pages.iter().any(|p| p.stale) {
        return Err(Unusable::Stale(
            "a changed file needs the whole content read again".into(),
        ));
    }
    Ok((next, changed.len()))
}

/// The tantivy index stored in `dir`, read into memory and checked.
fn read_index(dir: &Path, files: &[Entry]) -> Result<Index, Unusable> {
    let ram = RamDirectory::create();
    let prefix = format!("{}/", disk::INDEX);
    for entry in files {
        let Some(name) = entry.name.strip_prefix(&prefix) else {
            continue;
        };
        let bytes = disk::read_entry(dir, entry)?;
        ram.atomic_write(Path::new(name), &bytes)
            .map_err(|e| Unusable::corrupt(&dir.join(&entry.name), e))?;
    }
    let index = Index::open(ram).map_err(|e| Unusable::corrupt(&dir.join(disk::INDEX), e))?;
    Ok(index)
}

/// Writes `site` as the cache under `root`.
fn write(root: &Path, site: &Site, key: String, inputs: Vec<Input>) -> std::io::Result<()> {
    let mut writer = disk::Writer::new(root)?;
    let places = writer.add_streamed(disk::BODIES, |out| stored::write_bodies(&site.pages, out))?;
    let stored = StoredSite::of(
        &site.pages,
        &places,
        &site.problems,
        site.file_problems(),
        &site.search.vocabulary,
    );
    writer.add(
        disk::SITE,
        &stored.to_bytes().map_err(std::io::Error::other)?,
    )?;
    drop(stored);
    for (name, bytes) in index_files(&site.search.index)? {
        writer.add(&format!("{}/{}", disk::INDEX, name.display()), &bytes)?;
    }
    writer.finish(key, inputs)
}

/// Every file of the index: each file tantivy manages and the meta files.
fn index_files(index: &Index) -> std::io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let directory = index.directory();
    let mut names: Vec<PathBuf> = directory.list_managed_files().into_iter().collect();
    names.push(PathBuf::from("meta.json"));
    names.push(PathBuf::from(".managed.json"));
    names.sort();
    names.dedup();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        // Read whole as stored, footers included (`open_read` strips them).
        match directory.atomic_read(&name) {
            Ok(bytes) => out.push((name, bytes)),
            // A component a segment did not need is not written.
            Err(tantivy::directory::error::OpenReadError::FileDoesNotExist(_)) => {}
            Err(e) => return Err(std::io::Error::other(e)),
        }
    }
    Ok(out)
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}
