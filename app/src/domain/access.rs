//! Who may do what: roles, the signed-in user and the scope rule. The server enforces these
//! rules on every request; the pages use the same rules only to decide what to offer.

use super::OrgUnitKind;
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Kompetenzzentrum: everything, including users and assignments.
    Admin,
    /// OZG coordinators: edit the records of their org units.
    Koordination,
    /// CIO office: every page, no edits.
    Lesen,
    /// Ressort-Bericht: read and export for the ministries in scope.
    Bericht,
}

impl Role {
    pub const ALL: [Role; 4] = [Self::Admin, Self::Koordination, Self::Lesen, Self::Bericht];

    /// The identifier on the command line and in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Koordination => "koordination",
            Self::Lesen => "lesen",
            Self::Bericht => "bericht",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Self::Admin => td_string!(locale, domain.role.admin),
            Self::Koordination => td_string!(locale, domain.role.koordination),
            Self::Lesen => td_string!(locale, domain.role.lesen),
            Self::Bericht => td_string!(locale, domain.role.bericht),
        }
    }

    /// Roles that only make sense with at least one org unit.
    pub fn needs_scope(self) -> bool {
        matches!(self, Self::Koordination | Self::Bericht)
    }
}

/// An org unit a user is responsible for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeUnit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
}

/// The signed-in user as pages and handlers see it (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub scopes: Vec<ScopeUnit>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether a unit lies in this user's scope: the unit itself or its parent (a Kreis
    /// covers its Gemeinden) is assigned. Administrators cover everything.
    pub fn covers(&self, unit_id: i64, parent_id: Option<i64>) -> bool {
        self.is_admin()
            || self
                .scopes
                .iter()
                .any(|s| s.id == unit_id || Some(s.id) == parent_id)
    }

    /// Whether this user may change a record of the given unit.
    pub fn may_edit(&self, unit_id: i64, parent_id: Option<i64>) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Koordination => self.covers(unit_id, parent_id),
            Role::Lesen | Role::Bericht => false,
        }
    }

    /// Whether this user edits anything at all (shows edit controls and the bulk form).
    pub fn edits(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Koordination)
    }

    /// "Name (E-Mail)", how changes are attributed in the history.
    pub fn actor(&self) -> String {
        format!("{} <{}>", self.display_name, self.email)
    }
}

/// A user as the administration page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub scopes: Vec<ScopeUnit>,
}

/// A personal API token as its owner sees it (never the secret after creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What the administration form submits to create or change an account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserForm {
    /// `None` creates a new account.
    pub id: Option<i64>,
    pub email: String,
    pub display_name: String,
    pub role: String,
    /// Org unit codes (AGS or ministry code), separated by commas or spaces.
    pub scopes: String,
    pub active: bool,
    /// Required for a new account; for an existing one, set only to reset it.
    pub password: String,
}

impl UserForm {
    pub fn scope_codes(&self) -> Vec<String> {
        self.scopes
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// One line of the security audit log, for the administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub action: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub client_addr: Option<String>,
    pub detail: Option<String>,
}

impl AuditLine {
    /// Label of an audit action.
    pub fn action_label(action: &str, locale: Locale) -> &'static str {
        match action {
            "anmeldung" => td_string!(locale, domain.audit_action.anmeldung),
            "anmeldung_fehlgeschlagen" => {
                td_string!(locale, domain.audit_action.anmeldung_fehlgeschlagen)
            }
            "anmeldung_gesperrt" => td_string!(locale, domain.audit_action.anmeldung_gesperrt),
            "abmeldung" => td_string!(locale, domain.audit_action.abmeldung),
            "passwort_geaendert" => td_string!(locale, domain.audit_action.passwort_geaendert),
            "zugriff_verweigert" => td_string!(locale, domain.audit_action.zugriff_verweigert),
            "csrf_abgewiesen" => td_string!(locale, domain.audit_action.csrf_abgewiesen),
            "token_erstellt" => td_string!(locale, domain.audit_action.token_erstellt),
            "token_widerrufen" => td_string!(locale, domain.audit_action.token_widerrufen),
            "konto_angelegt" => td_string!(locale, domain.audit_action.konto_angelegt),
            "konto_geaendert" => td_string!(locale, domain.audit_action.konto_geaendert),
            "historie_geprueft" => td_string!(locale, domain.audit_action.historie_geprueft),
            "historie_verletzt" => td_string!(locale, domain.audit_action.historie_verletzt),
            "katalog_importiert" => td_string!(locale, domain.audit_action.katalog_importiert),
            "gebiete_importiert" => td_string!(locale, domain.audit_action.gebiete_importiert),
            "zustaendigkeit_geaendert" => {
                td_string!(locale, domain.audit_action.zustaendigkeit_geaendert)
            }
            "leistung_ergaenzt" => td_string!(locale, domain.audit_action.leistung_ergaenzt),
            "einstellung_geaendert" => {
                td_string!(locale, domain.audit_action.einstellung_geaendert)
            }
            _ => td_string!(locale, domain.audit_action.other),
        }
    }

    pub const ACTIONS: [&'static str; 18] = [
        "anmeldung",
        "anmeldung_fehlgeschlagen",
        "anmeldung_gesperrt",
        "abmeldung",
        "passwort_geaendert",
        "zugriff_verweigert",
        "csrf_abgewiesen",
        "token_erstellt",
        "token_widerrufen",
        "konto_angelegt",
        "konto_geaendert",
        "historie_geprueft",
        "historie_verletzt",
        "katalog_importiert",
        "gebiete_importiert",
        "zustaendigkeit_geaendert",
        "leistung_ergaenzt",
        "einstellung_geaendert",
    ];
}

pub const AUDIT_PER_PAGE: u32 = 100;

/// What the account page shows: who I am and my tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountWithTokens {
    pub user: CurrentUser,
    pub tokens: Vec<ApiTokenInfo>,
}

/// A newly created token: the secret is shown exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub info: ApiTokenInfo,
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, scopes: &[i64]) -> CurrentUser {
        CurrentUser {
            id: 1,
            email: "a@b.de".into(),
            display_name: "A".into(),
            role,
            scopes: scopes
                .iter()
                .map(|id| ScopeUnit {
                    id: *id,
                    code: id.to_string(),
                    name: String::new(),
                    kind: OrgUnitKind::Kreis,
                })
                .collect(),
        }
    }

    #[test]
    fn kreis_scope_covers_its_gemeinden_not_others() {
        let u = user(Role::Koordination, &[10]);
        assert!(u.may_edit(10, Some(1)), "the Kreis itself");
        assert!(u.may_edit(100, Some(10)), "a Gemeinde of the Kreis");
        assert!(!u.may_edit(200, Some(20)), "a Gemeinde elsewhere");
        assert!(!u.may_edit(20, Some(1)), "another Kreis");
    }

    #[test]
    fn only_admin_and_koordination_edit() {
        assert!(user(Role::Admin, &[]).may_edit(5, None));
        assert!(!user(Role::Lesen, &[5]).may_edit(5, None));
        assert!(!user(Role::Bericht, &[5]).may_edit(5, None));
        assert!(user(Role::Koordination, &[5]).may_edit(5, None));
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
