//! What only the MongoDB store has: indexes made to match at start-up, the one-time backfill
//! of library search words, and a clear start-up error for credentials the server refuses.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use mongodb::{
    bson::{doc, Document},
    options::IndexOptions,
    IndexModel,
};
use sharify::{
    library::terms::SearchTerms,
    storage::{mongo::MongoStore, Store},
};

use crate::{
    helpers::{captured_logs, init_log_capture, mongo_uri, Backend, TestStore},
    store_contract::{insert, item, playlist, positioned},
};

async fn database(s: &TestStore) -> mongodb::Database {
    let client = mongodb::Client::with_uri_str(mongo_uri()).await.unwrap();
    client.database(s.mongo_db.as_deref().unwrap())
}

async fn index_named(db: &mongodb::Database, collection: &str, name: &str) -> Option<IndexModel> {
    let all: Vec<IndexModel> =
        db.collection::<Document>(collection).list_indexes().await.unwrap().try_collect().await.unwrap();
    all.into_iter().find(|m| m.options.as_ref().and_then(|o| o.name.as_deref()) == Some(name))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(mongo_tests), ignore = "SHARIFY_TEST_MONGO_URI is not set: MongoDB run skipped")]
async fn an_index_whose_definition_changed_is_replaced_with_a_log_line() {
    init_log_capture();
    let s = TestStore::new(Backend::Mongo).await;
    let db = database(&s).await;
    let playlists = db.collection::<Document>("playlists");
    playlists.drop_index("library_text").await.unwrap();
    let old_keys = doc! {"name": "text", "items.title": "text"};
    let old = IndexOptions::builder().name("library_text".to_owned()).build();
    playlists.create_index(IndexModel::builder().keys(old_keys).options(old).build()).await.unwrap();
    let tokens = db.collection::<Document>("tokens");
    tokens.drop_index("by_user").await.unwrap();

    s.store.migrate().await.unwrap();
    let text = index_named(&db, "playlists", "library_text").await.expect("the text index is there");
    let weights = text.options.unwrap().weights.unwrap();
    let mut fields: Vec<&str> = weights.keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(fields, ["search_words"], "made again with today's fields");
    assert!(index_named(&db, "tokens", "by_user").await.is_some(), "a missing index is made");
    let logs = captured_logs();
    assert!(logs.contains("index definition changed: replacing it") && logs.contains("library_text"), "logged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(mongo_tests), ignore = "SHARIFY_TEST_MONGO_URI is not set: MongoDB run skipped")]
async fn a_second_start_creates_no_index() {
    let s = TestStore::new(Backend::Mongo).await;
    let store = MongoStore::connect(&mongo_uri(), s.mongo_db.as_deref().unwrap()).await.unwrap();
    assert_eq!(store.sync_indexes().await.unwrap(), 0, "every index was made by the first start");
    let db = database(&s).await;
    db.collection::<Document>("placements").drop_index("by_tag").await.unwrap();
    assert_eq!(store.sync_indexes().await.unwrap(), 1, "only the missing one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(mongo_tests), ignore = "SHARIFY_TEST_MONGO_URI is not set: MongoDB run skipped")]
async fn playlists_written_before_search_words_are_found_after_the_next_start() {
    let s = TestStore::new(Backend::Mongo).await;
    let mut p = playlist("o", "Old Café", 0);
    p.items = vec![positioned(item("Beyoncé", "Halo"), 1)];
    p.sync_derived();
    insert(&s.store, &p).await.unwrap();
    let db = database(&s).await;
    // As an older sharify wrote it: no words for the playlist or its items.
    let playlists = db.collection::<Document>("playlists");
    let mut old = playlists.find_one(doc! {"_id": &p.meta.id}).await.unwrap().unwrap();
    old.remove("search_words");
    old.remove("words_pending");
    playlists.replace_one(doc! {"_id": &p.meta.id}, old).await.unwrap();
    db.collection::<Document>("library_words").delete_many(doc! {}).await.unwrap();
    db.collection::<Document>("migrations").delete_many(doc! {}).await.unwrap();
    let terms = SearchTerms::parse(Some("beyonce")).unwrap();
    assert!(s.store.search_tracks("o", &terms, None, 10).await.unwrap().is_empty(), "not searchable as written");

    s.store.migrate().await.unwrap();
    assert_eq!(s.store.compact_search_index(100).await.unwrap(), 1, "the maintenance pass gives it its words");
    assert_eq!(s.store.search_tracks("o", &terms, None, 10).await.unwrap().len(), 1);
    let cafe = SearchTerms::parse(Some("cafe")).unwrap();
    assert_eq!(s.store.search_playlists("o", &cafe, &[], None, 10).await.unwrap().len(), 1);
    let stored = s.store.playlist(&p.meta.id).await.unwrap().unwrap();
    assert_eq!(stored.items, p.items, "the items are as they were");
    assert_eq!(stored.meta.name, "Old Café");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(mongo_auth_tests),
    ignore = "needs a MongoDB URI with credentials (the test double has no authentication)"
)]
async fn a_wrong_password_is_a_clear_start_up_error_not_a_hang() {
    let uri = mongo_uri();
    let (head, rest) = uri.split_once('@').expect("the test server's URI carries credentials");
    let user = head.trim_start_matches("mongodb://").split(':').next().unwrap();
    let wrong = format!("mongodb://{user}:not-the-password@{rest}");
    let store = MongoStore::connect(&wrong, "wrong_password").await.unwrap();
    let started = Instant::now();
    let error = store.migrate().await.unwrap_err().to_string();
    assert!(started.elapsed() < Duration::from_secs(10), "answered in {:?}", started.elapsed());
    assert!(error.contains("MongoDB") && error.contains("SHARIFY_MONGO__URI"), "names the store: {error}");
    assert!(error.contains("authentication failed"), "says why: {error}");
    assert!(!error.contains("not-the-password"), "never shows the password: {error}");
}
