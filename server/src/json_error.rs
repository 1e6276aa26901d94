//! An [`AppError`] as the JSON answer of the REST API and the sign-in endpoints:
//! `{"error": {"code", "message", "details"}}` with the error's status.

use app::error::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

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
            AppError::BadRequest(errors) | AppError::Unprocessable(errors) => json!(errors),
            _ => json!([]),
        };
        let body = json!({ "error": { "code": self.0.code(), "message": self.0.to_string(), "details": details } });
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
