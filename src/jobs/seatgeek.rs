//! Upcoming concerts near a place from SeatGeek's public events API (`GET /events`), which
//! covers mainly the United States and Canada. Headliners are the events' primary performers;
//! the others are supporting acts.

use std::time::Duration;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{config::SeatgeekConfig, error::ApiError};

/// Pages of 100 events read at most.
const MAX_PAGES: u32 = 3;

/// Where and when to look for shows: `city` (and optionally `state`) or `lat`/`lon`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShowsQuery {
    /// A city, e.g. `Portland`.
    pub city: Option<String>,
    /// Its state or province code, e.g. `OR`.
    pub state: Option<String>,
    /// Latitude (with `lon`).
    pub lat: Option<f64>,
    /// Longitude (with `lat`).
    pub lon: Option<f64>,
    /// Radius around `lat`/`lon` in km (default 50, at most 500).
    pub within_km: Option<u32>,
    /// First day (default today).
    pub from: Option<NaiveDate>,
    /// Last day (default 90 days after `from`).
    pub to: Option<NaiveDate>,
    /// Leave supporting acts out.
    #[serde(default)]
    pub headliners_only: bool,
}

impl ShowsQuery {
    /// Checks the place and dates.
    pub fn check(&self) -> Result<(), ApiError> {
        let bad = |m: &str| Err(ApiError::invalid("invalid_shows", m.to_owned()));
        match (&self.city, self.lat, self.lon) {
            (Some(c), None, None) if !c.trim().is_empty() && c.len() <= 100 => {}
            (None, Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {}
            _ => return bad("shows needs a city, or lat (-90..90) and lon (-180..180)"),
        }
        if self.within_km.is_some_and(|k| !(1..=500).contains(&k)) {
            return bad("within_km must be 1-500");
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from || (to - from).num_days() > 366 {
                return bad("to must be on or after from, within a year");
            }
        }
        Ok(())
    }
}

/// One show.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Show {
    /// The event's title.
    pub title: String,
    /// When (UTC, as SeatGeek gives it).
    pub datetime_utc: Option<String>,
    /// The venue and city.
    pub venue: Option<String>,
    /// Its headliners.
    pub headliners: Vec<String>,
    /// Its supporting acts.
    pub support: Vec<String>,
}

#[derive(Deserialize)]
struct EventsPage {
    #[serde(default)]
    events: Vec<Event>,
    meta: Option<Meta>,
}

#[derive(Deserialize)]
struct Meta {
    total: Option<u64>,
    per_page: Option<u64>,
}

#[derive(Deserialize)]
struct Event {
    title: Option<String>,
    datetime_utc: Option<String>,
    venue: Option<Venue>,
    #[serde(default)]
    performers: Vec<Performer>,
}

#[derive(Deserialize)]
struct Venue {
    name: Option<String>,
    display_location: Option<String>,
    city: Option<String>,
}

#[derive(Deserialize)]
struct Performer {
    name: String,
    #[serde(default)]
    primary: bool,
}

fn unavailable(message: &str) -> ApiError {
    ApiError::new(axum::http::StatusCode::BAD_GATEWAY, "shows_unavailable", message.to_owned())
}

/// The concerts the query names, every page (at most 300).
pub async fn upcoming(config: &SeatgeekConfig, q: &ShowsQuery) -> Result<Vec<Show>, ApiError> {
    let client_id = config.client_id.as_ref().ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "platform_not_configured",
            "upcoming shows need a SeatGeek client id (SHARIFY_SEATGEEK__CLIENT_ID, secret seatgeek-client-id)",
        )
    })?;
    let from = q.from.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let to = q.to.unwrap_or(from + chrono::Duration::days(90));
    let mut params: Vec<(&str, String)> = vec![
        ("client_id", client_id.expose().to_owned()),
        ("taxonomies.name", "concert".into()),
        ("per_page", "100".into()),
        ("datetime_utc.gte", from.format("%Y-%m-%d").to_string()),
        ("datetime_utc.lte", (to + chrono::Duration::days(1)).format("%Y-%m-%d").to_string()),
    ];
    match (&q.city, q.lat, q.lon) {
        (Some(city), _, _) => {
            params.push(("venue.city", city.trim().to_owned()));
            if let Some(st) = q.state.as_deref().filter(|s| !s.trim().is_empty()) {
                params.push(("venue.state", st.trim().to_owned()));
            }
        }
        (None, Some(lat), Some(lon)) => {
            params.push(("lat", lat.to_string()));
            params.push(("lon", lon.to_string()));
            params.push(("range", format!("{}km", q.within_km.unwrap_or(50))));
        }
        _ => return Err(ApiError::invalid("invalid_shows", "shows needs a city, or lat and lon")),
    }
    let url = format!("{}/events", config.base_url.trim_end_matches('/'));
    let mut shows = Vec::new();
    for page in 1..=MAX_PAGES {
        let response = crate::platforms::http::shared_client()
            .get(&url)
            .query(&params)
            .query(&[("page", page)])
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|_| unavailable("SeatGeek did not answer; try again later"))?;
        match response.status().as_u16() {
            200 => {}
            401 | 403 => {
                return Err(unavailable("SeatGeek refuses the configured client id; check seatgeek.client_id"))
            }
            429 => return Err(unavailable("SeatGeek's rate limit was reached; try again in a few minutes")),
            _ => return Err(unavailable("SeatGeek failed; try again later")),
        }
        let body: EventsPage =
            response.json().await.map_err(|_| unavailable("SeatGeek gave an answer that is not its events format"))?;
        let got = body.events.len() as u64;
        shows.extend(body.events.into_iter().map(|e| {
            let (headliners, support): (Vec<Performer>, Vec<Performer>) =
                e.performers.into_iter().partition(|p| p.primary);
            Show {
                title: e.title.unwrap_or_default(),
                datetime_utc: e.datetime_utc,
                venue: e.venue.map(|v| {
                    let place = v.display_location.or(v.city).unwrap_or_default();
                    format!("{}, {place}", v.name.unwrap_or_default())
                }),
                headliners: headliners.into_iter().map(|p| p.name).collect(),
                support: support.into_iter().map(|p| p.name).collect(),
            }
        }));
        let (total, per_page) =
            body.meta.map_or((0, 100), |m| (m.total.unwrap_or(0), m.per_page.unwrap_or(100).max(1)));
        if got == 0 || u64::from(page) * per_page >= total {
            break;
        }
    }
    Ok(shows)
}
