//! `POST /v1/playlists/{id}/sort`: puts every item in a new order in one change: by artist,
//! title, album, date added or duration (stable; missing values last), or a seeded shuffle.

use std::{cmp::Ordering, sync::Arc};

use rand::{seq::SliceRandom, SeedableRng};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    error::ApiError,
    matching::names,
    playlists::deps::AddDeps,
    playlists::{
        access::Action,
        model::{Item, Playlist},
        write,
    },
    users::model::User,
};

/// What to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Artist (a leading "The" ignored), then title.
    Artist,
    /// Title, then artist.
    Title,
    /// Album, then the order within it; items without an album last.
    Album,
    /// When the item was added.
    AddedAt,
    /// Duration; items without one last.
    Duration,
    /// A shuffle: the same `seed` on the same items gives the same order, whatever their
    /// order before.
    Random,
}

/// Which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Ascending (default).
    #[default]
    Asc,
    /// Descending (missing values still last; equal items keep their order).
    Desc,
}

/// Sort request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SortRequest {
    /// `artist`, `title`, `album`, `added_at`, `duration` or `random`.
    pub by: SortKey,
    /// `asc` (default) or `desc`; ignored by `random`.
    #[serde(default)]
    pub order: SortOrder,
    /// The shuffle's seed (`random` only; a fresh one when absent, returned to repeat it).
    pub seed: Option<u64>,
}

/// What a sort did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SortResult {
    /// The playlist's version after (unchanged when the order already was so).
    pub version: u64,
    /// Items in the playlist.
    pub item_count: usize,
    /// Whether the order changed.
    pub changed: bool,
    /// The seed used (`random` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// A sort value (text or number); `None` sorts last in either direction.
type SortValue = (Option<String>, Option<i64>);

/// The sort value of an item.
fn value(item: &Item, by: SortKey) -> SortValue {
    match by {
        SortKey::Artist => (Some(format!("{}\u{1f}{}", names::artist(&item.artist), names::fold(&item.title))), None),
        SortKey::Title => (Some(format!("{}\u{1f}{}", names::fold(&item.title), names::artist(&item.artist))), None),
        SortKey::Album => (item.album.as_deref().map(names::fold).filter(|a| !a.is_empty()), None),
        SortKey::AddedAt => (None, Some(item.added_at.timestamp_micros())),
        SortKey::Duration => {
            let ms = item.duration_ms.or_else(|| item.trusted_meta().and_then(|m| m.duration_ms));
            (None, ms.filter(|ms| *ms > 0).map(|ms| ms as i64))
        }
        SortKey::Random => (None, None),
    }
}

fn missing_last<T: Ord>(a: &Option<T>, b: &Option<T>, order: SortOrder) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) if order == SortOrder::Desc => b.cmp(a),
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// `items` in the requested order.
pub fn sorted(items: &[Arc<Item>], by: SortKey, order: SortOrder, seed: u64) -> Vec<Arc<Item>> {
    let mut out = items.to_vec();
    if by == SortKey::Random {
        // From a fixed starting order (item ids), so a seed gives one order whatever the current.
        out.sort_by(|a, b| a.item_id.cmp(&b.item_id));
        out.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
        return out;
    }
    let mut keyed: Vec<(SortValue, Arc<Item>)> = out.into_iter().map(|item| (value(&item, by), item)).collect();
    // A stable sort: equal items keep their order.
    keyed.sort_by(|(a, _), (b, _)| missing_last(&a.0, &b.0, order).then_with(|| missing_last(&a.1, &b.1, order)));
    keyed.into_iter().map(|(_, item)| item).collect()
}

/// Sorts a playlist (editors and owners).
pub async fn sort(
    state: &dyn AddDeps,
    caller: &User,
    id: &str,
    if_match: Option<u64>,
    request: SortRequest,
) -> Result<(Arc<Playlist>, SortResult), ApiError> {
    if request.seed.is_some() && request.by != SortKey::Random {
        return Err(ApiError::invalid("invalid_sort", "seed goes only with \"by\": \"random\""));
    }
    let seed = request.seed.unwrap_or_else(rand::random);
    let (playlist, changed) = write::modify(state, caller, id, if_match, Action::Edit, "sort", |edit| {
        let order = sorted(edit.items(), request.by, request.order, seed);
        Ok(edit.reorder(order))
    })
    .await?;
    let seed = (request.by == SortKey::Random).then_some(seed);
    Ok((
        playlist.clone(),
        SortResult { version: playlist.meta.version, item_count: playlist.items.len(), changed, seed },
    ))
}
