//! The record list's counts per status and Themenfeld, kept per filter while the data is
//! unchanged. Counting reads every record of the list (all of Thüringen: about 256,000; all
//! of Germany unfiltered: millions), its page only a few dozen: a client that pages through a
//! list, or asks for it again before the next edit, pays for the counting once. As with the
//! dashboard's views (`dashboard_cache.rs`), counts are only served under the data generation
//! they were counted at, which every write transaction raises: they are never stale.

use crate::storage::RecordFilter;
use app::domain::RecordFacets;
use std::sync::Arc;

/// Filters kept at most; an entry is a few dozen counts. The least recently used go first.
const FILTERS_KEPT: usize = 256;

pub struct RecordCountsCache {
    counts: quick_cache::sync::Cache<RecordFilter, (i64, Arc<RecordFacets>)>,
}

impl Default for RecordCountsCache {
    fn default() -> Self {
        Self {
            counts: quick_cache::sync::Cache::new(FILTERS_KEPT),
        }
    }
}

impl RecordCountsCache {
    /// The counts of `filter` if they were counted under `generation`.
    pub fn get(&self, filter: &RecordFilter, generation: i64) -> Option<Arc<RecordFacets>> {
        self.counts
            .get(filter)
            .filter(|(counted_at, _)| *counted_at == generation)
            .map(|(_, counts)| counts)
    }

    /// Keeps `counts`, counted from the data of `generation` (read before the data was).
    pub fn put(&self, filter: &RecordFilter, generation: i64, counts: Arc<RecordFacets>) {
        self.counts.insert(filter.clone(), (generation, counts));
    }
}
