//! Validated identifiers of the OZG domain, parsed once at the edge (URL, CSV, API).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an identifier was rejected; the message is German because it reaches users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IdError(pub String);

fn all_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The five-digit ID of an OZG-Leistung (10000–10601 in the 2019 catalogue; admins may add more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct OzgId(u32);

impl OzgId {
    pub const MIN: u32 = 10000;
    pub const MAX: u32 = 99999;

    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        if s.len() != 5 || !all_ascii_digits(s) {
            return Err(IdError(format!(
                "„{s}“ ist keine gültige OZG-ID: erwartet werden fünf Ziffern, z. B. 10000."
            )));
        }
        let n: u32 = s
            .parse()
            .map_err(|_| IdError(format!("„{s}“ ist keine gültige OZG-ID.")))?;
        Self::try_from(i64::from(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<i64> for OzgId {
    type Error = IdError;
    fn try_from(n: i64) -> Result<Self, IdError> {
        if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&n) {
            Ok(Self(n as u32))
        } else {
            Err(IdError(format!(
                "{n} ist keine gültige OZG-ID: erlaubt sind {}–{}.",
                Self::MIN,
                Self::MAX
            )))
        }
    }
}

impl From<OzgId> for i64 {
    fn from(id: OzgId) -> i64 {
        i64::from(id.0)
    }
}

/// In the OpenAPI document: an integer in the range the type accepts.
#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for OzgId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(Self::MIN))
            .maximum(Some(Self::MAX))
            .description(Some("OZG-ID: fünf Ziffern"))
            .into()
    }
}

#[cfg(feature = "ssr")]
impl utoipa::ToSchema for OzgId {}

impl fmt::Display for OzgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Amtlicher Gemeindeschlüssel: 2 digits Land, 1 Regierungsbezirk, 2 Kreis, 3 Gemeinde.
/// Shorter prefixes identify the Land (2) and the Kreis (5).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ags(String);

/// The territorial level an AGS prefix denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgsLevel {
    Land,
    Kreis,
    Gemeinde,
}

impl Ags {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        if !matches!(s.len(), 2 | 5 | 8) || !all_ascii_digits(s) {
            return Err(IdError(format!(
                "„{s}“ ist kein gültiger Amtlicher Gemeindeschlüssel: erwartet werden 2 (Land), \
                 5 (Kreis) oder 8 Ziffern (Gemeinde)."
            )));
        }
        let land: u8 = s[..2].parse().unwrap_or(0);
        if !(1..=16).contains(&land) {
            return Err(IdError(format!(
                "„{s}“ ist kein gültiger Amtlicher Gemeindeschlüssel: Landesschlüssel {land:02} gibt es nicht (01–16)."
            )));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn level(&self) -> AgsLevel {
        match self.0.len() {
            2 => AgsLevel::Land,
            5 => AgsLevel::Kreis,
            _ => AgsLevel::Gemeinde,
        }
    }

    pub fn land(&self) -> &str {
        &self.0[..2]
    }

    /// The Kreis key (5 digits) this AGS lies in, if it is below Land level.
    pub fn kreis(&self) -> Option<&str> {
        (self.0.len() >= 5).then(|| &self.0[..5])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Amtlicher Regionalschlüssel: 12 digits (Land 2, RB 1, Kreis 2, Verband 4, Gemeinde 3).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ars(String);

impl Ars {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        if !matches!(s.len(), 2 | 5 | 9 | 12) || !all_ascii_digits(s) {
            return Err(IdError(format!(
                "„{s}“ ist kein gültiger Amtlicher Regionalschlüssel: erwartet werden 2, 5, 9 oder 12 Ziffern."
            )));
        }
        Ags::parse(&s[..2])?;
        Ok(Self(s.to_owned()))
    }

    /// The AGS the ARS denotes: Land + RB + Kreis + the last three digits (Gemeinde).
    pub fn to_ags(&self) -> Ags {
        let s = &self.0;
        match s.len() {
            12 => Ags(format!("{}{}", &s[..5], &s[9..])),
            2 | 5 => Ags(s.clone()),
            _ => Ags(s[..5].to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A LeiKa-Leistungsschlüssel: 14 digits, or absent ("nicht im LeiKa").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LeikaKey {
    Key(String),
    NotInLeika,
}

impl LeikaKey {
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        if s.eq_ignore_ascii_case("nicht im LeiKa") {
            return Ok(Self::NotInLeika);
        }
        if s.len() == 14 && all_ascii_digits(s) {
            Ok(Self::Key(s.to_owned()))
        } else {
            Err(IdError(format!(
                "„{s}“ ist kein gültiger LeiKa-Schlüssel: erwartet werden 14 Ziffern oder „nicht im LeiKa“."
            )))
        }
    }

    pub fn key(&self) -> Option<&str> {
        match self {
            Self::Key(k) => Some(k),
            Self::NotInLeika => None,
        }
    }
}

impl fmt::Display for LeikaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Key(k) => f.write_str(k),
            Self::NotInLeika => f.write_str("nicht im LeiKa"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ozg_id_accepts_catalogue_ids_and_rejects_others() {
        assert_eq!(OzgId::parse("10000").unwrap().get(), 10000);
        assert_eq!(OzgId::parse(" 10601 ").unwrap().to_string(), "10601");
        for bad in [
            "",
            "1000",
            "100000",
            "09999",
            "1000a",
            "-1000",
            "１００００",
        ] {
            assert!(OzgId::parse(bad).is_err(), "{bad:?} must be rejected");
        }
        assert!(OzgId::parse("abc")
            .unwrap_err()
            .0
            .contains("keine gültige OZG-ID"));
    }

    #[test]
    fn ags_levels_and_prefixes() {
        let g = Ags::parse("16051000").unwrap();
        assert_eq!(g.level(), AgsLevel::Gemeinde);
        assert_eq!(g.kreis(), Some("16051"));
        assert_eq!(g.land(), "16");
        assert_eq!(Ags::parse("16").unwrap().level(), AgsLevel::Land);
        assert_eq!(Ags::parse("16063").unwrap().level(), AgsLevel::Kreis);
        for bad in [
            "",
            "1",
            "160510",
            "17051000",
            "00051000",
            "1605100x",
            "160510000",
        ] {
            assert!(Ags::parse(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn ars_maps_to_ags() {
        let ars = Ars::parse("160630092041").unwrap();
        assert_eq!(ars.to_ags().as_str(), "16063041");
        assert!(Ars::parse("16063009204").is_err());
        assert!(Ars::parse("990630092041").is_err());
    }

    #[test]
    fn leika_keys() {
        assert_eq!(
            LeikaKey::parse("99012001000000").unwrap().key(),
            Some("99012001000000")
        );
        assert_eq!(
            LeikaKey::parse("nicht im LeiKa").unwrap(),
            LeikaKey::NotInLeika
        );
        assert!(LeikaKey::parse("9901200100000").is_err());
        assert!(LeikaKey::parse("9901200100000X").is_err());
    }

    proptest! {
        #[test]
        fn ozg_id_round_trips(n in 10000u32..=99999) {
            let id = OzgId::parse(&n.to_string()).unwrap();
            prop_assert_eq!(id.get(), n);
            prop_assert_eq!(OzgId::parse(&id.to_string()).unwrap(), id);
        }

        #[test]
        fn ozg_id_parse_never_panics(s in "\\PC{0,12}") {
            let _ = OzgId::parse(&s);
        }

        #[test]
        fn ags_parse_never_panics_and_valid_ones_round_trip(s in "\\PC{0,12}", land in 1u8..=16, rest in "[0-9]{6}") {
            let _ = Ags::parse(&s);
            let ags = format!("{land:02}{rest}");
            let parsed = Ags::parse(&ags).unwrap();
            prop_assert_eq!(parsed.as_str(), ags.as_str());
            prop_assert_eq!(parsed.kreis().unwrap(), &ags[..5]);
        }

        #[test]
        fn ars_parse_never_panics(s in "\\PC{0,14}") {
            if let Ok(ars) = Ars::parse(&s) {
                prop_assert!(Ags::parse(ars.to_ags().as_str()).is_ok());
            }
        }

        #[test]
        fn leika_key_parse_never_panics(s in "\\PC{0,16}", digits in "[0-9]{14}") {
            let _ = LeikaKey::parse(&s);
            let key = LeikaKey::parse(&digits).unwrap();
            prop_assert_eq!(key.key(), Some(digits.as_str()));
        }
    }
}
