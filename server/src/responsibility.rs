//! Changing who executes a service (Zuständigkeiten): the rules the page, the API and the
//! matrix import share. Only the administration (the Kompetenzzentrum) may change it; a dry
//! run says what a change would do before anything is written (`storage/responsibility.rs`).
//! Adding a service the catalogue lacks is such a change too: its level is part of it.

use crate::storage::{Storage, StorageError};
use app::domain::{CurrentUser, NewService, OzgId, ResponsibilityChange, ResponsibilityOutcome};
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

/// Adds (or with `dry_run` only measures adding) a service the catalogue lacks.
pub async fn add_service(
    storage: &Storage,
    user: &CurrentUser,
    new: &NewService,
    dry_run: bool,
) -> Result<ResponsibilityOutcome, AppError> {
    require_admin(user)?;
    let problems = new.problems();
    if !problems.is_empty() {
        return Err(AppError::Unprocessable(problems));
    }
    storage
        .add_service(new, Utc::now(), &user.actor(), dry_run)
        .await
        .map_err(content_fault)
}

/// A unit or Lebenslage that does not exist or does not fit, or an OZG-ID already taken:
/// the request's content (422); anything else is the storage's.
fn content_fault(e: StorageError) -> AppError {
    match e {
        StorageError::Invalid(message) => AppError::Unprocessable(vec![message]),
        e => e.into(),
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
        .map_err(content_fault)
}
