//! The one storage layer: the same SQL on SQLite (embedded default) and PostgreSQL.
//!
//! Queries are written once with `$1, $2 …` placeholders (both native drivers accept them)
//! and run on either pool through the [`on_pool!`] / [`in_transaction!`] macros, which expand
//! the same body for each backend. `AnyPool` is no option: it cannot decode dates or booleans
//! on both (see docs/architecture.md). The contract suite in `tests/storage/` checks both.

mod accounts;
mod catalogue;
pub mod chain;
mod contribution;
mod dashboard;
mod events;
mod exports;
pub(crate) mod history;
mod imports;
mod queries;
mod records;
pub mod replay;
mod responsibility;
mod rows;
mod scheduled;
mod seed;
mod service_filter;
mod settings;
mod territory;
mod throttle;
mod writes;

pub use accounts::{normalise_email, AuditEntry, NewUser, StoredUser, UserUpdate};
pub use catalogue::{
    CatalogueWrite, CatalogueWritten, NewRecordHistory, StoredCatalogue, StoredLeika,
    StoredService, CATALOGUE_IMPORTED,
};
pub use dashboard::{ReportService, ScopeError};
pub use events::StoredEvent;
pub use exports::{ExportFilter, ExportRow, FederalExportRow};
pub use imports::ImportKeys;
pub use records::{ChangeFilter, PageStart, RecordFilter, StoredChange, WorkList};
pub use responsibility::{RESPONSIBILITY_CHANGED, SERVICE_ADDED};
pub use scheduled::ScheduledRun;
pub use settings::SETTING_CHANGED;
pub use territory::{
    Dissolution, StoredTerritory, StoredUnit, TerritoryWrite, TerritoryWritten, UnitWrite,
    TERRITORY_IMPORTED,
};
pub use throttle::{Backoff, Claim, ThrottleKey};
pub use writes::{ChangeOutcome, RecordChange, RecordKey, RecordPatch};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (expected sqlite:… or postgres://…): {0}")]
    UnsupportedUrl(String),
    /// A stored value the code does not know (e.g. a status phase): a bug or a bad manual edit.
    #[error("inconsistent stored data: {0}")]
    Inconsistent(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("invalid change: {0}")]
    Invalid(String),
}

impl StorageError {
    /// Connection-level failures and lock contention mean "try again later", everything else
    /// is a bug or bad data. Besides lost connections, PostgreSQL reports its own shutdown and
    /// start-up as errors: SQLSTATE class 08 (connection exception) and 57P01–57P03
    /// (admin/crash shutdown, cannot connect now). SQLite reports a write lock held longer
    /// than the busy timeout (a long import) as SQLITE_BUSY or SQLITE_LOCKED, with their
    /// extended codes (5, 6, 261, 262, 517, 773).
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Database(
                sqlx::Error::PoolTimedOut
                | sqlx::Error::Io(_)
                | sqlx::Error::PoolClosed
                | sqlx::Error::Tls(_),
            ) => true,
            Self::Database(sqlx::Error::Database(e)) => e.code().is_some_and(|c| {
                c.starts_with("08")
                    || matches!(
                        c.as_ref(),
                        "57P01" | "57P02" | "57P03" | "5" | "6" | "261" | "262" | "517" | "773"
                    )
            }),
            _ => false,
        }
    }

    /// A value the database refuses as data (SQLSTATE class 22, e.g. a NUL character in text,
    /// which PostgreSQL cannot store, or a number out of range): the request's fault, not ours.
    pub fn is_bad_value(&self) -> bool {
        matches!(self, Self::Database(sqlx::Error::Database(e)) if e.code().is_some_and(|c| c.starts_with("22")))
    }
}

impl From<StorageError> for app::error::AppError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(what) => Self::NotFound(what),
            StorageError::Invalid(msg) => Self::BadRequest(vec![msg]),
            e if e.is_bad_value() => {
                tracing::warn!(error = %e, "value refused by the database");
                Self::BadRequest(vec![
                    "Ein Wert kann nicht gespeichert oder gesucht werden (z. B. ein Nullzeichen oder eine zu große Zahl).".into(),
                ])
            }
            e if e.is_unavailable() => {
                tracing::warn!(error = %e, "database unavailable");
                Self::Unavailable
            }
            e => {
                tracing::error!(error = %e, "storage error");
                Self::Internal
            }
        }
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Clone, Debug)]
pub enum Storage {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of either backend.
macro_rules! on_pool {
    ($storage:expr, $pool:ident => $body:expr) => {
        match $storage {
            $crate::storage::Storage::Sqlite($pool) => $body,
            $crate::storage::Storage::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside a write transaction (`$tx`) and commits it; an early return
/// (`?`) rolls back. SQLite starts with `BEGIN IMMEDIATE` so a transaction that reads
/// before it writes cannot fail with "database is locked" half-way (docs/architecture.md). Every
/// transaction raises the data generation with its commit ([`Storage::data_generation`]).
macro_rules! in_transaction {
    // A transaction that commits only if `$commit` holds after the body, else rolls back: a
    // dry run does everything the change would do, reads the outcome and leaves no trace.
    ($storage:expr, $tx:ident, commit if $commit:expr => $body:expr) => {
        match $storage {
            $crate::storage::Storage::Sqlite(pool) => {
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                if $commit {
                    sqlx::query($crate::storage::RAISE_GENERATION)
                        .execute(&mut *$tx)
                        .await?;
                    $tx.commit().await?;
                } else {
                    $tx.rollback().await?;
                }
                out
            }
            $crate::storage::Storage::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                if $commit {
                    sqlx::query($crate::storage::RAISE_GENERATION)
                        .execute(&mut *$tx)
                        .await?;
                    $tx.commit().await?;
                } else {
                    $tx.rollback().await?;
                }
                out
            }
        }
    };
    ($storage:expr, $tx:ident => $body:expr) => {
        $crate::storage::in_transaction!($storage, $tx, commit if true => $body)
    };
}

/// Run last in every write transaction: the row lock is then held only for the commit.
pub(crate) const RAISE_GENERATION: &str =
    "UPDATE data_generation SET value = value + 1 WHERE id = 1";

pub(crate) use in_transaction;
pub(crate) use on_pool;

impl Storage {
    /// Connects to `sqlite:…` (file created if missing, WAL) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                // the dashboard reads thousands of history rows per request: each connection
                // keeps up to 64 MiB of pages (default 2 MiB), and reads go through a shared
                // memory map instead of a copy per connection
                .pragma("cache_size", "-65536")
                .pragma("mmap_size", "1073741824")
                // seeding and demo generation run long statements on purpose
                .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(10));
            // An in-memory database exists once per connection: keep exactly one.
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let max = if in_memory { 1 } else { 8 };
            if let Some(folder) = options
                .get_filename()
                .parent()
                .filter(|f| !in_memory && !f.as_os_str().is_empty())
            {
                // a missing folder would fail as "unable to open database file"; the connect reports other problems
                let _ = std::fs::create_dir_all(folder);
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Self::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?
                .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(10));
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await?;
            Ok(Self::Postgres(pool))
        } else {
            Err(StorageError::UnsupportedUrl(redact(url)))
        }
    }

    /// Which database this is (`sqlite` or `postgres`); "backend" elsewhere is the pages' data contract.
    pub fn database_kind(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Applies the migrations of this backend (`migrations/sqlite` or `migrations/postgres`).
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Self::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await?,
            Self::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Cheap reachability probe for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await);
    }

    /// A number that changes with every committed change of the data (every `in_transaction!`;
    /// sign-in sessions and tokens are not data), on any instance: what was computed from the
    /// data under one value is still true while it is unchanged.
    /// Read it *before* the data it guards, so a value never labels older data.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn data_generation(&self) -> Result<i64> {
        let value: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM data_generation WHERE id = 1").fetch_one(pool).await?
        });
        Ok(value)
    }

    /// The database's size on disk in bytes (SQLite: its pages, without the WAL).
    pub async fn size_bytes(&self) -> Result<i64> {
        let bytes: i64 =
            match self {
                Storage::Sqlite(pool) => sqlx::query_scalar(
                    "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                )
                .fetch_one(pool)
                .await?,
                Storage::Postgres(pool) => {
                    sqlx::query_scalar("SELECT pg_database_size(current_database())")
                        .fetch_one(pool)
                        .await?
                }
            };
        Ok(bytes)
    }

    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        let value: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(pool).await?
        });
        Ok(value)
    }

    /// A `meta` entry holding JSON (what an import records); an unreadable one is logged and
    /// taken as absent, not an error.
    pub(crate) async fn meta_json<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>> {
        let Some(value) = self.meta(key).await? else {
            return Ok(None);
        };
        Ok(serde_json::from_str(&value)
            .inspect_err(|e| tracing::warn!(error = %e, "unreadable {key} entry"))
            .ok())
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        in_transaction!(self, tx => {
            sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(key).bind(value).execute(&mut *tx).await?;
        });
        Ok(())
    }
}

/// True when a page starts after the last row: its list query is skipped, so a huge page
/// number (`?seite=7257255`) costs one count instead of sorting and skipping every row.
pub(crate) fn past_the_end(offset: i64, total: i64) -> bool {
    offset >= total
}

/// Hides a password in a database URL before it is logged or shown.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// A WHERE clause assembled from optional conditions, numbering `$n` placeholders itself so
/// one SQL text serves both backends.
#[derive(Default)]
pub(crate) struct Filter {
    sql: String,
    pub binds: Vec<Bind>,
}

#[derive(Clone, Debug)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
    Time(chrono::DateTime<chrono::Utc>),
    Date(chrono::NaiveDate),
}

impl Filter {
    /// Adds `condition` where each `?` is one of `binds`, in order.
    pub fn and(&mut self, condition: &str, binds: impl IntoIterator<Item = Bind>) {
        self.sql.push_str(if self.sql.is_empty() {
            " WHERE "
        } else {
            " AND "
        });
        let mut binds = binds.into_iter();
        for ch in condition.chars() {
            if ch == '?' {
                let bind = binds.next().expect("one bind per placeholder");
                self.binds.push(bind);
                self.sql.push_str(&format!("${}", self.binds.len()));
            } else {
                self.sql.push(ch);
            }
        }
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The next free placeholder number (for LIMIT/OFFSET after the filter).
    pub fn next_placeholder(&self) -> usize {
        self.binds.len() + 1
    }
}

/// Binds every value of a [`Filter`] to a query, for either backend.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut q = $query;
        for b in $binds.iter().cloned() {
            q = match b {
                $crate::storage::Bind::Int(i) => q.bind(i),
                $crate::storage::Bind::Text(s) => q.bind(s),
                $crate::storage::Bind::Time(t) => q.bind(t),
                $crate::storage::Bind::Date(d) => q.bind(d),
            };
        }
        q
    }};
}
pub(crate) use bind_all;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_numbers_placeholders() {
        let mut f = Filter::default();
        f.and("a = ?", [Bind::Int(1)]);
        f.and(
            "(b LIKE ? OR c = ?)",
            [Bind::Text("x".into()), Bind::Int(2)],
        );
        assert_eq!(f.sql(), " WHERE a = $1 AND (b LIKE $2 OR c = $3)");
        assert_eq!(f.next_placeholder(), 4);
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("sqlite:data/x.db"), "sqlite:data/x.db");
    }
}
