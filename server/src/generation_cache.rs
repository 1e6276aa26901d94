//! Results kept while the data is unchanged: the dashboard's drawn views
//! (`dashboard_cache.rs`) and the record lists' counts per status and Themenfeld
//! (`ServerBackend::record_list`). An entry is only served under the data generation it was
//! computed at ([`Storage::data_generation`]), which every write transaction of any instance
//! raises in its commit: a kept result is never stale.
//!
//! [`Storage::data_generation`]: crate::storage::Storage::data_generation

use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

/// At most `capacity` results by key and generation; the least recently used go first, so
/// the results of older generations leave as the current one's are used.
pub struct GenerationCache<K, V> {
    entries: quick_cache::sync::Cache<(K, i64), Arc<V>>,
}

impl<K: Eq + Hash + Clone, V> GenerationCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: quick_cache::sync::Cache::new(capacity),
        }
    }

    /// The result for `key` computed from the data of `generation` (read before the data
    /// is), computed by `compute` if none is kept. Callers asking for the same key and
    /// generation meanwhile wait for that one computation instead of starting their own:
    /// after an edit, every client of a large list would otherwise count all its records at
    /// once, and at Germany scale such a stampede ran past the request timeout. If the
    /// computation fails or its request is dropped, the next waiter computes.
    pub async fn get_or_compute<E>(
        &self,
        key: &K,
        generation: i64,
        compute: impl Future<Output = Result<V, E>>,
    ) -> Result<Arc<V>, E> {
        self.entries
            .get_or_insert_async(&(key.clone(), generation), async {
                compute.await.map(Arc::new)
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    async fn counting(computed: &AtomicUsize, value: u32) -> Result<u32, &'static str> {
        computed.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok(value)
    }

    #[tokio::test]
    async fn concurrent_misses_compute_once() {
        let cache = GenerationCache::<&str, u32>::new(8);
        let computed = AtomicUsize::new(0);
        let results = futures_util::future::join_all(
            (0..8).map(|_| cache.get_or_compute(&"list", 1, counting(&computed, 7))),
        )
        .await;
        assert!(results.iter().all(|r| r.as_deref() == Ok(&7)));
        assert_eq!(computed.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_new_generation_computes_again() {
        let cache = GenerationCache::<&str, u32>::new(8);
        let computed = AtomicUsize::new(0);
        let first = cache
            .get_or_compute(&"list", 1, counting(&computed, 1))
            .await;
        let kept = cache
            .get_or_compute(&"list", 1, counting(&computed, 2))
            .await;
        let newer = cache
            .get_or_compute(&"list", 2, counting(&computed, 3))
            .await;
        assert_eq!(
            (first, kept, newer),
            (Ok(Arc::new(1)), Ok(Arc::new(1)), Ok(Arc::new(3)))
        );
        assert_eq!(computed.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failed_computation_is_not_kept() {
        let cache = GenerationCache::<&str, u32>::new(8);
        let failed = cache
            .get_or_compute(&"list", 1, async { Err::<u32, _>("database gone") })
            .await;
        let computed = AtomicUsize::new(0);
        let retried = cache
            .get_or_compute(&"list", 1, counting(&computed, 5))
            .await;
        assert_eq!(failed, Err("database gone"));
        assert_eq!(retried, Ok(Arc::new(5)));
    }
}
