//! Linking an account by OAuth (Spotify, YouTube): authorization code with PKCE (S256).
//! Starting gives the address to open, with a `state` that is single-use, bound to the user and
//! good for 10 minutes, and a secret for the browser that asked (a cookie). The callback links
//! only for the user who started: it must bring that user's bearer token, the starting
//! browser's cookie, or that user's password (the page it shows otherwise names the starter and
//! asks for it), so a link address sent to someone else cannot link their account to the
//! sender's. Then it exchanges the code, reads the profile and stores the sealed tokens.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration as Span, Utc};
use rand::{distributions::Alphanumeric, Rng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::{
    oauth::{provider, GrantError},
    save, spotify_account,
    tokens::{self, Tokens},
    youtube_api, Connection, ConnectionDto, ConnectionStatus,
};
use crate::{
    connections::deps::ConnectionDeps, error::ApiError, platforms::Platform, storage::records::RecordKey,
    users::model::User,
};

/// How long a `state` is good for.
const STATE_LIFE: Span = Span::minutes(10);
const STATE_KIND: &str = "oauth_state";
const USED_KIND: &str = "oauth_state_used";

/// Where to send the user's browser.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorizeResponse {
    /// Open this in a browser; the platform asks the user, then returns to the redirect URI.
    pub authorize_url: String,
    /// The single-use state in it.
    pub state: String,
    /// Until when it can be used.
    pub expires_at: DateTime<Utc>,
}

/// What the provider sends back to the redirect URI.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Callback {
    /// The authorization code (when the user allowed).
    pub code: Option<String>,
    /// The state given at the start.
    pub state: Option<String>,
    /// `access_denied` when the user declined.
    pub error: Option<String>,
    /// Scopes granted (Google sends them; ignored).
    pub scope: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Pending {
    user_id: String,
    verifier: String,
    platform: Platform,
    /// SHA-256 (hex) of the starting browser's secret.
    #[serde(default)]
    browser: Option<String>,
}

/// A link attempt begun: the answer, and the secret to give the starting browser as a cookie.
pub struct Started {
    /// What the caller gets.
    pub response: AuthorizeResponse,
    /// The cookie's value (never stored; its hash is).
    pub browser_secret: String,
}

/// The cookie that binds a link attempt to the browser that began it.
pub const BROWSER_COOKIE: &str = "sharify_link";

/// Who proves, at the callback, to be the user who started.
#[derive(Default)]
pub struct Proof<'a> {
    /// The user a bearer token, basic credentials or a password sign-in named.
    pub user: Option<&'a User>,
    /// The [`BROWSER_COOKIE`] the browser sent.
    pub browser_secret: Option<&'a str>,
}

/// What a callback came to.
pub enum Outcome {
    /// Linked; the sharify account it was linked to.
    Linked { connection: ConnectionDto, username: String },
    /// Nothing proves the caller started this attempt: it is kept for a sign-in as `starter`.
    NeedsSignIn { starter: String },
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Starts linking `platform` for `user`: the address to open.
pub async fn start(state: &dyn ConnectionDeps, user: &User, platform: Platform) -> Result<Started, ApiError> {
    let provider = provider(state, platform)?;
    tokens::cipher(state)?;
    let verifier: String = rand::thread_rng().sample_iter(&Alphanumeric).take(64).map(char::from).collect();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let nonce: [u8; 32] = rand::thread_rng().gen();
    let oauth_state = URL_SAFE_NO_PAD.encode(nonce);
    let expires_at = Utc::now() + STATE_LIFE;
    let secret: [u8; 32] = rand::thread_rng().gen();
    let browser_secret = URL_SAFE_NO_PAD.encode(secret);
    let pending = Pending { user_id: user.id.clone(), verifier, platform, browser: Some(digest(&browser_secret)) };
    let value = serde_json::to_string(&pending).map_err(ApiError::internal)?;
    let at = RecordKey { kind: STATE_KIND, owner: &user.id, key: &oauth_state };
    state.store().put_record(at, &value, Some(expires_at)).await?;
    let mut url = url::Url::parse(&provider.authorize_url)
        .map_err(|e| ApiError::internal(format!("{} authorize address: {e}", platform.label())))?;
    url.query_pairs_mut()
        .append_pair("client_id", provider.client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", provider.redirect_uri)
        .append_pair("code_challenge_method", "S256")
        .append_pair("code_challenge", &challenge)
        .append_pair("scope", provider.scopes)
        .append_pair("state", &oauth_state)
        .extend_pairs(provider.extra.iter().copied());
    Ok(Started {
        response: AuthorizeResponse { authorize_url: url.into(), state: oauth_state, expires_at },
        browser_secret,
    })
}

fn bad_state() -> ApiError {
    ApiError::bad_request(
        "invalid_state",
        "this link attempt is unknown, expired (10 minutes) or already used: start again with POST /v1/connections/{platform}",
    )
}

/// Finishes linking `platform`: checks `state`, and when `proof` shows the caller started it (or
/// the answer is a refusal) spends it, exchanges the code and stores the connection.
pub async fn callback(
    state: &dyn ConnectionDeps,
    platform: Platform,
    query: Callback,
    proof: Proof<'_>,
) -> Result<Outcome, ApiError> {
    let oauth_state = query.state.filter(|s| !s.is_empty() && s.len() <= 128).ok_or_else(bad_state)?;
    let found = state.store().records(STATE_KIND, std::slice::from_ref(&oauth_state)).await?;
    let pending: Pending = found
        .into_iter()
        .next()
        .and_then(|(_, v)| serde_json::from_str(&v).ok())
        .filter(|p: &Pending| p.platform == platform)
        .ok_or_else(bad_state)?;
    if proof.user.is_some_and(|c| c.id != pending.user_id) {
        return Err(ApiError::forbidden("this link attempt was started by another sharify user"));
    }
    let same_browser = match (&pending.browser, proof.browser_secret) {
        (Some(expected), Some(secret)) => digest(secret) == *expected,
        _ => false,
    };
    if proof.user.is_none() && !same_browser && query.error.is_none() {
        let starter = state.store().user_by_id(&pending.user_id).await?.ok_or_else(bad_state)?;
        return Ok(Outcome::NeedsSignIn { starter: starter.username });
    }
    // Single use, even when two requests race: the first to claim it wins.
    let used = RecordKey { kind: USED_KIND, owner: &pending.user_id, key: &oauth_state };
    if state.store().claim_record(used, "", Utc::now() + STATE_LIFE).await?.is_some() {
        return Err(bad_state());
    }
    state.store().delete_record(STATE_KIND, &oauth_state).await?;
    let label = platform.label();
    if let Some(error) = query.error {
        let message = if error == "access_denied" {
            format!("you declined on {label}'s page, so nothing was linked; start again to link")
        } else {
            format!("{label} did not link the account ({error}); start again")
        };
        return Err(ApiError::bad_request("link_declined", message));
    }
    let code = query.code.filter(|c| !c.is_empty()).ok_or_else(|| {
        ApiError::bad_request("invalid_callback", format!("{label}'s answer has no code; start again"))
    })?;
    let grant = match provider(state, platform)?.exchange_code(&code, &pending.verifier).await {
        Ok(grant) => grant,
        Err(GrantError::Refused(why)) => {
            return Err(ApiError::bad_request(
                "link_failed",
                format!("{label} did not accept the authorization ({why}); start again"),
            ))
        }
        Err(GrantError::Other(e)) => return Err(e),
    };
    let (account_id, user_id, display_name) = match platform {
        Platform::Youtube => {
            let channel = youtube_api::channel(state, &pending.user_id, &grant.access_token).await?;
            (Some(channel.id.clone()), Some(channel.id), channel.title)
        }
        _ => {
            let profile = spotify_account::me(state, &grant.access_token).await?;
            (Some(profile.account_id.unwrap_or_else(|| profile.id.clone())), Some(profile.id), profile.display_name)
        }
    };
    let tokens = Tokens { access_token: grant.access_token, refresh_token: grant.refresh_token };
    let connection = Connection {
        platform,
        status: ConnectionStatus::Active,
        account_id,
        user_id,
        display_name,
        scopes: grant.scope.unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
        access_expires_at: Some(Utc::now() + Span::seconds(grant.expires_in.unwrap_or(3600))),
        linked_at: Utc::now(),
        message: None,
        tokens: Some(tokens::seal(state, &pending.user_id, platform, &tokens)?),
    };
    save(state, &pending.user_id, &connection).await?;
    let username = match proof.user {
        Some(user) => user.username.clone(),
        None => state.store().user_by_id(&pending.user_id).await?.map(|u| u.username).unwrap_or_default(),
    };
    Ok(Outcome::Linked { connection: ConnectionDto::from(&connection), username })
}
