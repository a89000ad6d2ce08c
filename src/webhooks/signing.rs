//! Standard Webhooks signing: secrets `whsec_<base64>` (the bytes after the prefix are the HMAC
//! key), `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one signature per
//! valid secret, space-separated, while a rotation overlaps.

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The secret prefix.
const PREFIX: &str = "whsec_";

/// A new random secret (24 bytes, as Standard Webhooks' own libraries make).
pub fn new_secret() -> String {
    let mut key = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut key);
    format!("{PREFIX}{}", STANDARD.encode(key))
}

/// The HMAC key of a secret (`whsec_` and base64; anything else is used as given).
fn key_of(secret: &str) -> Vec<u8> {
    secret.strip_prefix(PREFIX).and_then(|b64| STANDARD.decode(b64).ok()).unwrap_or_else(|| secret.as_bytes().to_vec())
}

/// `v1,<signature>` of one message under one secret.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&key_of(secret)).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The `webhook-signature` header: one signature per secret, space-separated.
pub fn header(secrets: &[String], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets.iter().map(|s| sign(s, id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

/// What a receiver does: true when one of the header's signatures is `secret`'s and the
/// timestamp is within five minutes of `now`.
pub fn verify(secret: &str, id: &str, timestamp: i64, body: &[u8], header: &str, now: i64) -> bool {
    if (now - timestamp).abs() > 300 {
        return false;
    }
    let expected = sign(secret, id, timestamp, body);
    header.split(' ').any(|candidate| constant_time_eq(candidate.as_bytes(), expected.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_webhooks_example_signature_verifies() {
        // The example of the Standard Webhooks specification (its test vector).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let sig = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(verify(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, &sig, 1614265330 + 10));
        assert!(!verify(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, &sig, 1614265330 + 400), "too old");
        assert!(!verify(secret, "msg_other", 1614265330, body, &sig, 1614265330), "another id");
    }

    #[test]
    fn during_a_rotation_both_secrets_sign() {
        let (old, new) = (new_secret(), new_secret());
        let h = header(&[new.clone(), old.clone()], "id", 1, b"{}");
        assert!(verify(&old, "id", 1, b"{}", &h, 1) && verify(&new, "id", 1, b"{}", &h, 1));
        assert!(!verify(&new_secret(), "id", 1, b"{}", &h, 1));
        assert!(new.starts_with("whsec_") && key_of(&new).len() == 24);
    }
}
