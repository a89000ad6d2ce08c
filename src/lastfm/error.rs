//! `LastfmError`: what a Last.fm call can fail with, and which failures are worth retrying.

/// A failed Last.fm call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LastfmError {
    /// The thing asked about does not exist (error 6 "… not found", or a not-found stub).
    #[error("not found: {0}")]
    NotFound(String),
    /// Last.fm answered with an error code.
    #[error("Last.fm error {code}: {message}")]
    Api {
        /// Last.fm's error code (see the API notes).
        code: u32,
        /// Last.fm's message.
        message: String,
    },
    /// A non-JSON body (HTML/XML during outages) or an HTTP error without an error body.
    #[error("Last.fm outage (HTTP {status}): {detail}")]
    Outage {
        /// HTTP status.
        status: u16,
        /// The first bytes of the body.
        detail: String,
    },
    /// A JSON body that does not have the expected shape.
    #[error("unexpected Last.fm response: {0}")]
    Decode(String),
    /// Connection failure or timeout.
    #[error("cannot reach Last.fm: {0}")]
    Transport(String),
    /// The circuit breaker is open after repeated failures.
    #[error("Last.fm calls are paused after repeated failures")]
    CircuitOpen,
    /// No API key is configured.
    #[error("Last.fm enrichment is not configured (no API key)")]
    NotConfigured,
}

/// Error codes worth retrying: operation failed, service offline, temporary error, rate limited.
pub const RETRYABLE_CODES: [u32; 4] = [8, 11, 16, 29];
/// Codes that mean the API key itself is bad or suspended.
pub const BAD_KEY_CODES: [u32; 2] = [10, 26];

impl LastfmError {
    /// True when the same call may succeed if tried again.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { code, .. } => RETRYABLE_CODES.contains(code),
            Self::Outage { .. } | Self::Transport(_) => true,
            _ => false,
        }
    }

    /// True when the failure says something about Last.fm's health (counts for the breaker).
    pub fn is_upstream_failure(&self) -> bool {
        self.is_retryable() || matches!(self, Self::Decode(_))
    }

    /// Classifies an `{"error": code, "message": …}` body.
    pub fn from_code(code: u32, message: String) -> Self {
        let lower = message.to_lowercase();
        if code == 6 && (lower.contains("not found") || lower.contains("could not be found")) {
            Self::NotFound(message)
        } else {
            Self::Api { code, message }
        }
    }
}
