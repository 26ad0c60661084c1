//! Reading a content file safely: regular files only (never a FIFO, device,
//! socket or folder, which could block a reload for good), inside the folder
//! it belongs to, and never more than a size bound, even if it grows.

use std::fs;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Why a file was not read. None of these carry the file's content, nor
/// where a symbolic link leads.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("no such file")]
    NotFound,
    #[error(
        "is not an ordinary file (it is {0}); Waymark reads only ordinary files, so replace it with one"
    )]
    NotRegular(&'static str),
    #[error(
        "is a symbolic link to somewhere outside its folder; Waymark only reads files inside it, so copy the file in instead"
    )]
    Outside,
    #[error("is {size} bytes, over the {limit}-byte limit")]
    TooLarge { size: u64, limit: u64 },
    #[error("cannot read: {0}")]
    Io(std::io::Error),
}

impl From<std::io::Error> for Refusal {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::NotFound {
            Refusal::NotFound
        } else {
            Refusal::Io(e)
        }
    }
}

/// `path` with every symbolic link resolved, if that lies inside `root`
/// (itself already canonical).
fn resolve_inside(root: &Path, path: &Path) -> Result<PathBuf, Refusal> {
    let target = fs::canonicalize(path)?;
    if target.starts_with(root) {
        Ok(target)
    } else {
        Err(Refusal::Outside)
    }
}

/// Reads `path` by [`read_regular`]'s rules if, with every symbolic link
/// resolved, it lies inside `root` (itself already canonical). The resolved
/// path is what is opened, without following a link, so a link swapped in
/// after the check is refused rather than followed out of the folder.
pub fn read_inside(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let target = resolve_inside(root, path)?;
    read_with(&target, limit, libc::O_NOFOLLOW)
}

/// Reads `path` if it is a regular file of at most `limit` bytes.
///
/// The type and size are checked before opening, so a FIFO is never opened
/// for reading; the file is opened non-blocking and checked again through
/// its handle, so one swapped in between cannot block either; and at most
/// `limit + 1` bytes are read, so a file that grows meanwhile stays bounded.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    read_with(path, limit, 0)
}

fn read_with(path: &Path, limit: u64, flags: i32) -> Result<Vec<u8>, Refusal> {
    check_meta(&fs::metadata(path)?, limit)?;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | flags)
        .open(path)?;
    let meta = file.metadata()?;
    check_meta(&meta, limit)?;
    let expected = usize::try_from(meta.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(Refusal::TooLarge { size: read, limit });
    }
    Ok(bytes)
}

fn check_meta(meta: &fs::Metadata, limit: u64) -> Result<(), Refusal> {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(Refusal::NotRegular(if kind.is_dir() {
            "a folder"
        } else if kind.is_fifo() {
            "a named pipe (FIFO)"
        } else if kind.is_socket() {
            "a socket"
        } else if kind.is_block_device() || kind.is_char_device() {
            "a device"
        } else {
            "not a regular file"
        }));
    }
    if meta.len() > limit {
        return Err(Refusal::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        assert!(matches!(
            read_regular(&fifo, 10),
            Err(Refusal::NotRegular(_))
        ));
    }

    #[test]
    fn a_large_sparse_file_is_refused_by_its_size_and_a_small_one_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.yaml");
        fs::File::create(&big).unwrap().set_len(2 << 30).unwrap();
        assert!(matches!(
            read_regular(&big, 1024),
            Err(Refusal::TooLarge { size, .. }) if size == 2 << 30
        ));
        fs::write(dir.path().join("ok"), "abc").unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        assert_eq!(
            read_inside(&root, &dir.path().join("ok"), 3).unwrap(),
            b"abc"
        );
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("out")).unwrap();
        assert!(matches!(
            read_inside(&root, &dir.path().join("out"), 3),
            Err(Refusal::Outside)
        ));
        assert_eq!(read_regular(&dir.path().join("ok"), 3).unwrap(), b"abc");
        assert!(matches!(
            read_regular(&dir.path().join("ok"), 2),
            Err(Refusal::TooLarge { .. })
        ));
        assert!(matches!(
            read_regular(dir.path(), 2),
            Err(Refusal::NotRegular("a folder"))
        ));
    }
}
