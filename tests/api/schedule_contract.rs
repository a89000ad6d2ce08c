//! The schedule and listen stores' contract on both backends: a due schedule is claimed by one
//! holder at a time, renewed only by its holder, taken over once the lease expires, replaced only
//! at the expected revision; stale cache entries come most recently read first.

use chrono::{Duration, Utc};
use serde_json::json;
use sharify::{
    ids,
    schedules::{
        model::{JobKind, Schedule, Timing},
        store::Claim,
    },
    tracks::model::{CachedTrack, TrackMeta},
};

use crate::helpers::{Backend, TestStore};

fn schedule(owner: &str, due_in_secs: i64) -> Schedule {
    Schedule {
        id: ids::new_id(),
        owner_id: owner.into(),
        kind: JobKind::Reindex,
        params: json!({}),
        timing: Timing::Interval { interval_secs: 60 },
        enabled: true,
        next_run_at: Some(Utc::now() + Duration::seconds(due_in_secs)),
        last_run: None,
        failures_in_row: 0,
        paused_reason: None,
        created_at: Utc::now(),
        rev: 1,
    }
}

async fn a_due_schedule_has_one_holder_at_a_time(backend: Backend) {
    let t = TestStore::new(backend).await;
    let store = &t.store;
    let (due, later) = (schedule("u1", -5), schedule("u1", 3600));
    store.insert_schedule(&due).await.unwrap();
    store.insert_schedule(&later).await.unwrap();
    let now = Utc::now();
    assert_eq!(store.due_schedules(now, 10).await.unwrap(), vec![due.id.clone()]);
    let claim = |holder: &'static str, until: i64, due_only: bool, id: String| async move {
        let c = Claim { id: &id, holder, now: Utc::now(), until: Utc::now() + Duration::seconds(until), due_only };
        store.claim_schedule(c).await.unwrap()
    };
    assert!(claim("a", 30, true, due.id.clone()).await.is_some(), "a takes it");
    assert!(claim("b", 30, true, due.id.clone()).await.is_none(), "b cannot while a holds it");
    assert!(claim("b", 30, false, due.id.clone()).await.is_none(), "not even to run it now");
    assert!(claim("b", 30, true, later.id.clone()).await.is_none(), "not due yet");
    assert!(store.due_schedules(now, 10).await.unwrap().is_empty(), "a leased schedule is not listed as due");
    assert!(store.renew_schedule_lease(&due.id, "a", now + Duration::seconds(60)).await.unwrap());
    assert!(!store.renew_schedule_lease(&due.id, "b", now + Duration::seconds(60)).await.unwrap());
    store.release_schedule_lease(&due.id, "b").await.unwrap();
    assert!(claim("b", 30, true, due.id.clone()).await.is_none(), "only the holder releases");
    store.release_schedule_lease(&due.id, "a").await.unwrap();
    assert!(claim("b", -1, true, due.id.clone()).await.is_some(), "free again");
    // b's lease ended a second ago (b died): a takes the run over.
    assert!(claim("a", 30, true, due.id.clone()).await.is_some(), "an expired lease is taken over");
    // Replace only at the expected revision.
    let mut changed = due.clone();
    changed.rev = 2;
    changed.enabled = false;
    assert!(store.replace_schedule(&changed, 1).await.unwrap());
    assert!(!store.replace_schedule(&changed, 1).await.unwrap(), "a stale revision loses");
    assert!(!store.schedule(&due.id).await.unwrap().unwrap().enabled);
    assert_eq!(store.schedules_of("u1").await.unwrap().len(), 2);
    assert_eq!(store.all_schedules(None, 1).await.unwrap().len(), 1);
    store.delete_schedules_of("u1").await.unwrap();
    assert!(store.schedules_of("u1").await.unwrap().is_empty());
}

async fn stale_cache_entries_come_most_recently_read_first(backend: Backend) {
    let t = TestStore::new(backend).await;
    let store = &t.store;
    let entry = |key: &str, days_old: i64| CachedTrack {
        key: key.into(),
        meta: Some(TrackMeta {
            artist: key.into(),
            title: key.into(),
            album: None,
            duration_ms: None,
            mbid: None,
            url: None,
            tags: Vec::new(),
            listeners: None,
            playcount: None,
            image: None,
            enriched_at: Utc::now(),
        }),
        alternatives: Vec::new(),
        fetched_at: Utc::now() - Duration::days(days_old),
    };
    for (key, age) in [("oldest", 90), ("old", 60), ("read", 45), ("fresh", 1)] {
        store.put_cached_track(&[key.to_owned()], &entry(key, age)).await.unwrap();
    }
    store.touch_cached_tracks(&["read".to_owned()], Utc::now()).await.unwrap();
    let stale = store.stale_cached_tracks(Utc::now() - Duration::days(30), 10).await.unwrap();
    let keys: Vec<&str> = stale.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["read", "oldest", "old"]);
}

crate::on_both_backends!(a_due_schedule_has_one_holder_at_a_time, stale_cache_entries_come_most_recently_read_first);
