//! Giving freed memory back to the system. glibc's allocator keeps the pages of freed
//! allocations that sit below live ones (start-up builds the OpenAPI document and a dummy
//! password hash; a burst of requests leaves buffers behind), so a quiet process would hold on
//! to memory it no longer uses. `malloc_trim` returns those free pages; it runs once start-up is
//! done and then every [`TRIM_EVERY`]. Other allocators and platforms: nothing to do.

use std::time::Duration;

/// How often free pages are given back.
pub const TRIM_EVERY: Duration = Duration::from_secs(5);

/// Returns the allocator's free pages to the system now.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists under its locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Lets `store` close what it no longer uses, then gives free pages back, now and every
/// [`TRIM_EVERY`], forever (a background task).
pub async fn trim_periodically(store: std::sync::Arc<dyn crate::storage::Store>) {
    let mut every = tokio::time::interval(TRIM_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        store.release_idle();
        // Blocking work, however short: off the async workers.
        let _ = tokio::task::spawn_blocking(release_free_memory).await;
    }
}
