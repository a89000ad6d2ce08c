//! What the schedule runner needs from the process.

use std::sync::atomic::AtomicBool;

use crate::{jobs::job_deps::JobDeps, webhooks::deliver::DeliveryDeps};

/// The runner's needs: everything a scheduled job and a system pass need (the jobs, webhook
/// deliveries), and whether this process is shutting down (it stops taking runs).
pub trait RunnerDeps: JobDeps + DeliveryDeps {
    /// Set once shutdown begins.
    fn shutting_down(&self) -> &AtomicBool;
}
