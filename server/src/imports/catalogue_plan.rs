//! What a catalogue file would change, shared by both kinds of catalogue file (the OZG
//! catalogue in `catalogue.rs`, the LeiKa list in `leika.rs`): the plan and the checks both
//! apply to their lines (the territory import checks names and reports changes the same way).

use crate::reference_data::{Lage, LeikaService, Service};
use app::domain::{CatalogueImportReport, FieldChange};

/// The longest name a service, Lebenslage or LeiKa-Leistung may have.
const MAX_NAME_CHARS: usize = 500;

/// A complete catalogue that drops more than this share of the active services is more
/// likely a partial file than a new catalogue.
const MAX_DEACTIVATED_SHARE: f64 = 0.5;

/// A required name: present and not too long (else an error in `errors`).
pub(super) fn named(errors: &mut Vec<String>, label: &str, value: String) -> String {
    if value.is_empty() {
        errors.push(format!("„{label}“ fehlt."));
    } else if value.chars().count() > MAX_NAME_CHARS {
        errors.push(format!(
            "„{label}“ ist zu lang (höchstens {MAX_NAME_CHARS} Zeichen)."
        ));
    }
    value
}

/// Why a complete list that drops `dropped` of `total` entries is refused, if it drops more
/// than [`MAX_DEACTIVATED_SHARE`]: most likely a partial list.
pub(super) fn too_many_dropped(dropped: usize, total: usize, verb: &str) -> Option<String> {
    (total > 0 && dropped as f64 > MAX_DEACTIVATED_SHARE * total as f64).then(|| {
        format!(
            "Die Datei würde {dropped} von {total} {verb}. Das sieht nach einer Teilliste aus, \
             nicht nach einem vollständigen Katalog. Eine Teilliste lässt sich mit der Option \
             „Fehlendes nicht deaktivieren“ übernehmen."
        )
    })
}

pub(super) fn change(field: &str, label: &str, old: String, new: String) -> FieldChange {
    FieldChange {
        field: field.into(),
        label: label.into(),
        old,
        new,
    }
}

/// The file's lines checked against the stored catalogue: the report, and every valid line
/// as what to write (unchanged ones are no-ops in the write).
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub report: CatalogueImportReport,
    pub services: Vec<Service>,
    pub new_lagen: Vec<Lage>,
    pub leika: Vec<LeikaService>,
}
