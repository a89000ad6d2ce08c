//! `GET /app/stats` (the pictures) and `POST /app/stats/import` (import plays now, through a
//! `listens` schedule that then keeps them coming).

use askama::Template;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
    Router,
};
use serde::Deserialize;

use super::svg::{self, Cell, HBar, VBar};
use crate::{
    app::AppState,
    connections,
    error::ApiError,
    listens::{
        shape,
        stats::{self, Period, Stats},
    },
    platforms::Platform,
    schedules::{
        model::{JobKind, RunStatus, Schedule},
        runner,
        service::{self as schedules, NewSchedule},
    },
    web::{
        form::WebForm,
        page::{html, Chrome, PageError},
        session::WebUser,
    },
};

/// The stats routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/app/stats", get(show)).route("/app/stats/import", post(import))
}

/// A period link at the top of the page.
struct PeriodLink {
    value: &'static str,
    label: &'static str,
    current: bool,
}

const PERIODS: [(Period, &str, &str); 5] = [
    (Period::Week, "7d", "7 days"),
    (Period::Month, "1m", "30 days"),
    (Period::Quarter, "3m", "3 months"),
    (Period::Year, "12m", "12 months"),
    (Period::All, "all", "All time"),
];

/// The stats page.
#[derive(Template)]
#[template(path = "web/stats.html")]
struct StatsPage {
    chrome: Chrome,
    periods: Vec<PeriodLink>,
    period_label: &'static str,
    stats: Stats,
    artists: (Vec<HBar>, u32),
    tracks: (Vec<HBar>, u32),
    cells: Vec<Cell>,
    busiest: Option<String>,
    time: (Vec<VBar>, String, String),
    /// Sources linked, to import from: `lastfm`, `spotify`.
    sources: Vec<(&'static str, &'static str)>,
    bars_width: u32,
    days: [&'static str; 7],
    /// The clock's numbers, as rows of a table (weekday, 24 counts).
    clock_rows: Vec<(&'static str, Vec<u64>)>,
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    period: Option<&str>,
    status: StatusCode,
    notice: Option<(&'static str, String)>,
) -> Result<Response, PageError> {
    let caller = &user.auth.user;
    let (period, _, period_label) = PERIODS.iter().find(|(_, v, _)| Some(*v) == period).copied().unwrap_or(PERIODS[1]);
    let listens = stats::listens_in(state.store.as_ref(), caller, period).await?;
    let stats = stats::summarise(state.store.as_ref(), caller, period, &listens).await?;
    let shape = shape::of(&listens, period, stats::zone_of(caller));
    drop(listens);
    let artists: Vec<(String, u64)> =
        stats.top_artists.iter().take(10).map(|a| (a.artist.clone(), a.listens)).collect();
    let tracks: Vec<(String, u64)> =
        stats.top_tracks.iter().take(10).map(|t| (format!("{} – {}", t.artist, t.title), t.listens)).collect();
    let linked = connections::list(state, &caller.id).await?;
    let sources = [(Platform::Lastfm, "lastfm", "Last.fm"), (Platform::Spotify, "spotify", "Spotify")]
        .into_iter()
        .filter(|(p, _, _)| linked.iter().any(|c| c.platform == *p))
        .map(|(_, name, label)| (name, label))
        .collect();
    let page = StatsPage {
        chrome: Chrome::new("Your listening", user.chrome_user()).with_any_notice(notice),
        periods: PERIODS.iter().map(|(p, value, label)| PeriodLink { value, label, current: *p == period }).collect(),
        period_label,
        artists: svg::hbars(&artists),
        tracks: svg::hbars(&tracks),
        cells: svg::clock_cells(&shape.clock),
        busiest: svg::busiest(&shape.clock),
        time: svg::time_bars(&shape.over_time, shape.step),
        clock_rows: svg::DAYS.iter().zip(shape.clock.iter()).map(|(d, hours)| (*d, hours.to_vec())).collect(),
        stats,
        sources,
        bars_width: svg::BARS_WIDTH,
        days: svg::DAYS,
    };
    Ok(html(status, &page))
}

async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    page(&state, &user, q.period.as_deref(), StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct ImportForm {
    csrf: String,
    source: String,
}

/// `user`'s `listens` schedule for `source`, created (hourly) when there is none.
async fn listens_schedule(state: &AppState, user: &WebUser, source: &str) -> Result<Schedule, ApiError> {
    let caller = &user.auth.user;
    let mine = schedules::list(state, caller).await?;
    let found = mine.into_iter().find(|s| s.kind == JobKind::Listens && s.params["source"] == source);
    match found {
        Some(s) => Ok(s),
        None => {
            let input = NewSchedule {
                kind: JobKind::Listens,
                params: serde_json::json!({ "source": source }),
                cron: None,
                timezone: None,
                interval_secs: None,
                enabled: true,
            };
            schedules::create(state, caller, input).await
        }
    }
}

/// How long the page waits for an import before saying it goes on in the background.
const IMPORT_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

async fn run_import(state: &AppState, user: &WebUser, source: &str) -> Result<(&'static str, String), ApiError> {
    let schedule = listens_schedule(state, user, source).await?;
    runner::check_run_now_gap(state, &schedule)?;
    let task_state = state.clone();
    let run = tokio::spawn(async move {
        let holder = task_state.quotas.replica_id.clone();
        runner::run_now(&task_state, &schedule, &holder).await
    });
    match tokio::time::timeout(IMPORT_WAIT, run).await {
        Ok(Ok(done)) => {
            let run = done?;
            if run.status == RunStatus::Failed {
                return Ok(("error", run.error.unwrap_or_else(|| "the import failed".into())));
            }
            let (read, new) = (run.counts.get("listens").copied(), run.counts.get("written").copied());
            Ok((
                "ok",
                format!(
                    "read {} plays, {} of them new; they are imported every hour from now on (see Schedules)",
                    read.unwrap_or(0),
                    new.unwrap_or(0)
                ),
            ))
        }
        Ok(Err(join)) => Err(ApiError::internal(join)),
        Err(_) => Ok(("ok", "importing goes on in the background: reload this page in a minute".into())),
    }
}

async fn import(
    State(state): State<AppState>,
    user: WebUser,
    WebForm(form): WebForm<ImportForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf)?;
    if !matches!(form.source.as_str(), "lastfm" | "spotify") {
        return Err(ApiError::bad_request("invalid_source", "import plays from lastfm or spotify").into());
    }
    match run_import(&state, &user, &form.source).await {
        Ok(notice) => page(&state, &user, None, StatusCode::OK, Some(notice)).await,
        Err(e) if e.status.is_client_error() => page(&state, &user, None, e.status, Some(("error", e.message))).await,
        Err(e) => Err(e.into()),
    }
}
