//! Where the index cache lives: the folder given (`--cache-dir`,
//! `WAYMARK_CACHE_DIR`) or else the system's cache folder, and in it one
//! folder per content folder, named by a hash of its canonical path. Never
//! inside the content folder, where the cache would be read as content and
//! its writes would wake live reload.

use std::path::{Component, Path, PathBuf};

use xxhash_rust::xxh3::xxh3_64;

use crate::content::LoadOptions;

/// Why the cache folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error(
        "the cache folder {cache} is inside the content folder {content}: give --cache-dir a folder elsewhere"
    )]
    InsideContent { cache: PathBuf, content: PathBuf },
    #[error("cannot find the content folder {path}: {source}")]
    Content {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The folder the cache goes under when none is given: `$XDG_CACHE_HOME/waymark`,
/// else `~/.cache/waymark`, else `waymark-cache` in the temporary folder.
pub fn default_base() -> PathBuf {
    let set = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(xdg) = set("XDG_CACHE_HOME") {
        return PathBuf::from(xdg).join("waymark");
    }
    if let Some(home) = set("HOME") {
        return PathBuf::from(home).join(".cache").join("waymark");
    }
    std::env::temp_dir().join("waymark-cache")
}

/// The folder for this content folder's cache under `base`, checked to be
/// outside the content folder.
pub fn folder(base: &Path, options: &LoadOptions) -> Result<PathBuf, LocationError> {
    let content =
        std::fs::canonicalize(&options.content_dir).map_err(|source| LocationError::Content {
            path: options.content_dir.clone(),
            source,
        })?;
    let cache = resolved(base);
    if cache.starts_with(&content) {
        return Err(LocationError::InsideContent {
            cache: base.to_path_buf(),
            content: options.content_dir.clone(),
        });
    }
    let mut named = content.as_os_str().as_encoded_bytes().to_vec();
    if let Some(site) = &options.site_file {
        named.push(0);
        named.extend_from_slice(resolved(site).as_os_str().as_encoded_bytes());
    }
    Ok(cache.join(format!("{:016x}", xxh3_64(&named))))
}

/// `path` made absolute with every link resolved, as far as it exists: the
/// cache folder may not exist yet, and is not made before it is checked.
fn resolved(path: &Path) -> PathBuf {
    let absolute = normalised(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return normalised(&out);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// `..` and `.` taken out of a path that no longer has links in it.
fn normalised(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_inside_the_content_folder_is_refused() {
        let content = tempfile::tempdir().unwrap();
        let options = LoadOptions::new(content.path());
        let inside = content.path().join("sub/../cache");
        let err = folder(&inside, &options).unwrap_err().to_string();
        assert!(err.contains("inside the content folder"), "{err}");
        let elsewhere = tempfile::tempdir().unwrap();
        let a = folder(elsewhere.path(), &options).unwrap();
        assert!(a.starts_with(std::fs::canonicalize(elsewhere.path()).unwrap()));
        assert_eq!(a, folder(elsewhere.path(), &options).unwrap());
    }
}
