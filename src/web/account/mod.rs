//! The account page: display name, time zone, password.

pub mod routes;
