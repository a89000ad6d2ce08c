//! The review queue: items whose match is doubtful, their candidates side by side, decided one by
//! one or all above a confidence.

pub mod routes;
