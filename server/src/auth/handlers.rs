//! Login, logout and password change: plain form posts answered with a redirect, so they
//! work with and without JavaScript. Messages travel as short codes in the query string;
//! the pages turn them into text in the user's language.

use super::throttle::{AttemptKeys, KNOWN_CLIENT_DAYS};
use super::{
    action, hash_secret, new_secret, password, ClientAddr, SecureTransport, SessionToken,
    SESSION_COOKIE, SESSION_HOURS,
};
use crate::state::AppState;
use crate::storage::{normalise_email, AuditEntry, Claim, Storage};
use app::domain::{urlencode, CurrentUser};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Extension, Form, Router};
use chrono::{Duration, Utc};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/anmelden", post(login))
        .route("/auth/abmelden", post(logout))
        .route("/auth/passwort", post(change_password))
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    weiter: String,
}

/// Only paths of this site are followed after login (no open redirect).
fn local_target(target: &str) -> &str {
    crate::redirect_target::local_path(target)
        .filter(|t| !t.starts_with("/anmelden") && !t.starts_with("/auth/"))
        .unwrap_or("/")
}

fn session_cookie(value: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let mut c = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}"
    );
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie text is ASCII")
}

fn redirect_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    let mut res = Redirect::to(to).into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    res
}

async fn audit(
    storage: &Storage,
    action: &str,
    actor: Option<&str>,
    subject: Option<&str>,
    client: &str,
) {
    let entry = AuditEntry {
        action,
        actor,
        subject,
        client_addr: Some(client),
        detail: None,
    };
    super::audit(storage, &entry).await;
}

#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Extension(SecureTransport(secure)): Extension<SecureTransport>,
    old_session: Option<Extension<SessionToken>>,
    Form(form): Form<LoginForm>,
) -> Response {
    let storage = &state.backend.storage;
    let email = normalise_email(&form.email);
    let target = local_target(&form.weiter).to_owned();
    let back = |code: &str| {
        Redirect::to(&format!(
            "/anmelden?fehler={code}&weiter={}",
            urlencode(&target)
        ))
        .into_response()
    };

    let now = Utc::now();
    let known_client = match storage
        .signed_in_from(&email, &client, now - Duration::days(KNOWN_CLIENT_DAYS))
        .await
    {
        Ok(known) => known,
        Err(e) => return crate::json_error::ApiError(e.into()).into_response(),
    };
    let keys = AttemptKeys::new(&email, &client, known_client);
    match storage.claim_sign_in(&keys.all(), now).await {
        Ok(Claim::Granted) => {}
        Ok(Claim::Wait(_)) => {
            audit(
                storage,
                action::LOGIN_THROTTLED,
                None,
                Some(&email),
                &client,
            )
            .await;
            return back("gesperrt");
        }
        Err(e) => return crate::json_error::ApiError(e.into()).into_response(),
    }

    let found = match storage.user_by_email(&email).await {
        Ok(u) => u,
        Err(e) => return crate::json_error::ApiError(e.into()).into_response(),
    };
    let password_ok = if let Some(u) = &found {
        password::verify(&form.password, &u.password_hash) && u.active
    } else {
        password::verify_dummy(&form.password);
        false
    };
    let Some(user) = found.filter(|_| password_ok) else {
        audit(storage, action::LOGIN_FAILED, None, Some(&email), &client).await;
        return back("ungueltig");
    };

    // the attempt was no guess: this address's count for the account starts again, and the
    // shared counts give it back
    if let Err(e) = storage
        .give_back_sign_in(std::slice::from_ref(&keys.own), &keys.shared, now)
        .await
    {
        return crate::json_error::ApiError(e.into()).into_response();
    }
    // A fresh session id at every login (no session fixation); the old one ends.
    if let Some(Extension(SessionToken(old))) = old_session {
        let _ = storage.delete_session(&old).await;
    }
    let secret = new_secret();
    let expires = Utc::now() + Duration::hours(SESSION_HOURS);
    if let Err(e) = storage
        .create_session(&hash_secret(&secret), user.user.id, expires)
        .await
    {
        return crate::json_error::ApiError(e.into()).into_response();
    }
    audit(
        storage,
        action::LOGIN,
        Some(&user.user.email),
        Some(&user.user.email),
        &client,
    )
    .await;
    // a coordinator who signed in without a page to return to lands on their own work
    let target = if target == "/" && user.user.edits() && !user.user.scopes.is_empty() {
        "/meine-aufgaben".to_owned()
    } else {
        target
    };
    redirect_with_cookie(
        &target,
        session_cookie(&secret, SESSION_HOURS * 3600, secure),
    )
}

async fn logout(
    State(state): State<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    Extension(SecureTransport(secure)): Extension<SecureTransport>,
    session: Option<Extension<SessionToken>>,
    user: Option<Extension<CurrentUser>>,
) -> Response {
    let storage = &state.backend.storage;
    if let Some(Extension(SessionToken(token))) = session {
        if let Err(e) = storage.delete_session(&token).await {
            return crate::json_error::ApiError(e.into()).into_response();
        }
    }
    if let Some(Extension(u)) = user {
        audit(
            storage,
            action::LOGOUT,
            Some(&u.email),
            Some(&u.email),
            &client,
        )
        .await;
    }
    redirect_with_cookie("/anmelden?abgemeldet=1", session_cookie("", 0, secure))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

/// Changes the own password; every other session of the user ends.
async fn change_password(
    State(state): State<AppState>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    user: Option<Extension<CurrentUser>>,
    session: Option<Extension<SessionToken>>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let storage = &state.backend.storage;
    let (Some(Extension(user)), Some(Extension(SessionToken(session)))) = (user, session) else {
        return Redirect::to("/anmelden?weiter=%2Fkonto").into_response();
    };
    let back = |code: &str| Redirect::to(&format!("/konto?passwort={code}")).into_response();
    let stored = match storage.user_by_id(user.id).await {
        Ok(Some(s)) => s,
        Ok(None) => return back("fehler"),
        Err(e) => return crate::json_error::ApiError(e.into()).into_response(),
    };
    if !password::verify(&form.current, &stored.password_hash) {
        audit(
            storage,
            action::LOGIN_FAILED,
            Some(&user.email),
            Some(&user.email),
            &client,
        )
        .await;
        return back("falsch");
    }
    if form.new != form.repeat {
        return back("verschieden");
    }
    if password::check_rules(&form.new, &user.email).is_err() {
        return back("regeln");
    }
    if let Err(e) = storage
        .set_password(user.id, &password::hash(&form.new), Some(&session))
        .await
    {
        return crate::json_error::ApiError(e.into()).into_response();
    }
    audit(
        storage,
        action::PASSWORD_CHANGED,
        Some(&user.email),
        Some(&user.email),
        &client,
    )
    .await;
    back("geaendert")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_targets_are_followed() {
        assert_eq!(local_target("/leistungen?seite=2"), "/leistungen?seite=2");
        assert_eq!(local_target("https://evil.example/"), "/");
        assert_eq!(local_target("//evil.example/"), "/");
        assert_eq!(local_target("/\\evil.example"), "/");
        assert_eq!(local_target("/\t/evil.example/"), "/");
        assert_eq!(local_target("/anmelden"), "/");
        assert_eq!(local_target(""), "/");
    }
}
