//! Ids and timestamps.

use chrono::{DateTime, SubsecRound, Utc};

/// A new time-ordered, URL-safe id (UUIDv7, 32 hex characters).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// True when `s` has the shape of an id we issue (so other input can be rejected early).
pub fn looks_like_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Now, truncated to microseconds (the precision both stores keep).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
