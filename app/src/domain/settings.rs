//! The Kompetenzzentrum's settings: the status pipeline and its allowed steps, the Reifegrad
//! model, the target dates drawn into the trend and the Landesbehörden. The administration
//! changes them on one page ("Einstellungen"), one change at a time, each audited.

use super::dashboard::Deadline;
use super::editing::MaturityOption;
use super::model::{OrgUnit, Phase};
use crate::i18n::{td_string, Locale};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A status of the pipeline as the settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusSetting {
    pub code: String,
    pub label: String,
    pub phase: Phase,
    pub sort_order: i64,
    /// Records in this status today.
    pub records: i64,
    /// Changes in the history that name it. A status the history names keeps its code and
    /// phase: every figure at a past date is counted by them.
    pub events: i64,
}

impl StatusSetting {
    pub fn removable(&self) -> bool {
        self.records == 0 && self.events == 0
    }
}

/// One Reifegrad model and its levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaturityModel {
    pub model: String,
    pub levels: Vec<MaturityOption>,
}

impl MaturityModel {
    pub fn highest(&self) -> Option<i64> {
        self.levels.iter().map(|l| l.level).max()
    }
}

/// Everything the settings page shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub statuses: Vec<StatusSetting>,
    /// Allowed (from, to) steps.
    pub transitions: Vec<(String, String)>,
    /// The model records are assessed in.
    pub maturity_model: String,
    pub maturity_models: Vec<MaturityModel>,
    /// Records with a Reifegrad, by level: a change of model keeps the numbers as they are.
    pub maturity_in_use: Vec<(i64, i64)>,
    pub deadlines: Vec<Deadline>,
    pub authorities: Vec<OrgUnit>,
}

impl Settings {
    pub fn allows(&self, from: &str, to: &str) -> bool {
        self.transitions.iter().any(|(f, t)| f == from && t == to)
    }

    /// Records with a Reifegrad above `level`.
    pub fn records_above(&self, level: i64) -> i64 {
        self.maturity_in_use
            .iter()
            .filter(|(l, _)| *l > level)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn records_with_maturity(&self) -> i64 {
        self.maturity_in_use.iter().map(|(_, n)| n).sum()
    }
}

/// One change of the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingChange {
    /// A new status of the pipeline.
    AddStatus {
        code: String,
        label: String,
        phase: Phase,
        sort_order: i64,
    },
    /// New label and place in the pipeline of a status (code and phase stay).
    EditStatus {
        code: String,
        label: String,
        sort_order: i64,
    },
    /// Removes a status no record and no change ever had, with its steps.
    RemoveStatus {
        code: String,
    },
    /// Allows or forbids the step `from` → `to`.
    Transition {
        from: String,
        to: String,
        allowed: bool,
    },
    /// Records are assessed in `model` from now on.
    MaturityModel {
        model: String,
    },
    MaturityLabel {
        model: String,
        level: i64,
        label: String,
    },
    AddDeadline {
        date: NaiveDate,
        label: String,
    },
    RemoveDeadline {
        date: NaiveDate,
    },
    /// A new Landesbehörde responsibilities can name.
    AddAuthority {
        code: String,
        name: String,
    },
}

pub const MAX_LABEL_LEN: usize = 80;
pub const MAX_UNIT_NAME_LEN: usize = 200;

/// Why the settings refuse a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingRefusal {
    /// A code must be 2 to 40 lower-case letters, digits or `_`, starting with a letter.
    BadStatusCode,
    /// An authority's code: 2 to 20 letters, digits, `-` or `_`.
    BadUnitCode,
    EmptyLabel,
    LabelTooLong,
    BadSortOrder,
    /// Dates before 2000 or after 2100 are typing errors.
    BadDate,
    UnknownStatus(String),
    StatusCodeTaken(String),
    StatusInUse {
        records: i64,
        events: i64,
    },
    SameStatus,
    UnknownModel(String),
    UnknownLevel(i64),
    /// The model's highest level is below Reifegrade records have.
    LevelsAboveScale {
        records: i64,
        highest: i64,
    },
    DeadlineTaken(NaiveDate),
    UnknownDeadline(NaiveDate),
    UnitCodeTaken(String),
}

impl SettingRefusal {
    pub fn message(&self, locale: Locale) -> String {
        match self {
            Self::BadStatusCode => td_string!(locale, settings.error_status_code).to_string(),
            Self::BadUnitCode => td_string!(locale, settings.error_unit_code).to_string(),
            Self::EmptyLabel => td_string!(locale, settings.error_empty_label).to_string(),
            Self::LabelTooLong => {
                td_string!(locale, settings.error_label_too_long, max = MAX_LABEL_LEN).to_string()
            }
            Self::BadSortOrder => td_string!(locale, settings.error_sort_order).to_string(),
            Self::BadDate => td_string!(locale, settings.error_date).to_string(),
            Self::UnknownStatus(code) => {
                td_string!(locale, settings.error_unknown_status, code = code.as_str()).to_string()
            }
            Self::StatusCodeTaken(code) => {
                td_string!(locale, settings.error_status_taken, code = code.as_str()).to_string()
            }
            Self::StatusInUse { records, events } => td_string!(
                locale,
                settings.error_status_in_use,
                records = crate::format::int(*records),
                events = crate::format::int(*events)
            )
            .to_string(),
            Self::SameStatus => td_string!(locale, settings.error_same_status).to_string(),
            Self::UnknownModel(model) => {
                td_string!(locale, settings.error_unknown_model, model = model.as_str()).to_string()
            }
            Self::UnknownLevel(level) => {
                td_string!(locale, settings.error_unknown_level, level = *level).to_string()
            }
            Self::LevelsAboveScale { records, highest } => td_string!(
                locale,
                settings.error_levels_above,
                records = crate::format::int(*records),
                highest = *highest
            )
            .to_string(),
            Self::DeadlineTaken(date) => td_string!(
                locale,
                settings.error_deadline_taken,
                date = crate::format::date(*date)
            )
            .to_string(),
            Self::UnknownDeadline(date) => td_string!(
                locale,
                settings.error_unknown_deadline,
                date = crate::format::date(*date)
            )
            .to_string(),
            Self::UnitCodeTaken(code) => {
                td_string!(locale, settings.error_unit_taken, code = code.as_str()).to_string()
            }
        }
    }
}

impl SettingChange {
    /// The same change with its text trimmed, or why it cannot be right whatever the
    /// database holds.
    pub fn checked(self) -> Result<Self, SettingRefusal> {
        let label = |l: String| -> Result<String, SettingRefusal> {
            let l = l.trim().to_owned();
            match l.chars().count() {
                0 => Err(SettingRefusal::EmptyLabel),
                n if n > MAX_LABEL_LEN => Err(SettingRefusal::LabelTooLong),
                _ => Ok(l),
            }
        };
        let sort = |n: i64| {
            (0..=100_000)
                .contains(&n)
                .then_some(n)
                .ok_or(SettingRefusal::BadSortOrder)
        };
        Ok(match self {
            Self::AddStatus {
                code,
                label: l,
                phase,
                sort_order,
            } => Self::AddStatus {
                code: status_code(&code)?,
                label: label(l)?,
                phase,
                sort_order: sort(sort_order)?,
            },
            Self::EditStatus {
                code,
                label: l,
                sort_order,
            } => Self::EditStatus {
                code: code.trim().to_owned(),
                label: label(l)?,
                sort_order: sort(sort_order)?,
            },
            Self::Transition { from, to, .. } if from == to => {
                return Err(SettingRefusal::SameStatus)
            }
            Self::MaturityLabel {
                model,
                level,
                label: l,
            } => Self::MaturityLabel {
                model,
                level,
                label: label(l)?,
            },
            Self::AddDeadline { date, label: l } => {
                let year = chrono::Datelike::year(&date);
                if !(2000..=2100).contains(&year) {
                    return Err(SettingRefusal::BadDate);
                }
                Self::AddDeadline {
                    date,
                    label: label(l)?,
                }
            }
            Self::AddAuthority { code, name } => {
                let code = code.trim().to_owned();
                let valid = (2..=20).contains(&code.chars().count())
                    && code
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if !valid {
                    return Err(SettingRefusal::BadUnitCode);
                }
                let name = name.trim().to_owned();
                if name.is_empty() {
                    return Err(SettingRefusal::EmptyLabel);
                }
                if name.chars().count() > MAX_UNIT_NAME_LEN {
                    return Err(SettingRefusal::LabelTooLong);
                }
                Self::AddAuthority { code, name }
            }
            other => other,
        })
    }

    /// What the audit log says was changed (in German, as the log is).
    pub fn describe(&self) -> String {
        match self {
            Self::AddStatus {
                code,
                label,
                phase,
                sort_order,
            } => format!(
                "Status {code} „{label}“ angelegt (Phase {}, Reihenfolge {sort_order})",
                phase.code()
            ),
            Self::EditStatus {
                code,
                label,
                sort_order,
            } => format!("Status {code}: Bezeichnung „{label}“, Reihenfolge {sort_order}"),
            Self::RemoveStatus { code } => format!("Status {code} entfernt"),
            Self::Transition { from, to, allowed } => format!(
                "Schritt {from} → {to} {}",
                if *allowed { "erlaubt" } else { "gesperrt" }
            ),
            Self::MaturityModel { model } => format!("Reifegradmodell {model} gilt"),
            Self::MaturityLabel {
                model,
                level,
                label,
            } => format!("Reifegradmodell {model}, Stufe {level}: „{label}“"),
            Self::AddDeadline { date, label } => {
                format!("Zieldatum {} „{label}“ ergänzt", crate::format::date(*date))
            }
            Self::RemoveDeadline { date } => {
                format!("Zieldatum {} entfernt", crate::format::date(*date))
            }
            Self::AddAuthority { code, name } => {
                format!("Landesbehörde {code} „{name}“ angelegt")
            }
        }
    }

    /// The audit log's subject: what the change is about.
    pub fn subject(&self) -> String {
        match self {
            Self::AddStatus { code, .. }
            | Self::EditStatus { code, .. }
            | Self::RemoveStatus { code } => format!("status:{code}"),
            Self::Transition { from, to, .. } => format!("schritt:{from}>{to}"),
            Self::MaturityModel { model } | Self::MaturityLabel { model, .. } => {
                format!("reifegrad:{model}")
            }
            Self::AddDeadline { date, .. } | Self::RemoveDeadline { date } => {
                format!("zieldatum:{date}")
            }
            Self::AddAuthority { code, .. } => format!("einheit:{code}"),
        }
    }
}

fn status_code(code: &str) -> Result<String, SettingRefusal> {
    let code = code.trim();
    let valid = (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    valid
        .then(|| code.to_owned())
        .ok_or(SettingRefusal::BadStatusCode)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(code: &str, label: &str, sort_order: i64) -> SettingChange {
        SettingChange::AddStatus {
            code: code.into(),
            label: label.into(),
            phase: Phase::Planning,
            sort_order,
        }
    }

    #[test]
    fn a_new_status_needs_a_plain_code_a_label_and_a_sensible_place() {
        assert_eq!(
            add(" in_abstimmung ", "  in Abstimmung ", 25).checked(),
            Ok(add("in_abstimmung", "in Abstimmung", 25))
        );
        for code in [
            "",
            "x",
            "In_Planung",
            "1abc",
            "in planung",
            "ä_status",
            &"a".repeat(41),
        ] {
            assert_eq!(
                add(code, "x", 1).checked(),
                Err(SettingRefusal::BadStatusCode),
                "{code}"
            );
        }
        assert_eq!(
            add("ok", "  ", 1).checked(),
            Err(SettingRefusal::EmptyLabel)
        );
        assert_eq!(
            add("ok", &"ä".repeat(81), 1).checked(),
            Err(SettingRefusal::LabelTooLong)
        );
        assert_eq!(add("ok", &"ä".repeat(80), 1).checked().map(|_| ()), Ok(()));
        assert_eq!(
            add("ok", "x", -1).checked(),
            Err(SettingRefusal::BadSortOrder)
        );
    }

    #[test]
    fn a_step_leads_somewhere_else_and_dates_are_plausible() {
        let same = SettingChange::Transition {
            from: "online".into(),
            to: "online".into(),
            allowed: true,
        };
        assert_eq!(same.checked(), Err(SettingRefusal::SameStatus));
        let deadline = |y| SettingChange::AddDeadline {
            date: NaiveDate::from_ymd_opt(y, 12, 31).unwrap(),
            label: "Landesziel".into(),
        };
        assert_eq!(deadline(1999).checked(), Err(SettingRefusal::BadDate));
        assert_eq!(deadline(2101).checked(), Err(SettingRefusal::BadDate));
        assert!(deadline(2026).checked().is_ok());
    }

    #[test]
    fn an_authority_has_a_short_code_and_a_name() {
        let authority = |code: &str, name: &str| SettingChange::AddAuthority {
            code: code.into(),
            name: name.into(),
        };
        assert_eq!(
            authority(
                " TLLR ",
                " Thüringer Landesamt für Landwirtschaft und Ländlichen Raum "
            )
            .checked(),
            Ok(authority(
                "TLLR",
                "Thüringer Landesamt für Landwirtschaft und Ländlichen Raum"
            ))
        );
        assert_eq!(
            authority("T", "x").checked(),
            Err(SettingRefusal::BadUnitCode)
        );
        assert_eq!(
            authority("TL LR", "x").checked(),
            Err(SettingRefusal::BadUnitCode)
        );
        assert_eq!(
            authority("TLLR", " ").checked(),
            Err(SettingRefusal::EmptyLabel)
        );
    }

    #[test]
    fn the_audit_line_names_what_changed() {
        let change = SettingChange::AddDeadline {
            date: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            label: "Landesziel".into(),
        };
        assert_eq!(
            change.describe(),
            "Zieldatum 31.12.2026 „Landesziel“ ergänzt"
        );
        assert_eq!(change.subject(), "zieldatum:2026-12-31");
        let step = SettingChange::Transition {
            from: "online".into(),
            to: "in_planung".into(),
            allowed: false,
        };
        assert_eq!(step.describe(), "Schritt online → in_planung gesperrt");
    }

    #[test]
    fn records_above_a_scale_are_counted() {
        let settings = Settings {
            maturity_in_use: vec![(2, 10), (4, 3), (6, 2)],
            ..Default::default()
        };
        assert_eq!(settings.records_above(4), 2);
        assert_eq!(settings.records_above(7), 0);
        assert_eq!(settings.records_with_maturity(), 15);
    }
}
