//! XLSX workbooks (rust_xlsxwriter): a first sheet describing the export (filter, data
//! date, demo label), then the records on one sheet or one per Themenfeld, each with a
//! frozen, filterable header row, set column widths and real date cells. Record sheets are
//! written in constant-memory mode (row by row to a temporary file), so memory stays flat.

use super::{cells, Cell, ExportDescription, COLUMNS};
use crate::storage::ExportRow;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::collections::BTreeSet;

/// Excel's rows per sheet, less the header row.
pub const MAX_ROWS_PER_SHEET: i64 = 1_048_575;
/// Excel keeps at most this many characters in a cell.
const MAX_CELL_CHARS: usize = 32_767;
const INFO_SHEET: &str = "Filter und Datenstand";
const SINGLE_SHEET: &str = "Umsetzungsstände";

/// Writes a workbook row by row; [`WorkbookWriter::finish`] returns the file's bytes.
pub struct WorkbookWriter {
    workbook: Workbook,
    per_themenfeld: bool,
    /// The Themenfeld of the sheet being written (with one sheet per Themenfeld).
    themenfeld: Option<i64>,
    /// Index of the sheet being written and its next row.
    sheet: Option<(usize, u32)>,
    sheet_names: BTreeSet<String>,
    rows: u64,
    header: Format,
    date: Format,
    time: Format,
}

impl WorkbookWriter {
    pub fn new(per_themenfeld: bool) -> Result<Self, XlsxError> {
        let mut workbook = Workbook::new();
        workbook.add_worksheet().set_name(INFO_SHEET)?;
        Ok(Self {
            workbook,
            per_themenfeld,
            themenfeld: None,
            sheet: None,
            sheet_names: BTreeSet::from([INFO_SHEET.to_owned()]),
            rows: 0,
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("dd.mm.yyyy"),
            time: Format::new().set_num_format("dd.mm.yyyy hh:mm"),
        })
    }

    /// Appends `row`; with one sheet per Themenfeld the rows must come ordered by Themenfeld.
    pub fn write(&mut self, row: &ExportRow) -> Result<(), XlsxError> {
        let new_sheet = match self.sheet {
            None => true,
            Some(_) => self.per_themenfeld && self.themenfeld != Some(row.themenfeld_id),
        };
        if new_sheet {
            self.close_sheet()?;
            let name = if self.per_themenfeld {
                row.themenfeld.as_str()
            } else {
                SINGLE_SHEET
            };
            self.open_sheet(name)?;
            self.themenfeld = Some(row.themenfeld_id);
        }
        let (index, next_row) = self.sheet.expect("a sheet is open");
        let sheet = self.workbook.worksheet_from_index(index)?;
        for (col, cell) in (0u16..).zip(cells(row)) {
            match cell {
                Cell::Int(n) => {
                    sheet.write_number(next_row, col, n as f64)?;
                }
                Cell::Text(s) => {
                    let s: String = s.chars().take(MAX_CELL_CHARS).collect();
                    sheet.write_string(next_row, col, s)?;
                }
                Cell::Date(d) => {
                    sheet.write_date_with_format(next_row, col, d, &self.date)?;
                }
                Cell::Time(t) => {
                    sheet.write_datetime_with_format(next_row, col, t.naive_utc(), &self.time)?;
                }
                Cell::Empty => {}
            }
        }
        self.sheet = Some((index, next_row + 1));
        self.rows += 1;
        Ok(())
    }

    fn open_sheet(&mut self, wanted: &str) -> Result<(), XlsxError> {
        let name = unique_sheet_name(wanted, &self.sheet_names);
        self.sheet_names.insert(name.clone());
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(&name)?;
        for (col, (title, width)) in (0u16..).zip(COLUMNS) {
            sheet.set_column_width(col, width)?;
            sheet.write_string_with_format(0, col, title, &self.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        let index = self.workbook.worksheets().len() - 1;
        self.sheet = Some((index, 1));
        Ok(())
    }

    /// Gives the open sheet its autofilter, now that its last row is known.
    fn close_sheet(&mut self) -> Result<(), XlsxError> {
        if let Some((index, next_row)) = self.sheet {
            let last_col = (COLUMNS.len() - 1) as u16;
            let sheet = self.workbook.worksheet_from_index(index)?;
            sheet.autofilter(0, 0, next_row.saturating_sub(1).max(1), last_col)?;
        }
        Ok(())
    }

    /// Fills the first sheet from `about`, and returns the workbook's bytes.
    pub fn finish(mut self, about: &ExportDescription) -> Result<Vec<u8>, XlsxError> {
        if self.sheet.is_none() {
            self.open_sheet(SINGLE_SHEET)?; // no rows: the header alone says what was empty
        }
        self.close_sheet()?;
        let rows = self.rows;
        let header = self.header.clone();
        let date = self.date.clone();
        let time = self.time.clone();
        let info = self.workbook.worksheet_from_index(0)?;
        describe(info, about, rows, &header, &date, &time)?;
        // open on the records, not on the description
        self.workbook.worksheet_from_index(1)?.set_active(true);
        self.workbook.save_to_buffer()
    }
}

fn describe(
    sheet: &mut Worksheet,
    about: &ExportDescription,
    rows: u64,
    bold: &Format,
    date: &Format,
    time: &Format,
) -> Result<(), XlsxError> {
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 80)?;
    sheet.write_string_with_format(
        0,
        0,
        format!("OZG-Monitor {}: Umsetzungsstände", about.land_name),
        bold,
    )?;
    let mut row = 2;
    let mut label = |sheet: &mut Worksheet, text: &str| -> Result<u32, XlsxError> {
        sheet.write_string_with_format(row, 0, text, bold)?;
        row += 1;
        Ok(row - 1)
    };
    let r = label(sheet, "Datenstand")?;
    match about.data_as_of {
        Some(t) => sheet.write_date_with_format(r, 1, t.date_naive(), date)?,
        None => sheet.write_string(r, 1, "noch keine Änderungen erfasst")?,
    };
    let r = label(sheet, "Exportiert am (UTC)")?;
    sheet.write_datetime_with_format(r, 1, about.exported_at.naive_utc(), time)?;
    let r = label(sheet, "Filter")?;
    sheet.write_string(r, 1, about.filter_line())?;
    let r = label(sheet, "Umsetzungsstände")?;
    sheet.write_number(r, 1, rows as f64)?;
    if about.demo_data {
        let r = label(sheet, "Demo-Daten")?;
        sheet.write_string(
            r,
            1,
            format!(
                "Die Umsetzungsstände sind erfundene Beispieldaten und geben nicht den \
                 tatsächlichen Stand in {} wieder.",
                about.land_name
            ),
        )?;
    }
    let r = label(sheet, "Hinweis")?;
    sheet.write_string(
        r,
        1,
        "Zeiten in UTC. „Datensatz“ und „Version“ kennzeichnen den Stand jedes Umsetzungsstands.",
    )?;
    Ok(())
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`, no apostrophe at
/// either end) that no other sheet of the workbook has.
fn unique_sheet_name(wanted: &str, taken: &BTreeSet<String>) -> String {
    let cleaned: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    let cleaned = if cleaned.is_empty() { "Blatt" } else { cleaned };
    let lower: BTreeSet<String> = taken.iter().map(|t| t.to_lowercase()).collect();
    // ends: at most `taken.len()` numbers are taken
    #[allow(clippy::maybe_infinite_iter)]
    (1..)
        .map(|n| {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!(" ({n})")
            };
            let room = 31 - suffix.chars().count();
            format!(
                "{}{suffix}",
                cleaned.chars().take(room).collect::<String>().trim_end()
            )
        })
        .find(|name| !lower.contains(&name.to_lowercase()))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::tests_support::{about, sample_row};
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use std::io::Cursor;

    fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).expect("a readable workbook")
    }

    #[test]
    fn one_sheet_with_typed_cells_and_a_description() {
        let mut w = WorkbookWriter::new(false).unwrap();
        let mut second = sample_row();
        second.id = 8;
        second.themenfeld_id = 5;
        for r in [sample_row(), second] {
            w.write(&r).unwrap();
        }
        let mut book = open(w.finish(&about(true)).unwrap());
        assert_eq!(book.sheet_names(), vec![INFO_SHEET, SINGLE_SHEET]);

        let data = book.worksheet_range(SINGLE_SHEET).unwrap();
        assert_eq!(data.height(), 3, "header and two rows");
        let header: Vec<String> = data
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(header, COLUMNS.map(|(n, _)| n.to_owned()).to_vec());
        let row = &data.rows().nth(1).unwrap();
        assert_eq!(row[0], Data::Float(7.0));
        assert_eq!(row[3], Data::String("Ummeldung; „Wohnsitz“".into()));
        // a formula in a string cell stays text: no escaping needed, nothing is run
        assert_eq!(row[16], Data::String("=HYPERLINK(\"x\")".into()));
        match &row[12] {
            Data::DateTime(d) => assert_eq!(
                d.as_datetime().unwrap().date(),
                chrono::NaiveDate::from_ymd_opt(2022, 12, 31).unwrap()
            ),
            other => panic!("a real date expected, got {other:?}"),
        }
        assert_eq!(row[13], Data::Empty);

        let info = book.worksheet_range(INFO_SHEET).unwrap();
        let text: Vec<String> = info.cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(text.contains(&"Ressort: TMDI".to_owned()), "{text:?}");
        assert!(text.iter().any(|t| t.contains("erfundene Beispieldaten")));
        assert!(text.contains(&"2".to_owned()), "row count: {text:?}");
    }

    #[test]
    fn a_sheet_per_themenfeld() {
        let mut w = WorkbookWriter::new(true).unwrap();
        let mut rows = vec![sample_row(), sample_row(), sample_row()];
        rows[2].themenfeld_id = 9;
        rows[2].themenfeld = "Forschung: Förderung / Lehre [alt]".into();
        for r in &rows {
            w.write(r).unwrap();
        }
        let mut book = open(w.finish(&about(false)).unwrap());
        assert_eq!(
            book.sheet_names(),
            vec![
                INFO_SHEET,
                "Bauen & Wohnen",
                "Forschung- Förderung - Lehre -a"
            ]
        );
        assert_eq!(book.worksheet_range("Bauen & Wohnen").unwrap().height(), 3);
        let info = book.worksheet_range(INFO_SHEET).unwrap();
        assert!(!info
            .cells()
            .any(|(_, _, c)| c.to_string().contains("Beispieldaten")));
    }

    #[test]
    fn an_empty_export_has_its_header() {
        let w = WorkbookWriter::new(false).unwrap();
        let mut book = open(w.finish(&about(false)).unwrap());
        assert_eq!(book.worksheet_range(SINGLE_SHEET).unwrap().height(), 1);
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let taken = BTreeSet::from(["Umsetzungsstände".to_owned()]);
        assert_eq!(
            unique_sheet_name("umsetzungsstände", &taken),
            "umsetzungsstände (2)"
        );
        let long = "Ein sehr langer Themenfeldname über dreißig Zeichen";
        // cut to 31 characters, then the trailing space dropped
        assert_eq!(
            unique_sheet_name(long, &taken),
            "Ein sehr langer Themenfeldname"
        );
        assert_eq!(unique_sheet_name("'[]'", &taken), "--");
        assert_eq!(unique_sheet_name("''", &taken), "Blatt");
    }
}
