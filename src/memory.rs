//! Giving freed memory back to the system. glibc's allocator keeps the pages of freed
//! allocations that sit below live ones (start-up builds the OpenAPI document and a dummy
//! password hash; a burst of requests leaves buffers behind), so a quiet process would hold on
//! to memory it no longer uses. `malloc_trim` returns those free pages; it runs once start-up is
//! done and then every [`TRIM_EVERY`]. Other allocators and platforms: nothing to do.
//!
//! The executable's own pages count too: start-up runs code that never runs again (settings,
//! migrations, the OpenAPI document) and the kernel maps the code around every page it touches,
//! so about 14 MiB of a 22 MiB binary stays resident after start. Once start-up is done, the
//! service asks the kernel to take back the executable's read-only pages
//! ([`page_out_start_up_code`]); what requests use comes back on first use.

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

/// Asks the kernel to reclaim this process's read-only mappings of its own executable (its code
/// and constants; writable data stays), so code that ran only at start-up stops counting against
/// the pod's memory. Returns how many bytes were handed back to the kernel's discretion; 0 where
/// this is not supported (the pages then simply stay).
pub fn page_out_start_up_code() -> usize {
    #[cfg(target_os = "linux")]
    {
        let Ok(exe) = std::env::current_exe() else { return 0 };
        let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return 0 };
        read_only_mappings_of(&maps, &exe.to_string_lossy())
            .filter(|&(start, end)| {
                // SAFETY: the range is a whole mapping of our own executable, read from
                // /proc/self/maps; MADV_PAGEOUT only drops clean file pages, which the kernel
                // reads back from the file on next use. It never changes what memory holds.
                unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_PAGEOUT) == 0 }
            })
            .map(|(start, end)| end - start)
            .sum()
    }
    #[cfg(not(target_os = "linux"))]
    0
}

/// The `(start, end)` of every read-only mapping of `path` in a `/proc/self/maps` listing.
fn read_only_mappings_of<'a>(maps: &'a str, path: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    maps.lines().filter_map(move |line| {
        let mut fields = line.split_whitespace();
        let (range, perms) = (fields.next()?, fields.next()?);
        let mapped = fields.nth(3)?;
        if mapped != path || perms.contains('w') {
            return None;
        }
        let (start, end) = range.split_once('-')?;
        Some((usize::from_str_radix(start, 16).ok()?, usize::from_str_radix(end, 16).ok()?))
    })
}

/// Lets `store` close what it no longer uses, then gives free pages back, now and every
/// [`TRIM_EVERY`], forever (a background task). At the second pass, when start-up is long done,
/// it also hands start-up code back ([`page_out_start_up_code`]).
pub async fn trim_periodically(store: std::sync::Arc<dyn crate::storage::Store>) {
    let mut every = tokio::time::interval(TRIM_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for pass in 0u64.. {
        every.tick().await;
        store.release_idle();
        // Blocking work, however short: off the async workers.
        let _ = tokio::task::spawn_blocking(move || {
            release_free_memory();
            if pass == 1 {
                let bytes = page_out_start_up_code();
                tracing::debug!(bytes, "start-up code handed back to the kernel");
            }
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_executables_read_only_mappings_are_handed_back() {
        let maps = "\
55d0a0000000-55d0a0100000 r--p 00000000 08:01 42 /srv/sharify
55d0a0100000-55d0a0900000 r-xp 00100000 08:01 42 /srv/sharify
55d0a0900000-55d0a0a00000 rw-p 00900000 08:01 42 /srv/sharify
55d0a0a00000-55d0a0b00000 r-xp 00000000 08:01 43 /srv/sharify-other
7f0000000000-7f0000100000 r-xp 00000000 08:01 44 /usr/lib/x86_64-linux-gnu/libc.so.6
7f0000200000-7f0000300000 rw-p 00000000 00:00 0
";
        let found: Vec<_> = read_only_mappings_of(maps, "/srv/sharify").collect();
        assert_eq!(found, vec![(0x55d0a0000000, 0x55d0a0100000), (0x55d0a0100000, 0x55d0a0900000)]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_test_binarys_own_code_is_handed_back_and_still_runs() {
        let handed_back = page_out_start_up_code();
        assert!(handed_back > 64 * 1024, "only {handed_back} bytes of the executable's code found");
        // The code paged out comes back on use: this test keeps running the same binary.
        assert_eq!(read_only_mappings_of("", "x").count(), 0);
    }
}
