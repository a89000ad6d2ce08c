//! Per-playlist write serialisation within this process.

use std::hash::{DefaultHasher, Hash, Hasher};

use tokio::sync::{Mutex, MutexGuard};

const STRIPES: usize = 256;

/// Striped per-playlist locks serialising this process's writers.
pub struct WriteLocks {
    stripes: Vec<Mutex<()>>,
}

impl Default for WriteLocks {
    fn default() -> Self {
        Self { stripes: (0..STRIPES).map(|_| Mutex::new(())).collect() }
    }
}

impl WriteLocks {
    /// Waits for the lock guarding `id`.
    pub async fn lock(&self, id: &str) -> MutexGuard<'_, ()> {
        let mut h = DefaultHasher::new();
        id.hash(&mut h);
        self.stripes[(h.finish() as usize) % STRIPES].lock().await
    }
}
