//! sharify's integration tests: one binary, real server, real HTTP, both store backends.

mod helpers;

mod account;
mod auth;
mod auth_matrix;
mod binary;
mod concurrency;
mod conditional;
mod enrichment;
mod enrichment_revisions;
mod errors;
mod export;
mod faults;
mod hardening;
mod health;
mod import;
mod items;
mod lastfm_fake;
mod lastfm_recorded;
mod legacy;
mod matching_quality;
mod openapi;
mod ops;
mod playlists;
mod replicas;
mod review;
mod round_trip;
mod secrets;
mod share_links;
mod share_page;
mod sharing;
mod sharing_limits;
mod shutdown;
mod store_changes;
mod store_contract;
mod takeout;
