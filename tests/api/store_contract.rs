//! The store contract: the same behaviour, errors and ordering on every backend.

use std::sync::Arc;

use chrono::{Duration, Utc};
use sharify::{
    auth::store::TokenRecord,
    ids,
    playlists::{
        history,
        model::{Item, ListCursor, ListScope, Playlist, PlaylistMeta, Visibility},
    },
    storage::{Store, StoreError, StoreResult},
    tracks::model::{CachedTrack, Enrichment, TrackMeta},
    users::model::User,
};

use crate::helpers::{Backend, TestStore};

fn user(name: &str) -> User {
    User {
        id: ids::new_id(),
        username: name.into(),
        display_name: name.into(),
        password_hash: "$argon2id$fake".into(),
        created_at: ids::now(),
        deleted_at: None,
        timezone: "UTC".into(),
    }
}

/// Inserts a new playlist with its creation entry, as the service does.
pub async fn insert(store: &Arc<dyn Store>, p: &Playlist) -> StoreResult<()> {
    store.insert_playlist(p, &history::entry(None, &p.meta, &[], &p.items, None, "create")).await
}

pub fn playlist(owner: &str, name: &str, updated_offset_us: i64) -> Playlist {
    let now = ids::now();
    Playlist {
        meta: PlaylistMeta {
            id: ids::new_id(),
            owner_id: owner.into(),
            owner_username: "owner".into(),
            name: name.into(),
            description: "déscription ✓".into(),
            visibility: Visibility::Unlisted,
            version: 1,
            enrichment_gen: 0,
            created_at: now,
            updated_at: now + Duration::microseconds(updated_offset_us),
            item_count: 0,
            pending_items: 0,
            collaborators: vec![],
            member_ids: vec![],
            search_text: String::new(),
            forked_from: None,
            merged_from: Vec::new(),
            source_url: None,
            copies: vec![],
            image: None,
        },
        items: vec![],
    }
}

pub fn item(artist: &str, title: &str) -> Item {
    Item {
        item_id: ids::new_id(),
        pos: 0,
        artist: artist.into(),
        title: title.into(),
        album: Some("Album".into()),
        added_by: "someone".into(),
        added_at: ids::now(),
        track_key: format!("{artist}\u{1f}{title}"),
        enrichment: Default::default(),
        meta: None,
        duration_ms: None,
        mbid: None,
        isrc: None,
        links: Vec::new(),
        matching: None,
        featured_artists: vec!["Guest".into()],
        image: Some("https://img.example/cover.jpg".into()),
    }
}

async fn users_are_unique_ignoring_case(backend: Backend) {
    let s = TestStore::new(backend).await;
    let alice = user("Alice");
    s.store.insert_user(&alice).await.unwrap();
    assert_eq!(s.store.insert_user(&user("aLICE")).await, Err(StoreError::Conflict("username")));
    let found = s.store.user_by_username("ALICE").await.unwrap().unwrap();
    assert_eq!((found.id.as_str(), found.username.as_str()), (alice.id.as_str(), "Alice"));
    assert_eq!(s.store.user_by_id(&alice.id).await.unwrap().unwrap().password_hash, alice.password_hash);
    assert!(s.store.user_by_username("bob").await.unwrap().is_none());
    assert!(s.store.user_by_id("nope").await.unwrap().is_none());
}

async fn tokens_insert_find_delete_and_expire(backend: Backend) {
    let s = TestStore::new(backend).await;
    let now = ids::now();
    let live = TokenRecord {
        token_hash: "a".repeat(64),
        user_id: "u1".into(),
        created_at: now,
        expires_at: now + Duration::days(1),
    };
    let dead = TokenRecord { token_hash: "b".repeat(64), expires_at: now - Duration::seconds(1), ..live.clone() };
    s.store.insert_token(&live).await.unwrap();
    s.store.insert_token(&dead).await.unwrap();
    assert_eq!(s.store.token_by_hash(&live.token_hash).await.unwrap(), Some(live.clone()));
    assert_eq!(s.store.delete_expired_tokens(Utc::now()).await.unwrap(), 1);
    assert!(s.store.token_by_hash(&dead.token_hash).await.unwrap().is_none());
    assert!(s.store.delete_token(&live.token_hash).await.unwrap());
    assert!(!s.store.delete_token(&live.token_hash).await.unwrap());
}

async fn playlists_round_trip_exactly(backend: Backend) {
    let s = TestStore::new(backend).await;
    let mut p = playlist("o1", "Röad trip", 0);
    p.items = vec![positioned(item("Björk", "Army of Me"), 1), positioned(item("ABBA", "SOS"), 2)];
    p.sync_derived();
    insert(&s.store, &p).await.unwrap();
    assert_eq!(s.store.playlist(&p.meta.id).await.unwrap(), Some(p.clone()));
    assert_eq!(insert(&s.store, &p).await, Err(StoreError::Conflict("playlist")));
    assert!(s.store.playlist("missing").await.unwrap().is_none());
}

async fn delete_honours_expected_version(backend: Backend) {
    let s = TestStore::new(backend).await;
    let p = playlist("o1", "A", 0);
    insert(&s.store, &p).await.unwrap();
    assert_eq!(s.store.delete_playlist(&p.meta.id, Some(7)).await, Err(StoreError::VersionMismatch { current: 1 }));
    s.store.delete_playlist(&p.meta.id, Some(1)).await.unwrap();
    assert_eq!(s.store.delete_playlist(&p.meta.id, None).await, Err(StoreError::NotFound));
}

async fn owner_listing_orders_by_update_then_id_and_pages(backend: Backend) {
    let s = TestStore::new(backend).await;
    // Two share an update time so the id tie-break is exercised.
    let mut all =
        vec![playlist("o1", "p0", 0), playlist("o1", "p1", 10), playlist("o1", "p2", 10), playlist("o1", "p3", 20)];
    for p in &mut all {
        p.items.push(positioned(item("x", &p.meta.name), 1));
        p.sync_derived();
        insert(&s.store, p).await.unwrap();
    }
    insert(&s.store, &playlist("o2", "other", 30)).await.unwrap();
    let mut expected: Vec<_> = all.iter().map(|p| (p.meta.updated_at, p.meta.id.clone())).collect();
    expected.sort_by(|a, b| b.cmp(a));
    let first = s.store.playlists_for_member("o1", ListScope::Owned, None, 3).await.unwrap();
    let last = &first[2];
    let cursor = ListCursor { updated_us: last.updated_at.timestamp_micros(), id: last.id.clone() };
    let second = s.store.playlists_for_member("o1", ListScope::Owned, Some(&cursor), 3).await.unwrap();
    let got: Vec<_> = first.iter().chain(&second).map(|m| (m.updated_at, m.id.clone())).collect();
    assert_eq!(got, expected);
    assert!(first.iter().all(|m| m.item_count == 1 && m.owner_id == "o1"));
}

/// `item` at position `n` (in gaps, as the service places them).
pub fn positioned(item: Item, n: i64) -> Arc<Item> {
    Arc::new(Item { pos: n * sharify::playlists::model::POSITION_GAP, ..item })
}

fn meta(title: &str, listeners: u64) -> TrackMeta {
    TrackMeta {
        artist: "Artist".into(),
        title: title.into(),
        album: Some("Album".into()),
        duration_ms: Some(1000),
        mbid: None,
        url: Some("https://www.last.fm/music/Artist/_/x".into()),
        tags: vec!["rock".into()],
        listeners: Some(listeners),
        playcount: Some(2),
        image: None,
        enriched_at: ids::now(),
    }
}

async fn track_cache_stores_under_every_key_and_upserts(backend: Backend) {
    let s = TestStore::new(backend).await;
    let keys = vec!["artist\u{1f}song".to_owned(), "artist\u{1f}song (remastered)".to_owned()];
    let entry =
        CachedTrack { key: keys[0].clone(), meta: Some(meta("Song", 1)), alternatives: vec![], fetched_at: ids::now() };
    s.store.put_cached_track(&keys, &entry).await.unwrap();
    let missing =
        CachedTrack { key: "nobody\u{1f}nothing".into(), meta: None, alternatives: vec![], fetched_at: ids::now() };
    s.store.put_cached_track(std::slice::from_ref(&missing.key), &missing).await.unwrap();
    let mut asked = keys.clone();
    asked.extend(["nobody\u{1f}nothing".to_owned(), "never\u{1f}cached".to_owned()]);
    let mut got = s.store.cached_tracks(&asked).await.unwrap();
    got.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(
        got.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
        [keys[0].as_str(), keys[1].as_str(), "nobody\u{1f}nothing"]
    );
    assert_eq!(got[0].meta, entry.meta);
    assert_eq!(got[1].meta, entry.meta, "the alias key holds the same data");
    assert_eq!(got[2], missing, "not-found answers are cached too");
    let newer = CachedTrack { meta: Some(meta("Song", 99)), fetched_at: ids::now(), ..entry };
    s.store.put_cached_track(&keys[..1], &newer).await.unwrap();
    let got = s.store.cached_tracks(&keys[..1]).await.unwrap();
    assert_eq!(got, vec![newer], "put overwrites");
    assert!(s.store.cached_tracks(&[]).await.unwrap().is_empty());
}

async fn playlists_with_pending_items_are_found(backend: Backend) {
    let s = TestStore::new(backend).await;
    let mut pending = playlist("o1", "pending", 0);
    let mut waiting = item("a", "b");
    waiting.enrichment = Enrichment::Pending;
    pending.items = vec![positioned(item("c", "d"), 1), positioned(waiting, 2)];
    pending.sync_derived();
    assert_eq!(pending.meta.pending_items, 1);
    insert(&s.store, &pending).await.unwrap();
    insert(&s.store, &playlist("o1", "done", 0)).await.unwrap();
    assert_eq!(s.store.playlists_with_pending(10).await.unwrap(), vec![pending.meta.id.clone()]);
    // Still pending, for another reason: saved, and the playlist still waits.
    let since = sharify::ids::now();
    let still = Arc::new(Item {
        matching: Some(sharify::matching::model::TrackMatch::pending(
            sharify::matching::reason::MatchReason::upstream_unavailable(since),
        )),
        ..Item::clone(&pending.items[1])
    });
    let (_, changed) = s.store.apply_enrichment(&pending.meta.id, &[still]).await.unwrap();
    assert_eq!(changed, 1);
    assert_eq!(s.store.playlists_with_pending(10).await.unwrap(), vec![pending.meta.id.clone()], "still waiting");
    let stored = s.store.playlist(&pending.meta.id).await.unwrap().unwrap();
    assert_eq!(stored.meta.pending_items, 1);
    let reason = stored.items[1].matching.as_ref().and_then(|m| m.reason.as_ref()).map(|r| r.code);
    assert_eq!(reason, Some(sharify::matching::reason::ReasonCode::UpstreamUnavailable));
    let matched = sharify::matching::model::TrackMatch::off();
    let done = Arc::new(Item {
        enrichment: Enrichment::Enriched,
        matching: Some(matched.clone()),
        ..Item::clone(&pending.items[1])
    });
    s.store.apply_enrichment(&pending.meta.id, &[done]).await.unwrap();
    assert!(s.store.playlists_with_pending(10).await.unwrap().is_empty());
    let stored = s.store.playlist(&pending.meta.id).await.unwrap().unwrap();
    assert_eq!(stored.items[1].matching, Some(matched), "the match is saved with the enrichment");
}

async fn playlists_are_found_by_exact_name_oldest_first(backend: Backend) {
    let s = TestStore::new(backend).await;
    let (older, newer) = (playlist("o1", "Mix", 0), playlist("o1", "Mix", 0));
    for p in [&newer, &older, &playlist("o1", "mix", 0), &playlist("o2", "Mix", 0)] {
        insert(&s.store, p).await.unwrap();
    }
    let mut expected = vec![older.meta.id.clone(), newer.meta.id.clone()];
    expected.sort();
    assert_eq!(s.store.playlist_ids_named("o1", "Mix").await.unwrap(), expected);
    assert!(s.store.playlist_ids_named("o1", "Nope").await.unwrap().is_empty());
}

async fn records_claim_once_expire_and_go_with_their_owner(backend: Backend) {
    use sharify::storage::records::RecordKey;
    let s = TestStore::new(backend).await;
    let later = Utc::now() + Duration::hours(1);
    let at = |owner: &'static str, key: &'static str| RecordKey { kind: "test", owner, key };
    assert_eq!(s.store.claim_record(at("u1", "a"), "first", later).await.unwrap(), None);
    assert_eq!(s.store.claim_record(at("u1", "a"), "second", later).await.unwrap().as_deref(), Some("first"));
    // An expired record reads as absent and can be claimed again; the purge removes it.
    s.store.put_record(at("u1", "old"), "stale", Some(Utc::now() - Duration::seconds(1))).await.unwrap();
    assert!(s.store.records("test", &["old".into()]).await.unwrap().is_empty());
    let purged = s.store.purge_expired_records(Utc::now()).await.unwrap();
    if backend == Backend::Embedded {
        assert_eq!(purged, 1, "SQLite keeps expired rows until the purge");
    } // MongoDB's TTL index may have removed it already
    assert_eq!(s.store.claim_record(at("u1", "old"), "fresh", later).await.unwrap(), None, "free again");
    s.store.put_record(at("u2", "b"), "kept", None).await.unwrap();
    s.store.delete_records_of("u1").await.unwrap();
    let left = s.store.records("test", &["a".into(), "b".into()]).await.unwrap();
    assert_eq!(left, vec![("b".to_owned(), "kept".to_owned())]);
}

async fn platform_links_are_added_in_place_to_the_same_track_only(backend: Backend) {
    use sharify::playlists::store::LinkUpdate;
    let s = TestStore::new(backend).await;
    let mut p = playlist("o1", "links", 0);
    let mut first = item("Rick Astley", "Never Gonna Give You Up");
    first.links = vec!["https://www.deezer.com/track/1".into()];
    p.items = vec![positioned(first, 1), positioned(item("c", "d"), 2)];
    p.sync_derived();
    insert(&s.store, &p).await.unwrap();
    let before = s.store.playlist_revision(&p.meta.id).await.unwrap().unwrap();
    let spotify = "https://open.spotify.com/track/x".to_owned();
    let updates = vec![
        LinkUpdate {
            item_id: p.items[0].item_id.clone(),
            track_key: p.items[0].track_key.clone(),
            links: vec![spotify.clone()],
        },
        // The second item now names another track than the one searched for: left alone.
        LinkUpdate {
            item_id: p.items[1].item_id.clone(),
            track_key: "someone else".into(),
            links: vec![spotify.clone()],
        },
    ];
    let (after, changed) = s.store.add_item_links(&p.meta.id, &updates).await.unwrap();
    assert_eq!(changed, 1);
    assert_eq!(after.version, before.version, "not a user change");
    assert_eq!(after.enrichment_gen, before.enrichment_gen + 1, "cached copies must change");
    let stored = s.store.playlist(&p.meta.id).await.unwrap().unwrap();
    assert_eq!(stored.items[0].links, vec!["https://www.deezer.com/track/1".to_owned(), spotify.clone()]);
    assert!(stored.items[1].links.is_empty());
    assert_eq!(stored.meta.version, before.version);
    // Queue records list by kind, live ones only.
    use sharify::storage::records::RecordKey;
    for key in ["b", "a"] {
        s.store.put_record(RecordKey { kind: "queue", owner: "o1", key }, "", None).await.unwrap();
    }
    let gone = Some(Utc::now() - Duration::seconds(1));
    s.store.put_record(RecordKey { kind: "queue", owner: "o1", key: "c" }, "", gone).await.unwrap();
    s.store.put_record(RecordKey { kind: "queue2", owner: "o1", key: "d" }, "", None).await.unwrap();
    assert_eq!(s.store.record_keys("queue", None, 10).await.unwrap(), vec!["a".to_owned(), "b".to_owned()]);
    assert_eq!(s.store.record_keys("queue", None, 1).await.unwrap(), vec!["a".to_owned()]);
    assert_eq!(s.store.record_keys("queue", Some("a"), 10).await.unwrap(), vec!["b".to_owned()], "the next page");
}

crate::on_both_backends!(
    records_claim_once_expire_and_go_with_their_owner,
    platform_links_are_added_in_place_to_the_same_track_only,
    playlists_are_found_by_exact_name_oldest_first,
    track_cache_stores_under_every_key_and_upserts,
    playlists_with_pending_items_are_found,
    users_are_unique_ignoring_case,
    tokens_insert_find_delete_and_expire,
    playlists_round_trip_exactly,
    delete_honours_expected_version,
    owner_listing_orders_by_update_then_id_and_pages,
);
