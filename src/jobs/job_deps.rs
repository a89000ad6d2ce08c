//! What the scheduled jobs need from the process.

use crate::{listens::deps::ListenDeps, playlists::deps::AddDeps, push::PushDeps};

/// The scheduled jobs' needs: they write playlists (adding tracks), read and push to linked
/// accounts, and import listens.
pub trait JobDeps: AddDeps + PushDeps + ListenDeps {}

impl<T: AddDeps + PushDeps + ListenDeps + ?Sized> JobDeps for T {}
