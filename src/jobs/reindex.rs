//! The re-index: keeps the track cache warm. Refreshes found entries past their freshness (the most
//! recently read first, then the oldest fetched) within a budget of Last.fm lookups, through the same shared rate limit as requests,
//! then resolves items never enriched (the pending-enrichment pass) and adds the platform links
//! queued playlists wait for (the links pass).

use std::collections::BTreeMap;

use chrono::{Duration, Utc};

use crate::{error::ApiError, playlists::deps::AddDeps};

/// One re-index run of at most `budget` Last.fm lookups.
pub async fn run(state: &dyn AddDeps, budget: usize) -> Result<BTreeMap<String, u64>, ApiError> {
    state.tracks().accesses.flush(&**state.store()).await;
    let cutoff = Utc::now() - Duration::days(i64::from(state.config().lastfm.found_ttl_days));
    let stale = state.store().stale_cached_tracks(cutoff, budget).await?;
    let (mut refreshed, mut failed) = (0u64, 0u64);
    if state.tracks().enabled() {
        for entry in stale.iter().filter_map(|e| e.meta.as_ref()) {
            match state.tracks().refresh(&entry.artist, &entry.title).await {
                Ok(_) => refreshed += 1,
                Err(e) if e.is_upstream_failure() => return Err(e.into()),
                Err(_) => failed += 1,
            }
        }
    }
    let resolved = super::pending_enrichment::run_once(state).await? as u64;
    // Platform links of playlists waiting for them (queued by adds and matches), within the
    // links pass's own budget of searches.
    let linked = super::platform_links::run_once(state).await? as u64;
    Ok(BTreeMap::from([
        ("stale".to_owned(), stale.len() as u64),
        ("refreshed".to_owned(), refreshed),
        ("not_found".to_owned(), failed),
        ("pending_resolved".to_owned(), resolved),
        ("links_added".to_owned(), linked),
        ("written".to_owned(), refreshed + resolved + linked),
    ]))
}
