//! Things a user should know about and act on: a schedule that paused itself after failing, a
//! linked account that stopped working. Kept (records kind `notification`) until dismissed.

pub mod routes;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{app::AppState, error::ApiError, schedules::model::Schedule, storage::records::RecordKey};

/// Records kind of notifications.
const KIND: &str = "notification";
/// Most notifications listed.
const MAX_LISTED: usize = 100;

/// One notification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    /// Its id (dismiss it with `DELETE /v1/me/notifications/{id}`).
    pub id: String,
    /// `schedule_paused` or `connection_broken`.
    pub kind: String,
    /// What happened and what to do.
    pub message: String,
    /// When it happened.
    pub created_at: DateTime<Utc>,
    /// The schedule concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<String>,
    /// The platform concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

fn key(user: &str, id: &str) -> String {
    format!("{user}\u{1e}{id}")
}

/// Stores `n` for `user`; logged, never the caller's error. One notification per subject: a
/// newer one replaces it.
async fn notify(state: &AppState, user: &str, n: Notification) {
    let value = serde_json::to_string(&n).unwrap_or_default();
    let key = key(user, &n.id);
    if let Err(e) = state.store.put_record(RecordKey { kind: KIND, owner: user, key: &key }, &value, None).await {
        tracing::warn!(error = %e, "notification not stored");
    }
}

/// Tells the owner their schedule paused itself.
pub async fn schedule_paused(state: &AppState, s: &Schedule) {
    let n = Notification {
        id: format!("schedule-{}", s.id),
        kind: "schedule_paused".into(),
        message: format!(
            "your {} schedule {}; fix the cause, then enable it again (PATCH /v1/schedules/{} {{\"enabled\": true}})",
            s.kind.as_str(),
            s.paused_reason.as_deref().unwrap_or("paused itself"),
            s.id
        ),
        created_at: Utc::now(),
        schedule_id: Some(s.id.clone()),
        platform: None,
    };
    notify(state, &s.owner_id, n).await;
}

/// Tells a user their linked `platform` account stopped working.
pub async fn connection_broken(state: &AppState, user: &str, platform: &str, message: &str) {
    let n = Notification {
        id: format!("connection-{platform}"),
        kind: "connection_broken".into(),
        message: message.to_owned(),
        created_at: Utc::now(),
        schedule_id: None,
        platform: Some(platform.to_owned()),
    };
    notify(state, user, n).await;
}

/// A user's notifications, newest first.
pub async fn list(state: &AppState, user: &str) -> Result<Vec<Notification>, ApiError> {
    let prefix = key(user, "");
    let keys: Vec<String> = state
        .store
        .record_keys(KIND, Some(&prefix), MAX_LISTED)
        .await?
        .into_iter()
        .take_while(|k| k.starts_with(&prefix))
        .collect();
    let mut out: Vec<Notification> = state
        .store
        .records(KIND, &keys)
        .await?
        .into_iter()
        .filter_map(|(_, v)| serde_json::from_str(&v).ok())
        .collect();
    out.sort_by_key(|n| std::cmp::Reverse(n.created_at));
    Ok(out)
}

/// Dismisses one; 404 when there is none.
pub async fn dismiss(state: &AppState, user: &str, id: &str) -> Result<(), ApiError> {
    let key = key(user, id);
    if state.store.records(KIND, std::slice::from_ref(&key)).await?.is_empty() {
        return Err(ApiError::not_found("notification_not_found", "no such notification"));
    }
    Ok(state.store.delete_record(KIND, &key).await?)
}
