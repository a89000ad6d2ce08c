//! The embedded store's schema, as migrations applied in order.

use deadpool_sqlite::rusqlite;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // Folders and placements (`library`), and the library search indexes: FTS5 over items and
    // playlists, kept in step with their rows by triggers (so in the same transaction). An item's
    // index row is found through `item_search_rows` (ids never reused); a removed item only
    // loses that mapping (cheap on the write path: deleting from FTS5 is not) and its index row
    // waits in `item_search_garbage` until `compact_search_index` removes it in the background.
    "CREATE TABLE folder_trees (
       user_id TEXT PRIMARY KEY,
       rev INTEGER NOT NULL,
       doc TEXT NOT NULL
     );
     CREATE TABLE placements (
       user_id TEXT NOT NULL,
       playlist_id TEXT NOT NULL,
       folder_id TEXT,
       tags TEXT NOT NULL,
       PRIMARY KEY (user_id, playlist_id)
     ) WITHOUT ROWID;
     CREATE INDEX placements_by_folder ON placements (user_id, folder_id);
     CREATE INDEX placements_by_playlist ON placements (playlist_id);
     CREATE TABLE item_search_rows (
       id INTEGER PRIMARY KEY AUTOINCREMENT,
       playlist_id TEXT NOT NULL,
       item_id TEXT NOT NULL,
       track_key TEXT NOT NULL,
       UNIQUE (playlist_id, item_id)
     );
     CREATE INDEX item_search_rows_by_track ON item_search_rows (track_key);
     CREATE TABLE item_search_garbage (id INTEGER PRIMARY KEY);
     CREATE VIRTUAL TABLE item_search USING fts5(artist, title, album,
       tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0);
     CREATE VIRTUAL TABLE playlist_search USING fts5(name, description,
       tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0);
     INSERT INTO item_search_rows (playlist_id, item_id, track_key)
       SELECT playlist_id, item_id, ifnull(json_extract(doc, '$.track_key'), '') FROM playlist_items;
     INSERT INTO item_search (rowid, artist, title, album)
       SELECT r.id, json_extract(i.doc, '$.artist'), json_extract(i.doc, '$.title'), ifnull(json_extract(i.doc, '$.album'), '')
       FROM item_search_rows r JOIN playlist_items i ON i.playlist_id = r.playlist_id AND i.item_id = r.item_id;
     INSERT INTO playlist_search (rowid, name, description)
       SELECT rowid, json_extract(meta, '$.name'), json_extract(meta, '$.description') FROM playlists;
     CREATE TRIGGER item_search_insert AFTER INSERT ON playlist_items BEGIN
       INSERT INTO item_search_rows (playlist_id, item_id, track_key)
         VALUES (new.playlist_id, new.item_id, ifnull(json_extract(new.doc, '$.track_key'), ''));
       INSERT INTO item_search (rowid, artist, title, album) VALUES (
         (SELECT id FROM item_search_rows WHERE playlist_id = new.playlist_id AND item_id = new.item_id),
         json_extract(new.doc, '$.artist'), json_extract(new.doc, '$.title'), ifnull(json_extract(new.doc, '$.album'), ''));
     END;
     CREATE TRIGGER item_search_delete AFTER DELETE ON playlist_items BEGIN
       INSERT INTO item_search_garbage (id)
         SELECT id FROM item_search_rows WHERE playlist_id = old.playlist_id AND item_id = old.item_id;
       DELETE FROM item_search_rows WHERE playlist_id = old.playlist_id AND item_id = old.item_id;
     END;
     CREATE TRIGGER item_search_update AFTER UPDATE OF doc ON playlist_items
       WHEN json_extract(old.doc, '$.artist') IS NOT json_extract(new.doc, '$.artist')
         OR json_extract(old.doc, '$.title') IS NOT json_extract(new.doc, '$.title')
         OR json_extract(old.doc, '$.album') IS NOT json_extract(new.doc, '$.album')
     BEGIN
       INSERT INTO item_search_garbage (id)
         SELECT id FROM item_search_rows WHERE playlist_id = old.playlist_id AND item_id = old.item_id;
       DELETE FROM item_search_rows WHERE playlist_id = old.playlist_id AND item_id = old.item_id;
       INSERT INTO item_search_rows (playlist_id, item_id, track_key)
         VALUES (new.playlist_id, new.item_id, ifnull(json_extract(new.doc, '$.track_key'), ''));
       INSERT INTO item_search (rowid, artist, title, album) VALUES (
         (SELECT id FROM item_search_rows WHERE playlist_id = new.playlist_id AND item_id = new.item_id),
         json_extract(new.doc, '$.artist'), json_extract(new.doc, '$.title'), ifnull(json_extract(new.doc, '$.album'), ''));
     END;
     CREATE TRIGGER playlist_search_insert AFTER INSERT ON playlists BEGIN
       INSERT INTO playlist_search (rowid, name, description)
         VALUES (new.rowid, json_extract(new.meta, '$.name'), json_extract(new.meta, '$.description'));
     END;
     CREATE TRIGGER playlist_search_delete AFTER DELETE ON playlists BEGIN
       DELETE FROM playlist_search WHERE rowid = old.rowid;
     END;
     CREATE TRIGGER playlist_search_update AFTER UPDATE OF meta ON playlists
       WHEN json_extract(old.meta, '$.name') IS NOT json_extract(new.meta, '$.name')
         OR json_extract(old.meta, '$.description') IS NOT json_extract(new.meta, '$.description')
     BEGIN
       DELETE FROM playlist_search WHERE rowid = old.rowid;
       INSERT INTO playlist_search (rowid, name, description)
         VALUES (new.rowid, json_extract(new.meta, '$.name'), json_extract(new.meta, '$.description'));
     END;",
    // Records as a rowid table: a WITHOUT ROWID table keeps whole rows in its interior pages, so
    // one large value (a stored response, a push run's report) made every lookup that passed it
    // read its overflow pages; now the (kind, key) index holds only the keys.
    "CREATE TABLE records_rows (
       kind TEXT NOT NULL,
       key TEXT NOT NULL,
       owner TEXT NOT NULL,
       value TEXT NOT NULL,
       expires_us INTEGER,
       PRIMARY KEY (kind, key)
     );
     INSERT INTO records_rows (kind, key, owner, value, expires_us)
       SELECT kind, key, owner, value, expires_us FROM records;
     DROP TABLE records;
     ALTER TABLE records_rows RENAME TO records;
     CREATE INDEX records_by_owner ON records (owner);",
];

/// Applies the migrations not yet applied, each in its own transaction.
pub(super) fn migrate(conn: &mut rusqlite::Connection) -> rusqlite::Result<()> {
    let applied: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
