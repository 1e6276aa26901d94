//! The field layout of the federal "Dashboard Digitale Verwaltung" data API (`DvDataDto` in
//! reference-data/federal-dashboard-api/openapi.yaml): one row per online service of a Gebietskörperschaft and
//! LeiKa-Leistung, so a Land can compare its figures with the federal ones or deliver them.

use super::Cell;
use crate::storage::FederalExportRow;
use std::borrow::Cow;

/// The federal API's field names, in its order.
pub const COLUMNS: [&str; 13] = [
    "leika_key",
    "leika_name",
    "ars",
    "ars_name",
    "ars_federal_state",
    "bundesland",
    "leika_bezeichnung",
    "ozgid",
    "ozg_bezeichnung",
    "url",
    "online_status",
    "aktiv",
    "art_flaechendeckung",
];

/// The federal coverage result of a service for a unit, from the best it reaches: in the
/// whole Land, in the unit's Kreis, or (being online here) in at least one Kommune. The
/// federal "bundesweit flächendeckend" needs every Land's data and is never claimed here.
pub fn coverage(row: &FederalExportRow) -> &'static str {
    if row.full_in_land == 1 {
        "landesweit flächendeckend"
    } else if row.full_in_kreis == 1 {
        "kreisweit flächendeckend"
    } else {
        "in mind. einer Kommune verfügbar"
    }
}

/// An ARS as the federal API writes it: twelve digits, the stored shorter keys of the Land
/// (2) and the Kreise (5) padded with zeros.
pub fn ars_12(ars: &str) -> String {
    format!("{ars:0<12}")
}

/// The cells of `row`; `bundesland` is the Land's name.
pub fn cells<'a>(row: &'a FederalExportRow, bundesland: &'a str) -> Vec<Cell<'a>> {
    let text = |s: &'a str| Cell::Text(Cow::Borrowed(s));
    let optional = |s: &'a Option<String>| s.as_deref().map_or(Cell::Empty, text);
    vec![
        optional(&row.leika_key),
        optional(&row.leika_name),
        Cell::Text(Cow::Owned(ars_12(&row.ars))),
        text(&row.ars_name),
        text(row.ars.get(..2).unwrap_or_default()),
        text(bundesland),
        Cell::Empty, // the catalogue has one LeiKa name, given as leika_name
        Cell::Int(row.ozg_id),
        text(&row.service_name),
        optional(&row.online_url),
        // the coordinators report the service online; no link check is made
        text("ok"),
        text(if row.active { "ja" } else { "nein" }),
        text(coverage(row)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> FederalExportRow {
        FederalExportRow {
            leika_key: Some("99041006017000".into()),
            leika_name: Some("Hundehaltung anmelden".into()),
            ars: "160510000000".into(),
            ars_name: "Erfurt, Stadt".into(),
            ozg_id: 10000,
            service_name: "Elterngeld".into(),
            online_url: None,
            active: true,
            full_in_land: 0,
            full_in_kreis: 0,
        }
    }

    #[test]
    fn coverage_is_the_best_level_reached() {
        let mut r = row();
        assert_eq!(coverage(&r), "in mind. einer Kommune verfügbar");
        r.full_in_kreis = 1;
        assert_eq!(coverage(&r), "kreisweit flächendeckend");
        r.full_in_land = 1;
        assert_eq!(coverage(&r), "landesweit flächendeckend");
    }

    #[test]
    fn ars_has_twelve_digits() {
        assert_eq!(ars_12("16"), "160000000000");
        assert_eq!(ars_12("16051"), "160510000000");
        assert_eq!(ars_12("160510000000"), "160510000000");
    }

    #[test]
    fn cells_follow_the_federal_fields() {
        let mut r = row();
        r.ars = "16".into();
        let c = cells(&r, "Thüringen");
        assert_eq!(c.len(), COLUMNS.len());
        assert_eq!(c[2], Cell::Text("160000000000".into()));
        assert_eq!(c[4], Cell::Text("16".into()));
        assert_eq!(c[5], Cell::Text("Thüringen".into()));
        assert_eq!(c[7], Cell::Int(10000));
        assert_eq!(c[9], Cell::Empty);
        assert_eq!(c[11], Cell::Text("ja".into()));
    }
}
