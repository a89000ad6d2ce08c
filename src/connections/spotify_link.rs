//! Linking a Spotify account: authorization code with PKCE (S256). Starting gives the address to
//! open, with a `state` that is single-use, bound to the user and good for 10 minutes; the
//! callback (reached from Spotify without our bearer token, so `state` alone names the user)
//! exchanges the code, reads the profile and stores the sealed tokens.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration as Span, Utc};
use rand::{distributions::Alphanumeric, Rng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::{
    save,
    spotify_account::{self, GrantError},
    tokens::{self, Tokens},
    Connection, ConnectionDto, ConnectionStatus,
};
use crate::{app::AppState, error::ApiError, platforms::Platform, storage::records::RecordKey, users::model::User};

/// Scopes asked: read and change the user's playlists, and recent plays (listening history).
pub const SCOPES: &str = "playlist-read-private playlist-read-collaborative playlist-modify-public \
                          playlist-modify-private user-library-read user-read-recently-played";
/// How long a `state` is good for.
const STATE_LIFE: Span = Span::minutes(10);
const STATE_KIND: &str = "oauth_state";
const USED_KIND: &str = "oauth_state_used";

/// Where to send the user's browser.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorizeResponse {
    /// Open this in a browser; Spotify asks the user, then returns to the redirect URI.
    pub authorize_url: String,
    /// The single-use state in it.
    pub state: String,
    /// Until when it can be used.
    pub expires_at: DateTime<Utc>,
}

/// What Spotify sends back to the redirect URI.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Callback {
    /// The authorization code (when the user allowed).
    pub code: Option<String>,
    /// The state given at the start.
    pub state: Option<String>,
    /// `access_denied` when the user declined.
    pub error: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Pending {
    user_id: String,
    verifier: String,
}

/// Starts linking: the authorize address for `user`.
pub async fn start(state: &AppState, user: &User) -> Result<AuthorizeResponse, ApiError> {
    let config = &state.config.spotify;
    tokens::cipher(state)?;
    let client_id = config.client_id.as_ref().map(|c| c.expose().to_owned());
    let (Some(client_id), Some(redirect)) = (client_id, config.redirect_uri.clone()) else {
        return Err(ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "linking_not_configured",
            "Spotify linking is not configured on this server: the operator must set SHARIFY_SPOTIFY__CLIENT_ID and \
             SHARIFY_SPOTIFY__REDIRECT_URI",
        ));
    };
    let verifier: String = rand::thread_rng().sample_iter(&Alphanumeric).take(64).map(char::from).collect();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let nonce: [u8; 32] = rand::thread_rng().gen();
    let oauth_state = URL_SAFE_NO_PAD.encode(nonce);
    let expires_at = Utc::now() + STATE_LIFE;
    let pending = serde_json::to_string(&Pending { user_id: user.id.clone(), verifier }).map_err(ApiError::internal)?;
    let at = RecordKey { kind: STATE_KIND, owner: &user.id, key: &oauth_state };
    state.store.put_record(at, &pending, Some(expires_at)).await?;
    let mut url = url::Url::parse(&format!("{}/authorize", config.accounts_url.trim_end_matches('/')))
        .map_err(|e| ApiError::internal(format!("spotify.accounts_url: {e}")))?;
    url.query_pairs_mut()
        .append_pair("client_id", &client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", &redirect)
        .append_pair("code_challenge_method", "S256")
        .append_pair("code_challenge", &challenge)
        .append_pair("scope", SCOPES)
        .append_pair("state", &oauth_state);
    Ok(AuthorizeResponse { authorize_url: url.into(), state: oauth_state, expires_at })
}

fn bad_state() -> ApiError {
    ApiError::bad_request(
        "invalid_state",
        "this link attempt is unknown, expired (10 minutes) or already used: start again with POST /v1/connections/spotify",
    )
}

/// Finishes linking: checks and spends `state`, exchanges the code, stores the connection.
/// `caller` is whoever sent a bearer token with the request, if anyone.
pub async fn callback(state: &AppState, query: Callback, caller: Option<&User>) -> Result<ConnectionDto, ApiError> {
    let oauth_state = query.state.filter(|s| !s.is_empty() && s.len() <= 128).ok_or_else(bad_state)?;
    let found = state.store.records(STATE_KIND, std::slice::from_ref(&oauth_state)).await?;
    let pending: Pending =
        found.into_iter().next().and_then(|(_, v)| serde_json::from_str(&v).ok()).ok_or_else(bad_state)?;
    if caller.is_some_and(|c| c.id != pending.user_id) {
        return Err(ApiError::forbidden("this link attempt was started by another sharify user"));
    }
    // Single use, even when two requests race: the first to claim it wins.
    let used = RecordKey { kind: USED_KIND, owner: &pending.user_id, key: &oauth_state };
    if state.store.claim_record(used, "", Utc::now() + STATE_LIFE).await?.is_some() {
        return Err(bad_state());
    }
    state.store.delete_record(STATE_KIND, &oauth_state).await?;
    if let Some(error) = query.error {
        let message = if error == "access_denied" {
            "you declined on Spotify's page, so nothing was linked; start again to link".to_owned()
        } else {
            format!("Spotify did not link the account ({error}); start again")
        };
        return Err(ApiError::bad_request("spotify_link_declined", message));
    }
    let code = query
        .code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::bad_request("invalid_callback", "Spotify's answer has no code; start again"))?;
    let grant = match spotify_account::exchange_code(state, &code, &pending.verifier).await {
        Ok(grant) => grant,
        Err(GrantError::Refused(why)) => {
            return Err(ApiError::bad_request(
                "spotify_link_failed",
                format!("Spotify did not accept the authorization ({why}); start again"),
            ))
        }
        Err(GrantError::Other(e)) => return Err(e),
    };
    let profile = spotify_account::me(state, &grant.access_token).await?;
    let tokens = Tokens { access_token: grant.access_token, refresh_token: grant.refresh_token };
    let connection = Connection {
        platform: Platform::Spotify,
        status: ConnectionStatus::Active,
        account_id: Some(profile.account_id.unwrap_or_else(|| profile.id.clone())),
        user_id: Some(profile.id),
        display_name: profile.display_name,
        scopes: grant.scope.unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
        access_expires_at: Some(Utc::now() + Span::seconds(grant.expires_in.unwrap_or(3600))),
        linked_at: Utc::now(),
        message: None,
        tokens: Some(tokens::seal(state, &tokens)?),
    };
    save(state, &pending.user_id, &connection).await?;
    Ok(ConnectionDto::from(&connection))
}
