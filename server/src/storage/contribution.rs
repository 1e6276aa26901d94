//! What one record contributes to its service's figures (the rollups and the history), and
//! the same rules in SQL for queries that aggregate many records at once.

use app::domain::{CoverageCategory, Phase};

/// What one record contributes to its service's rollup.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Contribution {
    pub applicable: i64,
    pub online: i64,
    pub in_progress: i64,
    pub population_applicable: i64,
    pub population_online: i64,
    pub maturity_sum: i64,
    pub maturity_count: i64,
    /// Applicable records per Reifegrad (0–7; a higher level counts as 7).
    pub levels: [i64; MATURITY_BINS],
}

/// Reifegrade the history counts separately: 0–7, the largest scale (model 2.0).
pub(crate) const MATURITY_BINS: usize = 8;

impl Contribution {
    pub fn of(phase: Phase, maturity: Option<i64>, weight: i64) -> Self {
        if !phase.is_applicable() {
            return Self::default();
        }
        let online = i64::from(phase == Phase::Online);
        let mut levels = [0; MATURITY_BINS];
        if let Some(level) = maturity {
            levels[level.clamp(0, MATURITY_BINS as i64 - 1) as usize] = 1;
        }
        Self {
            applicable: 1,
            online,
            in_progress: i64::from(phase.is_in_progress()),
            population_applicable: weight,
            population_online: weight * online,
            maturity_sum: maturity.unwrap_or(0),
            maturity_count: i64::from(maturity.is_some()),
            levels,
        }
    }

    pub fn add(&mut self, other: Self, sign: i64) {
        self.applicable += sign * other.applicable;
        self.online += sign * other.online;
        self.in_progress += sign * other.in_progress;
        self.population_applicable += sign * other.population_applicable;
        self.population_online += sign * other.population_online;
        self.maturity_sum += sign * other.maturity_sum;
        self.maturity_count += sign * other.maturity_count;
        for (mine, theirs) in self.levels.iter_mut().zip(other.levels) {
            *mine += sign * theirs;
        }
    }

    pub fn category(&self) -> CoverageCategory {
        CoverageCategory::classify(self.applicable, self.online, self.in_progress)
    }
}

/// The same rules as [`Contribution::of`] in SQL, on `status st`, `org_unit o` and
/// `implementation_record rec`, for queries that aggregate many records at once.
pub(crate) mod phase_sql {
    pub const APPLICABLE: &str = "st.phase <> 'not_relevant'";
    pub const ONLINE: &str = "st.phase = 'online'";
    pub const IN_PROGRESS: &str = "st.phase IN ('planning', 'implementation', 'pilot')";
    /// A record's weight in inhabitant-weighted coverage: its territory's population; a
    /// ministry's or the Land's record serves the whole Land.
    pub const WEIGHT: &str =
        "COALESCE(o.population, (SELECT MAX(population) FROM org_unit WHERE kind = 'land'), 0)";
}
