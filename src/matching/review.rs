//! The review queue: items whose match needs a decision, and the decision itself (a candidate,
//! a track named by hand, or none), recorded in the playlist's history and remembered for you.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    decisions::{self, Decision},
    model::{Candidate, MatchStatus},
};
use crate::{
    error::ApiError,
    playlists::deps::AddDeps,
    playlists::{
        access::{access, allows, Action},
        dto::ItemDto,
        model::{Playlist, Revision},
        write::{self, load},
    },
    tracks::service::{Lookup, Outcome, TrackQuery},
    users::model::User,
};

/// A page of the review queue.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReviewPage {
    /// Items waiting for a decision, in playlist order, with their candidates.
    pub items: Vec<ItemDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
    /// How many items wait in all.
    pub total: usize,
    /// The playlist version the page was read at.
    pub version: u64,
    /// The revision (its ETag).
    #[serde(skip)]
    pub revision: Revision,
}

/// A decision on one item: exactly one of `candidate`, `artist` + `title`, or `reject`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// Take this candidate (0-based index in the item's `match.candidates`).
    pub candidate: Option<usize>,
    /// The right track's artist (with `title`), when no candidate is it.
    pub artist: Option<String>,
    /// The right track's title (with `artist`).
    pub title: Option<String>,
    /// `true`: none of the candidates; the item stays unmatched.
    pub reject: Option<bool>,
}

fn needs_review(p: &Playlist) -> impl Iterator<Item = &std::sync::Arc<crate::playlists::model::Item>> {
    p.items.iter().filter(|i| i.matching.as_ref().is_some_and(|m| m.status == MatchStatus::Review))
}

/// The review queue of a playlist you may read, `limit` items after `cursor` (an item id).
pub async fn queue(
    state: &dyn AddDeps,
    caller: Option<&User>,
    id: &str,
    cursor: Option<&str>,
    limit: usize,
) -> Result<ReviewPage, ApiError> {
    let playlist = load(state, caller, id, Action::Read).await?;
    let waiting: Vec<_> = needs_review(&playlist).collect();
    let start = match cursor {
        None => 0,
        Some(c) => waiting
            .iter()
            .position(|i| i.item_id == c)
            .map(|at| at + 1)
            .ok_or_else(|| ApiError::bad_request("invalid_cursor", "the cursor is not an item of this queue"))?,
    };
    let page: Vec<ItemDto> = waiting.iter().skip(start).take(limit).map(|i| ItemDto::from(&***i)).collect();
    let next_cursor = (start + page.len() < waiting.len()).then(|| page.last().map(|i| i.item_id.clone())).flatten();
    Ok(ReviewPage {
        items: page,
        next_cursor,
        total: waiting.len(),
        version: playlist.meta.version,
        revision: playlist.meta.revision(),
    })
}

/// Turns a request into a decision (looking a hand-named track up on Last.fm within the budget).
async fn decision_of(
    state: &dyn AddDeps,
    request: &MatchRequest,
    candidates: &[Candidate],
) -> Result<Decision, ApiError> {
    let form = |msg: &str| ApiError::invalid("invalid_decision", msg.to_owned());
    match (request.candidate, request.artist.as_deref(), request.title.as_deref(), request.reject) {
        (Some(n), None, None, None | Some(false)) => {
            candidates.get(n).map(|c| Decision::Chose { track: c.clone() }).ok_or_else(|| {
                form(&format!(
                    "candidate must be 0-{} (the item has {} candidates)",
                    candidates.len().saturating_sub(1),
                    candidates.len()
                ))
            })
        }
        (None, Some(artist), Some(title), None | Some(false)) => {
            let (artist, title) = (artist.trim(), title.trim());
            if artist.is_empty() || title.is_empty() || artist.len() > 500 || title.len() > 500 {
                return Err(form("artist and title must be 1-500 characters"));
            }
            let query = TrackQuery::new(artist, title);
            let outcome = crate::tracks::enrich::lookup_within_budget(state, std::slice::from_ref(&query)).await;
            let track = match outcome.get(&query.key) {
                Some(Outcome::Done(Lookup::Found(meta, _))) => Candidate::from_meta(meta, 1.0),
                _ => Candidate {
                    artist: artist.to_owned(),
                    title: title.to_owned(),
                    album: None,
                    duration_ms: None,
                    mbid: None,
                    url: None,
                    confidence: 1.0,
                },
            };
            Ok(Decision::Chose { track })
        }
        (None, None, None, Some(true)) => Ok(Decision::Reject),
        _ => Err(form("send exactly one of {\"candidate\": n}, {\"artist\": …, \"title\": …} or {\"reject\": true}")),
    }
}

/// Decides an item's match (contributors: the items they added; editors and the owner: any).
pub async fn decide(
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    item_id: &str,
    if_match: Option<u64>,
    request: MatchRequest,
) -> Result<(Revision, ItemDto), ApiError> {
    let playlist = load(state, Some(caller), id, Action::AddItems).await?;
    let item = playlist
        .items
        .iter()
        .find(|i| i.item_id == item_id)
        .ok_or_else(|| ApiError::not_found("item_not_found", "no such item in this playlist"))?;
    let candidates = item.matching.as_ref().map(|m| m.candidates.clone()).unwrap_or_default();
    let decision = decision_of(state, &request, &candidates).await?;
    let (playlist, (dto, key)) = write::modify(state, caller, id, if_match, Action::AddItems, "match", |p| {
        let at = p
            .index_of(item_id)
            .ok_or_else(|| ApiError::not_found("item_not_found", "no such item in this playlist"))?;
        if p.items()[at].added_by != caller.id && !allows(access(&p.meta, Some(caller)), Action::Edit) {
            return Err(ApiError::forbidden("contributors may decide only on the items they added"));
        }
        p.update(at, |item| decisions::apply(item, &decision));
        let item = &p.items()[at];
        Ok((ItemDto::from(&**item), item.track_key.clone()))
    })
    .await?;
    decisions::remember(state.store().as_ref(), &caller.id, &key, &decision).await?;
    Ok((playlist.meta.revision(), dto))
}
