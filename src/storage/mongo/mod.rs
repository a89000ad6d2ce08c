//! The MongoDB store (official `mongodb` 3.x driver). Only this module knows `mongodb`/`bson`.
//!
//! Correctness rests on single-document atomic writes: a playlist is one document and every
//! write is a `replace_one` conditional on `version`.

mod counters;
mod history;
mod library;
mod library_search;
mod links;
mod listens;
mod playlist_update;
mod playlists;
mod records;
mod schedules;
mod tracks;
mod users;

use std::time::Duration;

use async_trait::async_trait;
use mongodb::{
    bson::{doc, Document},
    error::{ErrorKind, WriteFailure},
    options::{ClientOptions, IndexOptions},
    Client, Collection, Database, IndexModel,
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

fn index(keys: Document, name: &str, unique: bool) -> IndexModel {
    IndexModel::builder()
        .keys(keys)
        .options(IndexOptions::builder().name(name.to_owned()).unique(unique).build())
        .build()
}

/// A TTL index: documents go once `field` (a date) is past.
fn expiring(field: &str, name: &str) -> IndexModel {
    IndexModel::builder()
        .keys(doc! {field: 1})
        .options(IndexOptions::builder().name(name.to_owned()).expire_after(Duration::ZERO).build())
        .build()
}

#[async_trait]
impl Store for MongoStore {
    async fn migrate(&self) -> StoreResult<()> {
        self.users()
            .create_index(index(doc! {"username_key": 1}, "username_key_unique", true))
            .await
            .map_err(mongo_err)?;
        self.tokens().create_index(index(doc! {"user_id": 1}, "by_user", false)).await.map_err(mongo_err)?;
        self.tokens().create_index(index(doc! {"expires_us": 1}, "by_expiry", false)).await.map_err(mongo_err)?;
        self.playlists()
            .create_index(index(doc! {"owner_id": 1, "updated_us": -1, "_id": -1}, "by_owner_updated", false))
            .await
            .map_err(mongo_err)?;
        self.playlists().create_index(index(doc! {"updated_us": -1}, "by_updated", false)).await.map_err(mongo_err)?;
        self.playlists()
            .create_index(index(doc! {"pending_items": 1}, "by_pending", false))
            .await
            .map_err(mongo_err)?;
        let by_member = doc! {"member_ids": 1, "updated_us": -1, "_id": -1};
        self.playlists().create_index(index(by_member, "by_member_updated", false)).await.map_err(mongo_err)?;
        let public = doc! {"visibility": 1, "updated_us": -1, "_id": -1};
        self.playlists().create_index(index(public, "by_visibility_updated", false)).await.map_err(mongo_err)?;
        let by_version = doc! {"playlist_id": 1, "version": -1};
        self.history().create_index(index(by_version, "by_playlist_version", false)).await.map_err(mongo_err)?;
        self.links().create_index(index(doc! {"token_hash": 1}, "token_hash_unique", true)).await.map_err(mongo_err)?;
        self.links().create_index(index(doc! {"playlist_id": 1}, "by_playlist", false)).await.map_err(mongo_err)?;
        self.counters().create_index(expiring("expires_at", "expire")).await.map_err(mongo_err)?;
        self.replicas().create_index(expiring("until", "expire")).await.map_err(mongo_err)?;
        self.records().create_index(expiring("expires_at", "expire")).await.map_err(mongo_err)?;
        self.records().create_index(index(doc! {"owner": 1}, "by_owner", false)).await.map_err(mongo_err)?;
        let schedules = self.db.collection::<Document>("schedules");
        schedules.create_index(index(doc! {"owner_id": 1}, "by_owner", false)).await.map_err(mongo_err)?;
        schedules.create_index(index(doc! {"enabled": 1, "next_run_at": 1}, "due", false)).await.map_err(mongo_err)?;
        let runs = self.db.collection::<Document>("schedule_runs");
        runs.create_index(index(doc! {"schedule_id": 1, "started_at": -1}, "by_schedule", false))
            .await
            .map_err(mongo_err)?;
        self.track_cache().create_index(index(doc! {"fetched_us": 1}, "by_fetch", false)).await.map_err(mongo_err)?;
        let listens = self.db.collection::<Document>("listens");
        listens.create_index(index(doc! {"user_id": 1, "at_us": 1}, "by_user_time", false)).await.map_err(mongo_err)?;
        listens
            .create_index(index(doc! {"user_id": 1, "source": 1, "at_us": -1}, "by_source", false))
            .await
            .map_err(mongo_err)?;
        self.playlists().create_index(library_search::text_index()).await.map_err(mongo_err)?;
        let placements = self.placements();
        placements
            .create_index(index(doc! {"user_id": 1, "folder": 1}, "by_folder", false))
            .await
            .map_err(mongo_err)?;
        placements.create_index(index(doc! {"user_id": 1, "tags": 1}, "by_tag", false)).await.map_err(mongo_err)?;
        placements.create_index(index(doc! {"playlist_id": 1}, "by_playlist", false)).await.map_err(mongo_err)?;
        Ok(())
    }

    async fn ping(&self) -> StoreResult<()> {
        self.db.run_command(doc! {"ping": 1}).await.map(|_| ()).map_err(mongo_err)
    }

    fn backend_name(&self) -> &'static str {
        "mongo"
    }
}
