//! Bearer tokens: 256 random bits, shown once, stored only as a SHA-256 hash.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

/// Prefix that makes sharify tokens recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "shf_";

/// Creates a new token; returns (the token to show once, its hash to store).
pub fn generate_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_token(&token);
    (token, hash)
}

/// The stored form of a token: hex SHA-256 (tokens are high-entropy, so a fast hash suffices).
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_hash_differs_from_token() {
        let (token, hash) = generate_token();
        let raw = URL_SAFE_NO_PAD.decode(token.trim_start_matches(TOKEN_PREFIX)).unwrap();
        assert_eq!(raw.len(), 32);
        assert_eq!(hash, hash_token(&token));
        assert!(!hash.contains(&token[4..]));
        assert_ne!(generate_token().0, token);
    }
}
