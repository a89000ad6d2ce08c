//! `Store`: every feature's store trait, implemented by the embedded (SQLite) and MongoDB backends.

pub mod embedded;
pub mod instrumented;
pub mod mongo;

use std::sync::Arc;

use async_trait::async_trait;

use crate::{
    auth::store::TokenStore, config::Config, playlists::history::HistoryStore, playlists::store::PlaylistStore,
    quotas::store::CounterStore, sharing::links::ShareLinkStore, tracks::store::TrackCacheStore,
    users::store::UserStore,
};

/// What a store operation can fail with; the HTTP edge maps these to statuses.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StoreError {
    /// The document does not exist.
    #[error("not found")]
    NotFound,
    /// A unique key is taken; names what (e.g. `username`).
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A conditional write lost: the stored version differs.
    #[error("version mismatch (current {current})")]
    VersionMismatch {
        /// The version now stored.
        current: u64,
    },
    /// A conditional write lost only to enrichment results (the version is unchanged): re-read
    /// and retry, never a 412.
    #[error("stale copy: enrichment changed the playlist")]
    Stale,
    /// The backend cannot be reached right now.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Anything else the backend reported.
    #[error("store error: {0}")]
    Backend(String),
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// All feature stores plus lifecycle operations; `AppState` holds one as `Arc<dyn Store>`.
#[async_trait]
pub trait Store:
    UserStore + TokenStore + PlaylistStore + HistoryStore + ShareLinkStore + TrackCacheStore + CounterStore + Send + Sync
{
    /// Creates tables, collections and indexes (idempotent).
    async fn migrate(&self) -> StoreResult<()>;
    /// Checks the backend answers.
    async fn ping(&self) -> StoreResult<()>;
    /// A short name for logs and metrics (`embedded` or `mongo`).
    fn backend_name(&self) -> &'static str;
}

/// Opens the configured store: MongoDB when a URI is set, else the embedded store.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    match &config.mongo.uri {
        Some(uri) => Ok(Arc::new(mongo::MongoStore::connect(uri.expose(), &config.mongo.database).await?)),
        None => Ok(Arc::new(embedded::EmbeddedStore::open(&config.store.data_dir)?)),
    }
}
