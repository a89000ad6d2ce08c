//! The new-schedule form: a job kind's fields and a timing preset, turned into the service's
//! `NewSchedule`; and schedules described in words.

use serde::Deserialize;
use serde_json::json;

use crate::schedules::{
    model::{JobKind, Schedule, Timing},
    service::NewSchedule,
};

/// What the form sends (the fields of the chosen kind; the others are absent).
#[derive(Deserialize)]
pub struct ScheduleForm {
    /// The session's form token.
    pub csrf: String,
    /// `listens`, `discover` or `sync`.
    pub kind: String,
    /// `hourly`, `daily`, `weekly` (Mondays) or `monthly` (the 1st).
    pub every: String,
    /// The hour (0-23) of a daily, weekly or monthly run.
    #[serde(default)]
    pub hour: Option<u8>,
    /// The time zone of that hour.
    #[serde(default)]
    pub timezone: Option<String>,
    /// listens: `lastfm` or `spotify`.
    #[serde(default)]
    pub source: Option<String>,
    /// discover: the playlist's name.
    #[serde(default)]
    pub name: Option<String>,
    /// discover: how many tracks.
    #[serde(default)]
    pub tracks: Option<u32>,
    /// generate: artist names, separated by commas.
    #[serde(default)]
    pub artists: Option<String>,
    /// generate: a Last.fm tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// sync: the playlist link (or sharify id) to copy.
    #[serde(default)]
    pub link: Option<String>,
    /// sync: `snapshot` or one of your playlists' ids.
    #[serde(default)]
    pub destination: Option<String>,
    /// sync: a snapshot's name template.
    #[serde(default)]
    pub template: Option<String>,
    /// sync: `add` or `mirror`.
    #[serde(default)]
    pub mode: Option<String>,
}

fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ScheduleForm {
    /// The schedule this form asks for, or what is missing, in words.
    pub fn new_schedule(&self) -> Result<NewSchedule, String> {
        let (kind, params) = match self.kind.as_str() {
            "listens" => {
                let source = filled(&self.source).ok_or("choose where plays come from")?;
                (JobKind::Listens, json!({ "source": source }))
            }
            "discover" => {
                let mut p = serde_json::Map::new();
                if let Some(name) = filled(&self.name) {
                    p.insert("name".into(), json!(name));
                }
                if let Some(n) = self.tracks {
                    p.insert("tracks".into(), json!(n));
                }
                (JobKind::Discover, serde_json::Value::Object(p))
            }
            "generate" => {
                let name = filled(&self.name).ok_or("give the playlist a name")?;
                let mut p = serde_json::Map::new();
                p.insert("name".into(), json!(name));
                match (filled(&self.artists), filled(&self.tag)) {
                    (Some(artists), None) => {
                        let names: Vec<&str> = artists.split(',').map(str::trim).filter(|a| !a.is_empty()).collect();
                        p.insert("artists".into(), json!(names));
                    }
                    (None, Some(tag)) => {
                        p.insert("tag".into(), json!(tag));
                    }
                    _ => return Err("give artists or a tag (one of the two)".into()),
                }
                if let Some(n) = self.tracks {
                    p.insert("tracks_per_artist".into(), json!(n));
                }
                (JobKind::Generate, serde_json::Value::Object(p))
            }
            "sync" => {
                let link = filled(&self.link).ok_or("paste the playlist link to back up")?;
                let destination = match filled(&self.destination) {
                    None | Some("snapshot") => {
                        let template = filled(&self.template).unwrap_or("Backup {date}");
                        json!({ "snapshot": { "name_template": template } })
                    }
                    Some(id) => json!(id),
                };
                let mode = filled(&self.mode).unwrap_or("add");
                (JobKind::Sync, json!({ "source": link, "destination": destination, "mode": mode }))
            }
            _ => return Err("choose what the schedule does".into()),
        };
        let hour = self.hour.unwrap_or(6);
        if hour > 23 {
            return Err("the hour is 0-23".into());
        }
        let cron = match self.every.as_str() {
            "hourly" => None,
            "daily" => Some(format!("0 {hour} * * *")),
            "weekly" => Some(format!("0 {hour} * * 1")),
            "monthly" => Some(format!("0 {hour} 1 * *")),
            _ => return Err("choose how often it runs".into()),
        };
        let timezone = cron.as_ref().and(filled(&self.timezone).map(str::to_owned));
        let interval_secs = cron.is_none().then_some(3600);
        Ok(NewSchedule { kind, params, cron, timezone, interval_secs, enabled: true })
    }
}

/// When a schedule runs, in words.
pub fn timing_words(s: &Schedule) -> String {
    match &s.timing {
        Timing::Interval { interval_secs } if interval_secs % 3600 == 0 => match interval_secs / 3600 {
            1 => "every hour".into(),
            h => format!("every {h} hours"),
        },
        Timing::Interval { interval_secs } => format!("every {interval_secs} seconds"),
        Timing::Cron { cron, timezone } => {
            let fields: Vec<&str> = cron.split_whitespace().collect();
            match fields.as_slice() {
                ["0", h, "*", "*", "*"] => format!("daily at {h:0>2}:00 ({timezone})"),
                ["0", h, "*", "*", "1"] => format!("Mondays at {h:0>2}:00 ({timezone})"),
                ["0", h, "1", "*", "*"] => format!("on the 1st of each month at {h:0>2}:00 ({timezone})"),
                _ => format!("by cron {cron} ({timezone})"),
            }
        }
    }
}

/// What a schedule does, in words.
pub fn job_words(s: &Schedule) -> String {
    let p = &s.params;
    match s.kind {
        JobKind::Listens => {
            format!("Import plays from {}", if p["source"] == "spotify" { "Spotify" } else { "Last.fm" })
        }
        JobKind::Discover => format!("Discover: {}", p["name"].as_str().unwrap_or("Discover {iso_week}")),
        JobKind::Sync => match &p["source"] {
            serde_json::Value::String(link) => format!("Back up {link}"),
            other => format!("Back up Last.fm {} tracks of {}", other["tracks"], other["lastfm"]),
        },
        JobKind::Generate => format!("Generate {}", p["name"].as_str().unwrap_or("a playlist")),
        JobKind::Reindex => "Refresh the track cache".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, every: &str) -> ScheduleForm {
        ScheduleForm {
            csrf: String::new(),
            kind: kind.into(),
            every: every.into(),
            hour: Some(7),
            timezone: Some("Europe/Paris".into()),
            source: Some("lastfm".into()),
            name: None,
            tracks: Some(25),
            artists: Some("Radiohead, , Portishead".into()),
            tag: None,
            link: Some("https://www.deezer.com/playlist/908622995".into()),
            destination: Some("snapshot".into()),
            template: Some("Backup {date}".into()),
            mode: None,
        }
    }

    #[test]
    fn presets_become_crons_in_the_chosen_zone_and_hourly_an_interval() {
        let weekly = form("sync", "weekly").new_schedule().unwrap();
        assert_eq!(weekly.cron.as_deref(), Some("0 7 * * 1"));
        assert_eq!(weekly.timezone.as_deref(), Some("Europe/Paris"));
        assert_eq!(weekly.params["destination"]["snapshot"]["name_template"], "Backup {date}");
        let hourly = form("listens", "hourly").new_schedule().unwrap();
        assert_eq!((hourly.cron, hourly.timezone, hourly.interval_secs), (None, None, Some(3600)));
        assert_eq!(form("discover", "daily").new_schedule().unwrap().params["tracks"], 25);
        assert!(form("reindex", "daily").new_schedule().is_err());
        let mut generate = form("generate", "weekly");
        generate.name = Some("Trip hop".into());
        let made = generate.new_schedule().unwrap();
        assert_eq!(made.params["artists"], serde_json::json!(["Radiohead", "Portishead"]), "empty names left out");
        assert_eq!(made.params["tracks_per_artist"], 25);
        generate.tag = Some("trip-hop".into());
        assert!(generate.new_schedule().is_err(), "artists or a tag, not both");
        assert!(form("listens", "yearly").new_schedule().is_err());
        let mut late = form("listens", "daily");
        late.hour = Some(24);
        assert!(late.new_schedule().is_err());
    }
}
