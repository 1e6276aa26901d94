//! Switching the interface language: `GET /sprache/{de|en}?zurueck=/path` stores the choice in
//! a cookie and sends the browser back. A plain link, so it works without JavaScript, and the
//! next page is rendered by the server in the chosen language.

use crate::state::AppState;
use app::i18n::Locale;
use app::LOCALE_COOKIE;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/sprache/{locale}", get(switch))
}

#[derive(Deserialize)]
struct Back {
    zurueck: Option<String>,
}

async fn switch(Path(locale): Path<String>, Query(back): Query<Back>) -> Response {
    let Ok(locale) = locale.parse::<Locale>() else {
        return (
            StatusCode::NOT_FOUND,
            "Unbekannte Sprache / unknown language",
        )
            .into_response();
    };
    let target = back
        .zurueck
        .as_deref()
        .and_then(crate::redirect_target::local_path)
        .unwrap_or("/");
    let mut response = Redirect::to(target).into_response();
    // Not HttpOnly: the browser-side i18n context reads it too. A preference, not a secret.
    let cookie = format!(
        "{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        app::locale_code(locale)
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
