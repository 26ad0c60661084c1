//! Recent answers to `/api/search` and `/search`, kept in memory so a
//! popular search is answered without searching again.
//!
//! An answer depends only on the query string and the content, so the key is
//! the snapshot's generation and the query string; a new snapshot empties
//! the cache. It holds at most [`MAX_ENTRIES`] answers and [`MAX_BYTES`] in
//! all, lives only in this process's memory, and is never written anywhere.
//! Both listeners (public and staff) share it, so a kept answer must be the
//! same for both: search answers carry nothing for staff only.

use std::num::NonZeroUsize;
use std::sync::{Arc, OnceLock, RwLock};

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use lru::LruCache;

use crate::routes::Route;

/// Answers kept at most.
pub const MAX_ENTRIES: usize = 2048;
/// Bytes of answers kept at most.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// An answer larger than this is not kept: it would crowd out many others.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// Which kind of search answer is kept: the JSON of `/api/search` or the
/// HTML of `/search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnswerKind {
    Json,
    Html,
}

/// One answer: its body and how many pages it found (for the "searched
/// and not found" report, which counts hits as well as misses). Cloning one
/// copies no bytes.
#[derive(Debug, Clone)]
pub struct Answer {
    pub body: Bytes,
    /// Results that answer the whole query ([`SearchResults::found`]), for
    /// the "searched and not found" report.
    ///
    /// [`SearchResults::found`]: crate::search::SearchResults::found
    pub total: usize,
    /// The query's words as searched, for that report.
    pub q: Arc<str>,
    /// The body compressed, made on the first request that accepts each
    /// encoding ([`Encoding`]) and kept with the answer.
    compressed: Arc<[OnceLock<Bytes>; 2]>,
}

/// A compressed form of an answer's body, in the order they are preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    /// Which encoding to answer a search in: `Some(None)` for the body as
    /// it is, `Some(Some(e))` for a compressed one, `None` when the header
    /// holds something this does not decide (a wildcard), so the router's
    /// compression layer should.
    pub fn chosen(headers: &HeaderMap) -> Option<Option<Encoding>> {
        // The weight each coding is given; the higher wins, brotli on a tie.
        let mut brotli = 0.0f32;
        let mut gzip = 0.0f32;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let text = value.to_str().ok()?;
            for item in text.split(',') {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or("").trim();
                let weight = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                if coding == "*" {
                    return None;
                }
                if coding.eq_ignore_ascii_case("br") {
                    brotli = weight;
                } else if coding.eq_ignore_ascii_case("gzip") {
                    gzip = weight;
                }
            }
        }
        Some(if brotli > 0.0 && brotli >= gzip {
            Some(Encoding::Brotli)
        } else if gzip > 0.0 {
            Some(Encoding::Gzip)
        } else {
            None
        })
    }
}

impl Answer {
    pub fn new(body: Bytes, total: usize, q: &str) -> Answer {
        Answer {
            body,
            total,
            q: Arc::from(q),
            compressed: Arc::default(),
        }
    }

    /// The body in `encoding`, compressed once and then kept.
    pub fn compressed(&self, encoding: Encoding) -> Bytes {
        let slot = match encoding {
            Encoding::Brotli => &self.compressed[0],
            Encoding::Gzip => &self.compressed[1],
        };
        slot.get_or_init(|| compress(&self.body, encoding)).clone()
    }
}

/// Compresses at the levels a web server would use for dynamic answers:
/// kept answers are asked for again and again, so a little more effort
/// than on the fly pays back.
fn compress(body: &[u8], encoding: Encoding) -> Bytes {
    use std::io::Write as _;
    let mut out = Vec::with_capacity(body.len() / 3);
    match encoding {
        Encoding::Brotli => {
            let params = brotli::enc::BrotliEncoderParams {
                quality: 6,
                lgwin: 20,
                ..Default::default()
            };
            let mut input = body;
            // Writing to a Vec cannot fail.
            let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
        }
        Encoding::Gzip => {
            let mut gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::new(6));
            let _ = gz.write_all(body).and_then(|()| gz.finish().map(drop));
        }
    }
    Bytes::from(out)
}

struct Inner {
    generation: u64,
    bytes: usize,
    /// One list a kind, so a look-up borrows the query instead of copying it.
    entries: [LruCache<String, Answer>; 2],
}

impl AnswerKind {
    pub const ALL: [AnswerKind; 2] = [AnswerKind::Json, AnswerKind::Html];

    /// The route that gives this kind of answer.
    pub fn route(self) -> Route {
        match self {
            AnswerKind::Json => Route::ApiSearch,
            AnswerKind::Html => Route::Search,
        }
    }

    /// The Content-Type of its answers.
    pub fn content_type(self) -> &'static str {
        match self {
            AnswerKind::Json => "application/json",
            AnswerKind::Html => "text/html; charset=utf-8",
        }
    }

    fn index(self) -> usize {
        match self {
            AnswerKind::Json => 0,
            AnswerKind::Html => 1,
        }
    }
}

impl Inner {
    fn len(&self) -> usize {
        self.entries.iter().map(LruCache::len).sum()
    }
}

/// Reads take a shared lock and do not reorder the lists (`peek`), so the
/// cache evicts the longest-kept answers first and busy threads never wait
/// on each other to read.
pub struct AnswerCache {
    inner: RwLock<Inner>,
}

impl Default for AnswerCache {
    fn default() -> Self {
        AnswerCache {
            inner: RwLock::new(Inner {
                generation: 0,
                bytes: 0,
                entries: [(); 2]
                    .map(|()| LruCache::new(NonZeroUsize::new(MAX_ENTRIES / 2).expect("not zero"))),
            }),
        }
    }
}

impl AnswerCache {
    /// The answer for this query in this generation of the content, if kept.
    pub fn get(&self, generation: u64, kind: AnswerKind, query: &str) -> Option<Answer> {
        let inner = self.inner.read().ok()?;
        if inner.generation != generation {
            return None;
        }
        inner.entries[kind.index()].peek(query).cloned()
    }

    /// Keeps an answer. One from an older generation than the cache's is
    /// dropped; one from a newer generation empties the cache first.
    pub fn put(&self, generation: u64, kind: AnswerKind, query: &str, answer: Answer) {
        if answer.body.len() > MAX_ANSWER_BYTES {
            return;
        }
        let Ok(mut inner) = self.inner.write() else {
            return;
        };
        if generation < inner.generation {
            return;
        }
        if generation > inner.generation {
            inner.entries.iter_mut().for_each(LruCache::clear);
            inner.bytes = 0;
            inner.generation = generation;
        }
        let size = answer.body.len() + query.len();
        let list = kind.index();
        if let Some((q, old)) = inner.entries[list].push(query.to_string(), answer) {
            inner.bytes -= (old.body.len() + q.len()).min(inner.bytes);
        }
        inner.bytes += size;
        while inner.bytes > MAX_BYTES {
            // The longer list gives up its oldest answer first.
            let longest = usize::from(inner.entries[1].len() > inner.entries[0].len());
            match inner.entries[longest].pop_lru() {
                Some((q, old)) => inner.bytes -= (old.body.len() + q.len()).min(inner.bytes),
                None => break,
            }
        }
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.inner.read().map_or(0, |i| i.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            axum::http::HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn the_encoding_follows_accept_encoding() {
        assert_eq!(Encoding::chosen(&HeaderMap::new()), Some(None));
        assert_eq!(
            Encoding::chosen(&with("gzip, deflate, br, zstd")),
            Some(Some(Encoding::Brotli))
        );
        assert_eq!(
            Encoding::chosen(&with("gzip;q=1.0, br;q=0")),
            Some(Some(Encoding::Gzip))
        );
        assert_eq!(Encoding::chosen(&with("identity")), Some(None));
        assert_eq!(Encoding::chosen(&with("deflate")), Some(None));
        assert_eq!(Encoding::chosen(&with("GZIP")), Some(Some(Encoding::Gzip)));
        assert_eq!(
            Encoding::chosen(&with("br;q=0.2, gzip;q=0.9")),
            Some(Some(Encoding::Gzip))
        );
        assert_eq!(Encoding::chosen(&with("*")), None);
        assert_eq!(Encoding::chosen(&with("br;q=x")), None);
    }

    fn answer(n: usize) -> Answer {
        Answer::new(Bytes::from(vec![b'x'; n]), 1, "x")
    }

    #[test]
    fn answers_are_kept_per_generation_and_kind() {
        let cache = AnswerCache::default();
        cache.put(1, AnswerKind::Json, "q=a", answer(10));
        assert!(cache.get(1, AnswerKind::Json, "q=a").is_some());
        assert!(cache.get(1, AnswerKind::Html, "q=a").is_none());
        assert!(cache.get(2, AnswerKind::Json, "q=a").is_none());
        // A late answer from an older snapshot is not kept...
        cache.put(2, AnswerKind::Json, "q=b", answer(10));
        cache.put(1, AnswerKind::Json, "q=c", answer(10));
        assert!(cache.get(2, AnswerKind::Json, "q=c").is_none());
        // ...and a newer snapshot's answer empties the older ones.
        assert!(cache.get(2, AnswerKind::Json, "q=a").is_none());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn the_cache_is_bounded_by_count_and_bytes() {
        let cache = AnswerCache::default();
        for i in 0..(MAX_ENTRIES + 100) {
            cache.put(1, AnswerKind::Json, &format!("q={i}"), answer(1));
            cache.put(1, AnswerKind::Html, &format!("q={i}"), answer(1));
        }
        assert_eq!(cache.len(), MAX_ENTRIES);
        // The oldest went first.
        assert!(cache.get(1, AnswerKind::Json, "q=0").is_none());
        assert!(
            cache
                .get(1, AnswerKind::Json, &format!("q={}", MAX_ENTRIES + 99))
                .is_some()
        );
        let big = AnswerCache::default();
        for i in 0..1000 {
            big.put(
                1,
                AnswerKind::Html,
                &format!("q={i}"),
                answer(MAX_ANSWER_BYTES),
            );
        }
        assert!(big.len() * MAX_ANSWER_BYTES <= MAX_BYTES);
        big.put(1, AnswerKind::Html, "huge", answer(MAX_ANSWER_BYTES + 1));
        assert!(big.get(1, AnswerKind::Html, "huge").is_none());
    }
}
