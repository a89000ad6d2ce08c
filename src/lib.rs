//! sharify: create, organise and share music playlists.
//!
//! A tour: `main.rs` parses the CLI and loads [`config::Config`]; [`app::Server`] opens the
//! [`storage::Store`] (SQLite by default, MongoDB when configured), builds [`app::AppState`] and
//! serves the router from [`http::build_router`]. Each feature (`users`, `auth`, `playlists`)
//! owns its routes, DTOs, service functions and store trait; services return [`error::ApiError`],
//! the one error type at the HTTP edge. Every playlist write goes through
//! [`playlists::write::modify`]: load, authorize, check `If-Match`, change, compare-and-swap.

pub mod app;
pub mod auth;
pub mod config;
pub mod connections;
pub mod deps;
pub mod error;
pub mod formats;
pub mod http;
pub mod ids;
pub mod jobs;
pub mod lastfm;
pub mod legacy;
pub mod library;
pub mod limits;
pub mod listens;
pub mod matching;
pub mod memory;
pub mod metrics;
pub mod notifications;
pub mod organise;
pub mod platforms;
pub mod playlists;
pub mod push;
pub mod quotas;
pub mod runs;
pub mod schedules;
pub mod secrets;
pub mod sharing;
pub mod storage;
pub mod store_error;
pub mod telemetry;
pub mod tls;
pub mod tracks;
pub mod upstreams;
pub mod users;
pub mod web;
pub mod webhooks;
