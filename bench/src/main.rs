//! The references of the app's write figures (BENCHMARKS.md): raw sqlx doing what a write
//! of the app does at least — a record's new values with its version checked, and one
//! history event — without HTTP, sign-in, checks of the values, rollups or hash chain.
//!
//! - `raw-writes updates DATABASE_URL [updates=2000] [workers=4]`: one transaction per
//!   update, the records, workers and count of `scripts/bench_updates.py`.
//! - `raw-writes import DATABASE_URL FILE`: the lines `record id<TAB>version<TAB>note` of
//!   FILE (the rows of a status import) in one transaction.

use chrono::Utc;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::{Duration, Instant};

const UPDATE: &str = "UPDATE implementation_record SET note = $1, version = version + 1, \
     updated_at = $2 WHERE id = $3 AND version = $4";
const INSERT_EVENT: &str = "INSERT INTO record_event (record_id, occurred_at, recorded_at, \
     actor, changes, comment) VALUES ($1, $2, $2, 'bench@example.org', $3, 'bench')";
/// The records the HTTP benchmark updates: the first ones of Elterngeld (10000).
const RECORDS: &str =
    "SELECT id, version FROM implementation_record WHERE ozg_id = 10000 ORDER BY id LIMIT $1";

/// One worker's loop over its records on pool `$pool`; the latency of each update.
macro_rules! work {
    ($pool:expr, $mine:expr, $count:expr) => {{
        let mut mine: Vec<(i64, i64)> = $mine;
        let mut latencies = Vec::with_capacity($count);
        for i in 0..$count {
            let slot = i % mine.len();
            let (id, version) = mine[slot];
            let started = Instant::now();
            let now = Utc::now();
            let mut tx = $pool.begin().await?;
            let updated = sqlx::query(UPDATE)
                .bind(format!("Benchmark {i}"))
                .bind(now)
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
            if updated.rows_affected() != 1 {
                return Err(format!("record {id} was not at version {version}").into());
            }
            sqlx::query(INSERT_EVENT)
                .bind(id)
                .bind(now)
                .bind(format!(r#"{{"note":["Benchmark {i}"]}}"#))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            latencies.push(started.elapsed());
            mine[slot].1 += 1;
        }
        Ok::<_, Error>(latencies)
    }};
}

/// Runs `workers` loops of `per_worker` updates, each on its own share of the records, and
/// returns the latencies and the wall time.
macro_rules! run {
    ($pool:expr, $workers:expr, $per_worker:expr) => {{
        let records: Vec<(i64, i64)> = sqlx::query_as(RECORDS)
            .bind(($workers * 10) as i64)
            .fetch_all(&$pool)
            .await?;
        if records.len() < $workers {
            return Err("too few records of service 10000".into());
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..$workers {
            let pool = $pool.clone();
            let mine: Vec<(i64, i64)> = records.iter().skip(w).step_by($workers).copied().collect();
            let per_worker = $per_worker;
            tasks.push(tokio::spawn(async move { work!(pool, mine, per_worker) }));
        }
        let mut latencies = Vec::new();
        for task in tasks {
            latencies.extend(task.await??);
        }
        (latencies, started.elapsed())
    }};
}

/// Writes every line of `$lines` (id, version, note) in one transaction on pool `$pool`.
macro_rules! import {
    ($pool:expr, $lines:expr) => {{
        let started = Instant::now();
        let now = Utc::now();
        let mut tx = $pool.begin().await?;
        for (id, version, note) in $lines {
            let updated = sqlx::query(UPDATE)
                .bind(note.as_str())
                .bind(now)
                .bind(*id)
                .bind(*version)
                .execute(&mut *tx)
                .await?;
            if updated.rows_affected() != 1 {
                return Err(format!("record {id} was not at version {version}").into());
            }
            sqlx::query(INSERT_EVENT)
                .bind(*id)
                .bind(now)
                .bind(format!(
                    r#"{{"note":["{}"]}}"#,
                    note.replace('\\', "\\\\").replace('"', "\\\"")
                ))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        started.elapsed()
    }};
}

/// Connects to `$url` like the app does (server/src/storage/mod.rs) and evaluates `$body`
/// with `$pool` bound to the SQLite or PostgreSQL pool.
macro_rules! on_database {
    ($url:expr, $pool:ident => $body:expr) => {{
        if $url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str($url)?
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let $pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            $body
        } else {
            let $pool = PgPoolOptions::new()
                .max_connections(16)
                .connect($url)
                .await?;
            $body
        }
    }};
}

type Error = Box<dyn std::error::Error + Send + Sync>;

const USAGE: &str = "usage: raw-writes updates DATABASE_URL [updates=2000] [workers=4] | \
     raw-writes import DATABASE_URL FILE";

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match (args.first().map(String::as_str), args.get(1)) {
        (Some("updates"), Some(url)) => {
            let total: usize = args.get(2).map_or(Ok(2000), |s| s.parse())?;
            let workers: usize = args.get(3).map_or(Ok(4), |s| s.parse())?;
            updates(url, total, workers).await
        }
        (Some("import"), Some(url)) => {
            let file = args.get(2).ok_or(USAGE)?;
            let lines = std::fs::read_to_string(file)?
                .lines()
                .map(|line| {
                    let mut fields = line.splitn(3, '\t');
                    let mut number = || -> Result<i64, Error> {
                        Ok(fields.next().ok_or("a short line")?.parse()?)
                    };
                    let (id, version) = (number()?, number()?);
                    Ok((id, version, fields.next().unwrap_or_default().to_owned()))
                })
                .collect::<Result<Vec<(i64, i64, String)>, Error>>()?;
            let elapsed = on_database!(url.as_str(), pool => import!(pool, &lines));
            println!(
                "{} lines in one transaction: {:.2} s, {:.0} lines/s",
                lines.len(),
                elapsed.as_secs_f64(),
                lines.len() as f64 / elapsed.as_secs_f64()
            );
            Ok(())
        }
        _ => Err(USAGE.into()),
    }
}

async fn updates(url: &str, total: usize, workers: usize) -> Result<(), Error> {
    let per_worker = total / workers;
    let (mut latencies, elapsed) = on_database!(url, pool => run!(pool, workers, per_worker));
    latencies.sort();
    let ms = |p: f64| {
        let i = ((latencies.len() as f64 * p) as usize).min(latencies.len() - 1);
        latencies[i].as_secs_f64() * 1000.0
    };
    println!(
        "{} updates, {workers} workers: {:.0} updates/s, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(0.5),
        ms(0.95),
        ms(0.99)
    );
    Ok(())
}
