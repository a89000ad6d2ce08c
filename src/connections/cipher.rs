//! Linked accounts' tokens at rest: XChaCha20-Poly1305 with a random 24-byte nonce, under a key
//! from the secrets chain. Each ciphertext carries the id of its key (the first 8 hex digits of
//! the key's SHA-256), so keys can be rotated: earlier keys stay readable until
//! `sharify keys rotate` has re-encrypted everything with the current one. Each ciphertext is
//! bound to where it belongs (associated data: the record it sits in, e.g. a user's Spotify
//! link), so one copied into another record does not open.

use base64::{engine::general_purpose::STANDARD, Engine};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
    XChaCha20Poly1305, XNonce,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::ConnectionsConfig;

/// A sealed value: key id, nonce and ciphertext (base64).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sealed {
    /// Which key sealed it.
    pub kid: String,
    /// The nonce, base64.
    pub nonce: String,
    /// The ciphertext with its tag, base64.
    pub data: String,
    /// Sealed with associated data (values sealed before binding existed have none, and open
    /// without it until `sharify keys rotate` seals them again).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bound: bool,
}

/// The token keys: the current one seals, every known one opens.
pub struct TokenCipher {
    current: (String, XChaCha20Poly1305),
    previous: Vec<(String, XChaCha20Poly1305)>,
}

/// A key's id: the first 8 hex digits of its SHA-256.
fn key_id(key: &[u8]) -> String {
    hex::encode(&Sha256::digest(key)[..4])
}

fn parse_key(text: &str, name: &str) -> anyhow::Result<(String, XChaCha20Poly1305)> {
    let bytes = STANDARD
        .decode(text.trim())
        .map_err(|_| anyhow::anyhow!("{name} is not base64 (make one with `openssl rand -base64 32`)"))?;
    if bytes.len() != 32 {
        anyhow::bail!("{name} must be 32 bytes, base64 (it is {} bytes)", bytes.len());
    }
    let cipher = XChaCha20Poly1305::new_from_slice(&bytes).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    Ok((key_id(&bytes), cipher))
}

impl TokenCipher {
    /// The cipher `config` describes, `None` when no token key is set; an error when a key is
    /// malformed.
    pub fn from_config(config: &ConnectionsConfig) -> anyhow::Result<Option<Self>> {
        let Some(current) = &config.token_key else { return Ok(None) };
        let current = parse_key(current.expose(), "connections.token_key")?;
        let previous = match &config.previous_token_keys {
            Some(keys) => keys
                .expose()
                .split(',')
                .filter(|k| !k.trim().is_empty())
                .map(|k| parse_key(k, "connections.previous_token_keys"))
                .collect::<anyhow::Result<_>>()?,
            None => Vec::new(),
        };
        Ok(Some(Self { current, previous }))
    }

    /// The current key's id.
    pub fn current_kid(&self) -> &str {
        &self.current.0
    }

    /// Seals `plain` with the current key, bound to `context` (where it will be kept).
    pub fn seal(&self, plain: &[u8], context: &str) -> anyhow::Result<Sealed> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let data = self
            .current
            .1
            .encrypt(&nonce, Payload { msg: plain, aad: context.as_bytes() })
            .map_err(|_| anyhow::anyhow!("cannot encrypt a token"))?;
        Ok(Sealed {
            kid: self.current.0.clone(),
            nonce: STANDARD.encode(nonce),
            data: STANDARD.encode(data),
            bound: true,
        })
    }

    /// Opens `sealed` with the key it names; it must have been sealed for `context`.
    pub fn open(&self, sealed: &Sealed, context: &str) -> anyhow::Result<Vec<u8>> {
        let cipher = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|(kid, _)| *kid == sealed.kid)
            .map(|(_, c)| c)
            .ok_or_else(|| {
                anyhow::anyhow!("tokens sealed with key {} cannot be read: that key is not configured", sealed.kid)
            })?;
        let nonce =
            STANDARD.decode(&sealed.nonce).map_err(|_| anyhow::anyhow!("a sealed token's nonce is not base64"))?;
        if nonce.len() != 24 {
            anyhow::bail!("a sealed token's nonce has the wrong length");
        }
        let data = STANDARD.decode(&sealed.data).map_err(|_| anyhow::anyhow!("a sealed token is not base64"))?;
        let aad = if sealed.bound { context.as_bytes() } else { b"" };
        cipher
            .decrypt(XNonce::from_slice(&nonce), Payload { msg: data.as_slice(), aad })
            .map_err(|_| anyhow::anyhow!("a sealed token does not open with key {} (altered?)", sealed.kid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn config(current: &[u8; 32], previous: &[&[u8; 32]]) -> ConnectionsConfig {
        ConnectionsConfig {
            token_key: Some(Secret::new(STANDARD.encode(current))),
            previous_token_keys: Some(Secret::new(
                previous.iter().map(|k| STANDARD.encode(k)).collect::<Vec<_>>().join(","),
            )),
        }
    }

    #[test]
    fn seals_open_with_their_key_and_rotated_keys_still_read() {
        let old = TokenCipher::from_config(&config(&[1; 32], &[])).unwrap().unwrap();
        let sealed = old.seal(b"refresh-token", "alice spotify").unwrap();
        assert!(!sealed.data.contains("refresh"), "ciphertext, not the token");
        assert_eq!(old.open(&sealed, "alice spotify").unwrap(), b"refresh-token");
        let rotated = TokenCipher::from_config(&config(&[2; 32], &[&[1; 32]])).unwrap().unwrap();
        assert_eq!(rotated.open(&sealed, "alice spotify").unwrap(), b"refresh-token", "the previous key still opens");
        assert_ne!(rotated.seal(b"x", "c").unwrap().kid, sealed.kid, "new seals use the current key");
        let forgotten = TokenCipher::from_config(&config(&[2; 32], &[])).unwrap().unwrap();
        assert!(forgotten.open(&sealed, "alice spotify").is_err());
        let mut altered = sealed.clone();
        altered.data = STANDARD.encode(b"not what was sealed at all........");
        assert!(old.open(&altered, "alice spotify").is_err(), "tampering is detected");
        assert!(old.open(&sealed, "mallory spotify").is_err(), "a value copied to another record does not open");
    }

    #[test]
    fn malformed_keys_are_refused_with_their_name() {
        let short =
            ConnectionsConfig { token_key: Some(Secret::new(STANDARD.encode([0u8; 16]))), ..Default::default() };
        let e = TokenCipher::from_config(&short).err().unwrap().to_string();
        assert!(e.contains("connections.token_key") && e.contains("32 bytes"), "{e}");
        assert!(TokenCipher::from_config(&ConnectionsConfig::default()).unwrap().is_none());
    }
}
