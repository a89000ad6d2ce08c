//! `sharify jobs …`: what a Kubernetes CronJob (or an operator) runs. `run-due` runs every due
//! schedule and one pass of the service's own background jobs, then exits: non-zero when any run
//! failed.

use super::{
    model::{Run, RunStatus, Schedule, Timing},
    runner, system,
};
use crate::{app::AppState, config::Config, storage};

/// A `jobs` command.
#[derive(Debug, Clone)]
pub enum JobsCommand {
    /// Every schedule.
    List,
    /// Run one schedule now.
    Run(String),
    /// Run what is due, and the background passes.
    RunDue,
    /// A schedule's runs.
    History(String),
}

fn timing(s: &Schedule) -> String {
    match &s.timing {
        Timing::Cron { cron, timezone } => format!("cron {cron:?} {timezone}"),
        Timing::Interval { interval_secs } => format!("every {interval_secs}s"),
    }
}

fn print_run(r: &Run) {
    let status = match r.status {
        RunStatus::Running => "running",
        RunStatus::Succeeded => "succeeded",
        RunStatus::Failed => "failed",
    };
    let counts: Vec<String> = r.counts.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!(
        "{} {} {status} started {} {}{}",
        r.schedule_id,
        r.id,
        r.started_at.to_rfc3339(),
        counts.join(" "),
        r.error.as_deref().map(|e| format!(" error: {e}")).unwrap_or_default()
    );
}

/// Runs `command` against the configured store; `Ok(false)` when a run failed.
pub async fn main(config: Config, command: JobsCommand) -> anyhow::Result<bool> {
    let store = storage::open_store(&config).await?;
    store.migrate().await?;
    let state = AppState::new(config, store);
    let holder = state.quotas.replica_id.clone();
    match command {
        JobsCommand::List => {
            let mut all = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let page = state.store.all_schedules(after.as_deref(), 200).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id.clone());
                all.extend(page);
            }
            for s in &all {
                let last =
                    s.last_run.as_ref().map(|r| format!("{:?}", r.status).to_lowercase()).unwrap_or("never".into());
                println!(
                    "{} owner {} {} {} {} next {} last {last}",
                    s.id,
                    s.owner_id,
                    s.kind.as_str(),
                    timing(s),
                    if s.enabled { "enabled" } else { "disabled" },
                    s.next_run_at.map_or("-".into(), |t| t.to_rfc3339()),
                );
            }
            println!("{} schedule(s)", all.len());
            Ok(true)
        }
        JobsCommand::Run(id) => {
            let schedule = state.store.schedule(&id).await?.ok_or_else(|| anyhow::anyhow!("no schedule {id}"))?;
            let run = runner::run_now(&state, &schedule, &holder).await.map_err(|e| anyhow::anyhow!(e.message))?;
            print_run(&run);
            Ok(run.status == RunStatus::Succeeded)
        }
        JobsCommand::RunDue => {
            let runs = runner::run_due(&state, &holder).await.map_err(|e| anyhow::anyhow!(e.message))?;
            runs.iter().for_each(print_run);
            let passes = system::run_passes(&state).await.map_err(|e| anyhow::anyhow!(e.message))?;
            let passes: Vec<String> = passes.iter().map(|(k, v)| format!("{k}={v}")).collect();
            println!("{} due run(s); background passes: {}", runs.len(), passes.join(" "));
            Ok(runs.iter().all(|r| r.status == RunStatus::Succeeded))
        }
        JobsCommand::History(id) => {
            state.store.schedule(&id).await?.ok_or_else(|| anyhow::anyhow!("no schedule {id}"))?;
            let runs = state.store.runs(&id, 100).await?;
            runs.iter().for_each(print_run);
            println!("{} run(s)", runs.len());
            Ok(true)
        }
    }
}
