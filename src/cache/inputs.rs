//! The fingerprint of every input a snapshot is made from: each file of the
//! content folder (pages and settings files alike) by path, size, time of
//! change and an xxh3 hash of its bytes, and a key for everything else that
//! shapes a build (the facet table, today's date, the cache's format and the
//! binary itself).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::content::LoadOptions;

/// The version of what the cache holds and how: raise it whenever the stored
/// types or their meaning change, and every cache is rebuilt.
pub const FORMAT: u32 = 3;

/// One input file as it was when the snapshot was built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// The path as the loader sees it: the content folder as given, joined
    /// with the file's place in it (or the `--site` file as given).
    pub path: PathBuf,
    pub size: u64,
    /// Seconds and nanoseconds since 1970 of the last change.
    pub modified: (u64, u32),
    /// The inode's change time and number: no tool that writes a file can
    /// set these back, so with size and time equal the bytes are too.
    pub inode: (i64, i64, u64),
    pub hash: u64,
}

/// Every file of the content folder a load may read, hidden ones aside (the
/// loader skips them too), and the `--site` file when it is elsewhere;
/// sorted by path. A file whose size, times and inode are those `before`
/// holds keeps its hash; any other is read and hashed, on every core.
pub fn scan(options: &LoadOptions, before: &[Input]) -> std::io::Result<Vec<Input>> {
    let dir = &options.content_dir;
    let mut paths = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = entry.map_err(std::io::Error::other)?;
        // A link to a folder is not followed, as the loader does not.
        if !entry.file_type().is_dir() && !entry.path().is_dir() {
            paths.push(entry.into_path());
        }
    }
    if let Some(site) = &options.site_file
        && !paths.contains(site)
    {
        paths.push(site.clone());
    }
    let known: std::collections::HashMap<&Path, &Input> =
        before.iter().map(|i| (i.path.as_path(), i)).collect();
    let mut inputs = paths
        .into_par_iter()
        .map(|path| input(path, &known))
        .collect::<std::io::Result<Vec<Input>>>()?;
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(inputs)
}

/// One file as it is now; a broken link counts as an empty file of its own
/// (the loader reports it).
fn input(
    path: PathBuf,
    known: &std::collections::HashMap<&Path, &Input>,
) -> std::io::Result<Input> {
    let meta = match fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let target = fs::read_link(&path)?;
            let hash = xxh3_64(target.as_os_str().as_encoded_bytes());
            return Ok(Input {
                path,
                size: 0,
                modified: (0, 0),
                inode: (0, 0, 0),
                hash,
            });
        }
        Err(e) => return Err(e),
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or((0, 0), |d| (d.as_secs(), d.subsec_nanos()));
    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt;
        (meta.ctime(), meta.ctime_nsec(), meta.ino())
    };
    #[cfg(not(unix))]
    let inode = (0, 0, 0);
    if let Some(was) = known.get(path.as_path())
        && was.size == meta.len()
        && was.modified == modified
        && was.inode == inode
        && inode != (0, 0, 0)
    {
        return Ok(Input {
            path,
            size: was.size,
            modified,
            inode,
            hash: was.hash,
        });
    }
    let bytes = fs::read(&path)?;
    Ok(Input {
        size: bytes.len() as u64,
        hash: xxh3_64(&bytes),
        path,
        modified,
        inode,
    })
}

/// The files that differ between `before` and `now`: changed, added or
/// removed. A file whose time changed but whose bytes did not is the same.
pub fn changed(before: &[Input], now: &[Input]) -> Vec<PathBuf> {
    let old: std::collections::HashMap<&Path, &Input> =
        before.iter().map(|i| (i.path.as_path(), i)).collect();
    let new: std::collections::HashMap<&Path, &Input> =
        now.iter().map(|i| (i.path.as_path(), i)).collect();
    let mut out: Vec<PathBuf> = now
        .iter()
        .filter(|i| {
            old.get(i.path.as_path())
                .is_none_or(|o| o.size != i.size || o.hash != i.hash)
        })
        .map(|i| i.path.clone())
        .collect();
    out.extend(
        before
            .iter()
            .filter(|i| !new.contains_key(i.path.as_path()))
            .map(|i| i.path.clone()),
    );
    out.sort();
    out
}

/// Everything besides the files that shapes a build, as one string: a
/// cache made under another key is never used.
pub fn key(options: &LoadOptions) -> String {
    let facets: Vec<String> = options
        .facets
        .iter()
        .map(|f| {
            let s = f.spec();
            format!("{}:{}:{}", s.key, s.multi, s.field)
        })
        .collect();
    // The binary's own size and time: a rebuilt binary may index otherwise
    // even when its version number is the same.
    let binary = std::env::current_exe()
        .and_then(fs::metadata)
        .map(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}@{t}", m.len())
        })
        .unwrap_or_default();
    format!(
        "format {FORMAT}; waymark {} ({binary}); content {}; site {:?}; today {}; facets {}",
        env!("CARGO_PKG_VERSION"),
        options.content_dir.display(),
        options.site_file,
        options.today,
        facets.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(path: &str, hash: u64) -> Input {
        Input {
            path: PathBuf::from(path),
            size: 1,
            modified: (0, 0),
            inode: (0, 0, 0),
            hash,
        }
    }

    #[test]
    fn changed_files_are_those_added_removed_or_with_other_bytes() {
        let before = [input("a", 1), input("b", 2), input("c", 3)];
        let mut touched = input("a", 1);
        touched.modified = (5, 0);
        let now = [touched, input("b", 9), input("d", 4)];
        let changed = changed(&before, &now);
        assert_eq!(
            changed,
            ["b", "c", "d"].map(PathBuf::from).to_vec(),
            "a only had its time changed"
        );
    }
}
