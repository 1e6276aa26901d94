//! Imports of spreadsheets: reading an uploaded CSV or XLSX file into typed cells (`table`),
//! finding its columns by their headings (`headings`),
//! the status import built on it (`status`), which reads back the export's columns, and the
//! catalogue import (`catalogue`), which reads a newer OZG catalogue — its services, or its
//! LeiKa-Leistungen (`leika`; what both would change: `catalogue_plan`), and the org-unit import (`territory`), which reads a
//! Gemeindeverzeichnis, and the import of the responsibility matrix (`responsibility`). The
//! HTTP side lives in
//! `api::imports`.

pub mod catalogue;
mod catalogue_plan;
mod headings;
mod leika;
pub mod responsibility;
pub mod status;
pub mod table;
pub mod territory;
