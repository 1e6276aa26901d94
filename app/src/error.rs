//! The one error type of the application. Its messages are German and safe to show:
//! database and internal details are logged on the server and never serialised.

use crate::i18n::{td_string, Locale};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{}", .0.join(" "))]
    BadRequest(Vec<String>),
    #[error("Bitte melden Sie sich an.")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// Well-formed but against the rules (an invalid value or status transition).
    #[error("{}", .0.join(" "))]
    Unprocessable(Vec<String>),
    /// A body (an uploaded file) larger than the limit.
    #[error("{0}")]
    TooLarge(String),
    #[error(
        "Zu viele Versuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut."
    )]
    TooManyRequests,
    #[error("Die Datenbank ist zurzeit nicht erreichbar. Bitte versuchen Sie es später erneut.")]
    Unavailable,
    #[error("Interner Fehler. Der Vorfall wurde protokolliert.")]
    Internal,
    #[error("Kommunikationsfehler: {0}")]
    ServerFn(String),
}

impl AppError {
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(vec![message.into()])
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    /// The message for a person, in their language. Fixed messages are translated; the
    /// others were worded by the server in the language of the request.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            Self::Unauthorized => td_string!(locale, common.error_unauthorized).to_owned(),
            Self::TooManyRequests => td_string!(locale, common.error_too_many).to_owned(),
            Self::Unavailable => td_string!(locale, common.error_unavailable).to_owned(),
            Self::Internal => td_string!(locale, common.error_internal).to_owned(),
            Self::ServerFn(detail) => {
                td_string!(locale, common.error_communication, detail = detail).to_string()
            }
            other => other.to_string(),
        }
    }

    /// HTTP status this error maps to, for the REST API and server-rendered pages.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound(_) => 404,
            Self::BadRequest(_) => 400,
            Self::Unauthorized => 401,
            Self::Forbidden(_) => 403,
            Self::Conflict(_) => 409,
            Self::Unprocessable(_) => 422,
            Self::TooLarge(_) => 413,
            Self::TooManyRequests => 429,
            Self::Unavailable => 503,
            Self::Internal | Self::ServerFn(_) => 500,
        }
    }

    /// Stable machine-readable code for JSON error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict(_) => "conflict",
            Self::Unprocessable(_) => "unprocessable",
            Self::TooLarge(_) => "too_large",
            Self::TooManyRequests => "too_many_requests",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
            Self::ServerFn(_) => "communication",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // the request itself is malformed (an argument missing or unreadable): the
            // client's fault, 400, not a failure of the server
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                #[cfg(feature = "ssr")]
                ssr::set_status(http::StatusCode::BAD_REQUEST);
                Self::bad_request(
                    "Die Anfrage ist unvollständig oder fehlerhaft. Bitte laden Sie die Seite neu \
                     und versuchen Sie es erneut.",
                )
            }
            other => Self::ServerFn(other.to_string()),
        }
    }
}

/// The HTTP status of the response being built, on the server.
#[cfg(feature = "ssr")]
pub mod ssr {
    use super::AppError;

    /// Sets the HTTP status of the response being built: the page's during server rendering,
    /// the server function's when the browser calls it.
    pub fn set_status(code: http::StatusCode) {
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(code);
        }
    }

    /// Passes a server function's result through and gives an error its status (404, 400, 503 …).
    pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(e) = &result {
            set_status(
                http::StatusCode::from_u16(e.status_code())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_reveal_nothing() {
        assert_eq!(
            AppError::Internal.to_string(),
            "Interner Fehler. Der Vorfall wurde protokolliert."
        );
        assert_eq!(AppError::Internal.status_code(), 500);
        assert_eq!(AppError::bad_request("x").status_code(), 400);
        assert_eq!(AppError::not_found("x").status_code(), 404);
        assert_eq!(AppError::Unavailable.status_code(), 503);
        assert_eq!(AppError::Unauthorized.status_code(), 401);
        assert_eq!(AppError::forbidden("x").status_code(), 403);
        assert_eq!(AppError::Conflict("x".into()).status_code(), 409);
        assert_eq!(AppError::Unprocessable(vec![]).status_code(), 422);
        assert_eq!(AppError::TooLarge("x".into()).status_code(), 413);
    }
}
