//! `Store`: every feature's store trait, implemented by the embedded (SQLite) and MongoDB backends.

pub mod embedded;
pub mod instrumented;
pub mod mongo;
pub mod records;

use std::sync::Arc;

use async_trait::async_trait;

use crate::{
    auth::store::TokenStore, config::Config, playlists::history::HistoryStore, playlists::store::PlaylistStore,
    quotas::store::CounterStore, sharing::link_store::ShareLinkStore, tracks::store::TrackCacheStore,
    users::store::UserStore,
};

pub use crate::store_error::{StoreError, StoreResult};

/// All feature stores plus lifecycle operations; `AppState` holds one as `Arc<dyn Store>`.
#[async_trait]
pub trait Store:
    UserStore
    + TokenStore
    + PlaylistStore
    + HistoryStore
    + ShareLinkStore
    + TrackCacheStore
    + CounterStore
    + records::RecordStore
    + crate::schedules::store::ScheduleStore
    + crate::listens::model::ListenStore
    + crate::library::store::LibraryStore
    + Send
    + Sync
{
    /// Creates tables, collections and indexes (idempotent).
    async fn migrate(&self) -> StoreResult<()>;
    /// Checks the backend answers.
    async fn ping(&self) -> StoreResult<()>;
    /// A short name for logs and metrics (`embedded` or `mongo`).
    fn backend_name(&self) -> &'static str;
    /// Lets go of what it holds for work that has stopped (the embedded store closes
    /// connections unused for a while, each holding its page cache and prepared statements).
    fn release_idle(&self) {}
}

/// Opens the configured store: MongoDB when a URI is set, else the embedded store.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    match &config.mongo.uri {
        Some(uri) => Ok(Arc::new(mongo::MongoStore::connect(uri.expose(), &config.mongo.database).await?)),
        None => Ok(Arc::new(embedded::EmbeddedStore::open(&config.store.data_dir)?)),
    }
}
