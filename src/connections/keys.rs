//! `sharify keys rotate`: re-encrypts every linked account's tokens with the current token key,
//! so earlier keys can then be dropped from `connections.previous_token_keys`.

use super::{cipher::TokenCipher, Connection, KIND};
use crate::storage::{records::RecordKey, Store};

/// Records read per page.
const PAGE: usize = 200;

/// What a rotation did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotated {
    /// Connections whose tokens were sealed again with the current key.
    pub resealed: usize,
    /// Connections already sealed with it (or holding no tokens).
    pub current: usize,
}

/// Re-encrypts every stored token with `cipher`'s current key.
pub async fn rotate(store: &dyn Store, cipher: &TokenCipher) -> anyhow::Result<Rotated> {
    let mut done = Rotated::default();
    let mut after: Option<String> = None;
    loop {
        let keys = store.record_keys(KIND, after.as_deref(), PAGE).await?;
        let Some(last) = keys.last().cloned() else { break };
        for (key, value) in store.records(KIND, &keys).await? {
            let mut connection: Connection =
                serde_json::from_str(&value).map_err(|e| anyhow::anyhow!("connection {key} is unreadable: {e}"))?;
            let Some(sealed) = connection.tokens.as_ref().filter(|s| s.kid != cipher.current_kid()) else {
                done.current += 1;
                continue;
            };
            let plain = cipher.open(sealed)?;
            connection.tokens = Some(cipher.seal(&plain)?);
            let owner = key.split('\u{1e}').next().unwrap_or_default().to_owned();
            let value = serde_json::to_string(&connection)?;
            store.put_record(RecordKey { kind: KIND, owner: &owner, key: &key }, &value, None).await?;
            done.resealed += 1;
        }
        after = Some(last);
    }
    Ok(done)
}
