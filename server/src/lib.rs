//! The `ozg-monitor` server: configuration, startup, REST API, storage, charts, seed and demo data.

pub mod accounts;
pub mod api;
pub mod auth;
pub mod backend;
pub mod backup;
pub mod charts;
pub mod commands;
pub mod config;
pub mod dashboard_cache;
pub mod demo;
pub mod editing;
pub mod exports;
pub mod generate;
pub mod generation_cache;
pub mod imports;
pub mod json_error;
pub mod language;
pub mod map;
pub mod redirect_target;
pub mod reference_data;
pub mod responsibility;
pub mod scheduled;
pub mod startup;
pub mod state;
pub mod storage;

/// Sets up logging once: text for people, JSON for collectors. With `span_times`, every
/// traced step logs how long it took when it ends (`time.busy` + `time.idle`), which
/// `scripts/span_profile.py` sums up into a profile.
pub fn init_tracing(filter: &str, format: &str, span_times: bool) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let span_events = if span_times {
        tracing_subscriber::fmt::format::FmtSpan::CLOSE
    } else {
        tracing_subscriber::fmt::format::FmtSpan::NONE
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(span_events)
        .with_target(false);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
