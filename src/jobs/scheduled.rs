//! Runs one scheduled job as its owner, by kind; the counts it returns go on the run
//! (`written` also feeds `job_items_written_total`).

use std::collections::BTreeMap;

use crate::{
    error::ApiError,
    jobs::job_deps::JobDeps,
    schedules::{
        model::{JobKind, Run, Schedule},
        params::{self, ListensParams},
    },
    tracks::charged::Patience,
};

/// Runs `schedule`'s job for `run`.
pub async fn execute(
    state: &dyn JobDeps,
    schedule: &Schedule,
    _run: &Run,
    patience: Patience,
) -> Result<BTreeMap<String, u64>, ApiError> {
    let Some(owner) = state.store().user_by_id(&schedule.owner_id).await? else {
        return Err(ApiError::not_found("user_not_found", "the schedule's owner no longer exists"));
    };
    let kind = schedule.kind;
    match kind {
        JobKind::Sync => {
            super::sync::run(state, &owner, schedule, params::typed(kind, &schedule.params)?, patience).await
        }
        JobKind::Generate => {
            let request: super::generate::GenerateRequest = params::typed(kind, &schedule.params)?;
            let into = match &request.playlist_id {
                Some(_) => None,
                None => Some(super::write_tracks::job_playlist(state, &owner, &schedule.id, &request.name).await?),
            };
            let (_, report) = super::generate::generate(state, &owner, &request, into, patience).await?;
            Ok(BTreeMap::from([
                ("artists_resolved".to_owned(), report.artists.iter().filter(|a| a.resolved.is_some()).count() as u64),
                ("tracks".to_owned(), report.tracks as u64),
                ("added".to_owned(), report.added),
                ("removed".to_owned(), report.removed),
                ("written".to_owned(), report.added + report.removed),
            ]))
        }
        JobKind::Discover => {
            super::discover::run(state, &owner, schedule, params::typed(kind, &schedule.params)?, patience).await
        }
        JobKind::Listens => {
            let p: ListensParams = params::typed(kind, &schedule.params)?;
            crate::listens::import::run(state, &owner, p.source, patience).await
        }
        // Made before it became the operator's: it fails, and three failures pause it.
        JobKind::Reindex => Err(params::operator_job()),
    }
}
