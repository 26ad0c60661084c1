//! Running a search: lenient text matching with field boosts, filters that
//! OR within a facet and AND across facets, facet counts that show what
//! ticking each value would give, sorting, paging and `<mark>` snippets.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tantivy::collector::{Count, FacetCollector, FacetCounts, MultiCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Facet as TantivyFacet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocId, Order, Score, Searcher, SegmentReader, TantivyDocument, Term};

use crate::content::Page;
use crate::taxonomy::{Facet, Taxonomy};

use super::build::SearchIndex;

/// Results per page.
pub const PER_PAGE: usize = 20;
/// A longer query is cut to this many bytes (at a character boundary).
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Characters of body text in a snippet.
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

    pub fn parse(s: &str) -> Result<Sort, String> {
        Sort::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| {
                format!("unknown sort \"{s}\"; expected one of: relevance, updated, title")
            })
    }
}

/// Chosen filter values by facet, every id checked against the taxonomy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    selected: BTreeMap<Facet, Vec<String>>,
}

impl Filters {
    /// Adds a value after checking it; repeated values are kept once.
    pub fn add(&mut self, facet: Facet, id: &str, taxonomy: &Taxonomy) -> Result<(), String> {
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
}

impl SearchRequest {
    pub fn new(q: &str) -> Self {
        SearchRequest {
            q: truncate_query(q).to_string(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            page: 1,
            per_page: PER_PAGE,
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
    pub hits: Vec<SearchHit>,
    /// For each facet, (id, count) in taxonomy order, zero counts left out.
    /// A count is how many results ticking that value would give, with the
    /// other facets' choices kept.
    pub facets: BTreeMap<Facet, Vec<(String, u64)>>,
    /// The query with misspelt words corrected from the corpus's own words,
    /// when any word was corrected (results already include the corrections).
    pub did_you_mean: Option<String>,
}

impl SearchIndex {
    /// The query for typed words: everything when there are none.
    fn text_query(&self, searcher: &Searcher, q: &str, relaxed: bool) -> super::text::Built {
        if q.trim().is_empty() {
            return super::text::Built {
                query: Box::new(AllQuery),
                did_you_mean: None,
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
        };
        cx.build(q, relaxed)
    }

    fn facet_filter(&self, facet: Facet, ids: &[String], taxonomy: &Taxonomy) -> Box<dyn Query> {
        let field = self.fields.facet(facet);
        let clauses = ids
            .iter()
            .filter_map(|id| match facet {
                Facet::Need => taxonomy.need_path(id),
                _ => Some(format!("/{id}")),
            })
            .map(|path| {
                let term = Term::from_facet(
                    field,
                    &TantivyFacet::from_text(&path).expect("ids make valid paths"),
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

    /// The text query AND every facet's filter, except `skip`'s.
    fn combined(
        &self,
        text: &dyn Query,
        filters: &Filters,
        skip: Option<Facet>,
        taxonomy: &Taxonomy,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text.box_clone())];
        for facet in Facet::ALL {
            let ids = filters.get(facet);
            if Some(facet) != skip && !ids.is_empty() {
                clauses.push((Occur::Must, self.facet_filter(facet, ids, taxonomy)));
            }
        }
        if clauses.len() == 1 {
            return text.box_clone();
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Collectors for a facet's counts. tantivy counts the children of each
    /// registered facet but refuses a facet under another registered one, so
    /// needs take two: one for the areas (children of the root) and one for
    /// the needs (children of each area).
    fn facet_collectors(facet: Facet, taxonomy: &Taxonomy) -> Vec<FacetCollector> {
        let mut top = FacetCollector::for_field(facet.name());
        top.add_facet(TantivyFacet::root());
        let mut collectors = vec![top];
        if facet == Facet::Need && !taxonomy.areas.is_empty() {
            let mut children = FacetCollector::for_field(facet.name());
            for area in &taxonomy.areas {
                children.add_facet(
                    TantivyFacet::from_text(&format!("/{}", area.id))
                        .expect("area ids make valid paths"),
                );
            }
            collectors.push(children);
        }
        collectors
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
        let results = self.search_once(request, pages, taxonomy, false)?;
        if results.total == 0 && !request.q.trim().is_empty() {
            return self.search_once(request, pages, taxonomy, true);
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

        // One search for the results and the counts of every facet with no
        // selection; one more per facet with a selection (its own choice left
        // out, so its counts show what ticking another value would add).
        let main = self.combined(&*text, &request.filters, None, taxonomy);
        let mut multi = MultiCollector::new();
        let count_handle = multi.add_collector(Count);
        // A to Z sorts on a string column, in a search of its own below.
        let top_handle = (sort != Sort::Title)
            .then(|| multi.add_collector(top_collector(sort, per_page, offset)));
        let mut shared = Vec::new();
        let mut own = Vec::new();
        for facet in Facet::ALL {
            if request.filters.get(facet).is_empty() {
                let handles: Vec<_> = Self::facet_collectors(facet, taxonomy)
                    .into_iter()
                    .map(|c| multi.add_collector(c))
                    .collect();
                shared.push((facet, handles));
            } else {
                own.push(facet);
            }
        }
        let mut fruits = searcher.search(&*main, &multi)?;
        let total = count_handle.extract(&mut fruits);
        let top: Vec<(Score, DocAddress)> = match top_handle {
            Some(handle) => handle
                .extract(&mut fruits)
                .into_iter()
                .map(|(k, a)| (k.score, a))
                .collect(),
            None => searcher
                .search(
                    &*main,
                    &TopDocs::with_limit(per_page)
                        .and_offset(offset)
                        .order_by_string_fast_field("title_sort", Order::Asc),
                )?
                .into_iter()
                .map(|(_, a)| (0.0, a))
                .collect(),
        };

        let mut facets = BTreeMap::new();
        for (facet, handles) in shared {
            let counts: Vec<FacetCounts> = handles
                .into_iter()
                .map(|h| h.extract(&mut fruits))
                .collect();
            facets.insert(facet, ordered_counts(facet, &counts, taxonomy));
        }
        for facet in own {
            let query = self.combined(&*text, &request.filters, Some(facet), taxonomy);
            let mut own_multi = MultiCollector::new();
            let handles: Vec<_> = Self::facet_collectors(facet, taxonomy)
                .into_iter()
                .map(|c| own_multi.add_collector(c))
                .collect();
            let mut own_fruits = searcher.search(&*query, &own_multi)?;
            let counts: Vec<FacetCounts> = handles
                .into_iter()
                .map(|h| h.extract(&mut own_fruits))
                .collect();
            facets.insert(facet, ordered_counts(facet, &counts, taxonomy));
        }

        let snippets = self.snippet_generator(searcher, &*text)?;
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
            hits,
            facets,
            did_you_mean: built.did_you_mean,
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

    fn snippet_generator(
        &self,
        searcher: &Searcher,
        text: &dyn Query,
    ) -> tantivy::Result<Option<SnippetGenerator>> {
        let mut terms = 0;
        text.query_terms(&mut |_, _| terms += 1);
        if terms == 0 {
            return Ok(None);
        }
        let mut generator = SnippetGenerator::create(searcher, text, self.fields.body)?;
        generator.set_max_num_chars(SNIPPET_CHARS);
        Ok(Some(generator))
    }
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
            move |doc: DocId, score: Score| {
                let key = key_column.as_ref().map_or(0, |c| c.get_val(doc));
                SortKey { key, score }
            }
        })
}

/// Primary key (a review date, or 0 for relevance), then score.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct SortKey {
    key: i64,
    score: Score,
}

fn ordered_counts(facet: Facet, counts: &[FacetCounts], taxonomy: &Taxonomy) -> Vec<(String, u64)> {
    let mut by_id: HashMap<String, u64> = HashMap::new();
    let mut collect = |counts: &FacetCounts, prefix: &str| {
        for (f, count) in counts.get(prefix) {
            if let Some(id) = f.to_path().last() {
                by_id.insert((*id).to_string(), count);
            }
        }
    };
    if let Some(top) = counts.first() {
        collect(top, "/");
    }
    if let (Facet::Need, Some(children)) = (facet, counts.get(1)) {
        for area in &taxonomy.areas {
            collect(children, &format!("/{}", area.id));
        }
    }
    taxonomy
        .terms(facet)
        .into_iter()
        .filter_map(|t| {
            by_id
                .get(t.id)
                .filter(|c| **c > 0)
                .map(|c| (t.id.to_string(), *c))
        })
        .collect()
}

fn snippet(generator: Option<&SnippetGenerator>, page: &Page) -> String {
    if let Some(generator) = generator {
        let mut s = generator.snippet(&page.text);
        if !s.highlighted().is_empty() {
            s.set_snippet_prefix_postfix("<mark>", "</mark>");
            return s.to_html();
        }
    }
    escape_html(&first_chars(&page.text, SNIPPET_CHARS))
}

fn first_chars(text: &str, n: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", flat[..i].trim_end()),
        None => flat,
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
