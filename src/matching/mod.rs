//! Track matching: how sure we are that a canonical track is the one a line means, and what the
//! user decided when we were not sure.

pub mod decide;
pub mod decisions;
pub mod model;
pub mod names;
pub mod reason;
pub mod review;
pub mod routes;
pub mod score;
