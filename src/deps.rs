//! What services and jobs receive instead of the whole process state.
//!
//! Each feature names what it needs as a trait of accessors (`PlaylistDeps`, `EnrichDeps`, …),
//! built on [`Basics`]; the composition root (`app::deps`) implements them for `AppState`.
//! A service therefore sees only its own needs, can be tested with any value that provides
//! them, and the import graph runs one way: features never import `app`.

use std::sync::Arc;

use crate::{
    config::Config, connections::cipher::TokenCipher, metrics::Metrics, quotas::replicas::Quotas, storage::Store,
};

/// What nearly every service needs: the store, the configuration, the metrics, the limits and
/// leases shared across replicas, and the key that seals stored secrets.
pub trait Basics: Send + Sync {
    /// The store (embedded or MongoDB).
    fn store(&self) -> &Arc<dyn Store>;
    /// The loaded configuration.
    fn config(&self) -> &Config;
    /// Prometheus metrics.
    fn metrics(&self) -> &Metrics;
    /// Limits shared across replicas: reconciliation, live replicas, job leases.
    fn quotas(&self) -> &Quotas;
    /// Seals linked accounts' tokens and webhook secrets (`None` without `connections.token_key`).
    fn token_cipher(&self) -> &Option<Arc<TokenCipher>>;
}
