//! The embedded store: SQLite (WAL, bundled) in one directory, documents as JSON with indexed columns.
//!
//! Blocking SQLite calls run on deadpool's blocking threads via `interact`.

mod counters;
mod history;
mod item_links;
mod library;
mod library_search;
mod links;
mod listens;
#[cfg(test)]
mod migration_tests;
mod migrations;
mod playlist_rows;
mod playlists;
mod records;
mod schedules;
#[cfg(test)]
mod search_cost_tests;
mod tracks;
mod users;
mod versions;

use std::{path::Path, sync::Arc};

use async_trait::async_trait;
use deadpool_sqlite::{rusqlite, Config as PoolConfig, Hook, HookError, Pool, Runtime};

use super::{Store, StoreError, StoreResult};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "sharify.sqlite3";

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
                        // Transactions take the write lock when they begin, where the busy
                        // timeout applies (a deferred one that read first can fail at once).
                        c.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
                        // A small page cache per connection (4 MiB: eight connections must fit a
                        // pod), allowed to grow while a transaction needs it, so a change of every
                        // item (a sort) does not spill to the log before it commits.
                        c.pragma_update(None, "cache_size", -4_096)?;
                        c.pragma_update(None, "cache_spill", false)?;
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
        migrations::migrate(&mut conn).map_err(|e| anyhow::anyhow!("cannot migrate {}: {e}", path.display()))?;
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
        self.with_conn(|c| migrations::migrate(c).map_err(sql_err)).await
    }

    async fn ping(&self) -> StoreResult<()> {
        self.with_conn(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(sql_err)).await
    }

    fn backend_name(&self) -> &'static str {
        "embedded"
    }

    fn release_idle(&self) {
        // A connection reopens in about a millisecond; an idle one holds its page cache.
        self.pool.retain(|_, metrics| metrics.last_used() < IDLE_CONNECTION);
    }
}

/// How long an unused pooled connection is kept.
const IDLE_CONNECTION: std::time::Duration = std::time::Duration::from_secs(30);

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
