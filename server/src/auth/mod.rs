//! Authentication and request security: sessions (cookie) and personal API tokens (Bearer),
//! the login gate, CSRF protection, login throttling and security headers. What a signed-in
//! user may do is decided per record in [`crate::editing`] by the rules of
//! [`app::domain::CurrentUser`].

pub mod handlers;
pub mod middleware;
pub mod password;
pub mod throttle;

use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "ozg_session";
/// A session ends this long after login (and at logout, password change, deactivation).
pub const SESSION_HOURS: i64 = 12;
/// Personal API tokens start with this, so they are recognisable in logs and secret scanners.
pub const TOKEN_PREFIX: &str = "ozgm_";

/// Audit log actions.
pub mod action {
    pub const LOGIN: &str = "anmeldung";
    pub const LOGIN_FAILED: &str = "anmeldung_fehlgeschlagen";
    pub const LOGIN_THROTTLED: &str = "anmeldung_gesperrt";
    pub const LOGOUT: &str = "abmeldung";
    pub const PASSWORD_CHANGED: &str = "passwort_geaendert";
    pub const ACCESS_DENIED: &str = "zugriff_verweigert";
    pub const CSRF_REFUSED: &str = "csrf_abgewiesen";
    pub const TOKEN_CREATED: &str = "token_erstellt";
    pub const TOKEN_REVOKED: &str = "token_widerrufen";
    pub const USER_CREATED: &str = "konto_angelegt";
    pub const USER_CHANGED: &str = "konto_geaendert";
    pub const CATALOGUE_IMPORTED: &str = "katalog_importiert";
    pub const TERRITORY_IMPORTED: &str = "gebiete_importiert";
}

/// How the server treats sign-in; part of the application state.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    /// Anonymous visitors may read every page (`OZG_PUBLIC_READ=true`).
    pub public_read: bool,
    /// Take the client address and scheme from `X-Forwarded-For` / `X-Forwarded-Proto`
    /// (only behind a reverse proxy that sets them).
    pub trust_proxy: bool,
    /// Always mark cookies `Secure` (also set automatically for HTTPS behind a trusted proxy).
    pub secure_cookies: bool,
}

/// The hash of the current request's session secret (present when signed in by cookie).
#[derive(Debug, Clone)]
pub struct SessionToken(pub String);

/// The client's address as far as it is known, for throttling and the audit log.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

/// Whether the request came in over HTTPS (directly unknown here: only via a trusted proxy).
#[derive(Debug, Clone, Copy)]
pub struct SecureTransport(pub bool);

/// Writes an audit line. A failure is logged and never fails the request the line describes.
pub async fn audit(storage: &crate::storage::Storage, entry: &crate::storage::AuditEntry<'_>) {
    if let Err(e) = storage.audit(entry).await {
        tracing::error!(error = %e, action = entry.action, "audit log write failed");
    }
}

/// Writes an audit line for what signed-in `user` did to `subject` (as [`audit`]).
pub async fn audit_by(
    storage: &crate::storage::Storage,
    user: &app::domain::CurrentUser,
    action: &str,
    subject: &str,
    detail: Option<&str>,
) {
    let entry = crate::storage::AuditEntry {
        action,
        actor: Some(&user.email),
        subject: Some(subject),
        client_addr: None,
        detail,
    };
    audit(storage, &entry).await;
}

/// 32 random bytes from the operating system, hex-encoded.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Random secrets are stored as SHA-256 (they have full entropy; a slow hash adds nothing).
pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new API token secret.
pub fn new_api_token() -> String {
    format!("{TOKEN_PREFIX}{}", new_secret())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_hashes_stable() {
        let a = new_secret();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_secret());
        assert_eq!(hash_secret("x"), hash_secret("x"));
        assert_ne!(hash_secret(&a), a);
        assert!(new_api_token().starts_with("ozgm_"));
    }
}
