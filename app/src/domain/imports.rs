//! Status imports: what a dry run or an applied import reports back, line by line. The
//! parsing and the rules live on the server (`server::imports`); the upload page shows this.

use super::FieldChange;
use serde::{Deserialize, Serialize};

/// The largest file an import accepts (a whole Land's export is about 42 MB as CSV).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;
/// The most data lines an import accepts.
pub const MAX_IMPORT_LINES: usize = 300_000;

/// The answer to an import, dry run or not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// `CSV` or `XLSX`.
    pub file_kind: String,
    /// Only checked, nothing written.
    pub dry_run: bool,
    /// Lines with errors stop the whole import (otherwise the valid lines are written).
    pub all_or_nothing: bool,
    /// Whether this request wrote anything.
    pub written: bool,
    /// Data lines read (empty lines not counted).
    pub lines_read: u64,
    /// Lines that change (dry run) or changed their record.
    pub changed: u64,
    /// Lines that match the stored record.
    pub unchanged: u64,
    /// Lines with at least one error; they are never written.
    pub failed: u64,
    /// Hints about the file that are not errors (ignored columns, for instance).
    pub notes: Vec<String>,
    /// The lines that change or have errors, in file order; unchanged lines are only counted.
    pub lines: Vec<ImportLine>,
}

/// One line of the file that changes a record or has errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLine {
    /// Where in the file, in German: `Zeile 5` or `Blatt „Bauen & Wohnen“, Zeile 5`.
    pub position: String,
    /// The record the line names, when it could be found.
    pub record_id: Option<i64>,
    /// `Leistung – Einheit`, when the record could be found.
    pub label: Option<String>,
    /// What changes (dry run) or changed.
    pub changes: Vec<FieldChange>,
    /// Why the line is not written, in German.
    pub errors: Vec<String>,
}
