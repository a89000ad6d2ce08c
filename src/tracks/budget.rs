//! Each user's share of the Last.fm key's budget for the calls they cause directly (search,
//! the legacy `/song`, generate and the jobs they schedule: see [`super::charged`]), and a short-lived cache of those answers, so one user cannot spend the
//! whole key and repeated questions cost nothing upstream. Lookups for playlist items go through
//! the track cache and the shared limiter instead.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use moka::sync::Cache;
use serde_json::Value;

use crate::{
    error::ApiError,
    quotas::{replicas::Quotas, windows::SharedWindows},
};

/// How long a direct answer is served from memory.
const FRESH_FOR: Duration = Duration::from_secs(3600);

/// Per-user upstream budget and the answers cache.
pub struct UpstreamBudget {
    per_user: Arc<SharedWindows>,
    per_minute: i64,
    answers: Cache<String, Arc<Value>>,
}

impl UpstreamBudget {
    /// `per_minute` direct upstream calls per user, counted across replicas by `quotas`.
    pub fn new(quotas: &Quotas, per_minute: u32) -> Self {
        Self {
            per_user: quotas.register(SharedWindows::new("lastfm-user", Duration::from_secs(60))),
            per_minute: i64::from(per_minute.max(1)),
            answers: Cache::builder().max_capacity(5_000).time_to_live(FRESH_FOR).build(),
        }
    }

    /// A fresh answer to the same question, if one was given recently.
    pub fn cached(&self, question: &str) -> Option<Arc<Value>> {
        self.answers.get(question)
    }

    /// Keeps an answer for later askers.
    pub fn remember(&self, question: String, answer: Value) {
        self.answers.insert(question, Arc::new(answer));
    }

    /// Calls one user may cause a minute.
    pub fn per_minute(&self) -> u64 {
        self.per_minute.unsigned_abs()
    }

    /// What is left of `user_id`'s share this minute.
    pub fn left(&self, user_id: &str) -> u64 {
        (self.per_minute - self.per_user.count(user_id, Utc::now())).max(0).unsigned_abs()
    }

    /// Seconds until shares are given back (the current minute's end).
    pub fn seconds_until_more(&self) -> u64 {
        self.per_user.seconds_left(Utc::now())
    }

    /// Takes one upstream call from `user_id`'s share; 429 with `Retry-After` when it is spent.
    pub fn take(&self, user_id: &str) -> Result<(), ApiError> {
        let now = Utc::now();
        match self.per_user.try_take(user_id, self.per_minute, now) {
            Some(_) => Ok(()),
            None => Err(ApiError::too_many_requests(
                self.per_user.seconds_left(now),
                "you have used your share of Last.fm lookups for now; cached answers still work",
            )),
        }
    }
}
