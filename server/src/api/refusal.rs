//! Why the API refuses a request, typed where it is found and worded once, when it becomes the
//! answer: in German, the API's documented language, from `locales/*/api.json` (the English
//! file keeps the wording reviewable for both).

use crate::json_error::ApiError;
use app::error::AppError;
use app::i18n::{td_string, Locale};

/// A refused request: the variant decides the status, the message names what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A path below `/api/v1` that no operation serves (404).
    NoSuchEndpoint,
    /// A query parameter the operation does not take (400).
    UnknownParameter { name: String, allowed: String },
    /// A value with control characters, which no name, code or search text contains (400).
    ControlCharacters { name: String },
    /// A page number or size outside `1..=max` (400).
    NotANumber { name: String, raw: String, max: u32 },
    /// Neither `true` nor `false` (400).
    NotAFlag { name: String, raw: String },
    /// A value that names nothing in the data (400), with what would be allowed.
    UnknownValue {
        name: String,
        raw: String,
        allowed: String,
    },
    /// A Lebenslage that does not exist (400): too many to list, so the answer says where.
    UnknownLage { name: String, raw: String },
    /// An org unit that does not exist (404).
    UnknownUnit { code: String },
    /// Not even the form of an org unit's code (400).
    NotAUnitCode { raw: String },
    /// `einheit`, the unit search of a service's records, longer than 100 characters (400).
    UnitSearchTooLong,
    /// Not a Regionalschlüssel prefix (400).
    NotAnArea { raw: String },
    /// Not the number of a record (400).
    NotARecordNumber { raw: String },
    /// No record has this number (404).
    UnknownRecord { id: i64 },
    /// `seite` together with `nach` (400).
    PageAndAfter,
    /// A date parameter that does not read as a date (400), with why.
    NotADate { name: String, why: String },
    /// The change list without its required `since` (400).
    SinceMissing,
    /// A body that is not the JSON the operation takes (400), with what the reader said.
    NotTheJson { why: String },
    /// `If-Match` without a version in it (400).
    IfMatchWithoutVersion,
    /// `version` and `If-Match` disagree (400).
    VersionsDisagree,
    /// A change without the version it is based on (400).
    VersionMissing,
    /// An upload over the import limit (413).
    FileTooLarge { max_mb: usize },
    /// An upload that broke off (400).
    FileIncomplete,
    /// An upload sent as a form instead of as the body itself (400).
    FileAsForm,
    /// `/reports/…` without `.pdf` (404).
    NoSuchReport,
    /// A report unit that is neither the Land, a Ressort nor a Kreis (404).
    NotAReportUnit { raw: String },
    /// A filter parameter that contradicts the report's unit (400).
    ReportUnitClash {
        name: String,
        code: String,
        raw: String,
    },
    /// A responsibility body whose values the API does not know (422), with what was wrong.
    NotAResponsibility { why: String },
    /// `am` or `stand` on an export, which holds today's state only (400).
    ExportOfToday,
    /// More rows for one sheet than Excel holds (422).
    TooManyRowsForExcel { rows: i64, max: i64 },
}

/// At most `n` characters of what a client sent, for the answer.
fn clip(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

impl Refusal {
    pub(crate) fn unknown_value(name: &str, raw: &str, allowed: &[String]) -> Self {
        Self::UnknownValue {
            name: name.to_owned(),
            raw: clip(raw, 40),
            allowed: allowed.join(", "),
        }
    }

    pub(crate) fn unknown_unit(code: &str) -> Self {
        Self::UnknownUnit {
            code: clip(code, 40),
        }
    }

    pub(crate) fn not_a_unit_code(raw: &str) -> Self {
        Self::NotAUnitCode { raw: clip(raw, 40) }
    }

    pub(crate) fn not_a_record_number(raw: &str) -> Self {
        Self::NotARecordNumber { raw: clip(raw, 40) }
    }

    pub(crate) fn not_the_json(why: &str) -> Self {
        Self::NotTheJson {
            why: clip(why, 300),
        }
    }

    pub(crate) fn message(&self, locale: Locale) -> String {
        match self {
            Self::NoSuchEndpoint => td_string!(locale, api.no_such_endpoint).to_owned(),
            Self::UnknownParameter { name, allowed } => td_string!(
                locale,
                api.unknown_parameter,
                name = name,
                allowed = allowed
            )
            .to_string(),
            Self::ControlCharacters { name } => {
                td_string!(locale, api.control_characters, name = name).to_string()
            }
            Self::NotANumber { name, raw, max } => {
                td_string!(locale, api.not_a_number, name = name, raw = raw, max = max).to_string()
            }
            Self::NotAFlag { name, raw } => {
                td_string!(locale, api.not_a_flag, name = name, raw = raw).to_string()
            }
            Self::UnknownValue { name, raw, allowed } => td_string!(
                locale,
                api.unknown_value,
                name = name,
                raw = raw,
                allowed = allowed
            )
            .to_string(),
            Self::UnknownLage { name, raw } => {
                td_string!(locale, api.unknown_lage, name = name, raw = raw).to_string()
            }
            Self::UnknownUnit { code } => {
                td_string!(locale, api.unknown_unit, code = code).to_string()
            }
            Self::NotAUnitCode { raw } => {
                td_string!(locale, api.not_a_unit_code, raw = raw).to_string()
            }
            Self::UnitSearchTooLong => td_string!(locale, api.unit_search_too_long).to_owned(),
            Self::NotAnArea { raw } => td_string!(locale, api.not_an_area, raw = raw).to_string(),
            Self::NotARecordNumber { raw } => {
                td_string!(locale, api.not_a_record_number, raw = raw).to_string()
            }
            Self::UnknownRecord { id } => {
                td_string!(locale, api.unknown_record, id = id).to_string()
            }
            Self::PageAndAfter => td_string!(locale, api.page_and_after).to_owned(),
            Self::NotADate { name, why } => {
                td_string!(locale, api.not_a_date, name = name, why = why).to_string()
            }
            Self::SinceMissing => td_string!(locale, api.since_missing).to_owned(),
            Self::NotTheJson { why } => td_string!(locale, api.not_the_json, why = why).to_string(),
            Self::IfMatchWithoutVersion => {
                td_string!(locale, api.if_match_without_version).to_owned()
            }
            Self::VersionsDisagree => td_string!(locale, api.versions_disagree).to_owned(),
            Self::VersionMissing => td_string!(locale, api.version_missing).to_owned(),
            Self::FileTooLarge { max_mb } => {
                td_string!(locale, api.file_too_large, max_mb = max_mb).to_string()
            }
            Self::FileIncomplete => td_string!(locale, api.file_incomplete).to_owned(),
            Self::FileAsForm => td_string!(locale, api.file_as_form).to_owned(),
            Self::NoSuchReport => td_string!(locale, api.no_such_report).to_owned(),
            Self::NotAReportUnit { raw } => {
                td_string!(locale, api.not_a_report_unit, raw = raw).to_string()
            }
            Self::ReportUnitClash { name, code, raw } => td_string!(
                locale,
                api.report_unit_clash,
                name = name,
                code = code,
                raw = raw
            )
            .to_string(),
            Self::NotAResponsibility { why } => {
                td_string!(locale, api.not_a_responsibility, why = why).to_string()
            }
            Self::ExportOfToday => td_string!(locale, api.export_of_today).to_owned(),
            Self::TooManyRowsForExcel { rows, max } => td_string!(
                locale,
                api.too_many_rows_for_excel,
                rows = app::format::int(*rows),
                max = app::format::int(*max)
            )
            .to_string(),
        }
    }

    /// The error it answers as: a missing thing is 404, everything else the client's mistake.
    pub(crate) fn into_error(self, locale: Locale) -> AppError {
        let message = self.message(locale);
        match self {
            Self::NoSuchEndpoint
            | Self::UnknownUnit { .. }
            | Self::UnknownRecord { .. }
            | Self::NoSuchReport
            | Self::NotAReportUnit { .. } => AppError::NotFound(message),
            Self::FileTooLarge { .. } => AppError::TooLarge(message),
            Self::NotAResponsibility { .. } | Self::TooManyRowsForExcel { .. } => {
                AppError::Unprocessable(vec![message])
            }
            _ => AppError::BadRequest(vec![message]),
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        ApiError(refusal.into_error(Locale::de))
    }
}

/// Several refusals in one answer (every unknown parameter at once): 400 naming each.
pub(crate) fn all(refusals: &[Refusal]) -> ApiError {
    ApiError(AppError::BadRequest(
        refusals.iter().map(|r| r.message(Locale::de)).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_worded_in_german_and_answers_with_its_status() {
        let e = Refusal::unknown_unit("99999").into_error(Locale::de);
        assert_eq!(
            e,
            AppError::NotFound("Eine Organisationseinheit „99999“ gibt es nicht.".into())
        );
        let e = Refusal::NotANumber {
            name: "seite".into(),
            raw: "0".into(),
            max: 5,
        }
        .into_error(Locale::de);
        assert_eq!(e.status_code(), 400);
        assert_eq!(
            e.to_string(),
            "Parameter „seite“: „0“ ist keine Zahl von 1 bis 5."
        );
        // the English wording exists for every refusal (the locale files are checked at build)
        assert!(Refusal::PageAndAfter.message(Locale::en).contains("seite"));
    }

    #[test]
    fn what_a_client_sent_is_clipped_in_the_answer() {
        let long = "x".repeat(500);
        let Refusal::NotAUnitCode { raw } = Refusal::not_a_unit_code(&long) else {
            unreachable!()
        };
        assert_eq!(raw.chars().count(), 40);
    }
}
