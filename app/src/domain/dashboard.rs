//! The dashboard (Übersicht): its filter (the page's query string), the figures at a reference
//! date and the monthly trend, and the rules that turn history rows into them.

use super::filter::{
    FilterError, MapWeighting, Param, ParamReader, QueryString, ServiceFilter, UnitCode,
};
use super::{CoverageCategory, OrgUnitRef};
use crate::i18n::{td_string, Locale};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One filter for every chart of the dashboard; lives in the URL so any view can be shared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DashboardFilter {
    // a server function's arguments leave out an empty filter
    #[serde(default)]
    pub services: ServiceFilter,
    /// A Kreis: figures of its own and its Gemeinden's records only.
    pub kreis: Option<UnitCode>,
    /// Coverage category of the service (in the Land, or in the Kreis when one is chosen).
    pub stand: Option<CoverageCategory>,
    /// "Stand am": the state at the end of this day, from the history; `None` is today.
    pub am: Option<NaiveDate>,
    /// What the map's colour shows: share of units (default) or of inhabitants.
    pub karte: MapWeighting,
}

impl DashboardFilter {
    /// The parameters the dashboard reads.
    pub const PARAMS: [Param; 10] = [
        Param::Themenfeld,
        Param::Lage,
        Param::Ressort,
        Param::Kreis,
        Param::LeikaTyp,
        Param::Efa,
        Param::Bestaetigt,
        Param::Stand,
        Param::Am,
        Param::Karte,
    ];

    /// Parses the query string's values; every invalid value is reported.
    pub fn from_params<'a>(
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Self, Vec<FilterError>> {
        let mut reader = ParamReader::new(get);
        let filter = Self {
            services: ServiceFilter::read(&mut reader),
            kreis: reader.unit_code(Param::Kreis),
            stand: reader.category(Param::Stand),
            am: reader.day(Param::Am),
            karte: reader.map_weighting(Param::Karte),
        };
        reader.finish(filter)
    }

    fn write(&self, q: &mut QueryString) {
        self.services.write(q);
        if let Some(k) = &self.kreis {
            q.set(Param::Kreis, k);
        }
        if let Some(s) = self.stand {
            q.set(Param::Stand, s.code());
        }
        if let Some(d) = self.am {
            q.set(Param::Am, d.format("%Y-%m-%d"));
        }
        if self.karte == MapWeighting::Inhabitants {
            q.set(Param::Karte, self.karte.code());
        }
    }

    /// The query string of this filter (empty for "everything, today").
    pub fn to_query_string(&self) -> String {
        let mut q = QueryString::default();
        self.write(&mut q);
        q.finish()
    }

    /// The query string of the records this filter's services have today, for the exports:
    /// they hold today's records, so `stand`, `am` and the map's measure do not apply.
    pub fn export_query(&self) -> String {
        Self {
            stand: None,
            am: None,
            karte: MapWeighting::Units,
            ..self.clone()
        }
        .to_query_string()
    }

    /// The PDF report of what the dashboard shows: the Kreis's, else the Ressort's, else the
    /// Land's, with the rest of the filter (the map's weighting aside) as its query.
    pub fn report_link(&self) -> String {
        let mut rest = Self {
            karte: MapWeighting::Units,
            ..self.clone()
        };
        let unit = if let Some(kreis) = rest.kreis.take() {
            kreis.to_string()
        } else if let Some(ressort) = rest.services.ressort.take() {
            ressort.to_string()
        } else {
            "land".to_owned()
        };
        let path = format!("/api/v1/reports/{}.pdf", super::urlencode(&unit));
        super::path_with_query(&path, &rest.to_query_string())
    }

    /// Where a region of the map (and its row in the map's table) leads: a Kreis of the
    /// Land's map to this dashboard zoomed into that Kreis, the rest of the filter kept; a
    /// Gemeinde of a Kreis's map to its own page, as the dashboard has no finer level.
    pub fn region_link(&self, code: &str) -> String {
        if self.kreis.is_some() {
            format!("/organisationen/{}", super::urlencode(code))
        } else {
            let zoomed = Self {
                kreis: UnitCode::parse(code),
                ..self.clone()
            };
            format!("/?{}", zoomed.to_query_string())
        }
    }

    /// The Leistungskatalog with the services behind one bar segment: this filter's
    /// service-level parts, narrowed to the bar's own (e.g. its Themenfeld), in `category`.
    pub fn catalogue_link(&self, bar: &ServiceFilter, category: CoverageCategory) -> String {
        let query = super::ServiceQuery {
            services: self.services.narrowed(bar),
            stand: Some(category),
            ..super::ServiceQuery::default()
        };
        format!("/leistungen?{}", query.to_query_string())
    }
}

/// One bar of a stacked bar chart: services per coverage category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryBar {
    /// The bar's own part of the service filter (its Themenfeld or Ressort), which its links
    /// to the Leistungskatalog add.
    pub narrowing: ServiceFilter,
    pub label: String,
    pub counts: Vec<(CoverageCategory, i64)>,
}

impl CategoryBar {
    pub fn new(narrowing: ServiceFilter, label: String) -> Self {
        Self {
            narrowing,
            label,
            counts: CoverageCategory::ALL.iter().map(|c| (*c, 0)).collect(),
        }
    }

    pub fn total(&self) -> i64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    pub fn count(&self, c: CoverageCategory) -> i64 {
        self.counts
            .iter()
            .find(|(k, _)| *k == c)
            .map_or(0, |(_, n)| *n)
    }

    pub fn add(&mut self, c: CoverageCategory) {
        if let Some(slot) = self.counts.iter_mut().find(|(k, _)| *k == c) {
            slot.1 += 1;
        }
    }
}

/// Applicable records per Reifegrad at the reference date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaturityBin {
    pub level: i64,
    pub label: String,
    pub records: i64,
}

/// The services per coverage category at the end of one month (the last point: the reference date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub date: NaiveDate,
    pub counts: Vec<(CoverageCategory, i64)>,
}

impl TrendPoint {
    pub fn count(&self, c: CoverageCategory) -> i64 {
        self.counts
            .iter()
            .find(|(k, _)| *k == c)
            .map_or(0, |(_, n)| *n)
    }
}

/// A configured target date drawn into the trend (e.g. the original OZG deadline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub date: NaiveDate,
    pub label: String,
}

/// The last day of the month of `d`.
pub fn month_end(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid date") - chrono::Duration::days(1)
}

/// The monthly trend from the services' category change points (each list ascending, the
/// first entry the baseline): one point per month end from the month of the first real
/// change up to `until`, whose own point is `until` itself.
pub fn monthly_trend(
    services: &[Vec<(NaiveDate, CoverageCategory)>],
    baseline: NaiveDate,
    until: NaiveDate,
) -> Vec<TrendPoint> {
    let first_change = services
        .iter()
        .flat_map(|changes| changes.iter().map(|(d, _)| *d))
        .filter(|d| *d > baseline && *d <= until)
        .min();
    let Some(first) = first_change else {
        return Vec::new();
    };
    let mut dates = Vec::new();
    let mut d = month_end(first);
    while d < until {
        dates.push(d);
        d = month_end(d + chrono::Duration::days(1));
    }
    dates.push(until);
    dates
        .into_iter()
        .map(|date| {
            let mut counts: Vec<(CoverageCategory, i64)> =
                CoverageCategory::ALL.iter().map(|c| (*c, 0)).collect();
            for changes in services {
                let at = changes.iter().take_while(|(d, _)| *d <= date).last();
                if let Some((_, c)) = at {
                    if let Some(slot) = counts.iter_mut().find(|(k, _)| k == c) {
                        slot.1 += 1;
                    }
                }
            }
            TrendPoint { date, counts }
        })
        .collect()
}

/// Records and inhabitants of one service in one scope (the Land, a Kreis, a Gemeinde).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeFigures {
    pub applicable: i64,
    pub online: i64,
    pub population_applicable: i64,
    pub population_online: i64,
}

impl ScopeFigures {
    pub fn add(&mut self, other: ScopeFigures) {
        self.applicable += other.applicable;
        self.online += other.online;
        self.population_applicable += other.population_applicable;
        self.population_online += other.population_online;
    }

    /// Online everywhere it applies (and it applies somewhere).
    pub fn is_full(&self) -> bool {
        self.applicable > 0 && self.online >= self.applicable
    }

    /// The share of applicable units or inhabitants online; `None` without any applicable.
    pub fn share(&self, weighting: MapWeighting) -> Option<f64> {
        let (part, whole) = match weighting {
            MapWeighting::Units => (self.online, self.applicable),
            MapWeighting::Inhabitants => (self.population_online, self.population_applicable),
        };
        (whole > 0).then(|| part as f64 / whole as f64)
    }
}

/// How far a service reaches, counted as the federal dashboard counts ("Art der
/// Flächendeckung"), from the widest to none; each service is in exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FederalCategory {
    /// Online in every applicable unit of the Land.
    Land,
    /// Not land-wide, but online in every applicable Gemeinde of at least one Kreis.
    Kreis,
    /// Online in at least one unit (a Kommune, or the Land's own), but not a whole Kreis.
    Kommune,
    /// Nowhere online.
    Nowhere,
}

impl FederalCategory {
    pub const ALL: [FederalCategory; 4] = [Self::Land, Self::Kreis, Self::Kommune, Self::Nowhere];

    /// `land`: the service's figures in the whole Land; `full_in_a_kreis`: whether it is
    /// online in every applicable unit of at least one Kreis ([`ScopeFigures::is_full`] there).
    pub fn classify(land: &ScopeFigures, full_in_a_kreis: bool) -> Self {
        if land.is_full() {
            Self::Land
        } else if full_in_a_kreis {
            Self::Kreis
        } else if land.online > 0 {
            Self::Kommune
        } else {
            Self::Nowhere
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::Land => td_string!(locale, dashboard.federal_land),
            Self::Kreis => td_string!(locale, dashboard.federal_kreis),
            Self::Kommune => td_string!(locale, dashboard.federal_kommune),
            Self::Nowhere => td_string!(locale, dashboard.federal_nowhere),
        }
    }
}

/// One row of the federal comparison: the services of a category and whom they reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FederalRow {
    pub category: FederalCategory,
    pub services: i64,
    /// Summed over those services: inhabitants in reach, and of them with the service online.
    pub figures: ScopeFigures,
}

impl FederalRow {
    /// Inhabitants who can use a service of this row online, in the mean over its services
    /// (a sum over services would count each inhabitant once per service: hundreds of millions
    /// for a Land of two). `None` for a row without services.
    pub fn mean_population_online(&self) -> Option<i64> {
        mean(self.figures.population_online, self.services)
    }

    /// Inhabitants the responsible units of a service of this row serve, in the mean over its
    /// services: the base [`Self::mean_population_online`] is a part of.
    pub fn mean_population_applicable(&self) -> Option<i64> {
        mean(self.figures.population_applicable, self.services)
    }
}

/// `sum / count` rounded half up, `None` for no count.
fn mean(sum: i64, count: i64) -> Option<i64> {
    (count > 0).then(|| (sum + count / 2) / count)
}

/// The federal comparison for services given as (Land figures, flächendeckend in at least one
/// Kreis).
pub fn federal_summary(services: &[(ScopeFigures, bool)]) -> Vec<FederalRow> {
    let mut rows: Vec<FederalRow> = FederalCategory::ALL
        .into_iter()
        .map(|category| FederalRow {
            category,
            services: 0,
            figures: ScopeFigures::default(),
        })
        .collect();
    for (land, full_in_a_kreis) in services {
        if land.applicable == 0 {
            continue; // "nicht relevant" everywhere: outside every category, as in the KPIs
        }
        let category = FederalCategory::classify(land, *full_in_a_kreis);
        let row = rows
            .iter_mut()
            .find(|r| r.category == category)
            .expect("every category has a row");
        row.services += 1;
        row.figures.add(*land);
    }
    rows
}

/// One region of the coverage map at the reference date, over the services in the filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionCoverage {
    pub code: String,
    pub name: String,
    pub figures: ScopeFigures,
    /// Services online in every applicable Gemeinde of the region (for a Kreis).
    pub services_full: i64,
    /// Services with at least one applicable record in the region.
    pub services: i64,
    /// Whether the boundary file has this region (else it appears in the table only).
    pub on_map: bool,
}

/// The coverage map: Kreise of the Land, or the Gemeinden of the chosen Kreis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageMap {
    pub gemeinden: bool,
    pub regions: Vec<RegionCoverage>,
    /// Areas of the boundary file without a unit of the same key (drawn as "keine Daten").
    pub areas_without_unit: Vec<String>,
}

/// Records past their planned go-live and not online, for one Ressort or Kreis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LateRow {
    pub label: String,
    /// The Kreis's org-unit code (its page lists the records); `None` for a Ressort.
    pub unit_code: Option<String>,
    pub records: i64,
    /// Services with at least one late record.
    pub services: i64,
    /// The earliest planned go-live among them.
    pub oldest: Option<NaiveDate>,
}

/// "What is late" at the reference date (computed for today only: planned dates are not
/// kept in the history).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lateness {
    pub available: bool,
    pub records: i64,
    pub by_ressort: Vec<LateRow>,
    pub by_kreis: Vec<LateRow>,
}

/// What the filter bar offers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DashboardOptions {
    pub themenfelder: Vec<super::Themenfeld>,
    pub lagen: Vec<super::Lage>,
    pub ressorts: Vec<OrgUnitRef>,
    pub kreise: Vec<OrgUnitRef>,
}

/// The server-rendered SVG of every chart; the same numbers are in the data tables.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DashboardCharts {
    pub map: String,
    pub trend: String,
    pub themenfeld: String,
    pub ressort: String,
    pub maturity: String,
}

/// The services in the view and how many are online somewhere or everywhere.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceKpis {
    pub total: i64,
    pub online_any: i64,
    pub online_full: i64,
}

/// The municipal figures: services Kreise or Gemeinden execute, their records and inhabitants.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MunicipalKpis {
    /// Services in the view that Kreise or Gemeinden execute (the municipal figures' base),
    /// and of these the ones whose responsibility the Kompetenzzentrum confirmed.
    pub services: i64,
    pub confirmed: i64,
    pub records_applicable: i64,
    pub records_online: i64,
    pub population_applicable: i64,
    pub population_online: i64,
    /// The Gemeinden in the view on the reference date.
    pub gemeinden: i64,
}

/// The Reifegrad of the applicable records: its sum and count (for the average), the records
/// per level and those without one, in the model in use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MaturityFigures {
    pub model: String,
    pub sum: i64,
    pub count: i64,
    pub bins: Vec<MaturityBin>,
    /// Applicable records without a Reifegrad.
    pub unknown: i64,
}

impl MaturityFigures {
    pub fn average(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum as f64 / self.count as f64)
    }

    /// The lowest and the highest level of the Reifegrad model in use, with their names (as
    /// configured: no text names one scale).
    pub fn scale(&self) -> Option<(&MaturityBin, &MaturityBin)> {
        let mut named = self.bins.iter().filter(|b| !b.label.is_empty());
        let lowest = named.next()?;
        Some((lowest, named.next_back().unwrap_or(lowest)))
    }
}

/// The dashboard at one reference date for one filter. Each figure carries its denominator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub filter: DashboardFilter,
    /// The day the figures describe: the "Stand am" date, or today.
    pub as_of: NaiveDate,
    /// The chosen Kreis, when the figures are limited to one.
    pub kreis: Option<OrgUnitRef>,
    /// Time of the newest change up to the reference date.
    pub data_as_of: Option<DateTime<Utc>>,
    pub services: ServiceKpis,
    pub municipal: MunicipalKpis,
    pub maturity: MaturityFigures,
    pub bars: Vec<CategoryBar>,
    pub ressort_bars: Vec<CategoryBar>,
    pub trend: Vec<TrendPoint>,
    pub deadlines: Vec<Deadline>,
    pub federal: Vec<FederalRow>,
    pub map: CoverageMap,
    pub late: Lateness,
    pub charts: DashboardCharts,
    pub options: DashboardOptions,
}

impl Dashboard {
    /// The services the service KPIs divide by: those with at least one applicable record in
    /// the view. A service no unit in the view executes (a Ressort's service zoomed into a
    /// Kreis) or that is "nicht relevant" everywhere cannot go online there and is not
    /// counted; the federal table counts exactly these, one row each.
    pub fn services_counted(&self) -> i64 {
        self.federal.iter().map(|r| r.services).sum()
    }

    /// Services in the filter that [`Self::services_counted`] leaves out.
    pub fn services_not_counted(&self) -> i64 {
        self.services.total - self.services_counted()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LageId, ThemenfeldId};
    use proptest::strategy::Strategy;
    use std::collections::HashMap;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_report_link_names_the_narrowest_unit_and_keeps_the_rest_of_the_filter() {
        let mut f = DashboardFilter::default();
        assert_eq!(f.report_link(), "/api/v1/reports/land.pdf");
        f.services.ressort = UnitCode::parse("TMDI");
        f.services.themenfeld = Some(ThemenfeldId(6));
        f.karte = MapWeighting::Inhabitants;
        assert_eq!(f.report_link(), "/api/v1/reports/TMDI.pdf?themenfeld=6");
        f.kreis = UnitCode::parse("16051");
        f.am = Some(day("2023-06-30"));
        assert_eq!(
            f.report_link(),
            "/api/v1/reports/16051.pdf?themenfeld=6&ressort=TMDI&am=2023-06-30"
        );
    }

    #[test]
    fn a_kreis_on_the_map_zooms_the_dashboard_with_the_filter_and_a_gemeinde_opens_its_page() {
        let mut f = DashboardFilter {
            services: ServiceFilter {
                themenfeld: Some(ThemenfeldId(6)),
                ..ServiceFilter::default()
            },
            am: Some(day("2023-06-30")),
            karte: MapWeighting::Inhabitants,
            ..DashboardFilter::default()
        };
        assert_eq!(
            f.region_link("16067"),
            "/?themenfeld=6&kreis=16067&am=2023-06-30&karte=einwohner"
        );
        f.kreis = UnitCode::parse("16067");
        assert_eq!(f.region_link("16067009"), "/organisationen/16067009");
    }

    #[test]
    fn filter_round_trips_and_reports_each_bad_value() {
        let params: HashMap<&str, &str> = [
            ("themenfeld", "6"),
            ("ressort", "TMDI"),
            ("kreis", "16051"),
            ("leika_typ", "2/3"),
            ("efa", "ja"),
            ("stand", "teilweise"),
            ("am", "31.12.2022"),
            ("karte", "einwohner"),
        ]
        .into();
        let f = DashboardFilter::from_params(|k| params.get(k).copied()).unwrap();
        assert_eq!(f.am, Some(day("2022-12-31")));
        assert_eq!(
            f.to_query_string(),
            "themenfeld=6&ressort=TMDI&kreis=16051&leika_typ=2%2F3&efa=ja&stand=teilweise&am=2022-12-31&karte=einwohner"
        );
        let text = f.to_query_string();
        let again: HashMap<String, String> = form_urlencoded::parse(text.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            DashboardFilter::from_params(|k| again.get(k).map(String::as_str)),
            Ok(f)
        );

        let bad: HashMap<&str, &str> = [
            ("themenfeld", "x"),
            ("kreis", "<script>"),
            ("leika_typ", "9"),
            ("am", "31.02.2022"),
        ]
        .into();
        let errors = DashboardFilter::from_params(|k| bad.get(k).copied()).unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
    }

    #[test]
    fn catalogue_links_keep_service_filters_and_drop_scope_and_date() {
        let f = DashboardFilter {
            services: ServiceFilter {
                lage: Some(LageId(4)),
                ..ServiceFilter::default()
            },
            kreis: UnitCode::parse("16051"),
            am: Some(day("2023-01-01")),
            ..Default::default()
        };
        let themenfeld_bar = ServiceFilter {
            themenfeld: Some(ThemenfeldId(2)),
            ..ServiceFilter::default()
        };
        assert_eq!(
            f.catalogue_link(&themenfeld_bar, CoverageCategory::Partial),
            "/leistungen?themenfeld=2&lage=4&stand=teilweise"
        );
        let narrowed = DashboardFilter {
            services: ServiceFilter {
                themenfeld: Some(ThemenfeldId(2)),
                ressort: UnitCode::parse("TMDI"),
                ..ServiceFilter::default()
            },
            ..Default::default()
        };
        let ressort_bar = ServiceFilter {
            ressort: UnitCode::parse("TFM"),
            ..ServiceFilter::default()
        };
        assert_eq!(
            narrowed.catalogue_link(&ressort_bar, CoverageCategory::Full),
            "/leistungen?themenfeld=2&ressort=TFM&stand=flaechendeckend"
        );
    }

    fn figures(applicable: i64, online: i64, people: i64, people_online: i64) -> ScopeFigures {
        ScopeFigures {
            applicable,
            online,
            population_applicable: people,
            population_online: people_online,
        }
    }

    #[test]
    fn federal_categories_and_weighted_coverage_on_a_small_land() {
        // two Kreise: A with 2 Gemeinden (1,000 and 9,000 inhabitants), B with 1 (90,000)
        let services = vec![
            // online in the small Gemeinde of A only: "in mind. einer Kommune", 1 % of people
            (
                figures(3, 1, 100_000, 1_000),
                vec![figures(2, 1, 10_000, 1_000), figures(1, 0, 90_000, 0)],
            ),
            // online in B: kreisweit flächendeckend there, 90 % of people
            (
                figures(3, 1, 100_000, 90_000),
                vec![figures(2, 0, 10_000, 0), figures(1, 1, 90_000, 90_000)],
            ),
            // everywhere
            (
                figures(3, 3, 100_000, 100_000),
                vec![figures(2, 2, 10_000, 10_000), figures(1, 1, 90_000, 90_000)],
            ),
            // nowhere, and one not relevant anywhere (left out)
            (
                figures(3, 0, 100_000, 0),
                vec![figures(2, 0, 10_000, 0), figures(1, 0, 90_000, 0)],
            ),
            (figures(0, 0, 0, 0), vec![]),
        ];
        let services: Vec<(ScopeFigures, bool)> = services
            .into_iter()
            .map(|(land, kreise)| (land, kreise.iter().any(ScopeFigures::is_full)))
            .collect();
        let rows = federal_summary(&services);
        let by = |c| rows.iter().find(|r| r.category == c).unwrap();
        assert_eq!(by(FederalCategory::Land).services, 1);
        assert_eq!(by(FederalCategory::Kreis).services, 1);
        assert_eq!(by(FederalCategory::Kommune).services, 1);
        assert_eq!(by(FederalCategory::Nowhere).services, 1);
        assert_eq!(
            by(FederalCategory::Kommune)
                .figures
                .share(MapWeighting::Inhabitants),
            Some(0.01)
        );
        assert_eq!(
            by(FederalCategory::Kreis)
                .figures
                .share(MapWeighting::Inhabitants),
            Some(0.9)
        );
        assert_eq!(
            by(FederalCategory::Kreis)
                .figures
                .share(MapWeighting::Units),
            Some(1.0 / 3.0)
        );
        // the mean per service stays within the Land's inhabitants, where a sum would not
        let kommune = by(FederalCategory::Kommune);
        assert_eq!(kommune.mean_population_online(), Some(1_000));
        assert_eq!(kommune.mean_population_applicable(), Some(100_000));
        let two = FederalRow {
            services: 2,
            ..by(FederalCategory::Land).clone()
        };
        assert_eq!(two.mean_population_online(), Some(50_000));
        let none = FederalRow {
            services: 0,
            figures: ScopeFigures::default(),
            category: FederalCategory::Nowhere,
        };
        assert_eq!(none.mean_population_online(), None);
        assert_eq!(
            figures(0, 0, 0, 0).share(MapWeighting::Units),
            None,
            "no data is not zero"
        );
    }

    proptest::proptest! {
        /// Any combination of parameters: no panic; an accepted filter survives the trip through
        /// its own query string unchanged (so every shared link shows the same view).
        #[test]
        fn dashboard_params_never_panic_and_accepted_ones_round_trip(
            params in proptest::collection::hash_map(
                proptest::sample::select(
                    DashboardFilter::PARAMS.iter().map(|p| p.name()).chain(["x"]).collect::<Vec<_>>(),
                ),
                proptest::prop_oneof![
                    "\\PC{0,30}",
                    "-?[0-9]{1,12}",
                    "[A-Za-z0-9_-]{1,45}",
                    "(19|20|21)[0-9]{2}-[01][0-9]-[0-3][0-9]",
                    "[0-3][0-9]\\.[01][0-9]\\.20[0-9]{2}",
                    proptest::sample::select(vec!["2/3", "teilweise", "einwohner", "gemeinden", "ja", "nein", ""])
                        .prop_map(str::to_owned),
                ],
                0..8,
            )
        ) {
            let parsed = DashboardFilter::from_params(|k| params.get(k).map(String::as_str));
            if let Ok(filter) = parsed {
                let text = filter.to_query_string();
                let again: HashMap<String, String> =
                    form_urlencoded::parse(text.as_bytes()).into_owned().collect();
                let reparsed = DashboardFilter::from_params(|k| again.get(k).map(String::as_str));
                proptest::prop_assert_eq!(reparsed, Ok(filter));
            }
        }
    }

    #[test]
    fn month_ends() {
        assert_eq!(month_end(day("2024-02-10")), day("2024-02-29"));
        assert_eq!(month_end(day("2023-12-31")), day("2023-12-31"));
    }

    #[test]
    fn trend_counts_each_service_once_per_month_in_its_category_then() {
        let base = day("1970-01-01");
        let services = vec![
            vec![
                (base, CoverageCategory::NotStarted),
                (day("2021-01-15"), CoverageCategory::InProgress),
                (day("2021-03-01"), CoverageCategory::Full),
            ],
            vec![
                (base, CoverageCategory::NotStarted),
                (day("2021-02-28"), CoverageCategory::Partial),
            ],
            vec![(base, CoverageCategory::NotApplicable)],
        ];
        let trend = monthly_trend(&services, base, day("2021-03-15"));
        let dates: Vec<_> = trend.iter().map(|p| p.date).collect();
        assert_eq!(
            dates,
            vec![day("2021-01-31"), day("2021-02-28"), day("2021-03-15")]
        );
        use CoverageCategory::*;
        assert_eq!(
            trend
                .iter()
                .map(|p| [
                    p.count(Full),
                    p.count(Partial),
                    p.count(InProgress),
                    p.count(NotStarted)
                ])
                .collect::<Vec<_>>(),
            vec![[0, 0, 1, 1], [0, 1, 1, 0], [1, 1, 0, 0]]
        );
        assert!(trend.iter().all(|p| p.count(NotApplicable) == 1));
        // a date before any change: no trend to draw
        assert!(monthly_trend(&services, base, day("2020-12-31")).is_empty());
    }
}
