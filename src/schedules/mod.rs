//! Scheduled jobs: stored schedules (cron in a time zone, or an interval), claimed with a lease
//! in the store so each due run starts once across replicas, run in-process or by
//! `sharify jobs run-due` from a Kubernetes CronJob.

pub mod cli;
pub mod deps;
pub mod model;
pub mod params;
pub mod routes;
pub mod runner;
pub mod service;
pub mod store;
pub mod system;
pub mod timing;
