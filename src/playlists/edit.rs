//! A change being made to a playlist: the new metadata and the item operations that lead there.
//!
//! Writers change an [`Edit`] (through its methods, never the items directly); the store then
//! applies only the recorded [`ItemOp`]s, so the cost of a write follows the change, not the
//! size of the playlist. The same operations are what history keeps.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::model::{Item, Playlist, PlaylistMeta, POSITION_GAP};

/// One change to a playlist's items, in terms of stable ids and absolute positions (so that
/// replaying it on the state it was made from always gives the same result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ItemOp {
    /// New items (each carries its `pos`).
    Insert {
        /// The items.
        items: Vec<Arc<Item>>,
    },
    /// Items removed, by id.
    Remove {
        /// Their ids.
        item_ids: Vec<String>,
    },
    /// One item moved to a new position.
    Reposition {
        /// The item.
        item_id: String,
        /// Its new position.
        pos: i64,
    },
    /// Items whose content changed (same id and position).
    Update {
        /// The new content.
        items: Vec<Arc<Item>>,
    },
    /// Every item replaced (restore, sync, renumbering).
    ReplaceAll {
        /// The whole new list.
        items: Vec<Arc<Item>>,
    },
}

/// A playlist being changed.
pub struct Edit {
    /// The metadata after the change; change fields freely.
    pub meta: PlaylistMeta,
    items: Vec<Arc<Item>>,
    ops: Vec<ItemOp>,
    /// How much the items' estimated stored size grew (negative: shrank).
    grown: i64,
}

fn bytes(items: &[Arc<Item>]) -> i64 {
    items.iter().map(|i| super::live::item_bytes(i) as i64).sum()
}

impl Edit {
    /// Starts a change of `playlist` (cheap: items are shared).
    pub fn of(playlist: &Playlist) -> Self {
        Self { meta: playlist.meta.clone(), items: playlist.items.clone(), ops: Vec::new(), grown: 0 }
    }

    /// How much the items' estimated stored size grows with this change (negative: shrinks).
    pub fn grown_bytes(&self) -> i64 {
        self.grown
    }

    /// The items as they are now, in order.
    pub fn items(&self) -> &[Arc<Item>] {
        &self.items
    }

    /// The index of an item, by id.
    pub fn index_of(&self, item_id: &str) -> Option<usize> {
        self.items.iter().position(|i| i.item_id == item_id)
    }

    /// The operations recorded so far.
    pub fn ops(&self) -> &[ItemOp] {
        &self.ops
    }

    /// Consumes the edit: the new metadata, items and operations.
    pub fn finish(self) -> (PlaylistMeta, Vec<Arc<Item>>, Vec<ItemOp>) {
        (self.meta, self.items, self.ops)
    }

    /// Inserts `new` before index `at` (`at` = length appends), giving each a position.
    pub fn insert(&mut self, at: usize, new: Vec<Item>) {
        if new.is_empty() {
            return;
        }
        let at = at.min(self.items.len());
        let Some(positions) = positions_between(&self.items, at, new.len()) else {
            let mut all: Vec<Item> = self.items.iter().map(|i| Item::clone(i)).collect();
            all.splice(at..at, new);
            self.replace_all(all);
            return;
        };
        let new: Vec<Arc<Item>> =
            new.into_iter().zip(positions).map(|(item, pos)| Arc::new(Item { pos, ..item })).collect();
        self.grown += bytes(&new);
        self.items.splice(at..at, new.iter().cloned());
        self.ops.push(ItemOp::Insert { items: new });
    }

    /// Removes the item at `index`.
    pub fn remove(&mut self, index: usize) -> Arc<Item> {
        let item = self.items.remove(index);
        self.grown -= bytes(std::slice::from_ref(&item));
        self.ops.push(ItemOp::Remove { item_ids: vec![item.item_id.clone()] });
        item
    }

    /// Moves the item at `from` so that it ends up at index `to`.
    pub fn move_item(&mut self, from: usize, to: usize) {
        if from == to || from >= self.items.len() || to >= self.items.len() {
            return;
        }
        let item = self.items.remove(from);
        match positions_between(&self.items, to, 1) {
            Some(p) => {
                let moved = Arc::new(Item { pos: p[0], ..Item::clone(&item) });
                self.ops.push(ItemOp::Reposition { item_id: moved.item_id.clone(), pos: moved.pos });
                self.items.insert(to, moved);
            }
            None => {
                let mut all: Vec<Item> = self.items.iter().map(|i| Item::clone(i)).collect();
                all.insert(to, Item::clone(&item));
                self.replace_all(all);
            }
        }
    }

    /// Changes the content of the item at `index` (not its id or position).
    pub fn update(&mut self, index: usize, change: impl FnOnce(&mut Item)) {
        let mut item = Item::clone(&self.items[index]);
        change(&mut item);
        item.item_id.clone_from(&self.items[index].item_id);
        item.pos = self.items[index].pos;
        if item == *self.items[index] {
            return;
        }
        let item = Arc::new(item);
        self.grown += bytes(std::slice::from_ref(&item)) - bytes(&self.items[index..=index]);
        self.items[index] = item.clone();
        match self.ops.last_mut() {
            Some(ItemOp::Update { items }) => items.push(item),
            _ => self.ops.push(ItemOp::Update { items: vec![item] }),
        }
    }

    /// Replaces every item (positions renumbered, evenly spaced).
    pub fn replace_all(&mut self, items: Vec<Item>) {
        let items: Vec<Arc<Item>> =
            items.into_iter().zip(1..).map(|(item, n)| Arc::new(Item { pos: n * POSITION_GAP, ..item })).collect();
        self.grown += bytes(&items) - bytes(&self.items);
        self.items.clone_from(&items);
        self.ops.clear();
        self.ops.push(ItemOp::ReplaceAll { items });
    }
}

/// `count` increasing positions for items inserted before index `at` of `items`, or `None` when
/// there is no room (the caller renumbers).
fn positions_between(items: &[Arc<Item>], at: usize, count: usize) -> Option<Vec<i64>> {
    let n = i64::try_from(count).ok()?;
    let (low, high) = match (at.checked_sub(1).and_then(|i| items.get(i)), items.get(at)) {
        (None, None) => (0, (n + 1).checked_mul(POSITION_GAP)?),
        (Some(before), None) => (before.pos, before.pos.checked_add((n + 1).checked_mul(POSITION_GAP)?)?),
        (None, Some(after)) => (after.pos.checked_sub((n + 1).checked_mul(POSITION_GAP)?)?, after.pos),
        (Some(before), Some(after)) => (before.pos, after.pos),
    };
    let step = high.checked_sub(low)? / (n + 1);
    if step < 1 {
        return None;
    }
    Some((1..=n).map(|k| low + k * step).collect())
}

/// Applies recorded operations to items in position order (used to replay history).
pub fn replay(items: &mut Vec<Arc<Item>>, op: &ItemOp) {
    let insert_sorted = |items: &mut Vec<Arc<Item>>, item: Arc<Item>| {
        let at = items.partition_point(|i| i.pos < item.pos);
        items.insert(at, item);
    };
    match op {
        ItemOp::Insert { items: new } => new.iter().for_each(|i| insert_sorted(items, i.clone())),
        ItemOp::Remove { item_ids } => items.retain(|i| !item_ids.contains(&i.item_id)),
        ItemOp::Reposition { item_id, pos } => {
            if let Some(at) = items.iter().position(|i| &i.item_id == item_id) {
                let moved = Arc::new(Item { pos: *pos, ..Item::clone(&items.remove(at)) });
                insert_sorted(items, moved);
            }
        }
        ItemOp::Update { items: changed } => {
            for new in changed {
                if let Some(slot) = items.iter_mut().find(|i| i.item_id == new.item_id) {
                    *slot = new.clone();
                }
            }
        }
        ItemOp::ReplaceAll { items: all } => items.clone_from(all),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::{playlists::model::Visibility, tracks::model::Enrichment, users::model::User};

    fn item(id: &str) -> Item {
        Item {
            item_id: id.into(),
            pos: 0,
            artist: "a".into(),
            title: id.into(),
            album: None,
            added_by: "u".into(),
            added_at: Utc::now(),
            track_key: id.into(),
            enrichment: Enrichment::Unenriched,
            meta: None,
            duration_ms: None,
            mbid: None,
            isrc: None,
            links: Vec::new(),
            matching: None,
        }
    }

    fn playlist() -> Playlist {
        let owner = User {
            id: "u".into(),
            username: "owner".into(),
            display_name: "Owner".into(),
            password_hash: String::new(),
            created_at: Utc::now(),
            deleted_at: None,
            timezone: "UTC".into(),
        };
        Playlist::new("p".into(), &owner, "n".into(), String::new(), Visibility::Private)
    }

    fn ids(items: &[Arc<Item>]) -> Vec<&str> {
        items.iter().map(|i| i.item_id.as_str()).collect()
    }

    #[test]
    fn inserts_and_moves_touch_only_their_items_and_replay_to_the_same_list() {
        let start = playlist();
        let mut edit = Edit::of(&start);
        edit.insert(0, vec![item("a"), item("b"), item("c")]);
        edit.insert(1, vec![item("x")]);
        edit.move_item(3, 0);
        edit.remove(edit.index_of("b").unwrap());
        assert_eq!(ids(edit.items()), ["c", "a", "x"]);
        assert!(edit.items().windows(2).all(|w| w[0].pos < w[1].pos), "positions stay increasing");
        assert!(
            matches!(&edit.ops()[2], ItemOp::Reposition { item_id, .. } if item_id == "c"),
            "a move is one reposition"
        );
        let mut replayed = start.items.clone();
        edit.ops().iter().for_each(|op| replay(&mut replayed, op));
        assert_eq!(replayed, edit.items());
    }

    #[test]
    fn a_spot_without_room_renumbers_everything_once() {
        let mut edit = Edit::of(&playlist());
        edit.insert(0, vec![item("a"), item("z")]);
        for n in 0..40 {
            edit.insert(1, vec![item(&format!("i{n}"))]);
        }
        assert!(edit.items().windows(2).all(|w| w[0].pos < w[1].pos));
        assert!(edit.ops().iter().any(|op| matches!(op, ItemOp::ReplaceAll { .. })), "renumbered when full");
        assert_eq!(edit.items().len(), 42);
        assert_eq!(edit.items()[0].item_id, "a");
        assert_eq!(edit.items()[41].item_id, "z");
    }
}
