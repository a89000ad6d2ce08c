//! Signing up, in and out.

pub mod routes;
