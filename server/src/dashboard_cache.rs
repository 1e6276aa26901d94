//! The dashboard's last drawn views (figures, charts and map), kept while the data is
//! unchanged. Reading a view costs one seek per (service, Kreis) pair and drawing it a few
//! milliseconds more; a view shown again before the next edit costs neither. Entries are
//! only served under the data generation they were drawn at ([`Storage::data_generation`]),
//! which every write transaction of any instance raises: a cached view is never stale.
//!
//! [`Storage::data_generation`]: crate::storage::Storage::data_generation

use app::domain::{DashboardFilter, Overview};
use app::i18n::Locale;
use chrono::NaiveDate;
use std::sync::Arc;

/// Views kept at most: a drawn view is about 0.5 MB (map and charts as SVG), so at most
/// some 16 MB. The least recently used go first.
const VIEWS_KEPT: usize = 32;

#[derive(Clone, PartialEq, Eq, Hash)]
struct ViewKey {
    filter: DashboardFilter,
    /// The reference date the view was drawn for: "today" of a filter without one moves on.
    as_of: NaiveDate,
    locale: Locale,
}

impl ViewKey {
    fn new(filter: &DashboardFilter, as_of: NaiveDate, locale: Locale) -> Self {
        Self {
            filter: filter.clone(),
            as_of,
            locale,
        }
    }
}

pub struct DashboardCache {
    views: quick_cache::sync::Cache<ViewKey, (i64, Arc<Overview>)>,
}

impl Default for DashboardCache {
    fn default() -> Self {
        Self {
            views: quick_cache::sync::Cache::new(VIEWS_KEPT),
        }
    }
}

impl DashboardCache {
    /// The view of `filter` at `as_of` in `locale` if it was drawn under `generation`.
    pub fn get(
        &self,
        filter: &DashboardFilter,
        as_of: NaiveDate,
        locale: Locale,
        generation: i64,
    ) -> Option<Arc<Overview>> {
        self.views
            .get(&ViewKey::new(filter, as_of, locale))
            .filter(|(drawn_at, _)| *drawn_at == generation)
            .map(|(_, view)| view)
    }

    /// Keeps `view`, drawn from the data of `generation` (read before the data was).
    pub fn put(
        &self,
        filter: &DashboardFilter,
        as_of: NaiveDate,
        locale: Locale,
        generation: i64,
        view: Arc<Overview>,
    ) {
        self.views
            .insert(ViewKey::new(filter, as_of, locale), (generation, view));
    }
}
