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
pub fn served_files(site: &Site) -> Vec<BundleFile> {
    let dir = &site.content_dir;
    let mut files: Vec<BundleFile> = site
        .pages
        .iter()
        .filter_map(|page| in_folder(dir, &page.source))
        .collect();
    let mut extra: Vec<PathBuf> = FOLDER_FILES.iter().map(|f| dir.join(f)).collect();
    if let Some(logo) = &site.config.logo {
        extra.push(dir.join(logo));
    }
    if let Ok(entries) = std::fs::read_dir(dir.join("frameworks")) {
        extra.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml")),
        );
    }
    files.extend(
        extra
            .iter()
            .filter(|p| p.is_file())
            .filter_map(|p| in_folder(dir, p)),
    );
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
        let bytes = std::fs::read(&file.path).map_err(read)?;
        zip.start_file(file.name.as_str(), options)?;
        zip.write_all(&bytes).map_err(read)?;
    }
    Ok(zip.finish()?.into_inner())
}
