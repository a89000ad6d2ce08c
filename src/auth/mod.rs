//! Authentication: argon2id passwords, hashed bearer tokens, Basic auth, login throttling.

pub mod cache;
pub mod deps;
pub mod extractor;
pub mod password;
pub mod routes;
pub mod service;
pub mod store;
pub mod throttle;
pub mod tokens;

pub use extractor::{AuthUser, MaybeAuthUser};
