//! A page's body (its Markdown and the plain text made from it), held in
//! memory or kept in a file of page bodies and read back when asked for.
//!
//! The bodies are most of what a portal holds: at 100,000 pages, 487 MiB of
//! Markdown and 405 MiB of plain text, against about 400 MiB for everything
//! else. Kept in a file, they live in the operating system's page cache,
//! which gives the memory back under pressure, rather than in the process;
//! a page shown reads one body back (one `pread`), a search reads its twenty
//! hits' texts for their snippets. The file a load writes is ours alone:
//! made without a name (`O_TMPFILE` where the system has it), so nothing else
//! can open, change or truncate it, and it is gone when the last snapshot
//! using it is. The index cache's file, read in place after a warm start,
//! has a name, so [`BodyStore::check`] tells when it was changed under us.

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A file of page bodies, written once each and never changed.
#[derive(Debug)]
pub struct BodyStore {
    file: File,
    /// Bytes handed out so far: each body's place is reserved by adding to
    /// this, so many threads write at once, each to its own place.
    len: AtomicU64,
    /// False for a file written before and only read (the index cache's):
    /// new bodies go to a file of their own.
    writable: bool,
    /// A write failed (a full disk, say): no more are tried, so a corpus
    /// of 100,000 pages logs it once, not 100,000 times.
    failed: AtomicBool,
    /// A read failed: logged once, not on every request, and reported by
    /// [`BodyStore::check`].
    unreadable: AtomicBool,
    /// A file read only: where it is, and its modification time when
    /// opened, so that one truncated or written over in place is noticed.
    opened: Option<(PathBuf, Modified)>,
}

/// A file's modification time (`st_mtime`), which every write and
/// truncation moves. Not the change time: removing the cache's old folder
/// after writing a new one (the file's last link) moves that, and the
/// bodies are as they were.
type Modified = (i64, i64);

impl BodyStore {
    /// A new, empty store in `dir` (a file with no name), making the folder
    /// if it is missing.
    pub fn create_in(dir: &Path) -> io::Result<Arc<BodyStore>> {
        std::fs::create_dir_all(dir)?;
        let file = tempfile::tempfile_in(dir)?;
        Ok(Arc::new(BodyStore {
            file,
            len: AtomicU64::new(0),
            writable: true,
            failed: AtomicBool::new(false),
            unreadable: AtomicBool::new(false),
            opened: None,
        }))
    }

    /// The file at `path`, opened as `file`, of `len` bytes of bodies
    /// written before, to be read only: the places of its bodies come with
    /// it ([`BodyStore::body`]).
    pub fn read_only(file: File, len: u64, path: &Path) -> io::Result<Arc<BodyStore>> {
        let modified = modified(&file.metadata()?);
        Ok(Arc::new(BodyStore {
            file,
            len: AtomicU64::new(len),
            writable: false,
            failed: AtomicBool::new(false),
            unreadable: AtomicBool::new(false),
            opened: Some((path.to_path_buf(), modified)),
        }))
    }

    /// Whether every body can still be read as it was written: the file is
    /// not shorter than what was written to it, a file read only has not
    /// been written to since it was opened, and no read has failed. One
    /// `fstat`; the error says what is wrong, for the log and `/status`.
    pub fn check(&self) -> Result<(), String> {
        let name = match &self.opened {
            Some((path, _)) => format!("the file of page bodies {}", path.display()),
            None => "the file of page bodies".to_string(),
        };
        let meta = self
            .file
            .metadata()
            .map_err(|e| format!("{name} cannot be looked at: {e}"))?;
        if meta.len() < self.bytes() {
            return Err(format!(
                "{name} is {} bytes long, shorter than the {} written to it",
                meta.len(),
                self.bytes()
            ));
        }
        if let Some((_, at_open)) = &self.opened {
            if modified(&meta) != *at_open {
                return Err(format!("{name} was written to after it was opened"));
            }
        }
        if self.unreadable.load(Ordering::Relaxed) {
            return Err(format!("a page body could not be read back from {name}"));
        }
        Ok(())
    }

    /// Whether new bodies may be written to this file.
    pub fn writable(&self) -> bool {
        self.writable
    }

    /// The body at `at` (Markdown then text), or `None` when it would run
    /// past the end of the file.
    pub fn body(self: &Arc<Self>, at: u64, markdown_len: u32, text_len: u32) -> Option<Body> {
        let end = at
            .checked_add(u64::from(markdown_len))?
            .checked_add(u64::from(text_len))?;
        (end <= self.bytes()).then(|| Body::Stored {
            store: Arc::clone(self),
            at,
            markdown_len,
            text_len,
        })
    }

    /// Writes a body and returns it as stored.
    pub fn put(self: &Arc<Self>, markdown: &str, text: &str) -> io::Result<Body> {
        if !self.writable {
            return Err(io::Error::other("the file of bodies is read only"));
        }
        if self.failed.load(Ordering::Relaxed) {
            return Err(io::Error::other(
                "an earlier write to the file of bodies failed",
            ));
        }
        let too_long = || io::Error::other("a page body over 4 GiB");
        let markdown_len = u32::try_from(markdown.len()).map_err(|_| too_long())?;
        let text_len = u32::try_from(text.len()).map_err(|_| too_long())?;
        let at = self.len.fetch_add(
            u64::from(markdown_len) + u64::from(text_len),
            Ordering::Relaxed,
        );
        let written = self
            .file
            .write_all_at(markdown.as_bytes(), at)
            .and_then(|()| {
                self.file
                    .write_all_at(text.as_bytes(), at + u64::from(markdown_len))
            });
        if let Err(e) = written {
            if !self.failed.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    "page bodies are kept in memory from now on: writing their file failed: {e}"
                );
            }
            return Err(e);
        }
        Ok(Body::Stored {
            store: Arc::clone(self),
            at,
            markdown_len,
            text_len,
        })
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.len.load(Ordering::Relaxed)
    }

    fn read(&self, at: u64, len: u32) -> io::Result<String> {
        let mut buffer = vec![0; len as usize];
        self.file.read_exact_at(&mut buffer, at)?;
        String::from_utf8(buffer).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

/// A page's Markdown and plain text.
#[derive(Debug, Clone)]
pub enum Body {
    Held {
        markdown: String,
        text: String,
    },
    Stored {
        store: Arc<BodyStore>,
        /// Where the Markdown starts; the text follows it.
        at: u64,
        markdown_len: u32,
        text_len: u32,
    },
}

impl Body {
    pub fn held(markdown: String, text: String) -> Body {
        Body::Held { markdown, text }
    }

    /// The Markdown as written, after the front matter.
    pub fn markdown(&self) -> Cow<'_, str> {
        match self {
            Body::Held { markdown, .. } => Cow::Borrowed(markdown),
            Body::Stored {
                store,
                at,
                markdown_len,
                ..
            } => Cow::Owned(read_or_log(store, *at, *markdown_len)),
        }
    }

    /// The plain text, for the index and snippets.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Body::Held { text, .. } => Cow::Borrowed(text),
            Body::Stored {
                store,
                at,
                markdown_len,
                text_len,
            } => Cow::Owned(read_or_log(store, at + u64::from(*markdown_len), *text_len)),
        }
    }

    /// The file the body is kept in, if it is in one.
    pub fn store(&self) -> Option<&Arc<BodyStore>> {
        match self {
            Body::Held { .. } => None,
            Body::Stored { store, .. } => Some(store),
        }
    }

    pub fn markdown_len(&self) -> usize {
        match self {
            Body::Held { markdown, .. } => markdown.len(),
            Body::Stored { markdown_len, .. } => *markdown_len as usize,
        }
    }

    pub fn text_len(&self) -> usize {
        match self {
            Body::Held { text, .. } => text.len(),
            Body::Stored { text_len, .. } => *text_len as usize,
        }
    }

    /// The body in `store`, or as it is when it is there already or cannot
    /// be written (logged: the page is still served, from memory).
    pub fn into_store(self, store: &Arc<BodyStore>) -> Body {
        match &self {
            Body::Stored { store: s, .. } if Arc::ptr_eq(s, store) => self,
            // A failed write is logged once, by `put`; the page keeps its
            // body in memory.
            _ => match store.put(&self.markdown(), &self.text()) {
                Ok(stored) => stored,
                Err(_) => self,
            },
        }
    }
}

/// A stored body read back, or nothing when it cannot be (a failing disk,
/// or the cache's file truncated under us): the page then shows empty
/// rather than taking the server down until [`BodyStore::check`] has it
/// read again. Logged the first time only, so a broken file does not write
/// a line for every request.
fn read_or_log(store: &BodyStore, at: u64, len: u32) -> String {
    store.read(at, len).unwrap_or_else(|e| {
        if store.unreadable.swap(true, Ordering::Relaxed) {
            tracing::debug!("reading a page body back from its file failed again: {e}");
        } else {
            tracing::error!(
                "reading a page body back from its file failed: {e}; pages are shown without their text until everything is read again"
            );
        }
        String::new()
    })
}

fn modified(meta: &std::fs::Metadata) -> Modified {
    (meta.mtime(), meta.mtime_nsec())
}

/// Bodies are equal when their contents are, wherever they are kept.
impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        self.markdown_len() == other.markdown_len()
            && self.text_len() == other.text_len()
            && self.markdown() == other.markdown()
            && self.text() == other.text()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_body_reads_back_as_written_from_many_threads() {
        let dir = tempfile::tempdir().unwrap();
        let store = BodyStore::create_in(dir.path()).unwrap();
        // Nothing is left in the folder: the file has no name.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let bodies: Vec<(String, String, Body)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|t| {
                    let store = &store;
                    scope.spawn(move || {
                        (0..50)
                            .map(|i| {
                                let markdown = format!("# Page {t}.{i}\n\nÉcole {}", "x".repeat(i));
                                let text = format!("Page {t}.{i}\nÉcole");
                                let body =
                                    Body::held(markdown.clone(), text.clone()).into_store(store);
                                (markdown, text, body)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        for (markdown, text, body) in &bodies {
            assert!(matches!(body, Body::Stored { .. }));
            assert_eq!(body.markdown(), markdown.as_str());
            assert_eq!(body.text(), text.as_str());
            assert_eq!(body.markdown_len(), markdown.len());
            assert_eq!(*body, Body::held(markdown.clone(), text.clone()));
        }
        let total: usize = bodies.iter().map(|(m, t, _)| m.len() + t.len()).sum();
        assert_eq!(store.bytes(), total as u64);
    }

    #[test]
    fn a_file_read_only_gives_its_bodies_and_takes_no_more() {
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, b"# Hi\nHi\nmore").unwrap();
        let store = BodyStore::read_only(file, 13, Path::new("bodies.bin")).unwrap();
        assert!(!store.writable());
        let body = store.body(0, 5, 3).expect("inside the file");
        assert_eq!(body.markdown(), "# Hi\n");
        assert_eq!(body.text(), "Hi\n");
        assert!(store.body(9, 4, 1).is_none());
        assert!(store.body(u64::MAX, 1, 1).is_none());
        assert!(store.put("a", "b").is_err());
        let held = Body::held("a".into(), "b".into());
        assert!(matches!(held.into_store(&store), Body::Held { .. }));
    }

    /// A disk that fills up: the bodies not written stay in memory, every
    /// page still reads as written, and no more writes are tried.
    #[test]
    fn a_full_disk_leaves_bodies_in_memory() {
        let full = File::options().write(true).read(true).open("/dev/full");
        let Ok(full) = full else {
            return; // no /dev/full here
        };
        let store = Arc::new(BodyStore {
            file: full,
            len: AtomicU64::new(0),
            writable: true,
            failed: AtomicBool::new(false),
            unreadable: AtomicBool::new(false),
            opened: None,
        });
        let body = Body::held("# A\n".into(), "A\n".into()).into_store(&store);
        assert!(matches!(body, Body::Held { .. }));
        assert_eq!(body.markdown(), "# A\n");
        assert!(store.failed.load(Ordering::Relaxed));
        assert!(store.put("b", "c").is_err());
    }

    /// The cache's file, read in place, truncated or written over by
    /// something else: `check` says so, and a failed read gives an empty
    /// body rather than an error for the request.
    #[test]
    fn a_file_read_only_that_changes_under_us_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bodies.bin");
        std::fs::write(&path, b"# Hi\nHi\n").unwrap();
        let store = BodyStore::read_only(File::open(&path).unwrap(), 8, &path).unwrap();
        assert_eq!(store.check(), Ok(()));
        // The modification time moves at the kernel's clock tick (up to
        // 10 ms). Renaming the file, or removing a name of it, as the cache
        // does with its old folder, moves only the change time.
        std::thread::sleep(std::time::Duration::from_millis(30));
        let moved = dir.path().join("old-bodies.bin");
        std::fs::rename(&path, &moved).unwrap();
        assert_eq!(store.check(), Ok(()));
        std::fs::write(&moved, b"# Ho\nHo\n").unwrap();
        let why = store.check().unwrap_err();
        assert!(
            why.contains("bodies.bin was written to after it was opened"),
            "{why}"
        );

        let store = BodyStore::read_only(File::open(&moved).unwrap(), 8, &moved).unwrap();
        let body_again = store.body(0, 5, 3).unwrap();
        File::options()
            .write(true)
            .open(&moved)
            .unwrap()
            .set_len(4)
            .unwrap();
        let why = store.check().unwrap_err();
        assert!(
            why.contains("is 4 bytes long, shorter than the 8 written"),
            "{why}"
        );
        assert_eq!(body_again.text(), "");
        assert!(store.unreadable.load(Ordering::Relaxed));
    }

    #[test]
    fn a_folder_that_cannot_hold_the_file_is_an_error() {
        assert!(BodyStore::create_in(Path::new("/proc/no-such-folder")).is_err());
    }
}
