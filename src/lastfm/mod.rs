//! Last.fm: a typed client (quirks absorbed), resilience (retries, breaker, one rate limiter per
//! process), a cache in the store with request coalescing, and bounded fan-out enrichment.

pub mod decode;
mod decode_user;
pub mod error;
pub mod types;
mod wire;

pub use error::LastfmError;

pub mod breaker;
pub mod client;
pub mod outage;

pub use client::LastfmClient;
