//! Schedules and notifications in the web app: create a job from a human form (what, when, in
//! which time zone), run it now, pause or resume it, see its runs and failures; dismiss
//! notifications.

pub mod form;
pub mod routes;
