//! `ozg-monitor backup` and `ozg-monitor restore`. SQLite: `VACUUM INTO` writes a consistent
//! copy while the server keeps serving; restore checks the copy and swaps it in atomically.
//! PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --single-transaction`, so a
//! failed restore leaves the database as it was. Every backup is checked after writing and
//! every restore before replacing anything: integrity, schema, the history's hash chain.

use crate::storage::{Storage, StorageError};
use sqlx::sqlite::SqliteConnectOptions;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists already; choose a new file")]
    Exists(PathBuf),
    #[error("{0} does not exist")]
    Missing(PathBuf),
    #[error("database: {0}")]
    Storage(#[from] StorageError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Tool(String),
    #[error("{path} is not a usable backup: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}

type Result<T> = std::result::Result<T, BackupError>;

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

pub async fn backup(database_url: &str, output: &Path) -> Result<()> {
    if output.exists() {
        return Err(BackupError::Exists(output.to_owned()));
    }
    if is_sqlite(database_url) {
        let storage = Storage::connect(database_url).await?;
        let Storage::Sqlite(pool) = &storage else {
            unreachable!()
        };
        // one statement, one read transaction: a consistent snapshot while writers go on
        sqlx::query("VACUUM INTO $1")
            .bind(output.to_string_lossy().as_ref())
            .execute(pool)
            .await?;
        storage.close().await;
    } else {
        run(Command::new("pg_dump")
            .args(["--format=custom", "--no-owner", "--file"])
            .arg(output)
            .arg("--dbname")
            .arg(database_url))?;
    }
    let summary = check(database_url, output).await?;
    println!("backup written to {}: {summary}", output.display());
    Ok(())
}

pub async fn restore(database_url: &str, input: &Path) -> Result<()> {
    if !input.exists() {
        return Err(BackupError::Missing(input.to_owned()));
    }
    let summary = check(database_url, input).await?;
    if is_sqlite(database_url) {
        let target = SqliteConnectOptions::from_str(database_url)?
            .get_filename()
            .to_owned();
        // copy next to the target, then rename: the database is never half-written
        let staging = target.with_extension("restore-tmp");
        std::fs::copy(input, &staging)?;
        std::fs::File::open(&staging)?.sync_all()?;
        for suffix in ["-wal", "-shm"] {
            let mut side = target.clone().into_os_string();
            side.push(suffix);
            let _ = std::fs::remove_file(side);
        }
        std::fs::rename(&staging, &target)?;
    } else {
        run(Command::new("pg_restore")
            .args([
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
            ])
            .arg(database_url)
            .arg(input))?;
    }
    // a backup of an older version gets this version's schema
    let storage = Storage::connect(database_url).await?;
    storage.migrate().await?;
    storage.close().await;
    println!("restored from {}: {summary}", input.display());
    Ok(())
}

/// Opens the backup (SQLite directly; PostgreSQL by listing the archive) and returns a
/// one-line description, or why it is not usable.
async fn check(database_url: &str, file: &Path) -> Result<String> {
    let invalid = |reason: String| BackupError::Invalid {
        path: file.to_owned(),
        reason,
    };
    if !is_sqlite(database_url) {
        let listing = run(Command::new("pg_restore").arg("--list").arg(file))?;
        for table in ["record_event", "implementation_record", "event_chain"] {
            if !listing.contains(&format!("TABLE DATA public {table} ")) {
                return Err(invalid(format!("table {table} is missing")));
            }
        }
        let bytes = std::fs::metadata(file)?.len();
        return Ok(format!("PostgreSQL archive, {bytes} bytes"));
    }
    let options = SqliteConnectOptions::new().filename(file).read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options)
        .await
        .map_err(|e| invalid(e.to_string()))?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .map_err(|e| invalid(e.to_string()))?;
    if integrity != "ok" {
        return Err(invalid(format!("integrity check: {integrity}")));
    }
    let storage = Storage::Sqlite(pool);
    let chain = storage
        .verify_chain()
        .await
        .map_err(|e| invalid(format!("no OZG-Monitor database ({e})")))?;
    storage.close().await;
    if !chain.is_intact() {
        return Err(invalid(format!(
            "the history's hash chain is broken ({} problems; `ozg-monitor audit verify` on it lists them)",
            chain.problems.len()
        )));
    }
    let bytes = std::fs::metadata(file)?.len();
    Ok(format!(
        "SQLite, {bytes} bytes, integrity ok, {} events with an intact hash chain (head {})",
        chain.checked, chain.head_hash
    ))
}

/// Runs a PostgreSQL client program; its stdout, or its stderr as the error.
fn run(command: &mut Command) -> Result<String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let out = command.output().map_err(|e| {
        BackupError::Tool(format!(
            "{program} could not be started ({e}); install PostgreSQL's client programs"
        ))
    })?;
    if !out.status.success() {
        return Err(BackupError::Tool(format!(
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
