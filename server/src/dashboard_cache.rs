//! The dashboard's last drawn views (figures, charts and map), kept while the data is
//! unchanged (`generation_cache.rs`). Reading a view costs one seek per (service, Kreis) pair
//! and drawing it a few milliseconds more; a view shown again before the next edit costs
//! neither.

use crate::generation_cache::GenerationCache;
use app::domain::{Dashboard, DashboardFilter};
use app::i18n::Locale;
use chrono::NaiveDate;
use std::future::Future;
use std::sync::Arc;

/// Views kept at most: a drawn view is about 0.5 MB (map and charts as SVG), so at most
/// some 16 MB.
const VIEWS_KEPT: usize = 32;

/// A view: its filter, the reference date it was drawn for ("today" of a filter without one
/// moves on) and its language.
type ViewKey = (DashboardFilter, NaiveDate, Locale);

pub struct DashboardCache {
    views: GenerationCache<ViewKey, Dashboard>,
}

impl Default for DashboardCache {
    fn default() -> Self {
        Self {
            views: GenerationCache::new(VIEWS_KEPT),
        }
    }
}

impl DashboardCache {
    /// The view of `filter` at `as_of` in `locale` drawn from the data of `generation` (read
    /// before the data is), drawn by `draw` unless it is kept or being drawn already.
    pub async fn get_or_draw<E>(
        &self,
        filter: &DashboardFilter,
        as_of: NaiveDate,
        locale: Locale,
        generation: i64,
        draw: impl Future<Output = Result<Dashboard, E>>,
    ) -> Result<Arc<Dashboard>, E> {
        self.views
            .get_or_compute(&(filter.clone(), as_of, locale), generation, draw)
            .await
    }
}
