//! What the push pages show: the destinations a person can choose, and a report in words.

use std::collections::HashMap;

use crate::{
    platforms::Platform,
    playlists::model::Playlist,
    push::{PushMode, PushReport, PushRequest},
};

/// A destination in the push form's list.
pub struct Destination {
    /// `spotify|new`, `spotify|<id>`, `youtube|new`.
    pub value: String,
    /// What the person reads.
    pub label: String,
}

/// The form's choice of destination, mode and options.
#[derive(Clone, serde::Deserialize)]
pub struct PushForm {
    /// The session's form token.
    pub csrf: String,
    /// `platform|target`.
    pub destination: String,
    /// `add` or `mirror`.
    pub mode: String,
    /// Present for the preview.
    #[serde(default)]
    pub dry_run: Option<String>,
    /// Mirror over changes made on the platform.
    #[serde(default)]
    pub force: Option<String>,
    /// Mirror, keeping tracks added on the platform.
    #[serde(default)]
    pub keep_platform_additions: Option<String>,
}

impl PushForm {
    /// The service's request this form asks for (a 4xx message when it makes no sense).
    pub fn request(&self) -> Result<PushRequest, String> {
        let (platform, target) = self.destination.split_once('|').ok_or("choose where to push")?;
        let platform = match platform {
            "spotify" => Platform::Spotify,
            "youtube" => Platform::Youtube,
            _ => return Err("choose Spotify or YouTube".into()),
        };
        let mode = match self.mode.as_str() {
            "add" => PushMode::Add,
            "mirror" => PushMode::Mirror,
            _ => return Err("choose add or mirror".into()),
        };
        if target.is_empty() || target.len() > 200 {
            return Err("choose where to push".into());
        }
        Ok(PushRequest {
            platform,
            target: target.to_owned(),
            mode,
            dry_run: self.dry_run.is_some(),
            force: self.force.is_some(),
            keep_platform_additions: self.keep_platform_additions.is_some(),
        })
    }
}

/// A track line of a report.
pub struct Line {
    /// "Artist – Title" (or the platform's id when the item is gone).
    pub track: String,
    /// Why, for tracks not pushed.
    pub reason: String,
}

/// A push report in words.
pub struct ReportView {
    /// Whether nothing was changed.
    pub dry_run: bool,
    /// `Spotify`, `YouTube`.
    pub platform: &'static str,
    /// Whether a new playlist is (or would be) created.
    pub created: bool,
    /// The copy's page, when it exists.
    pub url: Option<String>,
    /// `add` or `mirror`.
    pub mirror: bool,
    /// Tracks added (or to add).
    pub added: Vec<Line>,
    /// How many tracks removed from the copy.
    pub removed: usize,
    /// How many already there.
    pub already_there: usize,
    /// Not pushed, and why.
    pub not_found: Vec<Line>,
    /// Added and removed on the platform since the last push, when any.
    pub platform_changes: Option<(usize, usize)>,
    /// Calls to the platform.
    pub calls: usize,
    /// YouTube: quota units spent (or to spend) and left today.
    pub cost: Option<(i64, Option<i64>)>,
}

impl ReportView {
    /// `report` of a push of `playlist`, with track names.
    pub fn of(report: &PushReport, playlist: &Playlist) -> Self {
        let names: HashMap<&str, String> =
            playlist.items.iter().map(|i| (i.item_id.as_str(), format!("{} – {}", i.artist, i.title))).collect();
        let name = |id: &str, uri: &str| names.get(id).cloned().unwrap_or_else(|| uri.to_owned());
        Self {
            dry_run: report.dry_run,
            platform: report.target.platform.label(),
            created: report.created,
            url: report.target.url.clone(),
            mirror: report.mode == PushMode::Mirror,
            added: report
                .added
                .iter()
                .map(|p| Line { track: name(&p.item_id, &p.uri), reason: String::new() })
                .collect(),
            removed: report.removed.len(),
            already_there: report.already_there.len(),
            not_found: report
                .not_found
                .iter()
                .map(|n| Line { track: format!("{} – {}", n.artist, n.title), reason: n.reason.clone() })
                .collect(),
            platform_changes: report.platform_changes.as_ref().map(|c| (c.added.len(), c.removed.len())),
            calls: report.calls,
            cost: report.cost_units.map(|c| (c, report.units_left)),
        }
    }
}
