//! The filters of the lists, in one place. [`ServiceFilter`] says which OZG-Leistungen a page,
//! an API list, an export or a report is about; the dashboard, the Leistungskatalog, the record
//! list, the changes and the exports each embed it and add their own parameters (Kreis, Stand,
//! Stand am, map, search, paging), which are read and written here too.
//!
//! Every parameter's name is spelled once, in [`Param`]: forms, links, the API's check of
//! unknown parameters and the OpenAPI document read it from there. One reader
//! ([`ParamReader`]) checks the values and keeps every wrong one as a typed [`FilterError`],
//! worded in the user's language only when it is shown; one writer ([`QueryString`]) turns a
//! filter back into a query string. The server translates a [`ServiceFilter`] into SQL in one
//! function (`server/src/storage/service_filter.rs`).

use super::CoverageCategory;
use crate::i18n::{td_string, Locale};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A query parameter of the filters. The order of the variants is the order links write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Param {
    Themenfeld,
    Lage,
    Ressort,
    Kreis,
    LeikaTyp,
    Efa,
    Bestaetigt,
    Stand,
    Am,
    Karte,
    Q,
    ProSeite,
    Seite,
}

impl Param {
    /// The parameters of the service filter, which every list of services or records reads.
    pub const SERVICE: [Param; 6] = [
        Param::Themenfeld,
        Param::Lage,
        Param::Ressort,
        Param::LeikaTyp,
        Param::Efa,
        Param::Bestaetigt,
    ];

    /// The names of `params`, e.g. what an API endpoint accepts.
    pub fn names(params: &[Param]) -> Vec<&'static str> {
        params.iter().map(|p| p.name()).collect()
    }

    /// The name in URLs and forms.
    pub const fn name(self) -> &'static str {
        match self {
            Param::Themenfeld => "themenfeld",
            Param::Lage => "lage",
            Param::Ressort => "ressort",
            Param::Kreis => "kreis",
            Param::LeikaTyp => "leika_typ",
            Param::Efa => "efa",
            Param::Bestaetigt => "bestaetigt",
            Param::Stand => "stand",
            Param::Am => "am",
            Param::Karte => "karte",
            Param::Q => "q",
            Param::ProSeite => "pro_seite",
            Param::Seite => "seite",
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The LeiKa-Typen a service can be filtered by (as the catalogue writes them).
pub const LEIKA_TYPES: [&str; 7] = ["1", "2", "2/3", "3", "4", "5", "6"];

/// The number of a Themenfeld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ThemenfeldId(pub i64);

/// The number of a Lebens- or Unternehmenslage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LageId(pub i64);

impl fmt::Display for ThemenfeldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for LageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The key of an org unit as filters accept it: letters, digits, `-` and `_`, at most 40.
/// Whether such a unit exists is the server's question.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(raw: &str) -> Option<Self> {
        is_unit_code(raw).then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitCode {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        if is_unit_code(&raw) {
            Ok(Self(raw))
        } else {
            Err(format!("not a unit code: {raw}"))
        }
    }
}

impl From<UnitCode> for String {
    fn from(code: UnitCode) -> String {
        code.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An org-unit code as filters accept it: letters, digits, `-` and `_`, at most 40.
pub fn is_unit_code(raw: &str) -> bool {
    raw.chars().count() <= 40
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// One of the [`LEIKA_TYPES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LeikaTyp(u8);

impl LeikaTyp {
    pub fn parse(raw: &str) -> Option<Self> {
        let index = LEIKA_TYPES.iter().position(|t| *t == raw)?;
        u8::try_from(index).ok().map(Self)
    }

    pub fn as_str(self) -> &'static str {
        LEIKA_TYPES[usize::from(self.0)]
    }
}

impl TryFrom<String> for LeikaTyp {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, String> {
        Self::parse(&raw).ok_or_else(|| format!("not a LeiKa type: {raw}"))
    }
}

impl From<LeikaTyp> for String {
    fn from(t: LeikaTyp) -> String {
        t.as_str().to_owned()
    }
}

/// Which OZG-Leistungen a list, chart, export or report is about. Each part narrows; the
/// empty filter is every service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServiceFilter {
    pub themenfeld: Option<ThemenfeldId>,
    pub lage: Option<LageId>,
    /// The lead ministry (Ressort): the service's own, else its Themenfeld's.
    pub ressort: Option<UnitCode>,
    pub leika_typ: Option<LeikaTyp>,
    /// Services where at least one unit names the EfA solution it uses (`Some(true)`), or none.
    pub efa: Option<bool>,
    /// Services whose responsibility the Kompetenzzentrum confirmed (`Some(true)`), or the
    /// ones still assumed (`Some(false)`).
    pub bestaetigt: Option<bool>,
}

impl ServiceFilter {
    /// The empty filter: every service.
    pub const ALL: ServiceFilter = ServiceFilter {
        themenfeld: None,
        lage: None,
        ressort: None,
        leika_typ: None,
        efa: None,
        bestaetigt: None,
    };

    /// Reads the service filter's parameters; wrong values are kept in `reader`.
    pub fn read<'a, F: Fn(&str) -> Option<&'a str>>(reader: &mut ParamReader<F>) -> Self {
        Self {
            themenfeld: reader
                .number(Param::Themenfeld, 1, i64::from(i32::MAX))
                .map(ThemenfeldId),
            lage: reader
                .number(Param::Lage, 1, i64::from(i32::MAX))
                .map(LageId),
            ressort: reader.unit_code(Param::Ressort),
            leika_typ: reader.leika_typ(Param::LeikaTyp),
            efa: reader.yes_no(Param::Efa),
            bestaetigt: reader.yes_no(Param::Bestaetigt),
        }
    }

    /// Writes the parts that are set.
    pub fn write(&self, q: &mut QueryString) {
        if let Some(t) = self.themenfeld {
            q.set(Param::Themenfeld, t);
        }
        if let Some(l) = self.lage {
            q.set(Param::Lage, l);
        }
        if let Some(r) = &self.ressort {
            q.set(Param::Ressort, r);
        }
        if let Some(t) = self.leika_typ {
            q.set(Param::LeikaTyp, t.as_str());
        }
        if let Some(e) = self.efa {
            q.set(Param::Efa, yes_no(e));
        }
        if let Some(b) = self.bestaetigt {
            q.set(Param::Bestaetigt, yes_no(b));
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// This filter with the parts `by` sets put in place of its own (a chart bar's
    /// Themenfeld replaces the page's).
    pub fn narrowed(&self, by: &ServiceFilter) -> ServiceFilter {
        ServiceFilter {
            themenfeld: by.themenfeld.or(self.themenfeld),
            lage: by.lage.or(self.lage),
            ressort: by.ressort.clone().or_else(|| self.ressort.clone()),
            leika_typ: by.leika_typ.or(self.leika_typ),
            efa: by.efa.or(self.efa),
            bestaetigt: by.bestaetigt.or(self.bestaetigt),
        }
    }

    /// The parts that are set and that a form has no field of its own for (not in `shown`),
    /// as name and value: the hidden fields that keep them when the form is sent.
    pub fn hidden_fields(&self, shown: &[Param]) -> Vec<(&'static str, String)> {
        let mut q = QueryString::default();
        self.write(&mut q);
        q.pairs()
            .filter(|(p, _)| !shown.contains(p))
            .map(|(p, v)| (p.name(), v.to_owned()))
            .collect()
    }
}

/// `ja` or `nein`, as the yes/no filters write them.
pub fn yes_no(value: bool) -> &'static str {
    if value {
        "ja"
    } else {
        "nein"
    }
}

/// What the dashboard's map colours regions by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MapWeighting {
    /// Share of the applicable records (service × Gemeinde) that are online.
    #[default]
    Units,
    /// The same, weighted by the Gemeinden's inhabitants.
    Inhabitants,
}

impl MapWeighting {
    const UNITS: &'static str = "gemeinden";
    const INHABITANTS: &'static str = "einwohner";

    pub fn code(self) -> &'static str {
        match self {
            MapWeighting::Units => Self::UNITS,
            MapWeighting::Inhabitants => Self::INHABITANTS,
        }
    }
}

/// A wrong value of a filter parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterError {
    /// Not a whole number in `min..=max`.
    OutOfRange {
        param: Param,
        raw: String,
        min: i64,
        max: i64,
    },
    NotAUnitCode {
        param: Param,
        raw: String,
    },
    NotALeikaTyp {
        param: Param,
        raw: String,
    },
    NotYesNo {
        param: Param,
        raw: String,
    },
    UnknownStand {
        param: Param,
        raw: String,
    },
    /// Not a day (`2026-03-31` or `31.03.2026`) in the years 2000 to 2100.
    NotADay {
        param: Param,
        raw: String,
    },
    UnknownMapWeighting {
        param: Param,
        raw: String,
    },
    SearchTooLong {
        param: Param,
        max: usize,
    },
}

impl FilterError {
    pub fn param(&self) -> Param {
        match self {
            FilterError::OutOfRange { param, .. }
            | FilterError::NotAUnitCode { param, .. }
            | FilterError::NotALeikaTyp { param, .. }
            | FilterError::NotYesNo { param, .. }
            | FilterError::UnknownStand { param, .. }
            | FilterError::NotADay { param, .. }
            | FilterError::UnknownMapWeighting { param, .. }
            | FilterError::SearchTooLong { param, .. } => *param,
        }
    }

    /// The error in `locale`, naming the parameter.
    pub fn message(&self, locale: Locale) -> String {
        let name = self.param().name();
        match self {
            FilterError::OutOfRange {
                param,
                raw,
                min,
                max,
            } => {
                let label = match param {
                    Param::Themenfeld => td_string!(locale, filter.label_themenfeld),
                    Param::Lage => td_string!(locale, filter.label_lage),
                    Param::ProSeite => td_string!(locale, filter.label_per_page),
                    _ => td_string!(locale, filter.label_page),
                };
                td_string!(
                    locale,
                    filter.out_of_range,
                    name = name,
                    raw = raw,
                    label = label,
                    min = min,
                    max = max
                )
                .to_string()
            }
            FilterError::NotAUnitCode { raw, .. } => {
                td_string!(locale, filter.not_a_code, name = name, raw = raw).to_string()
            }
            FilterError::NotALeikaTyp { raw, .. } => td_string!(
                locale,
                filter.not_a_leika_type,
                name = name,
                raw = raw,
                allowed = LEIKA_TYPES.join(", ")
            )
            .to_string(),
            FilterError::NotYesNo {
                param: Param::Bestaetigt,
                raw,
            } => {
                td_string!(locale, filter.not_yes_no_confirmed, name = name, raw = raw).to_string()
            }
            FilterError::NotYesNo { raw, .. } => {
                td_string!(locale, filter.not_yes_no_efa, name = name, raw = raw).to_string()
            }
            FilterError::UnknownStand { raw, .. } => td_string!(
                locale,
                filter.unknown_stand,
                name = name,
                raw = raw,
                allowed = CoverageCategory::ALL
                    .map(super::model::CoverageCategory::code)
                    .join(", ")
            )
            .to_string(),
            FilterError::NotADay { raw, .. } => {
                td_string!(locale, filter.not_a_day, name = name, raw = raw).to_string()
            }
            FilterError::UnknownMapWeighting { raw, .. } => td_string!(
                locale,
                filter.unknown_map,
                name = name,
                raw = raw,
                allowed = [MapWeighting::UNITS, MapWeighting::INHABITANTS].join(", ")
            )
            .to_string(),
            FilterError::SearchTooLong { max, .. } => {
                td_string!(locale, filter.search_too_long, name = name, max = max).to_string()
            }
        }
    }

    /// Every error of a list in `locale`.
    pub fn messages(errors: &[FilterError], locale: Locale) -> Vec<String> {
        errors.iter().map(|e| e.message(locale)).collect()
    }
}

/// Reads filter parameters from a query string's values (`get` gives a parameter's raw
/// value) and keeps every wrong value, so that one answer can name them all.
pub struct ParamReader<F> {
    get: F,
    errors: Vec<FilterError>,
}

impl<'a, F: Fn(&str) -> Option<&'a str>> ParamReader<F> {
    pub fn new(get: F) -> Self {
        Self {
            get,
            errors: Vec::new(),
        }
    }

    /// The trimmed value, absent when empty: an empty field of a sent form means "any".
    pub fn raw(&self, p: Param) -> Option<&'a str> {
        (self.get)(p.name())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn refuse<T>(&mut self, error: FilterError) -> Option<T> {
        self.errors.push(error);
        None
    }

    /// A whole number in `min..=max`.
    pub fn number(&mut self, p: Param, min: i64, max: i64) -> Option<i64> {
        let raw = self.raw(p)?;
        match raw.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => self.refuse(FilterError::OutOfRange {
                param: p,
                raw: raw.to_owned(),
                min,
                max,
            }),
        }
    }

    /// The value as `parse` reads it, else `refused` of the parameter and its raw value.
    fn parsed<T>(
        &mut self,
        p: Param,
        parse: impl FnOnce(&str) -> Option<T>,
        refused: fn(Param, String) -> FilterError,
    ) -> Option<T> {
        let raw = self.raw(p)?;
        parse(raw).or_else(|| self.refuse(refused(p, raw.to_owned())))
    }

    pub fn unit_code(&mut self, p: Param) -> Option<UnitCode> {
        self.parsed(p, UnitCode::parse, |param, raw| FilterError::NotAUnitCode {
            param,
            raw,
        })
    }

    pub fn leika_typ(&mut self, p: Param) -> Option<LeikaTyp> {
        self.parsed(p, LeikaTyp::parse, |param, raw| FilterError::NotALeikaTyp {
            param,
            raw,
        })
    }

    /// `ja` or `nein`.
    pub fn yes_no(&mut self, p: Param) -> Option<bool> {
        match self.raw(p)? {
            "ja" => Some(true),
            "nein" => Some(false),
            raw => self.refuse(FilterError::NotYesNo {
                param: p,
                raw: raw.to_owned(),
            }),
        }
    }

    pub fn category(&mut self, p: Param) -> Option<CoverageCategory> {
        self.parsed(p, CoverageCategory::from_code, |param, raw| {
            FilterError::UnknownStand { param, raw }
        })
    }

    /// A day in the years 2000 to 2100, as a date input or the German way.
    pub fn day(&mut self, p: Param) -> Option<NaiveDate> {
        let in_range = |raw: &str| parse_day(raw).filter(|d| (2000..=2100).contains(&d.year()));
        self.parsed(p, in_range, |param, raw| FilterError::NotADay {
            param,
            raw,
        })
    }

    pub fn map_weighting(&mut self, p: Param) -> MapWeighting {
        match self.raw(p) {
            None | Some(MapWeighting::UNITS) => MapWeighting::Units,
            Some(MapWeighting::INHABITANTS) => MapWeighting::Inhabitants,
            Some(raw) => {
                self.errors.push(FilterError::UnknownMapWeighting {
                    param: p,
                    raw: raw.to_owned(),
                });
                MapWeighting::Units
            }
        }
    }

    /// A search text of at most `max` characters.
    pub fn search(&mut self, p: Param, max: usize) -> Option<String> {
        let raw = self.raw(p)?;
        if raw.chars().count() > max {
            self.refuse(FilterError::SearchTooLong { param: p, max })
        } else {
            Some(raw.to_owned())
        }
    }

    /// `value` when every parameter read was right, else every error.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FilterError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// `2026-03-31` (a date input) or `31.03.2026` (typed the German way).
pub fn parse_day(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d.%m.%Y"))
        .ok()
}

/// A query string being written: parameters in any order, written in the order of [`Param`]
/// so that equal filters give equal links.
#[derive(Debug, Clone, Default)]
pub struct QueryString(Vec<(Param, String)>);

impl QueryString {
    /// Sets `p` (replacing an earlier value).
    pub fn set(&mut self, p: Param, value: impl fmt::Display) -> &mut Self {
        self.0.retain(|(q, _)| *q != p);
        self.0.push((p, value.to_string()));
        self
    }

    fn pairs(&self) -> impl Iterator<Item = (Param, &str)> {
        let mut sorted: Vec<&(Param, String)> = self.0.iter().collect();
        sorted.sort_by_key(|(p, _)| *p);
        sorted.into_iter().map(|(p, v)| (*p, v.as_str()))
    }

    /// `name=value&…`, values percent-encoded; empty when nothing is set.
    pub fn finish(&self) -> String {
        self.pairs()
            .map(|(p, v)| format!("{}={}", p.name(), super::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// `path?query`, or `path` alone when nothing is set.
    pub fn link(&self, path: &str) -> String {
        super::path_with_query(path, &self.finish())
    }
}

/// Filters of the Leistungskatalog; the same fields as the page's query string and the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServiceQuery {
    // a server function's arguments leave out an empty filter
    #[serde(default)]
    pub services: ServiceFilter,
    pub stand: Option<CoverageCategory>,
    pub q: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

impl ServiceQuery {
    pub const DEFAULT_PER_PAGE: u32 = 25;
    pub const MAX_PER_PAGE: u32 = 200;
    pub const MAX_SEARCH_LEN: usize = 100;
    pub const MAX_PAGE: u32 = 1_000_000;

    /// The parameters the Leistungskatalog reads.
    pub const PARAMS: [Param; 10] = [
        Param::Themenfeld,
        Param::Lage,
        Param::Ressort,
        Param::LeikaTyp,
        Param::Efa,
        Param::Bestaetigt,
        Param::Stand,
        Param::Q,
        Param::Seite,
        Param::ProSeite,
    ];

    /// Builds a query from string parameters; every invalid value is reported.
    pub fn from_params<'a>(
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Self, Vec<FilterError>> {
        let mut reader = ParamReader::new(get);
        let query = Self {
            services: ServiceFilter::read(&mut reader),
            stand: reader.category(Param::Stand),
            q: reader.search(Param::Q, Self::MAX_SEARCH_LEN),
            page: reader
                .number(Param::Seite, 1, i64::from(Self::MAX_PAGE))
                .map_or(1, |n| n as u32),
            per_page: reader
                .number(Param::ProSeite, 1, i64::from(Self::MAX_PER_PAGE))
                .map_or(Self::DEFAULT_PER_PAGE, |n| n as u32),
        };
        reader.finish(query)
    }

    /// The query string for this filter (without the page unless it is not the first).
    pub fn to_query_string(&self) -> String {
        let mut q = QueryString::default();
        self.services.write(&mut q);
        if let Some(s) = self.stand {
            q.set(Param::Stand, s.code());
        }
        if let Some(text) = &self.q {
            q.set(Param::Q, text);
        }
        if self.per_page != Self::DEFAULT_PER_PAGE && self.per_page != 0 {
            q.set(Param::ProSeite, self.per_page);
        }
        if self.page > 1 {
            q.set(Param::Seite, self.page);
        }
        q.finish()
    }

    pub fn effective_per_page(&self) -> u32 {
        if self.per_page == 0 {
            Self::DEFAULT_PER_PAGE
        } else {
            self.per_page.min(Self::MAX_PER_PAGE)
        }
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page.max(1) - 1) * i64::from(self.effective_per_page())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> Result<ServiceFilter, Vec<FilterError>> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        let mut reader = ParamReader::new(|k: &str| map.get(k).copied());
        let filter = ServiceFilter::read(&mut reader);
        reader.finish(filter)
    }

    #[test]
    fn every_part_is_read_and_written_back() {
        let pairs = [
            ("themenfeld", "6"),
            ("lage", "12"),
            ("ressort", "TMDI"),
            ("leika_typ", "2/3"),
            ("efa", "ja"),
            ("bestaetigt", "nein"),
        ];
        let f = read(&pairs).unwrap();
        assert_eq!(f.themenfeld, Some(ThemenfeldId(6)));
        assert_eq!(f.leika_typ.map(LeikaTyp::as_str), Some("2/3"));
        let mut q = QueryString::default();
        f.write(&mut q);
        assert_eq!(
            q.finish(),
            "themenfeld=6&lage=12&ressort=TMDI&leika_typ=2%2F3&efa=ja&bestaetigt=nein"
        );
        assert_eq!(Param::SERVICE.len(), pairs.len(), "one parameter per part");
    }

    #[test]
    fn every_wrong_value_is_reported_typed() {
        let errors = read(&[
            ("themenfeld", "abc"),
            ("lage", "0"),
            ("ressort", "a b"),
            ("leika_typ", "7"),
            ("efa", "vielleicht"),
            ("bestaetigt", "x"),
        ])
        .unwrap_err();
        let params: Vec<Param> = errors.iter().map(FilterError::param).collect();
        assert_eq!(params, Param::SERVICE.to_vec());
        assert!(matches!(errors[0], FilterError::OutOfRange { min: 1, .. }));
        let message = errors[0].message(Locale::de);
        assert!(message.contains("„themenfeld“") && message.contains("„abc“"));
        assert!(errors[5]
            .message(Locale::de)
            .contains("„x“ ist kein Wert für die Zuständigkeit"));
    }

    #[test]
    fn empty_values_mean_any() {
        assert_eq!(
            read(&[("themenfeld", " "), ("efa", "")]),
            Ok(ServiceFilter::default())
        );
    }

    #[test]
    fn a_bar_narrows_the_page_filter() {
        let page = read(&[("themenfeld", "6"), ("lage", "2")]).unwrap();
        let bar = ServiceFilter {
            themenfeld: Some(ThemenfeldId(3)),
            ..ServiceFilter::default()
        };
        let narrowed = page.narrowed(&bar);
        assert_eq!(narrowed.themenfeld, Some(ThemenfeldId(3)));
        assert_eq!(narrowed.lage, Some(LageId(2)));
    }

    #[test]
    fn hidden_fields_keep_what_the_form_does_not_show() {
        let f = read(&[("themenfeld", "6"), ("ressort", "TMDI"), ("efa", "nein")]).unwrap();
        assert_eq!(
            f.hidden_fields(&[Param::Themenfeld]),
            vec![("ressort", "TMDI".to_owned()), ("efa", "nein".to_owned())]
        );
    }

    /// A server function's arguments leave out an empty filter; the page's query must still
    /// be read (the Leistungskatalog's list answered 400 after a client-side navigation).
    #[test]
    fn an_embedding_query_reads_without_its_filter() {
        let query: crate::domain::ServiceQuery =
            serde_json::from_str(r#"{"stand":null,"q":null,"page":1,"per_page":25}"#).unwrap();
        assert!(query.services.is_empty());
        let dashboard: crate::domain::DashboardFilter =
            serde_json::from_str(r#"{"kreis":null,"stand":null,"am":null,"karte":"Units"}"#)
                .unwrap();
        assert!(dashboard.services.is_empty());
    }

    #[test]
    fn codes_deserialize_only_when_valid() {
        assert!(serde_json::from_str::<UnitCode>("\"16051\"").is_ok());
        assert!(serde_json::from_str::<UnitCode>("\"a'b\"").is_err());
        assert!(serde_json::from_str::<LeikaTyp>("\"9\"").is_err());
    }

    proptest::proptest! {
        /// What the writer writes, the reader reads back as the same filter.
        #[test]
        fn written_filters_read_back(
            t in proptest::option::of(1i64..1000),
            l in proptest::option::of(1i64..1000),
            r in proptest::option::of("[A-Za-z0-9_-]{1,40}"),
            k in proptest::option::of(proptest::sample::select(LEIKA_TYPES.to_vec())),
            e in proptest::option::of(proptest::bool::ANY),
            b in proptest::option::of(proptest::bool::ANY),
        ) {
            let f = ServiceFilter {
                themenfeld: t.map(ThemenfeldId),
                lage: l.map(LageId),
                ressort: r.as_deref().and_then(UnitCode::parse),
                leika_typ: k.and_then(LeikaTyp::parse),
                efa: e,
                bestaetigt: b,
            };
            let mut q = QueryString::default();
            f.write(&mut q);
            let text = q.finish();
            let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let map: HashMap<&str, &str> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let mut reader = ParamReader::new(|k: &str| map.get(k).copied());
            let back = ServiceFilter::read(&mut reader);
            proptest::prop_assert_eq!(reader.finish(back), Ok(f));
        }
    }

    #[test]
    fn service_query_parses_and_reports_german_errors() {
        let params: HashMap<&str, &str> = [
            ("themenfeld", "6"),
            ("stand", "teilweise"),
            ("q", " Eltern "),
            ("seite", "2"),
        ]
        .into();
        let q = ServiceQuery::from_params(|k| params.get(k).copied()).unwrap();
        assert_eq!(q.services.themenfeld, Some(ThemenfeldId(6)));
        assert_eq!(q.stand, Some(CoverageCategory::Partial));
        assert_eq!(q.q.as_deref(), Some("Eltern"));
        assert_eq!(q.offset(), 25);
        assert_eq!(
            q.to_query_string(),
            "themenfeld=6&stand=teilweise&q=Eltern&seite=2"
        );

        let bad: HashMap<&str, &str> =
            [("themenfeld", "abc"), ("pro_seite", "5000"), ("stand", "x")].into();
        let errors = ServiceQuery::from_params(|k| bad.get(k).copied()).unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].message(Locale::de).contains("themenfeld"));
    }

    /// A query parameter as a visitor might type or a scanner might send it.
    fn param_value() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,120}",
            "-?[0-9]{1,12}",
            " *[0-9]{1,3} *",
            proptest::sample::select(vec!["voll", "teilweise", "keine", "kreisweit", ""])
                .prop_map(str::to_owned),
        ]
    }

    proptest::proptest! {
        /// Any combination of parameters: no panic; an accepted query is within its limits and
        /// survives the trip through its own query string unchanged.
        #[test]
        fn service_query_params_never_panic_and_accepted_ones_round_trip(
            params in proptest::collection::hash_map(
                proptest::sample::select(ServiceQuery::PARAMS.iter().map(|p| p.name()).chain(["unbekannt"]).collect::<Vec<_>>()),
                param_value(),
                0..7,
            )
        ) {
            let parsed = ServiceQuery::from_params(|k| params.get(k).map(String::as_str));
            if let Ok(query) = parsed {
                proptest::prop_assert!(query.page >= 1);
                proptest::prop_assert!((1..=ServiceQuery::MAX_PER_PAGE).contains(&query.per_page));
                proptest::prop_assert!(query.q.as_ref().is_none_or(|q| q.chars().count() <= ServiceQuery::MAX_SEARCH_LEN));
                let text = query.to_query_string();
                let again: HashMap<String, String> = form_urlencoded::parse(text.as_bytes()).into_owned().collect();
                let reparsed = ServiceQuery::from_params(|k| again.get(k).map(String::as_str));
                proptest::prop_assert_eq!(reparsed, Ok(query));
            }
        }
    }
}
