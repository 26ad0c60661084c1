//! Running a search: lenient text matching with field boosts, filters that
//! OR within a facet and AND across facets, facet counts that show what
//! ticking each value would give, sorting, paging and `<mark>` snippets.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::collector::sort_key::{SortByStaticFastValue, SortByString};
use tantivy::query::EnableScoring;
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet as TantivyFacet, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, DocSet, Order, Score, Searcher, SegmentReader, TantivyDocument, Term,
};

use crate::content::Page;
use crate::content::page::DESCRIPTORS_TITLE;
use crate::taxonomy::{Facet, Taxonomy, UnknownId};

use super::build::SearchIndex;
use super::facets::{self, FacetPass, Key};
use super::snippet::Snippets;

/// Results per page.
pub const PER_PAGE: usize = 20;
/// A longer query is cut to this many bytes (at a character boundary).
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Results per page at most, whoever asks.
pub const MAX_PER_PAGE: usize = 100;

/// The last page that `total` results fill, `per_page` to a page (1 when
/// there are none).
pub fn last_page(total: usize, per_page: usize) -> usize {
    total.div_ceil(per_page.max(1)).max(1)
}
/// Length of a snippet's window of body text, in bytes (as tantivy measured it).
const SNIPPET_CHARS: usize = 200;

/// The order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    /// Most recently reviewed first.
    Updated,
    /// A to Z by title.
    Title,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Updated, Sort::Title];

    pub fn name(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Updated => "updated",
            Sort::Title => "title",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Best match",
            Sort::Updated => "Most recently reviewed",
            Sort::Title => "A to Z",
        }
    }

    pub fn parse(s: &str) -> Result<Sort, UnknownSort> {
        Sort::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| UnknownSort(s.to_string()))
    }
}

/// A sort order that is not one of [`Sort::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown sort \"{0}\"; expected one of: relevance, updated, title")]
pub struct UnknownSort(pub String);

/// Chosen filter values by facet, every id checked against the taxonomy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    selected: BTreeMap<Facet, Vec<String>>,
}

impl Filters {
    /// Adds a value after checking it; repeated values are kept once.
    pub fn add(&mut self, facet: Facet, id: &str, taxonomy: &Taxonomy) -> Result<(), UnknownId> {
        taxonomy.check(facet, id)?;
        let values = self.selected.entry(facet).or_default();
        if !values.iter().any(|v| v == id) {
            values.push(id.to_string());
        }
        Ok(())
    }

    pub fn get(&self, facet: Facet) -> &[String] {
        self.selected.get(&facet).map_or(&[], Vec::as_slice)
    }

    pub fn is_selected(&self, facet: Facet, id: &str) -> bool {
        self.get(facet).iter().any(|v| v == id)
    }

    pub fn is_empty(&self) -> bool {
        self.selected.values().all(Vec::is_empty)
    }

    /// Every (facet, id) chosen, facets in display order.
    pub fn iter(&self) -> impl Iterator<Item = (Facet, &str)> {
        self.selected
            .iter()
            .flat_map(|(f, ids)| ids.iter().map(move |id| (*f, id.as_str())))
    }

    /// The query pairs for these filters (`need=autism&tier=universal`).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        self.iter()
            .map(|(f, id)| (f.name(), id.to_string()))
            .collect()
    }

    /// The same filters without one value.
    pub fn without(&self, facet: Facet, id: &str) -> Filters {
        let mut f = self.clone();
        if let Some(values) = f.selected.get_mut(&facet) {
            values.retain(|v| v != id);
        }
        f
    }
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub q: String,
    pub filters: Filters,
    pub sort: Sort,
    /// From 1.
    pub page: usize,
    pub per_page: usize,
    /// The phase the reader said they work in ("I work in primary"): pages
    /// for it rank higher, unless the search filters by phase itself.
    pub prefer_phase: Option<String>,
}

impl SearchRequest {
    pub fn new(q: &str) -> Self {
        SearchRequest {
            q: truncate_query(q).to_string(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            page: 1,
            per_page: PER_PAGE,
            prefer_phase: None,
        }
    }
}

/// Cuts a query to [`MAX_QUERY_BYTES`] at a character boundary.
pub fn truncate_query(q: &str) -> &str {
    if q.len() <= MAX_QUERY_BYTES {
        return q;
    }
    let mut end = MAX_QUERY_BYTES;
    while !q.is_char_boundary(end) {
        end -= 1;
    }
    &q[..end]
}

/// One result: the page's position in the snapshot, its score and a snippet
/// (HTML: escaped text with `<mark>` around matched words).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub ord: usize,
    pub score: f32,
    pub snippet: String,
}

/// A snapshot's pages and where each slug stands among them.
#[derive(Debug, Clone, Copy)]
pub struct Pages<'a> {
    pub list: &'a [Arc<Page>],
    pub by_slug: &'a HashMap<String, usize>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub total: usize,
    /// The page of results shown, from 1: the one asked for, or the last
    /// page when the one asked for lies past it.
    pub page: usize,
    pub hits: Vec<SearchHit>,
    /// For each facet, (id, count) in taxonomy order, zero counts left out.
    /// A count is how many results ticking that value would give, with the
    /// other facets' choices kept.
    pub facets: BTreeMap<Facet, Vec<(String, u64)>>,
    /// The query with misspelt words corrected from the corpus's own words,
    /// when any word was corrected (results already include the corrections).
    pub did_you_mean: Option<String>,
    /// Set when no page matches all of the query's subject words: which of
    /// them the shown results match, and which no shown result does.
    pub partial: Option<Partial>,
}

/// The words of a query the results only partly answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Partial {
    /// Subject words (or synonym phrases) some top result matches.
    pub matched: Vec<String>,
    /// Subject words no top result matches.
    pub missing: Vec<String>,
    /// Whether some subject word is a real word no page contains at all
    /// ("mutism"): then there are no pages about the query yet.
    pub absent: bool,
    /// Every subject word, in the order typed.
    pub about: String,
}

impl SearchResults {
    /// How many results answer the whole query: none when only part of it
    /// was matched, so such a search counts as "searched and not found".
    pub fn found(&self) -> usize {
        if self.partial.is_some() {
            0
        } else {
            self.total
        }
    }
}

/// What a need area's own guidance page gains for a broad question about
/// the need: the guidance page filed under that area alone, other than its
/// descriptors of need. A need's name on its own ("dyspraxia") is as likely
/// to want its strategies, so the page gains less than for a question about
/// a child ("my son has ADHD, what should school do"), where the overview is
/// the answer.
const GUIDANCE: Score = 25.0;
/// What the area's own page gains when the query also asks or speaks of a
/// child: words of `stopwords.yaml` beside the need.
const GUIDANCE_FOR_A_QUESTION: Score = 40.0;
/// What the area's other guidance gains for the same question: its
/// descriptors of need (levels of need rather than the need itself) and
/// guidance filed under several areas (the law, funding). They answer it in
/// part, so they come after the area's own page, not before it.
const SHARED_GUIDANCE: Score = 15.0;
/// What a page for the reader's own phase gains ("I work in primary"):
/// enough to lift it past a page for another phase that matches as well,
/// not enough to lift a page that matches the words poorly.
const OWN_PHASE: Score = 3.0;

/// Words of need labels too general to name a need on their own.
const GENERIC: [&str; 8] = [
    "needs",
    "need",
    "and",
    "or",
    "difficulties",
    "learning",
    "impairment",
    "and/or",
];

/// Whether `run` stands in `words` as consecutive words.
fn contains_run(words: &[String], run: &[String]) -> bool {
    !run.is_empty() && words.windows(run.len()).any(|w| w == run)
}

/// A search finding fewer pages than this with most of its words is run
/// again needing any one of them.
const RELAX_UNDER: usize = 3;

/// Top results looked at to tell which words the results match.
const PARTIAL_TOP: usize = 5;

impl SearchIndex {
    /// The query for typed words: everything when there are none.
    fn text_query(&self, searcher: &Searcher, q: &str, relaxed: bool) -> super::text::Built {
        if q.trim().is_empty() {
            return super::text::Built {
                query: Box::new(AllQuery),
                did_you_mean: None,
                subjects: Vec::new(),
            };
        }
        let weighted = self.fields.weighted_text();
        let mut cx = super::text::Context {
            analyzer: self
                .index
                .tokenizer_for_field(self.fields.body)
                .expect("the body field has an analyser"),
            searcher,
            fields: &weighted,
            synonyms: &self.synonyms,
            vocabulary: &self.vocabulary,
            lexicon: &self.lexicon,
            title_words: Some(self.fields.title_words),
        };
        cx.build(q, relaxed)
    }

    /// For a query whose only subject names a need or an area of need
    /// ("my son is autistic, what should school do"), a clause that lifts
    /// the guidance pages of that area; `None` for any other query.
    fn area_guidance(
        &self,
        q: &str,
        subjects: &[super::text::Clause],
        taxonomy: &Taxonomy,
    ) -> Option<Box<dyn Query>> {
        let [subject] = subjects else {
            return None;
        };
        let asked = q
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| self.lexicon.stop.contains(&w.to_lowercase()));
        let own_lift = if asked {
            GUIDANCE_FOR_A_QUESTION
        } else {
            GUIDANCE
        };
        let mut areas: Vec<&str> = Vec::new();
        for (term, area) in taxonomy.needs_in_order() {
            let area_id = area.map_or(term.id, |a| a.id.as_str());
            let label = super::synonyms::words(term.label);
            let id = super::synonyms::words(term.id);
            let named = subject.alternatives.iter().any(|alternative| {
                let alt = super::synonyms::words(alternative);
                alt.iter().map(String::len).sum::<usize>() >= 3
                    && !alt.iter().any(|w| GENERIC.contains(&w.as_str()))
                    && (contains_run(&label, &alt) || contains_run(&id, &alt))
            });
            if named && !areas.contains(&area_id) {
                areas.push(area_id);
            }
        }
        if areas.is_empty() || areas.len() > 2 {
            return None;
        }
        let kind = self.fields.facet(Facet::KIND);
        let need = self.fields.facet(Facet::NEED);
        let facet_term = |field, path: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_facet(
                    field,
                    &TantivyFacet::from_text(path).expect("ids make valid paths"),
                ),
                IndexRecordOption::Basic,
            ))
        };
        // Descriptors of need are told apart by their title, as
        // `Page::is_descriptors` does.
        let descriptors = || -> Box<dyn Query> {
            let word = DESCRIPTORS_TITLE
                .split_whitespace()
                .next()
                .expect("the descriptors title has a word")
                .to_lowercase();
            Box::new(TermQuery::new(
                Term::from_field_text(self.fields.title_words, &word),
                IndexRecordOption::Basic,
            ))
        };
        let area_paths: Vec<(String, String)> = taxonomy
            .areas
            .iter()
            .filter_map(|a| Some((a.id.clone(), taxonomy.facet_path(Facet::NEED, &a.id)?)))
            .collect();
        let clauses = areas
            .iter()
            .filter_map(|area| Some((*area, taxonomy.facet_path(Facet::NEED, area)?)))
            .flat_map(|(area, path)| {
                let guidance = || -> Vec<(Occur, Box<dyn Query>)> {
                    vec![
                        (Occur::Must, facet_term(kind, "/guidance")),
                        (Occur::Must, facet_term(need, &path)),
                    ]
                };
                let elsewhere = || {
                    area_paths
                        .iter()
                        .filter(|(id, _)| id != area)
                        .map(|(_, other)| (Occur::Should, facet_term(need, other)))
                        .chain([(Occur::Should, descriptors())])
                        .collect::<Vec<_>>()
                };
                let mut own = guidance();
                own.extend(elsewhere().into_iter().map(|(_, q)| (Occur::MustNot, q)));
                let mut shared = guidance();
                shared.push((Occur::Must, Box::new(BooleanQuery::new(elsewhere()))));
                [(own, own_lift), (shared, SHARED_GUIDANCE)].map(|(clauses, lift)| {
                    let both: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
                    (
                        Occur::Should,
                        Box::new(ConstScoreQuery::new(both, lift)) as Box<dyn Query>,
                    )
                })
            })
            .collect();
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// One facet's filter: pages filed under any of `paths` (see [`facet_paths`]).
    fn facet_filter(&self, facet: Facet, paths: &[String]) -> Box<dyn Query> {
        let field = self.fields.facet(facet);
        let clauses = paths
            .iter()
            .map(|path| {
                let term = Term::from_facet(
                    field,
                    &TantivyFacet::from_text(path).expect("ids make valid paths"),
                );
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        // Filters narrow the results without changing their scores.
        Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(clauses)),
            0.0,
        ))
    }

    /// Runs a search against this snapshot's generation of the index;
    /// `pages` finds a hit's page by slug. When most of the words together find nothing, the search runs
    /// again needing any one of them.
    pub fn search(
        &self,
        request: &SearchRequest,
        pages: &Pages,
        taxonomy: &Taxonomy,
    ) -> tantivy::Result<SearchResults> {
        // The offset sizes the collector's heap (tantivy reserves twice
        // limit + offset slots), so it never follows the request past the
        // number of documents: a page past the last shows the last.
        let per_page = request.per_page.clamp(1, MAX_PER_PAGE);
        let documents = usize::try_from(self.searcher.num_docs()).unwrap_or(usize::MAX);
        let mut bounded = request.clone();
        bounded.per_page = per_page;
        bounded.page = request.page.clamp(1, last_page(documents, per_page));
        let mut relaxed = false;
        let mut results = self.search_once(&bounded, pages, taxonomy, relaxed)?;
        if results.total < RELAX_UNDER && !request.q.trim().is_empty() {
            // Too few pages hold most of the words: rank every page holding
            // any of them, so a page strong on one word is not lost (pages
            // holding more of the words still score higher).
            let wider = self.search_once(&bounded, pages, taxonomy, true)?;
            if wider.total > results.total {
                relaxed = true;
                results = wider;
            }
        }
        let last = last_page(results.total, per_page);
        if bounded.page > last {
            // Asked for a page past the last one these words fill.
            bounded.page = last;
            results = self.search_once(&bounded, pages, taxonomy, relaxed)?;
        }
        Ok(results)
    }

    fn search_once(
        &self,
        request: &SearchRequest,
        pages: &Pages,
        taxonomy: &Taxonomy,
        relaxed: bool,
    ) -> tantivy::Result<SearchResults> {
        let searcher = &self.searcher;
        let q = truncate_query(&request.q);
        let built = self.text_query(searcher, q, relaxed);
        let text = built.query;
        let per_page = request.per_page.max(1);
        let offset = (request.page.max(1) - 1).saturating_mul(per_page);
        let sort = match request.sort {
            // With no words to rank by, "best match" lists A to Z.
            Sort::Relevance if q.trim().is_empty() => Sort::Title,
            s => s,
        };

        // One search for the results and every facet's counts: the words
        // and all but at most one facet's filter, the filters checked again
        // page by page in the collector (see `facets`).
        let table = &taxonomy.facets;
        let mut filters = Vec::new();
        let mut selected: Vec<Option<Vec<String>>> = vec![None; table.len()];
        for facet in table.iter() {
            let ids = request.filters.get(facet);
            if !ids.is_empty() {
                let paths = facet_paths(facet, ids, taxonomy);
                filters.push(self.facet_filter(facet, &paths));
                selected[facet.index()] = Some(paths);
            }
        }
        // A broad question about a need ranks its area's guidance high.
        let ranked: Box<dyn Query> = match self.area_guidance(q, &built.subjects, taxonomy) {
            Some(boost) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, text.box_clone()),
                (Occur::Should, boost),
            ])),
            None => text.box_clone(),
        };
        // The reader's phase, unless the search picks phases itself. Pages
        // for every phase are filed under each, so they gain it too.
        let ranked = match request.prefer_phase.as_deref() {
            Some(phase) if request.filters.get(Facet::PHASE).is_empty() && !q.trim().is_empty() => {
                match taxonomy.facet_path(Facet::PHASE, phase) {
                    Some(path) => {
                        let term = Term::from_facet(
                            self.fields.facet(Facet::PHASE),
                            &TantivyFacet::from_text(&path).expect("ids make valid paths"),
                        );
                        let own: Box<dyn Query> =
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                        Box::new(BooleanQuery::new(vec![
                            (Occur::Must, ranked),
                            (
                                Occur::Should,
                                Box::new(ConstScoreQuery::new(own, OWN_PHASE)),
                            ),
                        ])) as Box<dyn Query>
                    }
                    None => ranked,
                }
            }
            _ => ranked,
        };
        let query = facets::query(ranked, filters);
        let areas: Vec<String> = taxonomy.areas.iter().map(|a| a.id.clone()).collect();
        let (total, top, counts) = if sort == Sort::Title {
            let collector = FacetPass::new(
                table,
                selected,
                areas,
                Arc::clone(&self.facet_values),
                // Equal titles in slug order, as equal scores are.
                TopDocs::with_limit(per_page).and_offset(offset).order_by((
                    (SortByString::for_field("title_sort"), Order::Asc),
                    (SortByStaticFastValue::<u64>::for_field("tie"), Order::Desc),
                )),
            );
            let fruit = searcher.search(&*query, &collector)?;
            let top: Vec<(Score, DocAddress)> =
                fruit.inner.into_iter().map(|(_, a)| (0.0, a)).collect();
            (fruit.total, top, fruit.counts)
        } else {
            let collector = FacetPass::new(
                table,
                selected,
                areas,
                Arc::clone(&self.facet_values),
                top_collector(sort, per_page, offset),
            );
            let fruit = searcher.search(&*query, &collector)?;
            // Filters alone score nothing (tantivy drops "every page" from a
            // conjunction), though the query run here may be "every page"
            // by itself.
            let scoreless = q.trim().is_empty() && !request.filters.is_empty();
            let top: Vec<(Score, DocAddress)> = fruit
                .inner
                .into_iter()
                .map(|(k, a)| (if scoreless { 0.0 } else { k.score }, a))
                .collect();
            (fruit.total, top, fruit.counts)
        };
        let facets = table
            .iter()
            .map(|facet| (facet, ordered_counts(facet, &counts, taxonomy)))
            .collect();

        let partial = partial(searcher, &built.subjects, &top);
        let snippets = self.snippets(searcher, &*text)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let Some((ord, page)) = self.page_of(searcher, address, pages)? else {
                continue;
            };
            hits.push(SearchHit {
                ord,
                score,
                snippet: snippet(snippets.as_ref(), page),
            });
        }
        Ok(SearchResults {
            total,
            page: request.page,
            hits,
            facets,
            did_you_mean: built.did_you_mean,
            partial,
        })
    }

    /// The page a hit stands for, found by its stored slug.
    fn page_of<'p>(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        pages: &'p Pages,
    ) -> tantivy::Result<Option<(usize, &'p Page)>> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let slug = doc
            .get_first(self.fields.slug)
            .and_then(|v| v.as_str())
            .unwrap_or("");
        Ok(pages
            .by_slug
            .get(slug)
            .and_then(|&i| pages.list.get(i).map(|p| (i, &**p))))
    }

    /// The snippet maker for a query's words, or `None` when the query has
    /// no words (everything, or filters alone).
    fn snippets(&self, searcher: &Searcher, text: &dyn Query) -> tantivy::Result<Option<Snippets>> {
        Snippets::create(searcher, text, self.fields.body, SNIPPET_CHARS)
    }
}

/// Which subject words the top results match, when none of the top results
/// matches them all (the search needed only some of them, or a real word of
/// the query is in no page). `None` when a top result matches every subject
/// word, or when nothing was found and every word is in some page.
fn partial(
    searcher: &Searcher,
    subjects: &[super::text::Clause],
    top: &[(Score, DocAddress)],
) -> Option<Partial> {
    let absent = subjects.iter().any(|c| c.absent);
    if subjects.is_empty() || (top.is_empty() && !absent) {
        return None;
    }
    let mut firsts: Vec<DocAddress> = top.iter().take(PARTIAL_TOP).map(|(_, a)| *a).collect();
    firsts.sort_unstable();
    // For each clause, which of the top results it matches, one bit each.
    let masks: Vec<u32> = subjects
        .iter()
        .map(|c| {
            if c.absent {
                0
            } else {
                matched_of(searcher, &*c.query, &firsts)
            }
        })
        .collect();
    if masks.iter().fold(u32::MAX, |all, m| all & m) != 0 {
        return None;
    }
    let mut out = Partial {
        absent,
        about: subjects
            .iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        ..Partial::default()
    };
    for (clause, mask) in subjects.iter().zip(masks) {
        if mask != 0 {
            out.matched.push(clause.label.clone());
        } else {
            out.missing.push(clause.label.clone());
        }
    }
    Some(out)
}

/// Which of `addresses` (sorted, at most 32) `query` matches, as bits: each
/// segment's matches are walked forward to those documents, never back.
fn matched_of(searcher: &Searcher, query: &dyn Query, addresses: &[DocAddress]) -> u32 {
    let Ok(weight) = query.weight(EnableScoring::disabled_from_searcher(searcher)) else {
        return 0;
    };
    let mut mask = 0;
    let mut segment = None;
    let mut scorer: Option<Box<dyn tantivy::query::Scorer>> = None;
    for (i, address) in addresses.iter().enumerate() {
        if segment != Some(address.segment_ord) {
            segment = Some(address.segment_ord);
            scorer = weight
                .scorer(searcher.segment_reader(address.segment_ord), 1.0)
                .ok();
        }
        let Some(s) = scorer.as_mut() else {
            continue;
        };
        if s.doc() > address.doc_id {
            continue;
        }
        if s.seek(address.doc_id) == address.doc_id {
            mask |= 1 << i;
        }
    }
    mask
}

/// The top-results collector for a sort order. Every order yields the
/// relevance score too, so results can always report it.
fn top_collector(
    sort: Sort,
    limit: usize,
    offset: usize,
) -> impl tantivy::collector::Collector<Fruit = Vec<(SortKey, DocAddress)>> {
    TopDocs::with_limit(limit)
        .and_offset(offset)
        .tweak_score(move |segment: &SegmentReader| {
            let column = |name: &str| {
                segment
                    .fast_fields()
                    .i64(name)
                    .map(|c| c.first_or_default_col(0))
                    .ok()
            };
            let key_column = match sort {
                Sort::Updated => column("updated"),
                Sort::Relevance | Sort::Title => None,
            };
            let tie_column = tie_column(segment);
            move |doc: DocId, score: Score| {
                let key = key_column.as_ref().map_or(0, |c| c.get_val(doc));
                let tie = tie_column.as_ref().map_or(0, |c| c.get_val(doc));
                SortKey { key, score, tie }
            }
        })
}

/// A segment's tie-break column (see `Fields::tie`).
fn tie_column(segment: &SegmentReader) -> Option<Arc<dyn tantivy::columnar::ColumnValues<u64>>> {
    segment
        .fast_fields()
        .u64("tie")
        .map(|c| c.first_or_default_col(0))
        .ok()
}

/// Primary key (a review date, or 0 for relevance), then score, then the
/// page's tie-break value, so equal scores keep one order (slug order)
/// whichever segment each page landed in.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct SortKey {
    key: i64,
    score: Score,
    tie: u64,
}

/// Chosen ids as the facet paths pages are filed under: a need under its
/// area. The same paths make the query's filter and the collector's check.
fn facet_paths(facet: Facet, ids: &[String], taxonomy: &Taxonomy) -> Vec<String> {
    ids.iter()
        .filter_map(|id| taxonomy.facet_path(facet, id))
        .collect()
}

/// One facet's counts in taxonomy order, zero counts left out. Values are
/// matched to the taxonomy by id: the values under the root first, then the
/// needs of each area (a need's count wins over an area of the same id).
fn ordered_counts(
    facet: Facet,
    counts: &HashMap<Key, u64>,
    taxonomy: &Taxonomy,
) -> Vec<(String, u64)> {
    let mut mine: Vec<(&Option<String>, &str, u64)> = counts
        .iter()
        .filter(|((f, _, _), n)| *f == facet.index() && **n > 0)
        .map(|((_, area, id), n)| (area, id.as_str(), *n))
        .collect();
    mine.sort_unstable_by(|a, b| a.1.cmp(b.1));
    let mut by_id: HashMap<&str, u64> = HashMap::new();
    for (area, id, n) in &mine {
        if area.is_none() {
            by_id.insert(id, *n);
        }
    }
    if facet.is_areas() {
        for area in &taxonomy.areas {
            for (_, id, n) in mine
                .iter()
                .filter(|(a, _, _)| a.as_deref() == Some(area.id.as_str()))
            {
                by_id.insert(id, *n);
            }
        }
    }
    taxonomy
        .terms(facet)
        .into_iter()
        .filter_map(|t| by_id.get(t.id).map(|c| (t.id.to_string(), *c)))
        .collect()
}

fn snippet(snippets: Option<&Snippets>, page: &Page) -> String {
    // One read of the text, which may come from the file of page bodies.
    let text = page.text();
    if let Some(html) = snippets.and_then(|s| s.html(&text, &page.meta.summary)) {
        return html;
    }
    // No word of the query in the text: its first full paragraph that does
    // not repeat the summary, in whole sentences.
    let summary = page.meta.summary.to_lowercase();
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.ends_with(['.', '!', '?']) && !summary.contains(&l.to_lowercase()))
        .unwrap_or("");
    if line.len() <= SNIPPET_CHARS {
        return escape_html(line);
    }
    let mut half = SNIPPET_CHARS / 2;
    while !line.is_char_boundary(half) {
        half -= 1;
    }
    let (_, stop) = super::snippet::sentences(line, 0, half, SNIPPET_CHARS / 2);
    if line[..stop].ends_with(['.', '!', '?']) {
        escape_html(&line[..stop])
    } else {
        escape_html(&first_chars(line, SNIPPET_CHARS))
    }
}

/// The first `n` characters of a text with its whitespace collapsed, and
/// "…" when there was more. Stops reading once it has them: page texts run
/// to several kilobytes.
fn first_chars(text: &str, n: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > n {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += word.chars().count();
    }
    match out.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", out[..i].trim_end()),
        None => out,
    }
}

/// Escapes text for HTML element content and attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
