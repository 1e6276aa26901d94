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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

impl ImportReport {
    /// Whether applying this dry run would write anything: some lines change, and none
    /// fails when the whole file is taken or nothing.
    pub fn can_apply(&self) -> bool {
        self.dry_run && self.changed > 0 && !(self.all_or_nothing && self.failed > 0)
    }
}

/// One line of the file that changes a record or has errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// The answer to a catalogue import, dry run or not. A catalogue is taken whole or not at
/// all: any line error, or a file that would deactivate most of the catalogue, blocks it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CatalogueImportReport {
    /// What the file lists: OZG-Leistungen or LeiKa-Leistungen.
    pub catalogue: CatalogueKind,
    /// `CSV` or `XLSX`.
    pub file_kind: String,
    /// Only checked, nothing written.
    pub dry_run: bool,
    /// Catalogue services missing from the file become inactive.
    pub deactivate_missing: bool,
    /// Whether this request wrote anything.
    pub written: bool,
    /// Data lines read (empty lines not counted).
    pub lines_read: u64,
    /// Lines that match the stored service.
    pub unchanged: u64,
    /// New entries, in file order.
    pub added: Vec<CatalogueLine>,
    /// Services whose name, Themenfeld, Lebenslage or LeiKa-Typen change, or that are active
    /// again; LeiKa-Leistungen whose name, OZG-Leistung, type, legal basis or SDG flag change.
    pub changed: Vec<CatalogueLine>,
    /// Entries the file no longer lists: services become inactive (records and history kept),
    /// LeiKa-Leistungen are removed (they have no history).
    pub deactivated: Vec<CatalogueLine>,
    /// Lebenslagen the file names that do not exist yet (created with the import).
    pub new_lagen: Vec<String>,
    /// Implementation records the new services get (dry run: would get).
    pub records_created: u64,
    /// Lines with errors.
    pub failed: Vec<ImportLine>,
    /// Why nothing can be written, in German; empty when the import can be applied.
    pub blocked: Vec<String>,
    /// Hints about the file that are not errors (ignored columns, kept responsibilities).
    pub notes: Vec<String>,
}

impl CatalogueImportReport {
    /// Whether applying this dry run would change anything.
    pub fn can_apply(&self) -> bool {
        self.dry_run
            && self.blocked.is_empty()
            && !(self.added.is_empty() && self.changed.is_empty() && self.deactivated.is_empty())
    }
}

/// The two catalogue files of the OZG: its services, and the LeiKa-Leistungen they bundle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CatalogueKind {
    #[default]
    Leistungen,
    Leika,
}

/// One entry a catalogue import adds, changes or deactivates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CatalogueLine {
    /// `Zeile 5`; `None` for an entry the file does not list.
    pub position: Option<String>,
    /// The OZG-ID, or the LeiKa-Schlüssel (`nicht im LeiKa` for entries without one).
    pub key: String,
    /// The service the entry is, or belongs to (none for LeiKa-Leistungen without one).
    pub ozg_id: Option<i64>,
    pub name: String,
    /// What changes (empty for added and deactivated services).
    pub changes: Vec<FieldChange>,
}

/// The answer to an org-unit import (a Gemeindeverzeichnis), dry run or not. Like a
/// catalogue, a territory is taken whole or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TerritoryImportReport {
    /// `CSV` or `XLSX`.
    pub file_kind: String,
    /// Only checked, nothing written.
    pub dry_run: bool,
    /// Whether this request wrote anything.
    pub written: bool,
    /// The day the changes take effect (the import's day): earlier dates keep their figures.
    pub effective: Option<chrono::NaiveDate>,
    /// Data lines read (empty lines not counted).
    pub lines_read: u64,
    /// Lines of other Länder, skipped (the Destatis list covers all of Germany).
    pub other_laender: u64,
    /// Gemeinden that match the stored ones.
    pub unchanged: u64,
    /// New Gemeinden and Kreise, in file order.
    pub added: Vec<TerritoryLine>,
    /// Gemeinden and Kreise whose name, ARS or population change.
    pub changed: Vec<TerritoryLine>,
    /// Gemeinden and Kreise the file no longer lists: dissolved, records and history kept.
    pub dissolved: Vec<TerritoryLine>,
    /// Records the new units get (dry run: would get).
    pub records_created: u64,
    /// Of these, records that start with a predecessor's state.
    pub records_taken_over: u64,
    /// Records of the dissolved units, which stop counting from the effective day.
    pub records_retired: u64,
    /// Lines with errors.
    pub failed: Vec<ImportLine>,
    /// Why nothing can be written, in German; empty when the import can be applied.
    pub blocked: Vec<String>,
    /// Hints about the file that are not errors.
    pub notes: Vec<String>,
}

impl TerritoryImportReport {
    /// Whether applying this dry run would change anything.
    pub fn can_apply(&self) -> bool {
        self.dry_run
            && self.blocked.is_empty()
            && !(self.added.is_empty() && self.changed.is_empty() && self.dissolved.is_empty())
    }
}

/// One Gemeinde or Kreis an org-unit import adds, changes or dissolves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TerritoryLine {
    /// `Zeile 5`; `None` for a unit the file does not list.
    pub position: Option<String>,
    /// The AGS (5 digits for a Kreis, 8 for a Gemeinde).
    pub ags: String,
    pub kind: super::OrgUnitKind,
    pub name: String,
    /// What changes (empty for added and dissolved units).
    pub changes: Vec<FieldChange>,
    /// For a dissolved unit: `AGS Name` of the unit it goes into, if the file says so.
    pub successor: Option<String>,
    /// For a new unit: `AGS Name` of the units that go into it.
    pub predecessors: Vec<String>,
}
