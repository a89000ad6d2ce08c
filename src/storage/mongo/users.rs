//! Users and tokens in MongoDB.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mongodb::bson::{self, doc};

use super::{bson_err, is_duplicate_key, mongo_err, MongoStore};
use crate::{
    auth::store::{TokenRecord, TokenStore},
    storage::{StoreError, StoreResult},
    users::{model::User, store::UserStore},
};

#[async_trait]
impl UserStore for MongoStore {
    async fn insert_user(&self, user: &User) -> StoreResult<()> {
        let mut d = bson::to_document(user).map_err(bson_err)?;
        d.insert("_id", &user.id);
        d.insert("username_key", User::username_key(&user.username));
        self.users().insert_one(d).await.map(|_| ()).map_err(|e| {
            if is_duplicate_key(&e) {
                StoreError::Conflict("username")
            } else {
                mongo_err(e)
            }
        })
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        let found = self.users().find_one(doc! {"_id": id}).await.map_err(mongo_err)?;
        found.map(|d| bson::from_document(d).map_err(bson_err)).transpose()
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        let found =
            self.users().find_one(doc! {"username_key": User::username_key(username)}).await.map_err(mongo_err)?;
        found.map(|d| bson::from_document(d).map_err(bson_err)).transpose()
    }

    async fn update_user(&self, user: &User) -> StoreResult<()> {
        let mut d = bson::to_document(user).map_err(bson_err)?;
        d.insert("_id", &user.id);
        d.insert("username_key", User::username_key(&user.username));
        if user.deleted_at.is_some() {
            d.insert("deleted_us", user.deleted_at.map_or(0, |t| t.timestamp_micros()));
        }
        let r = self.users().replace_one(doc! {"_id": &user.id}, d).await.map_err(mongo_err)?;
        if r.matched_count == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    async fn purge_deleted_users(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let r = self
            .users()
            .delete_many(doc! {"deleted_us": {"$lt": before.timestamp_micros()}})
            .await
            .map_err(mongo_err)?;
        Ok(r.deleted_count)
    }
}

#[async_trait]
impl TokenStore for MongoStore {
    async fn insert_token(&self, token: &TokenRecord) -> StoreResult<()> {
        let mut d = bson::to_document(token).map_err(bson_err)?;
        d.insert("_id", &token.token_hash);
        d.insert("expires_us", token.expires_at.timestamp_micros());
        self.tokens().insert_one(d).await.map(|_| ()).map_err(|e| {
            if is_duplicate_key(&e) {
                StoreError::Conflict("token")
            } else {
                mongo_err(e)
            }
        })
    }

    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>> {
        let found = self.tokens().find_one(doc! {"_id": token_hash}).await.map_err(mongo_err)?;
        found.map(|d| bson::from_document(d).map_err(bson_err)).transpose()
    }

    async fn delete_token(&self, token_hash: &str) -> StoreResult<bool> {
        let r = self.tokens().delete_one(doc! {"_id": token_hash}).await.map_err(mongo_err)?;
        Ok(r.deleted_count > 0)
    }

    async fn delete_tokens_of(&self, user_id: &str, except: Option<&str>) -> StoreResult<u64> {
        let filter = doc! {"user_id": user_id, "_id": {"$ne": except.unwrap_or_default()}};
        let r = self.tokens().delete_many(filter).await.map_err(mongo_err)?;
        Ok(r.deleted_count)
    }

    async fn delete_expired_tokens(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let r = self
            .tokens()
            .delete_many(doc! {"expires_us": {"$lte": now.timestamp_micros()}})
            .await
            .map_err(mongo_err)?;
        Ok(r.deleted_count)
    }
}
