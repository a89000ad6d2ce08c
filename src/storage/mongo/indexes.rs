//! Every index the MongoDB store needs, made to match at start-up: idempotent (a second start
//! sends no `createIndexes` at all), an index whose definition changed is dropped and made again
//! with a log line, and all of one collection's missing indexes go in one `createIndexes` (an
//! engine that builds indexes in a background job, as DocumentDB does, then waits once per
//! collection rather than once per index). The README lists each index with the query it serves.

use std::time::Duration;

use futures::TryStreamExt;
use mongodb::{
    bson::{doc, Bson, Document},
    error::ErrorKind,
    options::IndexOptions,
    Database, IndexModel,
};

use super::{library_search, mongo_err};
use crate::storage::StoreResult;

/// A plain (or unique) index named `name` on `keys`.
fn index(keys: Document, name: &str, unique: bool) -> IndexModel {
    let mut options = IndexOptions::default();
    options.name = Some(name.to_owned());
    options.unique = unique.then_some(true);
    IndexModel::builder().keys(keys).options(options).build()
}

/// An index of only the documents that have `keys`' field.
fn sparse(keys: Document, name: &str) -> IndexModel {
    let mut options = IndexOptions::default();
    options.name = Some(name.to_owned());
    options.sparse = Some(true);
    IndexModel::builder().keys(keys).options(options).build()
}

/// A TTL index: documents go once `field` (a date) is past.
fn expiring(field: &str, name: &str) -> IndexModel {
    let options = IndexOptions::builder().name(name.to_owned()).expire_after(Duration::ZERO).build();
    IndexModel::builder().keys(doc! {field: 1}).options(options).build()
}

/// The indexes of each collection.
pub(super) fn wanted() -> Vec<(&'static str, Vec<IndexModel>)> {
    vec![
        ("users", vec![index(doc! {"username_key": 1}, "username_key_unique", true)]),
        (
            "tokens",
            vec![index(doc! {"user_id": 1}, "by_user", false), index(doc! {"expires_us": 1}, "by_expiry", false)],
        ),
        (
            "playlists",
            vec![
                index(doc! {"owner_id": 1, "updated_us": -1, "_id": -1}, "by_owner_updated", false),
                index(doc! {"updated_us": -1}, "by_updated", false),
                index(doc! {"pending_items": 1}, "by_pending", false),
                index(doc! {"member_ids": 1, "updated_us": -1, "_id": -1}, "by_member_updated", false),
                index(doc! {"visibility": 1, "updated_us": -1, "_id": -1}, "by_visibility_updated", false),
                index(doc! {"owner_id": 1, "name": 1}, "by_owner_name", false),
                sparse(doc! {"words_pending": 1}, "words_pending"),
                library_search::playlist_text_index(),
            ],
        ),
        ("library_words", vec![index(doc! {"p": 1}, "by_playlist", false), library_search::words_text_index()]),
        ("playlist_history", vec![index(doc! {"playlist_id": 1, "version": -1}, "by_playlist_version", false)]),
        (
            "share_links",
            vec![
                index(doc! {"token_hash": 1}, "token_hash_unique", true),
                index(doc! {"playlist_id": 1}, "by_playlist", false),
            ],
        ),
        ("counters", vec![expiring("expires_at", "expire")]),
        ("replicas", vec![expiring("until", "expire")]),
        ("records", vec![expiring("expires_at", "expire"), index(doc! {"owner": 1}, "by_owner", false)]),
        (
            "schedules",
            vec![
                index(doc! {"owner_id": 1}, "by_owner", false),
                index(doc! {"enabled": 1, "next_run_at": 1}, "due", false),
            ],
        ),
        ("schedule_runs", vec![index(doc! {"schedule_id": 1, "started_at": -1}, "by_schedule", false)]),
        (
            "track_cache",
            vec![
                index(doc! {"fetched_us": 1}, "by_fetch", false),
                index(doc! {"accessed_us": -1, "fetched_us": 1}, "by_use", false),
            ],
        ),
        (
            "listens",
            vec![
                index(doc! {"user_id": 1, "at_us": 1}, "by_user_time", false),
                index(doc! {"user_id": 1, "source": 1, "at_us": -1}, "by_source", false),
            ],
        ),
        (
            "placements",
            vec![
                index(doc! {"user_id": 1, "folder": 1}, "by_folder", false),
                index(doc! {"user_id": 1, "tags": 1}, "by_tag", false),
                index(doc! {"playlist_id": 1}, "by_playlist", false),
            ],
        ),
    ]
}

/// What makes two definitions of an index the same: its keys (for a text index, its fields and
/// their weights, as servers answer `{_fts, _ftsx}` for the keys), uniqueness, TTL and language.
#[derive(Debug, PartialEq)]
struct Definition {
    keys: Vec<(String, String)>,
    unique: bool,
    sparse: bool,
    expire_secs: Option<u64>,
    default_language: Option<String>,
}

fn key_value(v: &Bson) -> String {
    match v {
        Bson::String(s) => s.clone(),
        other => {
            other.as_f64().or_else(|| other.as_i64().map(|n| n as f64)).map_or(other.to_string(), |n| n.to_string())
        }
    }
}

fn definition(model: &IndexModel) -> Definition {
    let options = model.options.clone().unwrap_or_default();
    let text = model.keys.values().any(|v| v.as_str() == Some("text")) || model.keys.contains_key("_fts");
    let keys = if text {
        let mut fields: Vec<(String, String)> = match &options.weights {
            Some(w) => w.iter().map(|(k, v)| (k.clone(), key_value(v))).collect(),
            None => Vec::new(),
        };
        for (k, v) in &model.keys {
            if v.as_str() == Some("text") && !k.starts_with("_fts") && !fields.iter().any(|(f, _)| f == k) {
                fields.push((k.clone(), "1".into()));
            }
        }
        fields.sort();
        fields
    } else {
        model.keys.iter().map(|(k, v)| (k.clone(), key_value(v))).collect()
    };
    Definition {
        keys,
        unique: options.unique.unwrap_or(false),
        sparse: options.sparse.unwrap_or(false),
        expire_secs: options.expire_after.map(|d| d.as_secs()),
        default_language: if text { Some(options.default_language.unwrap_or_else(|| "english".into())) } else { None },
    }
}

/// The indexes a collection has now (none when it does not exist yet).
async fn existing(db: &Database, collection: &str) -> StoreResult<Vec<IndexModel>> {
    match db.collection::<Document>(collection).list_indexes().await {
        Ok(cursor) => cursor.try_collect().await.map_err(mongo_err),
        Err(e) if matches!(&*e.kind, ErrorKind::Command(c) if c.code == 26) => Ok(Vec::new()),
        Err(e) => Err(mongo_err(e)),
    }
}

/// Makes `db`'s indexes match [`wanted`]; answers how many indexes it created.
pub(super) async fn sync(db: &Database) -> StoreResult<usize> {
    let mut created = 0;
    for (collection, models) in wanted() {
        let have = existing(db, collection).await?;
        let mut missing = Vec::new();
        for model in models {
            let name = model.options.as_ref().and_then(|o| o.name.clone()).unwrap_or_default();
            let old = have.iter().find(|m| m.options.as_ref().and_then(|o| o.name.as_deref()) == Some(name.as_str()));
            match old {
                Some(old) if definition(old) == definition(&model) => {}
                Some(old) => {
                    tracing::info!(
                        collection,
                        index = %name,
                        was = ?definition(old),
                        now = ?definition(&model),
                        "index definition changed: replacing it"
                    );
                    db.collection::<Document>(collection).drop_index(name).await.map_err(mongo_err)?;
                    missing.push(model);
                }
                None => missing.push(model),
            }
        }
        if !missing.is_empty() {
            created += missing.len();
            db.collection::<Document>(collection).create_indexes(missing).await.map_err(mongo_err)?;
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_index_as_servers_list_it_is_the_same_definition() {
        let ours = library_search::words_text_index();
        let keys: Vec<String> =
            ours.keys.iter().filter(|(_, v)| v.as_str() == Some("text")).map(|(k, _)| k.clone()).collect();
        let mut weights = Document::new();
        for k in &keys {
            weights.insert(k.clone(), 1_i32);
        }
        let listed = IndexModel::builder()
            .keys(doc! {"_fts": "text", "_ftsx": 1})
            .options({
                let mut o = IndexOptions::default();
                o.name = Some("words_text".to_owned());
                o.weights = Some(weights);
                o.default_language = ours.options.as_ref().and_then(|o| o.default_language.clone());
                o
            })
            .build();
        assert_eq!(definition(&listed), definition(&ours));
    }

    #[test]
    fn uniqueness_ttl_and_keys_tell_definitions_apart() {
        let plain = index(doc! {"a": 1}, "x", false);
        assert_ne!(definition(&plain), definition(&index(doc! {"a": 1}, "x", true)));
        assert_ne!(definition(&plain), definition(&index(doc! {"a": -1}, "x", false)));
        assert_ne!(definition(&plain), definition(&expiring("a", "x")));
        let int32 = index(doc! {"a": 1_i32}, "x", false);
        let double = index(doc! {"a": 1.0}, "x", false);
        assert_eq!(definition(&int32), definition(&double), "1 and 1.0 are the same direction");
    }

    #[test]
    fn every_index_has_a_unique_name_within_its_collection() {
        for (collection, models) in wanted() {
            let mut names: Vec<_> = models.iter().map(|m| m.options.as_ref().unwrap().name.clone().unwrap()).collect();
            let n = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), n, "{collection}");
        }
    }
}
