//! Password hashing with Argon2id (the `argon2` crate's defaults: m = 19 MiB, t = 2, p = 1,
//! the OWASP recommendation) and the password rules.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A PHC string (`$argon2id$v=19$…`) for storage.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 with default parameters hashes any input")
        .to_string()
}

/// Whether `password` matches the stored hash; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time of one verification, so an unknown e-mail address answers as slowly as
/// a wrong password (no account enumeration by timing).
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("dummy password for timing"));
    let _ = verify(password, stored);
}

/// The password rules, as a German message when broken.
pub fn check_rules(password: &str, email: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!(
            "Das Passwort muss mindestens {MIN_PASSWORD_CHARS} Zeichen lang sein."
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(format!(
            "Das Passwort darf höchstens {MAX_PASSWORD_CHARS} Zeichen lang sein."
        ));
    }
    if password.trim().to_lowercase() == email.trim().to_lowercase() {
        return Err("Das Passwort darf nicht die E-Mail-Adresse sein.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery");
        let b = hash("correct horse battery");
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "a fresh salt each time");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterY", &a));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn rules() {
        assert!(check_rules("kurz", "a@b.de").is_err());
        assert!(check_rules("lang-genug-1234", "a@b.de").is_ok());
        assert!(check_rules("a@b.de.a@b.de", "a@b.de.a@b.de").is_err());
    }
}
