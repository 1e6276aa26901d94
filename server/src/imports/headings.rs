//! Finding a file's columns by their headings, and reading every line of the sheets that have
//! them: shared by the catalogue, LeiKa and org-unit imports. A heading is compared without
//! case, spaces, hyphens and underscores, so the reference files' own names (`ozg_id`) and the
//! German headings of the UI (`OZG-ID`) are both understood.

use super::table::{Row, Sheet};
use std::fmt::Display;

fn normalise(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `heading` is one of `names`.
pub(super) fn known_as(heading: &str, names: &[&str]) -> bool {
    let heading = normalise(heading);
    !heading.is_empty() && names.iter().any(|n| normalise(n) == heading)
}

/// The one column of `header` known by `names`, or why there is none.
pub(super) fn column(header: &[String], label: &str, names: &[&str]) -> Result<usize, String> {
    let matches: Vec<usize> = (0..header.len())
        .filter(|c| known_as(&header[*c], names))
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!("Es fehlt die Spalte „{label}“.")),
        _ => Err(format!("Die Spalte „{label}“ kommt mehrfach vor.")),
    }
}

/// The headings of `header` that none of `known` names.
pub(super) fn unknown<'h>(
    header: &'h [String],
    known: &'static [&'static [&'static str]],
) -> impl Iterator<Item = &'h String> {
    header
        .iter()
        .filter(move |h| !h.is_empty() && !known.iter().any(|names| known_as(h, names)))
}

/// Adds a note for each of `headings` (once per file): their columns are not read.
pub(super) fn note_unknown(
    notes: &mut Vec<String>,
    headings: impl IntoIterator<Item = impl Display>,
) {
    for heading in headings {
        let note = format!("Die Spalte „{heading}“ ist unbekannt und wird nicht gelesen.");
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
}

/// Every line of the sheets `find` finds the columns in, read by `read`, with a note per
/// heading none of `known` names. A workbook's sheet without the columns (sources, a
/// description) is skipped; a file with no such sheet is refused with `find`'s reasons, and
/// one without a single line with `none`.
pub(super) fn read_sheets<C, L>(
    sheets: &[Sheet],
    find: impl Fn(&[String]) -> Result<C, Vec<String>>,
    known: &'static [&'static [&'static str]],
    read: impl Fn(&Sheet, &C, &Row) -> L,
    none: &str,
) -> Result<(Vec<L>, Vec<String>), Vec<String>> {
    let mut lines = Vec::new();
    let mut notes = Vec::new();
    let mut first_error = None;
    for sheet in sheets {
        let columns = match find(&sheet.header) {
            Ok(c) => c,
            Err(errors) if sheet.name.is_some() => {
                first_error.get_or_insert(errors);
                continue;
            }
            Err(errors) => return Err(errors),
        };
        note_unknown(&mut notes, unknown(&sheet.header, known));
        lines.extend(sheet.rows.iter().map(|row| read(sheet, &columns, row)));
    }
    if lines.is_empty() {
        return Err(first_error.unwrap_or_else(|| vec![none.to_owned()]));
    }
    Ok((lines, notes))
}
