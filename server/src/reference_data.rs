//! The reference data embedded in the binary (`reference-data/`, see its README for provenance),
//! parsed and validated into plain structs. Storage writes them (`storage::seed`).

use app::domain::{Ags, Ars, LeikaKey, LeikaTypes, OzgId, Responsibility};
use chrono::NaiveDate;
use serde::Deserialize;
use sha2::{Digest, Sha256};

const THEMENFELDER: &str = include_str!("../../reference-data/ozg/themenfelder.csv");
const LAGEN: &str = include_str!("../../reference-data/ozg/lebenslagen.csv");
const SERVICES: &str = include_str!("../../reference-data/ozg/leistungen.csv");
const LEIKA: &str = include_str!("../../reference-data/ozg/leika_leistungen.csv");
const KREISE: &str = include_str!("../../reference-data/gebiete/thueringen_kreise_2020.csv");
const GEMEINDEN: &str = include_str!("../../reference-data/gebiete/thueringen_gemeinden_2020.csv");
const RESSORTS: &str = include_str!("../../reference-data/thueringen-ressorts.csv");
const RESPONSIBILITIES: &str = include_str!("../../reference-data/zustaendigkeiten.csv");

/// The Land this deployment seeds (Thüringen); its code is the two-digit AGS.
pub const LAND_CODE: &str = "16";
pub const LAND_NAME: &str = "Freistaat Thüringen";
pub const LAND_SHORT_NAME: &str = "Thüringen";

#[derive(Debug, Clone, PartialEq)]
pub struct Themenfeld {
    pub id: i64,
    pub name: String,
    pub lead_unit_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lage {
    pub id: i64,
    pub name: String,
    pub themenfeld_id: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub ozg_id: OzgId,
    pub name: String,
    pub lage_id: i64,
    pub themenfeld_id: i64,
    pub leika_types: LeikaTypes,
    pub responsibility: Responsibility,
    /// The unit holding the record of a Ressort or Landesbehörde service; `None`: the
    /// Themenfeld's lead ministry.
    pub lead_unit_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LeikaService {
    pub natural_key: String,
    pub key: LeikaKey,
    pub name: String,
    /// `None` for the LeiKa-Leistungen the catalogue assigns to no OZG-Leistung.
    pub ozg_id: Option<OzgId>,
    pub leika_type: String,
    pub legal_basis: String,
    pub sdg_relevant: bool,
}

impl LeikaService {
    /// The key a LeiKa-Leistung is stored under: its LeiKa-Schlüssel, or for entries "nicht im
    /// LeiKa" their OZG-ID (`-` for none) and name.
    pub fn natural_key(key: &LeikaKey, ozg_id: Option<OzgId>, name: &str) -> String {
        match (key.key(), ozg_id) {
            (Some(k), _) => k.to_owned(),
            (None, Some(id)) => format!("{id}:{name}"),
            (None, None) => format!("-:{name}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrgUnit {
    pub code: String,
    pub kind: &'static str,
    pub name: String,
    pub ags: Option<String>,
    pub ars: Option<String>,
    pub parent_code: Option<String>,
    pub population: Option<i64>,
    pub valid_from: Option<NaiveDate>,
    /// A Gemeinde's Verwaltungsgemeinschaft or erfüllende Gemeinde (its code), if any.
    pub verband_code: Option<String>,
}

/// Everything the seed writes, in dependency order.
#[derive(Debug, Clone)]
pub struct ReferenceData {
    pub themenfelder: Vec<Themenfeld>,
    pub lagen: Vec<Lage>,
    pub services: Vec<Service>,
    pub leika: Vec<LeikaService>,
    /// Land first, then ministries, Kreise, Gemeinden (parents before children).
    pub org_units: Vec<OrgUnit>,
    /// SHA-256 over all source files: unchanged files need no seeding at all.
    pub fingerprint: String,
}

/// Whether a Gemeinde belongs to a Verwaltungsgemeinschaft or has an erfüllende Gemeinde
/// (otherwise it is "verbandsfrei" or an Einheitsgemeinde and executes everything itself).
fn in_verband(g: &GemeindeCsv) -> bool {
    matches!(
        g.verband_typ.as_str(),
        "Verwaltungsgemeinschaft" | "Erfüllende Gemeinde"
    )
}

/// The Verwaltungsgemeinschaften and erfüllenden Gemeinden as org units under their Kreis,
/// keyed by the 9-digit Verband key of the Gemeindeverzeichnis, with their members'
/// population.
fn verbaende(gemeinden: &[GemeindeCsv]) -> Result<Vec<OrgUnit>, String> {
    let mut by_key: std::collections::BTreeMap<&str, OrgUnit> = Default::default();
    for g in gemeinden.iter().filter(|g| in_verband(g)) {
        let key = g.verband_schluessel_9.as_str();
        if key.len() != 9 || !key.starts_with(&g.kreis_schluessel_5) {
            return Err(format!(
                "thueringen_gemeinden_2020.csv: Verband {key} von {} liegt nicht im Kreis {}",
                g.ags_8, g.kreis_schluessel_5
            ));
        }
        let unit = by_key.entry(key).or_insert_with(|| OrgUnit {
            code: key.to_owned(),
            kind: "verband",
            name: match g.verband_typ.as_str() {
                "Verwaltungsgemeinschaft" => format!("Verwaltungsgemeinschaft {}", g.verband),
                _ => format!("{} (erfüllende Gemeinde)", g.verband),
            },
            ags: None,
            ars: Some(key.to_owned()),
            parent_code: Some(g.kreis_schluessel_5.clone()),
            population: Some(0),
            valid_from: None,
            verband_code: None,
        });
        unit.population = unit.population.map(|p| p + g.einwohner_31_12_2019);
    }
    Ok(by_key.into_values().collect())
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
}

fn rows<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<Vec<T>, String> {
    reader(text)
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| format!("{file}, Zeile {}: {e}", i + 2)))
        .collect()
}

#[derive(Deserialize)]
struct LageCsv {
    lage_id: i64,
    lage: String,
    themenfeld_id: i64,
}

#[derive(Deserialize)]
struct ServiceCsv {
    ozg_id: String,
    ozg_leistung: String,
    lage: String,
    themenfeld: String,
    leika_typen: String,
}

/// One line of the curated responsibility matrix (`zustaendigkeiten.csv`).
#[derive(Deserialize)]
struct ResponsibilityCsv {
    ozg_id: String,
    ebene: String,
    federfuehrung: String,
}

#[derive(Deserialize)]
struct LeikaCsv {
    leika_schluessel: String,
    leika_bezeichnung: String,
    ozg_id: String,
    leika_typ: String,
    rechtsgrundlage: String,
    sdg1_relevant: String,
    sdg2_relevant: String,
}

#[derive(Deserialize)]
struct KreisCsv {
    kreis_schluessel_5: String,
    ars_12: String,
    name: String,
    einwohner_31_12_2019: i64,
}

#[derive(Deserialize)]
struct GemeindeCsv {
    ags_8: String,
    ars_12: String,
    gemeinde: String,
    kreis_schluessel_5: String,
    verband_schluessel_9: String,
    verband: String,
    verband_typ: String,
    einwohner_31_12_2019: i64,
}

#[derive(Deserialize)]
struct RessortCsv {
    code: String,
    kind: String,
    name: String,
    valid_from: String,
    lead_for_themenfelder: String,
}

impl ReferenceData {
    /// Parses the embedded files. Errors name file and line.
    pub fn embedded() -> Result<Self, String> {
        Self::parse(&Sources::embedded())
    }

    pub fn parse(src: &Sources<'_>) -> Result<Self, String> {
        let ressorts: Vec<RessortCsv> = rows("thueringen-ressorts.csv", src.ressorts)?;
        let lead_of = |themenfeld: &str| {
            ressorts
                .iter()
                .find(|r| {
                    r.lead_for_themenfelder
                        .split(';')
                        .any(|t| t.trim() == themenfeld)
                })
                .map(|r| r.code.clone())
        };

        #[derive(Deserialize)]
        struct TfCsv {
            themenfeld_id: i64,
            themenfeld: String,
        }
        let themenfelder: Vec<Themenfeld> = rows::<TfCsv>("themenfelder.csv", src.themenfelder)?
            .into_iter()
            .map(|t| Themenfeld {
                lead_unit_code: lead_of(&t.themenfeld),
                id: t.themenfeld_id,
                name: t.themenfeld,
            })
            .collect();
        let tf_id = |name: &str| themenfelder.iter().find(|t| t.name == name).map(|t| t.id);

        let lagen: Vec<Lage> = rows::<LageCsv>("lebenslagen.csv", src.lagen)?
            .into_iter()
            .map(|l| Lage {
                id: l.lage_id,
                name: l.lage,
                themenfeld_id: l.themenfeld_id,
            })
            .collect();
        for l in &lagen {
            if !themenfelder.iter().any(|t| t.id == l.themenfeld_id) {
                return Err(format!(
                    "lebenslagen.csv: Lage {} verweist auf unbekanntes Themenfeld {}",
                    l.id, l.themenfeld_id
                ));
            }
        }

        let mut matrix = std::collections::HashMap::new();
        for (i, r) in rows::<ResponsibilityCsv>("zustaendigkeiten.csv", src.responsibilities)?
            .into_iter()
            .enumerate()
        {
            let line = i + 2;
            let ozg_id = OzgId::parse(&r.ozg_id)
                .map_err(|e| format!("zustaendigkeiten.csv, Zeile {line}: {e}"))?;
            let level = Responsibility::from_code(&r.ebene).ok_or_else(|| {
                format!(
                    "zustaendigkeiten.csv, Zeile {line}: unbekannte Ebene „{}“",
                    r.ebene
                )
            })?;
            let lead = Some(r.federfuehrung.trim().to_owned()).filter(|c| !c.is_empty());
            if lead
                .as_ref()
                .is_some_and(|c| !ressorts.iter().any(|x| &x.code == c))
            {
                return Err(format!(
                    "zustaendigkeiten.csv, Zeile {line}: unbekannte Federführung „{}“",
                    r.federfuehrung
                ));
            }
            matrix.insert(ozg_id, (level, lead));
        }

        let mut services = Vec::new();
        for (i, s) in rows::<ServiceCsv>("leistungen.csv", src.services)?
            .into_iter()
            .enumerate()
        {
            let line = i + 2;
            let ozg_id = OzgId::parse(&s.ozg_id)
                .map_err(|e| format!("leistungen.csv, Zeile {line}: {e}"))?;
            let themenfeld_id = tf_id(&s.themenfeld).ok_or_else(|| {
                format!(
                    "leistungen.csv, Zeile {line}: unbekanntes Themenfeld „{}“",
                    s.themenfeld
                )
            })?;
            let lage_id = lagen
                .iter()
                .find(|l| l.name == s.lage && l.themenfeld_id == themenfeld_id)
                .or_else(|| lagen.iter().find(|l| l.name == s.lage))
                .map(|l| l.id)
                .ok_or_else(|| {
                    format!("leistungen.csv, Zeile {line}: unbekannte Lage „{}“", s.lage)
                })?;
            let leika_types = LeikaTypes::parse(&s.leika_typen)
                .map_err(|e| format!("leistungen.csv, Zeile {line}: {e}"))?;
            let (responsibility, lead_unit_code) = matrix
                .remove(&ozg_id)
                .unwrap_or_else(|| (leika_types.default_responsibility(), None));
            services.push(Service {
                responsibility,
                lead_unit_code,
                ozg_id,
                name: s.ozg_leistung,
                lage_id,
                themenfeld_id,
                leika_types,
            });
        }

        let mut leika = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, l) in rows::<LeikaCsv>("leika_leistungen.csv", src.leika)?
            .into_iter()
            .enumerate()
        {
            let line = i + 2;
            let key = LeikaKey::parse(&l.leika_schluessel)
                .map_err(|e| format!("leika_leistungen.csv, Zeile {line}: {e}"))?;
            let ozg_id = match l.ozg_id.trim() {
                "" => None,
                raw => Some(
                    OzgId::parse(raw)
                        .map_err(|e| format!("leika_leistungen.csv, Zeile {line}: {e}"))?,
                ),
            };
            if let Some(id) = ozg_id.filter(|id| !services.iter().any(|s| s.ozg_id == *id)) {
                return Err(format!(
                    "leika_leistungen.csv, Zeile {line}: unbekannte OZG-ID {id}"
                ));
            }
            let natural_key = LeikaService::natural_key(&key, ozg_id, &l.leika_bezeichnung);
            // The 2019 extract repeats one "nicht im LeiKa" entry verbatim; keep it once.
            if !seen.insert(natural_key.clone()) {
                continue;
            }
            leika.push(LeikaService {
                natural_key,
                key,
                name: l.leika_bezeichnung,
                ozg_id,
                leika_type: l.leika_typ,
                legal_basis: l.rechtsgrundlage,
                sdg_relevant: l.sdg1_relevant == "1" || l.sdg2_relevant == "1",
            });
        }

        let mut org_units = vec![OrgUnit {
            code: LAND_CODE.into(),
            kind: "land",
            name: LAND_NAME.into(),
            ags: Some(LAND_CODE.into()),
            ars: Some(LAND_CODE.into()),
            parent_code: None,
            population: None, // filled in from the Gemeinden below
            valid_from: None,
            verband_code: None,
        }];
        for r in &ressorts {
            let kind = match r.kind.as_str() {
                "ressort" => "ressort",
                "landesbehoerde" => "landesbehoerde",
                other => return Err(format!("thueringen-ressorts.csv: unbekannte Art „{other}“")),
            };
            let valid_from = (!r.valid_from.is_empty())
                .then(|| NaiveDate::parse_from_str(&r.valid_from, "%Y-%m-%d"))
                .transpose()
                .map_err(|e| format!("thueringen-ressorts.csv: {e}"))?;
            org_units.push(OrgUnit {
                code: r.code.clone(),
                kind,
                name: r.name.clone(),
                ags: None,
                ars: None,
                parent_code: Some(LAND_CODE.into()),
                population: None,
                valid_from,
                verband_code: None,
            });
        }
        for k in rows::<KreisCsv>("thueringen_kreise_2020.csv", src.kreise)? {
            let ags = Ags::parse(&k.kreis_schluessel_5)
                .map_err(|e| format!("thueringen_kreise_2020.csv: {e}"))?;
            let ars =
                Ars::parse(&k.ars_12).map_err(|e| format!("thueringen_kreise_2020.csv: {e}"))?;
            org_units.push(OrgUnit {
                code: ags.to_string(),
                kind: "kreis",
                name: k.name,
                ags: Some(ags.to_string()),
                ars: Some(ars.as_str()[..5].to_owned()),
                parent_code: Some(LAND_CODE.into()),
                population: Some(k.einwohner_31_12_2019),
                valid_from: None,
                verband_code: None,
            });
        }
        let mut land_population = 0;
        let gemeinden = rows::<GemeindeCsv>("thueringen_gemeinden_2020.csv", src.gemeinden)?;
        org_units.extend(verbaende(&gemeinden)?);
        for g in gemeinden {
            let ags =
                Ags::parse(&g.ags_8).map_err(|e| format!("thueringen_gemeinden_2020.csv: {e}"))?;
            let ars =
                Ars::parse(&g.ars_12).map_err(|e| format!("thueringen_gemeinden_2020.csv: {e}"))?;
            if ags.kreis() != Some(g.kreis_schluessel_5.as_str()) {
                return Err(format!(
                    "thueringen_gemeinden_2020.csv: AGS {ags} liegt nicht im Kreis {}",
                    g.kreis_schluessel_5
                ));
            }
            land_population += g.einwohner_31_12_2019;
            let verband_code = in_verband(&g).then(|| g.verband_schluessel_9.clone());
            org_units.push(OrgUnit {
                code: ags.to_string(),
                kind: "gemeinde",
                name: g.gemeinde,
                ags: Some(ags.to_string()),
                ars: Some(ars.to_string()),
                parent_code: Some(g.kreis_schluessel_5),
                population: Some(g.einwohner_31_12_2019),
                valid_from: None,
                verband_code,
            });
        }
        org_units[0].population = Some(land_population);

        let mut hasher = Sha256::new();
        for text in [
            src.themenfelder,
            src.lagen,
            src.services,
            src.leika,
            src.kreise,
            src.gemeinden,
            src.ressorts,
            src.responsibilities,
        ] {
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
        let fingerprint = format!("{:x}", hasher.finalize());

        Ok(Self {
            themenfelder,
            lagen,
            services,
            leika,
            org_units,
            fingerprint,
        })
    }
}

/// The raw CSV texts, so tests can seed from changed copies.
pub struct Sources<'a> {
    pub themenfelder: &'a str,
    pub lagen: &'a str,
    pub services: &'a str,
    pub leika: &'a str,
    pub kreise: &'a str,
    pub gemeinden: &'a str,
    pub ressorts: &'a str,
    pub responsibilities: &'a str,
}

impl Sources<'static> {
    pub fn embedded() -> Self {
        Self {
            themenfelder: THEMENFELDER,
            lagen: LAGEN,
            services: SERVICES,
            leika: LEIKA,
            kreise: KREISE,
            gemeinden: GEMEINDEN,
            ressorts: RESSORTS,
            responsibilities: RESPONSIBILITIES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_has_the_documented_size() {
        let data = ReferenceData::embedded().unwrap();
        assert_eq!(data.themenfelder.len(), 14);
        assert_eq!(data.lagen.len(), 55);
        assert_eq!(data.services.len(), 557);
        assert_eq!(
            data.leika.len(),
            5248,
            "5,249 rows with one verbatim duplicate"
        );
        assert_eq!(data.leika.iter().filter(|l| l.ozg_id.is_none()).count(), 26);
        let count = |kind| data.org_units.iter().filter(|o| o.kind == kind).count();
        assert_eq!(count("land"), 1);
        assert_eq!(count("ressort"), 9);
        assert_eq!(count("landesbehoerde"), 6);
        assert_eq!(count("kreis"), 23);
        assert_eq!(count("gemeinde"), 633);
        assert_eq!(
            count("verband"),
            43 + 39,
            "Verwaltungsgemeinschaften, erfüllende Gemeinden"
        );
        let in_verband = data.org_units.iter().filter(|o| o.verband_code.is_some());
        assert_eq!(in_verband.count(), 390 + 135);
        // a Verband's population is its members', and it lies in its members' Kreis
        let lindenberg = data
            .org_units
            .iter()
            .find(|o| o.code == "160615001")
            .unwrap();
        assert_eq!(
            lindenberg.name,
            "Verwaltungsgemeinschaft Lindenberg/Eichsfeld"
        );
        assert_eq!(lindenberg.parent_code.as_deref(), Some("16061"));
        let members: i64 = data
            .org_units
            .iter()
            .filter(|o| o.verband_code.as_deref() == Some("160615001"))
            .map(|o| o.population.unwrap())
            .sum();
        assert_eq!(lindenberg.population, Some(members));
        let heringen = data
            .org_units
            .iter()
            .find(|o| o.code == "160625053")
            .unwrap();
        assert_eq!(heringen.name, "Heringen/Helme, Stadt (erfüllende Gemeinde)");
        assert!(data.org_units[0].population.unwrap() > 2_000_000);
        assert!(
            data.themenfelder.iter().all(|t| t.lead_unit_code.is_some()),
            "every Themenfeld has a lead ministry"
        );
    }

    #[test]
    fn responsibility_comes_from_the_curated_matrix() {
        let data = ReferenceData::embedded().unwrap();
        let level = |id: u32| {
            let s = data.services.iter().find(|s| s.ozg_id.get() == id).unwrap();
            (s.responsibility, s.lead_unit_code.as_deref())
        };
        assert_eq!(level(10092), (Responsibility::Kreis, None), "Wohngeld");
        assert_eq!(level(10169), (Responsibility::Kreis, None), "Führerschein");
        assert_eq!(
            level(10124),
            (Responsibility::Verband, None),
            "Wohnsitzmeldungen: the Meldebehörde is the Gemeinde or its VG"
        );
        assert_eq!(
            level(10160),
            (Responsibility::Gemeinde, None),
            "Hundesteuer"
        );
        assert_eq!(
            level(10060),
            (Responsibility::Ressort, Some("TMBWK")),
            "Hochschulzulassung"
        );
        assert_eq!(
            level(10214),
            (Responsibility::Landesbehoerde, Some("TLVwA")),
            "Schwerbehindertenausweis"
        );
        let per_level = |r| {
            data.services
                .iter()
                .filter(|s| s.responsibility == r)
                .count()
        };
        // the counts the README's table of the matrix states
        assert_eq!(per_level(Responsibility::Bund), 175);
        assert_eq!(per_level(Responsibility::Landesbehoerde), 55);
        assert_eq!(per_level(Responsibility::Ressort), 134);
        assert_eq!(per_level(Responsibility::Kreis), 116);
        assert_eq!(per_level(Responsibility::Verband), 34);
        assert_eq!(per_level(Responsibility::Gemeinde), 43);
        assert!(
            data.services
                .iter()
                .filter(|s| s.responsibility == Responsibility::Landesbehoerde)
                .all(|s| s.lead_unit_code.is_some()),
            "every Landesbehörde service names its authority"
        );
    }

    #[test]
    fn a_service_missing_from_the_matrix_falls_back_to_the_leika_rule() {
        let mut src = Sources::embedded();
        let matrix: String = RESPONSIBILITIES
            .lines()
            .filter(|l| !l.starts_with("10000,"))
            .map(|l| format!("{l}\n"))
            .collect();
        src.responsibilities = &matrix;
        let data = ReferenceData::parse(&src).unwrap();
        let elterngeld = data
            .services
            .iter()
            .find(|s| s.ozg_id.get() == 10000)
            .unwrap();
        assert_eq!(elterngeld.responsibility, Responsibility::Gemeinde, "2/3");
    }

    #[test]
    fn broken_files_are_reported_with_file_and_line() {
        let mut src = Sources::embedded();
        let broken = SERVICES.replacen("10000,Elterngeld", "1000x,Elterngeld", 1);
        src.services = &broken;
        let err = ReferenceData::parse(&src).unwrap_err();
        assert!(err.contains("leistungen.csv, Zeile 2"), "{err}");
    }
}
