//! Results kept while the data is unchanged: the dashboard's drawn views
//! (`dashboard_cache.rs`) and the record lists' counts per status and Themenfeld
//! (`ServerBackend::record_list`). An entry is only served under the data generation it was
//! computed at ([`Storage::data_generation`]), which every write transaction of any instance
//! raises in its commit: a kept result is never stale.
//!
//! [`Storage::data_generation`]: crate::storage::Storage::data_generation

use std::hash::Hash;
use std::sync::Arc;

/// At most `capacity` results by key; the least recently used go first.
pub struct GenerationCache<K, V> {
    entries: quick_cache::sync::Cache<K, (i64, Arc<V>)>,
}

impl<K: Eq + Hash + Clone, V> GenerationCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: quick_cache::sync::Cache::new(capacity),
        }
    }

    /// The result for `key` if it was computed under `generation`.
    pub fn get(&self, key: &K, generation: i64) -> Option<Arc<V>> {
        self.entries
            .get(key)
            .filter(|(computed_at, _)| *computed_at == generation)
            .map(|(_, value)| value)
    }

    /// Keeps `value`, computed from the data of `generation` (read before the data was).
    pub fn put(&self, key: K, generation: i64, value: Arc<V>) {
        self.entries.insert(key, (generation, value));
    }
}
