//! Facet counts for every facet in the same pass as the results.
//!
//! A facet's count for a value is how many results ticking that value would
//! give with the other facets' choices kept: for a facet with no selection,
//! the results' own values; for a facet with a selection, the values of the
//! pages that pass every filter but possibly that facet's own. One search
//! finds both: it runs the words with "all but at most one facet's filter"
//! ([`query`]), and this collector checks each page's facet values
//! against every filter itself, passing the pages that meet them all on to
//! the results collector and counting the rest towards the one facet they
//! fail. The counts are those tantivy's `FacetCollector` gave (a page counts
//! once towards each value it is filed under: areas, and needs within an
//! area), without one collector and one more search per facet.
//!
//! Reading every facet column for every matching page cost as much as the
//! matching itself, so each segment's values are read once into one flat
//! list per page and kept by [`FacetWarmer`], a tantivy warmer: the first
//! search that meets a segment reads it, and the warmer lets it go when no
//! searcher holds that segment any more. It lives as long as the index
//! that made it, so no other index in the process shares or evicts it.
//! Reading on first use rather than in `warm` keeps the work out of the
//! build (about 2% of it at 10,000 pages), where a reload that only
//! publishes a snapshot would pay for values it may never count.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::schema::Facet as TantivyFacet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};
use tantivy::{Searcher, SearcherGeneration, Warmer};

use crate::facet::Facets;

/// A facet value counted: its facet (its place in the table), the area it
/// sits in for a need (`None` for a value directly under the root), and its
/// id.
pub type Key = (usize, Option<String>, String);

/// Every facet value of every page of one segment.
struct SegmentValues {
    /// For each value: its facet's place in the table, and its path.
    values: Vec<(usize, Vec<String>)>,
    /// Page `d`'s values are `ids[starts[d]..starts[d + 1]]`.
    starts: Vec<u32>,
    ids: Vec<u32>,
}

impl SegmentValues {
    /// Reads a segment's values: a segment's documents never change
    /// (deletions only hide them, and hidden pages are never collected).
    fn read(fields: &[&'static str], reader: &SegmentReader) -> tantivy::Result<SegmentValues> {
        let mut values = Vec::new();
        let mut readers = Vec::new();
        let mut facet = TantivyFacet::root();
        for (f, field) in fields.iter().enumerate() {
            let facet_reader = reader.facet_reader(field)?;
            let base = values.len() as u32;
            for ord in 0..facet_reader.num_facets() as u64 {
                facet_reader.facet_from_ord(ord, &mut facet)?;
                let path = facet.to_path().into_iter().map(str::to_string).collect();
                values.push((f, path));
            }
            readers.push((base, facet_reader));
        }
        let max_doc = reader.max_doc();
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ids = Vec::new();
        for doc in 0..max_doc {
            starts.push(ids.len() as u32);
            for (base, facet_reader) in &readers {
                ids.extend(facet_reader.facet_ords(doc).map(|ord| base + ord as u32));
            }
        }
        starts.push(ids.len() as u32);
        Ok(SegmentValues {
            values,
            starts,
            ids,
        })
    }
}

/// The facet values of each segment an index's searchers can see.
///
/// Registered with the index's reader as a [`Warmer`]: the reader holds it
/// weakly and the index strongly, so it is dropped with the index.
pub struct FacetWarmer {
    /// The facet fields, in table order.
    fields: Vec<&'static str>,
    segments: RwLock<HashMap<SegmentId, Arc<SegmentValues>>>,
}

impl FacetWarmer {
    pub fn new(facets: &Facets) -> FacetWarmer {
        FacetWarmer {
            fields: facets.iter().map(|f| f.name()).collect(),
            segments: RwLock::new(HashMap::new()),
        }
    }

    /// A segment's values: kept from an earlier search, or read now and
    /// kept. Two searches meeting a new segment at once may both read it;
    /// the values are the same, and one copy is kept.
    fn values(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentValues>> {
        let id = reader.segment_id();
        let kept = self
            .segments
            .read()
            .map_err(|_| poisoned())?
            .get(&id)
            .cloned();
        if let Some(values) = kept {
            return Ok(values);
        }
        let values = Arc::new(SegmentValues::read(&self.fields, reader)?);
        Ok(self
            .segments
            .write()
            .map_err(|_| poisoned())?
            .entry(id)
            .or_insert(values)
            .clone())
    }

    /// How many segments' values are held (for tests).
    pub fn segments_held(&self) -> usize {
        self.segments.read().map_or(0, |s| s.len())
    }
}

fn poisoned() -> tantivy::TantivyError {
    tantivy::TantivyError::InternalError("facet values lock poisoned".into())
}

impl Warmer for FacetWarmer {
    /// Nothing to do ahead of a search: values are read on first use (see
    /// the module's note). The warmer is here for `garbage_collect`.
    fn warm(&self, _searcher: &Searcher) -> tantivy::Result<()> {
        Ok(())
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        let live: HashSet<SegmentId> = live_generations
            .iter()
            .flat_map(|g| g.segments().keys().copied())
            .collect();
        if let Ok(mut segments) = self.segments.write() {
            segments.retain(|id, _| live.contains(id));
        }
    }
}

/// The filters of one search and the collector of its results and counts.
pub struct FacetPass<C> {
    /// Per facet (table order): the chosen paths, when any were
    /// chosen. A page passes when one of its values is a chosen path or
    /// under one, as a facet term query matches.
    selected: Vec<Option<Vec<Vec<String>>>>,
    /// The facets (bits by place in the table) whose values sit under areas.
    area_facets: u64,
    /// The areas whose needs are counted one by one.
    areas: Vec<String>,
    values: Arc<FacetWarmer>,
    /// Collects the pages that pass every filter.
    inner: C,
}

/// What a [`FacetPass`] gives: the inner collector's fruit, how many pages
/// passed every filter, and each counted value's count.
pub struct Counted<F> {
    pub inner: F,
    pub total: usize,
    pub counts: HashMap<Key, u64>,
}

impl<C: Collector> FacetPass<C> {
    /// `selected` holds, per facet of `facets` in order, the chosen facet
    /// paths (`/area/need`, `/primary`), when any were chosen; `values`
    /// gives each segment's facet values.
    pub fn new(
        facets: &Facets,
        selected: Vec<Option<Vec<String>>>,
        areas: Vec<String>,
        values: Arc<FacetWarmer>,
        inner: C,
    ) -> Self {
        assert_eq!(selected.len(), facets.len(), "one selection per facet");
        let area_facets = facets
            .iter()
            .filter(|f| f.is_areas())
            .fold(0u64, |mask, f| mask | 1 << f.index());
        FacetPass {
            selected: selected
                .into_iter()
                .map(|paths| {
                    paths.map(|paths| {
                        paths
                            .iter()
                            .map(|p| {
                                p.split('/')
                                    .filter(|c| !c.is_empty())
                                    .map(str::to_string)
                                    .collect()
                            })
                            .collect()
                    })
                })
                .collect(),
            area_facets,
            areas,
            values,
            inner,
        }
    }
}

/// The query to run: the words and all but at most one of the facet
/// filters (`filters`, each facet's as one query). With one filter or none,
/// that is the words alone.
pub fn query(text: Box<dyn Query>, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if filters.len() < 2 {
        return text;
    }
    let need = filters.len() - 1;
    let most = BooleanQuery::with_minimum_required_clauses(
        filters.into_iter().map(|f| (Occur::Should, f)).collect(),
        need,
    );
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, text),
        (Occur::Must, Box::new(most)),
    ]))
}

impl<C: Collector> Collector for FacetPass<C> {
    type Fruit = Counted<C::Fruit>;
    type Child = FacetSegment<C::Child>;

    fn for_segment(
        &self,
        segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let inner = self.inner.for_segment(segment_local_id, segment)?;
        let values = self.values.values(segment)?;
        let mut keys: Vec<Key> = Vec::new();
        let mut key_ids: HashMap<Key, u32> = HashMap::new();
        let mut bucket = |key: Key| -> u32 {
            *key_ids.entry(key.clone()).or_insert_with(|| {
                keys.push(key);
                keys.len() as u32 - 1
            })
        };
        let n = values.values.len();
        let (mut pass, mut bit, mut top, mut child) =
            (vec![0u64; n], vec![0u64; n], vec![NONE; n], vec![NONE; n]);
        let mut selected_mask = 0u64;
        for (f, paths) in self.selected.iter().enumerate() {
            if paths.is_some() {
                selected_mask |= 1 << f;
            }
        }
        for (i, (f, path)) in values.values.iter().enumerate() {
            bit[i] = 1 << f;
            if let Some(paths) = &self.selected[*f]
                && paths.iter().any(|p| path.starts_with(p))
            {
                pass[i] = 1 << f;
            }
            if let Some(first) = path.first() {
                top[i] = bucket((*f, None, first.clone()));
            }
            if self.area_facets & (1 << f) != 0
                && path.len() >= 2
                && self.areas.iter().any(|a| *a == path[0])
            {
                child[i] = bucket((*f, Some(path[0].clone()), path[1].clone()));
            }
        }
        let buckets = keys.len();
        Ok(FacetSegment {
            inner,
            values,
            pass,
            bit,
            top,
            child,
            keys,
            counts: vec![0; buckets],
            stamps: vec![0; buckets],
            selected_mask,
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<<Self::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut total = 0;
        let mut counts: HashMap<Key, u64> = HashMap::new();
        let mut inner = Vec::with_capacity(segment_fruits.len());
        for fruit in segment_fruits {
            total += fruit.total;
            for (key, n) in fruit.counts {
                *counts.entry(key).or_insert(0) += n;
            }
            inner.push(fruit.inner);
        }
        Ok(Counted {
            inner: self.inner.merge_fruits(inner)?,
            total,
            counts,
        })
    }
}

/// No bucket: a value that is not counted at this level.
const NONE: u32 = u32::MAX;

/// One segment's collection.
pub struct FacetSegment<S> {
    inner: S,
    values: Arc<SegmentValues>,
    /// Per value: its facet's bit when it meets that facet's filter.
    pass: Vec<u64>,
    /// Per value: its facet's bit.
    bit: Vec<u64>,
    /// Per value: its bucket under the root, and (needs) within its area.
    top: Vec<u32>,
    child: Vec<u32>,
    keys: Vec<Key>,
    counts: Vec<u64>,
    /// Per bucket: the last page counted (plus one), so a page filed twice
    /// under one area counts once.
    stamps: Vec<u32>,
    /// The facets with a selection.
    selected_mask: u64,
    total: usize,
}

impl<S: SegmentCollector> SegmentCollector for FacetSegment<S> {
    type Fruit = Counted<S::Fruit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let values = &*self.values;
        let ids = &values.ids[values.starts[doc as usize] as usize..]
            [..(values.starts[doc as usize + 1] - values.starts[doc as usize]) as usize];
        let mut passed = 0u64;
        if self.selected_mask != 0 {
            for &id in ids {
                passed |= self.pass[id as usize];
            }
        }
        let failed = self.selected_mask & !passed;
        if failed == 0 {
            self.total += 1;
            self.inner.collect(doc, score);
        } else if !failed.is_power_of_two() {
            return;
        }
        let stamp = doc + 1;
        for &id in ids {
            let id = id as usize;
            // A page failing one filter counts towards that facet alone.
            if failed != 0 && self.bit[id] != failed {
                continue;
            }
            for b in [self.top[id], self.child[id]] {
                if b != NONE && self.stamps[b as usize] != stamp {
                    self.stamps[b as usize] = stamp;
                    self.counts[b as usize] += 1;
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let counts = self
            .keys
            .into_iter()
            .zip(self.counts)
            .filter(|(_, n)| *n > 0)
            .collect();
        Counted {
            inner: self.inner.harvest(),
            total: self.total,
            counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::content::LoadOptions;
    use crate::site::Site;

    #[test]
    fn segment_values_are_read_on_first_search_and_go_with_their_index() {
        let site = Site::load(&LoadOptions::new("tests/fixtures/valid")).expect("fixture loads");
        let warmer = Arc::downgrade(&site.search.facet_values);
        let segments = site.search.searcher.segment_readers().len();
        assert!(segments >= 1);
        let held = || warmer.upgrade().map(|w| w.segments_held());
        assert_eq!(held(), Some(0), "nothing is read before a search");
        let request = crate::search::parse_search(Some("q=reading"), &site.taxonomy).unwrap();
        site.search(&request).expect("search runs");
        assert_eq!(held(), Some(segments), "a search reads every segment once");
        site.search(&request).expect("search runs");
        assert_eq!(
            held(),
            Some(segments),
            "and the next search reads none again"
        );
        drop(site);
        assert!(
            warmer.upgrade().is_none(),
            "nothing outside the index keeps its facet values"
        );
    }
}
