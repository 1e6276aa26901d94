//! Who executes an OZG-Leistung in a Land, derived from its LeiKa-Typen (docs/architecture.md, "Domain rules").
//! This is only the documented default: the Kompetenzzentrum can change it per service.

use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The level that holds the implementation records of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// Federal service: one informational record for the Land.
    Land,
    /// Executed by the Land: one record for the lead ministry of the Themenfeld.
    Ressort,
    /// Executed by the Landkreise and kreisfreien Städte.
    Kreis,
    /// Executed by every Gemeinde.
    Gemeinde,
}

impl Responsibility {
    pub const ALL: [Responsibility; 4] = [Self::Land, Self::Ressort, Self::Kreis, Self::Gemeinde];

    pub fn code(self) -> &'static str {
        match self {
            Self::Land => "land",
            Self::Ressort => "ressort",
            Self::Kreis => "kreis",
            Self::Gemeinde => "gemeinde",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::Land => td_string!(locale, domain.responsibility.land),
            Self::Ressort => td_string!(locale, domain.responsibility.ressort),
            Self::Kreis => td_string!(locale, domain.responsibility.kreis),
            Self::Gemeinde => td_string!(locale, domain.responsibility.gemeinde),
        }
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

    /// The default responsibility rule (docs/architecture.md):
    /// any 3, 5 or "2/3" → every Gemeinde; otherwise 2 or 4 → lead ministry; otherwise (only 1) → Land.
    pub fn default_responsibility(&self) -> Responsibility {
        if ["2/3", "3", "5"].iter().any(|t| self.contains(t)) {
            Responsibility::Gemeinde
        } else if ["2", "4"].iter().any(|t| self.contains(t)) {
            Responsibility::Ressort
        } else {
            Responsibility::Land
        }
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
        assert_eq!(rule("1"), Responsibility::Land);
        assert_eq!(rule("1;6"), Responsibility::Land);
        assert_eq!(rule("2/3"), Responsibility::Gemeinde);
        assert_eq!(rule("1;2/3"), Responsibility::Gemeinde);
        assert_eq!(rule("4;5"), Responsibility::Gemeinde);
        assert_eq!(rule("5"), Responsibility::Gemeinde);
        assert_eq!(rule("4"), Responsibility::Ressort);
        assert_eq!(rule("1;2"), Responsibility::Ressort);
        assert_eq!(rule("1;4"), Responsibility::Ressort);
        assert_eq!(rule(""), Responsibility::Land);
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
