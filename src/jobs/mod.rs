//! Background jobs; each has a `run_once` that tests can call directly.

pub mod housekeeping;
pub mod pending_enrichment;
