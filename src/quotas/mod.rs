//! Limits that hold across replicas without a store write per request.
//!
//! Each replica counts locally and decides locally (no I/O on the request path); a background
//! task reconciles the counts with the store every `ratelimit.sync_ms` (MongoDB: atomic `$inc`
//! counters per key and window, expiring with the window). So N replicas share one limit, and the
//! most it can be exceeded by is what the other N−1 replicas admit between two reconciliations.
//! The embedded store serves one process, so there the local counts are the whole truth.
//!
//! Also here: which replicas are alive (to share Last.fm's per-key budget) and leases (so one
//! replica runs each background job).

pub mod replicas;
pub mod store;
pub mod windows;
