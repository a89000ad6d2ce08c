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
    /// Every item given a new position at once (a sort). The new positions lie outside the
    /// range the items held before, so applying them one by one never collides.
    Reorder {
        /// Each item's new position.
        positions: Vec<ItemPosition>,
    },
    /// Every item replaced (restore, sync, renumbering).
    ReplaceAll {
        /// The whole new list.
        items: Vec<Arc<Item>>,
    },
}

/// An item's new position (in a [`ItemOp::Reorder`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemPosition {
    /// The item.
    pub item_id: String,
    /// Its new position.
    pub pos: i64,
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

    /// Removes the items whose ids are in `ids` (one operation, however many).
    pub fn remove_ids(&mut self, ids: &std::collections::HashSet<&str>) -> Vec<Arc<Item>> {
        let (gone, kept): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.items).into_iter().partition(|i| ids.contains(i.item_id.as_str()));
        self.items = kept;
        if !gone.is_empty() {
            self.grown -= bytes(&gone);
            self.ops.push(ItemOp::Remove { item_ids: gone.iter().map(|i| i.item_id.clone()).collect() });
        }
        gone
    }

    /// Moves the items `ids` (in that order, together) so that they end up just before the
    /// item `before` (`None`: at the end). `before` must not be one of them.
    pub fn move_ids_before(&mut self, ids: &[&str], before: Option<&str>) {
        let wanted: std::collections::HashSet<&str> = ids.iter().copied().collect();
        let (moving, rest): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.items).into_iter().partition(|i| wanted.contains(i.item_id.as_str()));
        self.items = rest;
        let by_id: std::collections::HashMap<&str, &Arc<Item>> =
            moving.iter().map(|i| (i.item_id.as_str(), i)).collect();
        let moving: Vec<Arc<Item>> = ids.iter().filter_map(|id| by_id.get(id).map(|i| Arc::clone(i))).collect();
        let at = before.and_then(|b| self.items.iter().position(|i| i.item_id == b)).unwrap_or(self.items.len());
        match positions_between(&self.items, at, moving.len()) {
            Some(positions) => {
                let placed: Vec<Arc<Item>> = moving
                    .into_iter()
                    .zip(positions)
                    .map(|(item, pos)| Arc::new(Item { pos, ..Item::clone(&item) }))
                    .collect();
                for item in &placed {
                    self.ops.push(ItemOp::Reposition { item_id: item.item_id.clone(), pos: item.pos });
                }
                self.items.splice(at..at, placed);
            }
            None => {
                let mut all: Vec<Item> = self.items.iter().map(|i| Item::clone(i)).collect();
                all.splice(at..at, moving.iter().map(|i| Item::clone(i)));
                self.replace_all(all);
            }
        }
    }

    /// Puts the items in `order` (the same items, in a new order) with one operation. Returns
    /// false (and changes nothing) when the order is the current one.
    pub fn reorder(&mut self, order: Vec<Arc<Item>>) -> bool {
        debug_assert_eq!(order.len(), self.items.len());
        if order.iter().map(|i| &i.item_id).eq(self.items.iter().map(|i| &i.item_id)) {
            return false;
        }
        let (Some(first), Some(last)) = (self.items.first(), self.items.last()) else {
            return false;
        };
        let n = order.len() as i64;
        let gap = POSITION_GAP;
        // New positions above (or else below) the current range, so none collides with an old one.
        let above = n.checked_mul(gap).and_then(|span| last.pos.checked_add(span)).filter(|top| *top < i64::MAX / 2);
        let below = n.checked_mul(gap).and_then(|span| first.pos.checked_sub(span)).filter(|b| *b > i64::MIN / 2);
        let start = match (above, below) {
            (Some(_), _) => last.pos,
            (None, Some(bottom)) => bottom - gap,
            (None, None) => {
                self.replace_all(order.iter().map(|i| Item::clone(i)).collect());
                return true;
            }
        };
        let items: Vec<Arc<Item>> = order
            .into_iter()
            .zip(1..)
            .map(|(item, k)| Arc::new(Item { pos: start + k * gap, ..Item::clone(&item) }))
            .collect();
        let positions = items.iter().map(|i| ItemPosition { item_id: i.item_id.clone(), pos: i.pos }).collect();
        self.items = items;
        self.ops.push(ItemOp::Reorder { positions });
        true
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
        ItemOp::Reorder { positions } => {
            let at: std::collections::HashMap<&str, i64> =
                positions.iter().map(|p| (p.item_id.as_str(), p.pos)).collect();
            for item in items.iter_mut() {
                if let Some(pos) = at.get(item.item_id.as_str()) {
                    *item = Arc::new(Item { pos: *pos, ..Item::clone(item) });
                }
            }
            items.sort_by_key(|i| i.pos);
        }
        ItemOp::ReplaceAll { items: all } => items.clone_from(all),
    }
}

#[cfg(test)]
mod tests;
