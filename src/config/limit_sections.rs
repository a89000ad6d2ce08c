//! Configuration sections of limits: request quotas, sharing and history.

use serde::{Deserialize, Serialize};

/// Per-user request quota on authenticated routes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitConfig {
    /// Sustained requests per minute per user.
    pub per_minute: u32,
    /// Requests a user may make at once above that.
    pub burst: u32,
    /// Sustained requests per minute per client address without credentials (share pages, public
    /// reads, legacy sign-up, …).
    pub anonymous_per_minute: u32,
    /// Requests one address may make at once without credentials.
    pub anonymous_burst: u32,
    /// How often (ms) replicas reconcile their request, login and sign-up counts through MongoDB:
    /// the bound on how far N replicas can overshoot a shared limit (what the other N-1 admit in
    /// one interval).
    pub sync_ms: u64,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self { per_minute: 1200, burst: 300, anonymous_per_minute: 600, anonymous_burst: 120, sync_ms: 1000 }
    }
}

/// Sharing limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SharingConfig {
    /// Most collaborators one playlist may have (joins through links included).
    pub max_collaborators: usize,
}

impl Default for SharingConfig {
    fn default() -> Self {
        Self { max_collaborators: 100 }
    }
}

/// History limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HistoryConfig {
    /// Most bytes one playlist's history may take; beyond it the oldest entries before the last
    /// 100 versions are deleted (those 100 always stay restorable).
    pub max_bytes_per_playlist: u64,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        Self { max_bytes_per_playlist: 32 * 1024 * 1024 }
    }
}

/// Track matching thresholds (see the README's "How tracks are matched").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MatchingConfig {
    /// Confidence at or above which a candidate is taken without asking (`matched`).
    pub accept_threshold: f64,
    /// Confidence at or above which the best candidate is offered for review (`review`); below
    /// it the line is `unmatched`.
    pub review_threshold: f64,
}

impl Default for MatchingConfig {
    fn default() -> Self {
        Self { accept_threshold: 0.85, review_threshold: 0.5 }
    }
}

/// Playlist file imports.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportConfig {
    /// Largest file accepted, in bytes (413 beyond, before the rest is read).
    pub max_bytes: usize,
}

impl Default for ImportConfig {
    fn default() -> Self {
        Self { max_bytes: 10 * 1024 * 1024 }
    }
}
