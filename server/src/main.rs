use clap::Parser;
use server::config::{Cli, Command};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    server::init_tracing(&cli.config.log, &cli.config.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => server::startup::serve(cli.config).await,
        Command::Migrate => server::startup::prepare_storage(&cli.config)
            .await
            .map(|_| ()),
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
