//! What a library search costs follows the caller's own library, not everyone's: counted in
//! SQLite virtual-machine steps, which do not depend on the machine's speed.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use deadpool_sqlite::rusqlite::{params, Connection};

use super::{
    library_search::{indexed_hits, scanned_hits, track_hits},
    EmbeddedStore, DB_FILE,
};
use crate::library::{store::TrackHit, terms::SearchTerms};

fn add_playlist(c: &Connection, id: &str, owner: &str, tracks: &[(String, String)]) {
    c.execute(
        "INSERT INTO playlists (id, owner_id, updated_us, version, meta, items) VALUES (?1, ?2, 1, 1, '{}', '[]')",
        params![id, owner],
    )
    .unwrap();
    for (pos, (artist, title)) in tracks.iter().enumerate() {
        let doc = serde_json::json!({"item_id": format!("i{pos}"), "artist": artist, "title": title,
            "added_by": owner, "added_at": "2026-01-01T00:00:00Z", "track_key": format!("{artist} {title}").to_lowercase(),
            "enrichment": "unenriched"});
        c.execute(
            "INSERT INTO playlist_items (playlist_id, item_id, pos, doc) VALUES (?1, ?2, ?3, ?4)",
            params![id, format!("i{pos}"), pos as i64, doc.to_string()],
        )
        .unwrap();
    }
}

/// The answer of `search` and the SQLite steps it took (counted 16 at a time).
fn steps(c: &Connection, search: impl FnOnce(&Connection) -> Vec<TrackHit>) -> (Vec<(String, String)>, u64) {
    let counted = Arc::new(AtomicU64::new(0));
    let counter = counted.clone();
    c.progress_handler(
        16,
        Some(move || {
            counter.fetch_add(16, Ordering::Relaxed);
            false
        }),
    )
    .unwrap();
    let hits = search(c).into_iter().map(|h| (h.playlist_id, h.item.item_id.clone())).collect();
    c.progress_handler(16, None::<fn() -> bool>).unwrap();
    (hits, counted.load(Ordering::Relaxed))
}

#[test]
fn a_search_costs_what_the_callers_library_holds_not_what_others_hold() {
    let dir = tempfile::tempdir().unwrap();
    drop(EmbeddedStore::open(dir.path()).unwrap());
    let c = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let crowd: Vec<(String, String)> = (0..5_000).map(|n| (format!("Abba {n}"), format!("A song {n}"))).collect();
    add_playlist(&c, "bobs", "bob", &crowd);
    let own = [("ABBA", "Dancing Queen"), ("Björk", "Army of Me"), ("Air", "La femme d'argent")];
    add_playlist(&c, "carols", "carol", &own.map(|(a, t)| (a.to_owned(), t.to_owned())));
    let terms = SearchTerms::parse(Some("a")).unwrap();

    let (empty, empty_cost) = steps(&c, |c| track_hits(c, "alice", &terms, "", 50).unwrap());
    let (_, empty_before) = steps(&c, |c| indexed_hits(c, "alice", &terms.fts_query(), "", 50).unwrap());
    assert!(empty.is_empty());
    assert!(empty_cost * 100 < empty_before, "an empty library: {empty_cost} steps, through the index {empty_before}");

    let (small, small_cost) = steps(&c, |c| track_hits(c, "carol", &terms, "", 50).unwrap());
    let (indexed, small_before) = steps(&c, |c| indexed_hits(c, "carol", &terms.fts_query(), "", 50).unwrap());
    assert_eq!(small, indexed, "both ways find the same items in the same order");
    assert_eq!(small.len(), 3);
    assert!(small_cost * 20 < small_before, "a small library: {small_cost} steps, through the index {small_before}");

    // Several words, diacritics folded, and paging by track key agree too.
    for (q, after, limit) in [("bjork army", "", 50), ("a", "abba dancing queen", 1), ("femme arg", "", 50)] {
        let terms = SearchTerms::parse(Some(q)).unwrap();
        let scanned = steps(&c, |c| scanned_hits(c, "carol", &terms, after, limit).unwrap()).0;
        let indexed = steps(&c, |c| indexed_hits(c, "carol", &terms.fts_query(), after, limit).unwrap()).0;
        assert_eq!(scanned, indexed, "{q:?} after {after:?}");
        assert_eq!(scanned.len(), 1, "{q:?} after {after:?}: {scanned:?}");
    }
}
