//! Accounts: sign-up and the caller's profile.

pub mod account;
pub mod dto;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
pub mod takeout;
