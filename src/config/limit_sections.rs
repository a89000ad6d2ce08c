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
