//! The cache folder on disk: one `current` folder holding `manifest.bin`
//! (the key, the input fingerprint and the size and hash of every other
//! file), `site.bin` (the pages, see `stored`), `bodies.bin` (their bodies,
//! read in place as a `content::BodyStore`) and `index/` (tantivy's files).
//! A new cache is written in a folder of its own and renamed into place, so
//! a crash leaves the old cache or the new one, never half of either; every
//! file is checked against its size and hash when read back.

use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::inputs::{FORMAT, Input};

const MAGIC: &[u8; 8] = b"WMCACHE\0";
/// Magic, format, body length and body hash.
const HEADER: usize = 8 + 4 + 8 + 8;
pub const MANIFEST: &str = "manifest.bin";
pub const SITE: &str = "site.bin";
pub const BODIES: &str = "bodies.bin";
pub const INDEX: &str = "index";
const CURRENT: &str = "current";

/// What a cache holds, read first.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub key: String,
    pub inputs: Vec<Input>,
    /// Every other file, by its path inside the cache.
    pub files: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub size: u64,
    pub hash: u64,
}

/// Why a cache could not be used; each says what to log.
#[derive(Debug, thiserror::Error)]
pub enum Unusable {
    #[error("there is no cache yet")]
    Absent,
    #[error("cannot read {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is damaged: {why}")]
    Corrupt { path: PathBuf, why: String },
    #[error("it was written by cache format {0}, this binary reads {FORMAT}")]
    Format(u32),
    #[error("it is out of date: {0}")]
    Stale(String),
}

impl Unusable {
    pub fn corrupt(path: &Path, why: impl std::fmt::Display) -> Unusable {
        Unusable::Corrupt {
            path: path.to_path_buf(),
            why: why.to_string(),
        }
    }
}

/// The folder of the cache in use under `root`.
pub fn current(root: &Path) -> PathBuf {
    root.join(CURRENT)
}

/// Reads and checks the manifest of the cache in `dir`.
pub fn read_manifest(dir: &Path) -> Result<Manifest, Unusable> {
    let path = dir.join(MANIFEST);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Absent),
        Err(source) => return Err(Unusable::Unreadable { path, source }),
    };
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(Unusable::corrupt(&path, "it does not begin as a manifest"));
    }
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    let format = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if format != FORMAT {
        return Err(Unusable::Format(format));
    }
    let (len, hash) = (word(12), word(20));
    let body = &bytes[HEADER..];
    if body.len() as u64 != len {
        return Err(Unusable::corrupt(
            &path,
            format!("{} bytes where {len} were written", body.len()),
        ));
    }
    if xxh3_64(body) != hash {
        return Err(Unusable::corrupt(&path, "its checksum does not match"));
    }
    postcard::from_bytes(body).map_err(|e| Unusable::corrupt(&path, e))
}

/// Reads a file the manifest lists, checking its size before reading and
/// its hash after.
pub fn read_entry(dir: &Path, entry: &Entry) -> Result<Vec<u8>, Unusable> {
    let (mut file, path) = open_listed(dir, entry)?;
    let mut bytes = Vec::with_capacity(usize::try_from(entry.size).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(unreadable(&path))?;
    check_hash(&path, entry, bytes.len() as u64, xxh3_64(&bytes))?;
    Ok(bytes)
}

/// Opens a file the manifest lists, checking its size and then its hash
/// over the whole file, a megabyte at a time: for a file read in place
/// rather than into memory; with its path, for the reader's messages.
pub fn open_entry(dir: &Path, entry: &Entry) -> Result<(fs::File, PathBuf), Unusable> {
    let (mut file, path) = open_listed(dir, entry)?;
    let mut hasher = Xxh3::new();
    let mut buffer = vec![0; 1 << 20];
    let mut read = 0u64;
    loop {
        let n = file.read(&mut buffer).map_err(unreadable(&path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        read += n as u64;
    }
    check_hash(&path, entry, read, hasher.digest())?;
    Ok((file, path))
}

/// A file the manifest lists, opened, its size on disk checked against the
/// manifest's before anything is read; with its path, for errors.
fn open_listed(dir: &Path, entry: &Entry) -> Result<(fs::File, PathBuf), Unusable> {
    let path = dir.join(&entry.name);
    let file = fs::File::open(&path).map_err(unreadable(&path))?;
    let size = file.metadata().map_err(unreadable(&path))?.len();
    if size != entry.size {
        return Err(Unusable::corrupt(
            &path,
            format!("{size} bytes where {} were written", entry.size),
        ));
    }
    Ok((file, path))
}

/// The bytes read (how many, and their hash) are the ones the manifest lists.
fn check_hash(path: &Path, entry: &Entry, read: u64, hash: u64) -> Result<(), Unusable> {
    if read != entry.size || hash != entry.hash {
        return Err(Unusable::corrupt(path, "its checksum does not match"));
    }
    Ok(())
}

fn unreadable(path: &Path) -> impl Fn(std::io::Error) -> Unusable + '_ {
    move |source| Unusable::Unreadable {
        path: path.to_path_buf(),
        source,
    }
}

/// A file of the cache being written: its bytes are counted and hashed as
/// they go.
pub struct Streamed {
    file: BufWriter<fs::File>,
    hasher: Xxh3,
    len: u64,
}

impl Streamed {
    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.len
    }
}

impl Write for Streamed {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(bytes)?;
        self.hasher.update(&bytes[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// A cache being written, in a folder of its own beside `current`.
pub struct Writer {
    root: PathBuf,
    dir: PathBuf,
    files: Vec<Entry>,
}

impl Writer {
    pub fn new(root: &Path) -> std::io::Result<Writer> {
        fs::create_dir_all(root)?;
        let dir = root.join(format!("new-{}-{}", std::process::id(), unique()));
        fs::create_dir_all(dir.join(INDEX))?;
        Ok(Writer {
            root: root.to_path_buf(),
            dir,
            files: Vec::new(),
        })
    }

    /// Writes one file, `name` a path inside the cache.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let mut file = fs::File::create(self.dir.join(name))?;
        file.write_all(bytes)?;
        self.files.push(Entry {
            name: name.to_string(),
            size: bytes.len() as u64,
            hash: xxh3_64(bytes),
        });
        Ok(())
    }

    /// Writes one file by streaming, `name` a path inside the cache: `write`
    /// is given the file and returns what it makes of it.
    pub fn add_streamed<T>(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut Streamed) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        let mut streamed = Streamed {
            file: BufWriter::with_capacity(1 << 20, fs::File::create(self.dir.join(name))?),
            hasher: Xxh3::new(),
            len: 0,
        };
        let made = write(&mut streamed)?;
        streamed.file.flush()?;
        self.files.push(Entry {
            name: name.to_string(),
            size: streamed.len,
            hash: streamed.hasher.digest(),
        });
        Ok(made)
    }

    /// Writes the manifest last and puts the new cache in place of the old.
    pub fn finish(mut self, key: String, inputs: Vec<Input>) -> std::io::Result<()> {
        let manifest = Manifest {
            key,
            inputs,
            files: std::mem::take(&mut self.files),
        };
        let body = postcard::to_allocvec(&manifest).map_err(std::io::Error::other)?;
        let mut bytes = Vec::with_capacity(HEADER + body.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&(body.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&xxh3_64(&body).to_le_bytes());
        bytes.extend_from_slice(&body);
        fs::write(self.dir.join(MANIFEST), bytes)?;
        // A folder cannot be renamed over one that holds files, so the old
        // cache steps aside first; a start in between finds none and builds.
        let current = current(&self.root);
        let old = self
            .root
            .join(format!("old-{}-{}", std::process::id(), unique()));
        let moved = fs::rename(&current, &old).is_ok();
        fs::rename(&self.dir, &current)?;
        if moved {
            let _ = fs::remove_dir_all(&old);
        }
        self.dir = PathBuf::new();
        Ok(())
    }
}

impl Drop for Writer {
    /// A cache never finished is removed.
    fn drop(&mut self) {
        if !self.dir.as_os_str().is_empty() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}
