//! Users and tokens in SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_sqlite::rusqlite::params;

use super::{find_doc, json_err, sql_err, EmbeddedStore};
use crate::{
    auth::store::{TokenRecord, TokenStore},
    storage::{StoreError, StoreResult},
    users::{model::User, store::UserStore},
};

fn is_unique_violation(e: &deadpool_sqlite::rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(deadpool_sqlite::rusqlite::ErrorCode::ConstraintViolation))
}

#[async_trait]
impl UserStore for EmbeddedStore {
    async fn insert_user(&self, user: &User) -> StoreResult<()> {
        let doc = serde_json::to_string(user).map_err(json_err)?;
        let (id, key) = (user.id.clone(), User::username_key(&user.username));
        self.with_conn(move |c| {
            c.execute("INSERT INTO users (id, username_key, doc) VALUES (?1, ?2, ?3)", params![id, key, doc])
                .map(|_| ())
                .map_err(|e| if is_unique_violation(&e) { StoreError::Conflict("username") } else { sql_err(e) })
        })
        .await
    }

    async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        let id = id.to_owned();
        self.with_conn(move |c| find_doc(c, "SELECT doc FROM users WHERE id = ?1", id)).await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        let key = User::username_key(username);
        self.with_conn(move |c| find_doc(c, "SELECT doc FROM users WHERE username_key = ?1", key)).await
    }

    async fn update_user(&self, user: &User) -> StoreResult<()> {
        let doc = serde_json::to_string(user).map_err(json_err)?;
        let id = user.id.clone();
        self.with_conn(move |c| match c.execute("UPDATE users SET doc = ?2 WHERE id = ?1", params![id, doc]) {
            Ok(1) => Ok(()),
            Ok(_) => Err(StoreError::NotFound),
            Err(e) => Err(sql_err(e)),
        })
        .await
    }

    async fn purge_deleted_users(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let before = before.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        self.with_conn(move |c| {
            c.execute(
                "DELETE FROM users WHERE json_extract(doc, '$.deleted_at') IS NOT NULL
                 AND datetime(json_extract(doc, '$.deleted_at')) < datetime(?1)",
                [before],
            )
            .map(|n| n as u64)
            .map_err(sql_err)
        })
        .await
    }
}

#[async_trait]
impl TokenStore for EmbeddedStore {
    async fn insert_token(&self, token: &TokenRecord) -> StoreResult<()> {
        let doc = serde_json::to_string(token).map_err(json_err)?;
        let (hash, user, expires) =
            (token.token_hash.clone(), token.user_id.clone(), token.expires_at.timestamp_micros());
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO tokens (token_hash, user_id, expires_us, doc) VALUES (?1, ?2, ?3, ?4)",
                params![hash, user, expires, doc],
            )
            .map(|_| ())
            .map_err(|e| if is_unique_violation(&e) { StoreError::Conflict("token") } else { sql_err(e) })
        })
        .await
    }

    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>> {
        let hash = token_hash.to_owned();
        self.with_conn(move |c| find_doc(c, "SELECT doc FROM tokens WHERE token_hash = ?1", hash)).await
    }

    async fn delete_token(&self, token_hash: &str) -> StoreResult<bool> {
        let hash = token_hash.to_owned();
        self.with_conn(move |c| {
            c.execute("DELETE FROM tokens WHERE token_hash = ?1", [hash]).map(|n| n > 0).map_err(sql_err)
        })
        .await
    }

    async fn delete_tokens_of(&self, user_id: &str, except: Option<&str>) -> StoreResult<u64> {
        let (user, except) = (user_id.to_owned(), except.unwrap_or_default().to_owned());
        self.with_conn(move |c| {
            c.execute("DELETE FROM tokens WHERE user_id = ?1 AND token_hash <> ?2", params![user, except])
                .map(|n| n as u64)
                .map_err(sql_err)
        })
        .await
    }

    async fn delete_expired_tokens(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let now = now.timestamp_micros();
        self.with_conn(move |c| {
            c.execute("DELETE FROM tokens WHERE expires_us <= ?1", [now]).map(|n| n as u64).map_err(sql_err)
        })
        .await
    }
}
