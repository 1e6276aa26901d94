//! Data transfer objects and the rules that classify them. Everything here is serialisable and
//! compiles for the browser; rows of the database are converted into these on the server.

use super::{OzgId, Responsibility};
use crate::i18n::{td_string, Locale};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The fixed meaning behind a configurable status. The status list (labels, order, transitions)
/// is data; dashboards count by phase so they keep working when an admin renames a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    NotStarted,
    Planning,
    Implementation,
    Pilot,
    Online,
    Deferred,
    NotRelevant,
}

impl Phase {
    pub const ALL: [Phase; 7] = [
        Self::NotStarted,
        Self::Planning,
        Self::Implementation,
        Self::Pilot,
        Self::Online,
        Self::Deferred,
        Self::NotRelevant,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Planning => "planning",
            Self::Implementation => "implementation",
            Self::Pilot => "pilot",
            Self::Online => "online",
            Self::Deferred => "deferred",
            Self::NotRelevant => "not_relevant",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// "nicht relevant" records are outside the denominator of every coverage figure.
    pub fn is_applicable(self) -> bool {
        self != Self::NotRelevant
    }

    /// Neither online nor "nicht relevant": a planned go-live in the past makes it late.
    pub fn is_open(self) -> bool {
        self.is_applicable() && self != Self::Online
    }

    pub fn is_in_progress(self) -> bool {
        matches!(self, Self::Planning | Self::Implementation | Self::Pilot)
    }
}

/// A service's overall state across all responsible units, counted the way the federal
/// dashboard does — but never "online" because one unit is: the categories are distinct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CoverageCategory {
    /// Online in every applicable unit ("flächendeckend").
    Full,
    /// Online in at least one, not all applicable units.
    Partial,
    /// Nowhere online yet, but planned, in implementation or piloted somewhere.
    InProgress,
    /// Nothing started (or only deferred).
    NotStarted,
    /// No applicable unit at all.
    NotApplicable,
}

impl CoverageCategory {
    pub const ALL: [CoverageCategory; 5] = [
        Self::Full,
        Self::Partial,
        Self::InProgress,
        Self::NotStarted,
        Self::NotApplicable,
    ];

    pub fn classify(applicable: i64, online: i64, in_progress: i64) -> Self {
        if applicable <= 0 {
            Self::NotApplicable
        } else if online >= applicable {
            Self::Full
        } else if online > 0 {
            Self::Partial
        } else if in_progress > 0 {
            Self::InProgress
        } else {
            Self::NotStarted
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Full => "flaechendeckend",
            Self::Partial => "teilweise",
            Self::InProgress => "in_arbeit",
            Self::NotStarted => "nicht_begonnen",
            Self::NotApplicable => "nicht_relevant",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::Full => td_string!(locale, domain.coverage.full),
            Self::Partial => td_string!(locale, domain.coverage.partial),
            Self::InProgress => td_string!(locale, domain.coverage.in_progress),
            Self::NotStarted => td_string!(locale, domain.coverage.not_started),
            Self::NotApplicable => td_string!(locale, domain.coverage.not_applicable),
        }
    }
}

/// Kinds of organisation units, from the Land down to the Gemeinde.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitKind {
    Land,
    Ressort,
    Landesbehoerde,
    Kreis,
    /// A Verwaltungsgemeinschaft or an erfüllende Gemeinde: executes the transferred tasks
    /// of its member Gemeinden (under its Kreis; the members name it).
    Verband,
    Gemeinde,
}

impl OrgUnitKind {
    pub const ALL: [OrgUnitKind; 6] = [
        Self::Land,
        Self::Ressort,
        Self::Landesbehoerde,
        Self::Kreis,
        Self::Verband,
        Self::Gemeinde,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Land => "land",
            Self::Ressort => "ressort",
            Self::Landesbehoerde => "landesbehoerde",
            Self::Kreis => "kreis",
            Self::Verband => "verband",
            Self::Gemeinde => "gemeinde",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::Land => td_string!(locale, domain.kind.land),
            Self::Ressort => td_string!(locale, domain.kind.ressort),
            Self::Landesbehoerde => td_string!(locale, domain.kind.landesbehoerde),
            Self::Kreis => td_string!(locale, domain.kind.kreis),
            Self::Verband => td_string!(locale, domain.kind.verband),
            Self::Gemeinde => td_string!(locale, domain.kind.gemeinde),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Themenfeld {
    pub id: i64,
    pub name: String,
    pub lead_unit_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lage {
    pub id: i64,
    pub name: String,
    pub themenfeld_id: i64,
}

/// Options for the filter bars: Themenfelder, Lagen, statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterOptions {
    pub themenfelder: Vec<Themenfeld>,
    pub lagen: Vec<Lage>,
}

/// Facts every page shows: demo flag and date of the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub land_name: String,
    pub demo_data: bool,
    /// Anonymous visitors may read every page (operator setting).
    pub public_read: bool,
    pub data_as_of: Option<DateTime<Utc>>,
    pub operator: OperatorInfo,
}

/// When and by whom the service catalogue was last imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueImported {
    pub at: DateTime<Utc>,
    pub by: String,
    /// Services the last imported services file listed (0: none imported yet).
    pub services: i64,
    /// LeiKa-Leistungen the last imported LeiKa list named, once one was imported.
    #[serde(default)]
    pub leika: Option<i64>,
}

/// The imports that made the database newer than the shipped reference data ("Datenquellen").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataImports {
    pub catalogue: Option<CatalogueImported>,
    pub territory: Option<TerritoryImported>,
}

/// When and by whom the Land's Kreise and Gemeinden were last imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerritoryImported {
    pub at: DateTime<Utc>,
    pub by: String,
    /// Gemeinden and Kreise of the Land after the import.
    pub gemeinden: i64,
    pub kreise: i64,
}

/// Who runs this installation, for Impressum, Datenschutzerklärung and the accessibility
/// statement's feedback contact. Configured by the operator; empty fields are shown as such.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorInfo {
    pub name: Option<String>,
    /// Postal address; lines separated by `;` in the configuration.
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Person responsible for the content (Verantwortliche/r).
    pub responsible: Option<String>,
    /// Contact of the data protection officer.
    pub privacy_officer: Option<String>,
    /// The data protection supervisory authority.
    pub supervisory_authority: Option<String>,
    /// Where users turn when accessibility feedback stays unanswered (Durchsetzungs-/Schlichtungsstelle).
    pub enforcement_body: Option<String>,
}

impl OperatorInfo {
    pub fn is_configured(&self) -> bool {
        self.name.is_some() && (self.email.is_some() || self.address.is_some())
    }
}

/// A page of results with its total, so the UI can say "21–40 von 557".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// The page number; 0 for a page that starts after a record (keyset), whose number is
    /// not counted.
    pub page: u32,
    pub per_page: u32,
    /// Where the next page starts in lists that can page after a record (the API's records,
    /// `nach`); `None` on the last page and in lists paged by number only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_after: Option<i64>,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        ((self.total + per - 1) / per).max(1) as u32
    }
}

/// How many records of a list have each value of a field (a facet), over the whole filtered
/// list, not just one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FacetCount {
    /// The value as the filter takes it (a status code, a Themenfeld number).
    pub value: String,
    pub label: String,
    pub count: i64,
}

/// The counts per status (in pipeline order) and per Themenfeld (by number) of a filtered
/// record list; values without records are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordFacets {
    pub status: Vec<FacetCount>,
    pub themenfeld: Vec<FacetCount>,
}

/// A page of records with the facet counts of the whole list (the API's record list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordList {
    #[serde(flatten)]
    pub page: Page<super::RecordDetail>,
    pub facets: RecordFacets,
}

/// A name's place in German alphabetical order (DIN 5007, variant 1: ä as a, ö as o, ü as u,
/// ß as ss, case ignored), as a key to sort by. Databases compare bytes ("Suhl" before
/// "Sömmerda"); lists of names a person reads are sorted by this.
pub fn german_sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => key.push('a'),
            'ö' => key.push('o'),
            'ü' => key.push('u'),
            'ß' => key.push_str("ss"),
            c => key.push(c),
        }
    }
    key
}

/// A path with its query string, `search` given with or without its `?` (the router's
/// location gives it without: joined as it was, the language switch led to
/// `/leistungenthemenfeld=6`).
pub fn path_with_query(path: &str, search: &str) -> String {
    let query = search.trim_start_matches('?');
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// Minimal percent-encoding for query values (RFC 3986 unreserved characters stay).
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One OZG-Leistung with its maintained rollup (kept current on every write).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceSummary {
    pub ozg_id: OzgId,
    pub name: String,
    pub themenfeld_id: i64,
    pub themenfeld: String,
    pub lage: String,
    pub leika_types: String,
    pub responsibility: Responsibility,
    pub active: bool,
    pub records_applicable: i64,
    pub records_online: i64,
    pub records_in_progress: i64,
    pub population_applicable: i64,
    pub population_online: i64,
    pub maturity_sum: i64,
    pub maturity_count: i64,
}

impl ServiceSummary {
    pub fn category(&self) -> CoverageCategory {
        CoverageCategory::classify(
            self.records_applicable,
            self.records_online,
            self.records_in_progress,
        )
    }

    pub fn average_maturity(&self) -> Option<f64> {
        (self.maturity_count > 0).then(|| self.maturity_sum as f64 / self.maturity_count as f64)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LeikaService {
    pub key: Option<String>,
    pub name: String,
    pub leika_type: String,
    pub legal_basis: String,
    pub sdg_relevant: bool,
}

/// One implementation record (Umsetzungsstand) as the pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordView {
    pub id: i64,
    pub ozg_id: OzgId,
    pub service_name: String,
    pub org_unit_code: String,
    pub org_unit_name: String,
    pub status_code: String,
    pub status_label: String,
    pub phase: Phase,
    pub maturity: Option<i64>,
    pub maturity_label: Option<String>,
    pub planned_go_live: Option<NaiveDate>,
    pub actual_go_live: Option<NaiveDate>,
    pub online_url: Option<String>,
    pub note: Option<String>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    /// The unit is no longer responsible for the service since this day (a responsibility
    /// change): the record keeps its history, read-only, and no longer counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceDetail {
    pub summary: ServiceSummary,
    pub lead_unit: Option<OrgUnitRef>,
    pub leika: Vec<LeikaService>,
    pub records: Page<RecordView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgUnitRef {
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgUnit {
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
    pub ags: Option<String>,
    pub ars: Option<String>,
    pub parent: Option<OrgUnitRef>,
    pub population: Option<i64>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

/// Filters of the org-unit list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnitQuery {
    pub kind: Option<OrgUnitKind>,
    pub parent: Option<String>,
}

/// One service's records in the Gemeinden of a Kreis, summed up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceCoverage {
    pub ozg_id: OzgId,
    pub service_name: String,
    pub themenfeld: String,
    pub records_applicable: i64,
    pub records_online: i64,
    pub records_in_progress: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgUnitDetail {
    pub unit: OrgUnit,
    pub children: Vec<OrgUnitRef>,
    /// For a dissolved Gemeinde or Kreis: the unit it went into (territorial change).
    pub successor: Option<OrgUnitRef>,
    /// The dissolved units that went into this one; their records and history stay there.
    pub predecessors: Vec<OrgUnitRef>,
    /// The records this unit is responsible for itself (ministry, Land, Gemeinde).
    pub records: Vec<RecordView>,
    /// For a Kreis: per service, the records of its Gemeinden summed up.
    pub gemeinden_coverage: Vec<ServiceCoverage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_the_german_way() {
        let mut kreise = vec![
            "Suhl",
            "Sömmerda",
            "Saale-Orla-Kreis",
            "Weimar",
            "Ilm-Kreis",
            "Eisenach",
        ];
        kreise.sort_by_cached_key(|n| german_sort_key(n));
        assert_eq!(
            kreise,
            [
                "Eisenach",
                "Ilm-Kreis",
                "Saale-Orla-Kreis",
                "Sömmerda",
                "Suhl",
                "Weimar"
            ]
        );
        assert_eq!(german_sort_key("Großbreitenbach"), "grossbreitenbach");
        assert!(german_sort_key("Ätzdorf") < german_sort_key("Bad Berka"));
    }

    #[test]
    fn a_path_keeps_its_query_string() {
        assert_eq!(
            path_with_query("/leistungen", "themenfeld=6&seite=2"),
            "/leistungen?themenfeld=6&seite=2"
        );
        assert_eq!(
            path_with_query("/leistungen", "?themenfeld=6"),
            "/leistungen?themenfeld=6"
        );
        assert_eq!(path_with_query("/", ""), "/");
        assert_eq!(path_with_query("/", "?"), "/");
    }

    #[test]
    fn coverage_never_counts_one_unit_as_full() {
        assert_eq!(
            CoverageCategory::classify(633, 1, 0),
            CoverageCategory::Partial
        );
        assert_eq!(
            CoverageCategory::classify(633, 633, 0),
            CoverageCategory::Full
        );
        assert_eq!(CoverageCategory::classify(1, 1, 0), CoverageCategory::Full);
        assert_eq!(
            CoverageCategory::classify(10, 0, 3),
            CoverageCategory::InProgress
        );
        assert_eq!(
            CoverageCategory::classify(10, 0, 0),
            CoverageCategory::NotStarted
        );
        assert_eq!(
            CoverageCategory::classify(0, 0, 0),
            CoverageCategory::NotApplicable
        );
    }

    #[test]
    fn urlencode_keeps_unreserved_and_encodes_umlauts() {
        assert_eq!(urlencode("Führerschein a&b"), "F%C3%BChrerschein%20a%26b");
    }
}
