//! The org-unit import: a Destatis Gemeindeverzeichnis (CSV or XLSX, one line per Gemeinde;
//! the columns of `reference-data/gebiete/*_gemeinden_2020.csv` or German headings) updates
//! the Land's Gemeinden and Kreise. Lines of other Länder are skipped, so the list for all of
//! Germany can be used as published.
//!
//! - a known AGS updates name, ARS and population;
//! - a new AGS is a new Gemeinde (and a new Kreis key a new Kreis) with the records the
//!   responsibility rule asks for;
//! - a Gemeinde (or Kreis) the file no longer lists is dissolved: never deleted, its records
//!   and history stay readable on its page, and it stops counting from the import's day.
//!
//! A merger is told by the optional column `Vorgänger-AGS` on the receiving Gemeinde's line
//! (the Gemeindeverzeichnis itself does not say where a vanished Gemeinde went): the named
//! Gemeinden get it as their successor, and a new Gemeinde starts with the state of its most
//! populous predecessor. A territory is taken whole or not at all.

use super::catalogue_plan::{change, named};
use super::headings::{column, read_sheets};
use super::table::{self, Row, Sheet, Value};
use crate::auth::action;
use crate::reference_data::LAND_CODE;
use crate::storage::{
    Dissolution, Storage, StoredTerritory, StoredUnit, TerritoryWrite, UnitWrite,
};
use app::domain::{
    Ags, AgsLevel, Ars, CurrentUser, ImportLine, OrgUnitKind, TerritoryImportReport, TerritoryLine,
};
use app::error::AppError;
use app::format;
use chrono::{NaiveDate, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};

const AGS: &[&str] = &[
    "ags_8",
    "AGS",
    "Amtlicher Gemeindeschlüssel",
    "Gemeindeschlüssel",
];
const NAME: &[&str] = &["gemeinde", "Gemeindename", "Gemeinde", "Name"];
const POPULATION: &[&str] = &[
    "einwohner_31_12_2019",
    "einwohner",
    "Einwohner",
    "Bevölkerung",
    "Bevölkerung insgesamt",
];
const ARS: &[&str] = &[
    "ars_12",
    "ARS",
    "Regionalschlüssel",
    "Amtlicher Regionalschlüssel",
];
const KREIS_NAME: &[&str] = &["kreis", "Kreis", "Kreisname", "Landkreis"];
const PREDECESSORS: &[&str] = &[
    "vorgaenger_ags",
    "Vorgänger-AGS",
    "Vorgänger",
    "eingegliederte Gemeinden",
];
/// Columns of the Destatis extracts the import does not need; not worth a note.
const INFORMATIONAL: &[&str] = &[
    "kreis_schluessel_5",
    "land_schluessel",
    "land",
    "gemeinde_typ",
    "verband_schluessel_9",
    "verband",
    "verband_typ",
    "flaeche_km2",
    "plz",
    "laenge",
    "breite",
];

/// A file that would dissolve more than this share of the Gemeinden is more likely a partial
/// list (one Kreis, say) than the Land's Gemeindeverzeichnis.
const MAX_DISSOLVED_SHARE: f64 = 0.25;

/// What the importing administrator asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerritoryRequest {
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    ags: usize,
    name: usize,
    population: usize,
    ars: Option<usize>,
    kreis_name: Option<usize>,
    predecessors: Option<usize>,
}

impl Columns {
    fn find(header: &[String]) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let mut required = |label: &str, names: &[&str]| {
            column(header, label, names).unwrap_or_else(|e| {
                errors.push(e);
                0
            })
        };
        let ags = required("AGS", AGS);
        let name = required("Gemeindename", NAME);
        let population = required("Einwohner", POPULATION);
        let mut optional = |label: &str, names: &[&str]| match column(header, label, names) {
            Ok(c) => Some(c),
            Err(e) if e.contains("mehrfach") => {
                errors.push(e);
                None
            }
            Err(_) => None,
        };
        let columns = Self {
            ags,
            name,
            population,
            ars: optional("ARS", ARS),
            kreis_name: optional("Kreis", KREIS_NAME),
            predecessors: optional("Vorgänger-AGS", PREDECESSORS),
        };
        if errors.is_empty() {
            return Ok(columns);
        }
        errors.push(
            "Die Kopfzeile braucht die Spalten AGS, Gemeindename und Einwohner (oder ags_8, \
             gemeinde, einwohner_31_12_2019 wie im Gemeindeverzeichnis des Statistischen \
             Bundesamts); Kreis, ARS und Vorgänger-AGS sind freiwillig."
                .into(),
        );
        Err(errors)
    }
}

/// The headings the org-unit import knows.
const KNOWN: &[&[&str]] = &[
    AGS,
    NAME,
    POPULATION,
    ARS,
    KREIS_NAME,
    PREDECESSORS,
    INFORMATIONAL,
];

/// One data line as read.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    position: String,
    ags: Option<Ags>,
    name: String,
    population: Option<i64>,
    ars: Option<Ars>,
    kreis_name: Option<String>,
    predecessors: Vec<Ags>,
    errors: Vec<String>,
}

/// An AGS as a spreadsheet may hold it: a number loses the leading zero of Länder 01–09.
fn key_text(v: &Value) -> String {
    let text = v.text();
    match v {
        Value::Number(_) if text.len() == 7 => format!("0{text}"),
        _ => text,
    }
}

fn parse_population(v: &Value) -> Result<i64, String> {
    let invalid = || format!("„{}“ ist keine Einwohnerzahl.", v.text());
    match v {
        Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 1e9 => Ok(*n as i64),
        Value::Text(t) => {
            // German thousands separators: 1.234 or 1 234
            let digits: String = t
                .trim()
                .chars()
                .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}'))
                .collect();
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(invalid());
            }
            digits.parse().map_err(|_| invalid())
        }
        Value::Empty => Err("Die Einwohnerzahl fehlt.".into()),
        _ => Err(invalid()),
    }
}

fn read_line(sheet: &Sheet, columns: &Columns, row: &Row) -> Line {
    let mut errors = Vec::new();
    let ags = match Ags::parse(&key_text(row.get(columns.ags))) {
        Ok(a) if a.level() == AgsLevel::Gemeinde => Some(a),
        Ok(a) => {
            errors.push(format!(
                "„{a}“ ist kein Gemeindeschlüssel: erwartet werden 8 Ziffern."
            ));
            None
        }
        Err(_) if row.get(columns.ags).is_empty() => {
            errors.push("Der AGS fehlt.".into());
            None
        }
        Err(e) => {
            errors.push(e.to_string());
            None
        }
    };
    let name = named(&mut errors, "Gemeindename", row.get(columns.name).text());
    let population = parse_population(row.get(columns.population))
        .map_err(|e| errors.push(e))
        .ok();
    let ars = columns.ars.and_then(|c| {
        let v = row.get(c);
        if v.is_empty() {
            return None;
        }
        let text = match v {
            Value::Number(_) if v.text().len() == 11 => format!("0{}", v.text()),
            _ => v.text(),
        };
        Ars::parse(&text)
            .map_err(|e| errors.push(e.to_string()))
            .ok()
    });
    if let (Some(a), Some(r)) = (&ags, &ars) {
        if r.as_str().len() == 12
            && (r.as_str()[..5] != a.as_str()[..5] || r.as_str()[9..] != a.as_str()[5..])
        {
            errors.push(format!("Der ARS {r} passt nicht zum AGS {a}."));
        }
    }
    let kreis_name = columns
        .kreis_name
        .map(|c| row.get(c).text())
        .filter(|k| !k.is_empty());
    let mut predecessors = Vec::new();
    if let Some(c) = columns.predecessors {
        for key in row
            .get(c)
            .text()
            .split(|ch: char| ch == ',' || ch == ';' || ch.is_whitespace())
            .filter(|k| !k.is_empty())
        {
            match Ags::parse(key) {
                Ok(p) if p.level() == AgsLevel::Gemeinde => predecessors.push(p),
                _ => errors.push(format!(
                    "Vorgänger-AGS: „{key}“ ist kein Gemeindeschlüssel (8 Ziffern)."
                )),
            }
        }
    }
    Line {
        position: sheet.position(row.line),
        ags,
        name,
        population,
        ars,
        kreis_name,
        predecessors,
        errors,
    }
}

/// Every data line of the file, with notes; or why the file cannot be a Gemeindeverzeichnis.
fn read_lines(sheets: &[Sheet]) -> Result<(Vec<Line>, Vec<String>), Vec<String>> {
    read_sheets(
        sheets,
        Columns::find,
        KNOWN,
        read_line,
        "Die Datei enthält keine Gemeinden: das Verzeichnis braucht mindestens eine Zeile.",
    )
}

/// The file checked against the stored territory: the report and what to write.
#[derive(Debug, Default)]
struct Plan {
    report: TerritoryImportReport,
    units: Vec<UnitWrite>,
    dissolved: Vec<Dissolution>,
    takeovers: Vec<(String, String)>,
}

fn label(code: &str, name: &str) -> String {
    format!("{code} {name}")
}

fn unit_line(position: Option<String>, code: &str, kind: OrgUnitKind, name: &str) -> TerritoryLine {
    TerritoryLine {
        position,
        ags: code.to_owned(),
        kind,
        name: name.to_owned(),
        changes: Vec::new(),
        successor: None,
        predecessors: Vec::new(),
    }
}

/// The file's Gemeinden read against the stored units: what the Kreise add up to, and the
/// Gemeinden to write with their report lines.
#[derive(Default)]
struct GemeindenPlan {
    /// Each Kreis key with the inhabitants of its Gemeinden in the file.
    kreis_population: BTreeMap<String, i64>,
    /// Per Kreis key: its first line, and how often each Kreis name is given.
    kreis_names: BTreeMap<String, (String, Vec<(String, usize)>)>,
    /// New or changed Gemeinden (unchanged ones are only counted).
    gemeinden: Vec<(TerritoryLine, UnitWrite)>,
    population_changed: bool,
}

impl GemeindenPlan {
    /// The name most of a Kreis's lines give (a kreisfreie Stadt's own line may differ).
    fn kreis_name(&self, key: &str) -> Option<String> {
        let (_, names) = self.kreis_names.get(key)?;
        let most = names.iter().map(|(_, c)| *c).max()?;
        names
            .iter()
            .find(|(_, c)| *c == most)
            .map(|(n, _)| n.clone())
    }
}

/// The stored units the phases of [`plan`] read, by code.
struct Stored<'a> {
    territory: &'a StoredTerritory,
    by_code: HashMap<&'a str, &'a StoredUnit>,
}

impl<'a> Stored<'a> {
    fn new(territory: &'a StoredTerritory) -> Self {
        let by_code = territory
            .units
            .iter()
            .map(|u| (u.code.as_str(), u))
            .collect();
        Self { territory, by_code }
    }

    fn current_gemeinden(&self) -> Vec<&'a StoredUnit> {
        self.territory
            .units
            .iter()
            .filter(|u| u.kind == "gemeinde" && u.valid_to.is_none())
            .collect()
    }

    fn population_of(&self, code: &str) -> i64 {
        self.by_code
            .get(code)
            .and_then(|u| u.population)
            .unwrap_or(0)
    }
}

/// The file checked against the stored territory, in phases: the Land's lines, who went into
/// whom, the Gemeinden, the Kreise, the new Gemeinden's predecessors, what is dissolved, and
/// what blocks the whole file.
fn plan(lines: Vec<Line>, stored: &StoredTerritory, today: NaiveDate) -> Plan {
    let stored = Stored::new(stored);
    let mut plan = Plan::default();
    plan.report.lines_read = lines.len() as u64;
    plan.report.effective = Some(today);
    let (mut lines, listed) = land_lines(lines, &mut plan.report);
    let successor_of = successors(&mut lines, &listed, &stored);
    let gemeinden = read_gemeinden(&lines, &stored, &mut plan.report);
    let kreise = plan_kreise(&gemeinden, &stored, &mut plan.report);
    place_gemeinden(&gemeinden, &successor_of, &stored, &mut plan);
    // Kreise before Gemeinden: a new Gemeinde's parent must exist
    plan.units.splice(0..0, kreise);
    dissolve_the_unlisted(
        &lines,
        &listed,
        &successor_of,
        &gemeinden,
        &stored,
        &mut plan,
    );
    check_the_whole(lines, &listed, &gemeinden, &stored, &mut plan);
    plan
}

/// The Land's lines (others are counted), each AGS once: a repeated one is an error. Also the
/// AGS the file lists.
fn land_lines(
    lines: Vec<Line>,
    report: &mut TerritoryImportReport,
) -> (Vec<Line>, HashSet<String>) {
    let mut lines: Vec<Line> = lines
        .into_iter()
        .filter(|l| match &l.ags {
            Some(a) if !a.as_str().starts_with(LAND_CODE) => {
                report.other_laender += 1;
                false
            }
            _ => true,
        })
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    for l in &mut lines {
        if let Some(a) = &l.ags {
            if !seen.insert(a.to_string()) {
                l.errors
                    .push(format!("Der AGS {a} kommt in der Datei mehrfach vor."));
            }
        }
    }
    (lines, seen)
}

/// Who goes into whom: each predecessor a line names, by the AGS of the Gemeinde that takes it
/// in. A predecessor that is not a current Gemeinde the file leaves out is an error on its line.
fn successors(
    lines: &mut [Line],
    listed: &HashSet<String>,
    stored: &Stored<'_>,
) -> BTreeMap<String, String> {
    let mut successor_of: BTreeMap<String, String> = BTreeMap::new();
    for l in lines {
        let Some(ags) = l.ags.clone() else { continue };
        for p in l.predecessors.clone() {
            let p = p.to_string();
            let problem = match stored.by_code.get(p.as_str()) {
                _ if p == ags.as_str() => Some(format!(
                    "Vorgänger-AGS {p}: eine Gemeinde ist nicht ihr eigener Vorgänger."
                )),
                Some(u) if u.kind == "gemeinde" && u.valid_to.is_none() => {
                    if listed.contains(&p) {
                        Some(format!("Vorgänger-AGS {p} ({}) steht selbst in der Datei, besteht also weiter.", u.name))
                    } else {
                        successor_of.get(&p).map(|other| {
                            format!("Vorgänger-AGS {p} ({}) ist schon bei {other} als Vorgänger genannt.", u.name)
                        })
                    }
                }
                Some(u) if u.kind == "gemeinde" => Some(format!(
                    "Vorgänger-AGS {p} ({}) ist schon aufgelöst.",
                    u.name
                )),
                _ => Some(format!("Vorgänger-AGS {p} ist keine Gemeinde des Landes.")),
            };
            match problem {
                Some(e) => l.errors.push(e),
                None => {
                    successor_of.insert(p, ags.to_string());
                }
            }
        }
    }
    successor_of
}

/// Each Gemeinde line against its stored unit: new, changed (name, ARS, inhabitants) or
/// unchanged; a dissolved AGS is refused. The Kreise's inhabitants and names are summed up
/// on the way.
fn read_gemeinden(
    lines: &[Line],
    stored: &Stored<'_>,
    report: &mut TerritoryImportReport,
) -> GemeindenPlan {
    let mut out = GemeindenPlan::default();
    for l in lines {
        let (Some(ags), Some(population)) = (&l.ags, l.population) else {
            continue;
        };
        let kreis = ags.kreis().unwrap_or_default().to_owned();
        *out.kreis_population.entry(kreis.clone()).or_default() += population;
        let (_, names) = out
            .kreis_names
            .entry(kreis.clone())
            .or_insert_with(|| (l.position.clone(), Vec::new()));
        if let Some(name) = &l.kreis_name {
            match names.iter_mut().find(|(n, _)| n == name) {
                Some((_, count)) => *count += 1,
                None => names.push((name.clone(), 1)),
            }
        }
        let write = UnitWrite {
            code: ags.to_string(),
            kind: "gemeinde",
            name: l.name.clone(),
            ars: l.ars.as_ref().map(ToString::to_string),
            parent_code: kreis,
            population,
        };
        let line = unit_line(
            Some(l.position.clone()),
            &write.code,
            OrgUnitKind::Gemeinde,
            &write.name,
        );
        match stored.by_code.get(ags.as_str()) {
            Some(u) if u.valid_to.is_some() => {
                report.failed.push(ImportLine {
                    position: l.position.clone(),
                    errors: vec![format!(
                        "Die Gemeinde {ags} ({}) ist seit dem {} aufgelöst; ein aufgelöster \
                         Schlüssel wird nicht wieder vergeben.",
                        u.name,
                        u.valid_to.map(format::date).unwrap_or_default()
                    )],
                    ..Default::default()
                });
            }
            Some(u) => {
                let mut changes = Vec::new();
                if u.name != write.name {
                    changes.push(change("name", "Name", u.name.clone(), write.name.clone()));
                }
                if let Some(ars) = &write.ars {
                    if u.ars.as_ref() != Some(ars) {
                        changes.push(change(
                            "ars",
                            "ARS",
                            u.ars.clone().unwrap_or_default(),
                            ars.clone(),
                        ));
                    }
                }
                let mut write = write;
                if write.ars.is_none() {
                    write.ars = u.ars.clone();
                }
                if u.population != Some(population) {
                    out.population_changed = true;
                    changes.push(change(
                        "population",
                        "Einwohner",
                        u.population.map(format::int).unwrap_or_default(),
                        format::int(population),
                    ));
                }
                if changes.is_empty() {
                    report.unchanged += 1;
                } else {
                    let mut line = line;
                    line.changes = changes;
                    out.gemeinden.push((line, write));
                }
            }
            None => out.gemeinden.push((line, write)),
        }
    }
    out
}

/// The Kreise the file's AGS name: new ones (their name from the lines), and known ones whose
/// name or inhabitants changed.
fn plan_kreise(
    gemeinden: &GemeindenPlan,
    stored: &Stored<'_>,
    report: &mut TerritoryImportReport,
) -> Vec<UnitWrite> {
    let mut kreise = Vec::new();
    for (key, population) in &gemeinden.kreis_population {
        let position = &gemeinden.kreis_names[key].0;
        let name = &gemeinden.kreis_name(key);
        match stored.by_code.get(key.as_str()) {
            Some(u) if u.valid_to.is_some() => report.failed.push(ImportLine {
                position: position.clone(),
                errors: vec![format!("Der Kreis {key} ({}) ist aufgelöst.", u.name)],
                ..Default::default()
            }),
            Some(u) => {
                let mut changes = Vec::new();
                let name = name.clone().unwrap_or_else(|| u.name.clone());
                if name != u.name {
                    changes.push(change("name", "Name", u.name.clone(), name.clone()));
                }
                if u.population != Some(*population) {
                    changes.push(change(
                        "population",
                        "Einwohner",
                        u.population.map(format::int).unwrap_or_default(),
                        format::int(*population),
                    ));
                }
                if !changes.is_empty() {
                    let mut line = unit_line(None, key, OrgUnitKind::Kreis, &name);
                    line.changes = changes;
                    report.changed.push(line);
                    kreise.push(UnitWrite {
                        code: key.clone(),
                        kind: "kreis",
                        name,
                        ars: u.ars.clone(),
                        parent_code: LAND_CODE.into(),
                        population: *population,
                    });
                }
            }
            None => match name {
                Some(name) => {
                    report.added.push(unit_line(
                        Some(position.clone()),
                        key,
                        OrgUnitKind::Kreis,
                        name,
                    ));
                    report.records_created += stored.territory.kreis_services as u64;
                    kreise.push(UnitWrite {
                        code: key.clone(),
                        kind: "kreis",
                        name: name.clone(),
                        ars: Some(key.clone()),
                        parent_code: LAND_CODE.into(),
                        population: *population,
                    });
                }
                None => report.failed.push(ImportLine {
                    position: position.clone(),
                    errors: vec![format!(
                        "Der Kreis {key} ist neu; für ihn fehlt der Kreisname (Spalte „Kreis“)."
                    )],
                    ..Default::default()
                }),
            },
        }
    }
    kreise
}

/// The new and changed Gemeinden into the plan, each with the predecessors it takes in; a new
/// Gemeinde takes over the records of its most populous predecessor.
fn place_gemeinden(
    gemeinden: &GemeindenPlan,
    successor_of: &BTreeMap<String, String>,
    stored: &Stored<'_>,
    plan: &mut Plan,
) {
    let report = &mut plan.report;
    for (line, write) in &gemeinden.gemeinden {
        let mut line = line.clone();
        let is_new = !stored.by_code.contains_key(write.code.as_str());
        let predecessors: Vec<&String> = successor_of
            .iter()
            .filter(|(_, s)| **s == write.code)
            .map(|(p, _)| p)
            .collect();
        line.predecessors = predecessors
            .iter()
            .map(|p| {
                let name = stored
                    .by_code
                    .get(p.as_str())
                    .map_or("", |u| u.name.as_str());
                label(p, name)
            })
            .collect();
        if is_new {
            report.records_created += stored.territory.gemeinde_services as u64;
            if let Some(main) = predecessors
                .iter()
                .max_by_key(|p| (stored.population_of(p), std::cmp::Reverse(**p)))
            {
                report.records_taken_over += stored.territory.gemeinde_services as u64;
                plan.takeovers.push((write.code.clone(), (*main).clone()));
            }
            report.added.push(line);
        } else {
            report.changed.push(line);
        }
        plan.units.push(write.clone());
    }
}

/// The current Gemeinden the file leaves out are dissolved (into their successor, if a line
/// names one), then the Kreise left without a Gemeinde (into the Kreis all their Gemeinden
/// went to, if one).
fn dissolve_the_unlisted(
    lines: &[Line],
    listed: &HashSet<String>,
    successor_of: &BTreeMap<String, String>,
    gemeinden: &GemeindenPlan,
    stored: &Stored<'_>,
    plan: &mut Plan,
) {
    let records_of = |code: &str| {
        stored
            .territory
            .records_by_unit
            .get(code)
            .copied()
            .unwrap_or(0) as u64
    };
    for u in stored.current_gemeinden() {
        if listed.contains(&u.code) {
            continue;
        }
        let successor = successor_of.get(&u.code).cloned();
        let mut line = unit_line(None, &u.code, OrgUnitKind::Gemeinde, &u.name);
        line.successor = successor.as_ref().map(|s| {
            label(
                s,
                lines
                    .iter()
                    .find(|l| l.ags.as_ref().is_some_and(|a| a.as_str() == s))
                    .map_or("", |l| l.name.as_str()),
            )
        });
        plan.report.records_retired += records_of(&u.code);
        plan.report.dissolved.push(line);
        plan.dissolved.push(Dissolution {
            code: u.code.clone(),
            successor,
        });
    }
    let file_kreise: HashSet<&String> = gemeinden.kreis_population.keys().collect();
    for k in stored
        .territory
        .units
        .iter()
        .filter(|u| u.kind == "kreis" && u.valid_to.is_none() && !file_kreise.contains(&u.code))
    {
        // the Kreis its Gemeinden went into, if they all went into one
        let targets: HashSet<&str> = plan
            .dissolved
            .iter()
            .filter(|d| d.code.starts_with(&k.code))
            .filter_map(|d| d.successor.as_deref())
            .map(|s| &s[..5])
            .collect();
        let successor =
            (targets.len() == 1).then(|| targets.into_iter().next().unwrap_or_default().to_owned());
        let mut line = unit_line(None, &k.code, OrgUnitKind::Kreis, &k.name);
        line.successor = successor.as_ref().map(|s| {
            let name = match stored.by_code.get(s.as_str()) {
                Some(u) => u.name.clone(),
                // a Kreis the import creates
                None => gemeinden.kreis_name(s).unwrap_or_default(),
            };
            label(s, &name)
        });
        plan.report.records_retired += records_of(&k.code);
        plan.report.dissolved.push(line);
        plan.dissolved.push(Dissolution {
            code: k.code.clone(),
            successor,
        });
    }
}

/// The lines' errors, and what blocks the whole file (errors, no Gemeinde of the Land, too
/// many dissolved: a part of the list); notes on Gemeinden dissolved without successor and on
/// changed inhabitants.
fn check_the_whole(
    lines: Vec<Line>,
    listed: &HashSet<String>,
    gemeinden: &GemeindenPlan,
    stored: &Stored<'_>,
    plan: &mut Plan,
) {
    let report = &mut plan.report;
    for l in lines {
        if !l.errors.is_empty() {
            report.failed.push(ImportLine {
                position: l.position,
                label: l.ags.map(|a| label(a.as_str(), &l.name)),
                errors: l.errors,
                ..Default::default()
            });
        }
    }
    if !report.failed.is_empty() {
        report.blocked.push(format!(
            "{} Zeilen haben Fehler. Ein Gemeindeverzeichnis wird nur vollständig übernommen: \
             bitte korrigieren Sie die Datei.",
            report.failed.len()
        ));
    }
    let current = stored.current_gemeinden().len();
    if listed.is_empty() {
        report.blocked.push(format!(
            "Die Datei enthält keine Gemeinde des Landes (AGS {LAND_CODE}…)."
        ));
    } else {
        let dissolved = plan.dissolved.iter().filter(|d| d.code.len() == 8).count();
        if dissolved as f64 > MAX_DISSOLVED_SHARE * current as f64 {
            report.blocked.push(format!(
                "Die Datei würde {dissolved} von {current} Gemeinden auflösen. Das sieht nach \
                 einem Ausschnitt aus, nicht nach dem vollständigen Gemeindeverzeichnis des Landes."
            ));
        }
    }
    let without_successor = report
        .dissolved
        .iter()
        .filter(|d| d.kind == OrgUnitKind::Gemeinde && d.successor.is_none())
        .count();
    if without_successor > 0 {
        report.notes.push(format!(
            "{without_successor} Gemeinden fehlen in der Datei und werden ohne Nachfolger \
             aufgelöst. Sind sie in einer anderen Gemeinde aufgegangen, nennen Sie sie in der \
             Spalte „Vorgänger-AGS“ der aufnehmenden Gemeinde: dann führt deren Seite zu ihrer \
             Historie, und eine neue Gemeinde übernimmt ihren Umsetzungsstand."
        ));
    }
    if gemeinden.population_changed {
        report.notes.push(
            "Einwohnerzahlen ändern sich: einwohnergewichtete Werte werden auch für frühere \
             Stichtage mit den neuen Zahlen berechnet; die Zahl der Umsetzungsstände früherer \
             Stichtage bleibt unverändert."
                .into(),
        );
    }
}

/// Checks (and unless `dry_run` applies) an uploaded Gemeindeverzeichnis. Administrators only.
pub async fn import_territory(
    storage: &Storage,
    user: &CurrentUser,
    bytes: Vec<u8>,
    request: TerritoryRequest,
) -> Result<TerritoryImportReport, AppError> {
    if !user.is_admin() {
        return Err(AppError::forbidden(
            "Nur die Administration darf das Gemeindeverzeichnis importieren.",
        ));
    }
    let (kind, (lines, notes)) = table::read_in_background(bytes, read_lines).await?;
    let stored = storage.stored_territory().await?;
    let now = Utc::now();
    let Plan {
        mut report,
        units,
        dissolved,
        takeovers,
    } = plan(lines, &stored, now.date_naive());
    report.dry_run = request.dry_run;
    report.file_kind = kind.label().to_owned();
    report.notes.splice(0..0, notes);
    let changes =
        !(report.added.is_empty() && report.changed.is_empty() && report.dissolved.is_empty());
    if request.dry_run || !report.blocked.is_empty() || !changes {
        return Ok(report);
    }
    let written = storage
        .write_territory(
            &TerritoryWrite {
                units: &units,
                dissolved: &dissolved,
                takeovers: &takeovers,
            },
            now,
            &user.actor(),
        )
        .await?;
    report.written = true;
    report.records_created = written.records_created;
    report.records_taken_over = written.records_taken_over;
    report.records_retired = written.records_retired;
    let detail = format!(
        "Gebiete: {} neu, {} geändert, {} aufgelöst, {} Umsetzungsstände angelegt ({} übernommen)",
        report.added.len(),
        report.changed.len(),
        report.dissolved.len(),
        written.records_created,
        written.records_taken_over
    );
    crate::auth::audit_by(
        storage,
        user,
        action::TERRITORY_IMPORTED,
        "Gemeindeverzeichnis",
        Some(&detail),
    )
    .await;
    tracing::info!(actor = %user.email, %detail, "territory imported");
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imports::table::read;

    fn unit(code: &str, name: &str, population: i64) -> StoredUnit {
        StoredUnit {
            code: code.into(),
            kind: if code.len() == 5 { "kreis" } else { "gemeinde" }.into(),
            name: name.into(),
            ars: None,
            parent_code: Some(if code.len() == 5 {
                "16".into()
            } else {
                code[..5].into()
            }),
            population: Some(population),
            valid_to: None,
        }
    }

    /// Kreis 16061 with ten Gemeinden of 1,000 inhabitants (the first 5,000), and the
    /// kreisfreie Stadt 16056.
    fn stored() -> StoredTerritory {
        let mut units = vec![
            unit("16061", "Eichsfeld", 14_000),
            unit("16056", "Eisenach, Stadt", 42_000),
        ];
        units.push(unit("16056000", "Eisenach, Stadt", 42_000));
        for i in 1..=10 {
            units.push(unit(
                &format!("160610{i:02}"),
                &format!("Gemeinde {i}"),
                if i == 1 { 5_000 } else { 1_000 },
            ));
        }
        StoredTerritory {
            records_by_unit: units
                .iter()
                .map(|u| (u.code.clone(), if u.kind == "kreis" { 3 } else { 10 }))
                .collect(),
            units,
            gemeinde_services: 10,
            kreis_services: 3,
        }
    }

    fn lines_of(csv: &str) -> Vec<Line> {
        let (_, sheets) = read(csv.as_bytes()).map_err(|e| e.0).unwrap();
        read_lines(&sheets).unwrap().0
    }

    /// The stored Gemeinden as file lines, `except` left out.
    fn register(except: &[&str]) -> String {
        let mut csv = String::from("ags_8,gemeinde,kreis,einwohner_31_12_2019,vorgaenger_ags\n");
        for u in stored()
            .units
            .iter()
            .filter(|u| u.kind == "gemeinde" && !except.contains(&u.code.as_str()))
        {
            csv.push_str(&format!(
                "{},\"{}\",,{},\n",
                u.code,
                u.name,
                u.population.unwrap()
            ));
        }
        csv
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    #[test]
    fn an_unchanged_register_changes_nothing_and_skips_other_laender() {
        let csv = format!("{}01001000,\"Flensburg, Stadt\",,90164,\n", register(&[]));
        let plan = plan(lines_of(&csv), &stored(), today());
        let r = &plan.report;
        assert_eq!((r.lines_read, r.other_laender, r.unchanged), (12, 1, 11));
        assert!(
            r.added.is_empty() && r.changed.is_empty() && r.dissolved.is_empty(),
            "{r:?}"
        );
        assert!(r.blocked.is_empty() && !r.can_apply(), "{r:?}");
        assert!(plan.units.is_empty() && plan.dissolved.is_empty());
    }

    #[test]
    fn a_merger_dissolves_the_predecessors_and_the_new_gemeinde_takes_over_the_largest() {
        // Gemeinden 1 and 2 become the new 16061099; 3 is renamed and grows
        let mut csv = register(&["16061001", "16061002"]).replace(
            "16061003,\"Gemeinde 3\",,1000,",
            "16061003,Gemeinde Drei,,1100,",
        );
        csv.push_str("16061099,Neustadt,,6000,\"16061002, 16061001\"\n");
        let plan = plan(lines_of(&csv), &stored(), today());
        let r = &plan.report;
        assert!(r.blocked.is_empty(), "{r:?}");
        assert_eq!(r.added.len(), 1);
        assert_eq!(r.added[0].ags, "16061099");
        assert_eq!(
            r.added[0].predecessors,
            ["16061001 Gemeinde 1", "16061002 Gemeinde 2"]
        );
        let changed: Vec<_> = r
            .changed
            .iter()
            .map(|c| (c.ags.as_str(), c.changes.len()))
            .collect();
        assert_eq!(
            changed,
            [("16061", 1), ("16061003", 2)],
            "Kreis population, and name and population"
        );
        assert_eq!(r.changed[0].changes[0].new, "14.100");
        let dissolved: Vec<_> = r
            .dissolved
            .iter()
            .map(|d| (d.ags.as_str(), d.successor.as_deref()))
            .collect();
        assert_eq!(
            dissolved,
            [
                ("16061001", Some("16061099 Neustadt")),
                ("16061002", Some("16061099 Neustadt"))
            ]
        );
        assert_eq!(
            (r.records_created, r.records_taken_over, r.records_retired),
            (10, 10, 20)
        );
        assert_eq!(
            plan.takeovers,
            [("16061099".to_owned(), "16061001".to_owned())],
            "the most populous"
        );
        assert_eq!(plan.units[0].code, "16061", "Kreise first");
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("Einwohnerzahlen ändern sich")),
            "{:?}",
            r.notes
        );
        assert_eq!(r.effective, Some(today()));
    }

    #[test]
    fn a_gemeinde_changing_kreis_dissolves_its_old_kreisfreie_stadt() {
        // Eisenach joins Kreis 16061 under a new key, as it joined the Wartburgkreis in 2021
        let mut csv = register(&["16056000"]);
        csv.push_str("16061105,\"Eisenach, Stadt\",,42000,16056000\n");
        let plan = plan(lines_of(&csv), &stored(), today());
        let r = &plan.report;
        assert!(r.blocked.is_empty(), "{r:?}");
        let dissolved: Vec<_> = r
            .dissolved
            .iter()
            .map(|d| (d.ags.as_str(), d.kind, d.successor.as_deref()))
            .collect();
        assert_eq!(
            dissolved,
            [
                (
                    "16056000",
                    OrgUnitKind::Gemeinde,
                    Some("16061105 Eisenach, Stadt")
                ),
                ("16056", OrgUnitKind::Kreis, Some("16061 Eichsfeld")),
            ]
        );
        assert_eq!(
            r.records_retired, 13,
            "the Gemeinde's and the Kreis's records"
        );
        assert_eq!(
            plan.takeovers,
            [("16061105".to_owned(), "16056000".to_owned())]
        );
    }

    #[test]
    fn a_gemeinde_missing_without_successor_is_dissolved_with_a_note() {
        let plan = plan(lines_of(&register(&["16061010"])), &stored(), today());
        let r = &plan.report;
        assert!(r.blocked.is_empty(), "{r:?}");
        assert_eq!(r.dissolved.len(), 1);
        assert_eq!(r.dissolved[0].successor, None);
        assert!(
            r.notes.iter().any(|n| n.contains("ohne Nachfolger")),
            "{:?}",
            r.notes
        );
        assert!(plan.takeovers.is_empty());
    }

    #[test]
    fn every_line_error_is_reported_and_blocks_the_register() {
        let mut csv = register(&["16061001"]);
        csv.push_str(concat!(
            "1606100,Kurz,,10,\n",
            "16061003,Doppelt,,10,\n",
            "16061098,Ohne Einwohner,,,\n",
            "16061097,Vorgänger bleibt,,10,16061004\n",
            "16061096,Vorgänger unbekannt,,10,16099001\n",
            "16077001,Neuer Kreis ohne Namen,,10,\n",
            "16061095,,,10,\n",
            "16061094,Falscher Vorgänger,,1.234,abc\n",
        ));
        let plan = plan(lines_of(&csv), &stored(), today());
        let r = &plan.report;
        let errors: Vec<String> = r.failed.iter().flat_map(|f| f.errors.clone()).collect();
        for expected in [
            "kein gültiger Amtlicher Gemeindeschlüssel",
            "kommt in der Datei mehrfach vor",
            "Die Einwohnerzahl fehlt",
            "steht selbst in der Datei",
            "keine Gemeinde des Landes",
            "fehlt der Kreisname",
            "„Gemeindename“ fehlt",
            "„abc“ ist kein Gemeindeschlüssel",
        ] {
            assert!(
                errors.iter().any(|e| e.contains(expected)),
                "{expected}: {errors:#?}"
            );
        }
        assert!(!r.blocked.is_empty() && !r.can_apply());
    }

    #[test]
    fn a_partial_list_is_refused_and_so_is_a_file_without_the_land() {
        let one = "ags_8,gemeinde,einwohner_31_12_2019\n16061001,Gemeinde 1,5000\n";
        let r = plan(lines_of(one), &stored(), today()).report;
        assert!(
            r.blocked.iter().any(|b| b.contains("Ausschnitt")),
            "{:?}",
            r.blocked
        );
        let other = "AGS;Gemeindename;Einwohner\n01001000;Flensburg;90164\n";
        let r = plan(lines_of(other), &stored(), today()).report;
        assert!(
            r.blocked
                .iter()
                .any(|b| b.contains("keine Gemeinde des Landes")),
            "{:?}",
            r.blocked
        );
        assert_eq!(r.other_laender, 1);
    }

    #[test]
    fn headings_are_checked_before_any_line() {
        let (_, sheets) = read(b"AGS,Name\n16061001,Gemeinde 1\n")
            .map_err(|e| e.0)
            .unwrap();
        let errors = read_lines(&sheets).unwrap_err();
        assert!(errors.iter().any(|e| e.contains("Einwohner")), "{errors:?}");
        let (_, sheets) = read(b"AGS,AGS,Gemeindename,Einwohner\n")
            .map_err(|e| e.0)
            .unwrap();
        let errors = read_lines(&sheets).unwrap_err();
        assert!(errors.iter().any(|e| e.contains("mehrfach")), "{errors:?}");
    }

    #[test]
    fn populations_and_keys_read_as_spreadsheets_hold_them() {
        assert_eq!(parse_population(&Value::Text("1.234".into())), Ok(1234));
        assert_eq!(parse_population(&Value::Text("12 345".into())), Ok(12345));
        assert_eq!(parse_population(&Value::Number(987.0)), Ok(987));
        assert!(parse_population(&Value::Number(1.5)).is_err());
        assert!(parse_population(&Value::Text("-3".into())).is_err());
        assert_eq!(key_text(&Value::Number(1_001_000.0)), "01001000");
        assert_eq!(key_text(&Value::Text("16061001".into())), "16061001");
    }
}
