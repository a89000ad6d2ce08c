//! An import by link as a run (see [`crate::runs`]): reading a long platform playlist page by page
//! at the platform's pace can outlast a request, so past `jobs.request_wait_ms` the import answers
//! `202` with the run to follow (`GET /v1/import-runs/{id}`); it goes on and ends `succeeded` with
//! the import report (the new or changed playlist in it) or `failed` with the error.

use std::sync::{atomic::AtomicUsize, Arc};

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::importer::{import_into, import_new, ImportQuery, ImportReport};
use crate::{
    app::AppState,
    auth::AuthUser,
    error::{ApiError, ErrorEnvelope},
    http::{api_errors::NeedsAuth, extract::ApiPath},
    playlists::model::Playlist,
    runs::{Run, RunKind, Started},
    users::model::User,
};

/// Records kind of import runs.
const RUNS: &str = "import_run";

/// An import run: `report` is the import's report.
pub type ImportRun = Run<ImportReport>;

/// Routes of this feature.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_run))
}

/// Where an import of a platform playlist goes: a new playlist, or one to append to.
pub enum ImportTarget {
    /// A new playlist.
    New,
    /// Appended to this playlist, at this revision when given.
    Existing(String, Option<u64>),
}

/// What importing by link needs: adding tracks to playlists and reading the caller's linked
/// accounts (a private Spotify playlist is read as them).
pub trait ImportLinkDeps: crate::playlists::deps::AddDeps + crate::connections::deps::ConnectionDeps {}

impl<T: crate::playlists::deps::AddDeps + crate::connections::deps::ConnectionDeps + ?Sized> ImportLinkDeps for T {}

/// Imports the playlist `url` links to as a run; `answer` builds the response of one that
/// finished within the wait.
pub async fn start<S: ImportLinkDeps + Clone + 'static>(
    state: &S,
    caller: &User,
    url: String,
    into: ImportTarget,
    query: ImportQuery,
    answer: fn(&Playlist, &ImportReport) -> Response,
) -> Result<Response, ApiError> {
    let target = match &into {
        ImportTarget::New => None,
        ImportTarget::Existing(id, _) => Some(id.clone()),
    };
    let (owned_state, owned_caller) = (state.clone(), caller.clone());
    let work = async move {
        let file = crate::connections::spotify_playlists::fetch_link(&owned_state, &owned_caller.id, &url).await?;
        match into {
            ImportTarget::New => import_new(&owned_state, &owned_caller, file, &query).await,
            ImportTarget::Existing(id, if_match) => {
                import_into(&owned_state, &owned_caller, &id, if_match, file, &query).await
            }
        }
    };
    let kind = RunKind { records: RUNS, lease: None };
    let report_of: fn(&(Arc<Playlist>, ImportReport)) -> ImportReport = |(_, report)| report.clone();
    let run = ImportRun::new(target, false);
    let runs = crate::runs::Runs::of(state);
    match crate::runs::start(&runs, &caller.id, kind, run, Arc::new(AtomicUsize::new(0)), work, report_of).await? {
        Started::Done((playlist, report)) => Ok(answer(&playlist, &report)),
        Started::Running(run) => {
            let location = format!("/v1/import-runs/{}", run.id);
            Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(run)).into_response())
        }
    }
}

/// An import by link that answered `202`: `running`, then `succeeded` with its import report (the
/// playlist in it) or `failed` with the error the import would have answered (`interrupted` when
/// its process stopped: import again).
#[utoipa::path(get, path = "/v1/import-runs/{id}", tag = "import",
    params(("id" = String, Path, description = "Run id")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The run", body = ImportRun), NeedsAuth,
        (status = 404, description = "No such run of yours", body = ErrorEnvelope)))]
async fn import_run(
    State(runs): State<crate::runs::Runs>,
    caller: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ImportRun>, ApiError> {
    Ok(Json(crate::runs::get(&runs, RUNS, "import_run_not_found", &caller.user.id, &id).await?))
}
