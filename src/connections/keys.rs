//! `sharify keys rotate`: seals every linked account's tokens and every webhook signing secret
//! again with the current token key (bound to their records), so earlier keys can then be dropped
//! from `connections.previous_token_keys`; webhook secrets kept as given before a key was set are
//! sealed. Each record is replaced only while it still holds what was read: a token refresh
//! that saved meanwhile is never overwritten (the record is read again and, if need be, sealed
//! again).

use super::{cipher::TokenCipher, tokens, Connection, KIND};
use crate::storage::Store;

/// Records read per page.
const PAGE: usize = 200;
/// Attempts at one record that keeps changing under the rotation.
const ATTEMPTS: usize = 5;

/// What a rotation did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotated {
    /// Records sealed again with the current key.
    pub resealed: usize,
    /// Records already sealed with it (or holding nothing to seal).
    pub current: usize,
}

/// A connection record sealed again, or `None` when it already is with the current key.
fn resealed_connection(cipher: &TokenCipher, key: &str, value: &str) -> anyhow::Result<Option<String>> {
    let mut connection: Connection =
        serde_json::from_str(value).map_err(|e| anyhow::anyhow!("connection {key} is unreadable: {e}"))?;
    let Some(sealed) = connection.tokens.as_ref().filter(|s| !s.bound || s.kid != cipher.current_kid()) else {
        return Ok(None);
    };
    let user_id = key.split('\u{1e}').next().unwrap_or_default();
    let context = tokens::context(user_id, connection.platform);
    let plain = cipher.open(sealed, &context)?;
    connection.tokens = Some(cipher.seal(&plain, &context)?);
    Ok(Some(serde_json::to_string(&connection)?))
}

/// Seals every record of `kind` again with `reseal`, each replaced only while unchanged.
async fn rotate_kind(
    store: &dyn Store,
    kind: &str,
    reseal: impl Fn(&str, &str) -> anyhow::Result<Option<String>>,
    done: &mut Rotated,
) -> anyhow::Result<()> {
    let mut after: Option<String> = None;
    loop {
        let keys = store.record_keys(kind, after.as_deref(), PAGE).await?;
        let Some(last) = keys.last().cloned() else { break };
        for (key, mut value) in store.records(kind, &keys).await? {
            for attempt in 1..=ATTEMPTS {
                let Some(new) = reseal(&key, &value)? else {
                    done.current += 1;
                    break;
                };
                if store.replace_record_if(kind, &key, &value, &new).await? {
                    done.resealed += 1;
                    break;
                }
                // Changed meanwhile (a refresh saved new tokens) or gone: read it again.
                match store.records(kind, std::slice::from_ref(&key)).await?.pop() {
                    Some((_, now)) if attempt < ATTEMPTS => value = now,
                    Some(_) => anyhow::bail!("{kind} {key} kept changing during the rotation: run it again"),
                    None => break,
                }
            }
        }
        after = Some(last);
    }
    Ok(())
}

/// Seals every stored token and webhook secret with `cipher`'s current key.
pub async fn rotate(store: &dyn Store, cipher: &TokenCipher) -> anyhow::Result<Rotated> {
    let mut done = Rotated::default();
    rotate_kind(store, KIND, |k, v| resealed_connection(cipher, k, v), &mut done).await?;
    rotate_kind(store, crate::webhooks::HOOK, |k, v| crate::webhooks::sealing::resealed(cipher, k, v), &mut done)
        .await?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use base64::{engine::general_purpose::STANDARD, Engine};

    use super::*;
    use crate::{
        config::{ConnectionsConfig, Secret},
        storage::{
            embedded::EmbeddedStore,
            records::{RecordKey, RecordStore},
        },
    };

    fn cipher(current: u8, previous: Option<u8>) -> TokenCipher {
        let config = ConnectionsConfig {
            token_key: Some(Secret::new(STANDARD.encode([current; 32]))),
            previous_token_keys: previous.map(|p| Secret::new(STANDARD.encode([p; 32]))),
        };
        TokenCipher::from_config(&config).unwrap().unwrap()
    }

    fn connection(sealed: super::super::cipher::Sealed) -> String {
        serde_json::json!({"platform": "spotify", "status": "active", "account_id": null, "display_name": null,
            "access_expires_at": null, "linked_at": "2026-01-01T00:00:00Z", "message": null, "tokens": sealed})
        .to_string()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_refresh_saved_during_the_rotation_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = EmbeddedStore::open(dir.path()).unwrap();
        store.migrate().await.unwrap();
        let (old, new) = (cipher(1, None), cipher(2, Some(1)));
        let key = "u1\u{1e}spotify";
        let context = tokens::context("u1", crate::platforms::Platform::Spotify);
        let before = connection(old.seal(br#"{"access_token":"old","refresh_token":"r1"}"#, &context).unwrap());
        store.put_record(RecordKey { kind: KIND, owner: "u1", key }, &before, None).await.unwrap();
        // A refresh on another replica saves new tokens after the rotation read the record and
        // before it writes it back.
        let refreshed = connection(new.seal(br#"{"access_token":"fresh","refresh_token":"r2"}"#, &context).unwrap());
        let raced = AtomicBool::new(false);
        let handle = tokio::runtime::Handle::current();
        let mut done = Rotated::default();
        rotate_kind(
            &store,
            KIND,
            |k, v| {
                if !raced.swap(true, Ordering::SeqCst) {
                    tokio::task::block_in_place(|| {
                        handle.block_on(store.put_record(RecordKey { kind: KIND, owner: "u1", key }, &refreshed, None))
                    })?;
                }
                resealed_connection(&new, k, v)
            },
            &mut done,
        )
        .await
        .unwrap();
        let stored = store.records(KIND, &[key.to_owned()]).await.unwrap();
        assert_eq!(stored[0].1, refreshed, "the refresh's tokens stand");
        assert_eq!((done.resealed, done.current), (0, 1), "read again, it was already current");
    }
}
