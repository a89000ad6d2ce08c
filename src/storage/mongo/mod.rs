//! The MongoDB store (official `mongodb` 3.x driver). Only this module knows `mongodb`/`bson`.
//!
//! Correctness rests on single-document atomic writes: a playlist is one document and every
//! write is a `replace_one` conditional on `version`.

mod counters;
mod history;
mod indexes;
mod library;
mod library_search;
mod links;
mod listens;
mod playlist_update;
mod playlists;
mod records;
mod schedules;
mod search_words;
mod tracks;
mod users;

use std::time::Duration;

use async_trait::async_trait;
use mongodb::{
    bson::{doc, Document},
    error::{ErrorKind, WriteFailure},
    options::ClientOptions,
    Client, Collection, Database,
};

use super::{Store, StoreError, StoreResult};

/// A store backed by one MongoDB database.
pub struct MongoStore {
    client: Client,
    db: Database,
}

impl MongoStore {
    /// Connects lazily (no round trip) to `uri`, using database `database`.
    pub async fn connect(uri: &str, database: &str) -> anyhow::Result<Self> {
        let mut options = ClientOptions::parse(uri)
            .await
            .map_err(|e| anyhow::anyhow!("invalid MongoDB URI (SHARIFY_MONGO__URI): {}", e.kind))?;
        options.app_name = Some("sharify".into());
        options.server_selection_timeout.get_or_insert(Duration::from_secs(5));
        options.connect_timeout.get_or_insert(Duration::from_secs(5));
        let client = Client::with_options(options)?;
        let db = client.database(database);
        Ok(Self { client, db })
    }

    pub(crate) fn users(&self) -> Collection<Document> {
        self.db.collection("users")
    }
    pub(crate) fn tokens(&self) -> Collection<Document> {
        self.db.collection("tokens")
    }
    pub(crate) fn playlists(&self) -> Collection<Document> {
        self.db.collection("playlists")
    }
    pub(crate) fn links(&self) -> Collection<Document> {
        self.db.collection("share_links")
    }
    pub(crate) fn records(&self) -> Collection<Document> {
        self.db.collection("records")
    }
    pub(crate) fn history(&self) -> Collection<Document> {
        self.db.collection("playlist_history")
    }
    pub(crate) fn counters(&self) -> Collection<Document> {
        self.db.collection("counters")
    }
    pub(crate) fn leases(&self) -> Collection<Document> {
        self.db.collection("leases")
    }
    pub(crate) fn replicas(&self) -> Collection<Document> {
        self.db.collection("replicas")
    }
    pub(crate) fn folder_trees(&self) -> Collection<Document> {
        self.db.collection("folder_trees")
    }
    pub(crate) fn placements(&self) -> Collection<Document> {
        self.db.collection("placements")
    }
    pub(crate) fn track_cache(&self) -> Collection<Document> {
        self.db.collection("track_cache")
    }

    /// Drops the whole database (tests only use this on their own throwaway databases).
    pub async fn drop_database(&self) -> StoreResult<()> {
        self.db.drop().await.map_err(mongo_err)
    }

    /// Makes the database's indexes match the store's (see `indexes`); answers how many it
    /// created (0 when they already matched: nothing was sent but one `listIndexes` each).
    pub async fn sync_indexes(&self) -> StoreResult<usize> {
        indexes::sync(&self.db).await
    }

    /// The underlying client (shared connection pool).
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// Maps a driver error to a `StoreError`.
pub(crate) fn mongo_err(e: mongodb::error::Error) -> StoreError {
    match *e.kind {
        ErrorKind::ServerSelection { .. } | ErrorKind::Io(_) | ErrorKind::ConnectionPoolCleared { .. } => {
            StoreError::Unavailable(e.to_string())
        }
        // The server answers but refuses the URI's credentials: say so in words an operator can
        // act on (the driver's own message names neither the store nor the setting).
        ErrorKind::Authentication { ref message, .. } => StoreError::Unavailable(format!(
            "MongoDB authentication failed ({message}): check the user, password and authSource in \
             SHARIFY_MONGO__URI"
        )),
        _ => StoreError::Backend(e.to_string()),
    }
}

/// True when the error is a unique-index violation (E11000).
pub(crate) fn is_duplicate_key(e: &mongodb::error::Error) -> bool {
    match &*e.kind {
        ErrorKind::Write(WriteFailure::WriteError(w)) => w.code == 11000,
        ErrorKind::Command(c) => c.code == 11000,
        _ => false,
    }
}

/// Every document a `find` answers.
pub(crate) async fn all_docs<F>(find: F) -> StoreResult<Vec<Document>>
where
    F: std::future::IntoFuture<Output = mongodb::error::Result<mongodb::Cursor<Document>>>,
{
    use futures::TryStreamExt;
    find.await.map_err(mongo_err)?.try_collect().await.map_err(mongo_err)
}

/// Maps a (de)serialisation error of a stored document.
pub(crate) fn bson_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("corrupt document: {e}"))
}

#[async_trait]
impl Store for MongoStore {
    async fn migrate(&self) -> StoreResult<()> {
        let created = self.sync_indexes().await?;
        if created > 0 {
            tracing::info!(created, database = %self.db.name(), "MongoDB indexes created");
        }
        self.mark_unindexed_playlists().await
    }

    async fn ping(&self) -> StoreResult<()> {
        self.db.run_command(doc! {"ping": 1}).await.map(|_| ()).map_err(mongo_err)
    }

    fn backend_name(&self) -> &'static str {
        "mongo"
    }
}
