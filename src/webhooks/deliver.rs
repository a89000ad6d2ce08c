//! Delivering hooks' events: in order, one replica per hook (a lease), each event under a stable
//! `webhook-id` (playlist, version and the event's place in it) whatever the attempt or process,
//! the cursor moved only past 2xx answers. Every failed attempt is recorded, and the last success
//! of each pass. A failure waits `retry_base_secs` × 2^(attempt-1) (at most
//! an hour, with jitter) before the next try; failing for `give_up_hours` disables the hook, with
//! the reason on it.

use std::time::{Duration, Instant};

use chrono::Utc;
use rand::Rng;
use serde_json::{json, Value};

use super::{record, save_state, signing, state_of, target, Delivery, DeliveryState, Webhook};
use crate::{
    error::ApiError,
    playlists::deps::PlaylistDeps,
    playlists::history::HistoryEntry,
    sharing::changes::{events_of, ChangeEvent},
};

/// What delivering webhooks needs: the playlist services (to read the change feed and check the
/// creator's access) and the HTTP client of deliveries, built on first use.
pub trait DeliveryDeps: PlaylistDeps {
    /// The HTTP client of webhook deliveries, built on first use.
    fn webhook_client(&self) -> &std::sync::OnceLock<reqwest::Client>;
}

/// Versions read per hook per pass.
const VERSIONS_PER_PASS: usize = 50;
/// Longest wait between attempts.
const MAX_BACKOFF_SECS: i64 = 3600;
/// How long a hook's lease lasts: longer than one attempt (it is renewed before each), so one
/// replica delivers a hook at a time and another takes over soon after one dies.
fn lease(state: &dyn DeliveryDeps) -> Duration {
    Duration::from_secs(state.config().webhooks.timeout_secs + 5)
}

/// The `webhook-id` of event `index` of `version` of `playlist`: the same on every attempt.
pub fn event_id(playlist: &str, version: u64, index: usize) -> String {
    format!("evt_{playlist}_{version}_{index}")
}

/// The body sent for one event.
pub fn payload(playlist: &str, entry: &HistoryEntry, event: &ChangeEvent) -> Value {
    let mut data = serde_json::to_value(event).unwrap_or_default();
    if let Some(map) = data.as_object_mut() {
        map.remove("type");
        map.insert("playlist_id".into(), json!(playlist));
        map.insert("version".into(), json!(entry.version));
        map.insert("actor".into(), json!(entry.actor));
        map.insert("op".into(), json!(entry.op));
    }
    json!({"type": event.kind, "timestamp": entry.at.to_rfc3339(), "data": data})
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Pass {
    /// Events acknowledged.
    pub delivered: u64,
    /// Attempts that failed.
    pub failed: u64,
    /// Events seen but not delivered yet.
    pub pending: u64,
}

/// Hooks delivered at once by one process: a slow receiver holds up only its own hook (one
/// event in flight per hook, in order), never the others'.
pub(super) const HOOKS_AT_ONCE: usize = 16;

/// Delivers what every hook is owed (the hooks this process holds the lease of), up to
/// [`HOOKS_AT_ONCE`] hooks at a time.
pub async fn run_once(state: &dyn DeliveryDeps) -> Result<Pass, ApiError> {
    use futures::StreamExt;
    let mut pass = Pass::default();
    let mut oldest: Option<chrono::DateTime<Utc>> = None;
    let mut after: Option<String> = None;
    loop {
        let (hooks, last) = super::page(state, after.as_deref(), 200).await?;
        let outcomes: Vec<(Pass, Option<chrono::DateTime<Utc>>)> = futures::stream::iter(hooks)
            .map(|hook| one_hook(state, hook))
            .buffer_unordered(HOOKS_AT_ONCE)
            .collect()
            .await;
        for (done, first_pending) in outcomes {
            pass.delivered += done.delivered;
            pass.failed += done.failed;
            pass.pending += done.pending;
            oldest = match (oldest, first_pending) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        match last {
            Some(key) => after = Some(key),
            None => break,
        }
    }
    state.metrics().webhook_queue_depth.set(pass.pending as i64);
    let age = oldest.map_or(0.0, |t| (Utc::now() - t).num_milliseconds().max(0) as f64 / 1000.0);
    state.metrics().webhook_oldest_pending_seconds.set(age);
    Ok(pass)
}

/// One hook's share of a pass: what it did, and when its oldest undelivered event happened.
pub(super) async fn one_hook(state: &dyn DeliveryDeps, hook: Webhook) -> (Pass, Option<chrono::DateTime<Utc>>) {
    let (mut pass, mut oldest) = (Pass::default(), None);
    // Reads only, for the many hooks with nothing to send: no lease is taken for them.
    if !has_work(state, &hook).await {
        return (pass, oldest);
    }
    let name = format!("webhook:{}", hook.id);
    if !state.quotas().holds_lease(&**state.store(), &name, lease(state)).await {
        return (pass, oldest);
    }
    let result = deliver_hook(state, &hook, &mut pass, &mut oldest).await;
    state.quotas().release_lease(&**state.store(), &name).await;
    if let Err(e) = result {
        tracing::warn!(error = %e, hook = %hook.id, "webhook pass failed for a hook");
    }
    (pass, oldest)
}

/// Whether `hook` has events to send now: enabled, not waiting to retry, behind its playlist.
async fn has_work(state: &dyn DeliveryDeps, hook: &Webhook) -> bool {
    let Ok(st) = state_of(state, &hook.id).await else { return true };
    if st.disabled.is_some() || st.next_attempt_at.is_some_and(|t| t > Utc::now()) {
        return false;
    }
    // The revision alone (one small read), not the playlist.
    match state.store().playlist_revision(&hook.playlist_id).await {
        Ok(Some(revision)) => revision.version > st.version,
        Ok(None) => false,
        Err(_) => true,
    }
}

async fn deliver_hook(
    state: &dyn DeliveryDeps,
    hook: &Webhook,
    pass: &mut Pass,
    oldest: &mut Option<chrono::DateTime<Utc>>,
) -> Result<(), ApiError> {
    let mut st = state_of(state, &hook.id).await?;
    if st.disabled.is_some() || st.next_attempt_at.is_some_and(|t| t > Utc::now()) {
        return Ok(());
    }
    if let Some(reason) = creator_lost_access(state, hook).await? {
        // Suspended for good, and everything since skipped: the events of a playlist someone
        // may no longer manage are not theirs, now or if they come back.
        let revision = state.store().playlist_revision(&hook.playlist_id).await?;
        st.version = revision.map_or(st.version, |r| r.version);
        (st.index, st.next_attempt_at) = (0, None);
        st.disabled = Some(reason);
        tracing::info!(hook = %hook.id, playlist = %hook.playlist_id, "webhook suspended: its creator lost access");
        return save_state(state, hook, &st).await;
    }
    let entries = state.store().changes_after(&hook.playlist_id, st.version, VERSIONS_PER_PASS).await?;
    if let Some(first) = entries.first().filter(|e| e.version > st.version + 1) {
        // History no longer reaches the cursor (the hook was down past what is kept).
        tracing::warn!(hook = %hook.id, from = st.version, to = first.version - 1, "webhook events lost to history limits");
        (st.version, st.index) = (first.version - 1, 0);
    }
    let client = state.webhook_client().get_or_init(|| {
        target::client(
            state.config().webhooks.allow_insecure_targets,
            Duration::from_secs(state.config().webhooks.timeout_secs),
        )
    });
    // The cursor is saved once a pass (and on a failure): a process that dies mid-pass sends the
    // events since again, under the same ids, which at-least-once delivery allows.
    let saved = st.clone();
    let mut last_success: Option<Delivery> = None;
    for entry in &entries {
        let events = events_of(entry);
        for (index, event) in events.iter().enumerate().skip(st.index) {
            if !hook.wants(&event.kind) {
                continue;
            }
            // Renewed before each attempt; lost (this process stalled past it): stop here.
            if !state.quotas().holds_lease(&**state.store(), &format!("webhook:{}", hook.id), lease(state)).await {
                break;
            }
            let delivery = attempt(state, client, hook, entry, index, event, st.attempts + 1).await;
            if let Some(error) = delivery.error.clone() {
                pass.failed += 1;
                pass.pending += 1;
                *oldest = Some(oldest.map_or(entry.at, |o| o.min(entry.at)));
                if let Some(success) = &last_success {
                    record(state, hook, success).await;
                }
                record(state, hook, &delivery).await;
                return fail(state, hook, &mut st, error).await;
            }
            pass.delivered += 1;
            last_success = Some(delivery);
            st = DeliveryState { version: st.version, index: index + 1, ..DeliveryState::default() };
        }
        st = DeliveryState { version: entry.version, index: 0, ..DeliveryState::default() };
    }
    if let Some(success) = &last_success {
        record(state, hook, success).await;
    }
    if st.version != saved.version || st.index != saved.index {
        save_state(state, hook, &st).await?;
    }
    Ok(())
}

/// Why `hook` may no longer deliver, checked at send time: its creator must still be the
/// playlist's owner or an editor (who may create hooks), as when they made it.
async fn creator_lost_access(state: &dyn DeliveryDeps, hook: &Webhook) -> Result<Option<String>, ApiError> {
    let playlist = match crate::playlists::write::current(state, &hook.playlist_id).await {
        Ok(p) => p,
        Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => return Ok(None),
        Err(e) => return Err(e),
    };
    let access = playlist.meta.access_of(Some(&hook.created_by));
    Ok((!crate::playlists::access::allows(access, crate::playlists::access::Action::Edit)).then(|| {
        "suspended: the user who created this hook is no longer the owner or an editor of the playlist, so it \
         sends nothing more (events since were skipped); delete it, or have an editor create a new one"
            .to_owned()
    }))
}

async fn fail(state: &dyn DeliveryDeps, hook: &Webhook, st: &mut DeliveryState, error: String) -> Result<(), ApiError> {
    let now = Utc::now();
    st.attempts += 1;
    let since = *st.failing_since.get_or_insert(now);
    let base = state.config().webhooks.retry_base_secs.max(1) as i64;
    let backoff = base.saturating_mul(1 << (st.attempts - 1).min(20)).min(MAX_BACKOFF_SECS);
    let wait = rand::thread_rng().gen_range(backoff / 2..=backoff.max(1));
    st.next_attempt_at = Some(now + chrono::Duration::seconds(wait));
    if now - since > chrono::Duration::hours(state.config().webhooks.give_up_hours as i64) {
        st.disabled = Some(format!(
            "disabled after failing since {} ({} attempts); the last error: {error}. Fix the receiver, then delete \
             and create the hook again",
            since.to_rfc3339(),
            st.attempts
        ));
    }
    st.last_error = Some(error);
    save_state(state, hook, st).await
}

async fn attempt(
    state: &dyn DeliveryDeps,
    client: &reqwest::Client,
    hook: &Webhook,
    entry: &HistoryEntry,
    index: usize,
    event: &ChangeEvent,
    number: u32,
) -> Delivery {
    let id = event_id(&hook.playlist_id, entry.version, index);
    let body = serde_json::to_vec(&payload(&hook.playlist_id, entry, event)).unwrap_or_default();
    let now = Utc::now();
    let timestamp = now.timestamp();
    let started = Instant::now();
    let allow_insecure = state.config().webhooks.allow_insecure_targets;
    let result = match url::Url::parse(&hook.url) {
        Ok(url) if target::literal_allowed(&url, allow_insecure) => client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signing::header(&hook.valid_secrets(now), &id, timestamp, &body))
            .body(body)
            .send()
            .await
            .map_err(
                |e| if e.is_timeout() { "the receiver did not answer in time".to_owned() } else { format!("{e}") },
            ),
        _ => Err("the target address is not allowed".to_owned()),
    };
    let (outcome, http_status, error) = match &result {
        Ok(r) if r.status().is_success() => ("delivered", Some(r.status().as_u16()), None),
        Ok(r) => ("failed", Some(r.status().as_u16()), Some(format!("the receiver answered {}", r.status()))),
        Err(e) => ("failed", None, Some(e.clone())),
    };
    state.metrics().webhook_deliveries.with_label_values(&[outcome]).inc();
    Delivery {
        webhook_id: id,
        event: event.kind.clone(),
        attempt: number,
        at: now,
        status: outcome.to_owned(),
        http_status,
        error,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}
