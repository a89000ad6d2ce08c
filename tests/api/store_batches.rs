//! Reads that answer more rows than a server's first batch holds (MongoDB and DocumentDB send
//! 101 documents, then the driver asks for the rest with `getMore`): every row comes back, on
//! both stores. And playlists written before the MongoDB store kept search words become
//! searchable at the next start.

use std::sync::Arc;

use sharify::{
    ids,
    library::{model::PlacementChange, terms::SearchTerms},
    playlists::model::ListScope,
    storage::Store,
    tracks::model::CachedTrack,
};

use crate::{
    helpers::{Backend, TestStore},
    store_contract::{insert, item, playlist, positioned},
};

/// More than one first batch.
const ROWS: usize = 150;

async fn reads_past_the_first_batch_return_every_row(backend: Backend) {
    let s = TestStore::new(backend).await;
    let owner = "batch-owner";
    let mut ids = Vec::new();
    for n in 0..ROWS {
        let mut p = playlist(owner, &format!("Batch {n}"), n as i64);
        p.items = vec![positioned(item("Batcher", "Same Song"), 1)];
        p.sync_derived();
        insert(&s.store, &p).await.unwrap();
        let change = PlacementChange { folder: Some(Some("f1".into())), tags: Some(vec!["many".into()]) };
        s.store.update_placement(owner, &p.meta.id, &change).await.unwrap();
        ids.push(p.meta.id);
    }
    let terms = SearchTerms::parse(Some("batcher")).unwrap();
    let hits = s.store.search_tracks(owner, &terms, None, 10).await.unwrap();
    assert_eq!(hits.len(), ROWS, "one track, held by every playlist");
    let terms = SearchTerms::parse(Some("batch")).unwrap();
    assert_eq!(s.store.search_playlists(owner, &terms, &[], None, 1000).await.unwrap().len(), ROWS);
    assert_eq!(s.store.all_placements(owner).await.unwrap().len(), ROWS);
    assert_eq!(s.store.tagged(owner, "many").await.unwrap().len(), ROWS);
    assert_eq!(s.store.filed_in(owner, &["f1".to_owned()]).await.unwrap().len(), ROWS);
    let listed = s.store.member_playlists_among(owner, ListScope::All, &ids, None, 100).await.unwrap();
    assert_eq!(listed.len(), 100, "a listing page");

    let old = ids::now() - chrono::Duration::days(30);
    for n in 0..ROWS {
        let entry = CachedTrack { key: format!("a\u{1f}{n}"), meta: None, alternatives: vec![], fetched_at: old };
        s.store.put_cached_track(std::slice::from_ref(&entry.key), &entry).await.unwrap();
    }
    let stale = s.store.stale_cached_tracks(ids::now(), 1000).await.unwrap();
    assert_eq!(stale.len(), ROWS, "the re-indexer sees every stale entry");
}

async fn a_second_migration_changes_nothing(backend: Backend) {
    let s = TestStore::new(backend).await;
    let store: &Arc<dyn Store> = &s.store;
    let p = playlist("o", "Before", 0);
    insert(store, &p).await.unwrap();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.playlist(&p.meta.id).await.unwrap().unwrap().meta.name, "Before");
}

async fn a_lease_is_let_go_of_only_by_its_holder(backend: Backend) {
    use sharify::storage::records::RecordKey;
    let s = TestStore::new(backend).await;
    let at = RecordKey { kind: "token_refresh", owner: "u", key: "u:spotify" };
    let soon = ids::now() + chrono::Duration::seconds(60);
    assert_eq!(s.store.claim_record(at, "holder-a", soon).await.unwrap(), None);
    assert!(!s.store.delete_record_if("token_refresh", "u:spotify", "holder-b").await.unwrap(), "not b's");
    assert_eq!(s.store.claim_record(at, "holder-b", soon).await.unwrap().as_deref(), Some("holder-a"), "still a's");
    assert!(s.store.delete_record_if("token_refresh", "u:spotify", "holder-a").await.unwrap(), "a lets go");
    assert_eq!(s.store.claim_record(at, "holder-b", soon).await.unwrap(), None, "free for b");
}

crate::on_both_backends!(
    reads_past_the_first_batch_return_every_row,
    a_second_migration_changes_nothing,
    a_lease_is_let_go_of_only_by_its_holder,
);
