//! The store contract for changes: operations commit atomically with their history entry,
//! conditional on the revision, touching only their items; history rebuilds every kept version.

use std::sync::Arc;

use sharify::{
    playlists::{
        edit::Edit,
        history::{self, Snapshot},
        model::{Item, Playlist, Revision},
        store::Commit,
    },
    storage::{Store, StoreError, StoreResult},
    tracks::model::Enrichment,
};

use crate::{
    helpers::{Backend, TestStore},
    store_contract::{insert, item, playlist},
};

/// Commits `change` made to `before`, as the service's write path does.
async fn commit(store: &Arc<dyn Store>, before: &Playlist, change: impl FnOnce(&mut Edit)) -> StoreResult<Playlist> {
    commit_from(store, before, before.meta.revision(), change).await
}

async fn commit_from(
    store: &Arc<dyn Store>,
    before: &Playlist,
    expected: Revision,
    change: impl FnOnce(&mut Edit),
) -> StoreResult<Playlist> {
    commit_within(store, before, expected, u64::MAX, change).await
}

async fn commit_within(
    store: &Arc<dyn Store>,
    before: &Playlist,
    expected: Revision,
    history_budget: u64,
    change: impl FnOnce(&mut Edit),
) -> StoreResult<Playlist> {
    let mut edit = Edit::of(before);
    change(&mut edit);
    let (mut meta, items, ops) = edit.finish();
    meta.version = before.meta.version + 1;
    meta.updated_at = before.meta.updated_at + chrono::Duration::microseconds(1);
    meta.sync_derived(&items);
    let entry = history::entry(Some(before), &meta, &ops, &items, None, "test");
    store.commit(Commit { meta: &meta, items: &items, ops: &ops, expected, history: &entry, history_budget }).await?;
    Ok(Playlist { meta, items })
}

/// One change of a scripted sequence.
type Step = Box<dyn FnOnce(&mut Edit)>;

fn titles(items: &[Arc<Item>]) -> Vec<String> {
    items.iter().map(|i| i.title.clone()).collect()
}

async fn commits_are_conditional_on_the_revision_and_enrichment_is_not_a_version(backend: Backend) {
    let s = TestStore::new(backend).await;
    let p = playlist("o1", "A", 0);
    insert(&s.store, &p).await.unwrap();
    let waiting = Item { enrichment: Enrichment::Pending, ..item("a", "pending") };
    let v2 = commit(&s.store, &p, |e| e.insert(0, vec![waiting])).await.unwrap();
    let stale = commit(&s.store, &p, |e| e.meta.name = "lost update".into()).await;
    assert_eq!(stale.err(), Some(StoreError::VersionMismatch { current: 2 }));

    let done = Arc::new(Item { enrichment: Enrichment::Enriched, ..Item::clone(&v2.items[0]) });
    let (revision, changed) = s.store.apply_enrichment(&p.meta.id, std::slice::from_ref(&done)).await.unwrap();
    assert_eq!((revision.version, changed), (2, 1), "enrichment moves no version");
    assert!(revision.enrichment_gen > 0);
    let (_, again) = s.store.apply_enrichment(&p.meta.id, &[done]).await.unwrap();
    assert_eq!(again, 0, "only pending items take results");
    let raced = commit(&s.store, &v2, |e| e.meta.name = "B".into()).await;
    assert_eq!(raced.err(), Some(StoreError::Stale), "lost to enrichment only: retry, not 412");

    let current = s.store.playlist(&p.meta.id).await.unwrap().unwrap();
    assert_eq!((current.meta.revision(), current.meta.pending_items), (revision, 0));
    let v3 = commit(&s.store, &current, |e| e.meta.name = "B".into()).await.unwrap();
    assert_eq!(s.store.playlist_revision(&p.meta.id).await.unwrap(), Some(v3.meta.revision()));
    assert_eq!(s.store.playlist(&p.meta.id).await.unwrap().unwrap().items[0].enrichment, Enrichment::Enriched);

    let ghost = playlist("o1", "ghost", 0);
    assert_eq!(commit(&s.store, &ghost, |e| e.meta.name = "x".into()).await.err(), Some(StoreError::NotFound));
}

async fn concurrent_commits_of_one_revision_have_one_winner(backend: Backend) {
    let s = TestStore::new(backend).await;
    let p = playlist("o1", "A", 0);
    insert(&s.store, &p).await.unwrap();
    let attempts = (0..16).map(|i| {
        let (store, p) = (s.store.clone(), p.clone());
        tokio::spawn(async move { commit(&store, &p, |e| e.insert(0, vec![item("w", &format!("writer {i}"))])).await })
    });
    let results = futures::future::join_all(attempts).await;
    let wins = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
    let losses = results.iter().filter(|r| matches!(r, Ok(Err(StoreError::VersionMismatch { current: 2 })))).count();
    assert_eq!(
        (wins, losses),
        (1, 15),
        "{:?}",
        results.iter().map(|r| r.as_ref().map(|r| r.as_ref().err())).collect::<Vec<_>>()
    );
    assert_eq!(s.store.playlist(&p.meta.id).await.unwrap().unwrap().items.len(), 1, "no half-applied loser");
}

async fn every_operation_reads_back_and_history_rebuilds_each_version(backend: Backend) {
    let s = TestStore::new(backend).await;
    let mut p = playlist("o1", "A", 0);
    insert(&s.store, &p).await.unwrap();
    let mut contents = vec![(1, Snapshot { name: "A".into(), description: p.meta.description.clone(), items: vec![] })];
    let steps: Vec<Step> = vec![
        Box::new(|e| e.insert(0, vec![item("a", "one"), item("a", "two"), item("a", "three")])),
        Box::new(|e| e.insert(1, vec![item("b", "between")])),
        Box::new(|e| e.move_item(3, 0)),
        Box::new(|e| {
            e.remove(2);
        }),
        Box::new(|e| e.update(0, |i| i.album = Some("Changed".into()))),
        Box::new(|e| e.meta.name = "Renamed".into()),
        Box::new(|e| e.insert(4, vec![item("c", "end 1"), item("c", "end 2")])),
        Box::new(|e| {
            let mut all: Vec<Item> = e.items().iter().rev().map(|i| Item::clone(i)).collect();
            all.truncate(4);
            e.replace_all(all);
        }),
        Box::new(|e| e.move_item(0, 3)),
    ];
    for step in steps {
        p = commit(&s.store, &p, step).await.unwrap();
        let stored = s.store.playlist(&p.meta.id).await.unwrap().unwrap();
        assert_eq!(stored, p, "version {} reads back as committed", p.meta.version);
        contents.push((
            p.meta.version,
            Snapshot { name: p.meta.name.clone(), description: p.meta.description.clone(), items: p.items.clone() },
        ));
    }
    assert_eq!(titles(&p.items), ["end 1", "two", "one", "end 2"]);
    for (version, content) in contents {
        let chain = s.store.restore_chain(&p.meta.id, version).await.unwrap();
        let rebuilt = history::rebuild(&chain, version).expect("every version is restorable");
        assert_eq!((version, titles(&rebuilt.items), rebuilt.name), (version, titles(&content.items), content.name));
    }
    let listed = s.store.history(&p.meta.id, None, 3).await.unwrap();
    assert_eq!(listed.iter().map(|e| e.version).collect::<Vec<_>>(), [10, 9, 8]);
    assert_eq!((listed[1].summary.added, listed[1].summary.removed), (0, 1), "replace-all counted by ids");
    assert!(listed.iter().all(|e| e.delta.is_none() && e.snapshot.is_none()), "listing carries no payloads");
}

async fn the_last_hundred_versions_stay_restorable_and_older_payloads_go(backend: Backend) {
    let s = TestStore::new(backend).await;
    let mut p = playlist("o1", "A", 0);
    insert(&s.store, &p).await.unwrap();
    for n in 0..159 {
        p = commit(&s.store, &p, |e| e.insert(e.items().len(), vec![item("a", &format!("t{n}"))])).await.unwrap();
    }
    assert_eq!(p.meta.version, 160);
    for version in [60, 61, 99, 100, 101, 159, 160] {
        let chain = s.store.restore_chain(&p.meta.id, version).await.unwrap();
        let rebuilt = history::rebuild(&chain, version).unwrap_or_else(|| panic!("version {version} restorable"));
        assert_eq!(rebuilt.items.len() as u64, version - 1);
    }
    let chain = s.store.restore_chain(&p.meta.id, 40).await.unwrap();
    assert!(history::rebuild(&chain, 40).is_none(), "versions before the kept checkpoint are pruned");
    assert_eq!(s.store.history(&p.meta.id, Some(3), 10).await.unwrap().len(), 2, "entries themselves stay");
}

async fn a_history_over_its_byte_budget_loses_its_oldest_entries_never_the_last_hundred(backend: Backend) {
    let s = TestStore::new(backend).await;
    let mut p = playlist("o1", "A", 0);
    insert(&s.store, &p).await.unwrap();
    for n in 0..159 {
        let rev = p.meta.revision();
        p = commit_within(&s.store, &p, rev, 64 * 1024, |e| {
            e.insert(e.items().len(), vec![item("a", &format!("t{n}"))])
        })
        .await
        .unwrap();
    }
    let all = s.store.history(&p.meta.id, None, 1000).await.unwrap();
    assert!(all.len() < 159, "old entries went ({} left)", all.len());
    assert!(all.iter().any(|e| e.version == 60), "the last 100 versions stay listed");
    for version in [60, 110, 160] {
        let chain = s.store.restore_chain(&p.meta.id, version).await.unwrap();
        assert!(history::rebuild(&chain, version).is_some(), "version {version} stays restorable");
    }
}

crate::on_both_backends!(
    a_history_over_its_byte_budget_loses_its_oldest_entries_never_the_last_hundred,
    commits_are_conditional_on_the_revision_and_enrichment_is_not_a_version,
    concurrent_commits_of_one_revision_have_one_winner,
    every_operation_reads_back_and_history_rebuilds_each_version,
    the_last_hundred_versions_stay_restorable_and_older_payloads_go,
);
