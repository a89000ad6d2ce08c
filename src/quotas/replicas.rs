//! This replica among the others: reconciling shared counters, the count of live replicas, and
//! leases for background jobs.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use chrono::Utc;

use super::{store::CounterStore, windows::SharedWindows};
use crate::metrics::Metrics;

/// How long a heartbeat keeps a replica counted as alive.
const ALIVE_FOR: Duration = Duration::from_secs(15);
/// How often a replica says it is alive.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);

/// The replica's shared-limit machinery.
pub struct Quotas {
    /// This process's id among the replicas.
    pub replica_id: String,
    shared: bool,
    sync_every: Duration,
    windows: Mutex<Vec<Arc<SharedWindows>>>,
    alive: AtomicU64,
    metrics: Metrics,
}

impl Quotas {
    /// `shared`: replicas share the store (MongoDB); otherwise this process is alone and its
    /// local counts are the whole truth.
    pub fn new(shared: bool, sync_every: Duration, metrics: Metrics) -> Self {
        Self {
            replica_id: crate::ids::new_id(),
            shared,
            sync_every: sync_every.max(Duration::from_millis(10)),
            windows: Mutex::new(Vec::new()),
            alive: AtomicU64::new(1),
            metrics,
        }
    }

    /// Makes `windows` part of every reconciliation and returns it.
    pub fn register(&self, windows: SharedWindows) -> Arc<SharedWindows> {
        let windows = Arc::new(windows);
        self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(windows.clone());
        windows
    }

    /// Whether limits are shared with other replicas.
    pub fn shared(&self) -> bool {
        self.shared
    }

    /// Live replicas, this one included (1 until the first heartbeat, and always on the embedded store).
    pub fn replicas(&self) -> u64 {
        self.alive.load(Ordering::Relaxed).max(1)
    }

    /// One reconciliation of every registered counter with the store.
    pub async fn reconcile(&self, store: &dyn CounterStore) {
        let windows: Vec<Arc<SharedWindows>> =
            self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let now = Utc::now();
        for w in windows {
            let flush = w.begin_flush(now);
            if flush.adds.is_empty() {
                w.end_flush(flush, Some(&[]));
                continue;
            }
            match store.add_to_counters(&flush.adds).await {
                Ok(totals) => w.end_flush(flush, Some(&totals)),
                Err(e) => {
                    tracing::warn!(error = %e, "shared limits not reconciled; counting locally until the store answers");
                    w.end_flush(flush, None);
                }
            }
        }
        self.metrics.limit_syncs.inc();
    }

    /// Says this replica is alive and learns how many are.
    pub async fn heartbeat(&self, store: &dyn CounterStore) -> u64 {
        let until = Utc::now() + chrono::Duration::from_std(ALIVE_FOR).unwrap_or_default();
        match store.heartbeat(&self.replica_id, until).await {
            Ok(n) => {
                self.alive.store(n.max(1), Ordering::Relaxed);
                self.metrics.replicas.set(i64::try_from(n.max(1)).unwrap_or(i64::MAX));
            }
            Err(e) => tracing::warn!(error = %e, "replica heartbeat failed; keeping the last replica count"),
        }
        self.replicas()
    }

    /// Whether this replica may run job `name` now: always when alone; otherwise when it holds
    /// (or could take) the job's lease, renewed for `ttl`.
    pub async fn holds_lease(&self, store: &dyn CounterStore, name: &str, ttl: Duration) -> bool {
        if !self.shared {
            return true;
        }
        let until = Utc::now() + chrono::Duration::from_std(ttl).unwrap_or_default();
        store.take_lease(name, &self.replica_id, until).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, lease = name, "lease not taken; skipping the job this time");
            false
        })
    }

    /// Lets go of lease `name` if this replica holds it (it ends now), so another process can
    /// take it at once.
    pub async fn release_lease(&self, store: &dyn CounterStore, name: &str) {
        if self.shared {
            let past = Utc::now() - chrono::Duration::seconds(1);
            if let Err(e) = store.take_lease(name, &self.replica_id, past).await {
                tracing::warn!(error = %e, lease = name, "lease not released; it expires on its own");
            }
        }
    }

    /// Reconciles every `ratelimit.sync_ms` and heartbeats every few seconds, forever; calls
    /// `on_replicas` when the number of live replicas changes. Does nothing when alone.
    pub async fn run(self: Arc<Self>, store: Arc<dyn CounterStore>, on_replicas: impl Fn(u64) + Send) {
        if !self.shared {
            return;
        }
        let mut known = 0;
        let mut last_heartbeat: Option<tokio::time::Instant> = None;
        let mut every = tokio::time::interval(self.sync_every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if last_heartbeat.is_none_or(|at| at.elapsed() >= HEARTBEAT_EVERY) {
                let n = self.heartbeat(&*store).await;
                if n != known {
                    known = n;
                    on_replicas(n);
                }
                last_heartbeat = Some(tokio::time::Instant::now());
            }
            self.reconcile(&*store).await;
        }
    }
}
