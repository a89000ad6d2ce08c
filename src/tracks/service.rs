//! Track lookups: bounded memory layer → store cache (found 30 d, not-found 1 d; stale entries are
//! served and refreshed in the background) → Last.fm. Concurrent lookups of one key share one
//! upstream call (moka's `try_get_with` coalesces them).

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};

use super::{
    model::{CachedTrack, TrackMeta},
    search_hits::search_hits,
};
use crate::{
    config::{LastfmConfig, MatchingConfig},
    ids,
    lastfm::{LastfmClient, LastfmError},
    matching::{
        decide::facts_of,
        score::{confidence, TrackFacts},
    },
    metrics::Metrics,
    playlists::normalize::track_key,
    storage::Store,
};

/// Entries kept in memory at most.
const MEMORY_CAPACITY: u64 = 20_000;
/// How long a memory entry lives before the store is consulted again.
const MEMORY_TTL: Duration = Duration::from_secs(600);
/// Most tracks with an upstream lookup queued or running at once (back-pressure: beyond it a
/// lookup answers `Pending` at once and is retried by the pending-items job).
pub const MAX_QUEUED: usize = 1024;

/// Other tracks a doubtful lookup may mean (Last.fm search hits), for matching.
pub type Alternatives = Arc<[TrackMeta]>;

/// A resolved lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// Last.fm knows the track (its autocorrected answer), with search hits when that answer
    /// is not a sure match for the names asked.
    Found(Arc<TrackMeta>, Alternatives),
    /// Last.fm does not know it; what its search offered instead.
    NotFound(Alternatives),
}

impl Lookup {
    fn of(entry: &CachedTrack) -> Self {
        let alternatives: Alternatives = entry.alternatives.clone().into();
        match &entry.meta {
            Some(m) => Lookup::Found(Arc::new(m.clone()), alternatives),
            None => Lookup::NotFound(alternatives),
        }
    }
}

/// A lookup's state when a budget ran out.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Resolved.
    Done(Lookup),
    /// Not resolved in time (or Last.fm failed); finished later in the background.
    Pending(Delay),
}

/// Why a lookup is left for the background.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Delay {
    /// Its time ran out, or too many lookups were queued.
    Queued,
    /// Last.fm has not answered since then.
    Outage(DateTime<Utc>),
}

/// One track to look up: its normalised key and the names as given.
#[derive(Debug, Clone)]
pub struct TrackQuery {
    /// `track_key(artist, title)`.
    pub key: String,
    /// Artist as given.
    pub artist: String,
    /// Title as given.
    pub title: String,
}

impl TrackQuery {
    /// A query for `artist` / `title`.
    pub fn new(artist: &str, title: &str) -> Self {
        Self { key: track_key(artist, title), artist: artist.to_owned(), title: title.to_owned() }
    }
}

/// Looks tracks up through the caches and Last.fm.
pub struct TrackService {
    client: Option<Arc<LastfmClient>>,
    store: Arc<dyn Store>,
    memory: moka::future::Cache<String, Lookup>,
    refreshing: Mutex<HashSet<String>>,
    /// Tracks with an upstream lookup queued or running (one per track key, at most
    /// `MAX_QUEUED`): past it, lookups answer `Pending` and the pending job retries later.
    queued: Mutex<HashSet<String>>,
    found_ttl: chrono::Duration,
    not_found_ttl: chrono::Duration,
    /// Below this confidence Last.fm's answer is doubtful and its search is asked too.
    accept_threshold: f64,
    metrics: Metrics,
    /// Which cached tracks were read lately (the re-indexer refreshes those first).
    pub accesses: super::access::AccessLog,
}

impl TrackService {
    /// Builds the service; without a client every lookup is `NotConfigured`.
    pub fn new(client: Option<LastfmClient>, store: Arc<dyn Store>, config: &LastfmConfig, metrics: Metrics) -> Self {
        Self::with_accept_threshold(client, store, config, metrics, MatchingConfig::default().accept_threshold)
    }

    /// Builds the service; answers below `accept_threshold` (a match confidence) are doubtful and
    /// also get Last.fm's search hits.
    pub fn with_accept_threshold(
        client: Option<LastfmClient>,
        store: Arc<dyn Store>,
        config: &LastfmConfig,
        metrics: Metrics,
        accept_threshold: f64,
    ) -> Self {
        Self {
            client: client.map(Arc::new),
            store,
            memory: moka::future::Cache::builder().max_capacity(MEMORY_CAPACITY).time_to_live(MEMORY_TTL).build(),
            refreshing: Mutex::new(HashSet::new()),
            queued: Mutex::new(HashSet::new()),
            found_ttl: chrono::Duration::days(i64::from(config.found_ttl_days)),
            not_found_ttl: chrono::Duration::hours(i64::from(config.not_found_ttl_hours)),
            accept_threshold,
            metrics,
            accesses: super::access::AccessLog::default(),
        }
    }

    /// True when an API key is configured.
    pub fn enabled(&self) -> bool {
        self.client.is_some()
    }

    /// Why an unresolved lookup waits: an outage when one is running.
    fn delay(&self) -> Delay {
        self.outage_since().map_or(Delay::Queued, Delay::Outage)
    }

    /// When Last.fm stopped answering, while it does not (`None` also when not configured).
    pub fn outage_since(&self) -> Option<DateTime<Utc>> {
        self.client.as_ref().and_then(|c| c.outage_since())
    }

    /// Shares the Last.fm key's rate among `replicas` live replicas.
    pub fn set_replicas(&self, replicas: u64) {
        if let Some(client) = &self.client {
            client.set_replicas(replicas);
        }
    }

    /// The Last.fm client, when configured.
    pub fn client(&self) -> Result<&LastfmClient, LastfmError> {
        self.client.as_deref().ok_or(LastfmError::NotConfigured)
    }

    fn count(&self, result: &str) {
        self.metrics.cache_lookups.with_label_values(&[result]).inc();
    }

    fn is_fresh(&self, entry: &CachedTrack, now: DateTime<Utc>) -> bool {
        let ttl = if entry.meta.is_some() { self.found_ttl } else { self.not_found_ttl };
        now - entry.fetched_at < ttl
    }

    /// Looks one track up (cache first); waits for Last.fm when needed.
    pub async fn lookup(self: &Arc<Self>, artist: &str, title: &str) -> Result<Lookup, LastfmError> {
        let query = TrackQuery::new(artist, title);
        match self.lookup_many(std::slice::from_ref(&query), None).await.remove(&query.key) {
            Some(Ok(lookup)) => Ok(lookup),
            Some(Err(e)) => Err(e),
            None => Err(LastfmError::NotConfigured),
        }
    }

    /// Asks Last.fm again about one track, whatever the caches hold, and stores the answer (the
    /// re-indexer's refresh); waits for it.
    pub async fn refresh(self: &Arc<Self>, artist: &str, title: &str) -> Result<Lookup, LastfmError> {
        if self.client.is_none() {
            return Err(LastfmError::NotConfigured);
        }
        let query = TrackQuery::new(artist, title);
        // The memory cache answers fetches of a key it holds: drop it so Last.fm is asked.
        self.memory.invalidate(&query.key).await;
        let task = self.enqueue(&query).ok_or_else(|| LastfmError::Transport("lookup queue full".into()))?;
        task.await.map_err(|e| LastfmError::Transport(format!("lookup task failed: {e}")))?
    }

    /// Looks many tracks up: memory, then one batch store read, then the misses from Last.fm
    /// concurrently (the client bounds in-flight calls and the rate). With a `budget`, lookups
    /// still running when it ends are left to finish in the background and answer `Pending`.
    pub async fn lookup_within(self: &Arc<Self>, queries: &[TrackQuery], budget: Duration) -> HashMap<String, Outcome> {
        self.lookup_many(queries, Some(budget))
            .await
            .into_iter()
            .map(|(k, r)| (k, r.map_or_else(|_| Outcome::Pending(self.delay()), Outcome::Done)))
            .collect()
    }

    async fn lookup_many(
        self: &Arc<Self>,
        queries: &[TrackQuery],
        budget: Option<Duration>,
    ) -> HashMap<String, Result<Lookup, LastfmError>> {
        let deadline = budget.map(|b| tokio::time::Instant::now() + b);
        let mut out = HashMap::new();
        let mut misses: Vec<&TrackQuery> = Vec::new();
        let mut seen = HashSet::new();
        for q in queries.iter().filter(|q| seen.insert(q.key.as_str())) {
            match self.memory.get(&q.key).await {
                Some(hit) => {
                    self.count("memory_hit");
                    self.accesses.record(&q.key);
                    out.insert(q.key.clone(), Ok(hit));
                }
                None => misses.push(q),
            }
        }
        if misses.is_empty() {
            return out;
        }
        let keys: Vec<String> = misses.iter().map(|q| q.key.clone()).collect();
        let cached = self.store.cached_tracks(&keys).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "track cache read failed; asking Last.fm");
            Vec::new()
        });
        let now = ids::now();
        let by_key: HashMap<&str, &CachedTrack> = cached.iter().map(|c| (c.key.as_str(), c)).collect();
        let mut fetches = Vec::new();
        for q in misses {
            match by_key.get(q.key.as_str()) {
                Some(entry) => {
                    let lookup = Lookup::of(entry);
                    self.accesses.record(&q.key);
                    if self.is_fresh(entry, now) {
                        self.count("store_hit");
                        self.memory.insert(q.key.clone(), lookup.clone()).await;
                    } else {
                        self.count("stale");
                        self.refresh_in_background(q.clone());
                    }
                    out.insert(q.key.clone(), Ok(lookup));
                }
                None if self.client.is_none() => {
                    out.insert(q.key.clone(), Err(LastfmError::NotConfigured));
                }
                None => {
                    self.count("miss");
                    match self.enqueue(q) {
                        Some(task) => fetches.push((q.key.clone(), task)),
                        None => {
                            self.count("queue_full");
                            out.insert(q.key.clone(), Err(LastfmError::Transport("lookup queue full".into())));
                        }
                    }
                }
            }
        }
        for (key, task) in fetches {
            let result = match deadline {
                Some(at) => tokio::time::timeout_at(at, task).await.ok(),
                None => Some(task.await),
            };
            let result = match result {
                Some(Ok(r)) => r,
                Some(Err(join)) => Err(LastfmError::Transport(format!("lookup task failed: {join}"))),
                None => Err(LastfmError::Transport("enrichment budget exhausted".into())),
            };
            out.insert(key, result);
        }
        out
    }

    /// Starts the upstream lookup of `query` unless the queue is full; a track already queued
    /// joins that lookup instead of taking another place.
    fn enqueue(self: &Arc<Self>, query: &TrackQuery) -> Option<tokio::task::JoinHandle<Result<Lookup, LastfmError>>> {
        {
            let mut queued = self.queued.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if !queued.contains(&query.key) {
                if queued.len() >= MAX_QUEUED {
                    return None;
                }
                queued.insert(query.key.clone());
            }
        }
        let this = Arc::clone(self);
        let query = query.clone();
        Some(tokio::spawn(async move {
            let key = query.key.clone();
            let result = Arc::clone(&this).fetch(query).await;
            this.queued.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&key);
            result
        }))
    }

    /// Asks Last.fm (coalesced per key) and saves the answer under the key and the corrected key.
    async fn fetch(self: Arc<Self>, query: TrackQuery) -> Result<Lookup, LastfmError> {
        let client = self.client.clone().ok_or(LastfmError::NotConfigured)?;
        let store = Arc::clone(&self.store);
        let accept_threshold = self.accept_threshold;
        let key = query.key.clone();
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let ran_here = Arc::clone(&ran);
        let result = self
            .memory
            .try_get_with(key, async move {
                ran_here.store(true, std::sync::atomic::Ordering::Relaxed);
                let now = ids::now();
                let (meta, mut keys) = match client.track_info(&query.artist, &query.title).await {
                    Ok(info) => {
                        let meta = TrackMeta::from_info(info, now);
                        let corrected = track_key(&meta.artist, &meta.title);
                        (Some(meta), vec![query.key.clone(), corrected])
                    }
                    Err(LastfmError::NotFound(_)) => (None, vec![query.key.clone()]),
                    Err(e) => return Err(e),
                };
                keys.dedup();
                let line = TrackFacts { artist: &query.artist, title: &query.title, ..TrackFacts::default() };
                let sure = meta.as_ref().is_some_and(|m| confidence(&line, &facts_of(m)) >= accept_threshold);
                let alternatives = if sure { Vec::new() } else { search_hits(&client, &query, now).await };
                let entry = CachedTrack { key: query.key.clone(), meta, alternatives, fetched_at: now };
                let lookup = Lookup::of(&entry);
                if let Err(e) = store.put_cached_track(&keys, &entry).await {
                    tracing::warn!(error = %e, "track cache write failed");
                }
                Ok(lookup)
            })
            .await
            .map_err(|e: Arc<LastfmError>| LastfmError::clone(&e));
        if !ran.load(std::sync::atomic::Ordering::Relaxed) {
            self.metrics.coalesced_waits.inc();
        }
        result
    }

    /// Refreshes a stale entry once, in the background.
    fn refresh_in_background(self: &Arc<Self>, query: TrackQuery) {
        if self.client.is_none() {
            return;
        }
        {
            let mut refreshing = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
            if !refreshing.insert(query.key.clone()) {
                return;
            }
        }
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let key = query.key.clone();
            if let Err(e) = Arc::clone(&this).fetch(query).await {
                tracing::debug!(error = %e, "background refresh failed; the stale entry stays");
            }
            this.refreshing.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
        });
    }
}
