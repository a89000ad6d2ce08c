//! Share links in MongoDB: one document each (`_id` = link id), counters updated with `$inc`.

use async_trait::async_trait;
use futures::TryStreamExt;
use mongodb::bson::{self, doc, Document};

use super::{bson_err, is_duplicate_key, mongo_err, MongoStore};
use crate::{
    sharing::link_store::{ShareLink, ShareLinkStore},
    storage::{StoreError, StoreResult},
};

fn decode(d: Document) -> StoreResult<ShareLink> {
    bson::from_document(d).map_err(bson_err)
}

#[async_trait]
impl ShareLinkStore for MongoStore {
    async fn insert_link(&self, link: &ShareLink) -> StoreResult<()> {
        let mut d = bson::to_document(link).map_err(bson_err)?;
        d.insert("_id", &link.link_id);
        d.insert("uses", i64::from(link.uses));
        d.insert("visits", link.visits as i64);
        self.links().insert_one(d).await.map(|_| ()).map_err(|e| {
            if is_duplicate_key(&e) {
                StoreError::Conflict("share link")
            } else {
                mongo_err(e)
            }
        })
    }

    async fn links_for(&self, playlist_id: &str) -> StoreResult<Vec<ShareLink>> {
        let cursor =
            self.links().find(doc! {"playlist_id": playlist_id}).sort(doc! {"_id": 1}).await.map_err(mongo_err)?;
        let docs: Vec<Document> = cursor.try_collect().await.map_err(mongo_err)?;
        docs.into_iter().map(decode).collect()
    }

    async fn link_by_token(&self, token_hash: &str) -> StoreResult<Option<ShareLink>> {
        self.links().find_one(doc! {"token_hash": token_hash}).await.map_err(mongo_err)?.map(decode).transpose()
    }

    async fn revoke_link(&self, playlist_id: &str, link_id: &str) -> StoreResult<bool> {
        let r = self
            .links()
            .update_one(doc! {"_id": link_id, "playlist_id": playlist_id}, doc! {"$set": {"revoked": true}})
            .await
            .map_err(mongo_err)?;
        Ok(r.matched_count == 1)
    }

    async fn count_visits(&self, link_id: &str, visits: u64) -> StoreResult<()> {
        let inc = doc! {"$inc": {"visits": visits as i64}};
        self.links().update_one(doc! {"_id": link_id}, inc).await.map(|_| ()).map_err(mongo_err)
    }

    async fn use_link(&self, link_id: &str, max_uses: Option<u32>) -> StoreResult<bool> {
        let mut filter = doc! {"_id": link_id, "revoked": false};
        if let Some(max) = max_uses {
            filter.insert("uses", doc! {"$lt": i64::from(max)});
        }
        let r = self.links().update_one(filter, doc! {"$inc": {"uses": 1_i64}}).await.map_err(mongo_err)?;
        Ok(r.modified_count == 1)
    }

    async fn return_link_use(&self, link_id: &str) -> StoreResult<()> {
        let filter = doc! {"_id": link_id, "uses": {"$gt": 0_i64}};
        self.links().update_one(filter, doc! {"$inc": {"uses": -1_i64}}).await.map(|_| ()).map_err(mongo_err)
    }

    async fn delete_links_for(&self, playlist_id: &str) -> StoreResult<()> {
        self.links().delete_many(doc! {"playlist_id": playlist_id}).await.map(|_| ()).map_err(mongo_err)
    }
}
