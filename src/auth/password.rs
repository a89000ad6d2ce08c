//! Password hashing with argon2id (OWASP parameters), on blocking threads.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};

use crate::{error::ApiError, limits};

/// OWASP's argon2id recommendation: 19 MiB memory, 2 iterations, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Hashes and verifies passwords; holds a dummy hash so unknown users cost the same time.
pub struct Passwords {
    argon: Argon2<'static>,
    dummy_hash: String,
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

impl Passwords {
    /// Builds the hasher with OWASP parameters.
    pub fn new() -> Self {
        let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None).expect("static argon2 params are valid");
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::generate(&mut OsRng);
        let dummy_hash = argon.hash_password(b"dummy password for timing", &salt).expect("hashing works").to_string();
        Self { argon, dummy_hash }
    }

    /// Hashes a password into a PHC string (runs on a blocking thread).
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let argon = self.argon.clone();
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon.hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
    }

    /// Verifies a password; with no stored hash it checks a dummy so timing does not reveal that.
    pub async fn verify(&self, password: String, stored: Option<String>) -> bool {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.clone());
        let argon = self.argon.clone();
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash).map(|h| argon.verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
        })
        .await
        .unwrap_or(false);
        ok && known
    }
}

/// Checks a new password against the policy: length and the common-password list.
pub fn check_password_policy(password: &str, username: &str) -> Result<(), ApiError> {
    if password.chars().count() < limits::PASSWORD_MIN_CHARS {
        return Err(ApiError::invalid(
            "weak_password",
            format!("password must be at least {} characters", limits::PASSWORD_MIN_CHARS),
        ));
    }
    if password.len() > limits::PASSWORD_MAX_BYTES {
        return Err(ApiError::invalid("weak_password", "password is too long"));
    }
    let lowered = password.to_lowercase();
    if lowered == username.to_lowercase() || COMMON_PASSWORDS.lines().any(|common| common == lowered) {
        return Err(ApiError::invalid("weak_password", "password is too common; choose another"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let p = Passwords::new();
        let hash = p.hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(p.verify("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!p.verify("wrong horse battery".into(), Some(hash)).await);
        assert!(!p.verify("dummy password for timing".into(), None).await);
    }

    #[test]
    fn policy_rejects_short_common_and_username_passwords() {
        assert!(check_password_policy("short", "alice").is_err());
        assert!(check_password_policy("password123", "alice").is_err());
        assert!(check_password_policy("QWERTYUIOP", "alice").is_err());
        assert!(check_password_policy("alice_smith", "alice_smith").is_err());
        assert!(check_password_policy("a long unusual phrase", "alice").is_ok());
    }
}
