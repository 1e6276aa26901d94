//! CSV in two dialects: one German Excel opens correctly by double-click (`;`, UTF-8 with
//! BOM, `31.12.2026`), and plain RFC 4180 for machines (`,`, no BOM, ISO dates). Encoded a
//! chunk at a time so the HTTP side can stream any number of rows.

use super::{neutralise_formula, Cell};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `;`-separated, UTF-8 with BOM, German dates.
    GermanExcel,
    /// RFC 4180: `,`-separated, CRLF, UTF-8 without BOM, ISO 8601 dates.
    Rfc4180,
}

impl Dialect {
    /// The `dialect` parameter: absent or `excel` is German Excel, `rfc4180` the plain one.
    pub fn from_param(raw: Option<&str>) -> Result<Self, String> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("excel") => Ok(Self::GermanExcel),
            Some("rfc4180") => Ok(Self::Rfc4180),
            Some(other) => Err(format!(
                "Parameter „dialect“: „{}“ ist unbekannt (erlaubt: excel, rfc4180).",
                other.chars().take(40).collect::<String>()
            )),
        }
    }

    fn delimiter(self) -> u8 {
        match self {
            Self::GermanExcel => b';',
            Self::Rfc4180 => b',',
        }
    }

    /// A cell as the file holds it.
    fn field(self, cell: Cell<'_>) -> String {
        let text = self.render(cell);
        match self {
            // German Excel's dialect is also opened through import dialogs that split at
            // commas as well as semicolons (LibreOffice's first use): a field with a comma is
            // quoted, as is one that needs it anyway ("Erfurt, Stadt" stayed one field only
            // for programs that split at semicolons alone)
            Self::GermanExcel if text.contains([';', ',', '"', '\r', '\n']) => {
                format!("\"{}\"", text.replace('"', "\"\""))
            }
            _ => text.into_owned(),
        }
    }

    fn render(self, cell: Cell<'_>) -> Cow<'_, str> {
        match (cell, self) {
            (Cell::Int(n), _) => Cow::Owned(n.to_string()),
            (Cell::Text(Cow::Borrowed(s)), _) => neutralise_formula(s),
            (Cell::Text(Cow::Owned(s)), _) => Cow::Owned(neutralise_formula(&s).into_owned()),
            (Cell::Date(d), Self::GermanExcel) => Cow::Owned(d.format("%d.%m.%Y").to_string()),
            (Cell::Date(d), Self::Rfc4180) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
            (Cell::Time(t), Self::GermanExcel) => {
                Cow::Owned(t.format("%d.%m.%Y %H:%M").to_string())
            }
            (Cell::Time(t), Self::Rfc4180) => {
                Cow::Owned(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            }
            (Cell::Empty, _) => Cow::Borrowed(""),
        }
    }
}

/// Encodes rows into CSV bytes; [`CsvEncoder::take`] hands out what is ready so far.
pub struct CsvEncoder {
    dialect: Dialect,
    writer: ::csv::Writer<Vec<u8>>,
}

/// Encoding into memory fails only on a bug; the error says which.
pub type EncodeError = ::csv::Error;

fn writer(dialect: Dialect, start: Vec<u8>) -> ::csv::Writer<Vec<u8>> {
    let quoting = match dialect {
        // its fields arrive quoted where needed (`Dialect::field`)
        Dialect::GermanExcel => ::csv::QuoteStyle::Never,
        Dialect::Rfc4180 => ::csv::QuoteStyle::Necessary,
    };
    ::csv::WriterBuilder::new()
        .delimiter(dialect.delimiter())
        .terminator(::csv::Terminator::CRLF)
        .quote_style(quoting)
        .from_writer(start)
}

impl CsvEncoder {
    /// A new encoder whose first bytes are the BOM (German Excel) and the `header` row.
    pub fn new(dialect: Dialect, header: &[&str]) -> Result<Self, EncodeError> {
        let start = match dialect {
            Dialect::GermanExcel => "\u{feff}".as_bytes().to_vec(),
            Dialect::Rfc4180 => Vec::new(),
        };
        let mut writer = writer(dialect, start);
        writer.write_record(
            header
                .iter()
                .map(|h| dialect.field(Cell::Text(Cow::Borrowed(h)))),
        )?;
        Ok(Self { dialect, writer })
    }

    pub fn write<'a>(
        &mut self,
        cells: impl IntoIterator<Item = Cell<'a>>,
    ) -> Result<(), EncodeError> {
        let dialect = self.dialect;
        self.writer
            .write_record(cells.into_iter().map(|c| dialect.field(c)))
    }

    /// The bytes encoded since the last call (the writer starts afresh on an empty buffer).
    pub fn take(&mut self) -> Result<Vec<u8>, EncodeError> {
        let done = std::mem::replace(&mut self.writer, writer(self.dialect, Vec::new()));
        done.into_inner()
            .map_err(|e| EncodeError::from(e.into_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::tests_support::sample_row;
    use crate::exports::{cells, COLUMNS};
    use crate::storage::ExportRow;

    fn encode(dialect: Dialect, rows: &[ExportRow]) -> String {
        let mut e = CsvEncoder::new(dialect, &COLUMNS.map(|(name, _)| name)).unwrap();
        for r in rows {
            e.write(cells(r)).unwrap();
        }
        String::from_utf8(e.take().unwrap()).unwrap()
    }

    #[test]
    fn german_excel_dialect() {
        let text = encode(Dialect::GermanExcel, &[sample_row()]);
        assert!(text.starts_with('\u{feff}'), "BOM first");
        let mut lines = text.trim_start_matches('\u{feff}').split("\r\n");
        assert_eq!(
            lines.next().unwrap(),
            "Datensatz;Version;OZG-ID;Leistung;Themenfeld;Ressort;Einheit (Schlüssel);Einheit;Art;\
             Status (Code);Status;Reifegrad;Geplanter Start;Online seit;Online-URL;EfA-Lösung;\
             Bemerkung;Zuletzt geändert (UTC)"
        );
        assert_eq!(
            lines.next().unwrap(),
            "7;3;1234;\"Ummeldung; „Wohnsitz“\";Bauen & Wohnen;TMDI;16051000;\"Erfurt, Stadt\";Gemeinde;\
             online;Online;3;31.12.2022;;https://example.org/a;;\"'=HYPERLINK(\"\"x\"\")\";\
             02.11.2026 09:05"
        );
        assert_eq!(lines.next(), Some(""), "every line ends with CRLF");
    }

    #[test]
    fn rfc4180_dialect_round_trips_through_a_reader() {
        let row = sample_row();
        let text = encode(Dialect::Rfc4180, &[row.clone(), row]);
        assert!(!text.starts_with('\u{feff}'));
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header.len(), COLUMNS.len());
        let records: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 2);
        let r = &records[0];
        assert_eq!(&r[3], "Ummeldung; „Wohnsitz“");
        assert_eq!(&r[7], "Erfurt, Stadt");
        assert_eq!(&r[12], "2022-12-31");
        assert_eq!(&r[13], "");
        assert_eq!(&r[16], "'=HYPERLINK(\"x\")");
        assert_eq!(&r[17], "2026-11-02T09:05:00Z");
    }

    #[test]
    fn unknown_dialect_is_refused_in_german() {
        assert_eq!(Dialect::from_param(None), Ok(Dialect::GermanExcel));
        assert_eq!(Dialect::from_param(Some("rfc4180")), Ok(Dialect::Rfc4180));
        assert!(Dialect::from_param(Some("tsv"))
            .unwrap_err()
            .contains("erlaubt: excel, rfc4180"));
    }
}
