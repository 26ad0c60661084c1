//! Building the tantivy index for a set of pages, in memory, in one go.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use tantivy::directory::RamDirectory;
use tantivy::indexer::{LogMergePolicy, merge_filtered_segments};
use tantivy::schema::Facet as TantivyFacet;

use tantivy::{
    Index, IndexReader, IndexSettings, IndexSortByField, IndexWriter, Order, ReloadPolicy,
    Searcher, SingleSegmentIndexWriter, TantivyDocument, Term, doc,
};

use crate::content::Page;
use crate::taxonomy::{Facet, Taxonomy};

use super::facets::FacetWarmer;
use super::lexicon::Lexicon;
use super::schema::{Fields, counting_analyzers, register_analyzers, schema};
use super::stem::TokenCounts;
use super::synonyms::Synonyms;
use super::vocabulary::Vocabulary;

/// An index and the view of it one site snapshot searches.
///
/// The index and its writer live as long as the content's taxonomy does; each
/// snapshot holds its own [`Searcher`], a fixed generation of the index, so a
/// search running while a page is replaced sees the old page or the new one,
/// never a mixture.
#[derive(Clone)]
pub struct SearchIndex {
    pub index: Index,
    reader: IndexReader,
    writer: Arc<Mutex<IndexWriter>>,
    pub searcher: Searcher,
    pub fields: Fields,
    pub synonyms: Synonyms,
    /// Stop words and everyday phrases.
    pub lexicon: Lexicon,
    /// Every word of the corpus, for typo tolerance and did-you-mean.
    pub vocabulary: Vocabulary,
    /// Each live segment's facet values, for counting (the reader holds it
    /// only weakly, so it goes with the index).
    pub(crate) facet_values: Arc<FacetWarmer>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("docs", &self.searcher.num_docs())
            .finish()
    }
}

/// The index's size, for `/metrics`.
impl SearchIndex {
    /// Documents in the index.
    pub fn documents(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// Bytes the index takes in memory, when tantivy can measure them.
    pub fn bytes_in_memory(&self) -> Option<u64> {
        self.searcher
            .space_usage()
            .ok()
            .map(|usage| usage.total().get_bytes())
    }
}

/// The facet paths a page is filed under for one facet. Needs carry their
/// area as parent (`/communication-interaction/autism`) so an area filter
/// finds its needs' pages.
pub fn facet_values(page: &Page, facet: Facet, taxonomy: &Taxonomy) -> Vec<String> {
    facet
        .values(&page.meta)
        .into_iter()
        .filter_map(|id| taxonomy.facet_path(facet, id))
        .collect()
}

/// The review date as a number that sorts like the date: YYYYMMDD.
fn date_key(page: &Page) -> i64 {
    let d = page.meta.updated;
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

/// The words a page adds to the vocabulary, and the tags field it is indexed
/// with: its tags plus the labels of its needs, so "SpLD", "SLCN" or "hearing
/// impairment" find every page of that need.
fn tags_of(page: &Page, taxonomy: &Taxonomy) -> String {
    let mut tags = page.meta.tags.join(". ");
    for need in &page.meta.needs {
        tags.push_str(". ");
        tags.push_str(taxonomy.label(Facet::NEED, need));
    }
    tags
}

/// The tie-break value of the page at position `ord` in slug order.
fn tie(ord: usize) -> u64 {
    u64::MAX - ord as u64
}

fn document(page: &Page, ord: usize, fields: &Fields, taxonomy: &Taxonomy) -> TantivyDocument {
    let m = &page.meta;
    let text = page.text();
    let mut d: TantivyDocument = doc!(
        fields.slug => page.slug.as_str(),
        fields.title => m.title.as_str(),
        fields.title_words => m.title.as_str(),
        fields.tags => tags_of(page, taxonomy),
        fields.summary => m.summary.as_str(),
        fields.body => text.as_ref(),
        fields.updated => date_key(page),
        fields.title_sort => m.title.to_lowercase(),
        fields.tie => tie(ord),
    );
    for facet in taxonomy.facets.iter() {
        for path in facet_values(page, facet, taxonomy) {
            d.add_facet(
                fields.facet(facet),
                TantivyFacet::from_text(&path).expect("ids make valid facet paths"),
            );
        }
    }
    d
}

/// Calls `f` with each text of a page that goes into the vocabulary.
fn texts_of(page: &Page, taxonomy: &Taxonomy, mut f: impl FnMut(&str)) {
    let m = &page.meta;
    f(&m.title);
    f(&m.summary);
    f(&tags_of(page, taxonomy));
    f(&page.text());
}

/// The vocabulary from a build's token counts and the synonyms' words.
fn vocabulary_of(token_counts: &TokenCounts, synonyms: &Synonyms) -> Vocabulary {
    let mut vocabulary = Vocabulary::from_token_counts(token_counts.take());
    for word in synonyms.all_words() {
        vocabulary.add_text(word);
    }
    vocabulary.finish();
    vocabulary
}

/// Stretches indexed at once at most; beyond four, the merge that stacks
/// their segments costs more than the threads save.
const MAX_INDEXING_THREADS: usize = 4;
/// The most text (bytes) one stretch indexes: its terms and positions stay
/// in memory until its segment is written.
const MAX_STRETCH_TEXT: usize = 64_000_000;
/// The least tantivy accepts for a thread (its own minimum is 15 MB).
const MIN_INDEXING_BYTES: usize = 16_000_000;
/// Fewer pages than this are indexed on one thread.
const SMALL_CORPUS: usize = 2_000;

/// Cuts `pages` into unbroken stretches of about equal text, at most
/// [`MAX_STRETCH_TEXT`] each and a multiple of `threads` in number, so
/// every thread is busy to the end.
fn cut(pages: &[Arc<Page>], threads: usize) -> Vec<Range<usize>> {
    let weight = |p: &Arc<Page>| p.body.text_len() + p.meta.summary.len() + p.meta.title.len();
    let total: usize = pages.iter().map(weight).sum();
    let threads = threads.max(1);
    let rounds = total.div_ceil(threads * MAX_STRETCH_TEXT).max(1);
    let share = total.div_ceil(threads * rounds).max(1);
    let mut stretches = Vec::new();
    let (mut start, mut filled) = (0, 0);
    for (i, page) in pages.iter().enumerate() {
        filled += weight(page);
        if filled >= share {
            stretches.push(start..i + 1);
            (start, filled) = (i + 1, 0);
        }
    }
    if start < pages.len() || stretches.is_empty() {
        stretches.push(start..pages.len());
    }
    stretches
}

/// Documents sorted by `tie`, which is the slug order: the order every
/// index this module makes keeps its pages in.
fn slug_order() -> IndexSettings {
    IndexSettings {
        sort_by_field: Some(IndexSortByField {
            field: "tie".to_string(),
            order: Order::Desc,
        }),
        ..IndexSettings::default()
    }
}

/// Indexes `pages`, the stretch of the slug order starting at `first`, in
/// one segment of an index of its own, in that order, on the calling thread.
fn index_stretch(
    pages: &[Arc<Page>],
    first: usize,
    settings: IndexSettings,
    fields: &Fields,
    taxonomy: &Taxonomy,
    token_counts: &Arc<TokenCounts>,
) -> tantivy::Result<Index> {
    let (schema, _) = schema(&taxonomy.facets);
    let mut writer: SingleSegmentIndexWriter = Index::builder()
        .schema(schema)
        .settings(settings)
        // The vocabulary is counted by the analyser as it makes the terms.
        .tokenizers(counting_analyzers(token_counts.clone()))
        .single_segment_index_writer(RamDirectory::create(), MIN_INDEXING_BYTES)?;
    for (i, page) in pages.iter().enumerate() {
        writer.add_document(document(page, first + i, fields, taxonomy))?;
    }
    // Finishing the segment drops its analysers, which hand in their counts.
    writer.finalize()
}

impl SearchIndex {
    /// Indexes `pages` (in slug order) in a new in-memory index.
    ///
    /// The result is one segment with the pages in slug order, however many
    /// threads made it. Scores must not depend on how the pages were shared
    /// out: tantivy adds a page's clause scores in an order that depends on
    /// the pages around it, and floating-point sums in another order differ
    /// in the last bit, which reordered equal-looking results from build to
    /// build. So each thread indexes one unbroken stretch of the slug order
    /// in an index of its own, and the stretches' segments are stacked in
    /// one merge: their `tie` values do not overlap, so tantivy concatenates
    /// them rather than sorting every posting list again.
    pub fn build(
        pages: &[Arc<Page>],
        taxonomy: &Taxonomy,
        synonyms: &Synonyms,
        lexicon: &Lexicon,
    ) -> tantivy::Result<SearchIndex> {
        let (_, fields) = schema(&taxonomy.facets);
        let token_counts = Arc::new(TokenCounts::default());
        // A small corpus takes one thread: with a few hundred pages, writing
        // and merging two segments costs more than the indexing.
        let threads = if pages.len() < SMALL_CORPUS {
            1
        } else {
            std::thread::available_parallelism()
                .map_or(1, usize::from)
                .clamp(1, MAX_INDEXING_THREADS)
        };
        let stretches = cut(pages, threads);
        let index = if stretches.len() == 1 {
            // One stretch is the whole index: it is made with the slug
            // order's setting, which later merges of live updates keep.
            index_stretch(pages, 0, slug_order(), &fields, taxonomy, &token_counts)?
        } else {
            let stretches: Vec<Index> = stretches
                .into_par_iter()
                .map(|range| {
                    index_stretch(
                        &pages[range.clone()],
                        range.start,
                        IndexSettings::default(),
                        &fields,
                        taxonomy,
                        &token_counts,
                    )
                })
                .collect::<tantivy::Result<_>>()?;
            let mut segments = Vec::new();
            for index in &stretches {
                segments.extend(index.searchable_segments()?);
            }
            let unfiltered = segments.iter().map(|_| None).collect();
            merge_filtered_segments(&segments, slug_order(), unfiltered, RamDirectory::create())?
        };
        register_analyzers(&index);
        let vocabulary = vocabulary_of(&token_counts, synonyms);
        let writer: IndexWriter = index.writer_with_num_threads(1, MIN_INDEXING_BYTES)?;
        // Live updates add a small segment each; those may merge.
        writer.set_merge_policy(Box::new(LogMergePolicy::default()));
        Self::serving(
            index, writer, fields, taxonomy, synonyms, lexicon, vocabulary,
        )
    }

    /// Serves an index built before and read back (the index cache,
    /// `crate::cache`): its schema must be the one `taxonomy`'s facets make.
    pub fn open(
        index: Index,
        taxonomy: &Taxonomy,
        synonyms: &Synonyms,
        lexicon: &Lexicon,
        vocabulary: Vocabulary,
    ) -> tantivy::Result<SearchIndex> {
        let (schema, fields) = schema(&taxonomy.facets);
        if index.schema() != schema {
            return Err(tantivy::TantivyError::SchemaError(
                "the stored index has another schema".into(),
            ));
        }
        register_analyzers(&index);
        let writer: IndexWriter = index.writer_with_num_threads(1, MIN_INDEXING_BYTES)?;
        writer.set_merge_policy(Box::new(LogMergePolicy::default()));
        Self::serving(
            index, writer, fields, taxonomy, synonyms, lexicon, vocabulary,
        )
    }

    /// The index ready to search: a reader whose warmer keeps each
    /// segment's facet values, and the writer live updates go through.
    fn serving(
        index: Index,
        writer: IndexWriter,
        fields: Fields,
        taxonomy: &Taxonomy,
        synonyms: &Synonyms,
        lexicon: &Lexicon,
        vocabulary: Vocabulary,
    ) -> tantivy::Result<SearchIndex> {
        let facet_values = Arc::new(FacetWarmer::new(&taxonomy.facets));
        let warmer: Arc<dyn tantivy::Warmer> = facet_values.clone();
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![Arc::downgrade(&warmer)])
            .try_into()?;
        reader.reload()?;
        Ok(SearchIndex {
            searcher: reader.searcher(),
            index,
            reader,
            writer: Arc::new(Mutex::new(writer)),
            fields,
            synonyms: synonyms.clone(),
            lexicon: lexicon.clone(),
            vocabulary,
            facet_values,
        })
    }

    /// Replaces only some pages: `removed` (old versions) leave the index and
    /// the vocabulary, `added` (with each one's position in the new snapshot's
    /// slug order) go in. Returns the index as the new snapshot
    /// sees it; `self` keeps seeing the old generation.
    pub fn update(
        &self,
        removed: &[&Page],
        added: &[(usize, &Page)],
        taxonomy: &Taxonomy,
    ) -> tantivy::Result<SearchIndex> {
        {
            let mut writer = self.writer.lock().map_err(|_| {
                tantivy::TantivyError::InternalError("index writer lock poisoned".into())
            })?;
            for page in removed.iter().chain(added.iter().map(|(_, p)| p)) {
                writer.delete_term(Term::from_field_text(self.fields.slug, &page.slug));
            }
            for (ord, page) in added {
                writer.add_document(document(page, *ord, &self.fields, taxonomy))?;
            }
            writer.commit()?;
        }
        self.reader.reload()?;
        let mut vocabulary = self.vocabulary.clone();
        for page in removed {
            texts_of(page, taxonomy, |text| vocabulary.remove_text(text));
        }
        for (_, page) in added {
            texts_of(page, taxonomy, |text| vocabulary.add_text(text));
        }
        vocabulary.finish();
        Ok(SearchIndex {
            searcher: self.reader.searcher(),
            vocabulary,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::LoadOptions;
    use crate::site::Site;

    /// The vocabulary counted word by word over every page's texts, as it
    /// was before the analyser counted it.
    fn vocabulary_by_words(
        pages: &[Arc<Page>],
        taxonomy: &Taxonomy,
        synonyms: &Synonyms,
    ) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        for page in pages {
            texts_of(page, taxonomy, |text| vocabulary.add_text(text));
        }
        for word in synonyms.all_words() {
            vocabulary.add_text(word);
        }
        vocabulary.finish();
        vocabulary
    }

    #[test]
    fn the_analyser_counts_the_same_vocabulary_as_the_words() {
        let site = Site::load(&LoadOptions::new("content")).expect("bundled content");
        let mut pages: Vec<Arc<Page>> = site.pages.clone();
        // Words the tokenizer treats with care: too long to index, capitals
        // outside ASCII, a final sigma, digits.
        let mut odd = (*pages[0]).clone();
        odd.slug = "zz-odd-words".into();
        odd.body = crate::content::Body::held(
            odd.markdown().into_owned(),
            format!(
                "{} Supercalifragilisticexpialidociousnessandmorewords ÉCOLE ΣΑΣ Öl 2nd X9 the THE",
                odd.text()
            ),
        );
        pages.push(Arc::new(odd));
        let index = SearchIndex::build(
            &pages,
            &site.taxonomy,
            &site.search.synonyms,
            &site.search.lexicon,
        )
        .expect("index");
        let expected = vocabulary_by_words(&pages, &site.taxonomy, &site.search.synonyms);
        assert!(expected.contains("supercalifragilisticexpialidociousnessandmorewords"));
        let sorted = |v: &Vocabulary| {
            let mut words: Vec<(String, u32)> =
                v.counts().map(|(w, n)| (w.to_string(), n)).collect();
            words.sort();
            words
        };
        assert_eq!(sorted(&index.vocabulary), sorted(&expected));
    }
}
