//! The YouTube Data API as a linked user: the channel, the user's playlists' items, and the
//! writes a push makes (create a playlist, insert one video, delete one item), each counted
//! against the day's quota budget before it is sent (list 1 unit, insert and delete 50). The
//! user's token is refreshed once and retried when Google refuses it.

use reqwest::Method;
use serde_json::{json, Value};

use super::{load, tokens};
use crate::{
    connections::deps::ConnectionDeps,
    error::ApiError,
    platforms::{youtube, Platform, PlatformError},
};

/// What an insert or delete costs.
pub const WRITE_UNITS: i64 = 50;

/// The linked channel.
#[derive(Debug)]
pub struct Channel {
    /// Channel id.
    pub id: String,
    /// Its title.
    pub title: Option<String>,
}

fn base(state: &dyn ConnectionDeps) -> String {
    state.config().youtube.base_url.trim_end_matches('/').to_owned()
}

/// Takes `n` of today's units, from `payer`'s share too.
pub async fn spend(state: &dyn ConnectionDeps, payer: &str, n: i64) -> Result<(), ApiError> {
    let budget = youtube::UnitBudget::of(&state.config().youtube);
    let daily = budget.daily;
    youtube::take_units(&**state.store(), budget, Some(payer), n).await.map_err(|e| match e {
        PlatformError::Quota { retry_after_secs, .. } => ApiError::too_many_requests(
            retry_after_secs,
            format!(
                "this needs {n} YouTube quota units and today's budget ({daily}) does not have them: try again after \
                 midnight Pacific time"
            ),
        ),
        other => other.into(),
    })
}

/// Today's units `payer` may still spend (of the deployment's budget and their share).
pub async fn units_left(state: &dyn ConnectionDeps, payer: &str) -> Result<i64, ApiError> {
    Ok(youtube::units_left(&**state.store(), youtube::UnitBudget::of(&state.config().youtube), payer).await?)
}

/// The answer to a refusal from the YouTube Data API.
fn refusal(status: u16, body: &[u8]) -> ApiError {
    let reason = youtube::error_reason(body);
    match (status, reason.as_str()) {
        (403, "quotaExceeded" | "dailyLimitExceeded") => ApiError::too_many_requests(
            youtube::secs_to_reset(),
            "YouTube's daily quota for this server is used up: try again after midnight Pacific time",
        ),
        (403, "insufficientPermissions") => ApiError::invalid(
            "youtube_scope_missing",
            "your YouTube link lacks the permission to manage playlists: link YouTube again and allow it",
        ),
        (404, _) => ApiError::invalid(
            "youtube_playlist_not_found",
            "YouTube has no such playlist, or it is not yours: check the target id",
        ),
        (403, _) => ApiError::invalid(
            "youtube_forbidden",
            format!("YouTube refused ({reason}): only your own playlists can be changed"),
        ),
        _ => PlatformError::upstream(Platform::Youtube, format!("HTTP {status} {reason}")).into(),
    }
}

/// One call with `token`; the body of a 2xx answer.
async fn call_with(
    state: &dyn ConnectionDeps,
    token: &str,
    method: Method,
    url: &str,
    body: Option<&Value>,
) -> Result<Result<Vec<u8>, (u16, Vec<u8>)>, ApiError> {
    let http = &state.platforms().youtube_http;
    let answer = http
        .send(&|| {
            let request = http.request(method.clone(), url).bearer_auth(token);
            match body {
                Some(b) => request.json(b),
                None => request,
            }
        })
        .await?;
    if answer.status.is_success() {
        return Ok(Ok(answer.body.to_vec()));
    }
    Ok(Err((answer.status.as_u16(), answer.body.to_vec())))
}

/// The channel `access_token` belongs to (1 unit).
pub async fn channel(state: &dyn ConnectionDeps, payer: &str, access_token: &str) -> Result<Channel, ApiError> {
    spend(state, payer, 1).await?;
    let url = format!("{}/channels?part=snippet&mine=true", base(state));
    let body = call_with(state, access_token, Method::GET, &url, None).await?.map_err(|(s, b)| refusal(s, &b))?;
    let v: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::from(PlatformError::upstream(Platform::Youtube, e.to_string())))?;
    let first = v.get("items").and_then(|i| i.get(0)).ok_or_else(|| {
        ApiError::invalid(
            "youtube_no_channel",
            "this Google account has no YouTube channel: create one on YouTube, then link again",
        )
    })?;
    Ok(Channel {
        id: first.get("id").and_then(Value::as_str).unwrap_or_default().to_owned(),
        title: first.get("snippet").and_then(|s| s.get("title")).and_then(Value::as_str).map(str::to_owned),
    })
}

/// Revokes the user's YouTube token at Google (best effort: the link is forgotten anyway).
pub async fn revoke(state: &dyn ConnectionDeps, user_id: &str) {
    let Ok(Some(connection)) = load(state, user_id, Platform::Youtube).await else { return };
    let Some(tokens) = connection.tokens.as_ref().and_then(|s| tokens::open(state, user_id, Platform::Youtube, s).ok())
    else {
        return;
    };
    let token = tokens.refresh_token.unwrap_or(tokens.access_token);
    let http = &state.platforms().youtube_http;
    let url = state.config().youtube.revoke_url.clone();
    if let Err(e) = http.send(&|| http.request(Method::POST, &url).form(&[("token", token.as_str())])).await {
        tracing::warn!(error = %e, "YouTube token not revoked at Google; forgotten here anyway");
    }
}

/// A linked user's YouTube session for one request.
pub struct YoutubeUser<'a> {
    state: &'a dyn ConnectionDeps,
    user_id: &'a str,
    /// Quota units spent.
    pub units: i64,
    /// API calls made.
    pub calls: usize,
}

impl<'a> YoutubeUser<'a> {
    /// A session for `user_id` (whose account must be linked).
    pub fn new(state: &'a dyn ConnectionDeps, user_id: &'a str) -> Self {
        Self { state, user_id, units: 0, calls: 0 }
    }

    async fn call(&mut self, units: i64, method: Method, url: &str, body: Option<&Value>) -> Result<Vec<u8>, ApiError> {
        spend(self.state, self.user_id, units).await?;
        self.units += units;
        let mut refused: Option<String> = None;
        loop {
            let token = tokens::access_token(self.state, self.user_id, Platform::Youtube, refused.as_deref()).await?;
            self.calls += 1;
            match call_with(self.state, &token, method.clone(), url, body).await? {
                Ok(body) => return Ok(body),
                Err((401, _)) if refused.is_none() => refused = Some(token),
                Err((status, body)) => return Err(refusal(status, &body)),
            }
        }
    }

    /// The items of playlist `id` as (playlist item id, video id), in order (1 unit a page of 50).
    pub async fn items(&mut self, id: &str) -> Result<Vec<(String, String)>, ApiError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut url = format!("{}/playlistItems?part=snippet&maxResults=50&playlistId={id}", base(self.state));
            if let Some(t) = &token {
                url.push_str(&format!("&pageToken={t}"));
            }
            let v: Value = serde_json::from_slice(&self.call(1, Method::GET, &url, None).await?)
                .map_err(|e| ApiError::from(PlatformError::upstream(Platform::Youtube, e.to_string())))?;
            for item in v.get("items").and_then(Value::as_array).into_iter().flatten() {
                let video = item.pointer("/snippet/resourceId/videoId").and_then(Value::as_str);
                if let (Some(item_id), Some(video)) = (item.get("id").and_then(Value::as_str), video) {
                    out.push((item_id.to_owned(), video.to_owned()));
                }
            }
            token = v.get("nextPageToken").and_then(Value::as_str).map(str::to_owned);
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    /// Creates a private playlist (50 units); its id.
    pub async fn create(&mut self, title: &str, description: &str) -> Result<String, ApiError> {
        let body =
            json!({"snippet": {"title": title, "description": description}, "status": {"privacyStatus": "private"}});
        let url = format!("{}/playlists?part=snippet,status", base(self.state));
        let v: Value = serde_json::from_slice(&self.call(WRITE_UNITS, Method::POST, &url, Some(&body)).await?)
            .map_err(|e| ApiError::from(PlatformError::upstream(Platform::Youtube, e.to_string())))?;
        v.get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| PlatformError::upstream(Platform::Youtube, "a created playlist without an id").into())
    }

    /// Appends one video (50 units).
    pub async fn insert(&mut self, playlist: &str, video: &str) -> Result<(), ApiError> {
        let body =
            json!({"snippet": {"playlistId": playlist, "resourceId": {"kind": "youtube#video", "videoId": video}}});
        let url = format!("{}/playlistItems?part=snippet", base(self.state));
        self.call(WRITE_UNITS, Method::POST, &url, Some(&body)).await.map(|_| ())
    }

    /// Removes one playlist item (50 units).
    pub async fn delete(&mut self, item_id: &str) -> Result<(), ApiError> {
        let url = format!("{}/playlistItems?id={item_id}", base(self.state));
        self.call(WRITE_UNITS, Method::DELETE, &url, None).await.map(|_| ())
    }
}

/// Units a `search.list` call costs.
pub const SEARCH_UNITS: i64 = 100;

/// YouTube's catalog search with a linked user's token, for pushes only (100 units a search):
/// videos whose "Artist - Title" the matcher can score.
pub struct YoutubeSearch<'a> {
    state: &'a dyn ConnectionDeps,
    user_id: &'a str,
    /// Units spent so far.
    pub spent: std::sync::atomic::AtomicI64,
}

impl<'a> YoutubeSearch<'a> {
    /// A searcher spending `user_id`'s link and the day's units.
    pub fn new(state: &'a dyn ConnectionDeps, user_id: &'a str) -> Self {
        Self { state, user_id, spent: std::sync::atomic::AtomicI64::new(0) }
    }
}

#[async_trait::async_trait]
impl crate::platforms::TrackSearch for YoutubeSearch<'_> {
    fn platform(&self) -> Platform {
        Platform::Youtube
    }

    async fn search(
        &self,
        query: &crate::platforms::SearchQuery<'_>,
    ) -> Result<Vec<crate::platforms::RemoteTrack>, PlatformError> {
        let failed = |e: ApiError| PlatformError::upstream(Platform::Youtube, e.message);
        let budget = youtube::UnitBudget::of(&self.state.config().youtube);
        youtube::take_units(&**self.state.store(), budget, Some(self.user_id), SEARCH_UNITS).await?;
        self.spent.fetch_add(SEARCH_UNITS, std::sync::atomic::Ordering::Relaxed);
        let token = tokens::access_token(self.state, self.user_id, Platform::Youtube, None).await.map_err(failed)?;
        let q: String =
            url::form_urlencoded::byte_serialize(format!("{} {}", query.artist, query.title).as_bytes()).collect();
        let url = format!("{}/search?part=snippet&type=video&maxResults=5&q={q}", base(self.state));
        let body = call_with(self.state, &token, Method::GET, &url, None)
            .await
            .map_err(failed)?
            .map_err(|(status, body)| failed(refusal(status, &body)))?;
        let v: Value =
            serde_json::from_slice(&body).map_err(|e| PlatformError::upstream(Platform::Youtube, e.to_string()))?;
        let hits = v.get("items").and_then(Value::as_array).into_iter().flatten().filter_map(|item| {
            let id = item.pointer("/id/videoId").and_then(Value::as_str)?;
            let title = item.pointer("/snippet/title").and_then(Value::as_str)?;
            let channel = item.pointer("/snippet/channelTitle").and_then(Value::as_str);
            let (artist, title) = youtube::split_video_title(title, channel)?;
            Some(crate::platforms::RemoteTrack {
                featured_artists: Vec::new(),
                image: None,
                artist,
                title,
                url: Some(format!("https://www.youtube.com/watch?v={id}")),
                ..Default::default()
            })
        });
        Ok(hits.collect())
    }
}
