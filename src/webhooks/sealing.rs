//! Signing secrets at rest: sealed with the token key (as linked accounts' tokens are) and bound
//! to their hook's record, when a key is configured; kept as given otherwise (the README says
//! so). A stored hook whose secret does not open is left out, with a warning, rather than
//! signing with nothing.

use crate::connections::cipher::TokenCipher;

use super::Webhook;

/// What a hook's secrets are bound to: the record they are kept in.
pub fn context(record_key: &str) -> String {
    format!("webhook\u{1e}{record_key}")
}

/// `hook` as it is stored: its secrets sealed when `cipher` is given.
pub fn sealed(cipher: Option<&TokenCipher>, record_key: &str, hook: &Webhook) -> anyhow::Result<Webhook> {
    let mut stored = hook.clone();
    let Some(cipher) = cipher else { return Ok(stored) };
    for secret in &mut stored.secrets {
        if !secret.secret.is_empty() {
            secret.sealed = Some(cipher.seal(secret.secret.as_bytes(), &context(record_key))?);
            secret.secret.clear();
        }
    }
    Ok(stored)
}

/// `stored` with its secrets opened; `None` (logged) when one cannot be.
pub fn opened(cipher: Option<&TokenCipher>, record_key: &str, mut stored: Webhook) -> Option<Webhook> {
    for secret in &mut stored.secrets {
        let Some(sealed) = secret.sealed.take() else { continue };
        let plain = cipher
            .ok_or_else(|| anyhow::anyhow!("no token key is configured"))
            .and_then(|c| c.open(&sealed, &context(record_key)))
            .and_then(|p| String::from_utf8(p).map_err(anyhow::Error::from));
        match plain {
            Ok(plain) => secret.secret = plain,
            Err(e) => {
                tracing::warn!(error = %e, hook = %stored.id, "a webhook's signing secret cannot be opened; it is skipped");
                return None;
            }
        }
    }
    Some(stored)
}

/// `value` (a stored hook) sealed again with `cipher`'s current key, or `None` when every secret
/// in it already is.
pub fn resealed(cipher: &TokenCipher, record_key: &str, value: &str) -> anyhow::Result<Option<String>> {
    let stored: Webhook =
        serde_json::from_str(value).map_err(|e| anyhow::anyhow!("webhook {record_key} is unreadable: {e}"))?;
    let current =
        stored.secrets.iter().all(|s| s.sealed.as_ref().is_some_and(|x| x.bound && x.kid == cipher.current_kid()));
    if current {
        return Ok(None);
    }
    let hook = opened(Some(cipher), record_key, stored)
        .ok_or_else(|| anyhow::anyhow!("webhook {record_key}'s secret cannot be opened with the configured keys"))?;
    Ok(Some(serde_json::to_string(&sealed(Some(cipher), record_key, &hook)?)?))
}
