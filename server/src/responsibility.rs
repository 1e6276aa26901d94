//! Changing who executes a service (Zuständigkeiten): the rules the page, the API and the
//! matrix import share. Only the administration (the Kompetenzzentrum) may change it; a dry
//! run says what a change would do before anything is written (`storage/responsibility.rs`).

use crate::storage::{Storage, StorageError};
use app::domain::{CurrentUser, OzgId, ResponsibilityChange, ResponsibilityOutcome};
use app::error::AppError;
use chrono::Utc;

/// Refuses everyone but the administration.
pub fn require_admin(user: &CurrentUser) -> Result<(), AppError> {
    if user.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Zuständigkeiten ändert nur die Administration (Kompetenzzentrum).",
        ))
    }
}

/// Changes (or with `dry_run` only measures) the responsibility of service `id`.
pub async fn change(
    storage: &Storage,
    user: &CurrentUser,
    id: OzgId,
    change: &ResponsibilityChange,
    dry_run: bool,
) -> Result<ResponsibilityOutcome, AppError> {
    require_admin(user)?;
    storage
        .change_responsibility(id, change, Utc::now(), &user.actor(), dry_run)
        .await
        .map_err(|e| match e {
            // a unit that does not exist or does not fit the level: the request's content
            StorageError::Invalid(message) => AppError::Unprocessable(vec![message]),
            e => e.into(),
        })
}
