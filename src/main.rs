//! The `sharify` binary: `serve` (default) or `migrate`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use sharify::{app, config::Config, storage, telemetry};

#[derive(Parser)]
#[command(name = "sharify", version, about = "Create, organise and share music playlists, enriched from Last.fm")]
struct Cli {
    /// TOML configuration file (also SHARIFY_CONFIG).
    #[arg(long, env = "SHARIFY_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Create tables, collections and indexes, then exit.
    Migrate,
}

fn main() -> std::process::ExitCode {
    let cli = {
        use clap::CommandFactory;
        let help = sharify::config::config_help();
        let matches = Cli::command().after_help(help.clone()).after_long_help(help).get_matches();
        <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    };
    let mut config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("sharify: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(&config.log);
    sharify::tls::install_crypto_provider();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime starts");
    // Secrets are resolved once, before anything binds; a missing one stops startup.
    match runtime.block_on(sharify::secrets::resolve(&mut config)) {
        Ok(loaded) if !loaded.is_empty() => {
            tracing::info!(secrets = ?loaded, source = ?config.secrets.source, "secrets loaded")
        }
        Ok(_) => {}
        Err(e) => {
            tracing::error!(error = %e, "cannot load secrets");
            eprintln!("sharify: {e}");
            return std::process::ExitCode::from(2);
        }
    }
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => app::Server::bind(config).await?.run(app::shutdown_signal()).await,
            Command::Migrate => {
                let store = storage::open_store(&config).await?;
                store.migrate().await?;
                tracing::info!(backend = store.backend_name(), "migration complete");
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "sharify failed");
            eprintln!("sharify: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
