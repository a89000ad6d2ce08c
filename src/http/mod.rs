//! Router assembly, middleware, probes, the OpenAPI document and extractors.

pub mod api_docs;
pub mod api_docs_model;
pub mod api_errors;
pub mod conditional;
pub mod errors;
pub mod extract;
pub mod health;
pub mod idempotency;
pub mod openapi;
pub mod rate_limit;
pub mod router;
pub mod session_cookie;

pub use router::build_router;
