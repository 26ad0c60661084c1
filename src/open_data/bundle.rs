//! `/download/content.zip`: the content folder as served. Which files go
//! in is decided in one place, [`served_files`], from the loaded pages'
//! own source files, so a page that failed to load (or, later, one hidden
//! by an overlay) is not in it; each file is copied byte for byte as it is
//! on disk.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::site::Site;

/// Files other than pages that make a content folder, when it has them:
/// the settings, the word lists search reads, and the licence.
const FOLDER_FILES: [&str; 7] = [
    "site.yaml",
    "taxonomy.yaml",
    "synonyms.yaml",
    "stopwords.yaml",
    "phrases.yaml",
    "known_words.txt",
    "LICENCE",
];

/// The download is refused past this many bytes of files (uncompressed):
/// it is built in memory, and kept there until the content changes.
pub const MAX_BUNDLE_BYTES: u64 = 256 * 1024 * 1024;

/// One file of the bundle: its name in the zip (with `/` between folders)
/// and where it is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    pub name: String,
    pub path: PathBuf,
    /// What goes into the zip under `name`.
    pub body: Body,
}

/// A bundled file's bytes: the file itself, or, for a layered site, one
/// made from the layers' files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// `path`, byte for byte.
    AsOnDisk,
    /// `path` (the top layer's `site.yaml`) without its `extends` key: the
    /// download holds the merged site, with nothing under it.
    SiteWithoutExtends,
    /// Every layer's synonym groups, lowest layer first, as the portal
    /// searches with them.
    SynonymsOf(Vec<PathBuf>),
}

/// Why the bundle could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the content is over {} MiB, too large to offer as one download", MAX_BUNDLE_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("cannot write the zip: {0}")]
    Zip(#[from] zip::result::ZipError),
}

/// The files a reader downloads: every served page's Markdown file, the
/// folder's settings and word lists, its frameworks, the logo site.yaml
/// names, and the licence; sorted by name, each once.
///
/// With content layers (`extends`, or `--content` more than once) the
/// download is one folder with the merged site: each served page from the
/// layer it is served from, each settings file from the highest layer that
/// has it (as the loader reads them), the synonyms of every layer together,
/// and `site.yaml` without `extends` (its `hide` stays, so links to hidden
/// pages stay plain text). Generated files are written into the zip by
/// [`build`]; see [`Body`].
pub fn served_files(site: &Site) -> Vec<BundleFile> {
    let layers: Vec<&Path> = if site.layers.is_empty() {
        vec![site.content_dir.as_path()]
    } else {
        site.layers.iter().map(PathBuf::as_path).collect()
    };
    let top = site.content_dir.as_path();
    let mut files: Vec<BundleFile> = site
        .pages
        .iter()
        .filter_map(|page| {
            layers
                .iter()
                .rev()
                .find_map(|dir| in_folder(dir, &page.source))
        })
        .collect();
    // The highest layer that has a file is the one the loader reads.
    let highest = |name: &str| -> Option<PathBuf> {
        layers
            .iter()
            .rev()
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    };
    let mut extra: Vec<(PathBuf, PathBuf)> = Vec::new();
    for name in FOLDER_FILES {
        if let Some(path) = highest(name) {
            let dir = path.parent().unwrap_or(top).to_path_buf();
            extra.push((dir, path));
        }
    }
    if let Some(logo) = &site.config.logo {
        extra.push((top.to_path_buf(), top.join(logo)));
    }
    if let Some(dir) = layers
        .iter()
        .rev()
        .find(|d| d.join("frameworks").is_dir())
        .map(|d| d.to_path_buf())
    {
        if let Ok(entries) = std::fs::read_dir(dir.join("frameworks")) {
            extra.extend(
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                    .map(|p| (dir.clone(), p)),
            );
        }
    }
    files.extend(
        extra
            .iter()
            .filter(|(_, p)| p.is_file())
            .filter_map(|(dir, p)| in_folder(dir, p)),
    );
    if layers.len() > 1 {
        for file in &mut files {
            if file.name == "site.yaml" {
                file.body = Body::SiteWithoutExtends;
            } else if file.name == "synonyms.yaml" {
                file.body = Body::SynonymsOf(
                    layers
                        .iter()
                        .map(|d| d.join("synonyms.yaml"))
                        .filter(|p| p.is_file())
                        .collect(),
                );
            }
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files.dedup_by(|a, b| a.name == b.name);
    files
}

/// `path` named relative to `dir`, or `None` when it lies outside it.
fn in_folder(dir: &Path, path: &Path) -> Option<BundleFile> {
    let relative = path.strip_prefix(dir).ok()?;
    let name = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<Vec<_>>>()?
        .join("/");
    (!name.is_empty() && !name.starts_with("..")).then(|| BundleFile {
        name,
        path: path.to_path_buf(),
        body: Body::AsOnDisk,
    })
}

/// The zip of [`served_files`]. Slow for a large folder: run it off the
/// event loop.
pub fn build(site: &Site) -> Result<Vec<u8>, BundleError> {
    let files = served_files(site);
    let mut total = 0u64;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for file in files {
        let read = |source| BundleError::Read {
            path: file.path.clone(),
            source,
        };
        let len = std::fs::metadata(&file.path).map_err(read)?.len();
        total += len;
        if total > MAX_BUNDLE_BYTES {
            return Err(BundleError::TooLarge);
        }
        let bytes = match &file.body {
            Body::AsOnDisk => std::fs::read(&file.path).map_err(read)?,
            Body::SiteWithoutExtends => without_extends(&file.path).map_err(read)?,
            Body::SynonymsOf(paths) => merged_synonyms(paths).map_err(read)?,
        };
        zip.start_file(file.name.as_str(), options)?;
        zip.write_all(&bytes).map_err(read)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// `site.yaml` without its top-level `extends` key. The file was read and
/// checked by the loader already, so it parses; comments are not kept.
fn without_extends(path: &Path) -> std::io::Result<Vec<u8>> {
    let text = std::fs::read_to_string(path)?;
    let mut value: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).map_err(std::io::Error::other)?;
    if let Some(map) = value.as_mapping_mut() {
        map.remove("extends");
    }
    let mut out = String::from(
        "# The site's settings as served; the content folders it was made from\n\
         # are merged into this download, which is complete on its own.\n",
    );
    out.push_str(&serde_yaml_ng::to_string(&value).map_err(std::io::Error::other)?);
    Ok(out.into_bytes())
}

/// The `groups` of every synonyms file, lowest layer first, in one file.
fn merged_synonyms(paths: &[PathBuf]) -> std::io::Result<Vec<u8>> {
    let mut groups: Vec<serde_yaml_ng::Value> = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path)?;
        let value: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&text).map_err(std::io::Error::other)?;
        if let Some(serde_yaml_ng::Value::Sequence(found)) = value.get("groups") {
            groups.extend(found.iter().cloned());
        }
    }
    let mut map = serde_yaml_ng::Mapping::new();
    map.insert("groups".into(), serde_yaml_ng::Value::Sequence(groups));
    let mut out = String::from(
        "# The synonym groups of every content folder this site was made from,\n\
         # lowest first, as the portal searches with them.\n",
    );
    out.push_str(&serde_yaml_ng::to_string(&map).map_err(std::io::Error::other)?);
    Ok(out.into_bytes())
}
