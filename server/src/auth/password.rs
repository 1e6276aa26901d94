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
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Spends the time of one verification, so an unknown e-mail address answers as slowly as
/// a wrong password (no account enumeration by timing).
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("dummy password for timing"));
    let _ = verify(password, stored);
}

/// The least zxcvbn score a password needs (3: "safely unguessable", about 10^8 guesses and
/// more). zxcvbn estimates how many guesses a password costs an attacker who tries common
/// passwords, words, names, keyboard walks, repetitions, sequences and the user's own data
/// first: the blocklist of "commonly used, expected or compromised values" NIST SP 800-63B
/// asks for, without composition rules, which BSI no longer recommends either.
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// A password rule that is broken. The message for the user is made by the caller, in the
/// user's language (see `accounts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleBroken {
    /// fewer than [`MIN_PASSWORD_CHARS`] characters
    TooShort,
    /// more than [`MAX_PASSWORD_CHARS`] characters
    TooLong,
    /// the password is the account's e-mail address
    IsEmail,
    /// easy to guess: a common password, a word, a repetition, only spaces, the user's name …
    Guessable,
}

/// The password rules: the first one that `password` breaks.
pub fn check_rules(password: &str, email: &str) -> Result<(), RuleBroken> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(RuleBroken::TooShort);
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(RuleBroken::TooLong);
    }
    if password.trim().to_lowercase() == email.trim().to_lowercase() {
        return Err(RuleBroken::IsEmail);
    }
    let email = email.trim().to_lowercase();
    let local_part = email.split('@').next().unwrap_or_default();
    if zxcvbn::zxcvbn(password, &[email.as_str(), local_part]).score() < MIN_SCORE {
        return Err(RuleBroken::Guessable);
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
        assert_eq!(check_rules("kurz", "a@b.de"), Err(RuleBroken::TooShort));
        assert!(check_rules("lang-genug-1234", "a@b.de").is_ok());
        assert_eq!(
            check_rules(&"x".repeat(MAX_PASSWORD_CHARS + 1), "a@b.de"),
            Err(RuleBroken::TooLong)
        );
        assert_eq!(
            check_rules("a@b.de.a@b.de", "A@b.de.a@b.de "),
            Err(RuleBroken::IsEmail)
        );
        for guessable in [
            "            ",
            "aaaaaaaaaaaa",
            "123456789012",
            "passwort1234",
            "password1234",
            "qwertzuiop12",
            "abcdefghijkl",
            "erika.mustermann",
        ] {
            assert_eq!(
                check_rules(guessable, "erika.mustermann@example.org"),
                Err(RuleBroken::Guessable),
                "{guessable:?}"
            );
        }
        // passphrases of a few words pass, as do the ones the tests and scripts use
        for good in [
            "Zwei Kaffee und ein Keks",
            "ein-sicheres-passwort",
            "e2e-passwort-123",
            "fehler-test-passwort-1",
            "sicherheit-scan-passwort",
            "lasttest-passwort",
            "benchmark-passwort",
            "ganz-neues-passwort",
        ] {
            assert_eq!(check_rules(good, "a@b.de"), Ok(()), "{good:?}");
        }
    }
}
