//! An [`AppError`] as the JSON answer of the REST API and the sign-in endpoints:
//! `{"error": {"code", "message", "details"}}` with the error's status.

use app::error::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// The body of every error answer of the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a stable code for programs, a German sentence for people, and every
/// single reason where there are several (a file's lines, a form's fields).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub details: Vec<String>,
}

impl ErrorDetail {
    pub fn new(code: &str, message: String, details: Vec<String>) -> Self {
        Self {
            code: code.to_owned(),
            message,
            details,
        }
    }
}

/// An [`AppError`] as a JSON response.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let details = match &self.0 {
            AppError::BadRequest(errors) | AppError::Unprocessable(errors) => errors.clone(),
            _ => Vec::new(),
        };
        let body = ErrorBody {
            error: ErrorDetail::new(self.0.code(), self.0.to_string(), details),
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}
