//! A `Store` decorator that times every operation into
//! `store_operation_duration_seconds{operation, backend}`.

use std::{sync::Arc, time::Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Store, StoreResult};
use crate::{
    auth::store::{TokenRecord, TokenStore},
    listens::model::{Listen, ListenStore},
    metrics::Metrics,
    playlists::{
        history::{HistoryEntry, HistoryStore},
        model::{CopyLink, Item, ListCursor, ListScope, Playlist, PlaylistMeta, Revision},
        store::{Commit, LinkUpdate, PlaylistStore},
    },
    quotas::store::{CounterAdd, CounterStore},
    schedules::{
        model::{Run, Schedule},
        store::Claim,
    },
    sharing::link_store::{ShareLink, ShareLinkStore},
    tracks::{model::CachedTrack, store::TrackCacheStore},
    users::{model::User, store::UserStore},
};

/// Wraps a store and records how long each operation takes.
pub struct InstrumentedStore {
    inner: Arc<dyn Store>,
    metrics: Metrics,
}

impl InstrumentedStore {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn Store>, metrics: Metrics) -> Self {
        Self { inner, metrics }
    }
}

/// Delegates one call to the inner store, timing it under the method's name.
macro_rules! timed {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {{
        let started = Instant::now();
        let result = $self.inner.$method($($arg),*).await;
        let backend = $self.inner.backend_name();
        $self.metrics.store_duration.with_label_values(&[stringify!($method), backend]).observe(started.elapsed().as_secs_f64());
        result
    }};
}

mod library;
mod records;

#[async_trait]
impl UserStore for InstrumentedStore {
    async fn insert_user(&self, user: &User) -> StoreResult<()> {
        timed!(self.insert_user(user))
    }
    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        timed!(self.user_by_id(id))
    }
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        timed!(self.user_by_username(username))
    }
    async fn update_user(&self, user: &User) -> StoreResult<()> {
        timed!(self.update_user(user))
    }
    async fn purge_deleted_users(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        timed!(self.purge_deleted_users(before))
    }
}

#[async_trait]
impl TokenStore for InstrumentedStore {
    async fn insert_token(&self, token: &TokenRecord) -> StoreResult<()> {
        timed!(self.insert_token(token))
    }
    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>> {
        timed!(self.token_by_hash(token_hash))
    }
    async fn delete_token(&self, token_hash: &str) -> StoreResult<bool> {
        timed!(self.delete_token(token_hash))
    }
    async fn delete_tokens_of(&self, user_id: &str, except: Option<&str>) -> StoreResult<u64> {
        timed!(self.delete_tokens_of(user_id, except))
    }
    async fn delete_expired_tokens(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        timed!(self.delete_expired_tokens(now))
    }
}

#[async_trait]
impl PlaylistStore for InstrumentedStore {
    async fn insert_playlist(&self, playlist: &Playlist, history: &HistoryEntry) -> StoreResult<()> {
        timed!(self.insert_playlist(playlist, history))
    }
    async fn playlist(&self, id: &str) -> StoreResult<Option<Playlist>> {
        timed!(self.playlist(id))
    }
    async fn playlist_revision(&self, id: &str) -> StoreResult<Option<Revision>> {
        timed!(self.playlist_revision(id))
    }
    async fn commit(&self, commit: Commit<'_>) -> StoreResult<()> {
        timed!(self.commit(commit))
    }
    async fn apply_enrichment(&self, id: &str, items: &[Arc<Item>]) -> StoreResult<(Revision, usize)> {
        timed!(self.apply_enrichment(id, items))
    }

    async fn add_item_links(&self, id: &str, updates: &[LinkUpdate]) -> StoreResult<(Revision, usize)> {
        timed!(self.add_item_links(id, updates))
    }

    async fn set_copies(&self, id: &str, copies: &[CopyLink]) -> StoreResult<Revision> {
        timed!(self.set_copies(id, copies))
    }
    async fn delete_playlist(&self, id: &str, expected_version: Option<u64>) -> StoreResult<()> {
        timed!(self.delete_playlist(id, expected_version))
    }
    async fn playlists_for_member(
        &self,
        user_id: &str,
        scope: ListScope,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        timed!(self.playlists_for_member(user_id, scope, after, limit))
    }
    async fn public_playlists(
        &self,
        query: Option<&str>,
        after: Option<&ListCursor>,
        limit: usize,
    ) -> StoreResult<Vec<PlaylistMeta>> {
        timed!(self.public_playlists(query, after, limit))
    }
    async fn playlist_ids_named(&self, owner_id: &str, name: &str) -> StoreResult<Vec<String>> {
        timed!(self.playlist_ids_named(owner_id, name))
    }
    async fn playlists_with_pending(&self, limit: usize) -> StoreResult<Vec<String>> {
        timed!(self.playlists_with_pending(limit))
    }
}

#[async_trait]
impl HistoryStore for InstrumentedStore {
    async fn changes_after(&self, playlist_id: &str, since: u64, limit: usize) -> StoreResult<Vec<HistoryEntry>> {
        timed!(self.changes_after(playlist_id, since, limit))
    }
    async fn oldest_change(&self, playlist_id: &str) -> StoreResult<u64> {
        timed!(self.oldest_change(playlist_id))
    }
    async fn history(&self, playlist_id: &str, before: Option<u64>, limit: usize) -> StoreResult<Vec<HistoryEntry>> {
        timed!(self.history(playlist_id, before, limit))
    }
    async fn restore_chain(&self, playlist_id: &str, version: u64) -> StoreResult<Vec<HistoryEntry>> {
        timed!(self.restore_chain(playlist_id, version))
    }
    async fn delete_history(&self, playlist_id: &str) -> StoreResult<()> {
        timed!(self.delete_history(playlist_id))
    }
}

#[async_trait]
impl ShareLinkStore for InstrumentedStore {
    async fn insert_link(&self, link: &ShareLink) -> StoreResult<()> {
        timed!(self.insert_link(link))
    }
    async fn links_for(&self, playlist_id: &str) -> StoreResult<Vec<ShareLink>> {
        timed!(self.links_for(playlist_id))
    }
    async fn link_by_token(&self, token_hash: &str) -> StoreResult<Option<ShareLink>> {
        timed!(self.link_by_token(token_hash))
    }
    async fn revoke_link(&self, playlist_id: &str, link_id: &str) -> StoreResult<bool> {
        timed!(self.revoke_link(playlist_id, link_id))
    }
    async fn count_visits(&self, link_id: &str, visits: u64) -> StoreResult<()> {
        timed!(self.count_visits(link_id, visits))
    }
    async fn use_link(&self, link_id: &str, max_uses: Option<u32>) -> StoreResult<bool> {
        timed!(self.use_link(link_id, max_uses))
    }
    async fn return_link_use(&self, link_id: &str) -> StoreResult<()> {
        timed!(self.return_link_use(link_id))
    }
    async fn delete_links_for(&self, playlist_id: &str) -> StoreResult<()> {
        timed!(self.delete_links_for(playlist_id))
    }
}

#[async_trait]
impl TrackCacheStore for InstrumentedStore {
    async fn cached_tracks(&self, keys: &[String]) -> StoreResult<Vec<CachedTrack>> {
        timed!(self.cached_tracks(keys))
    }
    async fn put_cached_track(&self, keys: &[String], entry: &CachedTrack) -> StoreResult<()> {
        timed!(self.put_cached_track(keys, entry))
    }
    async fn touch_cached_tracks(&self, keys: &[String], at: DateTime<Utc>) -> StoreResult<()> {
        timed!(self.touch_cached_tracks(keys, at))
    }
    async fn stale_cached_tracks(&self, before: DateTime<Utc>, limit: usize) -> StoreResult<Vec<CachedTrack>> {
        timed!(self.stale_cached_tracks(before, limit))
    }
}

#[async_trait]
impl Store for InstrumentedStore {
    async fn migrate(&self) -> StoreResult<()> {
        timed!(self.migrate())
    }
    async fn ping(&self) -> StoreResult<()> {
        timed!(self.ping())
    }
    fn backend_name(&self) -> &'static str {
        self.inner.backend_name()
    }
    fn release_idle(&self) {
        self.inner.release_idle()
    }
}

#[async_trait]
impl CounterStore for InstrumentedStore {
    async fn add_to_counters(&self, adds: &[CounterAdd]) -> StoreResult<Vec<i64>> {
        timed!(self.add_to_counters(adds))
    }
    async fn take_lease(&self, name: &str, holder: &str, until: DateTime<Utc>) -> StoreResult<bool> {
        timed!(self.take_lease(name, holder, until))
    }
    async fn heartbeat(&self, replica: &str, until: DateTime<Utc>) -> StoreResult<u64> {
        timed!(self.heartbeat(replica, until))
    }
}

#[async_trait]
impl crate::schedules::store::ScheduleStore for InstrumentedStore {
    async fn insert_schedule(&self, schedule: &Schedule) -> StoreResult<()> {
        timed!(self.insert_schedule(schedule))
    }
    async fn replace_schedule(&self, schedule: &Schedule, expected_rev: u64) -> StoreResult<bool> {
        timed!(self.replace_schedule(schedule, expected_rev))
    }
    async fn schedule(&self, id: &str) -> StoreResult<Option<Schedule>> {
        timed!(self.schedule(id))
    }
    async fn schedules_of(&self, owner: &str) -> StoreResult<Vec<Schedule>> {
        timed!(self.schedules_of(owner))
    }
    async fn all_schedules(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<Schedule>> {
        timed!(self.all_schedules(after, limit))
    }
    async fn delete_schedule(&self, id: &str) -> StoreResult<bool> {
        timed!(self.delete_schedule(id))
    }
    async fn delete_schedules_of(&self, owner: &str) -> StoreResult<()> {
        timed!(self.delete_schedules_of(owner))
    }
    async fn due_schedules(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<String>> {
        timed!(self.due_schedules(now, limit))
    }
    async fn claim_schedule(&self, claim: Claim<'_>) -> StoreResult<Option<Schedule>> {
        timed!(self.claim_schedule(claim))
    }
    async fn renew_schedule_lease(&self, id: &str, holder: &str, until: DateTime<Utc>) -> StoreResult<bool> {
        timed!(self.renew_schedule_lease(id, holder, until))
    }
    async fn release_schedule_lease(&self, id: &str, holder: &str) -> StoreResult<()> {
        timed!(self.release_schedule_lease(id, holder))
    }
    async fn put_run(&self, run: &Run) -> StoreResult<()> {
        timed!(self.put_run(run))
    }
    async fn runs(&self, schedule_id: &str, limit: usize) -> StoreResult<Vec<Run>> {
        timed!(self.runs(schedule_id, limit))
    }
}

#[async_trait]
impl ListenStore for InstrumentedStore {
    async fn add_listens(&self, user: &str, listens: &[Listen], window_secs: i64) -> StoreResult<u64> {
        timed!(self.add_listens(user, listens, window_secs))
    }
    async fn listens_since(&self, user: &str, from: Option<DateTime<Utc>>) -> StoreResult<Vec<Listen>> {
        timed!(self.listens_since(user, from))
    }
    async fn latest_listen(&self, user: &str, source: &str) -> StoreResult<Option<DateTime<Utc>>> {
        timed!(self.latest_listen(user, source))
    }
    async fn delete_listens_of(&self, user: &str) -> StoreResult<()> {
        timed!(self.delete_listens_of(user))
    }
}
