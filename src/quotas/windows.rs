//! Fixed-window counters per key, decided locally and reconciled with the store in the background.
//!
//! A key's count in the current window is what the store said at the last reconciliation plus
//! what this replica has counted since. Checks and increments happen together under one lock
//! (`try_take`), so parallel requests on one replica can never all slip under a limit.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use chrono::{DateTime, Utc};

use super::store::{CounterAdd, CounterStore};
use crate::store_error::StoreResult;

/// Most keys tracked at once; past it, keys of earlier windows are dropped first.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Default, Clone, Copy)]
struct Entry {
    window: i64,
    /// The store's total at the last reconciliation (this replica's flushed counts included).
    global: i64,
    /// Counted here and being flushed right now.
    flushing: i64,
    /// Counted here since.
    pending: i64,
}

impl Entry {
    fn count(&self) -> i64 {
        self.global + self.flushing + self.pending
    }
}

/// Counts per key in fixed windows of one length.
pub struct SharedWindows {
    name: &'static str,
    window_ms: i64,
    entries: Mutex<HashMap<String, Entry>>,
}

/// A reconciliation in progress: what was sent, to match the totals that come back.
pub struct Flush {
    keys: Vec<(String, i64)>,
    /// The increments to send to the store.
    pub adds: Vec<CounterAdd>,
}

impl SharedWindows {
    /// Counters named `name` (part of the stored key) in windows of `window`.
    pub fn new(name: &'static str, window: Duration) -> Self {
        let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX).max(1);
        Self { name, window_ms, entries: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn index(&self, now: DateTime<Utc>) -> i64 {
        now.timestamp_millis().div_euclid(self.window_ms)
    }

    /// Whole seconds until the current window ends (at least 1).
    pub fn seconds_left(&self, now: DateTime<Utc>) -> u64 {
        let end = (self.index(now) + 1) * self.window_ms;
        u64::try_from((end - now.timestamp_millis() + 999) / 1000).unwrap_or(1).max(1)
    }

    fn entry<'a>(&self, map: &'a mut HashMap<String, Entry>, key: &str, now: DateTime<Utc>) -> &'a mut Entry {
        let window = self.index(now);
        if map.len() >= MAX_KEYS && !map.contains_key(key) {
            map.retain(|_, e| e.window == window);
        }
        let entry = map.entry(key.to_owned()).or_insert(Entry { window, ..Entry::default() });
        if entry.window != window {
            *entry = Entry { window, ..Entry::default() };
        }
        entry
    }

    /// `key`'s count in the current window, as far as this replica knows.
    pub fn count(&self, key: &str, now: DateTime<Utc>) -> i64 {
        let window = self.index(now);
        self.lock().get(key).filter(|e| e.window == window).map_or(0, Entry::count)
    }

    /// Counts one for `key` if its count is below `limit`; returns the count after, or `None`
    /// (nothing counted) when the limit is reached.
    pub fn try_take(&self, key: &str, limit: i64, now: DateTime<Utc>) -> Option<i64> {
        let mut map = self.lock();
        let entry = self.entry(&mut map, key, now);
        (entry.count() < limit).then(|| {
            entry.pending += 1;
            entry.count()
        })
    }

    /// Adds `n` (negative to give back) to `key`'s count.
    pub fn add(&self, key: &str, n: i64, now: DateTime<Utc>) {
        let mut map = self.lock();
        self.entry(&mut map, key, now).pending += n;
    }

    /// Brings `key`'s count in the current window back to zero (on every replica, once reconciled).
    pub fn clear(&self, key: &str, now: DateTime<Utc>) {
        let mut map = self.lock();
        let entry = self.entry(&mut map, key, now);
        entry.pending -= entry.count();
    }

    fn stored_key(&self, key: &str, window: i64) -> String {
        format!("{}:{}:{}", self.name, key, window)
    }

    fn expiry(&self, window: i64, now: DateTime<Utc>) -> DateTime<Utc> {
        DateTime::from_timestamp_millis((window + 1) * self.window_ms).unwrap_or(now)
    }

    /// Like [`SharedWindows::try_take`], decided by the store itself (one atomic increment, given
    /// back when over the limit): exact across replicas, for rare and costly events (logins,
    /// sign-ups) where a round trip is cheap next to what it guards.
    pub async fn try_take_shared(
        &self,
        store: &dyn CounterStore,
        key: &str,
        limit: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let total = self.add_shared(store, key, 1, now).await?;
        if total <= limit {
            return Ok(Some(total));
        }
        self.add_shared(store, key, -1, now).await?;
        Ok(None)
    }

    /// Adds `n` to `key`'s count in the store at once and returns the total.
    pub async fn add_shared(
        &self,
        store: &dyn CounterStore,
        key: &str,
        n: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let window = self.index(now);
        let add = CounterAdd { key: self.stored_key(key, window), delta: n, expires_at: self.expiry(window, now) };
        let total = store.add_to_counters(std::slice::from_ref(&add)).await?.first().copied().unwrap_or(n);
        let mut map = self.lock();
        self.entry(&mut map, key, now).global = total;
        Ok(total)
    }

    /// Starts a reconciliation: every key of the current window, with what this replica counted
    /// since the last one (zero to just learn the others' counts). Earlier windows are dropped.
    pub fn begin_flush(&self, now: DateTime<Utc>) -> Flush {
        let window = self.index(now);
        let expires_at = self.expiry(window, now);
        let mut map = self.lock();
        map.retain(|_, e| e.window == window);
        let mut flush = Flush { keys: Vec::with_capacity(map.len()), adds: Vec::with_capacity(map.len()) };
        for (key, entry) in map.iter_mut() {
            entry.flushing = entry.pending;
            entry.pending = 0;
            flush.adds.push(CounterAdd { key: self.stored_key(key, window), delta: entry.flushing, expires_at });
            flush.keys.push((key.clone(), window));
        }
        flush
    }

    /// Finishes a reconciliation with the store's totals (`None`: it failed; the counts are
    /// kept to be sent next time).
    pub fn end_flush(&self, flush: Flush, totals: Option<&[i64]>) {
        let mut map = self.lock();
        for (i, (key, window)) in flush.keys.iter().enumerate() {
            let Some(entry) = map.get_mut(key).filter(|e| e.window == *window) else { continue };
            match totals.and_then(|t| t.get(i)) {
                Some(total) => entry.global = *total,
                None => entry.pending += entry.flushing,
            }
            entry.flushing = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(ms).unwrap()
    }

    #[test]
    fn take_stops_at_the_limit_and_the_window_starts_again() {
        let w = SharedWindows::new("t", Duration::from_secs(60));
        let now = at(60_000 * 10 + 5_000);
        assert_eq!((0..5).filter_map(|_| w.try_take("k", 3, now)).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(w.seconds_left(now), 55);
        assert_eq!(w.try_take("k", 3, at(60_000 * 11)), Some(1), "a new window");
    }

    #[test]
    fn two_replicas_share_a_limit_through_reconciliation() {
        let (a, b) =
            (SharedWindows::new("t", Duration::from_secs(60)), SharedWindows::new("t", Duration::from_secs(60)));
        let now = at(1_000);
        let mut store: HashMap<String, i64> = HashMap::new();
        let mut sync = |w: &SharedWindows| {
            let flush = w.begin_flush(now);
            let totals: Vec<i64> = flush
                .adds
                .iter()
                .map(|add| {
                    let total = store.entry(add.key.clone()).or_default();
                    *total += add.delta;
                    *total
                })
                .collect();
            w.end_flush(flush, Some(&totals));
        };
        for _ in 0..6 {
            a.try_take("user", 10, now).unwrap();
        }
        b.try_take("user", 10, now).unwrap();
        sync(&a);
        sync(&b);
        assert_eq!(b.count("user", now), 7, "b learned a's six");
        let more = (0..10).filter(|_| b.try_take("user", 10, now).is_some()).count();
        assert_eq!(more, 3);
        sync(&b);
        sync(&a);
        assert_eq!(a.try_take("user", 10, now), None, "a learned b's count");
        a.clear("user", now);
        sync(&a);
        sync(&b);
        assert_eq!(b.count("user", now), 0, "a clear reaches every replica");
    }

    #[test]
    fn a_failed_reconciliation_keeps_the_counts_for_next_time() {
        let w = SharedWindows::new("t", Duration::from_secs(60));
        let now = at(0);
        w.add("k", 2, now);
        let flush = w.begin_flush(now);
        w.add("k", 1, now);
        w.end_flush(flush, None);
        assert_eq!(w.count("k", now), 3);
        assert_eq!(w.begin_flush(now).adds[0].delta, 3);
    }
}
