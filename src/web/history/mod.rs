//! A playlist's history, and bringing an earlier version back.

pub mod routes;
