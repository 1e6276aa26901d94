//! Who executes an OZG-Leistung in a Land (docs/architecture.md, "Domain rules"): data the
//! Kompetenzzentrum keeps per service, starting from the curated matrix in `reference-data/`;
//! the LeiKa-Typen only give the fallback for services the matrix does not know.

use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The level that executes a service in the Land, and so holds its implementation records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// The Bund (or a third party such as a social insurer) executes it: one informational
    /// record for the Land.
    Bund,
    /// A named Landesbehörde (the service's lead unit).
    Landesbehoerde,
    /// A ministry (the service's lead unit, by default the Themenfeld's).
    Ressort,
    /// The Landkreise and kreisfreien Städte.
    Kreis,
    /// Every Gemeinde, in a Verwaltungsgemeinschaft or with an erfüllende Gemeinde that one
    /// for its members (the transferred sphere: Meldewesen, Standesamt, Gewerbe- und
    /// Ordnungsamt).
    Verband,
    /// Every Gemeinde itself (its own sphere: Satzungen, Steuern, örtliche Einrichtungen).
    Gemeinde,
}

impl Responsibility {
    pub const ALL: [Responsibility; 6] = [
        Self::Bund,
        Self::Landesbehoerde,
        Self::Ressort,
        Self::Kreis,
        Self::Verband,
        Self::Gemeinde,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Bund => "bund",
            Self::Landesbehoerde => "landesbehoerde",
            Self::Ressort => "ressort",
            Self::Kreis => "kreis",
            Self::Verband => "verband",
            Self::Gemeinde => "gemeinde",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::Bund => td_string!(locale, domain.responsibility.bund),
            Self::Landesbehoerde => td_string!(locale, domain.responsibility.landesbehoerde),
            Self::Ressort => td_string!(locale, domain.responsibility.ressort),
            Self::Kreis => td_string!(locale, domain.responsibility.kreis),
            Self::Verband => td_string!(locale, domain.responsibility.verband),
            Self::Gemeinde => td_string!(locale, domain.responsibility.gemeinde),
        }
    }

    /// Levels whose one record belongs to a named unit of the Land (the service's lead unit).
    pub fn needs_lead_unit(self) -> bool {
        matches!(self, Self::Ressort | Self::Landesbehoerde)
    }

    /// The kind of unit a named lead unit must be of.
    pub fn lead_unit_kind(self) -> Option<super::OrgUnitKind> {
        match self {
            Self::Ressort => Some(super::OrgUnitKind::Ressort),
            Self::Landesbehoerde => Some(super::OrgUnitKind::Landesbehoerde),
            _ => None,
        }
    }

    /// Executed by the municipalities (Kreise or Gemeinden): what the municipal KPIs count.
    pub fn is_municipal(self) -> bool {
        matches!(self, Self::Kreis | Self::Verband | Self::Gemeinde)
    }
}

/// Who executes one service, as the Kompetenzzentrum keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceResponsibility {
    pub ozg_id: super::OzgId,
    pub name: String,
    pub themenfeld: String,
    pub level: Responsibility,
    /// The unit holding the one record of a Ressort or Landesbehörde service.
    pub lead_unit: Option<super::OrgUnitRef>,
    /// Confirmed by the Kompetenzzentrum; otherwise an assumption.
    pub confirmed: bool,
    /// Units that execute the service besides its level.
    pub exceptions: Vec<super::OrgUnitRef>,
    /// Records that count today.
    pub records_open: i64,
    /// Records of units no longer responsible, kept with their history.
    pub records_closed: i64,
}

/// A change of a service's responsibility: the level, and optionally the lead unit (for a
/// Ressort or Landesbehörde), the confirmation and the exceptions (unit codes); what is left
/// out stays as it is, except the lead unit, which a level without one drops.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResponsibilityChange {
    pub level: Option<Responsibility>,
    #[serde(default)]
    pub lead_unit: Option<String>,
    #[serde(default)]
    pub confirmed: Option<bool>,
    #[serde(default)]
    pub exceptions: Option<Vec<String>>,
}

/// A service the Land adds to its catalogue: one the OZG catalogue lacks (newer than it, or
/// the Land's own, e.g. "Entschädigung nach § 56 Abs. 1 IfSG" of 2020), with who executes it.
/// It then counts in every figure, export and report like a catalogue service; a catalogue
/// import leaves it alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewService {
    pub ozg_id: super::OzgId,
    pub name: String,
    /// The Lebenslage; the Themenfeld is the Lebenslage's.
    pub lage_id: i64,
    /// LeiKa-Schlüssel (14 digits) of the LeiKa-Leistungen it bundles, if any: known ones
    /// that belong to no OZG-Leistung yet are assigned to it, new ones are added.
    #[serde(default)]
    pub leika_keys: Vec<String>,
    /// Its LeiKa-Typen as the catalogue writes them ("4", "2/3;5"), if known.
    #[serde(default)]
    pub leika_types: String,
    pub level: Responsibility,
    /// The Ressort or Landesbehörde executing it (a Ressort service without one: the
    /// Themenfeld's lead ministry).
    #[serde(default)]
    pub lead_unit: Option<String>,
    #[serde(default)]
    pub confirmed: bool,
}

impl NewService {
    /// The longest name a service may have (the catalogue's longest is about 120 characters).
    pub const MAX_NAME: usize = 300;

    /// What is wrong with the request itself, worded for the person who sent it (the
    /// Lebenslage, the units and the OZG-ID being free are checked against the database).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.push("Die Bezeichnung der Leistung fehlt.".to_owned());
        } else if name.chars().count() > Self::MAX_NAME {
            problems.push(format!(
                "Die Bezeichnung ist länger als {} Zeichen.",
                Self::MAX_NAME
            ));
        }
        for key in &self.leika_keys {
            match super::LeikaKey::parse(key) {
                Ok(k) if k.key().is_some() => {}
                Ok(_) => problems.push(
                    "„nicht im LeiKa“ ist kein Schlüssel: Leistungen ohne LeiKa-Schlüssel lassen das Feld leer."
                        .to_owned(),
                ),
                Err(e) => problems.push(e.0),
            }
        }
        if let Err(e) = LeikaTypes::parse(&self.leika_types) {
            problems.push(e.0);
        }
        if self.lead_unit.is_some() && !self.level.needs_lead_unit() {
            problems.push(format!(
                "Die Ebene „{}“ hat keine federführende Einheit.",
                self.level.code()
            ));
        }
        problems
    }

    /// The LeiKa-Typen as stored (checked by [`Self::problems`]; unreadable ones are none).
    pub fn types(&self) -> LeikaTypes {
        LeikaTypes::parse(&self.leika_types).unwrap_or_default()
    }
}

/// The form to add a service as typed: the OZG-ID as text, the LeiKa keys separated by
/// commas or spaces, no lead unit as "".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewServiceForm {
    pub ozg_id: String,
    pub name: String,
    pub lage_id: i64,
    pub leika_keys: String,
    pub leika_types: String,
    pub level: Responsibility,
    pub lead_unit: String,
    pub confirmed: bool,
}

impl NewServiceForm {
    /// The service it asks for; an OZG-ID that is none is the one error found here.
    pub fn into_new_service(self) -> Result<NewService, String> {
        let ozg_id = super::OzgId::parse(&self.ozg_id).map_err(|e| e.0)?;
        let level = self.level;
        Ok(NewService {
            ozg_id,
            name: self.name,
            lage_id: self.lage_id,
            leika_keys: self
                .leika_keys
                .split([',', ';', ' ', '\n'])
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned)
                .collect(),
            leika_types: self.leika_types,
            level,
            lead_unit: Some(self.lead_unit.trim().to_owned())
                .filter(|c| !c.is_empty() && level.needs_lead_unit()),
            confirmed: self.confirmed,
        })
    }
}

/// A Lebenslage as the form to add a service offers it, with its Themenfeld.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LageOption {
    pub id: i64,
    pub name: String,
    pub themenfeld: String,
}

/// What the form to add a service offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewServiceOptions {
    /// By Themenfeld, then name.
    pub lagen: Vec<LageOption>,
    pub lead_units: Vec<super::OrgUnitRef>,
    /// The OZG-ID after the highest one in use, if there is one left.
    pub suggested_id: Option<super::OzgId>,
    /// The administration may add services.
    pub can_edit: bool,
}

/// The Land's key figures a responsibility change moves (today's state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResponsibilityFigures {
    /// Active services executed by the municipalities (Kreis or Gemeinde).
    pub municipal_services: i64,
    /// Records that count (not "nicht relevant"), of every level.
    pub records_applicable: i64,
    /// Of these, online.
    pub records_online: i64,
    /// Records of the municipalities that count, and of these online.
    pub municipal_records: i64,
    pub municipal_online: i64,
    /// Active services whose responsibility is confirmed, of all active services.
    pub confirmed: i64,
    pub services: i64,
}

impl ResponsibilityFigures {
    /// Share of the municipal records online, in percent (None without any).
    pub fn municipal_online_share(&self) -> Option<f64> {
        (self.municipal_records > 0)
            .then(|| 100.0 * self.municipal_online as f64 / self.municipal_records as f64)
    }
}

/// What a responsibility change does (or, as a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResponsibilityOutcome {
    pub ozg_id: super::OzgId,
    pub dry_run: bool,
    pub before: ServiceResponsibility,
    pub after: ServiceResponsibility,
    /// Records created for units newly responsible.
    pub records_created: i64,
    /// Records of units no longer responsible, closed as of today.
    pub records_closed: i64,
    /// Closed records of units responsible again, counted again from today.
    pub records_reopened: i64,
    pub figures_before: ResponsibilityFigures,
    pub figures_after: ResponsibilityFigures,
}

/// Filters of the Zuständigkeiten page: level, confirmation, and a search in ID and name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibilityQuery {
    pub level: Option<Responsibility>,
    pub confirmed: Option<bool>,
    pub q: Option<String>,
}

impl ResponsibilityQuery {
    /// From the page's query string (`ebene`, `bestaetigt` = ja/nein, `q`); unknown values
    /// are ignored (the form only offers known ones).
    pub fn from_params<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let non_empty = |k: &str| get(k).map(str::trim).filter(|v| !v.is_empty());
        Self {
            level: non_empty("ebene").and_then(Responsibility::from_code),
            confirmed: match non_empty("bestaetigt") {
                Some("ja") => Some(true),
                Some("nein") => Some(false),
                _ => None,
            },
            q: non_empty("q").map(|q| q.chars().take(100).collect()),
        }
    }

    pub fn matches(&self, s: &ServiceResponsibility) -> bool {
        self.level.is_none_or(|l| l == s.level)
            && self.confirmed.is_none_or(|c| c == s.confirmed)
            && self.q.as_deref().is_none_or(|q| {
                let q = q.to_lowercase();
                s.ozg_id.to_string().contains(&q) || s.name.to_lowercase().contains(&q)
            })
    }
}

/// What the Zuständigkeiten page shows: the services the filter keeps and the Land's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponsibilityMatrix {
    pub items: Vec<ServiceResponsibility>,
    pub figures: ResponsibilityFigures,
    /// The administration may change them.
    pub can_edit: bool,
}

/// One service's responsibility with what its form offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponsibilityEdit {
    pub service: ServiceResponsibility,
    /// Ministries and Landesbehörden a Ressort or Landesbehörde service can be assigned to.
    pub lead_units: Vec<super::OrgUnitRef>,
    pub can_edit: bool,
}

/// One line of a matrix import that changes a service or has errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResponsibilityLine {
    /// Where in the file, in German: `Zeile 5`.
    pub position: String,
    pub ozg_id: Option<super::OzgId>,
    /// `kreis → gemeinde`, `bestätigt`, … (German), what changes.
    pub changes: Vec<String>,
    /// Why the line cannot be taken over, in German.
    pub errors: Vec<String>,
}

/// The answer to an import of the responsibility matrix (CSV or XLSX), dry run or not. Taken
/// whole or not at all: any line error blocks it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResponsibilityImportReport {
    /// `CSV` or `XLSX`.
    pub file_kind: String,
    pub dry_run: bool,
    /// Whether this request wrote anything.
    pub written: bool,
    pub lines_read: u64,
    /// Lines that match the stored responsibility.
    pub unchanged: u64,
    pub changed: Vec<ResponsibilityLine>,
    pub failed: Vec<ResponsibilityLine>,
    pub records_created: i64,
    pub records_closed: i64,
    pub records_reopened: i64,
    /// The Land's figures before the first and after the last change.
    pub figures_before: Option<ResponsibilityFigures>,
    pub figures_after: Option<ResponsibilityFigures>,
}

impl ResponsibilityImportReport {
    /// A dry run without line errors that changes something can be taken over.
    pub fn can_apply(&self) -> bool {
        self.dry_run && self.failed.is_empty() && !self.changed.is_empty()
    }
}

/// The set of LeiKa-Typen of a service, as the catalogue writes them ("1;2/3;4", "1, 2/3").
/// "2/3" is kept as its own value: the catalogue uses it for "Bund regulates, Land or Kommune executes".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeikaTypes(BTreeSet<String>);

impl LeikaTypes {
    const KNOWN: [&'static str; 7] = ["1", "2", "2/3", "3", "4", "5", "6"];

    /// Parses a list separated by `;` or `,`; unknown entries are an error, empty input is the empty set.
    pub fn parse(input: &str) -> Result<Self, super::IdError> {
        let mut set = BTreeSet::new();
        for part in input
            .split([';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            if !Self::KNOWN.contains(&part) {
                return Err(super::IdError(format!(
                    "„{part}“ ist kein bekannter LeiKa-Typ (erlaubt: 1, 2, 2/3, 3, 4, 5, 6)."
                )));
            }
            set.insert(part.to_owned());
        }
        Ok(Self(set))
    }

    pub fn contains(&self, t: &str) -> bool {
        self.0.contains(t)
    }

    /// The rule for services the curated matrix (`reference-data/zustaendigkeiten.csv`) does
    /// not know, e.g. new ones of a catalogue import (docs/architecture.md): any 3, 5 or "2/3"
    /// → every Gemeinde; otherwise 2 or 4 → lead ministry; otherwise (only 1) → Bund.
    pub fn default_responsibility(&self) -> Responsibility {
        if ["2/3", "3", "5"].iter().any(|t| self.contains(t)) {
            Responsibility::Gemeinde
        } else if ["2", "4"].iter().any(|t| self.contains(t)) {
            Responsibility::Ressort
        } else {
            Responsibility::Bund
        }
    }
}

impl LeikaTypes {
    /// Whether a LeiKa-Leistung of these types is executed at the level of a unit of `kind`:
    /// 1 by the Bund (the Land's informational record), 2 and 4 by the Land's own authorities,
    /// 3, 5 and 6 by the Kommunen, "2/3" by the Land or the Kommunen. Without any type nothing
    /// contradicts. The federal export writes a LeiKa-Leistung for a unit only where it fits.
    pub fn fit(&self, kind: super::OrgUnitKind) -> bool {
        use super::OrgUnitKind as K;
        let fitting: &[&str] = match kind {
            K::Land => &["1"],
            K::Ressort | K::Landesbehoerde => &["2", "2/3", "4"],
            K::Kreis | K::Verband | K::Gemeinde => &["2/3", "3", "5", "6"],
        };
        self.0.is_empty() || fitting.iter().any(|t| self.contains(t))
    }
}

impl fmt::Display for LeikaTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = self.0.iter().map(String::as_str).collect();
        f.write_str(&parts.join(";"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule(s: &str) -> Responsibility {
        LeikaTypes::parse(s).unwrap().default_responsibility()
    }

    #[test]
    fn documented_default_rule() {
        assert_eq!(rule("1"), Responsibility::Bund);
        assert_eq!(rule("1;6"), Responsibility::Bund);
        assert_eq!(rule("2/3"), Responsibility::Gemeinde);
        assert_eq!(rule("1;2/3"), Responsibility::Gemeinde);
        assert_eq!(rule("4;5"), Responsibility::Gemeinde);
        assert_eq!(rule("5"), Responsibility::Gemeinde);
        assert_eq!(rule("4"), Responsibility::Ressort);
        assert_eq!(rule("1;2"), Responsibility::Ressort);
        assert_eq!(rule("1;4"), Responsibility::Ressort);
        assert_eq!(rule(""), Responsibility::Bund);
    }

    #[test]
    fn a_new_service_names_each_problem_of_its_own() {
        let ifsg: NewService = serde_json::from_value(serde_json::json!({
            "ozg_id": 90001, "name": "Entschädigung nach § 56 Abs. 1 IfSG", "lage_id": 33,
            "leika_types": "1, 2", "level": "landesbehoerde", "lead_unit": "TLVwA"
        }))
        .unwrap();
        assert!(ifsg.problems().is_empty(), "{:?}", ifsg.problems());
        assert_eq!(ifsg.types().to_string(), "1;2");
        let bad = NewService {
            name: " ".into(),
            leika_keys: vec!["123".into(), "nicht im LeiKa".into()],
            leika_types: "7".into(),
            level: Responsibility::Gemeinde,
            ..ifsg.clone()
        };
        let problems = bad.problems();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].contains("Bezeichnung"));
        assert!(problems[4].contains("keine federführende Einheit"));
        assert!(
            serde_json::from_value::<NewService>(serde_json::json!({
                "ozg_id": 90001, "name": "x", "lage_id": 1, "level": "kreis", "typ": "4"
            }))
            .is_err(),
            "an unknown field is refused, not ignored"
        );
    }

    #[test]
    fn the_form_to_add_a_service_reads_as_typed() {
        let form = NewServiceForm {
            ozg_id: " 10602 ".into(),
            name: "Entschädigung nach § 56 Abs. 1 IfSG".into(),
            lage_id: 33,
            leika_keys: "99990056000000, 99990056001000\n".into(),
            leika_types: "2".into(),
            level: Responsibility::Gemeinde,
            lead_unit: "TLVwA".into(),
            confirmed: false,
        };
        let new = form.clone().into_new_service().unwrap();
        assert_eq!(new.ozg_id.get(), 10602);
        assert_eq!(new.leika_keys, ["99990056000000", "99990056001000"]);
        assert_eq!(new.lead_unit, None, "a Gemeinde service has no lead unit");
        let bad = NewServiceForm {
            ozg_id: "1060".into(),
            ..form
        };
        assert!(bad
            .into_new_service()
            .unwrap_err()
            .contains("keine gültige OZG-ID"));
    }

    #[test]
    fn a_leika_type_fits_the_level_that_executes_it() {
        use crate::domain::OrgUnitKind as K;
        let fits = |types: &str, kind| LeikaTypes::parse(types).unwrap().fit(kind);
        assert!(fits("1", K::Land) && !fits("1", K::Gemeinde) && !fits("1", K::Ressort));
        assert!(fits("2/3", K::Landesbehoerde) && fits("2/3", K::Kreis) && !fits("2/3", K::Land));
        assert!(fits("4", K::Ressort) && !fits("4", K::Gemeinde));
        assert!(fits("5", K::Gemeinde) && fits("6", K::Kreis) && !fits("5", K::Ressort));
        assert!(fits("1, 2", K::Ressort) && fits("1, 2", K::Land) && !fits("1, 2", K::Kreis));
        assert!(fits("", K::Gemeinde), "no type: nothing contradicts");
    }

    #[test]
    fn parses_both_separators_and_rejects_unknown() {
        assert_eq!(LeikaTypes::parse("1, 2/3").unwrap().to_string(), "1;2/3");
        assert!(LeikaTypes::parse("7").is_err());
        assert!(LeikaTypes::parse("2/4").is_err());
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = LeikaTypes::parse(&s);
        }

        #[test]
        fn municipal_types_always_win(extra in proptest::sample::subsequence(vec!["1", "2", "4", "6"], 0..4),
                                      municipal in proptest::sample::select(vec!["2/3", "3", "5"])) {
            let mut parts: Vec<&str> = extra.clone();
            parts.push(municipal);
            prop_assert_eq!(rule(&parts.join(";")), Responsibility::Gemeinde);
        }
    }
}
