//! Webhooks: a playlist's owner and editors subscribe a URL to its change events. Events are the
//! change feed's (`sharing::changes`), read from history, which every write records in the same
//! atomic step as the change: history is the outbox, so no change goes without its event and no
//! event without its change. Each hook keeps a delivery cursor; a background pass (one replica
//! per hook, by lease) delivers in order, at least once, each event under a stable `webhook-id`,
//! signed as Standard Webhooks prescribes, retrying with backoff for about a day.

pub mod deliver;
pub mod dispatch;
pub mod routes;
pub mod sealing;
pub mod signing;
pub mod target;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{deps::Basics, error::ApiError, storage::records::RecordKey};

/// The record kind hooks are kept under.
pub const HOOK: &str = "webhook";
const STATE: &str = "webhook_state";
const DELIVERY: &str = "webhook_delivery";
/// How long delivery records are kept.
const DELIVERIES_KEPT_DAYS: i64 = 7;

/// Event names a hook may subscribe to (`*` for all).
pub const EVENTS: &[&str] = &[
    "items.added",
    "items.removed",
    "items.moved",
    "items.matched",
    "items.updated",
    "items.replaced",
    "playlist.updated",
    "playlist.restored",
    "collaborators.changed",
    "visibility.changed",
    "owner.changed",
];

/// A signing secret; a rotated-out one stays valid until `valid_until`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HookSecret {
    /// `whsec_…` (empty as stored when sealed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub secret: String,
    /// The secret sealed with the token key, as stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<crate::connections::cipher::Sealed>,
    /// For the previous secret during a rotation.
    pub valid_until: Option<DateTime<Utc>>,
}

/// A stored hook.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Webhook {
    /// Its id.
    pub id: String,
    /// The playlist it follows.
    pub playlist_id: String,
    /// Where events go.
    pub url: String,
    /// The events it gets (`*`: all).
    pub events: Vec<String>,
    /// Who created it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The current secret first.
    pub secrets: Vec<HookSecret>,
}

impl Webhook {
    /// Whether it gets events of `kind`.
    pub fn wants(&self, kind: &str) -> bool {
        self.events.iter().any(|e| e == "*" || e == kind)
    }

    /// The secrets valid at `now`.
    pub fn valid_secrets(&self, now: DateTime<Utc>) -> Vec<String> {
        self.secrets.iter().filter(|s| s.valid_until.is_none_or(|t| t > now)).map(|s| s.secret.clone()).collect()
    }
}

/// Where a hook's deliveries stand.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct DeliveryState {
    /// Every event of versions up to this one is delivered.
    pub version: u64,
    /// Of the next version, the events before this index are delivered.
    pub index: usize,
    /// Failed attempts at the current event.
    pub attempts: u32,
    /// When the current event is tried again.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the current run of failures began.
    pub failing_since: Option<DateTime<Utc>>,
    /// Why the hook was disabled (it then delivers nothing).
    pub disabled: Option<String>,
    /// The last failure.
    pub last_error: Option<String>,
}

/// One delivery attempt.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    /// The event's `webhook-id` (the same on every attempt).
    pub webhook_id: String,
    /// The event type.
    pub event: String,
    /// Which attempt (1 first).
    pub attempt: u32,
    /// When.
    pub at: DateTime<Utc>,
    /// `delivered` or `failed`.
    pub status: String,
    /// The receiver's HTTP status, when it answered.
    pub http_status: Option<u16>,
    /// What went wrong.
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
}

/// A hook's record key.
pub fn hook_key(playlist_id: &str, hook_id: &str) -> String {
    format!("{playlist_id}\u{1e}{hook_id}")
}

/// Stores a hook (replacing it).
pub async fn save(state: &dyn Basics, hook: &Webhook) -> Result<(), ApiError> {
    let key = hook_key(&hook.playlist_id, &hook.id);
    let stored = sealing::sealed(state.token_cipher().as_deref(), &key, hook).map_err(ApiError::internal)?;
    let value = serde_json::to_string(&stored).map_err(ApiError::internal)?;
    state.store().put_record(RecordKey { kind: HOOK, owner: &hook.created_by, key: &key }, &value, None).await?;
    Ok(())
}

/// A playlist's hooks.
pub async fn of_playlist(state: &dyn Basics, playlist_id: &str) -> Result<Vec<Webhook>, ApiError> {
    let prefix = hook_key(playlist_id, "");
    let keys: Vec<String> = state
        .store()
        .record_keys(HOOK, Some(&prefix), 1000)
        .await?
        .into_iter()
        .take_while(|k| k.starts_with(&prefix))
        .collect();
    read(state, &keys).await
}

async fn read(state: &dyn Basics, keys: &[String]) -> Result<Vec<Webhook>, ApiError> {
    let cipher = state.token_cipher().as_deref();
    let mut hooks: Vec<Webhook> = state
        .store()
        .records(HOOK, keys)
        .await?
        .into_iter()
        .filter_map(|(k, v)| sealing::opened(cipher, &k, serde_json::from_str(&v).ok()?))
        .collect();
    hooks.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
    Ok(hooks)
}

/// One hook of a playlist (404 otherwise).
pub async fn get(state: &dyn Basics, playlist_id: &str, hook_id: &str) -> Result<Webhook, ApiError> {
    read(state, &[hook_key(playlist_id, hook_id)])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found("webhook_not_found", "no such webhook on this playlist"))
}

/// Every hook, a page at a time (`after` is the last key of the previous page).
pub async fn page(
    state: &dyn Basics,
    after: Option<&str>,
    limit: usize,
) -> Result<(Vec<Webhook>, Option<String>), ApiError> {
    let keys = state.store().record_keys(HOOK, after, limit).await?;
    let last = keys.last().cloned();
    Ok((read(state, &keys).await?, last))
}

/// Deletes a hook, its state and (as they expire) its deliveries.
pub async fn delete(state: &dyn Basics, hook: &Webhook) -> Result<(), ApiError> {
    state.store().delete_record(HOOK, &hook_key(&hook.playlist_id, &hook.id)).await?;
    state.store().delete_record(STATE, &hook.id).await?;
    Ok(())
}

/// A hook's delivery state.
pub async fn state_of(state: &dyn Basics, hook_id: &str) -> Result<DeliveryState, ApiError> {
    let found = state.store().records(STATE, &[hook_id.to_owned()]).await?;
    Ok(found.into_iter().next().and_then(|(_, v)| serde_json::from_str(&v).ok()).unwrap_or_default())
}

/// Stores a hook's delivery state.
pub async fn save_state(state: &dyn Basics, hook: &Webhook, st: &DeliveryState) -> Result<(), ApiError> {
    let value = serde_json::to_string(st).map_err(ApiError::internal)?;
    state.store().put_record(RecordKey { kind: STATE, owner: &hook.created_by, key: &hook.id }, &value, None).await?;
    Ok(())
}

/// Records a delivery attempt (kept a week; listed newest first).
pub async fn record(state: &dyn Basics, hook: &Webhook, d: &Delivery) {
    let newest_first = i64::MAX - d.at.timestamp_micros();
    let key = format!("{}\u{1e}{newest_first:020}{}", hook.id, crate::ids::new_id());
    let value = serde_json::to_string(d).unwrap_or_default();
    let until = Some(Utc::now() + chrono::Duration::days(DELIVERIES_KEPT_DAYS));
    if let Err(e) =
        state.store().put_record(RecordKey { kind: DELIVERY, owner: &hook.created_by, key: &key }, &value, until).await
    {
        tracing::warn!(error = %e, hook = %hook.id, "delivery not recorded");
    }
}

/// A hook's latest deliveries, newest first.
pub async fn deliveries(state: &dyn Basics, hook_id: &str, limit: usize) -> Result<Vec<Delivery>, ApiError> {
    let prefix = format!("{hook_id}\u{1e}");
    let keys: Vec<String> = state
        .store()
        .record_keys(DELIVERY, Some(&prefix), limit)
        .await?
        .into_iter()
        .take_while(|k| k.starts_with(&prefix))
        .collect();
    let mut found: Vec<(String, Delivery)> = state
        .store()
        .records(DELIVERY, &keys)
        .await?
        .into_iter()
        .filter_map(|(k, v)| Some((k, serde_json::from_str(&v).ok()?)))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found.into_iter().map(|(_, d)| d).collect())
}
