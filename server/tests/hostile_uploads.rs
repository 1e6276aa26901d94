//! Hostile files from a signed-in user: a corpus built here (zip bombs, lying sizes, sparse
//! corners, huge declared string tables, deep nesting, many columns, binary garbage, UTF-16)
//! goes through every importer over HTTP. Each is refused with a German reason (or read
//! within its limits), quickly, and the server answers the next request: no upload can take
//! the process down. A short proptest mutates a real workbook's XML and archive.

mod support;

use proptest::prelude::*;
use server::auth::AuthSettings;
use server::imports::table;
use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};
use support::*;

/// A small, valid workbook: a header and two lines, strings shared.
fn workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (column, heading) in ["OZG-ID", "Einheit (Schlüssel)", "Bemerkung"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, column as u16, *heading).unwrap();
    }
    ws.write_number(1, 0, 10092.0).unwrap();
    ws.write_string(1, 1, "16051000").unwrap();
    ws.write_string(1, 2, "eine Notiz").unwrap();
    wb.save_to_buffer().unwrap()
}

/// The parts of a zip archive, in order.
fn parts(archive: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(archive)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            part.read_to_end(&mut bytes).unwrap();
            (part.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// A zip archive of `parts`, deflated.
fn archive(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The workbook with part `name` replaced by `content` (added when missing).
fn with_part(name: &str, content: &[u8]) -> Vec<u8> {
    let mut parts = parts(&workbook());
    match parts.iter_mut().find(|(n, _)| n == name) {
        Some((_, bytes)) => *bytes = content.to_vec(),
        None => parts.push((name.to_owned(), content.to_vec())),
    }
    archive(&parts)
}

const SHEET: &str = "xl/worksheets/sheet1.xml";
const STRINGS: &str = "xl/sharedStrings.xml";

/// A worksheet holding `cells` (`<c>` elements) in one `<sheetData>`, rows as given.
fn sheet_xml(rows: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
    )
    .into_bytes()
}

/// Every hostile file, named.
fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let mut files = Vec::new();
    // a 2 KB workbook whose string table claims ten billion strings
    files.push((
        "declared string count",
        with_part(
            STRINGS,
            br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="10000000000" uniqueCount="10000000000"><si><t>OZG-ID</t></si></sst>"#,
        ),
    ));
    // cells only in the two far corners of a sheet
    files.push((
        "sparse corners",
        with_part(
            SHEET,
            &sheet_xml(
                r#"<row r="1"><c r="A1" t="inlineStr"><is><t>OZG-ID</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#,
            ),
        ),
    ));
    // a dimension that claims the whole sheet
    files.push((
        "declared dimension",
        with_part(
            SHEET,
            &replace_first(
                &sheet_xml(
                    r#"<row r="1"><c r="A1" t="inlineStr"><is><t>OZG-ID</t></is></c></row>"#,
                ),
                b"<sheetData>",
                b"<dimension ref=\"A1:XFD1048576\"/><sheetData>",
            ),
        ),
    ));
    // 300 MB of spaces in a part: a few hundred KB that unpack beyond any import's size
    let spaces = vec![b' '; 300 * 1024 * 1024];
    files.push(("zip bomb", with_part("xl/padding.xml", &spaces)));
    drop(spaces);
    // a part whose directory entry understates its size
    let mut lying = with_part(SHEET, &sheet_xml(&"<row/>".repeat(100_000)));
    lie_about_sizes(&mut lying);
    files.push(("lying sizes", lying));
    // elements nested a hundred thousand deep
    let deep = format!("{}{}", "<x>".repeat(100_000), "</x>".repeat(100_000));
    files.push(("deep nesting", with_part(SHEET, &sheet_xml(&deep))));
    // an entity that would expand a billion times, if entities were expanded
    files.push((
        "entity expansion",
        with_part(
            SHEET,
            br#"<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row></sheetData></worksheet>"#,
        ),
    ));
    // a CSV line of 200,000 fields
    let mut wide = "OZG-ID".to_owned();
    for i in 0..200_000 {
        wide.push_str(&format!(";s{i}"));
    }
    wide.push('\n');
    files.push(("many columns (CSV)", wide.into_bytes()));
    // a workbook row of 20,000 cells
    let cells: String = (0..20_000)
        .map(|i| {
            format!(
                r#"<c r="{}1" t="inlineStr"><is><t>x</t></is></c>"#,
                column(i)
            )
        })
        .collect();
    files.push((
        "many columns (XLSX)",
        with_part(SHEET, &sheet_xml(&format!(r#"<row r="1">{cells}</row>"#))),
    ));
    files.push((
        "binary garbage",
        (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect(),
    ));
    files.push((
        "zip header and garbage",
        [b"PK\x03\x04".as_slice(), &[0xAB; 2048]].concat(),
    ));
    files.push((
        "UTF-16",
        [
            &[0xFF, 0xFE][..],
            "OZG-ID;Einheit\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>()
                .as_slice(),
        ]
        .concat(),
    ));
    files
}

/// Spreadsheet column letters of a 0-based column.
fn column(i: usize) -> String {
    table::column_letters(i)
}

/// Sets every local header's and central directory entry's sizes to 16 bytes.
fn lie_about_sizes(zip: &mut [u8]) {
    let mut i = 0;
    while i + 30 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => {
                zip[i + 22..i + 26].copy_from_slice(&16u32.to_le_bytes());
                i += 30;
            }
            b"PK\x01\x02" if i + 46 <= zip.len() => {
                zip[i + 24..i + 28].copy_from_slice(&16u32.to_le_bytes());
                i += 46;
            }
            _ => i += 1,
        }
    }
}

fn replace_first(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern present");
    [&bytes[..at], to, &bytes[at + from.len()..]].concat()
}

/// Files that are harmless once read within bounds: what the file claims (a whole-sheet
/// dimension) or holds (entities, deep nesting) costs nothing, and no data line comes of it.
const READ_WITHIN_BOUNDS: [&str; 4] = [
    "declared dimension",
    "entity expansion",
    "deep nesting",
    // decoded (Excel's "Unicode-Text"): a header without lines
    "UTF-16",
];

#[test]
fn the_reader_refuses_or_bounds_every_hostile_file() {
    for (name, bytes) in corpus() {
        let started = Instant::now();
        let result = table::read(&bytes);
        let elapsed = started.elapsed();
        match &result {
            Ok((_, sheets)) => {
                assert!(
                    READ_WITHIN_BOUNDS.contains(&name),
                    "{name} was read: {sheets:?}"
                );
                let lines: usize = sheets.iter().map(|s| s.rows.len()).sum();
                assert_eq!(lines, 0, "{name}: no data lines");
            }
            Err(e) => assert!(!e.0.is_empty() && !e.0[0].is_empty(), "{name}: a reason"),
        }
        assert!(elapsed < Duration::from_secs(20), "{name} took {elapsed:?}");
    }
}

#[test]
fn sparse_rows_cost_only_their_cells() {
    let file = with_part(
        SHEET,
        &sheet_xml(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>OZG-ID</t></is></c><c r="B1" t="inlineStr"><is><t>Bemerkung</t></is></c></row><row r="1048576"><c r="B1048576" t="inlineStr"><is><t>ganz unten</t></is></c></row>"#,
        ),
    );
    let (_, sheets) = table::read(&file).unwrap();
    assert_eq!(sheets[0].header, ["OZG-ID", "Bemerkung"]);
    assert_eq!(sheets[0].rows.len(), 1);
    assert_eq!(
        sheets[0].rows[0].line, 1_048_576,
        "the line as a spreadsheet shows it"
    );
    assert_eq!(
        sheets[0].rows[0].get(1),
        &table::Value::Text("ganz unten".into())
    );
}

#[test]
fn a_note_starting_with_a_formula_sign_is_text_in_a_workbook() {
    // what the export writes for a note "=1+2" or "+49 …": a typed text cell, not a formula
    let file = with_part(
        SHEET,
        &sheet_xml(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Bemerkung</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>+49 361 123</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>=SUMME(1;2)</t></is></c></row>"#,
        ),
    );
    let (_, sheets) = table::read(&file).unwrap();
    assert_eq!(
        sheets[0].rows[0].get(0),
        &table::Value::Text("+49 361 123".into())
    );
    assert_eq!(
        sheets[0].rows[1].get(0),
        &table::Value::Text("=SUMME(1;2)".into())
    );
    // a real formula cell is still refused, named by its cell
    let formula = with_part(
        SHEET,
        &sheet_xml(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Bemerkung</t></is></c></row><row r="2"><c r="A2"><f>HYPERLINK("http://example.org")</f><v>0</v></c></row>"#,
        ),
    );
    let err = table::read(&formula).unwrap_err();
    assert!(err.0.join(" ").contains("Zelle A2"), "{err:?}");
}

#[tokio::test]
async fn every_importer_refuses_every_hostile_file_and_the_server_stays_up() {
    let srv = spawn_server(
        seeded(sqlite_file_storage().await).await,
        AuthSettings::default(),
    )
    .await;
    let admin = add_user(&srv, "ada@example.org", "admin", "").await;
    for (name, bytes) in corpus() {
        for importer in ["status", "catalogue", "org-units"] {
            let started = Instant::now();
            let r = srv
                .client
                .post(format!(
                    "{}/api/v1/imports/{importer}?dry_run=true",
                    srv.base
                ))
                .bearer_auth(&admin)
                .body(bytes.clone())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{name} → {importer}: no answer ({e})"));
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap();
            assert!(
                [413, 422].contains(&status),
                "{name} → {importer}: {status} {body}"
            );
            let reason = body["error"]["details"].to_string()
                + body["error"]["message"].as_str().unwrap_or("");
            assert!(!reason.is_empty(), "{name} → {importer}: {body}");
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{name} → {importer} took {:?}",
                started.elapsed()
            );
            let (health, _) = srv.get("/healthz").await;
            assert_eq!(health, 200, "the server answers after {name} → {importer}");
        }
    }
}

/// `xml` with its `n`-th run of digits replaced by `replacements[n]` where that is `Some`.
fn replace_numbers(xml: &str, replacements: &[Option<u64>]) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut chars = xml.chars().peekable();
    let mut run = 0;
    while let Some(c) = chars.next() {
        if !c.is_ascii_digit() {
            out.push(c);
            continue;
        }
        let mut digits = c.to_string();
        while let Some(d) = chars.next_if(char::is_ascii_digit) {
            digits.push(d);
        }
        match replacements.get(run).copied().flatten() {
            Some(n) => out.push_str(&n.to_string()),
            None => out.push_str(&digits),
        }
        run += 1;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A real workbook with one part mutated (numbers — counts, positions, sizes, style
    /// indexes — replaced by arbitrary ones, bytes overwritten): reading answers within
    /// seconds, and never panics or aborts.
    #[test]
    fn mutated_workbooks_are_read_or_refused(
        part in prop::sample::select(vec![SHEET, STRINGS, "xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml"]),
        numbers in prop::collection::vec(
            prop::option::of(prop_oneof![Just(u64::MAX), Just(0u64), Just(16_384u64), Just(1_048_576u64), Just(10_000_000_000u64), any::<u64>()]),
            0..40,
        ),
        overwrites in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let original = parts(&workbook());
        let xml = original
            .iter()
            .find(|(n, _)| n == part)
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let mut bytes = replace_numbers(&xml, &numbers).into_bytes();
        for (index, byte) in overwrites {
            if !bytes.is_empty() {
                let i = index.index(bytes.len());
                bytes[i] = byte;
            }
        }
        let file = with_part(part, &bytes);
        let started = Instant::now();
        let _ = table::read(&file);
        prop_assert!(started.elapsed() < Duration::from_secs(10));
    }
}
