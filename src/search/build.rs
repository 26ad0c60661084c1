//! Building the tantivy index for a set of pages, in memory, in one go.

use tantivy::schema::Facet as TantivyFacet;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, doc};

use crate::content::Page;
use crate::taxonomy::{Facet, Taxonomy};

use super::schema::{Fields, register_analyzers, schema};
use super::synonyms::Synonyms;
use super::vocabulary::Vocabulary;

/// A built index with its reader, ready to search.
#[derive(Clone)]
pub struct SearchIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub synonyms: Synonyms,
    /// Every word of the corpus, for typo tolerance and did-you-mean.
    pub vocabulary: Vocabulary,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("docs", &self.reader.searcher().num_docs())
            .finish()
    }
}

/// The facet paths a page is filed under for one facet. Needs carry their
/// area as parent (`/communication-interaction/autism`) so an area filter
/// finds its needs' pages.
pub fn facet_values(page: &Page, facet: Facet, taxonomy: &Taxonomy) -> Vec<String> {
    let m = &page.meta;
    match facet {
        Facet::Need => m
            .needs
            .iter()
            .filter_map(|n| taxonomy.need_path(n))
            .collect(),
        Facet::Tier => m.tier.iter().map(|t| format!("/{t}")).collect(),
        Facet::Ingredient => m.ingredients.iter().map(|i| format!("/{i}")).collect(),
        Facet::Phase => m.phases.iter().map(|p| format!("/{p}")).collect(),
        Facet::Pfa => m.pfa.iter().map(|p| format!("/{p}")).collect(),
        Facet::Cycle => m.cycle.iter().map(|c| format!("/{c}")).collect(),
        Facet::Kind => vec![format!("/{}", m.kind)],
        Facet::Evidence => m
            .evidence
            .iter()
            .map(|e| format!("/{}", e.strength))
            .collect(),
    }
}

/// The review date as a number that sorts like the date: YYYYMMDD.
fn date_key(page: &Page) -> i64 {
    let d = page.meta.updated;
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

impl SearchIndex {
    /// Indexes `pages` (their order is their `ord`).
    pub fn build(
        pages: &[Page],
        taxonomy: &Taxonomy,
        synonyms: &Synonyms,
    ) -> tantivy::Result<SearchIndex> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        register_analyzers(&index);

        // A to Z rank of titles, so "sort by title" is a fast-field sort.
        let mut by_title: Vec<usize> = (0..pages.len()).collect();
        by_title.sort_by_cached_key(|&i| pages[i].meta.title.to_lowercase());
        let mut title_rank = vec![0i64; pages.len()];
        for (rank, &i) in by_title.iter().enumerate() {
            title_rank[i] = rank as i64;
        }

        let mut vocabulary = Vocabulary::default();
        let mut writer = index.writer_with_num_threads(1, 50_000_000)?;
        for (ord, page) in pages.iter().enumerate() {
            let m = &page.meta;
            // The labels of the page's needs are searchable as tags, so "SpLD",
            // "SLCN" or "hearing impairment" find every page of that need.
            let mut tags = m.tags.join(". ");
            for need in &m.needs {
                tags.push_str(". ");
                tags.push_str(taxonomy.label(Facet::Need, need));
            }
            for text in [
                m.title.as_str(),
                m.summary.as_str(),
                tags.as_str(),
                page.text.as_str(),
            ] {
                vocabulary.add_text(text);
            }
            let mut d: TantivyDocument = doc!(
                fields.ord => ord as u64,
                fields.title => m.title.as_str(),
                fields.tags => tags,
                fields.summary => m.summary.as_str(),
                fields.body => page.text.as_str(),
                fields.updated => date_key(page),
                fields.title_rank => title_rank[ord],
            );
            for facet in Facet::ALL {
                for path in facet_values(page, facet, taxonomy) {
                    d.add_facet(
                        fields.facet(facet),
                        TantivyFacet::from_text(&path).expect("ids make valid facet paths"),
                    );
                }
            }
            writer.add_document(d)?;
        }
        writer.commit()?;
        for word in synonyms.all_words() {
            vocabulary.add_text(word);
        }
        vocabulary.finish();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        reader.reload()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            synonyms: synonyms.clone(),
            vocabulary,
        })
    }
}
