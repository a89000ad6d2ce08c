//! Things a user should know about and act on: a schedule that paused itself after failing, a
//! linked account that stopped working. Kept (records kind `notification`) until dismissed.

pub mod routes;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    schedules::model::Schedule,
    storage::records::{RecordKey, RecordStore},
};

/// Records kind of notifications.
const KIND: &str = "notification";
/// Most notifications listed.
const MAX_LISTED: usize = 100;

/// One notification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    /// Its id (dismiss it with `DELETE /v1/me/notifications/{id}`).
    pub id: String,
    /// `schedule_paused`, `connection_broken` or `enrichment_delayed`.
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
    /// The playlist concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playlist_id: Option<String>,
}

fn key(user: &str, id: &str) -> String {
    format!("{user}\u{1e}{id}")
}

/// Stores `n` for `user`; logged, never the caller's error. One notification per subject: a
/// newer one replaces it.
async fn notify(store: &dyn RecordStore, user: &str, n: Notification) {
    let value = serde_json::to_string(&n).unwrap_or_default();
    let key = key(user, &n.id);
    if let Err(e) = store.put_record(RecordKey { kind: KIND, owner: user, key: &key }, &value, None).await {
        tracing::warn!(error = %e, "notification not stored");
    }
}

/// Tells the owner their schedule paused itself.
pub async fn schedule_paused(store: &dyn RecordStore, s: &Schedule) {
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
        playlist_id: None,
    };
    notify(store, &s.owner_id, n).await;
}

/// Tells a user their linked `platform` account stopped working.
pub async fn connection_broken(store: &dyn RecordStore, user: &str, platform: &str, message: &str) {
    let n = Notification {
        id: format!("connection-{platform}"),
        kind: "connection_broken".into(),
        message: message.to_owned(),
        created_at: Utc::now(),
        schedule_id: None,
        platform: Some(platform.to_owned()),
        playlist_id: None,
    };
    notify(store, user, n).await;
}

/// Records kind of the marks that say a playlist's delay was already told (one a day at most).
const DELAY_TOLD: &str = "enrichment_delay_told";

/// Tells `owner` that `waiting` items of their playlist have waited for Last.fm since `since`
/// (longer than `lastfm.pending_notify_after_secs`; `outage` is when Last.fm stopped answering,
/// if it has): once a day at most per playlist, whichever replica notices first.
pub async fn enrichment_delayed(
    store: &dyn RecordStore,
    owner: &str,
    playlist: (&str, &str),
    (waiting, since): (usize, DateTime<Utc>),
    outage: Option<DateTime<Utc>>,
) {
    let (id, name) = playlist;
    let at = RecordKey { kind: DELAY_TOLD, owner, key: id };
    match store.claim_record(at, "told", Utc::now() + chrono::Duration::days(1)).await {
        Ok(None) => {}
        Ok(Some(_)) => return,
        Err(e) => return tracing::warn!(error = %e, "enrichment delay mark not stored"),
    }
    let why = match outage {
        Some(down) => {
            format!("Last.fm has not answered since {}", down.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        }
        None => "its lookups are queued behind others".to_owned(),
    };
    let n = Notification {
        id: format!("enrichment-{id}"),
        kind: "enrichment_delayed".into(),
        message: format!(
            "{waiting} items of \u{2068}{name}\u{2069} have waited to be matched since {}: {why}. They are kept \
             as you gave them and matched in the background when it answers; nothing to do",
            since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        created_at: Utc::now(),
        schedule_id: None,
        platform: None,
        playlist_id: Some(id.to_owned()),
    };
    notify(store, owner, n).await;
}

/// A user's notifications, newest first.
pub async fn list(store: &dyn RecordStore, user: &str) -> Result<Vec<Notification>, ApiError> {
    let prefix = key(user, "");
    let keys: Vec<String> = store
        .record_keys(KIND, Some(&prefix), MAX_LISTED)
        .await?
        .into_iter()
        .take_while(|k| k.starts_with(&prefix))
        .collect();
    let mut out: Vec<Notification> =
        store.records(KIND, &keys).await?.into_iter().filter_map(|(_, v)| serde_json::from_str(&v).ok()).collect();
    out.sort_by_key(|n| std::cmp::Reverse(n.created_at));
    Ok(out)
}

/// Dismisses one; 404 when there is none.
pub async fn dismiss(store: &dyn RecordStore, user: &str, id: &str) -> Result<(), ApiError> {
    let key = key(user, id);
    if store.records(KIND, std::slice::from_ref(&key)).await?.is_empty() {
        return Err(ApiError::not_found("notification_not_found", "no such notification"));
    }
    Ok(store.delete_record(KIND, &key).await?)
}
