use clap::Parser;
use server::config::{Cli, Command};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    server::init_tracing(
        &cli.config.log,
        &cli.config.log_format,
        cli.config.log_span_times,
    );
    let result: Result<(), Box<dyn std::error::Error>> = match cli.command.unwrap_or(Command::Serve)
    {
        Command::Serve => server::startup::serve(cli.config).await.map_err(Into::into),
        Command::Migrate => server::startup::prepare_storage(&cli.config)
            .await
            .map(|_| ())
            .map_err(Into::into),
        Command::User(command) => server::commands::user(&cli.config, command)
            .await
            .map_err(Into::into),
        Command::Token(command) => server::commands::token(&cli.config, command)
            .await
            .map_err(Into::into),
        Command::Audit(command) => server::commands::audit(&cli.config, command)
            .await
            .map_err(Into::into),
        Command::Generate { scale } => server::commands::generate(&cli.config, scale).await,
        Command::DemoHistory { rounds } => {
            server::commands::demo_history(&cli.config, rounds).await
        }
        Command::Backup { output } => server::backup::backup(&cli.config.database_url, &output)
            .await
            .map_err(Into::into),
        Command::Restore { input } => server::backup::restore(&cli.config.database_url, &input)
            .await
            .map_err(Into::into),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One clear line for the operator; details are in the log above.
            eprintln!("ozg-monitor: {e}");
            ExitCode::FAILURE
        }
    }
}
