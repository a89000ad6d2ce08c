//! Tests of `Edit`.

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
        featured_artists: Vec::new(),
        image: None,
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
    assert!(matches!(&edit.ops()[2], ItemOp::Reposition { item_id, .. } if item_id == "c"), "a move is one reposition");
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

#[test]
fn bulk_moves_removals_and_a_reorder_are_one_operation_each_and_replay() {
    let mut start = playlist();
    let mut edit = Edit::of(&start);
    edit.insert(0, ["a", "b", "c", "d", "e"].into_iter().map(item).collect());
    let (meta, items, _) = edit.finish();
    start = Playlist { meta, items };

    let mut edit = Edit::of(&start);
    edit.move_ids_before(&["e", "a"], Some("c"));
    assert_eq!(ids(edit.items()), ["b", "e", "a", "c", "d"]);
    edit.remove_ids(&["b", "d"].into_iter().collect());
    assert_eq!(ids(edit.items()), ["e", "a", "c"]);
    let held: Vec<i64> = edit.items().iter().map(|i| i.pos).collect();
    let reversed: Vec<Arc<Item>> = edit.items().iter().rev().cloned().collect();
    assert!(edit.reorder(reversed));
    assert_eq!(ids(edit.items()), ["c", "a", "e"]);
    assert!(!edit.reorder(edit.items().to_vec()), "the same order is no change");
    assert!(edit.items().windows(2).all(|w| w[0].pos < w[1].pos));
    let removes = edit.ops().iter().filter(|op| matches!(op, ItemOp::Remove { .. })).count();
    let reorders = edit.ops().iter().filter(|op| matches!(op, ItemOp::Reorder { .. })).count();
    assert_eq!((removes, reorders), (1, 1));
    match edit.ops().last() {
        Some(ItemOp::Reorder { positions }) => {
            assert!(positions.iter().all(|p| !held.contains(&p.pos)), "new positions never collide with held ones")
        }
        other => panic!("last op {other:?}"),
    }
    let mut replayed = start.items.clone();
    edit.ops().iter().for_each(|op| replay(&mut replayed, op));
    assert_eq!(replayed, edit.items());
}
