//! The responsibility matrix as a download: one line per service with the columns the matrix
//! import reads back (`imports/responsibility.rs`), so the Kompetenzzentrum can edit it in a
//! spreadsheet and import it again.

use super::csv::{CsvEncoder, Dialect, EncodeError};
use super::Cell;
use app::domain::ServiceResponsibility;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::borrow::Cow;

/// The headings; `Ebene` holds the level's code (`kreis`), as the import expects it.
pub const COLUMNS: [&str; 8] = [
    "OZG-ID",
    "OZG-Leistung",
    "Themenfeld",
    "Ebene",
    "Federführung",
    "Bestätigt",
    "Ausnahmen",
    "Einträge",
];

fn cells(s: &ServiceResponsibility) -> [Cell<'_>; 8] {
    let text = |t: String| Cell::Text(Cow::Owned(t));
    [
        Cell::Int(i64::from(s.ozg_id)),
        Cell::Text(Cow::Borrowed(&s.name)),
        Cell::Text(Cow::Borrowed(&s.themenfeld)),
        Cell::Text(Cow::Borrowed(s.level.code())),
        match &s.lead_unit {
            Some(u) => Cell::Text(Cow::Borrowed(&u.code)),
            None => Cell::Empty,
        },
        Cell::Text(Cow::Borrowed(if s.confirmed { "ja" } else { "nein" })),
        text(
            s.exceptions
                .iter()
                .map(|u| u.code.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Cell::Int(s.records_open),
    ]
}

pub fn csv(items: &[ServiceResponsibility], dialect: Dialect) -> Result<Vec<u8>, EncodeError> {
    let mut encoder = CsvEncoder::new(dialect, &COLUMNS)?;
    for s in items {
        encoder.write(cells(s))?;
    }
    encoder.take()
}

pub fn xlsx(items: &[ServiceResponsibility]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Zuständigkeiten")?;
    let bold = Format::new().set_bold();
    for (col, name) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, col, name, &bold)?;
    }
    for (row, s) in (1u32..).zip(items) {
        for (col, cell) in (0u16..).zip(cells(s)) {
            match cell {
                Cell::Int(n) => {
                    sheet.write_number(row, col, n as f64)?;
                }
                Cell::Text(t) => {
                    sheet.write_string(row, col, super::neutralise_formula(&t))?;
                }
                Cell::Empty | Cell::Date(_) | Cell::Time(_) => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, items.len() as u32, COLUMNS.len() as u16 - 1)?;
    sheet.set_column_width(1, 50)?;
    workbook.save_to_buffer()
}
