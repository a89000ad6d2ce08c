//! Last.fm calls charged to whoever caused them: a request's caller, or the owner of the
//! schedule that runs a job. Every call a person causes directly (search, generate, discover,
//! syncs from Last.fm, listens imports) takes one from that person's share of the key
//! ([`UpstreamBudget`]); lookups for playlist items go through the track cache instead.

use std::time::Duration;

use tokio::time::Instant;

use super::{budget::UpstreamBudget, service::TrackService};
use crate::{error::ApiError, lastfm::LastfmClient};

/// Longest a job waits, in all, for its owner's share to come back before it fails.
pub const JOB_PATIENCE: Duration = Duration::from_secs(5 * 60);

/// What to do when the payer's share is spent.
#[derive(Debug, Clone, Copy)]
pub enum Patience {
    /// Answer 429 with `Retry-After` (a request: the person is waiting).
    Refuse,
    /// Wait for the share to come back, until this moment (a scheduled job: nobody is waiting).
    WaitUntil(Instant),
}

impl Patience {
    /// A job's patience, from now.
    pub fn job() -> Self {
        Self::WaitUntil(Instant::now() + JOB_PATIENCE)
    }
}

/// The Last.fm client, paid for call by call from one user's share.
pub struct LastfmShare<'a> {
    client: &'a LastfmClient,
    budget: &'a UpstreamBudget,
    payer: &'a str,
    patience: Patience,
}

impl<'a> LastfmShare<'a> {
    /// `payer`'s share of `tracks`' client; 503 when no Last.fm key is configured.
    pub fn new(
        tracks: &'a TrackService,
        budget: &'a UpstreamBudget,
        payer: &'a str,
        patience: Patience,
    ) -> Result<Self, ApiError> {
        Ok(Self { client: tracks.client()?, budget, payer, patience })
    }

    /// Takes one call from the share and hands out the client for it.
    pub async fn paid(&self) -> Result<&'a LastfmClient, ApiError> {
        loop {
            match (self.budget.take(self.payer), self.patience) {
                (Ok(()), _) => return Ok(self.client),
                (Err(refused), Patience::Refuse) => return Err(refused),
                (Err(refused), Patience::WaitUntil(until)) => {
                    let wait = Duration::from_secs(self.budget.seconds_until_more());
                    if Instant::now() + wait > until {
                        return Err(refused);
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// Refuses up front (before any call is made) work that needs `calls` lookups when a
    /// request cannot pay for them: more than a whole share is 422, more than what is left now
    /// is 429. Jobs are paced instead, so this passes for them.
    pub fn afford(&self, calls: u64, what: &str) -> Result<(), ApiError> {
        if matches!(self.patience, Patience::WaitUntil(_)) {
            return Ok(());
        }
        let (share, left) = (self.budget.per_minute(), self.budget.left(self.payer));
        if calls > share {
            return Err(ApiError::invalid(
                "too_many_lookups",
                format!(
                    "{what} needs up to {calls} Last.fm lookups, more than your share of {share} a minute: \
                     ask for less, or run it as a schedule (POST /v1/schedules), which is paced"
                ),
            ));
        }
        if calls > left {
            return Err(ApiError::too_many_requests(
                self.budget.seconds_until_more(),
                format!(
                    "{what} needs up to {calls} Last.fm lookups and {left} of your share of {share} a minute are left"
                ),
            ));
        }
        Ok(())
    }
}
