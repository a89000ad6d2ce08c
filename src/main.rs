//! The `sharify` binary: `serve` (default), `migrate`, `keys rotate` or `jobs …`.

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
    /// Manage the key that encrypts linked accounts' tokens.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Scheduled jobs: list them, run one, run what is due (a Kubernetes CronJob), see runs.
    Jobs {
        #[command(subcommand)]
        action: JobsAction,
    },
}

#[derive(Subcommand)]
enum JobsAction {
    /// Every schedule: owner, kind, timing, next and last run.
    List,
    /// Run one schedule now (exits non-zero if the run fails).
    Run {
        /// The schedule's id.
        schedule_id: String,
    },
    /// Run every due schedule and one pass of the background jobs, then exit (non-zero if a run
    /// failed): what a CronJob calls, with jobs.in_process=false on the Deployment.
    RunDue,
    /// A schedule's runs, newest first.
    History {
        /// The schedule's id.
        schedule_id: String,
    },
}

#[derive(Subcommand)]
enum KeysAction {
    /// Re-encrypt every stored token with the current key (connections.token_key); keep the old
    /// key in connections.previous_token_keys until this has run.
    Rotate,
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
    pin_malloc_mmap_threshold();
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
            Command::Jobs { action } => {
                use sharify::schedules::cli::{main as jobs, JobsCommand};
                let command = match action {
                    JobsAction::List => JobsCommand::List,
                    JobsAction::Run { schedule_id } => JobsCommand::Run(schedule_id),
                    JobsAction::RunDue => JobsCommand::RunDue,
                    JobsAction::History { schedule_id } => JobsCommand::History(schedule_id),
                };
                if jobs(config, command).await? {
                    Ok(())
                } else {
                    Err(anyhow::anyhow!("a run failed (see above)"))
                }
            }
            Command::Keys { action: KeysAction::Rotate } => {
                let cipher = sharify::connections::cipher::TokenCipher::from_config(&config.connections)?
                    .ok_or_else(|| anyhow::anyhow!("set connections.token_key (secret token-key) to rotate to it"))?;
                let store = storage::open_store(&config).await?;
                store.migrate().await?;
                let done = sharify::connections::keys::rotate(&*store, &cipher).await?;
                println!(
                    "re-encrypted {} record(s) (linked accounts' tokens, webhook secrets) with key {}; {} already used it",
                    done.resealed,
                    cipher.current_kid(),
                    done.current
                );
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

/// Keeps malloc from holding on to memory the service no longer uses (measured by
/// tools/bench/perf.sh; the cost was within the run-to-run noise of the read benchmark).
///
/// - glibc raises its mmap threshold to the size of the largest block freed (up to 32 MiB), so
///   after the first password hash (argon2id takes 19 MiB) every later one came from a thread's
///   arena and stayed resident: 55 MiB idle after one sign-up and login instead of 17. A fixed
///   1 MiB threshold keeps every large block mmapped and given back on free.
/// - glibc gives each thread that allocates its own arena, up to 8 per core, and freed memory
///   stays spread over them; the store's blocking threads made that many. Four arenas keep what
///   is freed in few places, where it is reused: 30 MiB a minute after load became 25 MiB; two
///   arenas gave 24 MiB but cost the allocation-heavy share page a third of its throughput.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn pin_malloc_mmap_threshold() {
    // SAFETY: mallopt only changes allocator parameters; it is called before any other thread
    // exists, with values glibc always accepts (a threshold below its 32 MiB maximum, 4 arenas).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 4);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn pin_malloc_mmap_threshold() {}
