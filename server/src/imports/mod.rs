//! Imports of spreadsheets: reading an uploaded CSV or XLSX file into typed cells (`table`)
//! and the status import built on it (`status`), which reads back the export's columns. The
//! HTTP side lives in `api::imports`.

pub mod status;
pub mod table;
