//! The administrative subcommands: `user add`, `token create`, `audit verify`, and the
//! generators of demo data for benchmarks (`generate`, `demo-history`).

use crate::accounts;
use crate::config::{AuditCommand, Config, TokenCommand, UserCommand};
use crate::demo::Progress;
use crate::generate::Scale;
use crate::startup::{prepare_storage, StartupError};
use app::domain::UserForm;
use app::error::AppError;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("{0}")]
    Refused(#[from] AppError),
    #[error("{0}")]
    Input(String),
    #[error("the history's hash chain is broken: {0} problem(s), listed above")]
    Tampered(usize),
}

pub async fn user(config: &Config, command: UserCommand) -> Result<(), CommandError> {
    let UserCommand::Add {
        email,
        role,
        name,
        org_units,
    } = command;
    let password = match std::env::var("OZG_PASSWORD") {
        Ok(p) => p,
        Err(_) => rpassword::prompt_password(format!("Passwort für {email}: ")).map_err(|e| {
            CommandError::Input(format!(
                "cannot read the password: {e} (or set OZG_PASSWORD)"
            ))
        })?,
    };
    let storage = prepare_storage(config).await?;
    let form = UserForm {
        id: None,
        display_name: name.unwrap_or_else(|| email.clone()),
        email,
        role,
        scopes: org_units.join(","),
        active: true,
        password,
    };
    let id = accounts::save_user(&storage, &form).await?;
    storage.close().await;
    println!(
        "Konto {} angelegt (Nr. {id}, Rolle {}).",
        form.email.trim().to_lowercase(),
        form.role
    );
    Ok(())
}

pub async fn token(config: &Config, command: TokenCommand) -> Result<(), CommandError> {
    let TokenCommand::Create { email, name } = command;
    let storage = prepare_storage(config).await?;
    let user = storage
        .user_by_email(&email)
        .await
        .map_err(StartupError::Prepare)?
        .filter(|u| u.active)
        .ok_or_else(|| CommandError::Input(format!("no active account {email}")))?;
    let token = accounts::create_token(&storage, user.user.id, &name).await?;
    storage.close().await;
    // the secret alone on stdout, so scripts can capture it
    println!("{}", token.secret);
    Ok(())
}

pub async fn audit(config: &Config, command: AuditCommand) -> Result<(), CommandError> {
    let AuditCommand::Verify = command;
    let storage = prepare_storage(config).await?;
    let chain = storage
        .verify_chain()
        .await
        .map_err(StartupError::Prepare)?;
    let records = storage
        .verify_records()
        .await
        .map_err(StartupError::Prepare)?;
    storage.close().await;
    for problem in &chain.problems {
        println!("PROBLEM: {problem}");
    }
    for problem in &records.problems {
        println!("PROBLEM: {problem}");
    }
    let more = chain.more_problems + records.more_problems;
    if more > 0 {
        println!("… and {more} more");
    }
    println!(
        "{} events checked; chain head: position {}, hash {}",
        chain.checked, chain.head_seq, chain.head_hash
    );
    if chain.unchained > 0 {
        println!(
            "{} events from before the chain existed are not covered by it",
            chain.unchained
        );
    }
    println!(
        "{} records replayed from their {} events",
        records.records, records.events
    );
    let problems = chain.problems.len() + records.problems.len() + more as usize;
    if problems == 0 {
        println!("history intact");
        Ok(())
    } else {
        Err(CommandError::Tampered(problems))
    }
}

/// `ozg-monitor demo-history`: doubles the demo history `rounds` times (benchmarks only; the
/// database must already hold demo data, so nothing real is mixed with it).
pub async fn demo_history(config: &Config, rounds: u32) -> Result<(), Box<dyn std::error::Error>> {
    let storage = crate::storage::Storage::connect(&config.database_url).await?;
    if !storage.has_demo_data().await? {
        return Err("only a database with demo data gets more demo history".into());
    }
    for _ in 0..rounds {
        let added = crate::demo::double_history(&storage, chrono::Utc::now()).await?;
        println!("{added} demo events added");
    }
    Ok(())
}

/// `ozg-monitor generate --scale …`: migrates and seeds, then generates (generate.rs) with a
/// progress bar on the terminal, and reports what it wrote, how long it took and the size.
pub async fn generate(config: &Config, scale: Scale) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    // the generator writes the demo history itself, with its progress shown
    let config = Config {
        demo_data: false,
        ..config.clone()
    };
    let storage = prepare_storage(&config).await?;
    let bar = ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(200));
    let changes_style = ProgressStyle::with_template(
        "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} Demo-Änderungen ({per_sec}, noch {eta})",
    )
    .expect("valid template");
    let mut on_progress = |p: Progress| match p {
        Progress::Step(step) => {
            bar.set_style(ProgressStyle::default_spinner());
            bar.set_message(step);
            tracing::info!(step, "generating");
        }
        Progress::Changes { done, total } => {
            if bar.length() != Some(total) {
                bar.set_style(changes_style.clone());
                bar.set_length(total);
            }
            bar.set_position(done);
        }
    };
    let report = crate::generate::generate(&storage, scale, Utc::now(), &mut on_progress).await;
    bar.finish_and_clear();
    let report = report?;
    let size = storage.size_bytes().await?;
    storage.close().await;
    println!(
        "{} Kreise and Gemeinden added with {} records; {} records got {} demo events; {:.1} s; database {} MB",
        report.units_added,
        report.records_created,
        report.demo.records,
        report.demo.events,
        started.elapsed().as_secs_f64(),
        size / 1_048_576
    );
    Ok(())
}
