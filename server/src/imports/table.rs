//! Reading an uploaded spreadsheet — CSV in either export dialect, or XLSX — into sheets of
//! typed cells with their position, so the importers never see a file format. Everything
//! that makes a file unusable as a whole (encoding, formulas, size) is refused here.

use app::domain::MAX_IMPORT_LINES;
use app::error::AppError;
use chrono::NaiveDate;

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Value {
    /// The cell as text, as a person would read it (whole numbers without a fraction).
    pub fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.trim().to_owned(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
            Value::Date(d) => d.format("%d.%m.%Y").to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A data row: its line number in the file (1-based, as a spreadsheet shows it) and cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<Value>,
}

impl Row {
    pub fn get(&self, column: usize) -> &Value {
        self.cells.get(column).unwrap_or(&Value::Empty)
    }
}

/// A table: the header (first non-empty row) and the rows below it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The worksheet's name; `None` for CSV.
    pub name: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

impl Sheet {
    /// Where a line is, in German: `Zeile 5` or `Blatt „Bauen & Wohnen“, Zeile 5`.
    pub fn position(&self, line: usize) -> String {
        match &self.name {
            Some(name) => format!("Blatt „{name}“, Zeile {line}"),
            None => format!("Zeile {line}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

impl FileKind {
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Csv => "CSV",
            FileKind::Xlsx => "XLSX",
        }
    }

    /// XLSX files are ZIP archives; everything else is read as CSV text.
    pub fn detect(bytes: &[u8]) -> Self {
        if bytes.starts_with(b"PK\x03\x04") {
            FileKind::Xlsx
        } else {
            FileKind::Csv
        }
    }
}

/// Why a file cannot be imported at all; German, for the person who uploaded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError(pub Vec<String>);

impl FileError {
    fn one(message: impl Into<String>) -> Self {
        Self(vec![message.into()])
    }
}

/// The most a workbook may unpack to: a whole Land's export unpacks to about 150 MB.
const MAX_UNPACKED_BYTES: u64 = 1024 * 1024 * 1024;

/// At most this many formula cells are listed in an error.
const LISTED_FORMULAS: usize = 10;

/// Reads `bytes` as CSV or XLSX (detected from the content, not a file name).
pub fn read(bytes: &[u8]) -> Result<(FileKind, Vec<Sheet>), FileError> {
    if bytes.is_empty() {
        return Err(FileError::one("Die Datei ist leer."));
    }
    let kind = FileKind::detect(bytes);
    let sheets = match kind {
        FileKind::Csv => vec![read_csv(bytes)?],
        FileKind::Xlsx => read_xlsx(bytes)?,
    };
    let lines: usize = sheets.iter().map(|s| s.rows.len()).sum();
    if lines > MAX_IMPORT_LINES {
        return Err(FileError::one(format!(
            "Die Datei hat {lines} Zeilen; ein Import nimmt höchstens {MAX_IMPORT_LINES} an. \
             Bitte teilen Sie sie auf."
        )));
    }
    Ok((kind, sheets))
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, FileError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(FileError::one(
            "Die Datei ist UTF-16-kodiert („Unicode-Text“). Bitte speichern Sie sie in Excel als \
             „CSV UTF-8 (durch Trennzeichen getrennt)“.",
        ));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(text).map_err(|e| {
        let line = text[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        FileError::one(format!(
            "Die Datei ist nicht UTF-8-kodiert (erstes ungültiges Zeichen in Zeile {line}); \
             vermutlich wurde sie als „CSV (Trennzeichen-getrennt)“ in Windows-1252 gespeichert. \
             Bitte speichern Sie sie in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“."
        ))
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut formulas = Vec::new();
    let mut lines = LineCounter::new(text);
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_of(p.byte() as usize));
            FileError::one(format!(
                "Die Datei ist kein lesbares CSV (Zeile {line}): ein Anführungszeichen ist nicht \
                 geschlossen oder die Zeile ist beschädigt."
            ))
        })?;
        let line = lines.line_of(record.position().map_or(0, |p| p.byte() as usize));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if header.is_none() {
            header = Some(record.iter().map(|h| h.trim().to_owned()).collect());
            continue;
        }
        if rows.len() >= MAX_IMPORT_LINES {
            return Err(too_many_lines());
        }
        let cells = record
            .iter()
            .enumerate()
            .map(|(column, raw)| {
                let (value, formula) = unescape_text(raw);
                if formula && formulas.len() < LISTED_FORMULAS {
                    formulas.push(format!(
                        "Zeile {line}, Spalte {}: „{}“",
                        column_letters(column),
                        preview(raw)
                    ));
                }
                value
            })
            .collect();
        rows.push(Row { line, cells });
    }
    refuse_formulas(formulas)?;
    let header = header.ok_or_else(|| FileError::one("Die Datei enthält keine Kopfzeile."))?;
    Ok(Sheet {
        name: None,
        header,
        rows,
    })
}

/// Line numbers from byte offsets, counted once through the text. (The csv crate's own line
/// count lags by one after a CRLF, which is what Excel writes.)
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The line a record starting at `byte` begins on (offsets only grow).
    fn line_of(&mut self, byte: usize) -> usize {
        let mut start = byte.min(self.text.len());
        // a record's offset may point at the line break before it
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.byte {
            self.line += self.text[self.byte..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.byte = start;
        }
        self.line
    }
}

fn too_many_lines() -> FileError {
    FileError::one(format!(
        "Die Datei hat mehr als {MAX_IMPORT_LINES} Zeilen; bitte teilen Sie sie auf."
    ))
}

/// The separator of the header line: `;` (German Excel), `,` (RFC 4180) or a tab.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .unwrap_or(b';')
}

/// A text cell with the export's formula escape removed: `'=x` is the text `=x`. Returns
/// whether the cell is an unescaped formula (`=`, `+`, `-`, `@` first), which a spreadsheet
/// would run.
fn unescape_text(raw: &str) -> (Value, bool) {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return (Value::Empty, false);
    }
    if let Some(rest) = trimmed.strip_prefix('\'') {
        if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            return (Value::Text(rest.to_owned()), false);
        }
    }
    let formula = trimmed.starts_with(['=', '+', '@'])
        || (trimmed.starts_with('-') && trimmed != "-" && !is_number(trimmed));
    (Value::Text(trimmed.to_owned()), formula)
}

/// A negative number is data, not a formula.
fn is_number(s: &str) -> bool {
    s.replace(',', ".").parse::<f64>().is_ok()
}

fn preview(s: &str) -> String {
    let mut out: String = s.trim().chars().take(40).collect();
    if s.trim().chars().count() > 40 {
        out.push('…');
    }
    out
}

fn refuse_formulas(found: Vec<String>) -> Result<(), FileError> {
    if found.is_empty() {
        return Ok(());
    }
    let mut messages = vec![
        "Die Datei enthält Formeln. Formeln werden nicht importiert, weil Tabellenprogramme \
         sie beim Öffnen ausführen (z. B. =HYPERLINK); geben Sie Text, der mit =, +, - oder @ \
         beginnt, mit einem vorangestellten Apostroph ein (so schreibt ihn auch der Export)."
            .to_owned(),
    ];
    messages.extend(found);
    Err(FileError(messages))
}

/// Reads `bytes` with [`read`] and hands the sheets to `lines`, on a blocking thread: parsing
/// a large workbook takes seconds, and a reader that panics on a malformed file answers like
/// any unreadable file. The errors are the German reasons for a 422.
pub async fn read_in_background<T: Send + 'static>(
    bytes: Vec<u8>,
    lines: impl FnOnce(&[Sheet]) -> Result<T, Vec<String>> + Send + 'static,
) -> Result<(FileKind, T), AppError> {
    tokio::task::spawn_blocking(move || {
        let (kind, sheets) = read(&bytes).map_err(|e| e.0)?;
        Ok((kind, lines(&sheets)?))
    })
    .await
    .map_err(|_| {
        AppError::Unprocessable(vec!["Die Datei ließ sich nicht lesen (beschädigt?).".into()])
    })?
    .map_err(AppError::Unprocessable)
}

/// A CSV-like sheet of text cells, data lines from line 2 on (the importers' tests).
#[cfg(test)]
pub(crate) fn text_sheet<const N: usize>(header: [&str; N], rows: &[[&str; N]]) -> Sheet {
    Sheet {
        name: None,
        header: header.map(String::from).to_vec(),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, r)| Row {
                line: i + 2,
                cells: r.iter().map(|c| Value::Text((*c).into())).collect(),
            })
            .collect(),
    }
}

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column.
pub fn column_letters(mut column: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, FileError> {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let unreadable = |_| {
        FileError::one(
            "Die Datei sieht wie eine XLSX-Arbeitsmappe aus, lässt sich aber nicht lesen \
             (beschädigt oder kein Excel-Format).",
        )
    };
    // a small zip can unpack to gigabytes: the sizes the archive declares are checked first
    if unpacked_size(bytes).is_none_or(|n| n > MAX_UNPACKED_BYTES) {
        return Err(FileError::one(format!(
            "Die Arbeitsmappe ist beschädigt oder entpackt größer als {} MB.",
            MAX_UNPACKED_BYTES / (1024 * 1024)
        )));
    }
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let mut sheets = Vec::new();
    let mut formulas = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(unreadable)?;
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        let formula_range = workbook.worksheet_formula(&name).map_err(unreadable)?;
        for (row, column, formula) in formula_range.used_cells() {
            if !formula.is_empty() && formulas.len() < LISTED_FORMULAS {
                let (r, c) = formula_range.start().unwrap_or((0, 0));
                formulas.push(format!(
                    "Blatt „{name}“, Zelle {}{}: „={}“",
                    column_letters(c as usize + column),
                    r as usize + row + 1,
                    preview(formula)
                ));
            }
        }
        let mut header: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        for (offset, cells) in range.rows().enumerate() {
            let line = first_row as usize + offset + 1;
            let mut values: Vec<Value> = vec![Value::Empty; first_column as usize];
            for cell in cells {
                values.push(match cell {
                    Data::Empty | Data::Error(_) => Value::Empty,
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                        let (value, formula) = unescape_text(s);
                        if formula && formulas.len() < LISTED_FORMULAS {
                            formulas
                                .push(format!("Blatt „{name}“, Zeile {line}: „{}“", preview(s)));
                        }
                        value
                    }
                    Data::Int(i) => Value::Number(*i as f64),
                    Data::Float(f) => Value::Number(*f),
                    Data::Bool(b) => Value::Text(if *b { "WAHR" } else { "FALSCH" }.into()),
                    Data::DateTime(d) => d
                        .as_datetime()
                        .map_or(Value::Number(d.as_f64()), |t| Value::Date(t.date())),
                });
            }
            if values.iter().all(Value::is_empty) {
                continue;
            }
            if header.is_none() {
                header = Some(values.iter().map(Value::text).collect());
                continue;
            }
            if rows.len() >= MAX_IMPORT_LINES {
                return Err(too_many_lines());
            }
            rows.push(Row {
                line,
                cells: values,
            });
        }
        if let Some(header) = header {
            sheets.push(Sheet {
                name: Some(name.clone()),
                header,
                rows,
            });
        }
    }
    refuse_formulas(formulas)?;
    if sheets.is_empty() {
        return Err(FileError::one("Die Arbeitsmappe enthält keine Daten."));
    }
    Ok(sheets)
}

/// The sum of the sizes a zip archive's directory declares for its files.
fn unpacked_size(bytes: &[u8]) -> Option<u64> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    (0..archive.len()).try_fold(0u64, |total, i| {
        total.checked_add(archive.by_index_raw(i).ok()?.size())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_german_dialect_with_bom() {
        let file =
            "\u{feff}OZG-ID;Einheit;Bemerkung\r\n1234;16051000;\"a; b\"\r\n\r\n5;x;'=1+2\r\n";
        let (kind, sheets) = read(file.as_bytes()).unwrap();
        assert_eq!(kind, FileKind::Csv);
        let sheet = &sheets[0];
        assert_eq!(sheet.header, ["OZG-ID", "Einheit", "Bemerkung"]);
        assert_eq!(sheet.rows.len(), 2, "{sheet:?}");
        assert_eq!(sheet.rows[0].line, 2);
        assert_eq!(sheet.rows[0].get(2), &Value::Text("a; b".into()));
        // the empty line is skipped, and line numbers stay those of the file
        assert_eq!(sheet.rows[1].line, 4);
        assert_eq!(sheet.rows[1].get(2), &Value::Text("=1+2".into()));
        assert_eq!(sheet.rows[1].get(9), &Value::Empty);
    }

    #[test]
    fn reads_the_rfc_dialect() {
        let (_, sheets) = read(b"a,b\n1,\"x,y\"\n").unwrap();
        assert_eq!(sheets[0].rows[0].get(1), &Value::Text("x,y".into()));
    }

    #[test]
    fn refuses_formulas_encodings_and_empty_files() {
        let err = read("a;b\n1;=HYPERLINK(\"http://x\")\n".as_bytes()).unwrap_err();
        assert!(err.0[0].contains("Formeln"), "{err:?}");
        assert!(err.0[1].contains("Zeile 2, Spalte B"), "{err:?}");
        // negative numbers are data
        assert!(read(b"a;b\n1;-2\n").is_ok());
        let latin1 = b"a;b\n1;Stra\xdfe\n";
        assert!(read(latin1).unwrap_err().0[0].contains("Zeile 2"));
        assert!(read(&[0xFF, 0xFE, b'a', 0]).unwrap_err().0[0].contains("UTF-16"));
        assert!(read(b"").is_err());
        assert!(read(b"\n \n").unwrap_err().0[0].contains("Kopfzeile"));
        assert!(read(b"PK\x03\x04garbage").unwrap_err().0[0].contains("beschädigt"));
    }

    #[test]
    fn a_workbook_declares_its_unpacked_size() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "OZG-ID").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let size = unpacked_size(&bytes).unwrap();
        assert!(size > 0 && size < 100_000, "{size}");
        assert_eq!(unpacked_size(b"PK\x03\x04garbage"), None);
        let (kind, sheets) = read(&bytes).unwrap();
        assert_eq!(kind, FileKind::Xlsx);
        assert_eq!(sheets[0].header, ["OZG-ID"]);
    }

    #[test]
    fn names_columns_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27 * 26), "AAA");
    }

    #[test]
    fn numbers_read_as_text_without_fraction() {
        assert_eq!(Value::Number(16051000.0).text(), "16051000");
        assert_eq!(Value::Number(2.5).text(), "2.5");
        assert_eq!(
            Value::Date(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()).text(),
            "31.12.2026"
        );
    }
}
