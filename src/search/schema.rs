//! The index's schema: text fields for matching, facet fields for filters,
//! and fast fields for sorting. Pages themselves stay in memory in the site
//! snapshot, so the index stores only each page's position (`ord`).

use std::sync::Arc;

use tantivy::Index;
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenizerManager,
};

use crate::facet::{Facet, Facets};

use super::stem::{EnglishTerms, MAX_TERM_BYTES, TokenCounts};

/// The analyser for English text: words, lower case, British spelling, stop
/// words out, stemmed.
pub const ENGLISH: &str = "waymark_en";

/// The analyser for whole title words: lower case, not stemmed, so a title
/// word as typed ranks above another word of the same stem ("called" is not
/// "calling").
pub const WORDS: &str = "waymark_words";

/// What a title word as typed adds over a match of its stem.
pub const TITLE_WORD_BOOST: f32 = 2.0;

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The page's slug: the key for finding and replacing its document.
    pub slug: Field,
    pub title: Field,
    /// The title's words unstemmed ([`WORDS`]).
    pub title_words: Field,
    pub tags: Field,
    pub summary: Field,
    pub body: Field,
    /// One facet field per facet of the table, in its order.
    pub facets: Vec<Field>,
    /// The review date as a sortable number, YYYYMMDD.
    pub updated: Field,
    /// The title in lower case, for sorting A to Z.
    pub title_sort: Field,
    /// Breaks ties between equal sort keys: larger for a page earlier in
    /// slug order. Documents are indexed on several threads, so which
    /// segment (and so which position) a page gets varies from build to
    /// build; this keeps equal scores in the same order on every replica.
    pub tie: Field,
}

impl Fields {
    pub fn facet(&self, facet: Facet) -> Field {
        self.facets[facet.index()]
    }

    /// The text fields a query searches, with their boosts: title above tags
    /// above summary above body. A title word as typed adds
    /// [`TITLE_WORD_BOOST`] through `title_words`.
    pub fn weighted_text(&self) -> [(Field, f32); 4] {
        [
            (self.title, 2.5),
            (self.tags, 3.0),
            (self.summary, 2.0),
            (self.body, 1.0),
        ]
    }
}

/// Builds the schema for a facet table and returns it with its field handles.
pub fn schema(table: &Facets) -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ENGLISH)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let slug = b.add_text_field("slug", STRING | STORED);
    let title = b.add_text_field("title", text.clone());
    let title_words = b.add_text_field(
        "title_words",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(WORDS)
                .set_index_option(IndexRecordOption::WithFreqs),
        ),
    );
    let tags = b.add_text_field("tags", text.clone());
    let summary = b.add_text_field("summary", text.clone());
    let body = b.add_text_field("body", text);
    let facets = table
        .iter()
        .map(|f| b.add_facet_field(f.name(), FacetOptions::default()))
        .collect();
    let updated = b.add_i64_field("updated", FAST | INDEXED);
    let title_sort = b.add_text_field("title_sort", STRING | FAST);
    let tie = b.add_u64_field("tie", FAST);
    let fields = Fields {
        slug,
        title,
        title_words,
        tags,
        summary,
        body,
        facets,
        updated,
        title_sort,
        tie,
    };
    (b.build(), fields)
}

/// Registers Waymark's analysers on an index.
pub fn register_analyzers(index: &Index) {
    register_on(index.tokenizers(), None);
}

/// Waymark's analysers for a full build's index: the English analyser also
/// counts every token into `counts` for the vocabulary, making the same terms
/// (the long tokens dropped by the filter itself). Register the plain
/// analysers on the index once its documents are in.
pub fn counting_analyzers(counts: Arc<TokenCounts>) -> TokenizerManager {
    let tokenizers = TokenizerManager::default();
    register_on(&tokenizers, Some(counts));
    tokenizers
}

fn register_on(tokenizers: &TokenizerManager, counts: Option<Arc<TokenCounts>>) {
    let english = match counts {
        Some(counts) => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(EnglishTerms::counting(counts))
            .build(),
        None => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TERM_BYTES))
            // Lower case, stop words, British spelling and stems in one step.
            .filter(EnglishTerms::new())
            .build(),
    };
    tokenizers.register(ENGLISH, english);
    let words = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build();
    tokenizers.register(WORDS, words);
}
