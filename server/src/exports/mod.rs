//! Exports of implementation records: the one column layout every format writes (and the
//! status import in `imports::status` reads back), the description of what an export holds,
//! and the writers per format. The HTTP side lives in `api::exports`.

pub mod csv;
pub mod federal;
pub mod pdf;
pub mod responsibility;
pub mod xlsx;

use crate::storage::ExportRow;
use app::domain::OrgUnitKind;
use app::i18n::Locale;
use chrono::{DateTime, NaiveDate, Utc};
use std::borrow::Cow;

/// One cell of an exported row, typed so each format can write it its own way.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Int(i64),
    Text(Cow<'a, str>),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Empty,
}

/// The headers of the columns a status import reads back (the others are for reading).
pub mod column {
    pub const RECORD: &str = "Datensatz";
    pub const VERSION: &str = "Version";
    pub const OZG_ID: &str = "OZG-ID";
    pub const UNIT_CODE: &str = "Einheit (Schlüssel)";
    pub const STATUS_CODE: &str = "Status (Code)";
    pub const STATUS: &str = "Status";
    pub const MATURITY: &str = "Reifegrad";
    pub const PLANNED_GO_LIVE: &str = "Geplanter Start";
    pub const ACTUAL_GO_LIVE: &str = "Online seit";
    pub const ONLINE_URL: &str = "Online-URL";
    pub const EFA_SOLUTION: &str = "EfA-Lösung";
    pub const NOTE: &str = "Bemerkung";
}

/// The columns of an export: German header and the width (in characters) a spreadsheet gives it.
pub const COLUMNS: [(&str, f64); 18] = [
    (column::RECORD, 10.0),
    (column::VERSION, 8.0),
    (column::OZG_ID, 8.0),
    ("Leistung", 48.0),
    ("Themenfeld", 24.0),
    ("Ressort", 10.0),
    (column::UNIT_CODE, 14.0),
    ("Einheit", 32.0),
    ("Art", 14.0),
    (column::STATUS_CODE, 16.0),
    (column::STATUS, 20.0),
    (column::MATURITY, 10.0),
    (column::PLANNED_GO_LIVE, 14.0),
    (column::ACTUAL_GO_LIVE, 12.0),
    (column::ONLINE_URL, 40.0),
    (column::EFA_SOLUTION, 24.0),
    (column::NOTE, 40.0),
    ("Zuletzt geändert (UTC)", 20.0),
];

/// The last column of a CSV export of demo data, and its value on every line (the
/// workbooks and reports say it on their first sheet and every page).
pub const DEMO_COLUMN: (&str, &str) = ("Datenbasis", "DEMODATEN");

/// The file names' first word for the records' exports.
pub const RECORDS_FILE: &str = "umsetzungsstaende";

fn text(s: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s))
}

fn optional_text(s: Option<&str>) -> Cell<'_> {
    s.map_or(Cell::Empty, text)
}

/// The cells of `row`, in the order of [`COLUMNS`].
pub fn cells(row: &ExportRow) -> [Cell<'_>; 18] {
    let kind = OrgUnitKind::from_code(&row.unit_kind)
        .map_or(Cow::Borrowed(row.unit_kind.as_str()), |k| {
            Cow::Borrowed(k.label(Locale::de))
        });
    [
        Cell::Int(row.id),
        Cell::Int(row.version),
        Cell::Int(row.ozg_id),
        text(&row.service_name),
        text(&row.themenfeld),
        optional_text(row.ressort_code.as_deref()),
        text(&row.unit_code),
        text(&row.unit_name),
        Cell::Text(kind),
        text(&row.status_code),
        text(&row.status_label),
        row.maturity.map_or(Cell::Empty, Cell::Int),
        row.planned_go_live.map_or(Cell::Empty, Cell::Date),
        row.actual_go_live.map_or(Cell::Empty, Cell::Date),
        optional_text(row.online_url.as_deref()),
        optional_text(row.efa_solution.as_deref()),
        optional_text(row.note.as_deref()),
        Cell::Time(row.updated_at),
    ]
}

/// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab or
/// carriage return, OWASP's list) gets a leading apostrophe, so it is shown, not run.
pub fn neutralise_formula(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// What an export holds, written into it (XLSX, PDF) or its file name (CSV).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportDescription {
    pub land_name: String,
    /// German "name: value" lines of the filter; empty for "all records".
    pub filter: Vec<(String, String)>,
    /// The newest change in the data.
    pub data_as_of: Option<DateTime<Utc>>,
    pub exported_at: DateTime<Utc>,
    pub demo_data: bool,
    /// A short ASCII word for the file name: `land`, a unit's code, a service's id.
    pub scope: String,
}

impl ExportDescription {
    /// `<stem>-<scope>-<data date>[-demodaten].<extension>`: ASCII, so every browser keeps
    /// it, and demo data is labelled even in the file name.
    pub fn file_name(&self, stem: &str, extension: &str) -> String {
        let date = self
            .data_as_of
            .unwrap_or(self.exported_at)
            .format("%Y-%m-%d");
        let scope: String = self
            .scope
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(40)
            .collect();
        let demo = if self.demo_data { "-demodaten" } else { "" };
        format!("{stem}-{scope}-{date}{demo}.{extension}")
    }

    /// The filter as one German line.
    pub fn filter_line(&self) -> String {
        if self.filter.is_empty() {
            "alle Umsetzungsstände".to_owned()
        } else {
            self.filter
                .iter()
                .map(|(name, value)| format!("{name}: {value}"))
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for raw in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise_formula(raw), format!("'{raw}"));
        }
        for plain in ["Bürgeramt", "", "1-2", " =x", "'quoted"] {
            assert_eq!(neutralise_formula(plain), plain);
        }
    }

    #[test]
    fn file_names_are_ascii_and_label_demo_data() {
        let mut d = ExportDescription {
            land_name: "Thüringen".into(),
            filter: Vec::new(),
            data_as_of: Some("2026-11-02T10:00:00Z".parse().unwrap()),
            exported_at: "2026-11-29T08:00:00Z".parse().unwrap(),
            demo_data: false,
            scope: "16051 Erfurt/../x".into(),
        };
        assert_eq!(
            d.file_name(RECORDS_FILE, "csv"),
            "umsetzungsstaende-16051Erfurtx-2026-11-02.csv"
        );
        d.demo_data = true;
        d.data_as_of = None;
        assert_eq!(
            d.file_name(RECORDS_FILE, "xlsx"),
            "umsetzungsstaende-16051Erfurtx-2026-11-29-demodaten.xlsx"
        );
        assert_eq!(d.filter_line(), "alle Umsetzungsstände");
        d.filter = vec![
            ("Kreis".into(), "Erfurt (16051)".into()),
            ("Status".into(), "online".into()),
        ];
        assert_eq!(d.filter_line(), "Kreis: Erfurt (16051); Status: online");
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::ExportDescription;
    use crate::storage::ExportRow;

    /// A ministry's export of 29.11.2026, data of 02.11.2026.
    pub fn about(demo: bool) -> ExportDescription {
        ExportDescription {
            land_name: "Thüringen".into(),
            filter: vec![("Ressort".into(), "TMDI".into())],
            data_as_of: Some("2026-11-02T09:05:00Z".parse().unwrap()),
            exported_at: "2026-11-29T08:00:00Z".parse().unwrap(),
            demo_data: demo,
            scope: "TMDI".into(),
        }
    }

    /// A record with a separator, quotes, umlauts and a formula in its text.
    pub fn sample_row() -> ExportRow {
        ExportRow {
            id: 7,
            version: 3,
            ozg_id: 1234,
            service_name: "Ummeldung; „Wohnsitz“".into(),
            themenfeld_id: 2,
            themenfeld: "Bauen & Wohnen".into(),
            ressort_code: Some("TMDI".into()),
            unit_code: "16051000".into(),
            unit_name: "Erfurt, Stadt".into(),
            unit_kind: "gemeinde".into(),
            status_code: "online".into(),
            status_label: "Online".into(),
            maturity: Some(3),
            planned_go_live: Some(chrono::NaiveDate::from_ymd_opt(2022, 12, 31).unwrap()),
            actual_go_live: None,
            online_url: Some("https://example.org/a".into()),
            efa_solution: None,
            note: Some("=HYPERLINK(\"x\")".into()),
            updated_at: "2026-11-02T09:05:00Z".parse().unwrap(),
        }
    }
}
