//! A store written before items were rows opens with every playlist, its order and its restore
//! points intact.

use deadpool_sqlite::rusqlite::{params, Connection};

use super::{migrations::MIGRATIONS, EmbeddedStore, DB_FILE};
use crate::playlists::{
    history::{rebuild, HistoryStore},
    store::PlaylistStore,
};

/// What the service stored per playlist before: items as one JSON array, snapshots per version.
fn write_old_store(dir: &std::path::Path) {
    let mut c = Connection::open(dir.join(DB_FILE)).unwrap();
    for (i, sql) in MIGRATIONS.iter().take(4).enumerate() {
        let tx = c.transaction().unwrap();
        tx.execute_batch(sql).unwrap();
        tx.pragma_update(None, "user_version", (i + 1) as i64).unwrap();
        tx.commit().unwrap();
    }
    let item = |id: &str, title: &str| {
        format!(
            r#"{{"item_id":"{id}","artist":"A","title":"{title}","added_by":"u","added_at":"2026-01-01T00:00:00Z","track_key":"a {title}","enrichment":"unenriched"}}"#
        )
    };
    let items = format!("[{},{},{}]", item("i1", "one"), item("i2", "two"), item("i3", "three"));
    let meta = r#"{"id":"p1","owner_id":"u","owner_username":"owner","name":"Old","description":"","visibility":"private","version":2,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:01Z","item_count":3,"pending_items":0}"#;
    c.execute(
        "INSERT INTO playlists (id, owner_id, updated_us, version, meta, items) VALUES ('p1', 'u', 1, 2, ?1, ?2)",
        params![meta, items],
    )
    .unwrap();
    let entry = |v: u32| {
        format!(
            r#"{{"playlist_id":"p1","version":{v},"at":"2026-01-01T00:00:00Z","actor_id":"u","actor":"owner","op":"x","summary":{{"added":0,"removed":0,"reordered":false,"fields":[]}}}}"#
        )
    };
    let snapshot = |items: &str| format!(r#"{{"name":"Old","description":"","items":{items}}}"#);
    let first = format!("[{}]", item("i1", "one"));
    for (v, content) in [(1, first), (2, items)] {
        c.execute(
            "INSERT INTO playlist_history (playlist_id, version, doc, snapshot) VALUES ('p1', ?1, ?2, ?3)",
            params![v, entry(v), snapshot(&content)],
        )
        .unwrap();
    }
}

#[tokio::test]
async fn playlists_stored_as_one_document_open_as_rows_in_order_with_their_history() {
    let dir = tempfile::tempdir().unwrap();
    write_old_store(dir.path());
    let store = EmbeddedStore::open(dir.path()).unwrap();
    let p = store.playlist("p1").await.unwrap().expect("the playlist survived");
    let titles: Vec<&str> = p.items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["one", "two", "three"]);
    assert!(p.items.windows(2).all(|w| w[0].pos < w[1].pos), "items got increasing positions");
    assert_eq!(store.playlist_revision("p1").await.unwrap().map(|r| r.version), Some(2));
    for (version, count) in [(1, 1), (2, 3)] {
        let chain = store.restore_chain("p1", version).await.unwrap();
        assert_eq!(rebuild(&chain, version).map(|s| s.items.len()), Some(count), "version {version} restorable");
    }
}

/// Records written to the old `WITHOUT ROWID` table are all there after the migration that makes
/// it a rowid table (whose key index holds only the keys, so a large value no longer slows every
/// lookup that passes it).
#[tokio::test]
async fn records_survive_becoming_a_rowid_table() {
    use crate::storage::records::{RecordKey, RecordStore};
    let dir = tempfile::tempdir().unwrap();
    {
        let mut c = Connection::open(dir.path().join(DB_FILE)).unwrap();
        for (i, sql) in MIGRATIONS.iter().take(MIGRATIONS.len() - 1).enumerate() {
            let tx = c.transaction().unwrap();
            tx.execute_batch(sql).unwrap();
            tx.pragma_update(None, "user_version", (i + 1) as i64).unwrap();
            tx.commit().unwrap();
        }
        let big = "x".repeat(1 << 20);
        for (key, value) in [("a", "small"), ("b", big.as_str()), ("c", "other")] {
            c.execute(
                "INSERT INTO records (kind, key, owner, value, expires_us) VALUES ('k', ?1, 'u', ?2, NULL)",
                params![key, value],
            )
            .unwrap();
        }
    }
    let store = EmbeddedStore::open(dir.path()).unwrap();
    let keys: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
    let found = store.records("k", &keys).await.unwrap();
    assert_eq!(found.len(), 3);
    assert_eq!(found.iter().find(|(k, _)| k == "b").unwrap().1.len(), 1 << 20);
    store.put_record(RecordKey { kind: "k", owner: "u", key: "d" }, "new", None).await.unwrap();
    assert_eq!(store.records("k", &["d".to_owned()]).await.unwrap(), vec![("d".to_owned(), "new".to_owned())]);
    let sql: String = Connection::open(dir.path().join(DB_FILE))
        .unwrap()
        .query_row("SELECT sql FROM sqlite_master WHERE name = 'records'", [], |r| r.get(0))
        .unwrap();
    assert!(!sql.to_uppercase().contains("WITHOUT ROWID"), "{sql}");
}
