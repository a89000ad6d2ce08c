//! What can go wrong talking to a platform, and the answer each gets at the HTTP edge.

use axum::http::StatusCode;

use super::Platform;
use crate::error::ApiError;

/// A platform call's failure.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PlatformError {
    /// The playlist does not exist or is not public.
    #[error("{0:?} has no such playlist, or it is private")]
    NotFound(Platform),
    /// The platform refuses this playlist to an app like ours (said in `message`).
    #[error("{message}")]
    Refused {
        /// Which platform.
        platform: Platform,
        /// Stable code.
        code: &'static str,
        /// What the user can do.
        message: String,
    },
    /// Our quota with the platform is spent for now.
    #[error("{platform:?} quota is spent; retry after {retry_after_secs} s")]
    Quota {
        /// Which platform.
        platform: Platform,
        /// When to try again.
        retry_after_secs: u64,
    },
    /// The user's share of our quota with the platform is spent for now.
    #[error("{platform:?} quota share of the user is spent; retry after {retry_after_secs} s")]
    UserQuota {
        /// Which platform.
        platform: Platform,
        /// When to try again.
        retry_after_secs: u64,
        /// What a user may spend per period.
        share: i64,
        /// What the refused step needed.
        needed: i64,
    },
    /// The platform is not configured here.
    #[error("{0:?} is not configured")]
    NotConfigured(Platform),
    /// The platform failed or answered something we cannot read.
    #[error("{platform:?} failed: {detail}")]
    Upstream {
        /// Which platform.
        platform: Platform,
        /// What happened (logged, not shown).
        detail: String,
    },
}

impl PlatformError {
    /// An upstream failure.
    pub fn upstream(platform: Platform, detail: impl Into<String>) -> Self {
        Self::Upstream { platform, detail: detail.into() }
    }
}

impl From<PlatformError> for ApiError {
    fn from(e: PlatformError) -> Self {
        match e {
            PlatformError::NotFound(p) => ApiError::invalid(
                "platform_playlist_not_found",
                format!(
                    "{} has no such playlist, or it is not public: check the link, or make the playlist public",
                    p.label()
                ),
            ),
            PlatformError::Refused { code, message, .. } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
            }
            PlatformError::Quota { platform, retry_after_secs } => ApiError::too_many_requests(
                retry_after_secs,
                format!("sharify's {} quota is used up for now; try again later (see Retry-After)", platform.label()),
            ),
            PlatformError::UserQuota { platform, retry_after_secs, share, needed } => ApiError::too_many_requests(
                retry_after_secs,
                format!(
                    "this needs {needed} {} quota units and your share of today's ({share}) does not have them: \
                     try again after midnight Pacific time",
                    platform.label()
                ),
            ),
            PlatformError::NotConfigured(p) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "platform_not_configured",
                format!("{} import is not configured on this server (its credentials are not set)", p.label()),
            ),
            PlatformError::Upstream { platform, detail } => {
                tracing::warn!(?platform, %detail, "platform call failed");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "platform_unavailable",
                    format!("{} did not answer properly; nothing was imported, try again later", platform.label()),
                )
            }
        }
    }
}
