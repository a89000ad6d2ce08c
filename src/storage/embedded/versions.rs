//! The current revision of every playlist this process has seen, kept in memory.
//!
//! The embedded store belongs to one process (it is never shared between replicas), so every
//! write passes through this process and the map can answer "what is playlist X's version?"
//! without a SQLite read: the question every `GET` and every 304 asks first.
//!
//! Correctness under concurrency: writers bump `writes` before committing and set the entry
//! after; a reader that missed the map caches what it read from SQLite only if no write began
//! while it was reading and the entry is still absent. So a reader can never plant a version
//! older than one a writer has stored. Deleted playlists leave a tombstone for the same reason.

use crate::playlists::model::Revision;

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
};

/// Most entries kept; past it the map starts again empty (a cleared map only costs reads).
const MAX_ENTRIES: usize = 100_000;

/// Revisions by playlist id: `Some(version)`, or `None` once deleted.
#[derive(Default)]
pub struct Versions {
    writes: AtomicU64,
    map: Mutex<HashMap<String, Option<Revision>>>,
}

/// What the map knows of one playlist.
pub enum Known {
    /// It exists at this revision.
    At(Revision),
    /// It was deleted.
    Deleted,
    /// Not in the map: ask SQLite, passing this ticket to [`Versions::learned`].
    Unknown(u64),
}

impl Versions {
    /// Looks `id` up.
    pub fn get(&self, id: &str) -> Known {
        let ticket = self.writes.load(Ordering::SeqCst);
        match self.lock().get(id) {
            Some(Some(v)) => Known::At(*v),
            Some(None) => Known::Deleted,
            None => Known::Unknown(ticket),
        }
    }

    /// Caches a version read from SQLite, unless a write began since `ticket` was taken.
    pub fn learned(&self, id: &str, version: Option<Revision>, ticket: u64) {
        let mut map = self.lock();
        if self.writes.load(Ordering::SeqCst) == ticket && !map.contains_key(id) {
            if map.len() >= MAX_ENTRIES {
                map.clear();
                self.writes.fetch_add(1, Ordering::SeqCst);
            }
            map.insert(id.to_owned(), version);
        }
    }

    /// Called before a write commits.
    pub fn writing(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }

    /// Records the outcome of a committed write (`None`: deleted).
    pub fn wrote(&self, id: &str, version: Option<Revision>) {
        let mut map = self.lock();
        if map.len() >= MAX_ENTRIES && !map.contains_key(id) {
            map.clear();
        }
        map.insert(id.to_owned(), version);
    }

    /// Forgets `id` (a write failed: SQLite is the truth).
    pub fn forget(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<Revision>>> {
        self.map.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(version: u64) -> Option<Revision> {
        Some(Revision { version, enrichment_gen: 0 })
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_cached() {
        let v = Versions::default();
        let Known::Unknown(ticket) = v.get("p") else { panic!("empty map knows nothing") };
        v.writing();
        v.wrote("p", at(6));
        v.learned("p", at(5), ticket);
        assert!(matches!(v.get("p"), Known::At(r) if r.version == 6), "the writer's version stands");
        let Known::Unknown(ticket) = v.get("q") else { panic!() };
        v.writing();
        v.learned("q", at(1), ticket);
        assert!(matches!(v.get("q"), Known::Unknown(_)), "a write began during the read: not cached");
        v.writing();
        v.wrote("p", None);
        assert!(matches!(v.get("p"), Known::Deleted));
    }

    #[test]
    fn a_quiet_read_is_cached() {
        let v = Versions::default();
        let Known::Unknown(ticket) = v.get("p") else { panic!() };
        v.learned("p", at(3), ticket);
        assert!(matches!(v.get("p"), Known::At(r) if r.version == 3));
    }
}
