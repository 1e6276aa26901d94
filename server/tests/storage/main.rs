//! The storage contract: every test runs on SQLite and on PostgreSQL with the same assertions.
//! The tests live in one file per area of the storage layer; this file lists them for both
//! databases and holds the helpers they share.

#[path = "../support/mod.rs"]
mod support;

mod accounts;
mod catalogue;
mod history;
mod lists;
mod responsibility;
mod settings;
mod territory;
mod writes;

use accounts::*;
use app::domain::{CoverageCategory, OzgId, ServiceFilter, ServiceQuery, ThemenfeldId};
use catalogue::*;
use chrono::{TimeZone, Utc};
use history::*;
use lists::*;
use responsibility::*;
use server::scheduled::{run_slot, Job, HISTORY_BROKEN, HISTORY_CHECKED};
use server::storage::{ChangeOutcome, PageStart, RecordChange, RecordPatch, Storage, StorageError};
use settings::*;
use support::*;
use territory::*;
use writes::*;

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::sqlite_storage().await).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() {
                if let Some(s) = super::postgres_storage().await { super::$name(s).await; }
            })*
        }
    };
}

contract!(
    a_units_worklist_holds_overdue_and_waiting_records,
    sign_in_claims_are_counted_exactly_in_parallel,
    seeding_loads_the_catalogue_and_is_idempotent,
    changed_catalogue_updates_rows_without_duplicates,
    records_follow_the_responsibility_rule,
    a_change_writes_record_event_and_rollup_together,
    stale_versions_and_invalid_values_are_refused,
    service_queries_filter_search_and_paginate,
    org_unit_portfolios,
    demo_data_goes_through_the_change_path,
    events_cannot_be_changed_or_deleted,
    tampering_with_the_history_is_detected,
    change_lists_count_what_they_list,
    accounts_sessions_and_tokens,
    scheduled_work_runs_once_per_slot,
    any_batch_of_changes_writes_exactly_what_it_reports,
    the_dashboard_shows_any_past_date_from_the_history,
    values_the_database_refuses_are_the_requests_fault,
    all_or_nothing_writes_nothing_when_one_change_fails,
    imports_find_records_by_service_and_unit,
    an_imported_catalogue_counts_new_services_from_today_and_outlives_the_seed,
    a_territorial_change_keeps_the_past_and_the_dissolved_units_records,
    a_renamed_unit_keeps_its_counts_and_a_new_population_counts_from_the_import,
    every_committed_write_raises_the_data_generation,
    paging_after_a_record_lists_what_page_numbers_list,
    generating_other_laender_adds_their_units_with_demo_history,
    record_lists_count_each_status_and_themenfeld_of_the_whole_list,
    moving_a_service_between_levels_and_back_keeps_every_record_and_event,
    the_settings_change_one_thing_at_a_time_each_audited,
    not_relevant_records_without_approval_are_listed_until_an_admin_confirms,
    a_verband_holds_the_transferred_tasks_of_its_members,
);

async fn count(s: &Storage, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match s {
        Storage::Sqlite(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(p)
            .await
            .unwrap(),
        Storage::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(p)
            .await
            .unwrap(),
    }
}

/// Runs SQL the application never runs (tampering "behind its back").
async fn execute(s: &Storage, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match s {
        Storage::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        Storage::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{e}"));
}
