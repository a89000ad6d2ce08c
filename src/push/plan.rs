//! Comparing a playlist with its platform copy: what to add, what is already there, and what
//! changed, counting duplicates.

use std::collections::HashMap;

use super::{NotPushed, PlatformChanges, PushRequest, Pushed};
use crate::{error::ApiError, matching::model::MatchStatus, platforms::Platform, playlists::model::Playlist};

/// Splits `wanted` into those `present` lacks and those already there (counting duplicates).
pub fn missing_from(wanted: &[Pushed], present: &[String]) -> (Vec<Pushed>, Vec<String>) {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for uri in present {
        *left.entry(uri.as_str()).or_default() += 1;
    }
    let (mut add, mut there) = (Vec::new(), Vec::new());
    for p in wanted {
        match left.get_mut(p.uri.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                there.push(p.item_id.clone());
            }
            _ => add.push(p.clone()),
        }
    }
    (add, there)
}

/// What is in `after` but not in `before` (as a multiset), in `after`'s order.
pub fn difference(after: &[String], before: &[String]) -> Vec<String> {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for uri in before {
        *left.entry(uri.as_str()).or_default() += 1;
    }
    after
        .iter()
        .filter(|u| match left.get_mut(u.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

/// Why items were not pushed, in a platform's words.
pub struct Reasons {
    /// The link known is not one a track can be pushed by.
    pub bad_link: &'static str,
    /// The platform's search has no sure hit.
    pub no_hit: &'static str,
    /// Not searched yet (over the push's budget).
    pub not_searched: &'static str,
}

/// The playlist as platform references in order (`pages`: each item's page there, as
/// [`crate::platforms::track_links::pages_on`] gives them; `reference` turns a page into what the
/// platform takes), with the items that have none and why.
pub fn classify(
    playlist: &Playlist,
    pages: &HashMap<String, Option<Option<String>>>,
    reference: fn(&str) -> Option<String>,
    reasons: &Reasons,
) -> (Vec<Pushed>, Vec<NotPushed>) {
    let (mut pushed, mut missing) = (Vec::new(), Vec::new());
    for item in &playlist.items {
        let not = |reason: &str| NotPushed {
            item_id: item.item_id.clone(),
            artist: item.artist.clone(),
            title: item.title.clone(),
            reason: reason.to_owned(),
        };
        if item.matching.as_ref().is_some_and(|m| m.status != MatchStatus::Matched) {
            missing.push(not("not matched yet: decide it in the review queue, then push again"));
            continue;
        }
        match pages.get(&item.item_id) {
            Some(Some(Some(link))) => match reference(link) {
                Some(uri) => pushed.push(Pushed { item_id: item.item_id.clone(), uri }),
                None => missing.push(not(reasons.bad_link)),
            },
            Some(Some(None)) => missing.push(not(reasons.no_hit)),
            _ => missing.push(not(reasons.not_searched)),
        }
    }
    (pushed, missing)
}

/// `None` for `"new"`, else the id of the platform playlist `target` names (its id, or a link to
/// it) when `valid` accepts it; 422 otherwise.
pub fn target_id(target: &str, platform: Platform, valid: fn(&str) -> bool) -> Result<Option<String>, ApiError> {
    if target == "new" {
        return Ok(None);
    }
    let id = crate::platforms::links::parse(target).map(|l| l.id).unwrap_or_else(|_| target.to_owned());
    if valid(&id) {
        return Ok(Some(id));
    }
    Err(ApiError::invalid(
        "invalid_target",
        format!("target is \"new\" or a {} playlist id or link of yours", platform.label()),
    ))
}

/// What changed on the platform since the last push (`pushed`: what the copy held after it).
pub fn changes_since(present: &[String], pushed: &[String]) -> Option<PlatformChanges> {
    let c = PlatformChanges { added: difference(present, pushed), removed: difference(pushed, present) };
    (!c.added.is_empty() || !c.removed.is_empty()).then_some(c)
}

/// What a mirror leaves in the copy: the wanted tracks in order, then (when asked) what was added
/// on the platform since the last push. 409 when the copy changed there and the request says
/// neither `force` nor `keep_platform_additions` (a dry run only reports).
pub fn mirror_of(
    wanted: &[Pushed],
    changes: Option<&PlatformChanges>,
    request: &PushRequest,
    platform: Platform,
) -> Result<Vec<String>, ApiError> {
    if let Some(c) = changes.filter(|_| !request.dry_run && !request.force && !request.keep_platform_additions) {
        return Err(ApiError::conflict(
            "platform_copy_changed",
            format!(
                "the {} copy changed since your last push ({} added, {} removed there): push with \"force\": true \
                 to drop those changes, or \"keep_platform_additions\": true to keep what was added there (a dry \
                 run lists them)",
                platform.label(),
                c.added.len(),
                c.removed.len()
            ),
        ));
    }
    let mut keep: Vec<String> = wanted.iter().map(|p| p.uri.clone()).collect();
    if request.keep_platform_additions {
        keep.extend(changes.iter().flat_map(|c| c.added.iter().cloned()));
    }
    Ok(keep)
}
