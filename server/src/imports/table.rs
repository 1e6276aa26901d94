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
    /// Text, in the encoding it was read in.
    Csv(TextEncoding),
    Xlsx,
}

/// The encodings spreadsheets save CSV in: Excel's "CSV UTF-8" (with a byte order mark),
/// other programs' UTF-8 (without), German Excel's plain "CSV (Trennzeichen-getrennt)"
/// (Windows-1252) and "Unicode-Text" (UTF-16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8WithBom,
    Utf16,
    Windows1252,
}

impl FileKind {
    /// What was read, for the report: "XLSX", "CSV, UTF-8", "CSV, Windows-1252" …
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Csv(TextEncoding::Utf8) => "CSV, UTF-8",
            FileKind::Csv(TextEncoding::Utf8WithBom) => "CSV, UTF-8 mit BOM",
            FileKind::Csv(TextEncoding::Utf16) => "CSV, UTF-16",
            FileKind::Csv(TextEncoding::Windows1252) => "CSV, Windows-1252",
            FileKind::Xlsx => "XLSX",
        }
    }
}

/// The text of a CSV file: UTF-8 or UTF-16 by their byte order mark, UTF-8 when it is valid
/// UTF-8, else Windows-1252 (which gives every byte a character; the control characters a
/// wrong guess would produce are refused with the cell that holds them).
fn decode(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, TextEncoding) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let kind = if encoding == encoding_rs::UTF_8 {
            TextEncoding::Utf8WithBom
        } else {
            TextEncoding::Utf16
        };
        return (text, kind);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        (std::borrow::Cow::Borrowed(text), TextEncoding::Utf8)
    } else {
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (text, TextEncoding::Windows1252)
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

/// The most a workbook may unpack to: a whole Land's export (256,000 lines) unpacks to about
/// 150 MB, the largest import (300,000 lines) to about 180 MB.
const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// The most columns a line may use: the widest export has 22. A cell beyond this is refused
/// before anything is kept of it (a sheet with a cell at XFD1048576, a CSV line of 200,000
/// fields); empty cells beyond it (formatted, or trailing separators) are ignored.
pub const MAX_COLUMNS: usize = 200;

/// The most worksheets a workbook may have (the export by Themenfeld has 15).
const MAX_SHEETS: usize = 100;

/// At most this many formula cells are listed in an error.
const LISTED_FORMULAS: usize = 10;

/// How many lines or cells are read between two looks at the cancellation flag.
const CANCEL_CHECK_EVERY: usize = 4096;

/// Set when nobody waits for the reading any more (the request ended or timed out): the
/// reader stops at its next look instead of parsing on for nobody.
#[derive(Debug, Clone, Default)]
pub struct Cancellation(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Cancellation {
    pub fn cancel(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    fn check(&self) -> Result<(), FileError> {
        if self.0.load(std::sync::atomic::Ordering::Relaxed) {
            Err(FileError::one("Das Lesen der Datei wurde abgebrochen."))
        } else {
            Ok(())
        }
    }
}

/// Cancels when dropped: held by the request's future, so a request that ends early (timeout,
/// closed connection) stops its reader.
struct CancelOnDrop(Cancellation);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Reads `bytes` as CSV or XLSX (detected from the content, not a file name).
pub fn read(bytes: &[u8]) -> Result<(FileKind, Vec<Sheet>), FileError> {
    read_cancellable(bytes, &Cancellation::default())
}

/// [`read`], stopping early once `cancel` is set.
pub fn read_cancellable(
    bytes: &[u8],
    cancel: &Cancellation,
) -> Result<(FileKind, Vec<Sheet>), FileError> {
    if bytes.is_empty() {
        return Err(FileError::one("Die Datei ist leer."));
    }
    // XLSX files are ZIP archives; everything else is read as CSV text
    let (kind, sheets) = if bytes.starts_with(b"PK\x03\x04") {
        // a reader that trips over a malformed workbook (calamine subtracts a hostile
        // dimension's corners unchecked) answers like any unreadable file
        let sheets =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_xlsx(bytes, cancel)))
                .unwrap_or_else(|_| Err(unreadable(())))?;
        (FileKind::Xlsx, sheets)
    } else {
        let (text, encoding) = decode(bytes);
        (FileKind::Csv(encoding), vec![read_csv(&text, cancel)?])
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

/// Collects one sheet's lines: the first non-empty one is the header, the rest are rows;
/// limits the number of lines and columns as they arrive.
struct SheetBuilder {
    name: Option<String>,
    header: Option<Vec<String>>,
    rows: Vec<Row>,
}

impl SheetBuilder {
    fn new(name: Option<String>) -> Self {
        Self {
            name,
            header: None,
            rows: Vec::new(),
        }
    }

    /// Adds the line `line` (1-based, as a spreadsheet shows it) unless all its cells are empty.
    fn line(&mut self, line: usize, mut cells: Vec<Value>) -> Result<(), FileError> {
        while cells.last().is_some_and(Value::is_empty) {
            cells.pop();
        }
        if cells.is_empty() {
            return Ok(());
        }
        if cells.len() > MAX_COLUMNS {
            return Err(too_many_columns(
                self.name.as_deref(),
                line,
                cells.len() - 1,
            ));
        }
        // a NUL is stored by SQLite and refused by PostgreSQL: refused here for both
        if let Some(column) = cells
            .iter()
            .position(|c| matches!(c, Value::Text(t) if app::domain::has_control_characters(t)))
        {
            let place = match &self.name {
                Some(name) => format!("Blatt „{name}“, Zelle {}{line}", column_letters(column)),
                None => format!("Zeile {line}, Spalte {}", column_letters(column)),
            };
            return Err(FileError::one(format!(
                "Die Datei enthält Steuerzeichen (z. B. ein Nullzeichen) in {place}; sie \
                 können nicht gespeichert werden."
            )));
        }
        if self.header.is_none() {
            self.header = Some(cells.iter().map(Value::text).collect());
            return Ok(());
        }
        if self.rows.len() >= MAX_IMPORT_LINES {
            return Err(too_many_lines());
        }
        self.rows.push(Row { line, cells });
        Ok(())
    }

    fn finish(self) -> Option<Sheet> {
        Some(Sheet {
            name: self.name,
            header: self.header?,
            rows: self.rows,
        })
    }
}

fn too_many_columns(sheet: Option<&str>, line: usize, column: usize) -> FileError {
    let place = match sheet {
        Some(name) => format!("Blatt „{name}“, Zelle {}{line}", column_letters(column)),
        None => format!("Zeile {line}, Spalte {}", column_letters(column)),
    };
    FileError::one(format!(
        "Die Datei hat Inhalt in mehr als {MAX_COLUMNS} Spalten ({place}); ein Import liest \
         höchstens {MAX_COLUMNS} Spalten."
    ))
}

fn read_csv(text: &str, cancel: &Cancellation) -> Result<Sheet, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut sheet = SheetBuilder::new(None);
    let mut formulas = Vec::new();
    let mut lines = LineCounter::new(text);
    for (read, record) in reader.records().enumerate() {
        if read.is_multiple_of(CANCEL_CHECK_EVERY) {
            cancel.check()?;
        }
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_of(p.byte() as usize));
            FileError::one(format!(
                "Die Datei ist kein lesbares CSV (Zeile {line}): ein Anführungszeichen ist nicht \
                 geschlossen oder die Zeile ist beschädigt."
            ))
        })?;
        let line = lines.line_of(record.position().map_or(0, |p| p.byte() as usize));
        let used = (0..record.len())
            .rev()
            .find(|&i| !record[i].trim().is_empty())
            .map_or(0, |i| i + 1);
        if used > MAX_COLUMNS {
            return Err(too_many_columns(None, line, used - 1));
        }
        let cells = record
            .iter()
            .take(used)
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
        sheet.line(line, cells)?;
    }
    refuse_formulas(formulas)?;
    sheet
        .finish()
        .ok_or_else(|| FileError::one("Die Datei enthält keine Kopfzeile."))
}

/// Row numbers as a spreadsheet shows them, from byte offsets, counted once through the
/// text: a line break inside a quoted cell (a note of two lines) starts no new row. (The csv
/// crate's own line count lags by one after a CRLF, which is what Excel writes, and counts
/// every line break.)
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: usize,
    quoted: bool,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
            quoted: false,
        }
    }

    /// The row a record starting at `byte` is on (offsets only grow).
    fn line_of(&mut self, byte: usize) -> usize {
        let mut start = byte.min(self.text.len());
        // a record's offset may point at the line break before it
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.byte {
            for &b in &self.text[self.byte..start] {
                match b {
                    // an escaped quote ("") toggles twice
                    b'"' => self.quoted = !self.quoted,
                    b'\n' if !self.quoted => self.line += 1,
                    _ => {}
                }
            }
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
/// any unreadable file. When the caller stops waiting (the request timed out or its
/// connection closed), the reader stops too. The errors are the German reasons for a 422.
pub async fn read_in_background<T: Send + 'static>(
    bytes: Vec<u8>,
    lines: impl FnOnce(&[Sheet]) -> Result<T, Vec<String>> + Send + 'static,
) -> Result<(FileKind, T), AppError> {
    let cancel = Cancellation::default();
    let _stop_when_dropped = CancelOnDrop(cancel.clone());
    tokio::task::spawn_blocking(move || {
        let (kind, sheets) = read_cancellable(&bytes, &cancel).map_err(|e| e.0)?;
        drop(bytes);
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

/// Reads a workbook cell by cell (calamine's streaming reader), never from what the file
/// claims about itself: the declared sizes and string counts are checked against the
/// archive before calamine opens it, and a sheet's cells are kept one line at a time, so a
/// sheet with cells only at A1 and XFD1048576 costs two cells, not 17 billion.
fn read_xlsx(bytes: &[u8], cancel: &Cancellation) -> Result<Vec<Sheet>, FileError> {
    use calamine::{open_workbook_from_rs, Reader, Xlsx, XlsxError};
    check_archive(bytes)?;
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let names = workbook.sheet_names();
    if names.len() > MAX_SHEETS {
        return Err(FileError::one(format!(
            "Die Arbeitsmappe hat {} Blätter; ein Import liest höchstens {MAX_SHEETS}.",
            names.len()
        )));
    }
    let mut sheets = Vec::new();
    let mut formulas = Vec::new();
    for name in names {
        cancel.check()?;
        let mut cells = match workbook.worksheet_cells_reader(&name) {
            Ok(cells) => cells,
            // a chart sheet or macro sheet holds no lines
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => return Err(unreadable(e)),
        };
        let mut sheet = SheetBuilder::new(Some(name.clone()));
        let mut current: Option<(u32, Vec<Value>)> = None;
        let mut read = 0usize;
        while let Some(cell) = cells
            .next_cell_with_formula_metadata()
            .map_err(unreadable)?
        {
            read += 1;
            if read.is_multiple_of(CANCEL_CHECK_EVERY) {
                cancel.check()?;
            }
            let (row, column) = cell.pos;
            let line = row as usize + 1;
            if cell.formula.is_some() && formulas.len() < LISTED_FORMULAS {
                formulas.push(format!(
                    "Blatt „{name}“, Zelle {}{line}",
                    column_letters(column as usize)
                ));
            }
            let value = cell_value(cell.value);
            if value.is_empty() {
                continue;
            }
            let column = column as usize;
            if column >= MAX_COLUMNS {
                return Err(too_many_columns(Some(&name), line, column));
            }
            if current.as_ref().is_some_and(|(r, _)| *r != row) {
                let (r, values) = current.take().unwrap_or_default();
                sheet.line(r as usize + 1, values)?;
            }
            let (_, values) = current.get_or_insert_with(|| (row, Vec::new()));
            if values.len() <= column {
                values.resize(column + 1, Value::Empty);
            }
            values[column] = value;
        }
        if let Some((r, values)) = current {
            sheet.line(r as usize + 1, values)?;
        }
        sheets.extend(sheet.finish());
    }
    refuse_formulas(formulas)?;
    if sheets.is_empty() {
        return Err(FileError::one("Die Arbeitsmappe enthält keine Daten."));
    }
    Ok(sheets)
}

fn unreadable<E>(_: E) -> FileError {
    FileError::one(
        "Die Datei sieht wie eine XLSX-Arbeitsmappe aus, lässt sich aber nicht lesen \
         (beschädigt oder kein Excel-Format).",
    )
}

/// A workbook cell as the importers read it. Text is typed text in a workbook: a note that
/// starts with `=` is text, not a formula (formulas are their own cells, refused above).
fn cell_value(cell: calamine::DataRef<'_>) -> Value {
    use calamine::DataRef;
    match cell {
        DataRef::Empty | DataRef::Error(_) => Value::Empty,
        DataRef::SharedString(s) => text_value(s),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text_value(&s),
        DataRef::Int(i) => Value::Number(i as f64),
        DataRef::Float(f) => Value::Number(f),
        DataRef::Bool(b) => Value::Text(if b { "WAHR" } else { "FALSCH" }.into()),
        DataRef::DateTime(d) => d
            .as_datetime()
            .map_or(Value::Number(d.as_f64()), |t| Value::Date(t.date())),
    }
}

fn text_value(s: &str) -> Value {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        Value::Empty
    } else {
        Value::Text(trimmed.to_owned())
    }
}

/// Refuses an archive whose parts would unpack to more than [`MAX_UNPACKED_BYTES`], or whose
/// shared-string table declares more strings than its size can hold (a reader reserves room
/// for the declared count: `uniqueCount="10000000000"` in a 2 KB file asked for terabytes).
fn check_archive(bytes: &[u8]) -> Result<(), FileError> {
    let damaged = || {
        FileError::one(format!(
            "Die Arbeitsmappe ist beschädigt oder entpackt größer als {} MB.",
            MAX_UNPACKED_BYTES / (1024 * 1024)
        ))
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| damaged())?;
    let mut total = 0u64;
    let mut string_tables = Vec::new();
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|_| damaged())?;
        total = total.checked_add(part.size()).ok_or_else(damaged)?;
        let name = part.name().map_err(|_| damaged())?;
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            string_tables.push((i, part.size()));
        }
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(damaged());
    }
    for (i, size) in string_tables {
        let declared = declared_string_count(&mut archive, i).ok_or_else(damaged)?;
        // the shortest entry, `<si/>`, takes 5 bytes
        if declared.is_some_and(|n| n > size / 5 + 1) {
            return Err(damaged());
        }
    }
    Ok(())
}

/// The `uniqueCount` the shared-string table's root element declares (`None` when it has
/// none), read from the first 4 KB of the part; `None` overall when the part is unreadable.
fn declared_string_count(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    index: usize,
) -> Option<Option<u64>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    archive
        .by_index(index)
        .ok()?
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    let head = String::from_utf8_lossy(&head);
    let Some(root) = head.find("<sst").map(|start| &head[start..]) else {
        return Some(None);
    };
    let root = &root[..root.find('>').unwrap_or(root.len())];
    let Some(value) = root.split("uniqueCount=").nth(1) else {
        return Some(None);
    };
    let digits: String = value
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    // too many digits for a u64 is as wrong as any other impossible count
    Some(Some(digits.parse().unwrap_or(u64::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_german_dialect_with_bom() {
        let file =
            "\u{feff}OZG-ID;Einheit;Bemerkung\r\n1234;16051000;\"a; b\"\r\n\r\n5;x;'=1+2\r\n";
        let (kind, sheets) = read(file.as_bytes()).unwrap();
        assert_eq!(kind, FileKind::Csv(TextEncoding::Utf8WithBom));
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
    fn reads_what_spreadsheets_save_and_says_which_encoding() {
        // German Excel's plain "CSV (Trennzeichen-getrennt)": Windows-1252
        let (kind, sheets) = read(b"Schl\xfcssel;Bemerkung\r\n1;Stra\xdfe \x80 5\r\n").unwrap();
        assert_eq!(kind, FileKind::Csv(TextEncoding::Windows1252));
        assert_eq!(kind.label(), "CSV, Windows-1252");
        assert_eq!(sheets[0].header, ["Schlüssel", "Bemerkung"]);
        assert_eq!(sheets[0].rows[0].get(1), &Value::Text("Straße € 5".into()));
        // UTF-8 with and without a byte order mark
        let (kind, sheets) = read("Schlüssel;x\n1;ä\n".as_bytes()).unwrap();
        assert_eq!(
            (kind, sheets[0].header[0].as_str()),
            (FileKind::Csv(TextEncoding::Utf8), "Schlüssel")
        );
        let (kind, _) = read("\u{feff}Schlüssel;x\n1;ä\n".as_bytes()).unwrap();
        assert_eq!(kind, FileKind::Csv(TextEncoding::Utf8WithBom));
        // "Unicode-Text": UTF-16 with its byte order mark, tab-separated
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "Schlüssel\tBemerkung\r\n1\tÄrger\r\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let (kind, sheets) = read(&utf16).unwrap();
        assert_eq!(kind, FileKind::Csv(TextEncoding::Utf16));
        assert_eq!(sheets[0].rows[0].get(1), &Value::Text("Ärger".into()));
    }

    #[test]
    fn lines_are_numbered_as_the_spreadsheet_shows_rows() {
        // the note of line 2 spans two physical lines: the next record is row 3, not 4
        let file = "a;Bemerkung\r\n1;\"erste Zeile\r\nzweite \"\"Zeile\"\"\"\r\n2;x\r\n\r\n3;y\r\n";
        let (_, sheets) = read(file.as_bytes()).unwrap();
        let lines: Vec<usize> = sheets[0].rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 5], "{sheets:?}");
        assert_eq!(
            sheets[0].rows[0].get(1),
            &Value::Text("erste Zeile\r\nzweite \"Zeile\"".into())
        );
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
        assert!(read(b"").is_err());
        assert!(read(b"\n \n").unwrap_err().0[0].contains("Kopfzeile"));
        assert!(read(b"PK\x03\x04garbage").unwrap_err().0[0].contains("beschädigt"));
    }

    #[test]
    fn a_workbook_declares_its_unpacked_size() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "OZG-ID").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert!(check_archive(&bytes).is_ok());
        assert!(check_archive(b"PK\x03\x04garbage").is_err());
        let (kind, sheets) = read(&bytes).unwrap();
        assert_eq!(kind, FileKind::Xlsx);
        assert_eq!(sheets[0].header, ["OZG-ID"]);
    }

    #[test]
    fn control_characters_refuse_the_file_naming_the_cell() {
        let err = read(b"a;b\n1;x\x00y\n").unwrap_err();
        assert!(err.0[0].contains("Zeile 2, Spalte B"), "{err:?}");
        // tabs and line breaks inside a quoted cell are text
        assert!(read(b"a;b\n1;\"x\ty\r\nz\"\n").is_ok());
    }

    #[test]
    fn lines_wider_than_the_limit_are_refused_but_trailing_separators_are_not() {
        let wide = format!("a;b\n1;2{}x\n", ";".repeat(MAX_COLUMNS));
        assert!(read(wide.as_bytes()).unwrap_err().0[0].contains("Spalten"));
        let trailing = format!("a;b\n1;2{}\n", ";".repeat(5 * MAX_COLUMNS));
        assert_eq!(
            read(trailing.as_bytes()).unwrap().1[0].rows[0].cells.len(),
            2
        );
    }

    #[test]
    fn a_cancelled_reading_stops() {
        let cancel = Cancellation::default();
        let mut file = String::from("a;b\n");
        for i in 0..10_000 {
            file.push_str(&format!("{i};x\n"));
        }
        assert!(read_cancellable(file.as_bytes(), &cancel).is_ok());
        cancel.cancel();
        let err = read_cancellable(file.as_bytes(), &cancel).unwrap_err();
        assert!(err.0[0].contains("abgebrochen"), "{err:?}");
        // the flag is set when the future that waits for the reading is dropped
        let cancel = Cancellation::default();
        drop(CancelOnDrop(cancel.clone()));
        assert!(cancel.check().is_err());
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
        assert_eq!(Value::Number(16_051_000.0).text(), "16051000");
        assert_eq!(Value::Number(2.5).text(), "2.5");
        assert_eq!(
            Value::Date(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()).text(),
            "31.12.2026"
        );
    }
}
