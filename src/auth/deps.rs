//! What authentication needs from the process.

use super::{
    cache::CredentialCache,
    password::Passwords,
    throttle::{LoginThrottle, SignupThrottle},
};
use crate::{deps::Basics, http::rate_limit::UserRateLimiter};

/// Authentication's needs: the basics, password hashing, the failed-login and sign-up
/// throttles, recently verified credentials, the per-user request quota and the proxies whose
/// `X-Forwarded-For` is believed.
pub trait AuthDeps: Basics {
    /// Password hashing.
    fn passwords(&self) -> &Passwords;
    /// Failed-login throttle.
    fn throttle(&self) -> &LoginThrottle;
    /// Sign-ups per client address.
    fn signups(&self) -> &SignupThrottle;
    /// Recently verified tokens and Basic credentials.
    fn credentials(&self) -> &CredentialCache;
    /// Per-user request quota for authenticated routes.
    fn user_limiter(&self) -> &UserRateLimiter;
    /// Proxies whose `X-Forwarded-For` is believed.
    fn trusted_proxies(&self) -> &[ipnet::IpNet];
}
