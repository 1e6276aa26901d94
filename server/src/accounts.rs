//! Account management shared by the administration page and the command line: creating and
//! changing users, and personal API tokens. Messages are in the language of the page that
//! sends the form (German on the command line, where there is no language cookie).

use crate::auth::password::{self, RuleBroken, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::auth::{hash_secret, new_api_token};
use crate::storage::{normalise_email, NewUser, Storage, UserUpdate};
use app::domain::{NewApiToken, Role, UserForm};
use app::error::AppError;
use app::i18n::{td_string, Locale};

fn parse_role(code: &str, l: Locale) -> Result<Role, Vec<String>> {
    Role::from_code(code.trim()).ok_or_else(|| {
        vec![td_string!(
            l,
            users.error_unknown_role,
            code = code,
            allowed = Role::ALL.map(Role::code).join(", "),
        )
        .to_string()]
    })
}

fn check_email(email: &str, l: Locale) -> Result<(), String> {
    let e = email.trim();
    let valid = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !e.chars().any(char::is_whitespace);
    if valid {
        Ok(())
    } else {
        Err(td_string!(l, users.error_email, email = e).to_string())
    }
}

/// A broken password rule as the account form shows it.
fn password_message(rule: RuleBroken, l: Locale) -> String {
    match rule {
        RuleBroken::TooShort => {
            td_string!(l, users.error_password_too_short, min = MIN_PASSWORD_CHARS).to_string()
        }
        RuleBroken::TooLong => {
            td_string!(l, users.error_password_too_long, max = MAX_PASSWORD_CHARS).to_string()
        }
        RuleBroken::IsEmail => td_string!(l, users.error_password_is_email).to_string(),
        RuleBroken::Guessable => td_string!(l, users.error_password_guessable).to_string(),
    }
}

/// Checks a form for a new or changed account; every problem is reported.
fn check(form: &UserForm, is_new: bool) -> Result<Role, AppError> {
    let l = app::ssr::request_locale();
    let mut errors = Vec::new();
    if let Err(e) = check_email(&form.email, l) {
        errors.push(e);
    }
    if form.display_name.trim().is_empty()
        || form.display_name.chars().count() > 200
        || app::domain::has_control_characters(&form.display_name)
    {
        errors.push(td_string!(l, users.error_name).to_string());
    }
    let role = parse_role(&form.role, l).map_err(|e| errors.extend(e)).ok();
    if let Some(r) = role {
        if r.needs_scope() && form.scope_codes().is_empty() {
            errors.push(td_string!(l, users.error_scope_needed, role = r.label(l)).to_string());
        }
    }
    if is_new || !form.password.is_empty() {
        if let Err(rule) = password::check_rules(&form.password, &form.email) {
            errors.push(password_message(rule, l));
        }
    }
    match role {
        Some(r) if errors.is_empty() => Ok(r),
        _ => Err(AppError::Unprocessable(errors)),
    }
}

/// Creates an account (or, with `form.id`, changes one) and returns its id.
pub async fn save_user(storage: &Storage, form: &UserForm) -> Result<i64, AppError> {
    let role = check(form, form.id.is_none())?;
    match form.id {
        None => Ok(storage
            .create_user(&NewUser {
                email: normalise_email(&form.email),
                display_name: form.display_name.trim().to_owned(),
                role,
                password_hash: password::hash(&form.password),
                scope_codes: form.scope_codes(),
            })
            .await?),
        Some(id) => {
            storage
                .update_user(
                    id,
                    &UserUpdate {
                        display_name: form.display_name.trim().to_owned(),
                        role,
                        active: form.active,
                        scope_codes: form.scope_codes(),
                    },
                )
                .await?;
            if !form.password.is_empty() {
                storage
                    .set_password(id, &password::hash(&form.password), None)
                    .await?;
            }
            Ok(id)
        }
    }
}

/// Creates a personal API token; the secret is returned once and stored only hashed.
pub async fn create_token(
    storage: &Storage,
    user_id: i64,
    name: &str,
) -> Result<NewApiToken, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || app::domain::has_control_characters(name) {
        return Err(AppError::Unprocessable(vec![td_string!(
            app::ssr::request_locale(),
            account.error_token_name
        )
        .to_string()]));
    }
    let secret = new_api_token();
    let info = storage
        .create_api_token(user_id, name, &hash_secret(&secret))
        .await?;
    Ok(NewApiToken { info, secret })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_checked_completely() {
        let form = UserForm {
            email: "kein-at".into(),
            display_name: " ".into(),
            role: "koordination".into(),
            password: "kurz".into(),
            ..Default::default()
        };
        let AppError::Unprocessable(errors) = check(&form, true).unwrap_err() else {
            panic!()
        };
        assert_eq!(errors.len(), 4, "{errors:?}");
        let ok = UserForm {
            email: "Anna.Schmidt@tmdi.thueringen.de".into(),
            display_name: "Anna Schmidt".into(),
            role: "koordination".into(),
            scopes: "TMDI, 16068".into(),
            password: "ein-langes-passwort".into(),
            ..Default::default()
        };
        assert_eq!(check(&ok, true).unwrap(), Role::Koordination);
        assert_eq!(ok.scope_codes(), ["TMDI", "16068"]);
        let no_pw_change = UserForm {
            id: Some(1),
            password: String::new(),
            ..ok
        };
        assert!(check(&no_pw_change, false).is_ok());
    }

    #[test]
    fn messages_are_german_or_english() {
        assert_eq!(
            check_email("kein-at", Locale::de).unwrap_err(),
            "„kein-at“ ist keine gültige E-Mail-Adresse."
        );
        assert_eq!(
            check_email("kein-at", Locale::en).unwrap_err(),
            "“kein-at” is not a valid e-mail address."
        );
        assert_eq!(
            password_message(RuleBroken::TooShort, Locale::de),
            "Das Passwort muss mindestens 12 Zeichen lang sein."
        );
        assert_eq!(
            password_message(RuleBroken::TooLong, Locale::en),
            "The password must be at most 256 characters long."
        );
        assert_eq!(
            parse_role("chef", Locale::en).unwrap_err(),
            ["Unknown role “chef” (allowed: admin, koordination, lesen, bericht)."]
        );
    }
}
