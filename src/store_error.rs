//! What a store operation can fail with: a leaf module that the feature store traits, the
//! storage backends and the HTTP error type all import, so none of them depends on another for it.

/// What a store operation can fail with; the HTTP edge maps these to statuses.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StoreError {
    /// The document does not exist.
    #[error("not found")]
    NotFound,
    /// A unique key is taken; names what (e.g. `username`).
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A conditional write lost: the stored version differs.
    #[error("version mismatch (current {current})")]
    VersionMismatch {
        /// The version now stored.
        current: u64,
    },
    /// A conditional write lost only to enrichment results (the version is unchanged): re-read
    /// and retry, never a 412.
    #[error("stale copy: enrichment changed the playlist")]
    Stale,
    /// The backend cannot be reached right now.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Anything else the backend reported.
    #[error("store error: {0}")]
    Backend(String),
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;
