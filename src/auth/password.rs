//! Password hashing with argon2id (OWASP parameters), on blocking threads, a bounded number at
//! a time: each hash holds 19 MiB, so the bound comes from the memory the process may use, and a
//! caller that cannot get a slot within the queue time gets 503 with `Retry-After` instead of
//! taking the pod down.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

/// Memory one hash holds, with some slack for the rest of the work.
const BYTES_PER_HASH: u64 = 20 * 1024 * 1024;

/// Hashes and verifies passwords; holds a dummy hash so unknown users cost the same time.
pub struct Passwords {
    argon: Argon2<'static>,
    dummy_hash: String,
    slots: Arc<Semaphore>,
    queue: Duration,
    running: Arc<Running>,
}

/// How many hashes run now, and the most that ever ran at once.
#[derive(Default)]
struct Running {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Running {
    /// Runs `work` (a hash), counted while it runs.
    fn count<T>(&self, work: impl FnOnce() -> T) -> T {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let out = work();
        self.now.fetch_sub(1, Ordering::SeqCst);
        out
    }
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new(4, Duration::from_secs(2))
    }
}

/// How many hashes may run at once: `configured` when set, else a quarter of the memory limit
/// (cgroup v2 or v1) divided by what one hash holds, at least 1 and at most twice the cores.
pub fn hash_slots(configured: usize) -> usize {
    if configured > 0 {
        return configured;
    }
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    match memory_limit_bytes() {
        Some(limit) => usize::try_from(limit / 4 / BYTES_PER_HASH).unwrap_or(usize::MAX).clamp(1, cores * 2),
        None => cores * 2,
    }
}

/// The container's memory limit, when it has one.
fn memory_limit_bytes() -> Option<u64> {
    ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter_map(|text| text.trim().parse::<u64>().ok())
        .find(|limit| *limit < (1 << 50))
}

impl Passwords {
    /// Builds the hasher with OWASP parameters, running at most `slots` hashes at once and
    /// waiting at most `queue` for a slot.
    pub fn new(slots: usize, queue: Duration) -> Self {
        let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None).expect("static argon2 params are valid");
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::generate(&mut OsRng);
        let dummy_hash = argon.hash_password(b"dummy password for timing", &salt).expect("hashing works").to_string();
        let slots = Arc::new(Semaphore::new(slots.max(1)));
        Self { argon, dummy_hash, slots, queue, running: Arc::default() }
    }

    /// The most hashes that ever ran at once in this process.
    pub fn peak_running(&self) -> usize {
        self.running.peak.load(Ordering::SeqCst)
    }

    /// Waits for a hashing slot; 503 with `Retry-After` when none frees up within the queue time.
    /// The slot moves into the blocking hash and is given back only when the hash itself ends,
    /// so a caller that hangs up (its request future dropped) cannot free it early.
    async fn slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        match tokio::time::timeout(self.queue, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ApiError::unavailable("too many sign-ins at once; try again in a moment")),
        }
    }

    /// Hashes a password into a PHC string (runs on a blocking thread).
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let slot = self.slot().await?;
        let (argon, running) = (self.argon.clone(), self.running.clone());
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let salt = SaltString::generate(&mut OsRng);
            running.count(|| argon.hash_password(password.as_bytes(), &salt).map(|h| h.to_string()))
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
    }

    /// Verifies a password; with no stored hash it checks a dummy so timing does not reveal that.
    /// 503 when no hashing slot frees up within the queue time.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        let slot = self.slot().await?;
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.clone());
        let (argon, running) = (self.argon.clone(), self.running.clone());
        let ok = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let verify = || argon.verify_password(password.as_bytes(), &PasswordHash::new(&hash)?).map(|_| true);
            running.count(verify).unwrap_or(false)
        })
        .await
        .unwrap_or(false);
        Ok(ok && known)
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
        let p = Passwords::default();
        let hash = p.hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(p.verify("correct horse battery".into(), Some(hash.clone())).await.unwrap());
        assert!(!p.verify("wrong horse battery".into(), Some(hash)).await.unwrap());
        assert!(!p.verify("dummy password for timing".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn at_most_the_slots_hash_at_once_and_the_rest_get_503_after_the_queue_time() {
        let p = std::sync::Arc::new(Passwords::new(1, Duration::from_millis(1)));
        let attempts = (0..8).map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.hash("correct horse battery".into()).await })
        });
        let results = futures::future::join_all(attempts).await;
        let busy =
            results.iter().filter(|r| matches!(r, Ok(Err(e)) if e.status == 503 && e.retry_after.is_some())).count();
        assert!(busy >= 1, "a full queue answers 503 with Retry-After");
        assert!(results.iter().any(|r| matches!(r, Ok(Ok(_)))), "one slot still hashes");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_caller_that_hangs_up_keeps_its_slot_until_its_hash_ends() {
        let p = std::sync::Arc::new(Passwords::new(1, Duration::from_secs(10)));
        let stored = p.hash("correct horse battery".into()).await.unwrap();
        for _ in 0..12 {
            let (p, stored) = (p.clone(), stored.clone());
            let login = tokio::spawn(async move { p.verify("wrong horse battery".into(), Some(stored)).await });
            tokio::time::sleep(Duration::from_millis(5)).await;
            login.abort(); // the client hung up: its request future is dropped
        }
        // The last one waits its turn; by then every hash has ended.
        assert!(!p.verify("wrong horse battery".into(), Some(stored)).await.unwrap());
        assert_eq!(p.peak_running(), 1, "never more than the one slot's hash at a time");
    }

    #[test]
    fn slots_follow_the_configuration_or_the_memory_limit() {
        assert_eq!(hash_slots(3), 3);
        let auto = hash_slots(0);
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        assert!((1..=cores * 2).contains(&auto), "{auto}");
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
