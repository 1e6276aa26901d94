//! `ozg-monitor generate --scale thueringen|germany`: a database of a chosen size with labelled
//! demo history, for benchmarks and trials.
//!
//! - Thüringen: the seeded Land (its ministries, 23 Kreise, 633 Gemeinden, about 256,000 records).
//! - Germany: in addition every other Kreis and Gemeinde of the Destatis list (11,004
//!   Gemeinden in all, Stand 31.12.2019) with the records the responsibility rule asks for —
//!   about 4.4 million. They are written as one territory write, the org-unit import's bulk
//!   path (`Storage::write_territory`: units, records, rollups and history in one transaction).
//!   The data model has one Land per installation, so the other Länder's Kreise are filed
//!   directly under it: the Land's figures are then Germany's.
//!
//! Then about four demo events per record over 2019–2026 through the batched change path
//! (demo.rs: version checks, hash chain, rollups), each marked as demo data. Only a database
//! without history is filled; nothing real is ever mixed with generated data.

use crate::demo::{self, DemoReport, Progress};
use crate::reference_data::LAND_CODE;
use crate::storage::{Storage, StorageError, TerritoryWrite, UnitWrite};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::BTreeMap;

/// The Destatis Gemeindeverzeichnis for all of Germany (reference-data/gebiete/README).
const GERMANY: &str = include_str!("../../reference-data/gebiete/deutschland_gemeinden_2020.csv");

/// Who the territory write names as its author.
const GENERATOR: &str = "Datengenerator (Demo-Daten)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// The seeded Land only.
    Thueringen,
    /// Every German Kreis and Gemeinde.
    Germany,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("the database already holds history; generated data is only written into a fresh one")]
    NotEmpty,
    #[error("the Gemeindeverzeichnis cannot be read: {0}")]
    Register(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What a generation wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateReport {
    /// Kreise and Gemeinden added to the seeded Land's.
    pub units_added: usize,
    /// Records those units got.
    pub records_created: u64,
    pub demo: DemoReport,
}

/// One line of the Destatis list (columns as in `deutschland_gemeinden_2020.csv`).
#[derive(Debug, serde::Deserialize)]
struct RegisterLine {
    ags_8: String,
    ars_12: String,
    gemeinde: String,
    kreis_schluessel_5: String,
    kreis: String,
    einwohner_31_12_2019: Option<i64>,
}

/// The Kreise, then the Gemeinden, of the list `csv` outside the Land `land_code`, each Kreis
/// under that Land with its Gemeinden's population.
pub fn other_laender_units(csv: &str, land_code: &str) -> Result<Vec<UnitWrite>, GenerateError> {
    let mut kreise: BTreeMap<String, UnitWrite> = BTreeMap::new();
    let mut gemeinden = Vec::new();
    for line in csv::Reader::from_reader(csv.as_bytes()).deserialize() {
        let line: RegisterLine = line.map_err(|e| GenerateError::Register(e.to_string()))?;
        if line.ags_8.starts_with(land_code) {
            continue;
        }
        let population = line.einwohner_31_12_2019.unwrap_or(0);
        kreise
            .entry(line.kreis_schluessel_5.clone())
            .or_insert_with(|| UnitWrite {
                // a Kreis's ARS: its key, then zeros for Verband and Gemeinde
                ars: Some(format!("{}0000000", line.kreis_schluessel_5)),
                code: line.kreis_schluessel_5.clone(),
                kind: "kreis",
                name: line.kreis.clone(),
                parent_code: land_code.to_owned(),
                population: 0,
            })
            .population += population;
        gemeinden.push(UnitWrite {
            code: line.ags_8,
            kind: "gemeinde",
            name: line.gemeinde,
            ars: Some(line.ars_12),
            parent_code: line.kreis_schluessel_5,
            population,
        });
    }
    Ok(kreise.into_values().chain(gemeinden).collect())
}

/// The day generated units exist from: before the first demo step (planning starts as early
/// as mid-2018, demo.rs), so no backdated change falls outside a unit's lifetime.
fn units_exist_from() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2018, 1, 1, 0, 0, 0)
        .single()
        .expect("valid date")
}

/// Generates `scale` into a seeded database without history, from the embedded list.
pub async fn generate(
    storage: &Storage,
    scale: Scale,
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<GenerateReport, GenerateError> {
    let units = match scale {
        Scale::Thueringen => Vec::new(),
        Scale::Germany => other_laender_units(GERMANY, LAND_CODE)?,
    };
    generate_with_units(storage, &units, now, progress).await
}

/// [`generate`] with the units to add given (tests use a few lines of the list).
pub async fn generate_with_units(
    storage: &Storage,
    units: &[UnitWrite],
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<GenerateReport, GenerateError> {
    if storage.data_as_of().await?.is_some() || storage.has_demo_data().await? {
        return Err(GenerateError::NotEmpty);
    }
    let mut records_created = 0;
    if !units.is_empty() {
        progress(Progress::Step("Kreise, Gemeinden und Datensätze anlegen"));
        let territory = TerritoryWrite {
            units,
            ..Default::default()
        };
        records_created = storage
            .write_territory(&territory, units_exist_from(), GENERATOR)
            .await?
            .records_created;
    }
    let demo = demo::generate_reporting(storage, now, progress)
        .await?
        .ok_or(GenerateError::NotEmpty)?;
    Ok(GenerateReport {
        units_added: units.len(),
        records_created,
        demo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_list_gives_every_other_kreis_and_gemeinde_under_the_land() {
        let units = other_laender_units(GERMANY, LAND_CODE).unwrap();
        let kreise: Vec<_> = units.iter().filter(|u| u.kind == "kreis").collect();
        let gemeinden: Vec<_> = units.iter().filter(|u| u.kind == "gemeinde").collect();
        // 11,004 Gemeinden under 403 Kreis keys in Germany, of them 633 and 23 in Thüringen
        assert_eq!(gemeinden.len(), 11_004 - 633);
        assert_eq!(kreise.len(), 403 - 23);
        assert!(units.iter().all(|u| !u.code.starts_with(LAND_CODE)));
        let first_gemeinde = units.iter().position(|u| u.kind == "gemeinde").unwrap();
        assert_eq!(first_gemeinde, kreise.len(), "Kreise come first");
        assert!(kreise.iter().all(|k| k.parent_code == LAND_CODE));
        let berlin = kreise.iter().find(|k| k.code == "11000").unwrap();
        assert_eq!(berlin.ars.as_deref(), Some("110000000000"));
        let flensburg = gemeinden.iter().find(|g| g.code == "01001000").unwrap();
        assert_eq!(flensburg.parent_code, "01001");
        assert_eq!(flensburg.population, 90_164);
        let kreis_population: i64 = kreise.iter().map(|k| k.population).sum();
        let gemeinde_population: i64 = gemeinden.iter().map(|g| g.population).sum();
        assert_eq!(kreis_population, gemeinde_population);
    }

    #[test]
    fn a_broken_line_is_an_error_not_a_skipped_unit() {
        let csv = "ags_8,ars_12,gemeinde,kreis_schluessel_5,kreis,einwohner_31_12_2019\n\
                   01001000,010010000000,Flensburg,01001,Flensburg,viele\n";
        assert!(matches!(
            other_laender_units(csv, LAND_CODE),
            Err(GenerateError::Register(_))
        ));
    }
}
