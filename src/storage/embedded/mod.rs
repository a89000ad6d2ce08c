//! The embedded store: SQLite (WAL, bundled) in one directory, documents as JSON with indexed columns.
//!
//! Blocking SQLite calls run on deadpool's blocking threads via `interact`.

mod counters;
mod history;
mod item_links;
mod links;
mod listens;
#[cfg(test)]
mod migration_tests;
mod playlist_rows;
mod playlists;
mod records;
mod schedules;
mod tracks;
mod users;
mod versions;

use std::{path::Path, sync::Arc};

use async_trait::async_trait;
use deadpool_sqlite::{rusqlite, Config as PoolConfig, Hook, HookError, Pool, Runtime};

use super::{Store, StoreError, StoreResult};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "sharify.sqlite3";

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS users (
       id TEXT PRIMARY KEY,
       username_key TEXT NOT NULL UNIQUE,
       doc TEXT NOT NULL
     );
     CREATE TABLE IF NOT EXISTS tokens (
       token_hash TEXT PRIMARY KEY,
       user_id TEXT NOT NULL,
       expires_us INTEGER NOT NULL,
       doc TEXT NOT NULL
     );
     CREATE INDEX IF NOT EXISTS tokens_by_expiry ON tokens (expires_us);
     CREATE TABLE IF NOT EXISTS playlists (
       id TEXT PRIMARY KEY,
       owner_id TEXT NOT NULL,
       updated_us INTEGER NOT NULL,
       version INTEGER NOT NULL,
       meta TEXT NOT NULL,
       items TEXT NOT NULL
     );
     CREATE INDEX IF NOT EXISTS playlists_by_owner ON playlists (owner_id, updated_us DESC, id DESC);
     CREATE INDEX IF NOT EXISTS playlists_by_update ON playlists (updated_us DESC);",
    "ALTER TABLE playlists ADD COLUMN pending_items INTEGER NOT NULL DEFAULT 0;
     CREATE INDEX playlists_pending ON playlists (pending_items) WHERE pending_items > 0;
     CREATE TABLE track_cache (
       key TEXT PRIMARY KEY,
       fetched_us INTEGER NOT NULL,
       doc TEXT NOT NULL
     );",
    "ALTER TABLE playlists ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE playlists ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
     CREATE INDEX playlists_public ON playlists (public, updated_us DESC, id DESC);
     CREATE TABLE playlist_members (
       user_id TEXT NOT NULL,
       playlist_id TEXT NOT NULL,
       PRIMARY KEY (user_id, playlist_id)
     );
     CREATE INDEX playlist_members_by_playlist ON playlist_members (playlist_id);
     CREATE TABLE playlist_history (
       playlist_id TEXT NOT NULL,
       version INTEGER NOT NULL,
       doc TEXT NOT NULL,
       snapshot TEXT,
       PRIMARY KEY (playlist_id, version)
     );",
    "CREATE TABLE share_links (
       link_id TEXT PRIMARY KEY,
       playlist_id TEXT NOT NULL,
       token_hash TEXT NOT NULL UNIQUE,
       uses INTEGER NOT NULL,
       visits INTEGER NOT NULL,
       revoked INTEGER NOT NULL,
       doc TEXT NOT NULL
     );
     CREATE INDEX share_links_by_playlist ON share_links (playlist_id);",
    // Items become rows ordered by a sparse position (a change touches only its rows); history
    // keeps changes (`delta`) between checkpoints (`snapshot`); enrichment has its own counter.
    "CREATE TABLE playlist_items (
       playlist_id TEXT NOT NULL,
       item_id TEXT NOT NULL,
       pos INTEGER NOT NULL,
       doc TEXT NOT NULL,
       PRIMARY KEY (playlist_id, item_id)
     ) WITHOUT ROWID;
     CREATE UNIQUE INDEX playlist_items_order ON playlist_items (playlist_id, pos);
     INSERT INTO playlist_items (playlist_id, item_id, pos, doc)
       SELECT p.id, json_extract(j.value, '$.item_id'), (CAST(j.key AS INTEGER) + 1) * 4294967296, j.value
       FROM playlists p, json_each(p.items) j;
     UPDATE playlists SET items = '[]';
     ALTER TABLE playlists ADD COLUMN enrichment_gen INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE playlist_history ADD COLUMN delta TEXT;",
    // Idempotency keys and remembered match decisions (`storage::records`).
    "CREATE TABLE records (
       kind TEXT NOT NULL,
       key TEXT NOT NULL,
       owner TEXT NOT NULL,
       value TEXT NOT NULL,
       expires_us INTEGER,
       PRIMARY KEY (kind, key)
     ) WITHOUT ROWID;
     CREATE INDEX records_by_owner ON records (owner);",
    // Schedules with their lease, their runs, and listening history (`schedules`, `listens`).
    "CREATE TABLE schedules (
       id TEXT PRIMARY KEY,
       owner_id TEXT NOT NULL,
       enabled INTEGER NOT NULL,
       next_run_us INTEGER,
       rev INTEGER NOT NULL,
       lease_holder TEXT,
       lease_until_us INTEGER,
       doc TEXT NOT NULL
     );
     CREATE INDEX schedules_by_owner ON schedules (owner_id);
     CREATE INDEX schedules_due ON schedules (next_run_us) WHERE enabled = 1;
     CREATE TABLE schedule_runs (
       schedule_id TEXT NOT NULL,
       run_id TEXT NOT NULL,
       started_us INTEGER NOT NULL,
       doc TEXT NOT NULL,
       PRIMARY KEY (schedule_id, run_id)
     ) WITHOUT ROWID;
     CREATE INDEX schedule_runs_by_start ON schedule_runs (schedule_id, started_us DESC);
     CREATE TABLE listens (
       user_id TEXT NOT NULL,
       at_us INTEGER NOT NULL,
       track_key TEXT NOT NULL,
       source TEXT NOT NULL,
       artist TEXT NOT NULL,
       title TEXT NOT NULL,
       album TEXT,
       PRIMARY KEY (user_id, at_us, track_key)
     ) WITHOUT ROWID;
     CREATE INDEX listens_by_source ON listens (user_id, source, at_us);
     ALTER TABLE track_cache ADD COLUMN accessed_us INTEGER;
     CREATE INDEX track_cache_by_fetch ON track_cache (fetched_us);",
];

/// Applies the migrations not yet applied, each in its own transaction.
fn migrate(conn: &mut rusqlite::Connection) -> rusqlite::Result<()> {
    let applied: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// The lock file that keeps a second process off a data directory.
pub const LOCK_FILE: &str = "sharify.lock";

/// SQLite-backed store in a single directory, for one process only: opening it takes an
/// exclusive lock on the directory, held until the store is dropped or the process ends.
pub struct EmbeddedStore {
    pool: Pool,
    /// Held for the store's lifetime (the OS releases it if the process dies).
    _lock: std::fs::File,
    /// Playlist versions, known without a read (this process is the only writer).
    pub(crate) versions: Arc<versions::Versions>,
    /// Shared-limit counters (in memory: this process is the only one).
    counters: counters::Counters,
}

impl EmbeddedStore {
    /// Opens (creating if needed) the store in `data_dir` and applies the schema.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| anyhow::anyhow!("cannot create data directory {}: {e}", data_dir.display()))?;
        let lock = lock_data_dir(data_dir)?;
        let path = data_dir.join(DB_FILE);
        let mut config = PoolConfig::new(&path);
        config.pool = Some(deadpool_sqlite::PoolConfig::new(8));
        // Per-connection settings, applied once when the pool opens a connection.
        let pool = config
            .builder(Runtime::Tokio1)?
            .post_create(Hook::async_fn(|conn, _| {
                Box::pin(async move {
                    conn.interact(|c| {
                        c.busy_timeout(std::time::Duration::from_secs(10))?;
                        c.pragma_update(None, "synchronous", "FULL")
                    })
                    .await
                    .map_err(|e| HookError::message(e.to_string()))?
                    .map_err(HookError::Backend)
                })
            }))
            .build()?;
        // WAL is persistent; migrations run before the pool hands out connections.
        let mut conn =
            rusqlite::Connection::open(&path).map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        migrate(&mut conn).map_err(|e| anyhow::anyhow!("cannot migrate {}: {e}", path.display()))?;
        Ok(Self { pool, _lock: lock, versions: Arc::default(), counters: Default::default() })
    }

    /// Runs `f` on a pooled connection on a blocking thread.
    pub(crate) async fn with_conn<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut rusqlite::Connection) -> StoreResult<T> + Send + 'static,
    {
        let conn = self.pool.get().await.map_err(|e| StoreError::Unavailable(e.to_string()))?;
        conn.interact(f).await.map_err(|e| StoreError::Backend(e.to_string()))?
    }
}

/// Takes the data directory's exclusive lock, or explains who holds it.
fn lock_data_dir(data_dir: &Path) -> anyhow::Result<std::fs::File> {
    let path = data_dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(anyhow::anyhow!(
            "the embedded store in {} is in use by another sharify process; it serves one process only \
             (stop the other one, give this one another SHARIFY_STORE__DATA_DIR, or use MongoDB for replicas)",
            data_dir.display()
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(anyhow::anyhow!("cannot lock {}: {e}", path.display())),
    }
}

/// Maps a SQLite error to a `StoreError`.
pub(crate) fn sql_err(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Unavailable(e.to_string())
        }
        _ => StoreError::Backend(e.to_string()),
    }
}

/// Reads the JSON document selected by `sql` (one `?1` parameter), if any.
pub(crate) fn find_doc<T: serde::de::DeserializeOwned>(
    c: &rusqlite::Connection,
    sql: &str,
    key: String,
) -> StoreResult<Option<T>> {
    use rusqlite::OptionalExtension;
    let doc: Option<String> = c.query_row(sql, [key], |r| r.get(0)).optional().map_err(sql_err)?;
    doc.map(|d| serde_json::from_str(&d).map_err(json_err)).transpose()
}

/// Maps a JSON (de)serialisation error of a stored document.
pub(crate) fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Backend(format!("corrupt document: {e}"))
}

#[async_trait]
impl Store for EmbeddedStore {
    async fn migrate(&self) -> StoreResult<()> {
        self.with_conn(|c| migrate(c).map_err(sql_err)).await
    }

    async fn ping(&self) -> StoreResult<()> {
        self.with_conn(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(sql_err)).await
    }

    fn backend_name(&self) -> &'static str {
        "embedded"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_store_on_the_same_directory_is_refused_until_the_first_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let first = EmbeddedStore::open(dir.path()).unwrap();
        let err = EmbeddedStore::open(dir.path()).err().expect("a second open is refused").to_string();
        assert!(err.contains("in use by another sharify process"), "{err}");
        drop(first);
        EmbeddedStore::open(dir.path()).expect("free again once the first is dropped");
    }
}
