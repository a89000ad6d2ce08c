//! Caches that keep store reads and password hashing off the hot path of authentication.
//!
//! - **Bearer tokens**: a verified token (by its SHA-256 hash) maps to its user for at most
//!   `auth.token_cache_secs`. Revoking a token removes it from this replica's cache at once; on
//!   other replicas the revocation takes effect within that bound.
//! - **Basic credentials**: a successful verification is remembered for `auth.basic_cache_secs`
//!   under a keyed hash of username and password (the key is random per process, so the cache
//!   holds nothing an attacker could test passwords against offline). Failures are never cached,
//!   and the login throttle is still consulted first.

use std::time::Duration;

use chrono::{DateTime, Utc};
use moka::sync::Cache;
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::users::model::User;

/// Most entries each cache holds.
const CAPACITY: u64 = 10_000;

/// A verified bearer token: whose it is and until when it is valid.
#[derive(Clone, Debug)]
pub struct CachedToken {
    /// The token's owner.
    pub user: User,
    /// When the token expires (the cache never outlives it).
    pub expires_at: DateTime<Utc>,
}

/// Recently verified credentials of this process.
pub struct CredentialCache {
    tokens: Option<Cache<String, CachedToken>>,
    basic: Option<Cache<[u8; 32], User>>,
    key: [u8; 32],
}

impl CredentialCache {
    /// Builds the caches; a zero lifetime turns that cache off.
    pub fn new(token_ttl: Duration, basic_ttl: Duration) -> Self {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        let tokens = (!token_ttl.is_zero()).then(|| {
            Cache::builder().max_capacity(CAPACITY).time_to_live(token_ttl).support_invalidation_closures().build()
        });
        let basic = (!basic_ttl.is_zero()).then(|| {
            Cache::builder().max_capacity(CAPACITY).time_to_live(basic_ttl).support_invalidation_closures().build()
        });
        Self { tokens, basic, key }
    }

    /// The cached user of a token hash, unless the token has expired since.
    pub fn token(&self, token_hash: &str) -> Option<User> {
        let hit = self.tokens.as_ref()?.get(token_hash)?;
        (hit.expires_at > Utc::now()).then_some(hit.user)
    }

    /// Remembers a verified token.
    pub fn remember_token(&self, token_hash: String, entry: CachedToken) {
        if let Some(tokens) = &self.tokens {
            tokens.insert(token_hash, entry);
        }
    }

    /// Forgets a token (it was revoked here).
    pub fn forget_token(&self, token_hash: &str) {
        if let Some(tokens) = &self.tokens {
            tokens.invalidate(token_hash);
        }
    }

    /// Forgets every credential of `user_id` this process remembers (password changed, account
    /// deleted); other replicas forget within their cache lifetimes.
    pub fn forget_user(&self, user_id: &str) {
        let id = user_id.to_owned();
        if let Some(tokens) = &self.tokens {
            let id = id.clone();
            let _ = tokens.invalidate_entries_if(move |_, t| t.user.id == id);
        }
        if let Some(basic) = &self.basic {
            let _ = basic.invalidate_entries_if(move |_, u| u.id == id);
        }
    }

    /// The user these Basic credentials were recently verified for.
    pub fn basic(&self, username: &str, password: &str) -> Option<User> {
        self.basic.as_ref()?.get(&self.basic_key(username, password))
    }

    /// Remembers credentials that just verified.
    pub fn remember_basic(&self, username: &str, password: &str, user: User) {
        if let Some(basic) = &self.basic {
            basic.insert(self.basic_key(username, password), user);
        }
    }

    fn basic_key(&self, username: &str, password: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update((username.len() as u64).to_le_bytes());
        h.update(username.as_bytes());
        h.update(password.as_bytes());
        h.finalize().into()
    }
}
